// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_layout.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace iosched::sim {

ZonedLayout::ZonedLayout(const HddParams& params) : heads_(params.heads) {
  uint64_t lbn = 0;
  zones_.reserve(params.zones.size());
  for (const HddZone& z : params.zones) {
    zones_.push_back(Zone{z, lbn});
    first_lbns_.push_back(lbn);
    const uint64_t tracks = (uint64_t{z.last_cylinder} - z.first_cylinder + 1) * heads_;
    lbn += (tracks - z.spare_tracks) * z.sectors_per_track - z.front_gap;
  }
  capacity_ = lbn;
}

PhysicalSector ZonedLayout::Map(uint64_t lbn) const {
  assert(lbn < capacity_);
  const size_t zi =
      static_cast<size_t>(std::upper_bound(first_lbns_.begin(), first_lbns_.end(), lbn) -
                          first_lbns_.begin()) -
      1;
  const Zone& zone = zones_[zi];
  const HddZone& z = zone.z;
  const uint64_t r = lbn - zone.first_lbn + z.front_gap;
  uint64_t track = r / z.sectors_per_track;
  // Slips are ascending; each one at or below the (already moved) track
  // pushes it up by one.
  for (uint32_t slip : z.slipped_tracks) {
    if (slip <= track) {
      ++track;
    } else {
      break;
    }
  }
  PhysicalSector p;
  p.zone = static_cast<uint32_t>(zi);
  p.cylinder = z.first_cylinder + static_cast<uint32_t>(track / heads_);
  p.head = static_cast<uint32_t>(track % heads_);
  p.sector = static_cast<uint32_t>(r % z.sectors_per_track);
  p.sectors_per_track = z.sectors_per_track;
  return p;
}

double ZonedLayout::StartAngle(const PhysicalSector& p) const {
  const HddZone& z = zones_[p.zone].z;
  const double c = static_cast<double>(p.cylinder - z.first_cylinder);
  const double track_switches = static_cast<double>(p.head) + (heads_ - 1.0) * c;
  const double sectors = z.first_block_offset + track_switches * z.track_skew +
                         c * z.cylinder_skew + static_cast<double>(p.sector);
  const double spt = static_cast<double>(z.sectors_per_track);
  double a = std::fmod(sectors, spt) / spt;
  if (a < 0) a += 1.0;
  if (a >= 1.0) a -= 1.0;
  return a;
}

}  // namespace iosched::sim
