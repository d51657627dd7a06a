// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The DiskSim family: "disksim" ASCII, MQSim's "mqsim" variant and the
// closed-loop "validate" traces.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadResult;
using ::iosched::testing::ReadText;

struct BadLine {
  std::string line;
  std::string error;  // after "path:2: "
};

// Reads `good_line` + `bad.line` as `format` and checks the error on line 2.
void ExpectErrorOnLine2(std::string_view format, const std::string& good_line, const BadLine& bad) {
  std::string path;
  ReadResult r = ReadText(good_line + "\n" + bad.line + "\n", format, &path);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << bad.line;
  EXPECT_EQ(Message(r.status), path + ":2: " + bad.error);
  EXPECT_EQ(r.records.size(), 1u) << bad.line;
}

// ---- disksim ----

TEST(DiskSimReaderTest, FloatMillisecondsSectorsAndFlagBit0) {
  ReadResult r = ReadText(
      "10.5 0 1000 8 1\n"
      "10.500001 2 2000 16 0\n"
      "12 1 3000 1 0x11\n"
      "1.25e1 0 0 4 a\n",
      "disksim");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "disksim");
  EXPECT_EQ(r.time_unit, "ms");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].op, TraceOp::kRead);
  EXPECT_EQ(r.records[0].offset, 1000u * 512);
  EXPECT_EQ(r.records[0].length, 8u * 512);
  EXPECT_EQ(r.records[1].time_ns, 1);  // 0.000001 ms, exact
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[1].device, 2u);
  EXPECT_EQ(r.records[2].time_ns, 1500000);
  EXPECT_EQ(r.records[2].op, TraceOp::kRead);   // 0x11
  EXPECT_EQ(r.records[3].time_ns, 2000000);     // 12.5 ms
  EXPECT_EQ(r.records[3].op, TraceOp::kWrite);  // 0xa
  EXPECT_FALSE(r.records[0].stream.has_value());
  EXPECT_EQ(r.records[3].line, 4u);
}

class DiskSimBadLineTest : public ::testing::TestWithParam<BadLine> {};
TEST_P(DiskSimBadLineTest, ReportsPathLineAndText) {
  ExpectErrorOnLine2("disksim", "1.0 0 0 8 1", GetParam());
}
INSTANTIATE_TEST_SUITE_P(
    Errors, DiskSimBadLineTest,
    ::testing::Values(
        BadLine{"1.0 0 0 8",
                "expected 5 fields 'time_ms devno blkno bcount flags', got '1.0 0 0 8'"},
        BadLine{"1.0 0 0 8 1 7",
                "expected 5 fields 'time_ms devno blkno bcount flags', got '1.0 0 0 8 1 7'"},
        BadLine{"-1.0 0 0 8 1", "expected a time in ms >= 0, got '-1.0'"},
        BadLine{"1.0ms 0 0 8 1", "expected a time in ms, got '1.0ms'"},
        BadLine{"1.0 -1 0 8 1", "expected a device number, got '-1'"},
        BadLine{"1.0 0 1.5 8 1", "expected a block number (512-byte sectors), got '1.5'"},
        BadLine{"1.0 0 0 0 1", "expected a length > 0, got '0'"},
        BadLine{"1.0 0 0 8 R", "expected flags (hex integer, bit 0 = read), got 'R'"}));

// ---- mqsim ----

TEST(MqSimReaderTest, IntegerNanosecondsAndType) {
  ReadResult r = ReadText("11413000 0 657728 16 1\n11565000 1 31244784 64 0", "mqsim");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "mqsim");
  EXPECT_EQ(r.time_unit, "ns");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].op, TraceOp::kRead);
  EXPECT_EQ(r.records[0].offset, 657728u * 512);
  EXPECT_EQ(r.records[0].length, 16u * 512);
  EXPECT_EQ(r.records[1].time_ns, 152000);
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[1].device, 1u);
  EXPECT_EQ(r.records[1].line, 2u);
}

