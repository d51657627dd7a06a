// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The options `iosched compare` and `iosched report` share: trace, disk,
// elevators, replay mode and settings, the head-position window and the
// shared trace reading options (trace_options.h). One definition, so the two
// commands cannot drift apart.

#ifndef IOSCHED_TOOLS_CMD_COMPARE_FLAGS_H_
#define IOSCHED_TOOLS_CMD_COMPARE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "compare.h"
#include "plot.h"
#include "trace_options.h"

namespace iosched {

struct CompareFlags {
  CompareOptions options;
  std::string mode = "open", fit = "error", elevators;
  std::string window;  // --window START:END for the head-position plot
  bool quiet = false;  // --quiet: no progress bar
  TraceFlags trace;    // shared trace reading options and transforms
  PlotOptions plot;    // filled from --window by ResolveCompareFlags
};

// Registers the shared options on `cmd`; the values land in `*f`, which must
// outlive the parse.
void AddCompareFlags(CLI::App* cmd, CompareFlags* f);

// Turns the parsed strings into f->options and f->plot and validates them
// (elevator specs, disk, time scale, depth, window). InvalidArgument names
// the bad value: a usage error.
absl::Status ResolveCompareFlags(CompareFlags* f);

// Warnings to print on stderr after a run ("iosched: warning: …"): the disk
// import's unmodelled parameters, a closed-loop replay of records without
// stream ids, then CompareNotes (compare_notes.h: clamped tunables,
// elevators that cannot differ, an overloaded disk).
std::vector<std::string> CompareWarnings(const CompareResult& r);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_CMD_COMPARE_FLAGS_H_
