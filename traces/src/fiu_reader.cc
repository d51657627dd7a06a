// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// FIU SyLab traces (SNIA IOTTA "FIU"):
//   ts_ns pid process lba size R/W major minor md5
// ts is an integer ns (monotonic clock), lba and size are 512-byte sectors,
// R/W the op, major/minor the device, md5 the 32-hex-digit hash of the data.
// stream = pid, device = minor. The process name is whatever lies between
// pid and lba, so names with blanks parse too; it names the pid's stream
// (TraceReader::stream_name).

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/ascii.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

// A plain line has 9 fields; one more means a process name with blanks,
// split again with room for up to kMaxFields fields.
constexpr size_t kPlainFields = 10;
constexpr size_t kMaxFields = 24;

bool IsMd5(std::string_view s) {
  if (s.size() != 32) return false;
#if defined(__SSE2__)
  // 16 bytes at a time: '0'..'9' or, ignoring case, 'a'..'f' (unsigned
  // range checks as min(x, hi) == x).
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  const __m128i lower = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a'), five = _mm_set1_epi8(5);
  int all = 0xFFFF;
  for (int k = 0; k < 2; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + 16 * k));
    const __m128i d = _mm_sub_epi8(v, zero);
    const __m128i h = _mm_sub_epi8(_mm_or_si128(v, lower), a);
    const __m128i ok = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d),
                                    _mm_cmpeq_epi8(_mm_min_epu8(h, five), h));
    all &= _mm_movemask_epi8(ok);
  }
  return all == 0xFFFF;
#else
  bool ok = true;
  for (char c : s) {  // branch-free: all 32 characters are checked
    const unsigned d = static_cast<unsigned char>(c) - '0';
    const unsigned h = (static_cast<unsigned char>(c) | 0x20) - 'a';
    ok &= (d <= 9) | (h <= 5);
  }
  return ok;
#endif
}

// Parses a line split into its n fields f[0, n).
absl::Status ParseFiuFields(std::string_view line, const LineContext& ctx,
                            const std::string_view* f, size_t n, TraceRecord* rec, LineKind* kind) {
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

absl::Status ParseFiuLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                          LineKind* kind) {
  // A small array for the common case (zeroing 24 views per line showed up
  // in profiles); a process name with blanks takes the larger one.
  std::string_view plain[kPlainFields];
  const size_t n = SplitBlanks(line, plain, kPlainFields);
  if (n < kPlainFields) return ParseFiuFields(line, ctx, plain, n, rec, kind);
  std::string_view many[kMaxFields];
  return ParseFiuFields(line, ctx, many, SplitBlanks(line, many, kMaxFields), rec, kind);
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
