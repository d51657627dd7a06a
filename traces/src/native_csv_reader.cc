// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// iosched native CSV (layout in trace.h):
//   # iosched trace v1 time_unit=ns
//   time_ns,op,offset,length,stream,think_ns,response_ns[,device]
//   1500,R,4096,8192,3,,
// The first line must be the magic line exactly (trailing blanks allowed);
// the first data line after it must be the column header: the seven core
// columns, optionally ",device", optionally more named columns after it
// (e.g. the recorder's full mode adds dispatch_ns,key,error,bytes), which
// are ignored, except "ioprio" (the I/O priority, "rt:0", "be:4",
// "idle:7", "be:4/w200"; parsed strictly). Every record line has exactly the header's
// number of fields. An empty field means "absent" (device: 0).

#include "absl/strings/str_cat.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

constexpr size_t kColumns = 7;
constexpr size_t kMaxColumns = 64;
constexpr std::string_view kDeviceColumn = ",device";
constexpr std::string_view kIoprioColumn = "ioprio";
constexpr size_t kNoColumn = SIZE_MAX;

class NativeCsvParser final : public LineParser {
 public:
  absl::Status Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                     LineKind* kind) override;
  void OnComment(std::string_view line, const LineContext& ctx) override;
  absl::Status AtEnd(const LineContext& ctx) override;

 private:
  // "# end-marked" seen; the "# end records=N" line (its line number, N,
  // and the records above it).
  bool end_marked_ = false, end_count_ok_ = false;
  uint64_t end_line_ = 0, end_count_ = 0, records_ = 0, records_at_end_ = 0;
  enum class State { kMagic, kHeader, kData };
  State state_ = State::kMagic;
  size_t columns_ = kColumns;
  bool has_device_ = false;
  size_t ioprio_column_ = kNoColumn;  // index of "ioprio", if any
};

absl::Status ParseOptionalI64(const LineContext& ctx, std::string_view field, std::string_view what,
                              std::optional<int64_t>* out) {
  if (field.empty()) return absl::OkStatus();
  int64_t v;
  if (absl::Status s = ParseIntegerTime(ctx, field, what, &v); !s.ok()) return s;
  *out = v;
  return absl::OkStatus();
}

void NativeCsvParser::OnComment(std::string_view line, const LineContext& ctx) {
  line = StripBlanks(line);
  if (line == kNativeCsvEndMarked) {
    end_marked_ = true;
  } else if (line.starts_with(kNativeCsvEndPrefix) && end_line_ == 0) {
    end_line_ = ctx.line;
    records_at_end_ = records_;
    end_count_ok_ = ParseUint64(line.substr(kNativeCsvEndPrefix.size()), &end_count_);
  }
}

absl::Status NativeCsvParser::AtEnd(const LineContext& ctx) {
  if (!end_marked_) return absl::OkStatus();
  if (end_line_ == 0) {
    return LineError(ctx,
                     absl::StrCat("the end line '", AbslView(kNativeCsvEndPrefix),
                                  "N' promised by '", AbslView(kNativeCsvEndMarked),
                                  "' (the file was cut short, e.g. its writer was killed; "
                                  "--skip-bad-lines reads the complete records)"),
                     "end of file");
  }
  const LineContext at{ctx.path, end_line_, false, nullptr};
  if (!end_count_ok_ || end_count_ != records_at_end_) {
    return LineError(
        at, absl::StrCat("an end line counting the ", records_at_end_, " records above it"),
        "another count");
  }
  if (records_ != records_at_end_) {
    return LineError(at, "the end line after the last record", "records after it");
  }
  return absl::OkStatus();
}

absl::Status NativeCsvParser::Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                                    LineKind* kind) {
  switch (state_) {
    case State::kMagic:
      state_ = State::kHeader;  // reported once; the rest is still parsed
      if (StripBlanks(line) != kNativeCsvMagic) {
        return LineError(ctx, absl::StrCat("first line '", AbslView(kNativeCsvMagic), "'"), line);
      }
      *kind = LineKind::kHeader;
      return absl::OkStatus();
    case State::kHeader: {
      state_ = State::kData;
      const std::string_view header = StripBlanks(line);
      std::string_view names[kMaxColumns + 1];
      const size_t n = SplitChar(header, ',', names, kMaxColumns + 1);
      bool ok = header.starts_with(kNativeCsvHeader) && n <= kMaxColumns &&
                (n == kColumns || names[kColumns] == kDeviceColumn.substr(1));
      for (size_t i = kColumns; ok && i < n; ++i) ok = !names[i].empty();
      if (!ok) {
        return LineError(
            ctx,
            absl::StrCat("the column header '", AbslView(kNativeCsvHeader), "[,device[,more]]'"),
            line);
      }
      columns_ = n;
      has_device_ = n > kColumns;
      for (size_t i = kColumns + 1; i < n; ++i) {
        if (names[i] == kIoprioColumn) {
          ioprio_column_ = i;
          break;
        }
      }
      *kind = LineKind::kHeader;
      return absl::OkStatus();
    }
    case State::kData:
      break;
  }
  std::string_view f[kMaxColumns];
  const size_t want = ioprio_column_ == kNoColumn ? kColumns + 1 : ioprio_column_ + 1;
  const size_t n = SplitChar(line, ',', f, want);
  if (n != columns_) {
    return LineError(ctx, absl::StrCat(columns_, " fields as in the column header"), line);
  }
  if (absl::Status s = ParseIntegerTime(ctx, f[0], "time_ns (integer ns)", &rec->time_ns);
      !s.ok()) {
    return s;
  }
  const std::string_view op = f[1];
  if (op == "R" || op == "r" || EqualsIgnoreCase(op, "read")) {
    rec->op = TraceOp::kRead;
  } else if (op == "W" || op == "w" || EqualsIgnoreCase(op, "write")) {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "op R or W", op);
  }
  if (absl::Status s = ParseBytes(ctx, f[2], "an offset in bytes", &rec->offset); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseBytes(ctx, f[3], "a length in bytes", &rec->length); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[2], rec->length, f[3]); !s.ok()) return s;
  if (!f[4].empty()) {
    uint32_t stream;
    if (!ParseUint32(f[4], &stream)) return LineError(ctx, "a stream id (or empty)", f[4]);
    rec->stream = stream;
  }
  if (absl::Status s =
          ParseOptionalI64(ctx, f[5], "think_ns (integer ns, or empty)", &rec->think_ns);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ParseOptionalI64(ctx, f[6], "response_ns (integer ns, or empty)", &rec->response_ns);
      !s.ok()) {
    return s;
  }
  if (has_device_ && !f[7].empty() && !ParseUint32(f[7], &rec->device)) {
    return LineError(ctx, "a device number (or empty)", f[7]);
  }
  if (ioprio_column_ != kNoColumn && !f[ioprio_column_].empty()) {
    TraceIoPrio p;
    if (!ParseTraceIoPrio(f[ioprio_column_], &p)) {
      return LineError(
          ctx, "an ioprio rt:N, be:N or idle:N with N 0-7, optionally /wW with W 1-1000 (or empty)",
          f[ioprio_column_]);
    }
    rec->ioprio = p;
  }
  *kind = LineKind::kRecord;
  ++records_;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LineParser>> MakeNativeCsvParser(const LineFormatArgs&) {
  return std::unique_ptr<LineParser>(new NativeCsvParser());
}

}  // namespace

const LineFormat kNativeCsvFormat = {
    .name = "iosched-csv",
    .time_unit = "ns",
    .parse = nullptr,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
    .make_parser = &MakeNativeCsvParser,
    .parse_first_line = true,
};

}  // namespace iosched::traces_internal
