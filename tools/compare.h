// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched compare`: replays one trace through several elevators on one disk
// model and formats the results as a table, CSV or JSON.
//
// The JSON document is one object,
//   {"trace": …, "trace_format": …, "disk": …, "mode": …, "depth": …,
//    "results": [{"elevator": "noop", "spec": "noop", "requests": …, …}, …]}
// Keys are only ever added, never renamed, so readers keep working. The CSV
// has one header line and one row per elevator with the same scalar keys.

#ifndef IOSCHED_TOOLS_COMPARE_H_
#define IOSCHED_TOOLS_COMPARE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/replay.h"

namespace iosched {

struct CompareOptions {
  std::string trace;
  std::string trace_format = "auto";
  std::string disk = "hp-c2247a";
  std::vector<std::string> elevators;  // specs; empty = every known elevator
  ReplayOptions replay;
};

struct CompareRun {
  std::string spec;
  std::string elevator;  // canonical name
  ReplayResult result;
};

struct CompareResult {
  std::string trace;
  std::string trace_format;
  std::string time_unit;
  std::string disk;
  uint64_t disk_capacity_sectors = 0;
  CompareOptions options;
  std::vector<CompareRun> runs;
};

// Checks what can be checked before reading the trace (elevator specs, disk
// preset, options). An error here is a usage error (exit code 2).
absl::Status ValidateCompare(const CompareOptions& options);

// Runs the comparison. Errors from the trace are runtime errors (exit 1).
absl::StatusOr<CompareResult> RunCompare(const CompareOptions& options);

std::string FormatCompareTable(const CompareResult& r);
std::string FormatCompareCsv(const CompareResult& r);
std::string FormatCompareJson(const CompareResult& r);

std::string ModeName(ReplayMode m);
std::string FitName(FitPolicy f);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_COMPARE_H_
