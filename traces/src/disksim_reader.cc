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

#include "disksim_line.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

// Reads blanks, then 1 to max_digits decimal digits; false if there are
// none or more.
inline bool Digits(const char*& p, const char* end, int max_digits, uint64_t* v) {
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  uint64_t x = 0;
  int n = 0;
  for (; p < end && static_cast<unsigned>(*p - '0') <= 9; ++p, ++n) x = x * 10 + (*p - '0');
  *v = x;
  return n > 0 && n <= max_digits;
}

// std::isxdigit in the "C" locale, inline (the library's is a call per line).
inline bool IsHexDigit(char c) {
  const auto u = static_cast<unsigned char>(c);
  return static_cast<unsigned>(u - '0') <= 9 || static_cast<unsigned>((u | 0x20) - 'a') <= 5;
}

inline bool BlankOrEnd(const char* p, const char* end) {
  return p == end || *p == ' ' || *p == '\t';
}

}  // namespace

bool ParseDiskSimLineFast(std::string_view line, TraceRecord* rec) {
  const char* p = line.data();
  const char* const end = p + line.size();
  // time_ms: digits[.digits], at most 12 integer and 6 fraction digits, so
  // that the nanoseconds are exact and below 10^18 (FastScaledDecimal).
  uint64_t ms;
  if (!Digits(p, end, 12, &ms)) return false;
  uint64_t frac = 0;
  if (p < end && *p == '.') {
    ++p;
    int n = 0;
    for (; p < end && static_cast<unsigned>(*p - '0') <= 9; ++p, ++n) frac = frac * 10 + (*p - '0');
    if (n > 6) return false;
    for (; n < 6; ++n) frac *= 10;
  }
  if (!BlankOrEnd(p, end)) return false;
  uint64_t dev, blkno, bcount, flags = 0;
  // Nine digits fit a uint32; fifteen, times 512, fit 63 bits, so neither
  // the byte offset nor offset + length overflows.
  if (!Digits(p, end, 9, &dev) || !BlankOrEnd(p, end)) return false;
  if (!Digits(p, end, 15, &blkno) || !BlankOrEnd(p, end)) return false;
  if (!Digits(p, end, 15, &bcount) || !BlankOrEnd(p, end)) return false;
  // flags: hex digits without "0x" (bit 0 is the last digit's).
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  const char* const flags_begin = p;
  for (; p < end && IsHexDigit(*p); ++p) flags = *p;
  if (p == flags_begin || p - flags_begin > 15) return false;
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  if (p != end) return false;
  const uint64_t length = bcount * kSectorBytes;
  if (length == 0 || length > kMaxTraceRecordLength) return false;
  rec->time_ns = static_cast<int64_t>(ms * 1000000 + frac);
  rec->device = static_cast<uint32_t>(dev);
  rec->offset = blkno * kSectorBytes;
  rec->length = length;
  // The last hex digit's bit 0: '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66
  // and 'A'-'F' 0x41-0x46, whose bit 0 is the digit's own for 0-9 and the
  // opposite for a-f (10 is even, 'a' is odd).
  const bool odd = flags <= '9' ? (flags & 1) != 0 : (flags & 1) == 0;
  rec->op = odd ? TraceOp::kRead : TraceOp::kWrite;
  return true;
}

absl::Status ParseDiskSimLineStrict(std::string_view line, const LineContext& ctx, TraceRecord* rec,
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

namespace {

absl::Status ParseDiskSimLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                              LineKind* kind) {
  if (ParseDiskSimLineFast(line, rec)) {
    *kind = LineKind::kRecord;
    return absl::OkStatus();
  }
  return ParseDiskSimLineStrict(line, ctx, rec, kind);
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
