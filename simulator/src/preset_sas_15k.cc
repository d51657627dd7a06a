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

#include "iosched/hdd_params.h"
#include "preset_synth.h"

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
  p.head_switch_ms = 0.3;
  p.write_settle_ms = 0.5;
  const double single_cyl_ms = 0.2;

  preset_internal::SynthesiseLinearZones(p, kCapacity, kZones, kOuterSpt, kInnerSpt, single_cyl_ms);

  preset_internal::SetHplSeekThroughAverage(p, single_cyl_ms, 3.4, 6.8);

  // SAS 6 Gb/s: 600 MB/s.
  p.bus_read_sector_ms = p.bus_write_sector_ms = 512.0 / 600e6 * 1e3;
  p.never_disconnect = true;
  p.hold_bus_for_read = true;
  preset_internal::SetUniformOverheads(p.overheads, /*read_hit_ms=*/0.02, /*command_ms=*/0.05,
                                       /*completion_ms=*/0.01);

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
