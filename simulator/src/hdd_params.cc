// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/hdd_params.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace iosched {
namespace {

uint64_t ZoneTracks(const HddParams& p, const HddZone& z) {
  return (uint64_t{z.last_cylinder} - z.first_cylinder + 1) * p.heads;
}

// DiskSim dm_layout_g1_compute_blksinband under track sparing.
int64_t ZoneLbns(const HddParams& p, const HddZone& z) {
  return static_cast<int64_t>((ZoneTracks(p, z) - z.spare_tracks) * z.sectors_per_track) -
         static_cast<int64_t>(z.front_gap);
}

bool NonNegativeFinite(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace

uint64_t HddCapacitySectors(const HddParams& params) {
  uint64_t total = 0;
  for (const HddZone& z : params.zones) {
    if (z.last_cylinder < z.first_cylinder || ZoneTracks(params, z) < z.spare_tracks) continue;
    const int64_t n = ZoneLbns(params, z);
    if (n > 0) total += static_cast<uint64_t>(n);
  }
  return total;
}

absl::Status ValidateHddParams(const HddParams& p) {
  const std::string who = p.name.empty() ? std::string("HDD parameters") : p.name;
  auto bad = [&](auto&&... what) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": ", what...));
  };
  if (p.heads == 0) return bad("heads must be > 0");
  if (p.cylinders == 0) return bad("cylinders must be > 0");
  if (p.zones.empty()) return bad("no zones");
  if (!(p.rpm > 0) || !std::isfinite(p.rpm)) return bad("rpm must be > 0, got ", p.rpm);
  uint32_t next_cyl = 0;
  for (size_t i = 0; i < p.zones.size(); ++i) {
    const HddZone& z = p.zones[i];
    const std::string zone = absl::StrCat("zone ", i);
    if (z.first_cylinder != next_cyl) {
      return bad(zone, ": first cylinder ", z.first_cylinder, ", expected ", next_cyl,
                 " (zones must be contiguous and ascending)");
    }
    if (z.last_cylinder < z.first_cylinder || z.last_cylinder >= p.cylinders) {
      return bad(zone, ": last cylinder ", z.last_cylinder, " outside [", z.first_cylinder, ", ",
                 p.cylinders - 1, "]");
    }
    next_cyl = z.last_cylinder + 1;
    if (z.sectors_per_track == 0) return bad(zone, ": sectors per track must be > 0");
    if (!NonNegativeFinite(z.first_block_offset) || !NonNegativeFinite(z.track_skew) ||
        !NonNegativeFinite(z.cylinder_skew)) {
      return bad(zone, ": offsets and skews must be finite and >= 0");
    }
    const uint64_t tracks = ZoneTracks(p, z);
    if (z.spare_tracks >= tracks) {
      return bad(zone, ": ", z.spare_tracks, " spare tracks leave no data track of ", tracks);
    }
    if (ZoneLbns(p, z) <= 0) return bad(zone, ": front gap ", z.front_gap, " leaves no LBN");
    if (z.slipped_tracks.size() > z.spare_tracks) {
      return bad(zone, ": ", z.slipped_tracks.size(), " slipped tracks exceed the ", z.spare_tracks,
                 " spare tracks");
    }
    for (size_t k = 0; k < z.slipped_tracks.size(); ++k) {
      if (z.slipped_tracks[k] >= tracks) {
        return bad(zone, ": slipped track ", z.slipped_tracks[k], " beyond the zone's ", tracks,
                   " tracks");
      }
      if (k > 0 && z.slipped_tracks[k] <= z.slipped_tracks[k - 1]) {
        return bad(zone, ": slipped tracks must be strictly ascending");
      }
    }
  }
  if (next_cyl != p.cylinders) {
    return bad("zones end at cylinder ", next_cyl - 1, " but the drive has ", p.cylinders,
               " cylinders");
  }
  const uint64_t capacity = HddCapacitySectors(p);
  if (p.expected_capacity_sectors != 0 && capacity != p.expected_capacity_sectors) {
    return bad("zones give ", capacity, " sectors, expected ", p.expected_capacity_sectors);
  }
  const HddSeekCurve& s = p.seek;
  if (s.kind == HddSeekCurve::Kind::kHplPlus10) {
    for (double v : s.first_ten_ms) {
      if (!NonNegativeFinite(v)) return bad("seek: first ten times must be >= 0");
    }
    if (!(s.boundary > 10)) return bad("seek: hplplus10 boundary must be > 10, got ", s.boundary);
  } else {
    if (s.table.empty()) return bad("seek: empty table");
    for (size_t k = 0; k < s.table.size(); ++k) {
      if (s.table[k].first == 0 || !NonNegativeFinite(s.table[k].second)) {
        return bad("seek: table point ", k, " needs distance >= 1 and time >= 0");
      }
      if (k > 0 && s.table[k].first <= s.table[k - 1].first) {
        return bad("seek: table distances must be strictly ascending");
      }
    }
  }
  for (double v : {p.head_switch_ms, p.write_settle_ms, p.bus_read_sector_ms, p.bus_write_sector_ms,
                   p.controller_bulk_sector_ms, p.disk_bulk_sector_ms}) {
    if (!NonNegativeFinite(v)) return bad("times must be finite and >= 0");
  }
  const HddOverheads& o = p.overheads;
  for (double v : {o.read_hit_after_read_ms, o.read_hit_after_write_ms, o.read_miss_after_read_ms,
                   o.read_miss_after_write_ms, o.write_hit_after_read_ms,
                   o.write_hit_after_write_ms, o.write_miss_after_read_ms,
                   o.write_miss_after_write_ms, o.read_completion_ms, o.write_completion_ms}) {
    if (!NonNegativeFinite(v)) return bad("overheads must be finite and >= 0");
  }
  return absl::OkStatus();
}

}  // namespace iosched
