// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// HddParams: everything the mechanical disk model (MakeHddModel in
// disk_model.h) needs to know about one drive. The fields mirror DiskSim 4.0's
// disk specification ("disksim_disk" block, "dm_layout_g1" zoned layout and
// "dm_mech_g1" mechanics) so that a DiskSim importer can fill them one to one;
// the built-in preset "hp-c2247a" (HpC2247AParams) is written that way.
//
// Units: times are milliseconds as doubles (as in DiskSim's parameter files;
// the model converts each one to integer nanoseconds once), positions and
// sizes are 512-byte sectors, skews and offsets are in sectors of the zone's
// track (a skew of 14 on a 96-sector track is 14/96 of a revolution).
//
// Thread-safety: plain values.

#ifndef IOSCHED_HDD_PARAMS_H_
#define IOSCHED_HDD_PARAMS_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace iosched {

// One recording zone (DiskSim "dm_layout_g1_zone"). LBNs fill a track, then
// the next surface of the same cylinder, then the next cylinder.
struct HddZone {
  uint32_t first_cylinder = 0;  // inclusive
  uint32_t last_cylinder = 0;   // inclusive
  uint32_t sectors_per_track = 0;
  // Angular position of physical sector 0 of the zone's first track, in
  // sectors ("Offset of first block").
  double first_block_offset = 0;
  // Sectors at the start of the zone that hold no LBN ("Empty space at zone
  // front"); they are counted from the zone's first physical track.
  uint32_t front_gap = 0;
  // Angular shift, in sectors, of each further track of a cylinder (head
  // switch) and of each further cylinder ("Skew for track/cylinder switch").
  // The start angle of physical sector s on (cylinder c, head h) is
  //   first_block_offset + (h + (heads − 1)·c′)·track_skew + c′·cylinder_skew + s
  // with c′ = c − first_cylinder, modulo sectors_per_track.
  double track_skew = 0;
  double cylinder_skew = 0;
  // Spare tracks reserved at the end of the zone ("Number of spares" under
  // track sparing). They hold no LBN unless a slip moves LBNs onto them.
  uint32_t spare_tracks = 0;
  // Slipped (defective) physical tracks, zone-relative track numbers
  // (c′·heads + h), ascending. LBNs skip them and move up into the spares, so
  // slips do not change the capacity (DiskSim track sparing, layout_g1.c
  // g1_ltop_trackspare). REQUIRES: slipped_tracks.size() <= spare_tracks.
  std::vector<uint32_t> slipped_tracks;
};

// Seek time as a function of cylinder distance d (>= 1).
struct HddSeekCurve {
  enum class Kind {
    // DiskSim "hplplus10": explicit times for d = 1..10, then
    //   a + b·sqrt(d)  for 10 < d < boundary,
    //   c + e·d        for d >= boundary            (Ruemmler & Wilkes 1994).
    kHplPlus10,
    // A measured table of (distance, ms) points, ascending in distance.
    // Linear interpolation between points; below the first point the curve
    // runs from (0, 0); beyond the last it extrapolates the last segment.
    kTable,
  };
  Kind kind = Kind::kHplPlus10;
  std::array<double, 10> first_ten_ms{};    // d = 1..10
  double boundary = 0;                      // cylinders ("V1")
  double sqrt_a_ms = 0, sqrt_b_ms = 0;      // a, b
  double linear_c_ms = 0, linear_e_ms = 0;  // c, e
  std::vector<std::pair<uint32_t, double>> table;
};

// Controller command overheads (DiskSim "Read hit over. after read", …): a
// fixed delay before the mechanism starts, chosen by the command type and
// whether the previous command was a read or a write.
struct HddOverheads {
  double read_hit_after_read_ms = 0, read_hit_after_write_ms = 0;
  double read_miss_after_read_ms = 0, read_miss_after_write_ms = 0;
  double write_hit_after_read_ms = 0, write_hit_after_write_ms = 0;
  double write_miss_after_read_ms = 0, write_miss_after_write_ms = 0;
  // Added after the last data has reached the host (read) or the media
  // (write), before the completion is reported.
  double read_completion_ms = 0, write_completion_ms = 0;
};

// The drive's segmented read cache. Recorded for the DiskSim importer and the
// cache model of a later issue; the v1 model has no cache and ignores it.
struct HddCacheParams {
  uint32_t segments = 0;
  uint32_t segment_sectors = 0;
  uint32_t max_write_segments = 0;
  bool separate_write_segment = false;
  uint32_t min_read_ahead_sectors = 0;
  uint32_t max_read_ahead_sectors = 0;
  int buffer_continuous_read = 0;
  bool read_ahead_over_requested = false;
  bool read_ahead_on_idle_hit = false;
  bool read_hits_on_write_data = false;
  int fast_write_level = 0;  // 0: writes complete after the media write
  bool combine_sequential_writes = false;
};

struct HddParams {
  std::string name;         // preset / model name, e.g. "hp-c2247a"
  std::string description;  // one line, for KnownDiskPresets()

  // ---- Geometry -----------------------------------------------------------
  uint32_t heads = 0;      // data surfaces
  uint32_t cylinders = 0;  // 0 .. cylinders − 1
  // Zones in ascending cylinder order, covering every cylinder exactly once.
  std::vector<HddZone> zones;
  // If non-zero, the capacity the zones must add up to (a consistency check,
  // DiskSim "Block count").
  uint64_t expected_capacity_sectors = 0;

  // ---- Mechanics ----------------------------------------------------------
  double rpm = 0;  // spindle speed; the angle at time t is (t·rpm/60 s) mod 1
  HddSeekCurve seek;
  double head_switch_ms = 0;
  double write_settle_ms = 0;  // added to writes whenever positioning > 0

  // ---- Host interface -----------------------------------------------------
  // Host transfer per sector = max(bus block time, controller bulk time,
  // disk bulk sector time), per direction.
  double bus_read_sector_ms = 0, bus_write_sector_ms = 0;
  double controller_bulk_sector_ms = 0;
  double disk_bulk_sector_ms = 0;
  // "Hold bus entire read/write xfer". v1 pipelines the host transfer behind
  // the media transfer either way (see hdd_model.h).
  bool hold_bus_for_read = true;
  bool hold_bus_for_write = false;
  HddOverheads overheads;
  HddCacheParams cache;
};

// Checks that the parameters describe a drive the model can serve: zones
// contiguous and covering [0, cylinders), sectors_per_track > 0, slips sorted,
// inside the zone and no more than its spare tracks, capacity > 0 (and equal
// to expected_capacity_sectors if set), rpm > 0, a usable seek curve.
// InvalidArgument names the zone and field.
absl::Status ValidateHddParams(const HddParams& params);

// Number of LBNs the zones provide (does not validate).
uint64_t HddCapacitySectors(const HddParams& params);

// The HP C2247A as validated in DiskSim 4.0 (parameter set
// "HP_C2247A_validate"): 13 heads, 2051 cylinders, 8 zones, 2,054,864
// sectors, 5400 rpm, "hplplus10" seek curve. Sources: DiskSim 4.0
// valid/hp_c2247a.parv, hp_c2247a.diskspecs, hp_c2247a_validate.model.
HddParams HpC2247AParams();

}  // namespace iosched

#endif  // IOSCHED_HDD_PARAMS_H_
