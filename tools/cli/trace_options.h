// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Command-line options shared by every subcommand that reads traces
// (compare, convert, info; replay later): how to read the input
// (--trace-format, --csv, --skip-bad-lines) and the transforms of
// trace_pipeline.h (--merge, --sort-window, --time-window, --time-scale,
// --skip, --device/--volume, --stream, --offset-scale, --offset-align,
// --offset-modulo, --max-requests; --max-records is its old spelling).
//
// Values with units: durations "250ms", "10s", "1.5us", "100ns", "2min",
// "1h" (a bare number is seconds); sizes "4096", "4K", "1M", "1G", "1T"
// (binary units; KiB etc. accepted; a bare number is bytes); counts
// "1000", "10k", "1M", "2G" (decimal, as fio's counts: 1M = 1,000,000).
//
// Bad values are usage errors (exit code 2) naming the option and value.
// Not thread-safe.

#ifndef IOSCHED_TOOLS_TRACE_OPTIONS_H_
#define IOSCHED_TOOLS_TRACE_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"

namespace iosched {

struct TraceFlags {
  std::string trace_format = "auto";
  std::string csv;
  bool skip_bad_lines = false;
  std::vector<std::string> merge;
  uint32_t sort_window = 0;
  std::string time_window;
  double time_scale = 1.0;
  std::string skip;
  std::vector<std::string> devices, streams;
  double offset_scale = 1.0;
  std::string offset_align, offset_modulo;
  uint64_t max_records = 0;
};

struct TraceOptionSet {
  bool time_scale = true;   // compare has its own --time-scale (replay option)
  bool max_records = true;  // compare has --max-requests
};

// Registers the options on `cmd`; values land in *flags (which must outlive
// parsing).
void AddTraceOptions(CLI::App* cmd, TraceFlags* flags, TraceOptionSet set = {});

// Turns the flags into reader options and a transform. InvalidArgument
// naming the option on a bad value (a usage error).
absl::Status BuildTraceOptions(const TraceFlags& flags, TraceReadOptions* read,
                               TraceTransform* transform);

// The inputs: `main` followed by every --merge trace.
std::vector<std::string> TraceInputs(const std::string& main, const TraceFlags& flags);

// One line per thing the user should know after reading (malformed lines
// skipped, records out of time order, late records), each prefixed
// "iosched: note: ". Empty if nothing to say.
std::vector<std::string> PipelineNotes(const TracePipeline& pipeline);

// Parsers for option values (exposed for tests).
absl::StatusOr<int64_t> ParseDurationNs(std::string_view text);
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text);
absl::StatusOr<uint64_t> ParseCount(std::string_view text);

// CLI11 validators that accept suffixes on an integer option and hand the
// plain number on: CountSuffix() for counts ("10k", "1M"), SizeSuffix() for
// byte sizes ("4K", "1G"). A bad value is a usage error naming the option.
CLI::Validator CountSuffix();
CLI::Validator SizeSuffix();

}  // namespace iosched

#endif  // IOSCHED_TOOLS_TRACE_OPTIONS_H_
