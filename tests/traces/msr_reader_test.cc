// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

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

TEST(MsrReaderTest, ConvertsFiletimeTicksAndBytes) {
  ReadResult r = ReadText(
      "128166385295514663,hm,0,Write,9056014336,2048,2833\n"
      "128166385295514878,hm,3,read,11855351808,512,2617\n"
      "128166385295524663,hm,0,READ,0,4096,1\n",
      "msr");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "msr");
  EXPECT_EQ(r.time_unit, "100ns");
  ASSERT_EQ(r.records.size(), 3u);
  const TraceRecord& a = r.records[0];
  EXPECT_EQ(a.time_ns, 0);
  EXPECT_EQ(a.op, TraceOp::kWrite);
  EXPECT_EQ(a.offset, 9056014336u);
  EXPECT_EQ(a.length, 2048u);
  EXPECT_EQ(a.device, 0u);
  EXPECT_EQ(a.response_ns, 283300);
  EXPECT_FALSE(a.stream.has_value());
  EXPECT_FALSE(a.think_ns.has_value());
  EXPECT_EQ(a.line, 1u);
  const TraceRecord& b = r.records[1];
  EXPECT_EQ(b.time_ns, 21500);  // 215 ticks of 100 ns
  EXPECT_EQ(b.op, TraceOp::kRead);
  EXPECT_EQ(b.device, 3u);
  EXPECT_EQ(b.length, 512u);
  EXPECT_EQ(b.response_ns, 261700);
  EXPECT_EQ(r.records[2].time_ns, 1000000);  // 10000 ticks = 1 ms
  EXPECT_EQ(r.records[2].op, TraceOp::kRead);
  EXPECT_EQ(r.records[2].line, 3u);
  EXPECT_EQ(r.skipped, 0u);
}

TEST(MsrReaderTest, ToleratesHeaderCrlfBlankLinesAndMissingFinalNewline) {
  ReadResult r = ReadText(
      "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\r\n"
      "\r\n"
      "100,web,1,Read,512,512,10\r\n"
      "# comment\r\n"
      "150,web,1,Write,1024,1024,20",
      "msr");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].line, 3u);
  EXPECT_EQ(r.records[1].line, 5u);
  EXPECT_EQ(r.records[1].time_ns, 5000);
  EXPECT_EQ(r.records[1].response_ns, 2000);
  EXPECT_EQ(r.skipped, 3u);  // header, blank line, comment
}

TEST(MsrReaderTest, HeaderIsOnlyAcceptedFirst) {
  std::string path;
  ReadResult r = ReadText("100,web,1,Read,512,512,10\nTimestamp,Hostname\n", "msr", &path);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(Message(r.status),
            path +
                ":2: expected 7 comma-separated fields "
                "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime, got "
                "'Timestamp,Hostname'");
}

TEST(MsrReaderTest, OutOfOrderTimestampsPassThrough) {
  ReadResult r = ReadText("1000,h,0,Read,0,512,1\n990,h,0,Read,0,512,1\n", "msr");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].time_ns, -1000);
}

TEST(MsrReaderTest, EmptyFileEndsAtOnce) {
  ReadResult r = ReadText("", "msr");
  EXPECT_TRUE(r.status.ok()) << r.status;
  EXPECT_TRUE(r.records.empty());
}

struct BadLine {
  std::string line;
  std::string error;  // after "path:2: "
};

class MsrBadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(MsrBadLineTest, ReportsPathLineAndText) {
  std::string path;
  ReadResult r = ReadText("100,h,0,Read,0,512,1\n" + GetParam().line + "\n", "msr", &path);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(r.status), path + ":2: " + GetParam().error);
  EXPECT_EQ(r.records.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, MsrBadLineTest,
    ::testing::Values(
        BadLine{"100,h,0,Read,0,512",
                "expected 7 comma-separated fields "
                "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime, got "
                "'100,h,0,Read,0,512'"},
        BadLine{"1x0,h,0,Read,0,512,1", "expected Timestamp (FILETIME 100 ns ticks), got '1x0'"},
        BadLine{"-5,h,0,Read,0,512,1", "expected Timestamp (FILETIME 100 ns ticks) >= 0, got '-5'"},
        BadLine{"100,,0,Read,0,512,1", "expected a Hostname, got '100,,0,Read,0,512,1'"},
        BadLine{"100,h,disk,Read,0,512,1", "expected a DiskNumber, got 'disk'"},
        BadLine{"100,h,0,Trim,0,512,1", "expected Type Read or Write, got 'Trim'"},
        BadLine{"100,h,0,Read,-512,512,1", "expected an Offset in bytes, got '-512'"},
        BadLine{"100,h,0,Read,0,0,1", "expected a length > 0, got '0'"},
        BadLine{"100,h,0,Read,0,1099511627777,1",
                "expected a length of at most 1 TiB (absurd size), got '1099511627777'"},
        BadLine{"100,h,0,Read,18446744073709551615,512,1",
                "expected an offset whose request ends below 2^64 bytes, got "
                "'18446744073709551615'"},
        BadLine{"100,h,0,Read,0,512,fast", "expected ResponseTime (100 ns ticks), got 'fast'"},
        BadLine{"100,h,0,Read,0,512,92233720368547759",
                "expected a ResponseTime below 2^63 ns, got '92233720368547759'"}));

TEST(MsrReaderTest, ErrorsAreSticky) {
  iosched::testing::TempFile f("100,h,0,Read,0,512,1\nbad\n100,h,0,Read,0,512,1\n");
  auto reader = OpenTrace(f.path(), "msr");
  ASSERT_TRUE(reader.ok());
  TraceRecord rec;
  ASSERT_TRUE(*(*reader)->Next(&rec));
  absl::StatusOr<bool> second = (*reader)->Next(&rec);
  ASSERT_FALSE(second.ok());
  absl::StatusOr<bool> third = (*reader)->Next(&rec);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status(), second.status());
}

TEST(MsrReaderTest, TimeDeltaOverflowIsAnError) {
  std::string path;
  ReadResult r =
      ReadText("0,h,0,Read,0,512,1\n9223372036854775807,h,0,Read,0,512,1\n", "msr", &path);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(Message(r.status),
            path +
                ":2: expected a timestamp within 2^63 ns of the first record's, got "
                "'9223372036854775807,h,0,Read,0,512,1'");
}

}  // namespace
}  // namespace iosched
