// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SPC / UMass Trace Repository CSV (Financial, WebSearch, …):
//   ASU,LBA,Size,Opcode,Timestamp[,optional fields]
// ASU is the application-specific storage unit (device), LBA a 512-byte
// block number, Size bytes, Opcode r or w (any case, "read"/"write" too),
// Timestamp decimal seconds since the trace start (exactly converted to ns,
// no floating point). Fields after the fifth are ignored.

#include "line_format.h"

namespace iosched::traces_internal {
namespace {

absl::Status ParseSpcLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                          LineKind* kind) {
  std::string_view f[5];
  const size_t n = SplitChar(line, ',', f, 5);
  if (n < 5) return LineError(ctx, "5 comma-separated fields ASU,LBA,Size,Opcode,Timestamp", line);
  if (!ParseUint32(f[0], &rec->device)) return LineError(ctx, "an ASU number", f[0]);
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[1], "an LBA", &rec->offset); !s.ok()) return s;
  if (absl::Status s = ParseBytes(ctx, f[2], "a Size in bytes", &rec->length); !s.ok()) return s;
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[1], rec->length, f[2]); !s.ok()) return s;
  if (EqualsIgnoreCase(f[3], "r") || EqualsIgnoreCase(f[3], "read")) {
    rec->op = TraceOp::kRead;
  } else if (EqualsIgnoreCase(f[3], "w") || EqualsIgnoreCase(f[3], "write")) {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "Opcode r or w", f[3]);
  }
  if (absl::Status s = ParseTime(ctx, f[4], 9, "a Timestamp in seconds", &rec->time_ns); !s.ok()) {
    return s;
  }
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kSpcFormat = {
    .name = "spc",
    .time_unit = "s",
    .parse = &ParseSpcLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
};

}  // namespace iosched::traces_internal
