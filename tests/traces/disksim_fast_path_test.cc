// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The DiskSim reader's one-pass fast path against its strict parser: on
// every line the fast path accepts, the strict parser must accept it too
// and produce the same record.

#include <random>
#include <string>
#include <vector>

#include "disksim_line.h"
#include "gtest/gtest.h"

namespace iosched::traces_internal {
namespace {

// Field spellings, well-formed and not, including the edges of the fast
// path's digit limits. The first kCommon of each list are the usual ones.
constexpr size_t kCommon = 4;
const std::vector<std::string> kTimes = {"0",
                                         "12",
                                         "12.5",
                                         "12.",
                                         ".5",
                                         "0.000001",
                                         "1.1234567",
                                         "10.500001",
                                         "007.25",
                                         "999999999999.999999",
                                         "1000000000000",
                                         "9999999999999",
                                         "-1",
                                         "1e3",
                                         "1.5e2",
                                         "+3",
                                         "12..5",
                                         "a",
                                         "",
                                         "18446744073709551616"};
const std::vector<std::string> kIntegers = {"0",
                                            "1",
                                            "8",
                                            "0008",
                                            "4294967295",
                                            "4294967296",
                                            "999999999",
                                            "1000000000",
                                            "999999999999999",
                                            "1000000000000000",
                                            "000000000000000001",
                                            "18446744073709551615",
                                            "18446744073709551616",
                                            "36028797018963967",
                                            "-1",
                                            "1.5",
                                            "x",
                                            "0x10",
                                            ""};
const std::vector<std::string> kFlags = {"0",
                                         "1",
                                         "2",
                                         "3",
                                         "a",
                                         "b",
                                         "A",
                                         "F",
                                         "f",
                                         "0x1",
                                         "0X1F",
                                         "ff",
                                         "11",
                                         "10",
                                         "g",
                                         "G",
                                         "@",
                                         "`",
                                         "1{",
                                         "9:",
                                         "-1",
                                         "123456789abcdef",
                                         "123456789abcdef0",
                                         ""};
const std::vector<std::string> kBlanks = {" ", "\t", "  ", " \t "};

TEST(DiskSimFastPath, AgreesWithTheStrictParserOnEveryLineItAccepts) {
  std::mt19937_64 rng(20261206);
  // Mostly usual spellings, so that whole lines are often well-formed.
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[rng() % (rng() % 3 == 0 ? v.size() : kCommon)];
  };
  int fast = 0, fallback_ok = 0, rejected = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string line = rng() % 8 == 0 ? pick(kBlanks) : "";
    line += pick(kTimes);
    const int fields = rng() % 10 == 0 ? 3 + static_cast<int>(rng() % 4) : 4;
    for (int f = 0; f < fields; ++f) {
      line += pick(kBlanks);
      line += f == 3 ? pick(kFlags) : pick(kIntegers);
    }
    if (rng() % 8 == 0) line += pick(kBlanks);

    TraceRecord a, b;
    LineKind kind = LineKind::kForeign;
    const LineContext ctx{.path = "t.ascii", .line = 1};
    const bool fast_ok = ParseDiskSimLineFast(line, &a);
    const absl::Status strict = ParseDiskSimLineStrict(line, ctx, &b, &kind);
    if (fast_ok) {
      ++fast;
      ASSERT_TRUE(strict.ok()) << "'" << line << "': " << strict;
      EXPECT_EQ(kind, LineKind::kRecord);
      EXPECT_EQ(a.time_ns, b.time_ns) << line;
      EXPECT_EQ(a.device, b.device) << line;
      EXPECT_EQ(a.offset, b.offset) << line;
      EXPECT_EQ(a.length, b.length) << line;
      EXPECT_EQ(a.op, b.op) << line;
    } else if (strict.ok()) {
      ++fallback_ok;
    } else {
      ++rejected;
      // Untouched on false.
      EXPECT_EQ(a.time_ns, 0) << line;
      EXPECT_EQ(a.length, 0u) << line;
    }
  }
  // Every kind of outcome happened often enough to mean something.
  EXPECT_GT(fast, 5000);
  EXPECT_GT(fallback_ok, 1000);
  EXPECT_GT(rejected, 50000);
}

TEST(DiskSimFastPath, CommonLines) {
  TraceRecord r;
  ASSERT_TRUE(ParseDiskSimLineFast("10.5 0 1000 8 1", &r));
  EXPECT_EQ(r.time_ns, 10'500'000);
  EXPECT_EQ(r.offset, 1000u * 512);
  EXPECT_EQ(r.length, 8u * 512);
  EXPECT_EQ(r.op, TraceOp::kRead);
  ASSERT_TRUE(ParseDiskSimLineFast("\t3.000001\t2 0 128 a  ", &r));
  EXPECT_EQ(r.time_ns, 3'000'001);
  EXPECT_EQ(r.device, 2u);
  EXPECT_EQ(r.op, TraceOp::kWrite);  // 0xa is even
  // Left to the strict parser: seven fraction digits (rounding), "0x".
  EXPECT_FALSE(ParseDiskSimLineFast("1.0000005 0 0 8 1", &r));
  EXPECT_FALSE(ParseDiskSimLineFast("1 0 0 8 0x1", &r));
  EXPECT_FALSE(ParseDiskSimLineFast("1 0 0 0 1", &r));  // length 0: an error there
  // Digit runs at the fast path's limits.
  ASSERT_TRUE(ParseDiskSimLineFast("12345678.123456 123456789 12345678 87654321 1", &r));
  EXPECT_EQ(r.time_ns, 12345678'123456);
  EXPECT_EQ(r.device, 123456789u);
  EXPECT_EQ(r.offset, 12345678ull * 512);
  EXPECT_EQ(r.length, 87654321ull * 512);
  ASSERT_TRUE(ParseDiskSimLineFast("123456789012.5 0 123456789012345 1 0", &r));
  EXPECT_EQ(r.time_ns, 123456789012'500000);
  EXPECT_EQ(r.offset, 123456789012345ull * 512);
  EXPECT_FALSE(ParseDiskSimLineFast("1 0 1234567890123456 8 1", &r));  // 16 digits
  EXPECT_FALSE(ParseDiskSimLineFast("1 0 12345678901234567 8 1", &r));
  EXPECT_FALSE(ParseDiskSimLineFast("1 1234567890 0 8 1", &r));  // ten-digit device
  // A NUL is left to the strict parser.
  EXPECT_FALSE(ParseDiskSimLineFast(std::string_view("1 0 0 8 1\0", 10), &r));
}

}  // namespace
}  // namespace iosched::traces_internal
