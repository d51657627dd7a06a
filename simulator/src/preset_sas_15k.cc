// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Preset "sas-15k": an enterprise 15,000 rpm SAS drive with a deep tagged
// command queue, built on the Seagate Cheetah 15K.7 SAS, model ST3600057SS
// (600 GB). Each figure and where it comes from:
//
//   Cheetah 15K.7 SAS Product Manual (publication 100516226), section 4.2.3
//   "General performance characteristics", as reproduced on
//   manualsdump.com (checked 2026-12-07):
//     sustainable transfer rate   122 MB/s (ID) to 204 MB/s (OD)
//     SAS interface               600 MB/s per port
//     average rotational latency  2.0 ms (= 15,000 rpm)
//   Same manual, recalled and NOT re-checked against a copy (marked [U]):
//     capacity                    1,172,123,568 LBAs of 512 bytes   [U]
//     heads / disks               8 / 4                              [U]
//     average seek                read 3.4 ms, write 3.9 ms          [U]
//     single-track seek           about 0.2 ms                       [U]
//     cache                       16 MB                              [U]
//
// What is synthesised (not published), and how:
//   zones      24 zones of equal cylinder count, sectors per track falling
//              linearly from 1594 (204 MB/s ÷ 512 B ÷ 250 rev/s) to 953
//              (122 MB/s); the cylinder count is the smallest that holds the
//              capacity, the excess is empty space at the front of zone 0.
//   seek       DiskSim "hpl" through (1, 0.2 ms), (a third of the stroke,
//              3.4 ms) and (full stroke, 6.8 ms: twice the average, the
//              usual ratio); write settle 0.5 ms (write − read average);
//              head switch 0.3 ms; skews rounded up to whole sectors.
//   controller 0.05 ms command overhead, 0.02 ms read hit; no
//              disconnect/reselect modelled (as sata-7200).
//   cache      16 segments × 2048 sectors (16 MB), read-ahead up to 1024
//              sectors; write cache off (fast write level 0), the usual
//              setting of enterprise drives behind a RAID controller.
//   queue      64 tagged commands, reordered by the drive by estimated
//              positioning time (sptf). SAS drives accept deeper queues
//              than SATA's 32; firmware policies are not published, so
//              sptf stands for "rotational position ordering".

#include <cmath>
#include <vector>

#include "iosched/hdd_params.h"

namespace iosched {

HddParams Sas15kParams() {
  HddParams p;
  p.name = "sas-15k";
  p.description =
      "15,000 rpm SAS enterprise drive, 600 GB (Seagate Cheetah 15K.7 figures: 122-204 MB/s, "
      "3.4 ms avg seek, 16 MB cache; TCQ 64, in-drive sptf)";
  constexpr uint64_t kCapacity = 1'172'123'568;
  constexpr int kZones = 24;
  constexpr double kOuterSpt = 1594, kInnerSpt = 953;
  p.heads = 8;
  p.rpm = 15000;
  p.sparing = HddSparing::kNone;
  const double rev_ms = 60e3 / p.rpm;
  p.head_switch_ms = 0.3;
  p.write_settle_ms = 0.5;
  const double single_cyl_ms = 0.2;

  std::vector<uint32_t> spt(kZones);
  uint64_t per_cylinder_set = 0;
  for (int z = 0; z < kZones; ++z) {
    spt[z] =
        static_cast<uint32_t>(std::lround(kOuterSpt - z * (kOuterSpt - kInnerSpt) / (kZones - 1)));
    per_cylinder_set += uint64_t{spt[z]} * p.heads;
  }
  const uint32_t cyls_per_zone =
      static_cast<uint32_t>((kCapacity + per_cylinder_set - 1) / per_cylinder_set);
  const uint64_t excess = uint64_t{cyls_per_zone} * per_cylinder_set - kCapacity;
  for (int z = 0; z < kZones; ++z) {
    HddZone zone;
    zone.first_cylinder = z * cyls_per_zone;
    zone.last_cylinder = (z + 1) * cyls_per_zone - 1;
    zone.sectors_per_track = spt[z];
    zone.front_gap = z == 0 ? static_cast<uint32_t>(excess) : 0;
    const double sector_ms = rev_ms / spt[z];
    zone.track_skew = std::ceil(p.head_switch_ms / sector_ms);
    zone.cylinder_skew = std::ceil(single_cyl_ms / sector_ms);
    p.zones.push_back(zone);
  }
  p.cylinders = kZones * cyls_per_zone;
  p.expected_capacity_sectors = kCapacity;

  const double third = std::floor(p.cylinders / 3.0);
  const double full = p.cylinders - 1.0;
  p.seek.kind = HddSeekCurve::Kind::kHpl;
  p.seek.hpl_single_ms = single_cyl_ms;
  p.seek.boundary = third;
  p.seek.sqrt_b_ms = (3.4 - single_cyl_ms) / (std::sqrt(third) - 1.0);
  p.seek.sqrt_a_ms = single_cyl_ms - p.seek.sqrt_b_ms;
  p.seek.linear_e_ms = (6.8 - 3.4) / (full - third);
  p.seek.linear_c_ms = 3.4 - p.seek.linear_e_ms * third;

  // SAS 6 Gb/s: 600 MB/s.
  p.bus_read_sector_ms = p.bus_write_sector_ms = 512.0 / 600e6 * 1e3;
  p.never_disconnect = true;
  p.hold_bus_for_read = true;
  HddOverheads& o = p.overheads;
  o.read_hit_after_read_ms = o.read_hit_after_write_ms = 0.02;
  o.read_miss_after_read_ms = o.read_miss_after_write_ms = 0.05;
  o.write_hit_after_read_ms = o.write_hit_after_write_ms = 0.05;
  o.write_miss_after_read_ms = o.write_miss_after_write_ms = 0.05;
  o.read_completion_ms = o.write_completion_ms = 0.01;

  HddCacheParams& c = p.cache;
  c.segments = 16;
  c.segment_sectors = 2048;
  c.max_write_segments = 8;
  c.max_read_ahead_sectors = 1024;
  c.buffer_continuous_read = 3;
  c.read_ahead_on_idle_hit = true;
  c.read_hits_on_write_data = true;
  c.immediate_transfer_partial_hit = true;
  c.stop_prefetch_in_sector = true;
  c.write_hit_stop_prefetch = true;
  c.fast_write_level = 0;

  p.queue.depth = 64;
  p.queue.policy = "sptf";
  return p;
}

}  // namespace iosched
