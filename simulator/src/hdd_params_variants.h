// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Layout variants of a drive for tests and benchmarks (not part of the
// library's API): the same zones under another sparing scheme, so that code
// paths that differ by scheme can be exercised on a realistic drive.

#ifndef IOSCHED_SIMULATOR_HDD_PARAMS_VARIANTS_H_
#define IOSCHED_SIMULATOR_HDD_PARAMS_VARIANTS_H_

#include <cstdint>

#include "iosched/hdd_params.h"

namespace iosched::sim {

// `p` under `sparing` with `spares` spares per zone (in the scheme's unit).
// Slips move to positions valid in sector units (7·s + 3), remapped defects
// are dropped, and the capacity check is lifted (the capacity changes).
inline HddParams WithSparing(HddParams p, HddSparing sparing, uint32_t spares) {
  p.sparing = sparing;
  p.expected_capacity_sectors = 0;
  for (HddZone& z : p.zones) {
    z.spares = spares;
    for (uint32_t& slip : z.slips) slip = slip * 7 + 3;
    z.defects.clear();
  }
  return p;
}

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_PARAMS_VARIANTS_H_
