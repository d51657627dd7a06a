// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// What a reader of a comparison must know before trusting it, one sentence
// each, every condition reported once per comparison (not per elevator):
//
//   - a tunable in an elevator spec that the kernel would clamp
//     ("deadline:read_expire=-5" runs with 0; the spec is not an error);
//   - elevators that cannot differ: in every run the elevator never held
//     more than one request, so there was nothing to reorder (the DiskSim
//     validation trace at depth 1 is such a trace);
//   - an open-loop trace that overloads the disk: its backlog after the last
//     arrival takes longer to drain than half the arrival span, so the
//     latencies measure the backlog more than the elevator.
//
// The command line prints them on stderr as "iosched: warning: …". Pure
// functions of the result; thread-compatible.

#ifndef IOSCHED_TOOLS_COMPARE_NOTES_H_
#define IOSCHED_TOOLS_COMPARE_NOTES_H_

#include <string>
#include <vector>

#include "compare.h"

namespace iosched {

std::vector<std::string> CompareNotes(const CompareResult& r);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_COMPARE_NOTES_H_
