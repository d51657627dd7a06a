// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DiskSim "validate" trace (measured request stream of a real drive):
//   R|W  Hit|Miss|Doub|Trip  lbn  sectors  service_us  gap_us
// lbn and sectors are 512-byte sectors; service_us is the measured service
// time and gap_us the idle time between this request's completion and the
// next request's issue, both decimal microseconds. One request was
// outstanding at a time (closed loop), so the file has no timestamps:
//   response_ns = round(service_us * 1000), think_ns = round(gap_us * 1000)
// and the reader reconstructs open-loop issue times (TimeMode::kClosedLoop):
//   time_0 = 0, time_{i+1} = time_i + response_i + think_i   (integer ns).
// The cache outcome (field 2) is validated but not kept.

#include "line_format.h"

namespace iosched::traces_internal {
namespace {

absl::Status ParseValidateLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                               LineKind* kind) {
  std::string_view f[7];
  if (SplitBlanks(line, f, 7) != 6) {
    return LineError(ctx, "6 fields 'R|W Hit|Miss|Doub|Trip lbn sectors service_us gap_us'", line);
  }
  if (f[0] == "R" || f[0] == "r") {
    rec->op = TraceOp::kRead;
  } else if (f[0] == "W" || f[0] == "w") {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "R or W", f[0]);
  }
  if (!EqualsIgnoreCase(f[1], "Hit") && !EqualsIgnoreCase(f[1], "Miss") &&
      !EqualsIgnoreCase(f[1], "Doub") && !EqualsIgnoreCase(f[1], "Trip")) {
    return LineError(ctx, "Hit, Miss, Doub or Trip", f[1]);
  }
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[2], "an LBN", &rec->offset); !s.ok()) return s;
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[3], "a sector count", &rec->length); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckExtent(ctx, rec->offset, f[2], rec->length, f[3]); !s.ok()) return s;
  int64_t service_ns, gap_ns;
  if (absl::Status s = ParseTime(ctx, f[4], 3, "a service time in us", &service_ns); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseTime(ctx, f[5], 3, "a gap in us", &gap_ns); !s.ok()) return s;
  rec->response_ns = service_ns;
  rec->think_ns = gap_ns;
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kValidateFormat = {
    .name = "validate",
    .time_unit = "us",
    .parse = &ParseValidateLine,
    .time_mode = TimeMode::kClosedLoop,
    .ns_per_raw_unit = 1,
};

}  // namespace iosched::traces_internal
