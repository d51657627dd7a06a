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

TEST(FiuReaderTest, FieldsAndUnits) {
  ReadResult r = ReadText(
      "89966527996712 4253 nfsd 508516680 8 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n"
      "89966528039628 0 swapper 16 16 R 6 3 57DB00A2A67CA70D33789A784D37729D\n"
      "89966527996700 99 my proc 2 8 r 6 1 442aacdb6ea1684f2aebf339de201f12\n",
      "fiu");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "fiu");
  EXPECT_EQ(r.time_unit, "ns");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[0].offset, 508516680ull * 512);
  EXPECT_EQ(r.records[0].length, 4096u);
  EXPECT_EQ(r.records[0].stream, 4253u);
  EXPECT_EQ(r.records[0].device, 0u);
  EXPECT_EQ(r.records[1].time_ns, 42916);
  EXPECT_EQ(r.records[1].op, TraceOp::kRead);
  EXPECT_EQ(r.records[1].stream, 0u);
  EXPECT_EQ(r.records[1].device, 3u);  // minor
  // A process name with a blank; an out-of-order timestamp passes through.
  EXPECT_EQ(r.records[2].stream, 99u);
  EXPECT_EQ(r.records[2].offset, 1024u);
  EXPECT_EQ(r.records[2].time_ns, -12);
  EXPECT_EQ(r.records[2].line, 3u);
}

TEST(FiuReaderTest, BadLinesNamePathLineAndText) {
  const std::string good = "100 1 p 0 8 R 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n";
  const struct {
    std::string line;
    std::string error;
  } cases[] = {
      {"100 1 p 0 8 R 6 0",
       "expected 9 fields 'ts_ns pid process lba size R/W major minor md5', "
       "got '100 1 p 0 8 R 6 0'"},
      {"100 1 p 0 8 D 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3", "expected R or W, got 'D'"},
      {"1e3 1 p 0 8 R 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3",
       "expected an integer time in ns, got '1e3'"},
      {"100 -1 p 0 8 R 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3", "expected a pid, got '-1'"},
      {"100 1 p 0 0 R 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3", "expected a length > 0, got '0'"},
      {"100 1 p 0 8 R 6 0 nothex", "expected a 32-hex-digit MD5, got 'nothex'"},
      {"100 1 p 0 8 R 6 x b5e9f4e5ab62a4fff5313a606b0ad4e3",
       "expected a minor device number, got 'x'"},
  };
  for (const auto& c : cases) {
    std::string path;
    ReadResult r = ReadText(good + c.line + "\n", "fiu", &path);
    EXPECT_EQ(Message(r.status), path + ":2: " + c.error);
    EXPECT_EQ(r.records.size(), 1u);
  }
}

}  // namespace
}  // namespace iosched
