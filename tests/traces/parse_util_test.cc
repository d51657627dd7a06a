// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "parse_util.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace iosched::traces_internal {
namespace {

int64_t Scaled(std::string_view s, int scale) {
  int64_t v = -12345;
  EXPECT_TRUE(ParseScaledDecimal(s, scale, &v)) << s;
  return v;
}

bool ScaledFails(std::string_view s, int scale) {
  int64_t v;
  return !ParseScaledDecimal(s, scale, &v);
}

TEST(ParseScaledDecimalTest, ExactFixedPoint) {
  EXPECT_EQ(Scaled("14095.370", 3), 14095370);
  EXPECT_EQ(Scaled("0.000000299", 9), 299);
  EXPECT_EQ(Scaled("25.017676708", 9), 25017676708);
  EXPECT_EQ(Scaled("12", 6), 12000000);
  EXPECT_EQ(Scaled(".5", 1), 5);
  EXPECT_EQ(Scaled("7.", 0), 7);
  EXPECT_EQ(Scaled("+3.25", 2), 325);
  EXPECT_EQ(Scaled("-3.25", 2), -325);
  EXPECT_EQ(Scaled("0", 9), 0);
}

TEST(ParseScaledDecimalTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(Scaled("1.0005", 3), 1001);
  EXPECT_EQ(Scaled("1.0004999", 3), 1000);
  EXPECT_EQ(Scaled("-1.0005", 3), -1001);
  EXPECT_EQ(Scaled("0.4", 0), 0);
  EXPECT_EQ(Scaled("0.5", 0), 1);
  EXPECT_EQ(Scaled("0.0000000000000000000001", 9), 0);
}

TEST(ParseScaledDecimalTest, Exponents) {
  EXPECT_EQ(Scaled("1.5e3", 0), 1500);
  EXPECT_EQ(Scaled("1.5E-3", 6), 1500);
  EXPECT_EQ(Scaled("25e-1", 0), 3);
  EXPECT_EQ(Scaled("0e400", 0), 0);
}

TEST(ParseScaledDecimalTest, LimitsAndOverflow) {
  EXPECT_EQ(Scaled("9223372036854775807", 0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Scaled("-9223372036854775808", 0), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ScaledFails("9223372036854775808", 0));
  EXPECT_TRUE(ScaledFails("9223372036.854775808", 9));
  EXPECT_TRUE(ScaledFails("1e19", 0));
  EXPECT_TRUE(ScaledFails("99999999999999999999999999", 0));
}

TEST(ParseScaledDecimalTest, RejectsMalformed) {
  for (std::string_view s : {"", ".", "-", "+.", "1..2", "1e", "1e+", "abc", "1.2.3", " 1", "1 ",
                             "0x10", "1,5", "nan", "inf"}) {
    EXPECT_TRUE(ScaledFails(s, 3)) << "'" << s << "'";
  }
}

TEST(ParseIntegersTest, WholeFieldOnly) {
  uint64_t u;
  EXPECT_TRUE(ParseUint64("18446744073709551615", &u));
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseUint64("18446744073709551616", &u));
  EXPECT_FALSE(ParseUint64("-1", &u));
  EXPECT_FALSE(ParseUint64("12x", &u));
  EXPECT_FALSE(ParseUint64("", &u));
  uint32_t v;
  EXPECT_FALSE(ParseUint32("4294967296", &v));
  int64_t i;
  EXPECT_TRUE(ParseInt64("-5", &i));
  EXPECT_EQ(i, -5);
  EXPECT_TRUE(ParseHex64("0x1F", &u));
  EXPECT_EQ(u, 31u);
  EXPECT_TRUE(ParseHex64("10", &u));
  EXPECT_EQ(u, 16u);
  EXPECT_FALSE(ParseHex64("0x", &u));
  EXPECT_FALSE(ParseHex64("g", &u));
}

TEST(SplitTest, Blanks) {
  std::string_view f[4];
  EXPECT_EQ(SplitBlanks("  a\tbb   c ", f, 4), 3u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "bb");
  EXPECT_EQ(f[2], "c");
  // Stops after max_fields: the caller sees "more than expected".
  EXPECT_EQ(SplitBlanks("1 2 3 4 5 6", f, 4), 4u);
  EXPECT_EQ(f[3], "4");
}

// The word-at-a-time SplitBlanks against a byte loop, on lines of every
// length around the 64-byte chunks, with fields crossing chunk borders.
TEST(SplitTest, BlanksMatchesAByteLoopOnRandomLines) {
  std::mt19937 rng(11);
  const char alphabet[] = {' ', '\t', 'a', 'b', '0', '\xff', '\0', '\r'};
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = rng() % 200;
    std::string line;
    for (size_t i = 0; i < len; ++i) line.push_back(alphabet[rng() % (iter % 2 ? 8 : 3)]);
    std::vector<std::string_view> want;
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ' || line[i] == '\t') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      want.emplace_back(line.data() + i, j - i);
      i = j;
    }
    for (size_t max : {size_t{0}, size_t{1}, size_t{3}, size_t{100}}) {
      std::vector<std::string_view> got(std::max<size_t>(max, 1));
      const size_t n = SplitBlanks(line, got.data(), max);
      ASSERT_EQ(n, std::min(max, want.size())) << "'" << line << "' max " << max;
      for (size_t k = 0; k < n; ++k) {
        ASSERT_EQ(got[k].data(), want[k].data()) << "'" << line << "' field " << k;
        ASSERT_EQ(got[k].size(), want[k].size()) << "'" << line << "' field " << k;
      }
    }
  }
}

