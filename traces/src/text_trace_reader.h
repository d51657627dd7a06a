// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// TextTraceReader: the streaming TraceReader shared by every line-oriented
// format. It pulls lines from a LineReader, skips blank lines and '#'
// comments, hands the rest to the format's parse function and turns raw
// timestamps into nanoseconds since the first record (or reconstructs
// closed-loop issue times). Memory is bounded by the LineReader's buffer.
//
// Errors are sticky: after Next() returns an error it keeps returning it.
//
// Ownership: owns its LineReader; `format` must outlive the reader (the
// descriptors are static constants).
// Thread-safety: one thread at a time.

#ifndef IOSCHED_TRACES_TEXT_TRACE_READER_H_
#define IOSCHED_TRACES_TEXT_TRACE_READER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/trace.h"
#include "line_format.h"
#include "line_reader.h"

namespace iosched::traces_internal {

class TextTraceReader final : public TraceReader {
 public:
  TextTraceReader(const LineFormat* format, std::unique_ptr<LineReader> lines);

  absl::StatusOr<bool> Next(TraceRecord* out) override;
  std::string_view format() const override { return format_->name; }
  std::string_view time_unit() const override { return format_->time_unit; }
  uint64_t skipped() const override { return skipped_; }

 private:
  absl::Status SetTime(std::string_view line, const LineContext& ctx, TraceRecord* rec);

  const LineFormat* format_;
  std::unique_ptr<LineReader> lines_;
  uint64_t skipped_ = 0;
  bool seen_data_line_ = false;
  bool seen_record_ = false;
  int64_t first_raw_time_ = 0;   // kRelativeToFirst
  int64_t next_issue_time_ = 0;  // kClosedLoop
  absl::Status error_;
};

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_TEXT_TRACE_READER_H_
