// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "parse_util.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

#include "iosched/trace.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "iosched/trace.h"

namespace iosched::traces_internal {

bool IsPrintableUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t n;
    uint32_t min;
    if ((c & 0xe0) == 0xc0) {
      n = 1, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, min = 0x10000;
    } else {
      return false;
    }
    uint32_t cp = c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

std::string_view TruncateForMessage(std::string_view text, bool* truncated) {
  *truncated = text.size() > kMaxQuotedText;
  if (!*truncated) return text;
  // Do not cut a UTF-8 sequence in two.
  size_t n = kMaxQuotedText;
  for (int k = 0; k < 3 && n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80; ++k) {
    --n;
  }
  return text.substr(0, n);
}

absl::Status LineError(std::string_view path, uint64_t line, std::string_view expected,
                       std::string_view got) {
  bool truncated = false;
  std::string_view shown = TruncateForMessage(got, &truncated);
  // Binary junk would garble a terminal: escape control bytes and invalid
  // UTF-8.
  const bool printable = IsPrintableUtf8(shown);
  return absl::InvalidArgumentError(
      absl::StrCat(AbslView(path), ":", line, ": expected ", AbslView(expected), ", got '",
                   printable ? std::string(shown) : absl::CHexEscape(AbslView(shown)),
                   truncated ? "..." : "", "'"));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(a[i]) != absl::ascii_tolower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view StripBlanks(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && IsBlank(s[b])) ++b;
  size_t e = s.size();
  while (e > b && IsBlank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool IsBlankOrComment(std::string_view line) {
  for (char c : line) {
    if (IsBlank(c)) continue;
    return c == '#';
  }
  return true;
}

namespace {

// Bit i set if byte i of p[0, len) (len <= 64) is `a` or `b`; bits from len
// on are 0. Never reads past p + len (a line may end at the end of a
// mapping).
inline uint64_t MatchMask(const char* p, size_t len, char a, char b) {
#if defined(__SSE2__)
  char tail[64];
  if (len < 64) {
    std::memcpy(tail, p, len);
    p = tail;  // bytes from len on are garbage, masked off below
  }
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << (16 * k);
  }
  return len < 64 ? mask & ((uint64_t{1} << len) - 1) : mask;
#else
  uint64_t mask = 0;
  for (size_t i = 0; i < len; ++i) mask |= static_cast<uint64_t>(p[i] == a || p[i] == b) << i;
  return mask;
#endif
}

inline uint64_t LowBits(size_t len) { return len < 64 ? (uint64_t{1} << len) - 1 : ~uint64_t{0}; }

}  // namespace

size_t SplitBlanks(std::string_view line, std::string_view* fields, size_t max_fields) {
  // 64 bytes at a time: a mask of non-blank bytes, whose 0→1 and 1→0
  // transitions are the field starts and ends, visited with count-trailing-
  // zeros. About one branch per field instead of several per byte (the
  // byte loop was the top cost of the blank-separated readers).
  if (max_fields == 0) return 0;
  const char* const base = line.data();
  const size_t size = line.size();
  size_t n = 0;
  size_t start = 0;
  bool in_field = false;  // whether the byte before `pos` is part of a field
  for (size_t pos = 0; pos < size; pos += 64) {
    const size_t len = std::min<size_t>(64, size - pos);
    const uint64_t nonblank = ~MatchMask(base + pos, len, ' ', '\t') & LowBits(len);
    const uint64_t before = (nonblank << 1) | static_cast<uint64_t>(in_field);
    // Starts: non-blank after blank; ends: blank (or past the chunk's
    // valid bytes) after non-blank. They alternate.
    uint64_t events = (nonblank & ~before) | (~nonblank & before);
    while (events != 0) {
      const size_t i = pos + static_cast<size_t>(std::countr_zero(events));
      events &= events - 1;
      if (!in_field) {
        start = i;
        in_field = true;
      } else {
        fields[n++] = std::string_view(base + start, std::min(i, size) - start);
        in_field = false;
        if (n == max_fields) return n;
      }
    }
  }
  // A field running to the end of a line whose length is a multiple of 64.
  if (in_field) fields[n++] = std::string_view(base + start, size - start);
  return n;
}

size_t SplitChar(std::string_view line, char sep, std::string_view* fields, size_t max_fields) {
  // Separators found 64 bytes at a time (see SplitBlanks); past max_fields
  // they are only counted.
  const char* const base = line.data();
  const size_t size = line.size();
  size_t n = 0;  // fields ended so far
  size_t start = 0;
  for (size_t pos = 0; pos < size; pos += 64) {
    const size_t len = std::min<size_t>(64, size - pos);
    uint64_t seps = MatchMask(base + pos, len, sep, sep);
    while (seps != 0 && n < max_fields) {
      const size_t i = pos + static_cast<size_t>(std::countr_zero(seps));
      seps &= seps - 1;
      fields[n++] = StripBlanks(std::string_view(base + start, i - start));
      start = i + 1;
    }
    n += static_cast<size_t>(std::popcount(seps));
  }
  if (n < max_fields) fields[n] = StripBlanks(std::string_view(base + start, size - start));
  return n + 1;
}

namespace {

template <typename T>
bool ParseWhole(std::string_view s, T* out, int base = 10) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out, base);
  return ec == std::errc() && ptr == end;
}

}  // namespace

