// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Allocation-free helpers shared by the text trace parsers: field splitting
// on std::string_view, exact integer and fixed-point decimal parsing (no
// floating point, so "14095.370" µs is exactly 14095370 ns), unit
// conversions with overflow checks, and the "path:line: expected …, got '…'"
// error format used by every reader.
//
// All functions are pure and thread-safe.

#ifndef IOSCHED_TRACES_PARSE_UTIL_H_
#define IOSCHED_TRACES_PARSE_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace iosched::traces_internal {

// Where a line came from, for error messages.
struct LineContext {
  std::string_view path;
  uint64_t line = 0;  // 1-based
  // True for the first line of the file that is neither blank nor a '#'
  // comment (some formats tolerate a header there).
  bool first_data_line = false;
  // Out (may be null): formats that name the submitting process (blkparse's
  // command, FIU's process) store the name of a record's stream here, as a
  // view into the line.
  std::string_view* stream_name = nullptr;
  // True for the last line of a file that does not end with a newline:
  // formats whose writers always end lines (fio) take it as a cut file.
  bool unterminated = false;
};

// Longest text quoted after "got" in error messages; longer text is cut and
// ends in "...".
inline constexpr size_t kMaxQuotedText = 60;

// InvalidArgument "path:line: expected <expected>, got '<got>'".
absl::Status LineError(std::string_view path, uint64_t line, std::string_view expected,
                       std::string_view got);
inline absl::Status LineError(const LineContext& ctx, std::string_view expected,
                              std::string_view got) {
  return LineError(ctx.path, ctx.line, expected, got);
}

// True if `s` is valid UTF-8 without control characters (tab allowed).
bool IsPrintableUtf8(std::string_view s);

// Returns `text` shortened to kMaxQuotedText characters (plus "...").
std::string_view TruncateForMessage(std::string_view text, bool* truncated);

// Abseil may be built with its own absl::string_view rather than an alias
// of std::string_view (Debian's is); convert explicitly at the boundary.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// ASCII case-insensitive comparisons.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Removes leading and trailing spaces and tabs.
std::string_view StripBlanks(std::string_view s);

// True if the line is empty, only blanks, or a comment (first non-blank
// character '#').
bool IsBlankOrComment(std::string_view line);

// Splits `line` at runs of spaces/tabs into at most `max_fields` fields and
// returns how many were stored. Scanning stops after `max_fields` fields, so
// pass one more than the expected count to detect extra fields.
size_t SplitBlanks(std::string_view line, std::string_view* fields, size_t max_fields);

// Splits `line` at every `sep` into at most `max_fields` fields (blanks
// around each field are removed) and returns the number of fields the line
// has, which may exceed max_fields (only the first max_fields are stored).
size_t SplitChar(std::string_view line, char sep, std::string_view* fields, size_t max_fields);

// Whole-field decimal integers (no sign for unsigned, optional '-' for
// signed, no blanks). False on syntax error or overflow.
bool ParseUint64(std::string_view s, uint64_t* out);
bool ParseUint32(std::string_view s, uint32_t* out);
bool ParseInt64(std::string_view s, int64_t* out);
// Hexadecimal, with or without a "0x"/"0X" prefix.
bool ParseHex64(std::string_view s, uint64_t* out);

// Parses a decimal number "[+-]digits[.digits][(e|E)[+-]digits]" (at least
// one digit in the mantissa) and returns it multiplied by 10^scale, rounded
// to the nearest integer (halves away from zero). Exact: no floating point.
// False on syntax error or if the result does not fit in int64.
bool ParseScaledDecimal(std::string_view s, int scale, int64_t* out);

// a*b and a+b with overflow detection.
inline bool MulU64(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}
inline bool MulI64(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}
inline bool AddI64(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

inline constexpr uint64_t kSectorBytes = 512;

// Parses `field` as a count of 512-byte sectors and converts it to bytes.
// Errors: "expected <what> (512-byte sectors), got '…'" for a non-number and
// "expected <what> whose byte count fits in 64 bits, got '…'" on overflow.
absl::Status ParseSectorsAsBytes(const LineContext& ctx, std::string_view field,
                                 std::string_view what, uint64_t* bytes);

// Parses `field` as an unsigned byte count. Error "expected <what>, got '…'".
absl::Status ParseBytes(const LineContext& ctx, std::string_view field, std::string_view what,
                        uint64_t* bytes);

// Checks a request's extent in bytes: length > 0, length <= kMaxTraceRecordLength
// ("absurd size") and offset + length <= 2^64. `length_text` and
// `offset_text` are the fields as written in the file, for the message.
absl::Status CheckExtent(const LineContext& ctx, uint64_t offset, std::string_view offset_text,
                         uint64_t length, std::string_view length_text);

// Parses a time that must be a non-negative decimal, scaled by 10^scale
// (e.g. scale 9 turns seconds into ns). `what` names the field and unit,
// e.g. "a time in seconds". Errors: "expected <what>, got '…'" and, for a
// negative number, "expected <what> >= 0, got '…'".
absl::Status ParseTime(const LineContext& ctx, std::string_view field, int scale,
                       std::string_view what, int64_t* out);

// Same for a time that must be a decimal integer (no fraction, no exponent).
absl::Status ParseIntegerTime(const LineContext& ctx, std::string_view field, std::string_view what,
                              int64_t* out);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_PARSE_UTIL_H_
