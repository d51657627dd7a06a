// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_layout.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace iosched::sim {
namespace {

bool SlipToEnd(HddSparing s) {
  return s == HddSparing::kSectorsPerCylinderSlipToEnd ||
         s == HddSparing::kSectorsPerCylinderAtFrontSlipToEnd;
}

bool SectorsPerCylinder(HddSparing s) {
  return s == HddSparing::kSectorsPerCylinder || s == HddSparing::kSectorsPerCylinderSlipToEnd ||
         s == HddSparing::kSectorsPerCylinderAtFront ||
         s == HddSparing::kSectorsPerCylinderAtFrontSlipToEnd;
}

// std::fmod(x, m) for an integer m >= 1, without the library call: fmod is
// exact, and so is x - q·m for 0 <= x < 2^52 (both are multiples of x's
// unit in the last place and the result is smaller than x), so the two are
// bit-identical. Other x go to std::fmod.
// `inv_m` is 1 / m rounded: x · inv_m estimates the quotient (a
// multiplication instead of a division) within one of the truth for these
// x, and one step either way corrects it.
double ExactFmod(double x, double m, double inv_m) {
  if (!(x >= 0 && x < 4503599627370496.0)) return std::fmod(x, m);
  if (x < m) return x;
  double r = x - static_cast<double>(static_cast<int64_t>(x * inv_m)) * m;
  if (r < 0) r += m;
  if (r >= m) r -= m;
  return r;
}

// Where Map's sparing step puts an LBN within its zone: a zone-relative
// track and the sector on it (by_track), or a zone-relative cylinder and
// the sector's index within the cylinder.
struct ZonePosition {
  uint64_t cyl = 0;
  uint64_t track = 0;
  uint64_t sector = 0;
  bool by_track = false;
};

// Track sparing: `l` (zone-relative, front gap included) → track, moved up
// past the slipped tracks before it and onto the spare of a remapped one.
inline ZonePosition MapTrackSparing(const HddZone& z, const Divisor32& spt,
                                    const std::vector<uint32_t>& slip_steps, uint64_t l) {
  ZonePosition pos;
  pos.by_track = true;
  spt.DivMod(l, &pos.track, &pos.sector);
  // = for each slip in order: if (slip <= track) ++track; but with
  // independent comparisons instead of a chain.
  uint64_t slipped = 0;
  for (uint32_t step : slip_steps) slipped += step <= pos.track ? 1 : 0;
  pos.track += slipped;
  for (const auto& [defect, remap] : z.defects) {
    if (defect == pos.track) {
      pos.track = remap;
      break;
    }
  }
  return pos;
}

// Sector sparing per track: the track holds spt − spares LBNs; slips on it
// push the sector along, a defect jumps to its spare.
inline ZonePosition MapSectorsPerTrack(const HddZone& z, uint64_t spt, uint64_t l) {
  ZonePosition pos;
  pos.by_track = true;
  const uint64_t lbns_per_track = spt - z.spares;
  pos.track = l / lbns_per_track;
  l %= lbns_per_track;
  const uint64_t first = spt * pos.track;
  for (uint32_t slip : z.slips) {
    if (slip >= first && slip - first <= l) ++l;
  }
  for (const auto& [defect, remap] : z.defects) {
    if (defect == first + l) {
      pos.track = remap / spt;
      l = remap % spt;
    }
  }
  pos.sector = std::min<uint64_t>(l, spt - 1);
  return pos;
}

// Sector sparing per range of `range` cylinders: as per cylinder, over the
// range's sectors.
inline ZonePosition MapSectorsPerRange(const HddZone& z, uint64_t per_cyl, uint32_t range,
                                       uint64_t l) {
  ZonePosition pos;
  const uint64_t per_range = per_cyl * range;
  const uint64_t lbns_per_range = per_range - z.spares;
  const uint64_t rangeno = l / lbns_per_range;
  l %= lbns_per_range;
  const uint64_t first = rangeno * per_range;
  uint64_t slips = 0;
  for (uint32_t slip : z.slips) {
    if (slip >= first && slip - first <= l + slips) ++slips;
  }
  l += slips;
  for (const auto& [defect, remap] : z.defects) {
    if (defect == first + l && remap != defect) {
      l = remap % per_range;
      break;
    }
  }
  pos.cyl = rangeno * range + l / per_cyl;
  pos.sector = l % per_cyl;
  return pos;
}

// Sector sparing per zone: slips push the zone-relative sector, a defect
// jumps to its spare.
inline ZonePosition MapSectorsPerZone(const HddZone& z, uint64_t per_cyl, uint64_t l) {
  ZonePosition pos;
  uint64_t slips = 0;
  for (uint32_t slip : z.slips) {
    if (slip <= l + slips) ++slips;
  }
  l += slips;
  for (const auto& [defect, remap] : z.defects) {
    if (defect == l && remap != defect) {
      l = remap;
      break;
    }
  }
  pos.cyl = l / per_cyl;
  pos.sector = l % per_cyl;
  return pos;
}

// Sector sparing per cylinder (and "sectors at end"): the cylinder holds
// per_cyl − spares LBNs; slips push the sector along (under slip-to-end also
// those of earlier cylinders), a defect jumps to its spare.
inline ZonePosition MapSectorsPerCylinder(const HddZone& z, uint64_t per_cyl, bool slip_to_end,
                                          uint64_t l) {
  ZonePosition pos;
  const uint64_t lbns_per_cyl = per_cyl - z.spares;
  uint64_t cyl = l / lbns_per_cyl;
  l %= lbns_per_cyl;
  const uint64_t first = cyl * per_cyl;
  uint64_t slips = 0;
  for (uint32_t slip : z.slips) {
    if ((slip_to_end && slip / per_cyl < cyl) || (slip >= first && slip - first <= l + slips)) {
      ++slips;
    }
  }
  l += slips;
  bool remapped = false;
  for (const auto& [defect, remap] : z.defects) {
    if (defect == first + l && remap != defect) {
      cyl = remap / per_cyl;
      l = remap % per_cyl;
      remapped = true;
      break;
    }
  }
  if (!remapped) {
    // A slip pushes the cylinder's last LBNs into its spare sectors.
    // (DiskSim g1_ltop_sectpercylspare carries them into the next
    // cylinder at lbns_per_cyl, where they collide with that
    // cylinder's first LBNs; iosched keeps the mapping one-to-one.)
    // Under slip-to-end, slips of earlier cylinders shift every LBN,
    // which does carry into the next cylinder's data area.
    const uint64_t span = slip_to_end ? lbns_per_cyl : per_cyl;
    cyl += l / span;
    l %= span;
  }
  pos.cyl = cyl;
  pos.sector = l;
  return pos;
}

}  // namespace

