// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// HddParams: everything the mechanical disk model (MakeHddModel in
// disk_model.h) needs to know about one drive. The fields mirror DiskSim 4.0's
// disk specification ("disksim_disk" block, "dm_layout_g1" zoned layout,
// "dm_mech_g1" mechanics, plus the bus the disk sits on) so that the DiskSim
// importer (disksim.h) fills them one to one; the built-in preset
// "hp-c2247a" (HpC2247AParams) is written that way and a test checks that it
// equals the import of the bundled HP C2247A parameter files.
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

// How spare space and defects are laid out (DiskSim "Sparing scheme used",
// same numbers). "Spares", "slips" and "defects" of a zone are counted in
// tracks for kTrack and in sectors for every other scheme; slip and defect
// positions are zone-relative physical positions (track number c'·heads + h,
// or sector number (c'·heads + h)·spt + s, with c' = cylinder − first
// cylinder of the zone).
enum class HddSparing : uint8_t {
  kNone = 0,
  kTrack = 1,                        // spare tracks at the end of the zone
  kSectorsPerCylinder = 2,           // spare sectors at the end of each cylinder
  kSectorsPerTrack = 3,              // spare sectors at the end of each track
  kSectorsPerCylinderSlipToEnd = 4,  // as 2; slips push later LBNs to the zone end
  kSectorsPerCylinderAtFront = 5,    // as 2, spares at the start of the cylinder
  kSectorsPerCylinderAtFrontSlipToEnd = 6,
  kSectorsAtEnd = 7,     // slips only, zone capacity reduced by them
  kSectorsPerRange = 8,  // spare sectors per range of cylinders
  kSectorsPerZone = 9,   // spare sectors at the end of the zone
  kSectorsPerZoneSlipToEnd = 10,
};

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
  //   first_block_offset + (h + (heads − 1)·c′)·track_skew + c′·cylinder_skew
  //   + slips before this cylinder (sector-sparing schemes 2–6) + s
  // with c′ = c − first_cylinder, modulo sectors_per_track.
  double track_skew = 0;
  double cylinder_skew = 0;
  // "Number of spares", in the sparing scheme's unit (see HddSparing).
  uint32_t spares = 0;
  // Slipped (defective) positions, ascending, in the scheme's unit. LBNs skip
  // them (DiskSim g1_ltop_*).
  std::vector<uint32_t> slips;
  // Remapped defects: (defective position, spare position it moved to).
  std::vector<std::pair<uint32_t, uint32_t>> defects;

  friend bool operator==(const HddZone&, const HddZone&) = default;
};

// Seek time as a function of cylinder distance d (>= 1). Zero for d = 0.
struct HddSeekCurve {
  enum class Kind {
    // DiskSim "hplplus10": explicit times for d = 1..10, then
    //   a + b·sqrt(d)  for 10 < d < boundary,
    //   c + e·d        for d >= boundary            (Ruemmler & Wilkes 1994).
    kHplPlus10,
    // DiskSim "hpl": the same equation for every d (d = 1 uses
    // single_cylinder_ms when hpl_single_ms >= 0, i.e. "V6" != -1).
    kHpl,
    // A measured table of (distance, ms) points, ascending in distance
    // (DiskSim "extracted", from a .seek file). Linear interpolation between
    // points; below the first point the curve runs from (0, 0); beyond the
    // last it extrapolates the last segment.
    kTable,
    // DiskSim "constant": constant_ms for every d >= 1.
    kConstant,
    // DiskSim "linear": the 3-point line through (1, single), (cyls/3,
    // average) and (cyls − 1, full).
    kLinear,
    // DiskSim "curve": single + average·(d − 1) + full·sqrt(d − 1), with the
    // three fields used as coefficients exactly as DiskSim 4.0 does.
    kCurve,
  };
  Kind kind = Kind::kHplPlus10;
  std::array<double, 10> first_ten_ms{};    // d = 1..10
  double boundary = 0;                      // cylinders ("V1")
  double sqrt_a_ms = 0, sqrt_b_ms = 0;      // a, b  ("V2", "V3")
  double linear_c_ms = 0, linear_e_ms = 0;  // c, e  ("V4", "V5")
  double hpl_single_ms = -1;                // "V6"; -1: d = 1 uses the equation
  std::vector<std::pair<uint32_t, double>> table;
  double single_cylinder_ms = 0, average_ms = 0, full_stroke_ms = 0, constant_ms = 0;

  friend bool operator==(const HddSeekCurve&, const HddSeekCurve&) = default;
};

