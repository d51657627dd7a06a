// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "parse_util.h"

#include <cstdint>
#include <limits>
#include <string>

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
