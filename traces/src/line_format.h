// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// LineFormat: what a line-oriented text trace format plugs into the shared
// streaming reader (text_trace_reader.h) and into format detection
// (detect.cc). Each format lives in its own file (msr_reader.cc, …) and
// exposes one constant descriptor. Most formats have a stateless parse
// function, so detection can run it on sample lines without a reader;
// formats that need state across lines (fio's file table, a CSV header's
// column positions) make a LineParser per reader instead.
//
// Thread-safety: descriptors are immutable; parse functions are pure; a
// LineParser belongs to one reader.

#ifndef IOSCHED_TRACES_LINE_FORMAT_H_
#define IOSCHED_TRACES_LINE_FORMAT_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

// A parser with state across the lines of one file. Same contract as
// LineParseFn.
class LineParser {
 public:
  virtual ~LineParser() = default;
  virtual absl::Status Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                             LineKind* kind) = 0;
  // Unit of the timestamps as read when it depends on the file (the generic
  // CSV's mapping); empty to use the format's.
  virtual std::string_view time_unit() const { return {}; }
  // A '#' comment line (never line 1 of a parse_first_line format), for
  // formats whose comments carry structure (the native CSV's end line).
  // Stateless formats never see comments.
  virtual void OnComment(std::string_view line, const LineContext& ctx) {}
  // Called once at the end of the file; `ctx.line` is the last line's
  // number. An error (InvalidArgument "path:line: expected …") says the
  // file is incomplete, e.g. cut short before its end line.
  virtual absl::Status AtEnd(const LineContext& ctx) { return absl::OkStatus(); }
};

// What a stateful format's parser is configured with.
struct LineFormatArgs {
  std::string_view csv_mapping;  // "csv" only
};

struct LineFormat {
  std::string_view name;       // as accepted by OpenTrace
  std::string_view time_unit;  // unit of the timestamps in the file
  LineParseFn parse;           // stateless formats; nullptr if make_parser is set
  TimeMode time_mode;
  int64_t ns_per_raw_unit;  // kRelativeToFirst only
  // Stateful formats: makes one parser per reader. Errors are
  // InvalidArgument (e.g. a bad CSV mapping).
  absl::StatusOr<std::unique_ptr<LineParser>> (*make_parser)(const LineFormatArgs& args) = nullptr;
  // The first line of the file is a magic header that may look like a
  // comment ("# iosched trace v1 …"): line 1 always goes to the parser.
  bool parse_first_line = false;
};

// The parser for `format`: its make_parser, or an adapter around parse.
absl::StatusOr<std::unique_ptr<LineParser>> MakeLineParser(const LineFormat& format,
                                                           const LineFormatArgs& args);

extern const LineFormat kMsrFormat;
extern const LineFormat kBlkparseFormat;
extern const LineFormat kDiskSimFormat;
extern const LineFormat kMqSimFormat;
extern const LineFormat kValidateFormat;
extern const LineFormat kFiuFormat;
extern const LineFormat kSpcFormat;
extern const LineFormat kTencentFormat;
extern const LineFormat kFioV2Format;
extern const LineFormat kFioV3Format;
extern const LineFormat kNativeCsvFormat;
extern const LineFormat kGenericCsvFormat;

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_LINE_FORMAT_H_