ZonedLayout::ZonedLayout(const HddParams& params)
    : heads_(params.heads),
      by_heads_(params.heads),
      sparing_(params.sparing),
      range_(std::max<uint32_t>(1, params.sparing_range_cylinders)),
      mapping_(params.mapping) {
  uint64_t lbn = 0;
  zones_.reserve(params.zones.size());
  for (const HddZone& z : params.zones) {
    const int64_t n = HddZoneSectors(params, z);
    const uint64_t lbns = n > 0 ? static_cast<uint64_t>(n) : 0;
    Zone zone{z, lbn, lbns, {}, Divisor32(z.sectors_per_track)};
    for (size_t k = 0; k < z.slips.size(); ++k) {
      zone.slip_steps.push_back(z.slips[k] - static_cast<uint32_t>(k));
    }
    zones_.push_back(std::move(zone));
    first_lbns_.push_back(lbn);
    lbn += lbns;
  }
  capacity_ = lbn;
}

uint32_t ZonedLayout::Surface(const Zone& zone, uint32_t cylinder, uint32_t head) const {
  if (mapping_ == 1 && ((cylinder - zone.z.first_cylinder) % 2) != 0) return heads_ - head - 1;
  if (mapping_ == 2 && (cylinder % 2) != 0) return heads_ - head - 1;
  return head;
}

size_t ZonedLayout::ZoneOf(uint64_t lbn) const {
  // The last zone whose first LBN is <= lbn (zones without LBNs share the
  // next one's first LBN and are passed over). A drive has a few dozen
  // zones at most: counting them without branches beats a binary search
  // whose every step is a coin toss for random LBNs.
  if (first_lbns_.size() > 64) {
    return static_cast<size_t>(std::upper_bound(first_lbns_.begin(), first_lbns_.end(), lbn) -
                               first_lbns_.begin()) -
           1;
  }
  size_t count = 0;
  for (uint64_t first : first_lbns_) count += first <= lbn ? 1 : 0;
  return count - 1;
}

// Map's run: the LBNs left on p's logical track within the zone under
// sparing none and track sparing (`by_track`), found by bisection under
// sector sparing, 1 in a zone with remapped defects (mapped one LBN at a
// time).
inline uint32_t ZonedLayout::RunOnTrack(const Zone& zone, uint64_t lbn, const PhysicalSector& p,
                                        bool by_track) const {
  const uint64_t left_in_zone = zone.first_lbn + zone.lbns - lbn;
  const auto bound = static_cast<uint32_t>(
      std::min<uint64_t>(uint64_t{zone.z.sectors_per_track} - p.sector, left_in_zone));
  if (by_track && sparing_ != HddSparing::kSectorsPerTrack) return bound;
  if (zone.z.defects.empty()) return SectorRun(lbn, p, bound);
  return 1;
}

