// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// TextTraceReader: the streaming TraceReader shared by every line-oriented
// format. It pulls lines from a LineReader, skips blank lines and '#'
// comments (except line 1 of formats with a magic first line), hands the
// rest to the format's parser and turns raw timestamps into nanoseconds
// since the first record (or reconstructs closed-loop issue times). Memory
// is bounded by the LineReader's buffer.
//
// Malformed lines stop the reader with "path:line: expected …, got '…'",
// or, with skip_bad_lines, are skipped and counted (bad_lines()); the first
// one's message is kept (first_bad_line()). Errors of the file itself (read
// errors, over-long lines, corrupt compressed data) always stop it.
// Errors are sticky: after Next() returns an error it keeps returning it.
//
// Ownership: owns its LineReader and parser; `format` must outlive the
// reader (the descriptors are static constants).
// Thread-safety: one thread at a time.

#ifndef IOSCHED_TRACES_TEXT_TRACE_READER_H_
#define IOSCHED_TRACES_TEXT_TRACE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/trace.h"
#include "line_format.h"
#include "line_reader.h"

namespace iosched::traces_internal {

class TextTraceReader final : public TraceReader {
 public:
  TextTraceReader(const LineFormat* format, std::unique_ptr<LineParser> parser,
                  std::unique_ptr<LineReader> lines, bool skip_bad_lines);

  absl::StatusOr<bool> Next(TraceRecord* out) override;
  absl::StatusOr<size_t> NextBatch(TraceRecord* out, size_t max) override;
  std::string_view format() const override { return format_->name; }
  std::string_view time_unit() const override;
  uint64_t skipped() const override { return skipped_; }
  uint64_t bad_lines() const override { return bad_lines_; }
  std::string_view first_bad_line() const override { return first_bad_line_; }
  std::string_view compression() const override { return CompressionName(lines_->compression()); }
  std::string_view stream_name(uint32_t stream) const override;

 private:
  // Next's body, which NextBatch calls in its loop without a virtual call.
  absl::StatusOr<bool> NextRecord(TraceRecord* out);
  absl::Status SetTime(std::string_view line, const LineContext& ctx, TraceRecord* rec);
  void RememberName(uint32_t stream, std::string_view name);

  const LineFormat* format_;
  std::unique_ptr<LineParser> parser_;
  std::unique_ptr<LineReader> lines_;
  const bool skip_bad_lines_;
  uint64_t skipped_ = 0;
  uint64_t bad_lines_ = 0;
  std::string first_bad_line_;
  bool seen_data_line_ = false;
  bool seen_record_ = false;
  int64_t first_raw_time_ = 0;   // kRelativeToFirst
  int64_t next_issue_time_ = 0;  // kClosedLoop
  absl::Status error_;
  bool at_end_checked_ = false;  // LineParser::AtEnd called
  // Stream names (TraceReader::stream_name), and the last one stored.
  absl::flat_hash_map<uint32_t, std::string> names_;
  uint32_t last_named_stream_ = 0;
  const std::string* last_name_ = nullptr;
};

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_TEXT_TRACE_READER_H_
