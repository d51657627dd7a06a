// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The HP C2247A, exactly as DiskSim 4.0 validates it (parameter set
// "HP_C2247A_validate"). Every number below is copied from the DiskSim 4.0
// valid/ directory (same blobs in westerndigitalcorporation/DiskSim
// STABLE/DiskSim_Linux_Generic_2.01.016/valid/):
//   hp_c2247a.parv              bus1 block transfer times, controller
//   hp_c2247a.diskspecs         overheads, bus holding, cache, queue depth
//   hp_c2247a_validate.model    surfaces, cylinders, zones, slips, mechanics
// (copies in traces/data/disksim-hp_c2247a.*; summary in
// docs/simulator.md#hp-c2247a). The test
// DiskSimImportTest.HpPresetEqualsTheImportedModel checks field by field
// that LoadDiskSimParv of the bundled files gives these values.

#include "iosched/hdd_params.h"

namespace iosched {

HddParams HpC2247AParams() {
  HddParams p;
  p.name = "hp-c2247a";
  p.description =
      "HP C2247A 1.05 GB, 5400 rpm, 13 heads, 2051 cylinders, 8 zones, 2 x 128 KiB cache "
      "segments (DiskSim 4.0 validated parameters)";

  // hp_c2247a_validate.model: dm_disk HP_C2247A_validate_model.
  p.heads = 13;
  p.cylinders = 2051;
  p.expected_capacity_sectors = 2054864;  // "Block count"
  // Layout Model = dm_layout_g1: mapping scheme 0, sparing scheme 1 (spare
  // tracks per zone), range size 1. Fields: first cyl, last cyl, blocks per
  // track, offset of first block, empty space at zone front, track skew,
  // cylinder skew, number of spares; then the slips (zone-relative tracks).
  p.sparing = HddSparing::kTrack;
  p.sparing_range_cylinders = 1;
  p.mapping = 0;
  // clang-format off
  p.zones = {
      {   0,  558, 96,  0, 1632, 14, 32, 325,
       {468, 526, 1204, 1861, 2447, 2680, 3098, 3683, 4880, 4919, 6952, 7095}, {}},
      { 559,  760, 92, 14,    0, 13, 30, 130, {231, 868, 1125, 1458, 1479, 1492}, {}},
      { 761,  901, 88, 73,    0, 13, 29,  65, {585, 996, 1401, 1810}, {}},
      { 902, 1051, 84, 80,    0, 12, 28,  78, {582, 595, 699}, {}},
      {1052, 1193, 80, 52,    0, 12, 27,  52, {569, 1098, 1518}, {}},
      {1194, 1519, 72,  0,    0, 11, 24, 104, {693, 1489, 3102, 3115}, {}},
      {1520, 1793, 64, 32,    0, 10, 22,  78, {1980, 1993, 3505}, {}},
      {1794, 2050, 56, 30,    0,  9, 19,  65, {1512, 2506, 3320}, {}},
  };
  // clang-format on

  // Mechanical Model = dm_mech_g1: trackSwitchPlusRotation, seek "hplplus10".
  p.rpm = 5400;  // "Percent error in rpms" = 0
  p.seek.kind = HddSeekCurve::Kind::kHplPlus10;
  p.seek.first_ten_ms = {2.89, 3.68, 3.81, 3.98, 4.27, 4.65, 4.52, 4.65, 4.82, 4.99};
  // "HPL seek equation values" = [300, 3.81, 0.33, 7.75, 0.0059, -1].
  p.seek.boundary = 300;
  p.seek.sqrt_a_ms = 3.81;
  p.seek.sqrt_b_ms = 0.33;
  p.seek.linear_c_ms = 7.75;
  p.seek.linear_e_ms = 0.0059;
  p.seek.hpl_single_ms = -1;
  // Present in the file, unused by hplplus10.
  p.seek.single_cylinder_ms = 0.2;
  p.seek.average_ms = 1.1;
  p.seek.full_stroke_ms = 2.3;
  p.head_switch_ms = 0.89;
  p.write_settle_ms = 0.65;

  // hp_c2247a.parv: the disk hangs off BUS1 (read/write block transfer
  // 0.17010 / 0.18686 ms, arbitration 0) behind CTLR0, a pass-through
  // controller with "Scale for delays" 0 (so its 1 ms per message is 0).
  p.bus_read_sector_ms = 0.17010;
  p.bus_write_sector_ms = 0.18686;
  p.controller_bulk_sector_ms = 0;  // not used by a pass-through controller
  p.disk_bulk_sector_ms = 0;        // "Bulk sector transfer time"
  p.bus_arbitration_ms = 0;
  p.controller_message_ms = 0;
  p.hold_bus_for_read = true;    // "Hold bus entire read xfer = 1"
  p.hold_bus_for_write = false;  // "Hold bus entire write xfer = 0"
  p.never_disconnect = false;
  p.overhead_scale = 1.0;  // "Time scale for overheads"

  // hp_c2247a.diskspecs: disksim_disk HP_C2247A_validate.
  HddOverheads& o = p.overheads;
  o.read_hit_after_read_ms = 0.95343;
  o.read_hit_after_write_ms = 0.95343;
  o.read_miss_after_read_ms = 0.55821;
  o.read_miss_after_write_ms = 0.55821;
  o.write_hit_after_read_ms = 0.82391;
  o.write_hit_after_write_ms = 0.82391;
  o.write_miss_after_read_ms = 0.82391;
  o.write_miss_after_write_ms = 0.82391;
  o.read_completion_ms = 0.05665;
  o.write_completion_ms = 0.05045;
  o.data_prep_ms = 0.02519;
  o.reselect_first_ms = 0.16249;
  o.reselect_other_ms = 0.12883;
  o.read_disconnect_after_read_ms = 0.02266;
  o.read_disconnect_after_write_ms = 0.04551;
  o.write_disconnect_ms = 0.16565;
  o.extra_write_disconnect = true;
  o.extradisc_command_ms = 0.64244;
  o.extradisc_disconnect_ms = 0.04551;
  o.extradisc_inter_disconnect_ms = 0.42885;
  o.extradisc_second_disconnect_ms = 0.13437;
  o.extradisc_seek_delta_ms = 0.25;
  o.minimum_seek_delay_ms = 0.6;
  o.per_request_ms = 0;

  HddCacheParams& c = p.cache;
  c.segments = 2;
  c.segment_sectors = 256;
  c.max_write_segments = 1;
  c.separate_write_segment = true;
  c.enable_caching = true;
  c.read_water_mark = 0.75;
  c.write_water_mark = 0.75;
  c.water_mark_by_request_size = true;
  c.min_read_ahead_sectors = 0;
  c.max_read_ahead_sectors = 128;
  c.buffer_continuous_read = 3;
  c.read_ahead_over_requested = 1;
  c.read_ahead_on_idle_hit = true;
  c.read_hits_on_write_data = true;
  c.immediate_transfer_partial_hit = true;
  c.stop_prefetch_in_sector = true;
  c.disconnect_write_if_seek = false;
  c.write_hit_stop_prefetch = true;
  c.read_directly_to_buffer = true;
  c.almost_read_hits = false;
  c.sneaky_full_read_hits = false;
  c.sneaky_partial_read_hits = false;
  c.write_prebuffering = false;
  c.fast_write_level = 0;
  c.combine_sequential_writes = true;
  return p;
}

}  // namespace iosched
