// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// MQSim's variant of the DiskSim ASCII trace (e.g. MQSim traces/wsrch-small):
//   arrival_ns device lba_sectors size_sectors type
// arrival time is an integer number of nanoseconds, device is the SPC ASU /
// device number, lba and size are 512-byte sectors, type is 1 = read,
// 0 = write. Exactly five fields; anything else in the type column is an
// error (this strictness is what tells it apart from "disksim" in
// detection).

#include "line_format.h"

namespace iosched::traces_internal {
namespace {

absl::Status ParseMqSimLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                            LineKind* kind) {
  std::string_view f[6];
  if (SplitBlanks(line, f, 6) != 5) {
    return LineError(ctx, "5 fields 'arrival_ns device lba size type'", line);
  }
  if (absl::Status s = ParseIntegerTime(ctx, f[0], "an integer arrival time in ns", &rec->time_ns);
      !s.ok()) {
    return s;
  }
  if (!ParseUint32(f[1], &rec->device)) return LineError(ctx, "a device number", f[1]);
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[2], "an LBA", &rec->offset); !s.ok()) return s;
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[3], "a size", &rec->length); !s.ok()) return s;
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[2], rec->length, f[3]); !s.ok()) return s;
  if (f[4] == "1") {
    rec->op = TraceOp::kRead;
  } else if (f[4] == "0") {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "type 1 (read) or 0 (write)", f[4]);
  }
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kMqSimFormat = {
    .name = "mqsim",
    .time_unit = "ns",
    .parse = &ParseMqSimLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
};

}  // namespace iosched::traces_internal
