// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "parse_util.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

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

size_t SplitBlanks(std::string_view line, std::string_view* fields, size_t max_fields) {
  // A plain loop: word-at-a-time scanning measured slower here, as most
  // fields and blank runs are shorter than eight bytes.
  size_t n = 0;
  const char* p = line.data();
  const char* const end = p + line.size();
  while (n < max_fields) {
    while (p < end && IsBlank(*p)) ++p;
    if (p == end) break;
    const char* start = p;
    while (p < end && !IsBlank(*p)) ++p;
    fields[n++] = std::string_view(start, static_cast<size_t>(p - start));
  }
  return n;
}

size_t SplitChar(std::string_view line, char sep, std::string_view* fields, size_t max_fields) {
  size_t n = 0;
  size_t start = 0;
  while (true) {
    size_t pos = line.find(sep, start);
    std::string_view field =
        line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (n < max_fields) fields[n] = StripBlanks(field);
    ++n;
    if (pos == std::string_view::npos) return n;
    start = pos + 1;
  }
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

// Hand-written decimal parsing: std::from_chars in libstdc++ 12 goes
// through a generic any-base loop and was the top cost of the text readers.
bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i + 1 < s.size() && s[i] == '0') ++i;  // leading zeros
  const size_t digits = s.size() - i;
  if (digits > 20) return false;
  uint64_t v = 0;
  if (digits <= 19) {  // cannot overflow
    for (; i < s.size(); ++i) {
      const unsigned d = static_cast<unsigned char>(s[i]) - '0';
      if (d > 9) return false;
      v = v * 10 + d;
    }
  } else {
    for (; i < s.size(); ++i) {
      const unsigned d = static_cast<unsigned char>(s[i]) - '0';
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
    ip = ip * 10 + (*p++ - '0');
    if (++int_digits + scale > 18) return false;
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