// Controller processing overheads of the disk (DiskSim "disksim_disk"
// fields of the same names). Each one is a fixed delay; "after read/write"
// picks by the previous command's direction. All are multiplied by
// HddParams::overhead_scale.
struct HddOverheads {
  // Command processing before the data phase ("Read hit over. after read", …).
  double read_hit_after_read_ms = 0, read_hit_after_write_ms = 0;
  double read_miss_after_read_ms = 0, read_miss_after_write_ms = 0;
  double write_hit_after_read_ms = 0, write_hit_after_write_ms = 0;
  double write_miss_after_read_ms = 0, write_miss_after_write_ms = 0;
  // Before the completion message is sent ("Read/Write completion overhead").
  double read_completion_ms = 0, write_completion_ms = 0;
  // Before any data moves over the bus ("Data preparation overhead").
  double data_prep_ms = 0;
  // Before reconnecting to the host ("First/Other reselect overhead").
  double reselect_first_ms = 0, reselect_other_ms = 0;
  // Before disconnecting ("Read disconnect afterread/afterwrite", "Write
  // disconnect overhead").
  double read_disconnect_after_read_ms = 0, read_disconnect_after_write_ms = 0;
  double write_disconnect_ms = 0;
  // "Extra write disconnect" (a write that follows a non-sequential write on
  // the most recently used segment disconnects before its data phase) and
  // its five "Extradisc …" delays.
  bool extra_write_disconnect = false;
  double extradisc_command_ms = 0, extradisc_disconnect_ms = 0;
  double extradisc_inter_disconnect_ms = 0, extradisc_second_disconnect_ms = 0;
  double extradisc_seek_delta_ms = 0;
  // A non-sequential write waits at least this long after its command
  // overhead before it may access the media ("Minimum seek delay").
  double minimum_seek_delay_ms = 0;
  // Added on arrival of every command ("Per-request overhead time").
  double per_request_ms = 0;

  friend bool operator==(const HddOverheads&, const HddOverheads&) = default;
};

// The drive's segmented buffer/cache (DiskSim "disksim_disk" cache fields).
// With segments == 0 the drive has no cache: every read goes to the media
// and nothing is read ahead.
struct HddCacheParams {
  uint32_t segments = 0;         // "Number of buffer segments"
  uint32_t segment_sectors = 0;  // "Segment size (in blks)"
  uint32_t max_write_segments = 0;
  // DiskSim 4.0 reads "Use separate write segment" but never applies it; it
  // is kept for the import and ignored here too.
  bool separate_write_segment = false;
  bool enable_caching = true;  // "Enable caching in buffer"
  // Watermarks: fraction of min(segment, request) (by_request_size) or of
  // the segment at which a disconnected read reconnects.
  double read_water_mark = 0, write_water_mark = 0;
  bool water_mark_by_request_size = true;
  uint32_t min_read_ahead_sectors = 0;
  uint32_t max_read_ahead_sectors = 0;
  // "Buffer continuous read": 0 no read-ahead, 1 to the end of the track, 2
  // to the end of the cylinder, 3 until the segment is full (bounded by the
  // maximum read-ahead), 4 DEC scheme (one track ahead of a stream).
  int buffer_continuous_read = 0;
  // "Read-ahead over requested": -1 drop the request's data after it was
  // sent, 0/1 see DiskSim (only used when max read-ahead is 0).
  int read_ahead_over_requested = 0;
  bool read_ahead_on_idle_hit = false;
  bool read_hits_on_write_data = false;
  bool immediate_transfer_partial_hit = false;  // "Immed transfer partial hit"
  bool stop_prefetch_in_sector = false;
  bool disconnect_write_if_seek = false;
  bool write_hit_stop_prefetch = false;
  bool read_directly_to_buffer = true;
  bool almost_read_hits = false;
  bool sneaky_full_read_hits = false;
  bool sneaky_partial_read_hits = false;
  bool write_prebuffering = false;
  // 0: writes complete after the media write; 1/2 write-back ("fast write").
  int fast_write_level = 0;
  bool combine_sequential_writes = false;

  friend bool operator==(const HddCacheParams&, const HddCacheParams&) = default;
};

// The drive's command queue (TCQ/NCQ), docs/disk-queueing.md. With depth 1
// (every validated DiskSim drive) the drive serves commands in the order
// they arrive, one at a time, exactly as without a queue.
struct HddQueueParams {
  uint32_t depth = 1;           // "Max queue length": commands outstanding at the drive
  std::string policy = "fcfs";  // the drive's own choice (iosched/disk_policy.h names)
  int64_t aging_weight = 0;     // "Timeout time/weight" of aged-sptf (ms per s waited)
  // DiskSim 4.0's estimate: the platter angle recorded at the last media
  // event, not advanced to the decision time ("stale angle").
  bool disksim_exact = false;
  // "Scheduling priority scheme" 1: time-critical commands (synchronous
  // ones, Request::sync, as DiskSim's trace flag 0x80 makes them) wait in a
  // priority sub-queue that is always served before the base queue (no
  // pre-emption of the command in service), with its own policy
  // ("Priority scheduling") and its own position state.
  bool priority_scheme = false;
  std::string priority_policy = "fcfs";
  // "Preseeking level" (depth > 1 only): 0, the arm is free for the next
  // queued command when the previous command's completion reaches the host;
  // 1, as soon as that completion message is sent (the completion overhead
  // and message overlap the next command's seek). DiskSim's level 2 (the
  // seek overlapping the data transfer) is not modelled.
  uint32_t preseek_level = 0;

