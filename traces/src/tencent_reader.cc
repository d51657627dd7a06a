// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Tencent Cloud Block Storage traces (SNIA IOTTA "Tencent CBS"), CSV
// without a header:
//   Timestamp,Offset,Size,IOType,VolumeID
// Timestamp is integer seconds (Unix time; 1-second resolution), Offset and
// Size 512-byte sectors, IOType 0 = read and 1 = write, VolumeID the cloud
// volume (device). Thousands of volumes are interleaved and rows are not
// time-sorted: filter one volume (device filter) and sort within a window
// before replaying against one disk (trace_pipeline.h).

#include "line_format.h"

namespace iosched::traces_internal {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;

absl::Status ParseTencentLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                              LineKind* kind) {
  std::string_view f[5];
  if (SplitChar(line, ',', f, 5) != 5) {
    return LineError(ctx, "5 comma-separated fields Timestamp,Offset,Size,IOType,VolumeID", line);
  }
  if (absl::Status s =
          ParseIntegerTime(ctx, f[0], "an integer Timestamp in seconds", &rec->time_ns);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[1], "an Offset", &rec->offset); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[2], "a Size", &rec->length); !s.ok()) return s;
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[1], rec->length, f[2]); !s.ok()) return s;
  if (f[3] == "0") {
    rec->op = TraceOp::kRead;
  } else if (f[3] == "1") {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "IOType 0 (read) or 1 (write)", f[3]);
  }
  if (!ParseUint32(f[4], &rec->device)) return LineError(ctx, "a VolumeID", f[4]);
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kTencentFormat = {
    .name = "tencent",
    .time_unit = "s",
    .parse = &ParseTencentLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = kNsPerSecond,
};

}  // namespace iosched::traces_internal