namespace {

// Eight ASCII bytes (first digit in the lowest byte, as loaded on a
// little-endian machine): whether all are '0'..'9', and their value.
inline bool AreEightDigits(uint64_t v) {
  // A byte is a digit iff its high nibble is 3 and adding 6 keeps it below 0x40.
  return ((v & 0xF0F0F0F0F0F0F0F0) | (((v + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) ==
         0x3333333333333333;
}

inline uint64_t EightDigitsValue(uint64_t v) {
  v -= 0x3030303030303030;                        // bytes d0 (lowest) .. d7
  v = v * 10 + (v >> 8);                          // byte k: 10*d_k + d_{k+1} (<= 99, no carry)
  const uint64_t pairs = v & 0x000000FF000000FF;  // d0d1 | d4d5 << 32
  const uint64_t pairs2 = (v >> 16) & 0x000000FF000000FF;  // d2d3 | d6d7 << 32
  // The upper 32 bits of the sum collect d0d1×10^6 + d2d3×10^4 + d4d5×100
  // + d6d7; the lower ones (d0d1×100 + d2d3 < 2^32) cannot carry into them.
  return ((pairs * (100 + (uint64_t{1000000} << 32))) + (pairs2 * (1 + (uint64_t{10000} << 32)))) >>
         32;
}

}  // namespace

// Hand-written decimal parsing: std::from_chars in libstdc++ 12 goes
// through a generic any-base loop and was the top cost of the text readers.
// Eight digits at a time where the machine is little-endian.
bool ParseUint64(std::string_view s, uint64_t* out) {
  const char* p = s.data();
  size_t len = s.size();
  if (len == 0) return false;
  while (len > 1 && *p == '0') ++p, --len;  // leading zeros
  if (len > 20) return false;
  uint64_t v = 0;
  if (len <= 19) {  // cannot overflow: < 10^19 < 2^64
    if constexpr (std::endian::native == std::endian::little) {
      while (len >= 8) {
        uint64_t chunk;
        std::memcpy(&chunk, p, 8);
        if (!AreEightDigits(chunk)) return false;
        v = v * 100000000 + EightDigitsValue(chunk);
        p += 8;
        len -= 8;
      }
    }
    for (; len > 0; ++p, --len) {
      const unsigned d = static_cast<unsigned char>(*p) - '0';
      if (d > 9) return false;
      v = v * 10 + d;
    }
  } else {
    for (; len > 0; ++p, --len) {
      const unsigned d = static_cast<unsigned char>(*p) - '0';
      if (d > 9 || __builtin_mul_overflow(v, uint64_t{10}, &v) ||
          __builtin_add_overflow(v, uint64_t{d}, &v)) {
        return false;
      }
    }
  }
  *out = v;
  return true;
}

bool ParseUint32(std::string_view s, uint32_t* out) {
  uint64_t v;
  if (!ParseUint64(s, &v) || v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  uint64_t v;
  if (!ParseUint64(s, &v)) return false;
  if (negative) {
    if (v > uint64_t{1} << 63) return false;
    *out = v == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseHex64(std::string_view s, uint64_t* out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  return ParseWhole(s, out, 16);
}

namespace {

constexpr int64_t kPow10[] = {1,
                              10,
                              100,
                              1000,
                              10000,
                              100000,
                              1000000,
                              10000000,
                              100000000,
                              1000000000,
                              10000000000,
                              100000000000,
                              1000000000000,
                              10000000000000,
                              100000000000000,
                              1000000000000000,
                              10000000000000000,
                              100000000000000000,
                              1000000000000000000};

// "digits[.digits]" (no sign, no exponent) with at most `scale` fraction
// digits and a result below 10^18: the common case, without rounding.
bool FastScaledDecimal(std::string_view s, int scale, int64_t* out) {
  if (scale < 0 || scale > 18) return false;
  const char* p = s.data();
  const char* const end = p + s.size();
  int64_t ip = 0;
  int int_digits = 0;
  while (p < end && static_cast<unsigned>(*p - '0') <= 9) {
    // Checked before accumulating: 19 digits would overflow int64.
    if (++int_digits + scale > 18) return false;
    ip = ip * 10 + (*p++ - '0');
  }
  int64_t fp = 0;
  int frac_digits = 0;
  if (p < end && *p == '.') {
    ++p;
    while (p < end && static_cast<unsigned>(*p - '0') <= 9) {
      if (++frac_digits > scale) return false;
      fp = fp * 10 + (*p++ - '0');
    }
  }
  if (p != end || int_digits + frac_digits == 0) return false;
  *out = ip * kPow10[scale] + fp * kPow10[scale - frac_digits];
  return true;
}

}  // namespace

bool ParseScaledDecimal(std::string_view s, int scale, int64_t* out) {
  if (FastScaledDecimal(s, scale, out)) return true;
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const size_t int_begin = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < s.size() && s[i] == '.') {
    frac_begin = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    frac_end = i;
  }
  const int64_t n_int = static_cast<int64_t>(int_end - int_begin);
  const int64_t n_frac = static_cast<int64_t>(frac_end - frac_begin);
  if (n_int + n_frac == 0) return false;
  int64_t exp10 = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    const size_t exp_begin = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_begin) return false;
    if (exp_negative) exp10 = -exp10;
  }
  if (i != s.size()) return false;

  // The mantissa digits d[0..n) with the decimal point moved to after
  // `point` digits: digits before it form the integer result, the digit at
  // `point` decides rounding.
  const int64_t n = n_int + n_frac;
  const int64_t point = n_int + scale + exp10;
  auto digit = [&](int64_t k) -> int {
    return k < n_int ? s[int_begin + k] - '0' : s[frac_begin + (k - n_int)] - '0';
  };
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  uint64_t acc = 0;
  for (int64_t k = 0; k < n && k < point; ++k) {
    if (__builtin_mul_overflow(acc, uint64_t{10}, &acc) ||
        __builtin_add_overflow(acc, static_cast<uint64_t>(digit(k)), &acc)) {
      return false;
    }
  }
  for (int64_t k = n; k < point && acc != 0; ++k) {
    if (__builtin_mul_overflow(acc, uint64_t{10}, &acc)) return false;
  }
  if (point >= 0 && point < n && digit(point) >= 5) ++acc;
  if (acc > limit) return false;
  if (negative) {
    *out = acc == limit ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(acc);
  } else {
    *out = static_cast<int64_t>(acc);
  }
  return true;
}

absl::Status ParseSectorsAsBytes(const LineContext& ctx, std::string_view field,
                                 std::string_view what, uint64_t* bytes) {
  uint64_t sectors;
  if (!ParseUint64(field, &sectors)) {
    return LineError(ctx, absl::StrCat(AbslView(what), " (512-byte sectors)"), field);
  }
  if (!MulU64(sectors, kSectorBytes, bytes)) {
    return LineError(ctx, absl::StrCat(AbslView(what), " whose byte count fits in 64 bits"), field);
  }
  return absl::OkStatus();
}

absl::Status ParseBytes(const LineContext& ctx, std::string_view field, std::string_view what,
                        uint64_t* bytes) {
  if (!ParseUint64(field, bytes)) return LineError(ctx, what, field);
  return absl::OkStatus();
}

absl::Status CheckExtent(const LineContext& ctx, uint64_t offset, std::string_view offset_text,
                         uint64_t length, std::string_view length_text) {
  if (length == 0) return LineError(ctx, "a length > 0", length_text);
  if (length > kMaxTraceRecordLength) {
    return LineError(ctx, "a length of at most 1 TiB (absurd size)", length_text);
  }
  uint64_t end;
  if (__builtin_add_overflow(offset, length, &end)) {
    return LineError(ctx, "an offset whose request ends below 2^64 bytes", offset_text);
  }
  return absl::OkStatus();
}

absl::Status ParseTime(const LineContext& ctx, std::string_view field, int scale,
                       std::string_view what, int64_t* out) {
  if (!ParseScaledDecimal(field, scale, out)) return LineError(ctx, what, field);
  if (*out < 0) return LineError(ctx, absl::StrCat(AbslView(what), " >= 0"), field);
  return absl::OkStatus();
}

absl::Status ParseIntegerTime(const LineContext& ctx, std::string_view field, std::string_view what,
                              int64_t* out) {
  if (!ParseInt64(field, out)) return LineError(ctx, what, field);
  if (*out < 0) return LineError(ctx, absl::StrCat(AbslView(what), " >= 0"), field);
  return absl::OkStatus();
}

}  // namespace iosched::traces_internal

namespace iosched {

bool ParseTraceIoPrio(std::string_view s, TraceIoPrio* out) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view cls = s.substr(0, colon);
  std::string_view lvl = s.substr(colon + 1);
  TraceIoPrio p;
  if (const size_t slash = lvl.find('/'); slash != std::string_view::npos) {
    const std::string_view w = lvl.substr(slash + 1);
    lvl = lvl.substr(0, slash);
    if (w.size() < 2 || w.size() > 5 || (w[0] != 'w' && w[0] != 'W') || w[1] == '0') return false;
    uint32_t v = 0;
    for (char c : w.substr(1)) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v < 1 || v > 1000) return false;
    p.weight = static_cast<uint16_t>(v);
  }
  if (traces_internal::EqualsIgnoreCase(cls, "rt")) {
    p.io_class = TraceIoClass::kRealTime;
  } else if (traces_internal::EqualsIgnoreCase(cls, "be")) {
    p.io_class = TraceIoClass::kBestEffort;
  } else if (traces_internal::EqualsIgnoreCase(cls, "idle")) {
    p.io_class = TraceIoClass::kIdle;
  } else {
    return false;
  }
  if (lvl.size() != 1 || lvl[0] < '0' || lvl[0] > '7') return false;
  p.level = static_cast<uint8_t>(lvl[0] - '0');
  *out = p;
  return true;
}

std::string FormatTraceIoPrio(TraceIoPrio p) {
  std::string s = p.io_class == TraceIoClass::kRealTime ? "rt:"
                  : p.io_class == TraceIoClass::kIdle   ? "idle:"
                                                        : "be:";
  s.push_back(static_cast<char>('0' + (p.level & 7)));
  if (p.weight != 0) s += "/w" + std::to_string(p.weight);
  return s;
}

}  // namespace iosched
