// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "preset_synth.h"

#include <cmath>
#include <vector>

namespace iosched::preset_internal {

void SynthesiseLinearZones(HddParams& p, uint64_t capacity_sectors, int zones, double outer_spt,
                           double inner_spt, double single_cylinder_ms) {
  const double rev_ms = 60e3 / p.rpm;
  std::vector<uint32_t> spt(zones);
  uint64_t per_cylinder_set = 0;  // sectors in one cylinder of every zone
  for (int z = 0; z < zones; ++z) {
    spt[z] =
        static_cast<uint32_t>(std::lround(outer_spt - z * (outer_spt - inner_spt) / (zones - 1)));
    per_cylinder_set += uint64_t{spt[z]} * p.heads;
  }
  const uint32_t cyls_per_zone =
      static_cast<uint32_t>((capacity_sectors + per_cylinder_set - 1) / per_cylinder_set);
  const uint64_t excess = uint64_t{cyls_per_zone} * per_cylinder_set - capacity_sectors;
  p.zones.clear();
  for (int z = 0; z < zones; ++z) {
    HddZone zone;
    zone.first_cylinder = z * cyls_per_zone;
    zone.last_cylinder = (z + 1) * cyls_per_zone - 1;
    zone.sectors_per_track = spt[z];
    zone.front_gap = z == 0 ? static_cast<uint32_t>(excess) : 0;
    const double sector_ms = rev_ms / spt[z];
    zone.track_skew = std::ceil(p.head_switch_ms / sector_ms);
    zone.cylinder_skew = std::ceil(single_cylinder_ms / sector_ms);
    p.zones.push_back(zone);
  }
  p.cylinders = zones * cyls_per_zone;
  p.expected_capacity_sectors = capacity_sectors;
}

void SetHplSeekThroughAverage(HddParams& p, double single_ms, double average_ms, double full_ms) {
  const double third = std::floor(p.cylinders / 3.0);
  const double full = p.cylinders - 1.0;
  p.seek.kind = HddSeekCurve::Kind::kHpl;
  p.seek.hpl_single_ms = single_ms;
  p.seek.boundary = third;
  p.seek.sqrt_b_ms = (average_ms - single_ms) / (std::sqrt(third) - 1.0);
  p.seek.sqrt_a_ms = single_ms - p.seek.sqrt_b_ms;
  p.seek.linear_e_ms = (full_ms - average_ms) / (full - third);
  p.seek.linear_c_ms = average_ms - p.seek.linear_e_ms * third;
}

void SetUniformOverheads(HddOverheads& o, double read_hit_ms, double command_ms,
                         double completion_ms) {
  o.read_hit_after_read_ms = o.read_hit_after_write_ms = read_hit_ms;
  o.read_miss_after_read_ms = o.read_miss_after_write_ms = command_ms;
  o.write_hit_after_read_ms = o.write_hit_after_write_ms = command_ms;
  o.write_miss_after_read_ms = o.write_miss_after_write_ms = command_ms;
  o.read_completion_ms = o.write_completion_ms = completion_ms;
}

}  // namespace iosched::preset_internal
