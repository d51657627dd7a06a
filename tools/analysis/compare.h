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

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/replay.h"
#include "iosched/trace_pipeline.h"

namespace iosched {

struct CompareOptions {
  std::string trace;
  std::string trace_format = "auto";
  std::string disk = "hp-c2247a";
  // --parv FILE: the disk is the DiskSim 4.0 drive imported from FILE
  // (iosched/disksim.h) instead of the preset `disk`; the result's "disk" is
  // the file's model name. A bad file is a runtime error (RunCompare).
  std::string parv;
  std::vector<std::string> elevators;  // specs; empty = every known elevator
  ReplayOptions replay;
  // Optional progress hook: (index of the run in elevator order, records
  // replayed so far in that run); see ReplayOptions::on_progress.
  std::function<void(size_t run, uint64_t records)> on_progress;
  // How the trace is read and transformed (tools/cli/trace_options.h); the
  // format is trace_format above. `merge`: more traces merged into the
  // timeline.
  TraceReadOptions read;
  TraceTransform transform;
  std::vector<std::string> merge;
  // Elevators replayed at once, on that many threads (>= 1; `compare
  // --jobs`). Each run has its own reader, disk and elevator: the results
  // are bit-identical to jobs = 1. on_progress is then called from the
  // workers, one call at a time.
  unsigned jobs = 1;
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
  // Reading the trace (the last run's pipeline; every run reads the same):
  // malformed lines skipped (--skip-bad-lines) and the first one's message,
  // records out of time order, filtered, …
  uint64_t bad_lines = 0;
  std::string first_bad_line;
  TracePipelineStats trace_stats;
  // --parv: every parameter the DiskSim import does not model, one line each.
  std::vector<std::string> disk_warnings;
  // `replay --target`: the real file or device replayed against with
  // O_DIRECT (empty for a simulated disk), the I/O backend used and the
  // ElevatorEnv::rotational the elevator was built with. The result's
  // metadata then describes this target instead of options.disk.
  std::string real_target;
  std::string real_backend;
  bool real_rotational = true;
};

// Checks what can be checked before reading the trace (elevator specs, disk
// preset, options). An error here is a usage error (exit code 2).
absl::Status ValidateCompare(const CompareOptions& options);

// Runs the comparison. Errors from the trace are runtime errors (exit 1).
absl::StatusOr<CompareResult> RunCompare(const CompareOptions& options);

std::string FormatCompareTable(const CompareResult& r);
// CSV: one header line and one row per elevator. The leading columns are
// the result metadata flattened (result_meta.h CompareCsvMeta):
//   schema_version, iosched_version, mode, depth, async_writes, time_scale,
//   fit, disk, trace_sha256, tunables
// (tunables: the effective values of the row's elevator, "name=value|…"),
// then elevator, spec and the scalar metrics.
std::string FormatCompareCsv(const CompareResult& r);
std::string FormatCompareJson(const CompareResult& r);

std::string ModeName(ReplayMode m);
std::string FitName(FitPolicy f);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_COMPARE_H_
