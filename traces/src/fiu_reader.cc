// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// FIU SyLab traces (SNIA IOTTA "FIU"):
//   ts_ns pid process lba size R/W major minor md5
// ts is an integer ns (monotonic clock), lba and size are 512-byte sectors,
// R/W the op, major/minor the device, md5 the 32-hex-digit hash of the data.
// stream = pid, device = minor. The process name is whatever lies between
// pid and lba, so names with blanks parse too; it names the pid's stream
// (TraceReader::stream_name).

#include "absl/strings/ascii.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

constexpr size_t kMaxFields = 24;  // room for a process name with blanks

bool IsMd5(std::string_view s) {
  if (s.size() != 32) return false;
  bool ok = true;
  for (char c : s) {  // branch-free: all 32 characters are checked
    const unsigned d = static_cast<unsigned char>(c) - '0';
    const unsigned h = (static_cast<unsigned char>(c) | 0x20) - 'a';
    ok &= (d <= 9) | (h <= 5);
  }
  return ok;
}

absl::Status ParseFiuLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                          LineKind* kind) {
  std::string_view f[kMaxFields];
  const size_t n = SplitBlanks(line, f, kMaxFields);
  if (n < 9 || n == kMaxFields) {
    return LineError(ctx, "9 fields 'ts_ns pid process lba size R/W major minor md5'", line);
  }
  const std::string_view lba = f[n - 6], size = f[n - 5], op = f[n - 4], major = f[n - 3],
                         minor = f[n - 2], md5 = f[n - 1];
  if (absl::Status s = ParseIntegerTime(ctx, f[0], "an integer time in ns", &rec->time_ns);
      !s.ok()) {
    return s;
  }
  uint32_t pid, maj;
  if (!ParseUint32(f[1], &pid)) return LineError(ctx, "a pid", f[1]);
  if (absl::Status s = ParseSectorsAsBytes(ctx, lba, "an LBA", &rec->offset); !s.ok()) return s;
  if (absl::Status s = ParseSectorsAsBytes(ctx, size, "a size", &rec->length); !s.ok()) return s;
  if (absl::Status s = CheckExtent(ctx, rec->offset, lba, rec->length, size); !s.ok()) return s;
  if (op == "R" || op == "r") {
    rec->op = TraceOp::kRead;
  } else if (op == "W" || op == "w") {
    rec->op = TraceOp::kWrite;
  } else {
    return LineError(ctx, "R or W", op);
  }
  if (!ParseUint32(major, &maj)) return LineError(ctx, "a major device number", major);
  if (!ParseUint32(minor, &rec->device)) return LineError(ctx, "a minor device number", minor);
  if (!IsMd5(md5)) return LineError(ctx, "a 32-hex-digit MD5", md5);
  rec->stream = pid;
  if (ctx.stream_name != nullptr) {
    const std::string_view last_word = f[n - 7];
    *ctx.stream_name =
        line.substr(static_cast<size_t>(f[2].data() - line.data()),
                    static_cast<size_t>(last_word.data() + last_word.size() - f[2].data()));
  }
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kFiuFormat = {
    .name = "fiu",
    .time_unit = "ns",
    .parse = &ParseFiuLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
};

}  // namespace iosched::traces_internal
