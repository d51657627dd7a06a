// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// fio iolog versions 2 and 3 (fio's iolog.c; see trace.h for the layout).
//
// The parser keeps the table of files the log added: a file must be added
// ("FILE add") before it is opened or used, as fio requires, and its
// position in that table is the record's device. read and write lines are
// records; trim, sync and datasync lines are valid events that are not
// replayed; add, open and close manage files.
//
// Every line fio (and iosched's writer) writes ends with a newline: a last
// line without one is reported as a cut file, not taken as a record.
//
// Times: v3 lines start with µs since the log started (fio's
// utime_since_now at submission). v2 lines have no timestamp; fio's code
// treats "FILE wait MARK 0" as "do not issue the next I/O before MARK ms
// since the job started", so a v2 record's time is the largest wait mark
// seen before it (0 before any). Timestamps that go backwards in v3 pass
// through (fio replays them with no delay).

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

class FioParser final : public LineParser {
 public:
  explicit FioParser(int version) : version_(version) {}

  absl::Status Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                     LineKind* kind) override;

 private:
  // Index of an added file; -1 if it was never added.
  int64_t FileIndex(std::string_view name) {
    if (!files_.empty() && name == last_name_) return last_index_;
    auto it = files_.find(AbslView(name));
    if (it == files_.end()) return -1;
    last_name_ = it->first;
    last_index_ = it->second;
    return last_index_;
  }

  const int version_;
  bool header_seen_ = false;
  absl::flat_hash_map<std::string, uint32_t> files_;
  std::string last_name_;
  int64_t last_index_ = -1;
  int64_t wait_mark_ns_ = 0;  // v2
};

absl::Status FioParser::Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                              LineKind* kind) {
  if (!header_seen_) {
    // Line 1 always comes first (parse_first_line); a bad one is reported
    // once, and with skip_bad_lines the rest of the file is still parsed.
    header_seen_ = true;
    if (StripBlanks(line) != absl::StrCat("fio version ", version_, " iolog")) {
      return LineError(ctx, absl::StrCat("first line 'fio version ", version_, " iolog'"), line);
    }
    *kind = LineKind::kHeader;
    return absl::OkStatus();
  }
  if (ctx.unterminated) {
    // fio and iosched end every line; a last line without its newline is
    // what a killed writer leaves ("… write 577536 4" cut from "… 4096").
    return LineError(ctx,
                     "a complete line ending in a newline (the file was cut short, e.g. its "
                     "writer was killed; --skip-bad-lines reads the complete records)",
                     line);
  }
  std::string_view f[7];
  const size_t n = SplitBlanks(line, f, 7);
  const size_t base = version_ == 3 ? 1 : 0;  // v3: timestamp first
  const bool file_action = n == base + 2;
  const bool io_action = n == base + 4;
  if (!file_action && !io_action) {
    return LineError(ctx,
                     version_ == 3 ? "'TS FILE add|open|close' or 'TS FILE ACTION OFFSET LENGTH'"
                                   : "'FILE add|open|close' or 'FILE ACTION OFFSET LENGTH'",
                     line);
  }
  int64_t ts_us = 0;
  if (version_ == 3) {
    if (absl::Status s = ParseIntegerTime(ctx, f[0], "a timestamp in us", &ts_us); !s.ok()) {
      return s;
    }
  }
  const std::string_view file = f[base];
  const std::string_view action = f[base + 1];
  if (file_action) {
    if (action == "add") {
      if (FileIndex(file) < 0) {
        const uint32_t index = static_cast<uint32_t>(files_.size());
        files_.emplace(std::string(file), index);
      }
    } else if (action == "open" || action == "close") {
      if (FileIndex(file) < 0) {
        return LineError(
            ctx, absl::StrCat("file '", AbslView(file), "' added before its ", AbslView(action)),
            line);
      }
    } else {
      return LineError(ctx, "a file action add, open or close", action);
    }
    *kind = LineKind::kEvent;
    return absl::OkStatus();
  }
  const std::string_view offset_text = f[base + 2], length_text = f[base + 3];
  uint64_t offset, length;
  if (absl::Status s = ParseBytes(ctx, offset_text, "an offset in bytes", &offset); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseBytes(ctx, length_text, "a length in bytes", &length); !s.ok()) {
    return s;
  }
  if (action == "wait") {
    if (version_ == 3) {
      return LineError(ctx, "an I/O action (wait is not allowed in version 3 logs)", action);
    }
    int64_t mark_ns;
    if (offset > static_cast<uint64_t>(INT64_MAX / kNsPerMs)) {
      return LineError(ctx, "a wait mark in ms below 2^63 ns", offset_text);
    }
    mark_ns = static_cast<int64_t>(offset) * kNsPerMs;
    if (mark_ns > wait_mark_ns_) wait_mark_ns_ = mark_ns;
    *kind = LineKind::kEvent;
    return absl::OkStatus();
  }
  const bool read = action == "read";
  const bool write = action == "write";
  if (!read && !write && action != "trim" && action != "sync" && action != "datasync") {
    return LineError(ctx,
                     version_ == 3 ? "an action read, write, trim, sync or datasync"
                                   : "an action read, write, trim, sync, datasync or wait",
                     action);
  }
  const int64_t device = FileIndex(file);
  if (device < 0) {
    return LineError(ctx, absl::StrCat("file '", AbslView(file), "' added before its I/O"), line);
  }
  if (!read && !write) {
    *kind = LineKind::kEvent;
    return absl::OkStatus();
  }
  if (absl::Status s = CheckExtent(ctx, offset, offset_text, length, length_text); !s.ok()) {
    return s;
  }
  rec->op = read ? TraceOp::kRead : TraceOp::kWrite;
  rec->offset = offset;
  rec->length = length;
  rec->device = static_cast<uint32_t>(device);
  rec->time_ns = version_ == 3 ? ts_us : wait_mark_ns_;
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LineParser>> MakeFioV2Parser(const LineFormatArgs&) {
  return std::unique_ptr<LineParser>(new FioParser(2));
}
absl::StatusOr<std::unique_ptr<LineParser>> MakeFioV3Parser(const LineFormatArgs&) {
  return std::unique_ptr<LineParser>(new FioParser(3));
}

}  // namespace

const LineFormat kFioV2Format = {
    .name = "fio-v2",
    .time_unit = "ms",
    .parse = nullptr,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
    .make_parser = &MakeFioV2Parser,
    .parse_first_line = true,
};

const LineFormat kFioV3Format = {
    .name = "fio-v3",
    .time_unit = "us",
    .parse = nullptr,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1000,
    .make_parser = &MakeFioV3Parser,
    .parse_first_line = true,
};

}  // namespace iosched::traces_internal