// ParseUint64 (eight digits at a time) against std::to_string round trips
// and a byte loop, at every length and with a bad byte at every position.
TEST(ParseUint64Test, MatchesAReferenceAtEveryLengthAndBadByte) {
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 20000; ++iter) {
    const int digits = 1 + iter % 20;
    std::string s;
    for (int i = 0; i < digits; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
    unsigned __int128 ref = 0;
    for (char c : s) ref = ref * 10 + static_cast<unsigned>(c - '0');
    uint64_t v = 0;
    const bool ok = ParseUint64(s, &v);
    ASSERT_EQ(ok, ref <= UINT64_MAX) << s;
    if (ok) {
      ASSERT_EQ(v, static_cast<uint64_t>(ref)) << s;
    }
    // One non-digit anywhere (including bytes just outside '0'..'9').
    std::string bad = s;
    static constexpr char kBad[] = {'/', ':', ' ', '\xff', '\0', 'a', '-', '+', '.'};
    bad[rng() % bad.size()] = kBad[rng() % sizeof(kBad)];
    ASSERT_FALSE(ParseUint64(bad, &v)) << bad;
  }
  uint64_t v = 0;
  EXPECT_TRUE(ParseUint64("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_FALSE(ParseUint64("18446744073709551616", &v));
  EXPECT_TRUE(ParseUint64("000000000000000000000000012345678", &v));  // leading zeros
  EXPECT_EQ(v, 12345678u);
  EXPECT_FALSE(ParseUint64("", &v));
}

// SplitChar (separators found 64 bytes at a time) against a byte loop.
TEST(SplitTest, CharMatchesAByteLoopOnRandomLines) {
  std::mt19937 rng(13);
  const char alphabet[] = {',', ' ', 'a', '\t', ';'};
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = rng() % 200;
    std::string line;
    for (size_t i = 0; i < len; ++i) line.push_back(alphabet[rng() % 5]);
    std::vector<std::string_view> want;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == ',') {
        want.push_back(StripBlanks(std::string_view(line).substr(start, i - start)));
        start = i + 1;
      }
    }
    for (size_t max : {size_t{0}, size_t{2}, size_t{300}}) {
      std::vector<std::string_view> got(std::max<size_t>(max, 1));
      ASSERT_EQ(SplitChar(line, ',', got.data(), max), want.size()) << line;
      for (size_t k = 0; k < std::min(max, want.size()); ++k) {
        ASSERT_EQ(got[k].data(), want[k].data()) << line << " field " << k;
        ASSERT_EQ(got[k].size(), want[k].size()) << line << " field " << k;
      }
    }
  }
}

TEST(SplitTest, CharCountsAllFieldsAndStripsBlanks) {
  std::string_view f[3];
  EXPECT_EQ(SplitChar("a, b ,,d,e", ',', f, 3), 5u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "b");
  EXPECT_EQ(f[2], "");
  EXPECT_EQ(SplitChar("", ',', f, 3), 1u);
}

TEST(LineErrorTest, ShapeAndTruncation) {
  absl::Status s = LineError("t.csv", 7, "a number", "abc");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()), "t.csv:7: expected a number, got 'abc'");
  EXPECT_EQ(std::string(LineError("t", 2, "text", std::string_view("a\tb\x01\0", 5)).message()),
            "t:2: expected text, got 'a\\tb\\x01\\x00'");
  const std::string long_text(100, 'z');
  EXPECT_EQ(std::string(LineError("t", 1, "x", long_text).message()),
            "t:1: expected x, got '" + std::string(60, 'z') + "...'");
}

TEST(CheckExtentTest, RejectsZeroAbsurdAndWrappingExtents) {
  LineContext ctx{"f", 3, false};
  EXPECT_TRUE(CheckExtent(ctx, 0, "0", 512, "1").ok());
  EXPECT_TRUE(CheckExtent(ctx, 0, "0", uint64_t{1} << 40, "x").ok());
  EXPECT_EQ(std::string(CheckExtent(ctx, 0, "0", 0, "0").message()),
            "f:3: expected a length > 0, got '0'");
  EXPECT_EQ(std::string(CheckExtent(ctx, 0, "0", (uint64_t{1} << 40) + 1, "big").message()),
            "f:3: expected a length of at most 1 TiB (absurd size), got 'big'");
  EXPECT_EQ(std::string(CheckExtent(ctx, ~uint64_t{0} - 10, "off", 512, "1").message()),
            "f:3: expected an offset whose request ends below 2^64 bytes, got 'off'");
}

}  // namespace
}  // namespace iosched::traces_internal
