// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/hdd_params.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "iosched/disk_policy.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

bool NonNegativeFinite(double v) { return std::isfinite(v) && v >= 0; }

bool TrackUnits(HddSparing s) { return s == HddSparing::kTrack; }

}  // namespace

// DiskSim dm_layout_g1_compute_blksinband, per sparing scheme.
int64_t HddZoneSectors(const HddParams& p, const HddZone& z) {
  if (z.last_cylinder < z.first_cylinder) return 0;
  const int64_t cyls = int64_t{z.last_cylinder} - z.first_cylinder + 1;
  const int64_t spt = z.sectors_per_track;
  const int64_t spares = z.spares;
  const int64_t slips = static_cast<int64_t>(z.slips.size());
  int64_t n = cyls * spt * p.heads - z.front_gap;
  switch (p.sparing) {
    case HddSparing::kNone:
      break;
    case HddSparing::kTrack:
      n -= spares * spt;
      break;
    case HddSparing::kSectorsPerTrack:
      n -= spares * cyls * p.heads;
      break;
    case HddSparing::kSectorsAtEnd:
      n -= slips;
      break;
    case HddSparing::kSectorsPerZone:
      n -= spares;
      break;
    case HddSparing::kSectorsPerZoneSlipToEnd:
      n -= spares + slips;
      break;
    case HddSparing::kSectorsPerCylinder:
    case HddSparing::kSectorsPerCylinderAtFront:
      n -= spares * cyls;
      break;
    case HddSparing::kSectorsPerCylinderSlipToEnd:
    case HddSparing::kSectorsPerCylinderAtFrontSlipToEnd:
      n -= spares * cyls + slips;
      break;
    case HddSparing::kSectorsPerRange:
      n -= spares * (cyls / std::max<int64_t>(1, p.sparing_range_cylinders));
      break;
  }
  return n;
}

uint64_t HddCapacitySectors(const HddParams& params) {
  uint64_t total = 0;
  for (const HddZone& z : params.zones) {
    const int64_t n = HddZoneSectors(params, z);
    if (n > 0) total += static_cast<uint64_t>(n);
  }
  return total;
}

