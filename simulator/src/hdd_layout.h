// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ZonedLayout: LBN → physical (cylinder, head, sector) and the angular
// position of every physical sector, for DiskSim's zoned layout
// (dm_layout_g1) under every sparing scheme of hdd_params.h.
//
// Within a zone, with r = LBN − first LBN of the zone + front gap (DiskSim
// "deadspace"), the mapping follows DiskSim's g1_ltop_* functions:
//   none      track r / spt, sector r mod spt
//   track     logical track t = r / spt moves up by one for every slipped
//             track <= it; a remapped (defective) track moves to its spare
//   per-track r / (spt − spares) is the track; slips on that track at or
//             before the sector push it along; defects jump to their spare
//   per-cyl.  r / (spt·heads − spares) is the cylinder; slips push the
//             sector along, into the cylinder's spare sectors (slip-to-end
//             variants also count the slips of earlier cylinders and carry
//             into the next cylinder); defects jump to their spare. DiskSim
//             carries a pushed LBN into the next cylinder even without
//             slip-to-end, mapping two LBNs to one sector; iosched keeps
//             the mapping one-to-one
//   per-range as per-cylinder over ranges of `sparing_range_cylinders`
//   per-zone  slips push the zone-relative sector; defects jump
// then cylinder = first cylinder + track / heads, head = track mod heads
// (mapping schemes 1 and 2 reverse the surface order on odd cylinders).
// The angle of (c, h, s) is given in hdd_params.h (HddZone::track_skew).
//
// Cost: Map is a binary search over zones plus a walk over the zone's slips
// and defects; a caller walking LBNs in order maps once per run of
// consecutive sectors (Map's `run`). Thread-safety: immutable after construction.

#ifndef IOSCHED_SIMULATOR_HDD_LAYOUT_H_
#define IOSCHED_SIMULATOR_HDD_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "divisor.h"
#include "iosched/hdd_params.h"

namespace iosched::sim {

struct PhysicalSector {
  uint32_t zone = 0;
  uint32_t cylinder = 0;
  uint32_t head = 0;
  uint32_t sector = 0;  // physical sector on the track, 0 .. spt − 1
  uint32_t sectors_per_track = 0;

  bool SameTrack(const PhysicalSector& o) const { return cylinder == o.cylinder && head == o.head; }
};

class ZonedLayout {
 public:
  // REQUIRES: ValidateHddParams(params).ok().
  explicit ZonedLayout(const HddParams& params);

  uint64_t capacity_sectors() const { return capacity_; }
  size_t zone_count() const { return zones_.size(); }
  uint64_t zone_first_lbn(size_t zone) const { return zones_[zone].first_lbn; }

  // REQUIRES: lbn < capacity_sectors().
  PhysicalSector Map(uint64_t lbn) const { return Map(lbn, nullptr); }
  // Map, and through `run` (if not null) how many LBNs from `lbn` on (at
  // least 1) lie on the following physical sectors of the same track: for
  // i < *run, lbn + i maps to sector p.sector + i of p's track. Exact under
  // sparing none and track sparing (slips and defects move whole tracks), and
  // under sector sparing found by bisection (a slip or a spare ends a run);
  // 1 in a zone with remapped sectors and under per-track sector sparing,
  // where callers map sector by sector.
  PhysicalSector Map(uint64_t lbn, uint32_t* run) const {
    PhysicalSector p;
    Map(lbn, run, &p);
    return p;
  }
  // The same, written into *out field by field. For a hot caller that keeps
  // the result in place: a returned struct copied into a member is read back
  // with wider loads than the callee's stores, which defeats the CPU's store
  // forwarding and stalls the copy.
  void Map(uint64_t lbn, uint32_t* run, PhysicalSector* out) const;
  // The first LBN after `lbn` that is not on lbn's track (capacity at the
  // end of the disk).
  uint64_t TrackEnd(uint64_t lbn) const;

  // Where `p` begins on the platter, in revolutions [0, 1), measured from the
  // same index as the spindle angle (time 0 = angle 0).
  double StartAngle(const PhysicalSector& p) const { return AngleOnTrack(TrackStart(p), p.sector); }

  // StartAngle in two steps, so that a caller walking one track sector by
  // sector computes the track's part once: where sector 0 of p's track
  // begins, in sectors (skews and the slips before the track), and the
  // angle of `sector` from there. Bit-identical to StartAngle.
  struct TrackOrigin {
    double skew_sectors = 0;  // first block offset, track and cylinder skews
    uint32_t slips = 0;       // slips before the track (sector sparing)
    uint32_t sectors_per_track = 1;
    double inv_sectors_per_track = 1;  // 1 / sectors_per_track, rounded
    uint32_t cylinder = 0, head = 0;   // the track's
  };
  TrackOrigin TrackStart(const PhysicalSector& p) const {
    TrackOrigin t;
    TrackStart(p, &t);
    return t;
  }
  void TrackStart(const PhysicalSector& p, TrackOrigin* out) const;  // into *out, as Map
  static double AngleOnTrack(const TrackOrigin& t, uint32_t sector);

 private:
  struct Zone {
    HddZone z;
    uint64_t first_lbn = 0;
    uint64_t lbns = 0;
    // slips[k] − k (non-decreasing, as slips strictly increase): under track
    // sparing, logical track t lands t + #{k : slip_steps[k] <= t} tracks
    // into the zone, the count the slip-by-slip loop arrives at.
    std::vector<uint32_t> slip_steps;
    Divisor32 spt;  // by sectors_per_track
  };
  // The zone holding `lbn` (REQUIRES: lbn < capacity_).
  size_t ZoneOf(uint64_t lbn) const;
  uint32_t Surface(const Zone& zone, uint32_t cylinder, uint32_t head) const;
  // Map's `run` for p = the mapping of `lbn` in `zone` (defined inline in
  // hdd_layout.cc, for Map only).
  uint32_t RunOnTrack(const Zone& zone, uint64_t lbn, const PhysicalSector& p, bool by_track) const;
  // Map's run under sector sparing (at most `bound`), by bisection.
  uint32_t SectorRun(uint64_t lbn, const PhysicalSector& p, uint32_t bound) const;

  uint32_t heads_;
  Divisor32 by_heads_;
  HddSparing sparing_;
  uint32_t range_;
  int mapping_;
  std::vector<Zone> zones_;
  std::vector<uint64_t> first_lbns_;  // for the binary search
  uint64_t capacity_ = 0;
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_LAYOUT_H_
