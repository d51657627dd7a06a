// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ZonedLayout: LBN → physical (cylinder, head, sector) and the angular
// position of every physical sector, for the zoned, track-spared layout of
// hdd_params.h (DiskSim dm_layout_g1, mapping scheme 0, track sparing).
//
// Within a zone, LBN l maps as follows (DiskSim g1_ltop_trackspare):
//   r = l − first LBN of the zone + front_gap
//   logical track t = r / sectors_per_track, sector s = r mod sectors_per_track
//   physical track: t, moved up by one for every slipped track <= it
//   cylinder = first_cylinder + physical / heads, head = physical mod heads
// The angle of (c, h, s) is given in hdd_params.h (HddZone::track_skew).
//
// Cost: Map is a binary search over zones plus a walk over the zone's slips.
// Thread-safety: immutable after construction.

#ifndef IOSCHED_SIMULATOR_HDD_LAYOUT_H_
#define IOSCHED_SIMULATOR_HDD_LAYOUT_H_

#include <cstdint>
#include <vector>

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
  PhysicalSector Map(uint64_t lbn) const;

  // Where `p` begins on the platter, in revolutions [0, 1), measured from the
  // same index as the spindle angle (time 0 = angle 0).
  double StartAngle(const PhysicalSector& p) const;

 private:
  struct Zone {
    HddZone z;
    uint64_t first_lbn = 0;
  };
  uint32_t heads_;
  std::vector<Zone> zones_;
  std::vector<uint64_t> first_lbns_;  // for the binary search
  uint64_t capacity_ = 0;
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_LAYOUT_H_
