// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// LineFormat: what a line-oriented text trace format plugs into the shared
// streaming reader (text_trace_reader.h) and into format detection
// (detect.cc). Each format lives in its own file (msr_reader.cc, …) and
// exposes one constant descriptor; the parse function is stateless, so
// detection can run it on sample lines without a reader.
//
// Thread-safety: descriptors are immutable; parse functions are pure.

#ifndef IOSCHED_TRACES_LINE_FORMAT_H_
#define IOSCHED_TRACES_LINE_FORMAT_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "iosched/trace.h"
#include "parse_util.h"

namespace iosched::traces_internal {

// What a non-blank, non-comment line turned out to be.
enum class LineKind : uint8_t {
  // An I/O: the record was filled in.
  kRecord,
  // A well-formed line of this format that is not an I/O we replay (e.g. a
  // blkparse completion or merge event). Skipped by the reader; counts as
  // evidence for the format in detection.
  kEvent,
  // A header or summary line this format is known to contain (MSR
  // "Timestamp,…" header, blkparse "CPU0 (sda):" summary). Skipped by the
  // reader; neutral in detection.
  kHeader,
  // Free text the format tolerates but does not recognise (only blkparse,
  // whose trailing summary varies between versions). Skipped by the reader;
  // rejects the format in detection.
  kForeign,
};

// How record times are made relative.
enum class TimeMode : uint8_t {
  // The parser stores the absolute timestamp in raw units in
  // TraceRecord::time_ns; the reader subtracts the first record's raw
  // timestamp and multiplies by ns_per_raw_unit.
  kRelativeToFirst,
  // Closed-loop trace (DiskSim validate): the parser sets response_ns and
  // think_ns; the reader reconstructs issue times: t_0 = 0,
  // t_{i+1} = t_i + response_i + think_i.
  kClosedLoop,
};

// Parses one line (never blank, never a '#' comment, without its line
// terminator). On success sets *kind; when it is kRecord, fills *rec (which
// the caller has reset to TraceRecord{}), except `line`. Errors are
// InvalidArgument "path:line: expected …, got '…'".
using LineParseFn = absl::Status (*)(std::string_view line, const LineContext& ctx,
                                     TraceRecord* rec, LineKind* kind);

struct LineFormat {
  std::string_view name;       // as accepted by OpenTrace
  std::string_view time_unit;  // unit of the timestamps in the file
  LineParseFn parse;
  TimeMode time_mode;
  int64_t ns_per_raw_unit;  // kRelativeToFirst only
};

extern const LineFormat kMsrFormat;
extern const LineFormat kBlkparseFormat;
extern const LineFormat kDiskSimFormat;
extern const LineFormat kMqSimFormat;
extern const LineFormat kValidateFormat;
extern const LineFormat kFiuFormat;

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_LINE_FORMAT_H_