  friend bool operator==(const HddQueueParams&, const HddQueueParams&) = default;
};

struct HddParams {
  std::string name;         // preset / model name, e.g. "hp-c2247a"
  std::string description;  // one line, for KnownDiskPresets()

  // ---- Geometry -----------------------------------------------------------
  uint32_t heads = 0;      // data surfaces
  uint32_t cylinders = 0;  // 0 .. cylinders − 1
  // Zones in ascending cylinder order, not overlapping. Cylinders between
  // zones hold no data (some DiskSim models leave such gaps).
  std::vector<HddZone> zones;
  HddSparing sparing = HddSparing::kTrack;
  uint32_t sparing_range_cylinders = 1;  // "Rangesize for sparing" (scheme 8)
  // "LBN-to-PBN mapping scheme": 0 normal; 1 and 2 alternate the surface
  // order on odd cylinders (DiskSim CYLSWITCHONSURF1/2).
  int mapping = 0;
  // If non-zero, the capacity the zones must add up to (a consistency check,
  // DiskSim "Block count").
  uint64_t expected_capacity_sectors = 0;

  // ---- Mechanics ----------------------------------------------------------
  double rpm = 0;  // spindle speed; the angle at time t is (t·rpm/60 s) mod 1
  HddSeekCurve seek;
  double head_switch_ms = 0;
  double write_settle_ms = 0;  // added to writes whenever positioning > 0 (may be < 0, as in
                               // DiskSim; the sum is floored at 0)

  // ---- Host interface -----------------------------------------------------
  // Host transfer per sector = max(bus block time, controller bulk time,
  // disk bulk sector time), per direction.
  double bus_read_sector_ms = 0, bus_write_sector_ms = 0;
  double controller_bulk_sector_ms = 0;
  double disk_bulk_sector_ms = 0;
  // Arbitration time of the disk's bus, paid whenever the disk reconnects.
  double bus_arbitration_ms = 0;
  // Delay of every message through the controller between host and disk (a
  // DiskSim pass-through controller: 1 ms × "Scale for delays").
  double controller_message_ms = 0;
  // "Hold bus entire read/write xfer": keep the bus while the buffer runs
  // dry (read) or full (write) instead of disconnecting.
  bool hold_bus_for_read = true;
  bool hold_bus_for_write = false;
  bool never_disconnect = false;  // "Never disconnect"
  double overhead_scale = 1.0;    // "Time scale for overheads"
  HddOverheads overheads;
  HddCacheParams cache;
  HddQueueParams queue;

  friend bool operator==(const HddParams&, const HddParams&) = default;
};

// Checks that the parameters describe a drive the model can serve: zones
// ascending, not overlapping and inside [0, cylinders), sectors_per_track >
// 0, slips sorted and inside the zone, capacity > 0 (and equal to
// expected_capacity_sectors if set), rpm > 0, a usable seek curve, finite
// non-negative times, a segment size if there are segments.
// InvalidArgument names the zone and field.
absl::Status ValidateHddParams(const HddParams& params);

// Number of LBNs the zones provide (DiskSim dm_layout_g1_compute_blksinband
// per sparing scheme; does not validate).
uint64_t HddCapacitySectors(const HddParams& params);
// LBNs of one zone (may be <= 0 for a broken zone).
int64_t HddZoneSectors(const HddParams& params, const HddZone& zone);

// The HP C2247A as validated in DiskSim 4.0 (parameter set
// "HP_C2247A_validate"): 13 heads, 2051 cylinders, 8 zones, 2,054,864
// sectors, 5400 rpm, "hplplus10" seek curve, 2 × 256-sector cache segments.
// Sources: DiskSim 4.0 valid/hp_c2247a.parv, hp_c2247a.diskspecs,
// hp_c2247a_validate.model.
HddParams HpC2247AParams();

// A modern 7200 rpm SATA drive (preset "sata-7200"), built from the public
// figures of a 500 GB single-platter desktop drive; see
// preset_sata_7200.cc for the figures and what had to be synthesised.
HddParams Sata7200Params();

// An enterprise 15,000 rpm SAS drive with a 64-command tagged queue and
// in-drive sptf; figures and sources in simulator/src/preset_sas_15k.cc.
HddParams Sas15kParams();

}  // namespace iosched

#endif  // IOSCHED_HDD_PARAMS_H_
