// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The two halves of the DiskSim ASCII line parser (kDiskSimFormat), exposed
// so that tests can hold them against each other.
//
// ParseDiskSimLineStrict is the reference: it accepts every well-formed
// line and names what is wrong with any other. ParseDiskSimLineFast reads
// the common shape in one pass ("12.5 0 1000 8 1": plain decimal fields,
// at most six fraction digits, hex flags without "0x") and returns false on
// anything else, leaving the line to the strict parser. Whenever it returns
// true, it has set exactly what the strict parser would set.
//
// Thread-safety: pure functions.

#ifndef IOSCHED_TRACES_DISKSIM_LINE_H_
#define IOSCHED_TRACES_DISKSIM_LINE_H_

#include <string_view>

#include "absl/status/status.h"
#include "line_format.h"

namespace iosched::traces_internal {

// On true, sets rec's time_ns (raw: ms scaled to ns), device, offset,
// length (bytes) and op; on false leaves *rec untouched.
bool ParseDiskSimLineFast(std::string_view line, TraceRecord* rec);

// LineParseFn contract (line_format.h).
absl::Status ParseDiskSimLineStrict(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                                    LineKind* kind);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_DISKSIM_LINE_H_
