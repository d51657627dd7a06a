// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Preset "sata-7200": a modern 7200 rpm SATA desktop drive, built on the
// public figures of the Seagate BarraCuda 1 TB, model ST1000DM010 (Seagate
// BarraCuda product data sheet and product manual):
//   guaranteed sectors        1,953,525,168 (512-byte LBAs)
//   heads / disks             2 / 1
//   spindle speed             7200 rpm (average latency 4.16 ms)
//   max sustained data rate   210 MB/s (OD, read)
//   cache                     64 MB, multisegmented
//   interface                 SATA 6 Gb/s (600 MB/s)
// Seek times are no longer published for this family; the values below are
// the ones Seagate published for the previous desktop generation (Barracuda
// 7200.12 product manual: average seek read < 8.5 ms, write < 9.5 ms).
//
// What is synthesised (manufacturers do not publish it), and how:
//   zones      24 zones of equal cylinder count, sectors per track falling
//              linearly from 3418 (= 210 MB/s ÷ 512 B ÷ 120 rev/s, the OD
//              rate) to 1800 (an ID/OD ratio of ~0.53, typical of 3.5"
//              media); the cylinder count is the smallest that holds the
//              guaranteed capacity, the excess is empty space at the front
//              of zone 0; no spares, no defects.
//   seek       DiskSim "hpl": single-cylinder 1.0 ms, a + b·sqrt(d) up to a
//              third of the stroke (8.5 ms there, the published average),
//              then linear to 17 ms at full stroke (twice the average, the
//              usual ratio); write settle 1.0 ms (write − read average).
//   skews      the head switch (1.0 ms) and single-cylinder seek (1.0 ms)
//              rounded up to whole sectors of each zone, so sequential
//              transfers do not lose a revolution at track boundaries.
//   controller 0.1 ms command overhead, 0.05 ms read hit, no SCSI
//              disconnect/reselect (SATA: "Never disconnect"); write-back
//              cache on (fast write level 2), as shipped.
//   cache      32 segments × 4096 sectors (= 64 MB), read-ahead up to 2048
//              sectors past each read.
//   queue      SATA NCQ: 32 commands (the ATA limit: a 5-bit tag, Linux
//              libata ATA_MAX_QUEUE), reordered by the drive by estimated
//              positioning time (sptf); drives do rotational-position
//              ordering but vendors do not publish their policy.
//              "sata-7200:queue_depth=1" is the drive without NCQ.

#include <cmath>
#include <vector>

#include "iosched/hdd_params.h"

namespace iosched {

HddParams Sata7200Params() {
  HddParams p;
  p.name = "sata-7200";
  p.description =
      "7200 rpm SATA desktop drive, 1 TB (Seagate BarraCuda ST1000DM010 figures: 210 MB/s OD, "
      "64 MB cache, 8.5 ms avg seek; zones synthesised; NCQ 32, in-drive sptf)";
  constexpr uint64_t kCapacity = 1'953'525'168;
  constexpr int kZones = 24;
  constexpr double kOuterSpt = 3418, kInnerSpt = 1800;
  p.heads = 2;
  p.rpm = 7200;
  p.sparing = HddSparing::kNone;
  const double rev_ms = 60e3 / p.rpm;
  p.head_switch_ms = 1.0;
  p.write_settle_ms = 1.0;
  const double single_cyl_ms = 1.0;

  std::vector<uint32_t> spt(kZones);
  uint64_t per_cylinder_set = 0;  // sectors in one cylinder of every zone
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

  // Seek: "hpl" through (1, 1.0 ms), (third, 8.5 ms), (full, 17 ms).
  const double third = std::floor(p.cylinders / 3.0);
  const double full = p.cylinders - 1.0;
  p.seek.kind = HddSeekCurve::Kind::kHpl;
  p.seek.hpl_single_ms = single_cyl_ms;
  p.seek.boundary = third;
  p.seek.sqrt_b_ms = (8.5 - single_cyl_ms) / (std::sqrt(third) - 1.0);
  p.seek.sqrt_a_ms = single_cyl_ms - p.seek.sqrt_b_ms;
  p.seek.linear_e_ms = (17.0 - 8.5) / (full - third);
  p.seek.linear_c_ms = 8.5 - p.seek.linear_e_ms * third;

  // SATA 6 Gb/s: 600 MB/s, 512 bytes in 0.000853 ms.
  p.bus_read_sector_ms = p.bus_write_sector_ms = 512.0 / 600e6 * 1e3;
  p.never_disconnect = true;
  p.hold_bus_for_read = true;
  HddOverheads& o = p.overheads;
  o.read_hit_after_read_ms = o.read_hit_after_write_ms = 0.05;
  o.read_miss_after_read_ms = o.read_miss_after_write_ms = 0.1;
  o.write_hit_after_read_ms = o.write_hit_after_write_ms = 0.1;
  o.write_miss_after_read_ms = o.write_miss_after_write_ms = 0.1;
  o.read_completion_ms = o.write_completion_ms = 0.01;

  HddCacheParams& c = p.cache;
  c.segments = 32;
  c.segment_sectors = 4096;
  c.max_write_segments = 16;
  c.read_water_mark = c.write_water_mark = 0.0;
  c.max_read_ahead_sectors = 2048;
  c.buffer_continuous_read = 3;
  c.read_ahead_on_idle_hit = true;
  c.read_hits_on_write_data = true;
  c.immediate_transfer_partial_hit = true;
  c.stop_prefetch_in_sector = true;
  c.write_hit_stop_prefetch = true;
  c.fast_write_level = 2;
  c.combine_sequential_writes = true;

  p.queue.depth = 32;
  p.queue.policy = "sptf";
  return p;
}

}  // namespace iosched
