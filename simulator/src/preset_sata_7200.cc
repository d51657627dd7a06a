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

#include "iosched/hdd_params.h"
#include "preset_synth.h"

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
  p.head_switch_ms = 1.0;
  p.write_settle_ms = 1.0;
  const double single_cyl_ms = 1.0;

  preset_internal::SynthesiseLinearZones(p, kCapacity, kZones, kOuterSpt, kInnerSpt, single_cyl_ms);

  // Seek: "hpl" through (1, 1.0 ms), (third, 8.5 ms), (full, 17 ms).
  preset_internal::SetHplSeekThroughAverage(p, single_cyl_ms, 8.5, 17.0);

  // SATA 6 Gb/s: 600 MB/s, 512 bytes in 0.000853 ms.
  p.bus_read_sector_ms = p.bus_write_sector_ms = 512.0 / 600e6 * 1e3;
  p.never_disconnect = true;
  p.hold_bus_for_read = true;
  preset_internal::SetUniformOverheads(p.overheads, /*read_hit_ms=*/0.05, /*command_ms=*/0.1,
                                       /*completion_ms=*/0.01);

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
