// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Internal helpers shared by the presets of modern drives (sata-7200,
// sas-15k), whose zoning and seek curve are synthesised from a few published
// figures the same way. Each preset file documents its figures and sources;
// these functions only do the arithmetic.

#ifndef IOSCHED_SIMULATOR_SRC_PRESET_SYNTH_H_
#define IOSCHED_SIMULATOR_SRC_PRESET_SYNTH_H_

#include <cstdint>

#include "iosched/hdd_params.h"

namespace iosched::preset_internal {

// Fills p.zones, p.cylinders and p.expected_capacity_sectors: `zones` zones
// of equal cylinder count whose sectors per track fall linearly from
// `outer_spt` to `inner_spt` (rounded to whole sectors); the cylinder count
// is the smallest that holds `capacity_sectors`, and the excess is empty
// space at the front of zone 0 (no spares, no defects). Track and cylinder
// skews are p.head_switch_ms and `single_cylinder_ms` rounded up to whole
// sectors of each zone. REQUIRES: p.heads, p.rpm and p.head_switch_ms set.
void SynthesiseLinearZones(HddParams& p, uint64_t capacity_sectors, int zones, double outer_spt,
                           double inner_spt, double single_cylinder_ms);

// Sets a DiskSim "hpl" seek curve through (1 cylinder, single_ms),
// (a third of the stroke, average_ms) and (full stroke, full_ms): a + b·sqrt(d)
// up to the third, linear beyond. REQUIRES: p.cylinders set.
void SetHplSeekThroughAverage(HddParams& p, double single_ms, double average_ms, double full_ms);

// Every read/write hit/miss overhead after a read or a write, in ms: reads
// that hit take `read_hit_ms`, everything else `command_ms`; completions take
// `completion_ms`.
void SetUniformOverheads(HddOverheads& o, double read_hit_ms, double command_ms,
                         double completion_ms);

}  // namespace iosched::preset_internal

#endif  // IOSCHED_SIMULATOR_SRC_PRESET_SYNTH_H_
