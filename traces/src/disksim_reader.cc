// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DiskSim 4.0 ASCII trace ("ascii" input format):
//   time_ms devno blkno bcount flags
// time is a decimal number of milliseconds (converted exactly to ns, no
// floating point), blkno and bcount are 512-byte sectors, flags is an
// integer whose bit 0 is 1 for a read and 0 for a write. DiskSim reads flags
// with "%x"; this reader accepts hex digits with or without "0x". Bit 0 is
// the parity of the last digit either way, so a decimal-written value gives
// the same op. Other flag bits are ignored. Exactly five fields.

#include "line_format.h"

namespace iosched::traces_internal {
namespace {

absl::Status ParseDiskSimLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                              LineKind* kind) {
  std::string_view f[6];
  if (SplitBlanks(line, f, 6) != 5) {
    return LineError(ctx, "5 fields 'time_ms devno blkno bcount flags'", line);
  }
  if (absl::Status s = ParseTime(ctx, f[0], 6, "a time in ms", &rec->time_ns); !s.ok()) return s;
  if (!ParseUint32(f[1], &rec->device)) return LineError(ctx, "a device number", f[1]);
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[2], "a block number", &rec->offset); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[3], "a block count", &rec->length); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[2], rec->length, f[3]); !s.ok()) return s;
  uint64_t flags;
  if (!ParseHex64(f[4], &flags)) return LineError(ctx, "flags (hex integer, bit 0 = read)", f[4]);
  rec->op = (flags & 1) != 0 ? TraceOp::kRead : TraceOp::kWrite;
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kDiskSimFormat = {
    .name = "disksim",
    .time_unit = "ms",
    .parse = &ParseDiskSimLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
};

}  // namespace iosched::traces_internal