class MqSimBadLineTest : public ::testing::TestWithParam<BadLine> {};
TEST_P(MqSimBadLineTest, ReportsPathLineAndText) {
  ExpectErrorOnLine2("mqsim", "100 0 0 8 1", GetParam());
}
INSTANTIATE_TEST_SUITE_P(
    Errors, MqSimBadLineTest,
    ::testing::Values(
        BadLine{"100 0 0 8",
                "expected 5 fields 'arrival_ns device lba size type', got '100 0 0 8'"},
        BadLine{"100.5 0 0 8 1", "expected an integer arrival time in ns, got '100.5'"},
        BadLine{"-100 0 0 8 1", "expected an integer arrival time in ns >= 0, got '-100'"},
        BadLine{"100 0 0 8 2", "expected type 1 (read) or 0 (write), got '2'"},
        BadLine{"100 0 0 0 1", "expected a length > 0, got '0'"},
        BadLine{"100 0 99999999999999999999 8 1",
                "expected an LBA (512-byte sectors), got '99999999999999999999'"}));

// ---- validate ----

TEST(ValidateReaderTest, ReconstructsClosedLoopIssueTimes) {
  ReadResult r = ReadText(
      "R Miss  564347     2     14095.370     13876.270\n"
      "R Hit   564349     2      1414.270     18746.770\n"
      "W Doub 1194877    15     17221.000     21894.380\n"
      "w trip 1205090    13     0.0005     0.0004\n"
      "R Miss 1 1 1 0\n",
      "validate");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "validate");
  EXPECT_EQ(r.time_unit, "us");
  ASSERT_EQ(r.records.size(), 5u);
  const TraceRecord& a = r.records[0];
  EXPECT_EQ(a.time_ns, 0);
  EXPECT_EQ(a.op, TraceOp::kRead);
  EXPECT_EQ(a.offset, 564347u * 512);
  EXPECT_EQ(a.length, 1024u);
  EXPECT_EQ(a.response_ns, 14095370);
  EXPECT_EQ(a.think_ns, 13876270);
  EXPECT_EQ(r.records[1].time_ns, 14095370 + 13876270);
  EXPECT_EQ(r.records[2].time_ns, 14095370 + 13876270 + 1414270 + 18746770);
  EXPECT_EQ(r.records[2].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[2].length, 15u * 512);
  // Rounded to the nearest ns: 0.5 ns → 1, 0.4 ns → 0.
  EXPECT_EQ(r.records[3].response_ns, 1);
  EXPECT_EQ(r.records[3].think_ns, 0);
  EXPECT_EQ(r.records[4].time_ns, r.records[3].time_ns + 1);
  EXPECT_EQ(r.records[4].line, 5u);
}

class ValidateBadLineTest : public ::testing::TestWithParam<BadLine> {};
TEST_P(ValidateBadLineTest, ReportsPathLineAndText) {
  ExpectErrorOnLine2("validate", "R Hit 10 2 1.0 2.0", GetParam());
}
INSTANTIATE_TEST_SUITE_P(
    Errors, ValidateBadLineTest,
    ::testing::Values(
        BadLine{"R Hit 10 2 1.0",
                "expected 6 fields 'R|W Hit|Miss|Doub|Trip lbn sectors service_us gap_us', got "
                "'R Hit 10 2 1.0'"},
        BadLine{"X Hit 10 2 1.0 2.0", "expected R or W, got 'X'"},
        BadLine{"R Quad 10 2 1.0 2.0", "expected Hit, Miss, Doub or Trip, got 'Quad'"},
        BadLine{"R Hit ten 2 1.0 2.0", "expected an LBN (512-byte sectors), got 'ten'"},
        BadLine{"R Hit 10 0 1.0 2.0", "expected a length > 0, got '0'"},
        BadLine{"R Hit 10 2 -1.0 2.0", "expected a service time in us >= 0, got '-1.0'"},
        BadLine{"R Hit 10 2 1.0 x", "expected a gap in us, got 'x'"}));

}  // namespace
}  // namespace iosched
