// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "text_trace_reader.h"

#include <utility>

namespace iosched::traces_internal {
namespace {

class FnLineParser final : public LineParser {
 public:
  explicit FnLineParser(LineParseFn fn) : fn_(fn) {}
  absl::Status Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                     LineKind* kind) override {
    return fn_(line, ctx, rec, kind);
  }

 private:
  LineParseFn fn_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<LineParser>> MakeLineParser(const LineFormat& format,
                                                           const LineFormatArgs& args) {
  if (format.make_parser != nullptr) return format.make_parser(args);
  return std::unique_ptr<LineParser>(new FnLineParser(format.parse));
}

TextTraceReader::TextTraceReader(const LineFormat* format, std::unique_ptr<LineParser> parser,
                                 std::unique_ptr<LineReader> lines, bool skip_bad_lines)
    : format_(format),
      parser_(std::move(parser)),
      lines_(std::move(lines)),
      skip_bad_lines_(skip_bad_lines) {}

std::string_view TextTraceReader::time_unit() const {
  std::string_view unit = parser_->time_unit();
  return unit.empty() ? format_->time_unit : unit;
}

namespace {

// *out = TraceRecord{}, field by field: GCC zeroes the whole 88-byte
// temporary with `rep stos`, which costs some 30 cycles per line.
// A new field must be reset here too: the size check is a reminder.
static_assert(sizeof(void*) != 8 || sizeof(TraceRecord) == 88,
              "ResetRecord resets every field of TraceRecord");
void ResetRecord(TraceRecord* out) {
  out->time_ns = 0;
  out->op = TraceOp::kRead;
  out->ioprio.reset();
  out->offset = 0;
  out->length = 0;
  out->device = 0;
  out->stream.reset();
  out->response_ns.reset();
  out->think_ns.reset();
  out->line = 0;
}

}  // namespace

absl::StatusOr<bool> TextTraceReader::Next(TraceRecord* out) { return NextRecord(out); }

absl::StatusOr<size_t> TextTraceReader::NextBatch(TraceRecord* out, size_t max) {
  return BatchOf([this](TraceRecord* r) { return NextRecord(r); }, out, max);
}

absl::StatusOr<bool> TextTraceReader::NextRecord(TraceRecord* out) {
  if (!error_.ok()) return error_;
  std::string_view line;
  while (true) {
    absl::StatusOr<bool> more = lines_->Next(&line);
    if (!more.ok()) {
      error_ = more.status();
      return error_;
    }
    if (!*more) {
      if (at_end_checked_) return false;
      at_end_checked_ = true;
      const LineContext end{lines_->path(), lines_->line_number(), false, nullptr};
      if (absl::Status s = parser_->AtEnd(end); !s.ok()) {
        if (skip_bad_lines_ && s.code() == absl::StatusCode::kInvalidArgument) {
          if (bad_lines_++ == 0) first_bad_line_ = std::string(s.message());
          return false;
        }
        error_ = std::move(s);
        return error_;
      }
      return false;
    }
    const bool magic_line = format_->parse_first_line && lines_->line_number() == 1;
    if (!magic_line && IsBlankOrComment(line)) {
      if (format_->parse == nullptr && !line.empty() && line[0] == '#') {
        const LineContext c{lines_->path(), lines_->line_number(), false, nullptr};
        parser_->OnComment(line, c);
      }
      ++skipped_;
      continue;
    }
    std::string_view name;
    LineContext ctx{lines_->path(), lines_->line_number(), !seen_data_line_, &name,
                    !lines_->last_line_terminated()};
    seen_data_line_ = true;
    ResetRecord(out);
    LineKind kind = LineKind::kForeign;
    // Stateless formats are called directly (no virtual call per line).
    absl::Status s = format_->parse != nullptr ? format_->parse(line, ctx, out, &kind)
                                               : parser_->Parse(line, ctx, out, &kind);
    if (s.ok() && kind == LineKind::kRecord) s = SetTime(line, ctx, out);
    if (!s.ok()) {
      if (skip_bad_lines_ && s.code() == absl::StatusCode::kInvalidArgument) {
        if (bad_lines_++ == 0) first_bad_line_ = std::string(s.message());
        continue;
      }
      error_ = std::move(s);
      return error_;
    }
    if (kind != LineKind::kRecord) {
      ++skipped_;
      continue;
    }
    out->line = ctx.line;
    if (!name.empty() && out->stream) RememberName(*out->stream, name);
    return true;
  }
}

void TextTraceReader::RememberName(uint32_t stream, std::string_view name) {
  if (name.size() > kMaxStreamNameLength) name = name.substr(0, kMaxStreamNameLength);
  // Most records repeat the previous record's stream and name.
  if (last_name_ != nullptr && stream == last_named_stream_ && *last_name_ == name) return;
  auto it = names_.find(stream);
  if (it == names_.end()) {
    if (names_.size() >= kMaxStreamNames) return;
    it = names_.emplace(stream, std::string(name)).first;
  } else if (it->second != name) {
    it->second.assign(name);
  }
  last_named_stream_ = stream;
  last_name_ = &it->second;  // stable until the next insertion, which resets it
}

std::string_view TextTraceReader::stream_name(uint32_t stream) const {
  auto it = names_.find(stream);
  return it == names_.end() ? std::string_view() : std::string_view(it->second);
}

absl::Status TextTraceReader::SetTime(std::string_view line, const LineContext& ctx,
                                      TraceRecord* rec) {
  if (format_->time_mode == TimeMode::kClosedLoop) {
    rec->time_ns = next_issue_time_;
    int64_t next = next_issue_time_;
    if (!AddI64(next, rec->response_ns.value_or(0), &next) ||
        !AddI64(next, rec->think_ns.value_or(0), &next)) {
      return LineError(ctx, "a reconstructed issue time below 2^63 ns", line);
    }
    next_issue_time_ = next;
    return absl::OkStatus();
  }
  const int64_t raw = rec->time_ns;  // >= 0, checked by the parser
  if (!seen_record_) {
    seen_record_ = true;
    first_raw_time_ = raw;
  }
  // Both are non-negative, so the difference cannot overflow; it is negative
  // for records older than the first one (unsorted traces), which pass
  // through unchanged.
  if (!MulI64(raw - first_raw_time_, format_->ns_per_raw_unit, &rec->time_ns)) {
    return LineError(ctx, "a timestamp within 2^63 ns of the first record's", line);
  }
  return absl::OkStatus();
}

}  // namespace iosched::traces_internal