namespace {

// InvalidArgument "<name>: <what...>" (name "HDD parameters" if unset).
template <typename... What>
absl::Status Bad(const HddParams& p, const What&... what) {
  const std::string who = p.name.empty() ? std::string("HDD parameters") : p.name;
  return absl::InvalidArgumentError(absl::StrCat(who, ": ", what...));
}

// The drive's shape: heads, cylinders, rpm, sparing and mapping schemes.
absl::Status ValidateGeometry(const HddParams& p) {
  if (p.heads == 0) return Bad(p, "heads must be > 0");
  if (p.cylinders == 0) return Bad(p, "cylinders must be > 0");
  if (p.zones.empty()) return Bad(p, "no zones");
  if (!(p.rpm > 0) || !std::isfinite(p.rpm)) return Bad(p, "rpm must be > 0, got ", p.rpm);
  if (static_cast<int>(p.sparing) > 10) {
    return Bad(p, "unknown sparing scheme ", static_cast<int>(p.sparing));
  }
  if (p.mapping < 0 || p.mapping > 2) return Bad(p, "unknown LBN-to-PBN mapping ", p.mapping);
  if (p.sparing == HddSparing::kSectorsPerRange && p.sparing_range_cylinders == 0) {
    return Bad(p, "sparing range must be >= 1 cylinder");
  }
  return absl::OkStatus();
}

// Zone i: its cylinders (from *next_cyl on, which it advances past its
// last one), sectors, skews, spares, slips and defects.
absl::Status ValidateZone(const HddParams& p, size_t i, int64_t* next_cyl) {
  const HddZone& z = p.zones[i];
  const std::string zone = absl::StrCat("zone ", i);
  if (z.first_cylinder < *next_cyl) {
    return Bad(p, zone, ": first cylinder ", z.first_cylinder, ", expected >= ", *next_cyl,
               " (zones must be ascending and must not overlap)");
  }
  if (z.last_cylinder < z.first_cylinder || z.last_cylinder >= p.cylinders) {
    return Bad(p, zone, ": last cylinder ", z.last_cylinder, " outside [", z.first_cylinder, ", ",
               p.cylinders - 1, "]");
  }
  *next_cyl = int64_t{z.last_cylinder} + 1;
  if (z.sectors_per_track == 0) return Bad(p, zone, ": sectors per track must be > 0");
  if (!NonNegativeFinite(z.first_block_offset) || !NonNegativeFinite(z.track_skew) ||
      !NonNegativeFinite(z.cylinder_skew)) {
    return Bad(p, zone, ": offsets and skews must be finite and >= 0");
  }
  const uint64_t tracks = (uint64_t{z.last_cylinder} - z.first_cylinder + 1) * p.heads;
  const uint64_t units = TrackUnits(p.sparing) ? tracks : tracks * z.sectors_per_track;
  if (TrackUnits(p.sparing) && z.spares >= tracks) {
    return Bad(p, zone, ": ", z.spares, " spare tracks leave no data track of ", tracks);
  }
  if (HddZoneSectors(p, z) <= 0) {
    return Bad(p, zone, ": front gap ", z.front_gap, " and ", z.spares, " spares leave no LBN");
  }
  if (TrackUnits(p.sparing) && z.slips.size() + z.defects.size() > z.spares) {
    return Bad(p, zone, ": ", z.slips.size(), " slipped and ", z.defects.size(),
               " remapped tracks exceed the ", z.spares, " spare tracks");
  }
  for (size_t k = 0; k < z.slips.size(); ++k) {
    if (z.slips[k] >= units) {
      return Bad(p, zone, ": slip ", z.slips[k], " beyond the zone's ", units,
                 TrackUnits(p.sparing) ? " tracks" : " sectors");
    }
    if (k > 0 && z.slips[k] <= z.slips[k - 1]) {
      return Bad(p, zone, ": slips must be strictly ascending");
    }
  }
  for (const auto& [defect, remap] : z.defects) {
    if (defect >= units || remap >= units) {
      return Bad(p, zone, ": defect ", defect, " -> ", remap, " outside the zone");
    }
  }
  return absl::OkStatus();
}

// The seek curve's values for its kind.
absl::Status ValidateSeek(const HddParams& p) {
  const HddSeekCurve& s = p.seek;
  switch (s.kind) {
    case HddSeekCurve::Kind::kHplPlus10:
      for (double v : s.first_ten_ms) {
        if (!NonNegativeFinite(v)) return Bad(p, "seek: first ten times must be >= 0");
      }
      if (!(s.boundary > 10)) {
        return Bad(p, "seek: hplplus10 boundary must be > 10, got ", s.boundary);
      }
      [[fallthrough]];
    case HddSeekCurve::Kind::kHpl:
      for (double v : {s.sqrt_a_ms, s.sqrt_b_ms, s.linear_c_ms, s.linear_e_ms}) {
        if (!NonNegativeFinite(v)) return Bad(p, "seek: equation values must be >= 0");
      }
      break;
    case HddSeekCurve::Kind::kTable:
      if (s.table.empty()) return Bad(p, "seek: empty table");
      for (size_t k = 0; k < s.table.size(); ++k) {
        if (!std::isfinite(s.table[k].second) || s.table[k].second < 0) {
          return Bad(p, "seek: table point ", k, " needs time >= 0");
        }
        if (k > 0 && s.table[k].first <= s.table[k - 1].first) {
          return Bad(p, "seek: table distances must be strictly ascending");
        }
      }
      break;
    case HddSeekCurve::Kind::kConstant:
    case HddSeekCurve::Kind::kLinear:
    case HddSeekCurve::Kind::kCurve:
      for (double v : {s.single_cylinder_ms, s.average_ms, s.full_stroke_ms, s.constant_ms}) {
        if (!NonNegativeFinite(v)) return Bad(p, "seek: times must be >= 0");
      }
      break;
  }
  return absl::OkStatus();
}

// Mechanical and bus times, and the controller overheads: finite, >= 0.
absl::Status ValidateTimes(const HddParams& p) {
  // A negative write settle is DiskSim's (it has no lower bound).
  if (!std::isfinite(p.write_settle_ms)) return Bad(p, "write settle must be finite");
  for (double v :
       {p.head_switch_ms, p.bus_read_sector_ms, p.bus_write_sector_ms, p.controller_bulk_sector_ms,
        p.disk_bulk_sector_ms, p.bus_arbitration_ms, p.controller_message_ms, p.overhead_scale}) {
    if (!NonNegativeFinite(v)) return Bad(p, "times must be finite and >= 0");
  }
  const HddOverheads& o = p.overheads;
  for (double v : {o.read_hit_after_read_ms,
                   o.read_hit_after_write_ms,
                   o.read_miss_after_read_ms,
                   o.read_miss_after_write_ms,
                   o.write_hit_after_read_ms,
                   o.write_hit_after_write_ms,
                   o.write_miss_after_read_ms,
                   o.write_miss_after_write_ms,
                   o.read_completion_ms,
                   o.write_completion_ms,
                   o.data_prep_ms,
                   o.reselect_first_ms,
                   o.reselect_other_ms,
                   o.read_disconnect_after_read_ms,
                   o.read_disconnect_after_write_ms,
                   o.write_disconnect_ms,
                   o.extradisc_command_ms,
                   o.extradisc_disconnect_ms,
                   o.extradisc_inter_disconnect_ms,
                   o.extradisc_second_disconnect_ms,
                   o.extradisc_seek_delta_ms,
                   o.minimum_seek_delay_ms,
                   o.per_request_ms}) {
    if (!NonNegativeFinite(v)) return Bad(p, "overheads must be finite and >= 0");
  }
  return absl::OkStatus();
}

// The buffer: segment size, water marks, continuous read and write-back.
absl::Status ValidateCache(const HddParams& p) {
  const HddCacheParams& c = p.cache;
  if (c.segments > 0 && c.segment_sectors == 0) return Bad(p, "cache: segment size must be > 0");
  if (!(c.read_water_mark >= 0 && c.read_water_mark <= 1) ||
      !(c.write_water_mark >= 0 && c.write_water_mark <= 1)) {
    return Bad(p, "cache: water marks must be in [0, 1]");
  }
  if (c.buffer_continuous_read < 0 || c.buffer_continuous_read > 4) {
    return Bad(p, "cache: buffer continuous read must be 0..4, got ", c.buffer_continuous_read);
  }
  if (c.fast_write_level < 0 || c.fast_write_level > 2) {
    return Bad(p, "cache: fast write level must be 0..2, got ", c.fast_write_level);
  }
  return absl::OkStatus();
}

// The drive's command queue: depth, policy name, aging weight, preseek level.
absl::Status ValidateQueue(const HddParams& p) {
  const HddQueueParams& q = p.queue;
  if (q.depth == 0 || q.depth > 256) {
    return Bad(p, "queue: depth (Max queue length) must be 1..256, got ", q.depth);
  }
  if (absl::StatusOr<DiskPolicyKind> k = ParseDiskPolicy(q.policy); !k.ok()) {
    return Bad(p, "queue: ", k.status().message());
  }
  if (q.aging_weight < 0) return Bad(p, "queue: aging weight must be >= 0, got ", q.aging_weight);
  if (q.preseek_level > 1) {
    return Bad(p, "queue: preseek level must be 0 or 1 (level 2 is not modelled), got ",
               q.preseek_level);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateHddParams(const HddParams& p) {
  IOSCHED_RETURN_IF_ERROR(ValidateGeometry(p));
  int64_t next_cyl = 0;
  for (size_t i = 0; i < p.zones.size(); ++i) {
    IOSCHED_RETURN_IF_ERROR(ValidateZone(p, i, &next_cyl));
  }
  const uint64_t capacity = HddCapacitySectors(p);
  if (p.expected_capacity_sectors != 0 && capacity != p.expected_capacity_sectors) {
    return Bad(p, "zones give ", capacity, " sectors, expected ", p.expected_capacity_sectors);
  }
  IOSCHED_RETURN_IF_ERROR(ValidateSeek(p));
  IOSCHED_RETURN_IF_ERROR(ValidateTimes(p));
  IOSCHED_RETURN_IF_ERROR(ValidateCache(p));
  return ValidateQueue(p);
}

}  // namespace iosched