void ZonedLayout::Map(uint64_t lbn, uint32_t* run, PhysicalSector* out) const {
  assert(lbn < capacity_);
  const size_t zi = ZoneOf(lbn);
  const Zone& zone = zones_[zi];
  const HddZone& z = zone.z;
  const uint64_t spt = z.sectors_per_track;
  const uint64_t per_cyl = spt * heads_;
  const uint64_t l = lbn - zone.first_lbn + z.front_gap;
  // The sparing scheme places l within the zone.
  ZonePosition pos;
  switch (sparing_) {
    case HddSparing::kNone:
      pos.by_track = true;
      zone.spt.DivMod(l, &pos.track, &pos.sector);
      break;
    case HddSparing::kTrack:
      pos = MapTrackSparing(z, zone.spt, zone.slip_steps, l);
      break;
    case HddSparing::kSectorsPerTrack:
      pos = MapSectorsPerTrack(z, spt, l);
      break;
    case HddSparing::kSectorsPerRange:
      pos = MapSectorsPerRange(z, per_cyl, range_, l);
      break;
    case HddSparing::kSectorsPerZone:
    case HddSparing::kSectorsPerZoneSlipToEnd:
      pos = MapSectorsPerZone(z, per_cyl, l);
      break;
    default:  // per-cylinder schemes and "sectors at end"
      pos = MapSectorsPerCylinder(z, per_cyl, SlipToEnd(sparing_), l);
      break;
  }
  // The zone position on the platter: cylinder, surface and sector.
  uint64_t cyl = pos.cyl;
  uint32_t head, sector_on_track;
  if (pos.by_track) {
    uint64_t h;
    by_heads_.DivMod(pos.track, &cyl, &h);
    head = static_cast<uint32_t>(h);
    sector_on_track = static_cast<uint32_t>(pos.sector);
  } else {
    head = static_cast<uint32_t>(pos.sector / spt);
    sector_on_track = static_cast<uint32_t>(pos.sector % spt);
  }
  const uint32_t cylinder = z.first_cylinder + static_cast<uint32_t>(cyl);
  head = Surface(zone, cylinder, head);
  out->zone = static_cast<uint32_t>(zi);
  out->cylinder = cylinder;
  out->head = head;
  out->sector = sector_on_track;
  out->sectors_per_track = z.sectors_per_track;
  if (run != nullptr) *run = RunOnTrack(zone, lbn, *out, pos.by_track);
}

uint32_t ZonedLayout::SectorRun(uint64_t lbn, const PhysicalSector& p, uint32_t bound) const {
  // Under sector sparing without remapped defects, LBNs map to a cylinder's
  // (or, per-track sparing, a track's) sectors in increasing order, skipping
  // slipped and spare ones: a track's LBNs are contiguous and their sectors
  // increase. So if lbn + i is on p's track at sector p.sector + i, so is
  // every LBN before it, and the run's end can be found by bisection.
  // (Per-track sparing with more slips on a track than spares clamps its
  // last LBNs to the last sector: they fail the test, as they should.)
  uint32_t lo = 1, hi = bound;  // lbn + lo − 1 is in the run; lbn + hi is not
  while (hi - lo > 0) {
    const uint32_t mid = lo + (hi - lo + 1) / 2;  // is lbn + mid − 1 in the run?
    const PhysicalSector q = Map(lbn + mid - 1, nullptr);
    if (q.SameTrack(p) && q.sector == p.sector + (mid - 1)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

uint64_t ZonedLayout::TrackEnd(uint64_t lbn) const {
  uint32_t run = 1;
  const PhysicalSector p = Map(lbn, &run);
  uint64_t end = lbn + run;
  // A run ends at the track's end or where sector sparing breaks it: go on
  // while the LBNs stay on the track.
  while (end < capacity_) {
    const PhysicalSector q = Map(end, &run);
    if (!q.SameTrack(p)) break;
    end += run;
  }
  return end;
}

void ZonedLayout::TrackStart(const PhysicalSector& p, TrackOrigin* out) const {
  const Zone& zone = zones_[p.zone];
  const HddZone& z = zone.z;
  const uint32_t c = p.cylinder - z.first_cylinder;
  const uint32_t h = Surface(zone, p.cylinder, p.head);
  const double track_switches = static_cast<double>(h) + (heads_ - 1.0) * c;
  // DiskSim g1_map_pbn_skew: under sector sparing, slips before this
  // cylinder (or track) push the skew forward by one sector each.
  uint32_t slips = 0;
  if (SectorsPerCylinder(sparing_) || sparing_ == HddSparing::kSectorsPerTrack) {
    uint64_t tracks = uint64_t{c} * heads_;
    if (sparing_ == HddSparing::kSectorsPerTrack) tracks += p.head;
    const uint64_t cutoff = tracks * z.sectors_per_track;
    for (uint32_t slip : z.slips) {
      if (slip < cutoff) ++slips;
    }
  }
  out->skew_sectors = z.first_block_offset + track_switches * z.track_skew +
                      static_cast<double>(c) * z.cylinder_skew;
  out->slips = slips;
  out->sectors_per_track = z.sectors_per_track;
  out->inv_sectors_per_track = 1.0 / static_cast<double>(z.sectors_per_track);
  out->cylinder = p.cylinder;
  out->head = p.head;
}

double ZonedLayout::AngleOnTrack(const TrackOrigin& t, uint32_t sector) {
  double sectors = t.skew_sectors + static_cast<double>(sector);
  sectors += static_cast<double>(t.slips);
  const double spt = static_cast<double>(t.sectors_per_track);
  double a = ExactFmod(sectors, spt, t.inv_sectors_per_track) / spt;
  if (a < 0) a += 1.0;
  if (a >= 1.0) a -= 1.0;
  return a;
}

}  // namespace iosched::sim
