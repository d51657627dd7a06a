// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// MSR Cambridge block traces (SNIA IOTTA), CSV without a header:
//   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
// Timestamp and ResponseTime are Windows FILETIME ticks (100 ns; Timestamp
// counts from 1601-01-01 UTC). Offset and Size are bytes. Type is Read or
// Write (any case). device = DiskNumber; the hostname is not kept.
// A header line starting with "Timestamp" is tolerated as the first data line.

#include "line_format.h"

namespace iosched::traces_internal {
namespace {

constexpr int64_t kNsPerTick = 100;

absl::Status ParseMsrLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                          LineKind* kind) {
  std::string_view f[8];
  const size_t n = SplitChar(line, ',', f, 8);
  if (ctx.first_data_line && n >= 1 && StartsWithIgnoreCase(f[0], "Timestamp")) {
    *kind = LineKind::kHeader;
    return absl::OkStatus();
  }
  if (n != 7) {
    return LineError(ctx,
                     "7 comma-separated fields "
                     "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime",
                     line);
  }
  if (absl::Status s =
          ParseIntegerTime(ctx, f[0], "Timestamp (FILETIME 100 ns ticks)", &rec->time_ns);
      !s.ok()) {
    return s;
  }
  if (f[1].empty()) return LineError(ctx, "a Hostname", line);
  if (!ParseUint32(f[2], &rec->device)) return LineError(ctx, "a DiskNumber", f[2]);
  if (EqualsIgnoreCase(f[3], "Read")) {
    rec->op = TraceOp::kRead;
  } else if (EqualsIgnoreCase(f[3], "Write")) {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "Type Read or Write", f[3]);
  }
  if (absl::Status s = ParseBytes(ctx, f[4], "an Offset in bytes", &rec->offset); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseBytes(ctx, f[5], "a Size in bytes", &rec->length); !s.ok()) return s;
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[4], rec->length, f[5]); !s.ok()) return s;
  int64_t response_ticks;
  if (absl::Status s = ParseIntegerTime(ctx, f[6], "ResponseTime (100 ns ticks)", &response_ticks);
      !s.ok()) {
    return s;
  }
  int64_t response_ns;
  if (!MulI64(response_ticks, kNsPerTick, &response_ns)) {
    return LineError(ctx, "a ResponseTime below 2^63 ns", f[6]);
  }
  rec->response_ns = response_ns;
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kMsrFormat = {
    .name = "msr",
    .time_unit = "100ns",
    .parse = &ParseMsrLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = kNsPerTick,
};

}  // namespace iosched::traces_internal
