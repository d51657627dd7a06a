// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Drain;
using ::iosched::testing::Message;
using ::iosched::testing::ReadResult;
using ::testing::HasSubstr;

ReadResult ReadCsv(std::string_view data, std::string mapping, bool skip_bad = false) {
  TraceReadOptions o;
  o.csv_mapping = std::move(mapping);  // format "auto" + a mapping means "csv"
  o.skip_bad_lines = skip_bad;
  return Drain(OpenTraceFromMemory("mem", data, o));
}

TEST(GenericCsvTest, MapsColumnsByHeaderTitle) {
  ReadResult r = ReadCsv(
      "Timestamp,IOType,Offset,Size,LUN\n"
      "10.5,R,4096,8192,3\n"
      "\"11.25\",W,0,512,4\n",
      "header=1,time=Timestamp:s,op=IOType:R/W,offset=Offset:B,size=Size:B,stream=LUN");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "csv");
  EXPECT_EQ(r.time_unit, "s");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].op, TraceOp::kRead);
  EXPECT_EQ(r.records[0].offset, 4096u);
  EXPECT_EQ(r.records[0].length, 8192u);
  EXPECT_EQ(r.records[0].stream, 3u);
  EXPECT_EQ(r.records[1].time_ns, 750000000);
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);
  EXPECT_EQ(r.skipped, 1u);  // the header
}

TEST(GenericCsvTest, ColumnNumbersUnitsAlternativesAndSeparators) {
  ReadResult r = ReadCsv(
      "a;b;c;d;e;f\n"
      "read;100;7;2;x;50\n"
      "WRITE;300;8;1;x;70\n",
      "sep=semicolon,header=1,op=1:read|r/write|w,time=2:us,offset=3:4096,size=4:S,"
      "device=3,response=6:ms");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.time_unit, "us");
  EXPECT_EQ(r.records[0].offset, 7u * 4096);
  EXPECT_EQ(r.records[0].length, 1024u);
  EXPECT_EQ(r.records[0].device, 7u);
  EXPECT_EQ(r.records[0].response_ns, 50000000);
  EXPECT_EQ(r.records[1].time_ns, 200000);
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);

  ReadResult blanks = ReadCsv("  5  0x10 8 0\n 7 0x20 8 1\n",
                              "sep=space,time=1:100ns,offset=2:S,size=3:S,op=4:0/1");
  ASSERT_TRUE(blanks.status.ok()) << blanks.status;
  EXPECT_EQ(blanks.records[1].time_ns, 200);
  EXPECT_EQ(blanks.records[1].offset, 0x20u * 512);
}

TEST(GenericCsvTest, BadMappingsNameTheKey) {
  EXPECT_THAT(Message(ValidateCsvMapping("time=1:s,op=2:R/W,offset=3:B")),
              HasSubstr("missing required key 'size='"));
  EXPECT_THAT(Message(ValidateCsvMapping("time=1:fortnights,op=2:R/W,offset=3:B,size=4:B")),
              HasSubstr("unknown time unit 'fortnights' in time="));
  EXPECT_THAT(Message(ValidateCsvMapping("time=1:s,op=2:RW,offset=3:B,size=4:B")),
              HasSubstr("op= needs READ/WRITE values"));
  EXPECT_THAT(Message(ValidateCsvMapping("time=Ts:s,op=2:R/W,offset=3:B,size=4:B")),
              HasSubstr("column 'Ts' is named by title but header=0"));
  EXPECT_THAT(Message(ValidateCsvMapping("time=1:s,op=2:R/W,offset=3:B,size=4:B,colour=5")),
              HasSubstr("unknown key 'colour'"));
  EXPECT_THAT(Message(ValidateCsvMapping("time=0:s,op=2:R/W,offset=3:B,size=4:B")),
              HasSubstr("column numbers start at 1"));
  EXPECT_TRUE(ValidateCsvMapping("time=1:s,op=2:R/W,offset=3:B,size=4:B").ok());
  // "csv" without a mapping cannot work.
  TraceReadOptions o;
  o.format = "csv";
  EXPECT_THAT(Message(OpenTraceFromMemory("mem", "1,R,0,512\n", o).status()),
              HasSubstr("needs a column mapping"));
}

TEST(GenericCsvTest, UnknownTitleStopsEvenWithSkipBadLines) {
  ReadResult r = ReadCsv("Time,Op,Off,Len\n1,R,0,512\n",
                         "header=1,time=Timestamp:s,op=Op:R/W,offset=Off:B,size=Len:B",
                         /*skip_bad=*/true);
  EXPECT_EQ(Message(r.status),
            "mem:1: expected a column titled 'Timestamp' (--csv mapping), got "
            "'Time,Op,Off,Len'");
}

TEST(GenericCsvTest, RowErrorsAndSkipping) {
  const std::string mapping = "time=1:s,op=2:R/W,offset=3:B,size=4:B";
  ReadResult r = ReadCsv("1,R,0,512\n2,Q,0,512\n3,R,0\n4,W,512,512\n", mapping);
  EXPECT_EQ(Message(r.status), "mem:2: expected op R (read) or W (write), got 'Q'");
  ReadResult skipped = ReadCsv("1,R,0,512\n2,Q,0,512\n3,R,0\n4,W,512,512\n", mapping, true);
  ASSERT_TRUE(skipped.status.ok()) << skipped.status;
  EXPECT_EQ(skipped.records.size(), 2u);
  EXPECT_EQ(skipped.bad_lines, 2u);
  EXPECT_EQ(skipped.first_bad_line, "mem:2: expected op R (read) or W (write), got 'Q'");
  EXPECT_EQ(Message(ReadCsv("-1,R,0,512\n", mapping).status),
            "mem:1: expected a time in s >= 0, got '-1'");
}

// The robustness matrix of robustness_test.cc, for the mapped CSV reader.
TEST(GenericCsvTest, EmptyAbsurdSizesAndNonUtf8) {
  const std::string mapping = "time=1:s,op=2:R/W,offset=3:S,size=4:B";
  ReadResult empty = ReadCsv("", mapping);
  EXPECT_TRUE(empty.status.ok()) << empty.status;
  EXPECT_TRUE(empty.records.empty());
  EXPECT_EQ(Message(ReadCsv("1,R,0,0\n", mapping).status), "mem:1: expected a length > 0, got '0'");
  EXPECT_EQ(Message(ReadCsv("1,R,0,1099511627777\n", mapping).status),
            "mem:1: expected a length of at most 1 TiB (absurd size), got '1099511627777'");
  // Sectors whose byte offset overflows 64 bits.
  EXPECT_THAT(Message(ReadCsv("1,R,36028797018963968,512\n", mapping).status),
              ::testing::StartsWith("mem:1: expected "));
  const std::string junk = "1,R,0,512\n\xff\xfe,\x01\x02,\xc3\x28\n2,W,8,512\n";
  ReadResult bad = ReadCsv(junk, mapping);
  EXPECT_EQ(bad.records.size(), 1u);
  EXPECT_THAT(Message(bad.status), ::testing::StartsWith("mem:2: expected "));
  for (char c : Message(bad.status)) ASSERT_GE(static_cast<unsigned char>(c), 0x20);
  ReadResult skipped = ReadCsv(junk, mapping, true);
  ASSERT_TRUE(skipped.status.ok()) << skipped.status;
  EXPECT_EQ(skipped.records.size(), 2u);
  EXPECT_EQ(skipped.bad_lines, 1u);
}

}  // namespace
}  // namespace iosched
