// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Readers added for issue 7: SPC/UMass, Tencent CBS, fio iolog v2/v3 and
// the iosched native CSV.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadMemory;
using ::iosched::testing::ReadResult;
using ::iosched::testing::ReadText;
using ::testing::HasSubstr;

// ---- SPC / UMass ----

TEST(SpcReaderTest, FieldsAndUnits) {
  ReadResult r = ReadMemory(
      "0,20941264,8192,R,0.551706\n"
      "1,20939840,4096,w,0.554041,extra\n"
      "5,0,512,Read,1.5\n",
      "spc");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.time_unit, "s");
  EXPECT_EQ(r.records[0].device, 0u);
  EXPECT_EQ(r.records[0].offset, 20941264ull * 512);
  EXPECT_EQ(r.records[0].length, 8192u);
  EXPECT_EQ(r.records[0].op, TraceOp::kRead);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[1].time_ns, 2335000);  // exact: 0.554041 - 0.551706 s
  EXPECT_EQ(r.records[2].device, 5u);
  EXPECT_EQ(r.records[2].time_ns, 1500000000 - 551706000);
  EXPECT_FALSE(r.records[0].stream.has_value());
}

TEST(SpcReaderTest, Errors) {
  EXPECT_EQ(Message(ReadMemory("0,1,8192,X,0.5\n", "spc").status),
            "mem:1: expected Opcode r or w, got 'X'");
  EXPECT_EQ(Message(ReadMemory("0,1,8192,r\n", "spc").status),
            "mem:1: expected 5 comma-separated fields ASU,LBA,Size,Opcode,Timestamp, got "
            "'0,1,8192,r'");
  EXPECT_EQ(Message(ReadMemory("0,1,8192,r,-0.5\n", "spc").status),
            "mem:1: expected a Timestamp in seconds >= 0, got '-0.5'");
  EXPECT_EQ(Message(ReadMemory("0,1,0,r,0.5\n", "spc").status),
            "mem:1: expected a length > 0, got '0'");
}

// ---- Tencent CBS ----

TEST(TencentReaderTest, VolumesSectorsAndUnsortedSeconds) {
  ReadResult r = ReadMemory(
      "1538323200,4247200,128,1,1058\n"
      "1538323199,13896880,16,0,1063\n",
      "tencent");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.time_unit, "s");
  EXPECT_EQ(r.records[0].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[0].offset, 4247200ull * 512);
  EXPECT_EQ(r.records[0].length, 128u * 512);
  EXPECT_EQ(r.records[0].device, 1058u);
  EXPECT_EQ(r.records[1].op, TraceOp::kRead);
  // Unsorted rows pass through: one second before the first record.
  EXPECT_EQ(r.records[1].time_ns, -1000000000);
}

TEST(TencentReaderTest, Errors) {
  EXPECT_EQ(Message(ReadMemory("1538323200,1,8,2,7\n", "tencent").status),
            "mem:1: expected IOType 0 (read) or 1 (write), got '2'");
  EXPECT_EQ(Message(ReadMemory("1538323200.5,1,8,0,7\n", "tencent").status),
            "mem:1: expected an integer Timestamp in seconds, got '1538323200.5'");
}

// ---- fio iolog ----

TEST(FioReaderTest, Version3Timestamps) {
  ReadResult r = ReadMemory(
      "fio version 3 iolog\n"
      "30 /dev/null add\n"
      "10731 /dev/null open\n"
      "10736 /dev/null trim 0 2147483648\n"
      "10752 /dev/null write 0 4096\n"
      "10790 /dev/null read 8192 512\n"
      "10795 /dev/null sync 0 0\n"
      "20000 /dev/null close\n",
      "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "fio-v3");
  EXPECT_EQ(r.time_unit, "us");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].line, 5u);
  EXPECT_EQ(r.records[1].op, TraceOp::kRead);
  EXPECT_EQ(r.records[1].time_ns, 38000);  // (10790 - 10752) µs
  EXPECT_EQ(r.records[1].offset, 8192u);
  EXPECT_EQ(r.skipped, 6u);  // header, add, open, trim, sync, close
}

TEST(FioReaderTest, Version2WaitMarksAreMillisecondsSinceStart) {
  ReadResult r = ReadMemory(
      "fio version 2 iolog\n"
      "/dev/sdb add\n"
      "/data/f add\n"
      "/dev/sdb open\n"
      "/dev/sdb read 0 4096\n"
      "/dev/sdb wait 250 0\n"
      "/data/f write 4096 4096\n"
      "/dev/sdb wait 100 0\n"  // an earlier mark does not move time back
      "/dev/sdb read 8192 4096\n",
      "fio");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "fio-v2");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].device, 0u);
  EXPECT_EQ(r.records[1].time_ns, 250000000);
  EXPECT_EQ(r.records[1].device, 1u);  // second file added
  EXPECT_EQ(r.records[2].time_ns, 250000000);
}

TEST(FioReaderTest, Errors) {
  EXPECT_EQ(Message(ReadMemory("fio version 3 iolog\n5 /dev/sda read 0 4096\n", "fio-v3").status),
            "mem:2: expected file '/dev/sda' added before its I/O, got '5 /dev/sda read 0 4096'");
  EXPECT_EQ(Message(ReadMemory("fio version 3 iolog\n5 f add\n6 f wait 10 0\n", "fio-v3").status),
            "mem:3: expected an I/O action (wait is not allowed in version 3 logs), got 'wait'");
  EXPECT_EQ(Message(ReadMemory("fio version 2 iolog\n5 f add\n", "fio-v3").status),
            "mem:1: expected first line 'fio version 3 iolog', got 'fio version 2 iolog'");
  EXPECT_EQ(Message(ReadMemory("fio version 3 iolog\n5 f add\n6 f frobnicate 1 1\n", "fio").status),
            "mem:3: expected an action read, write, trim, sync or datasync, got 'frobnicate'");
  EXPECT_EQ(Message(ReadMemory("fio version 3 iolog\n5 f add\n6 f read 0\n", "fio").status),
            "mem:3: expected 'TS FILE add|open|close' or 'TS FILE ACTION OFFSET LENGTH', got "
            "'6 f read 0'");
  EXPECT_THAT(Message(ReadMemory("hello\n", "fio").status),
              HasSubstr("expected 'fio version 2 iolog' or 'fio version 3 iolog'"));
}

// ---- iosched native CSV ----

constexpr char kNativeHead[] =
    "# iosched trace v1 time_unit=ns\n"
    "time_ns,op,offset,length,stream,think_ns,response_ns\n";

TEST(NativeCsvReaderTest, EmptyFieldsAreAbsent) {
  ReadResult r = ReadMemory(std::string(kNativeHead) +
                                "1000,R,4096,8192,3,,\n"
                                "# a comment\n"
                                "2500,W,0,512,,100,2000\n",
                            "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "iosched-csv");
  EXPECT_EQ(r.time_unit, "ns");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].stream, 3u);
  EXPECT_FALSE(r.records[0].think_ns.has_value());
  EXPECT_FALSE(r.records[0].response_ns.has_value());
  EXPECT_EQ(r.records[1].time_ns, 1500);
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);
  EXPECT_FALSE(r.records[1].stream.has_value());
  EXPECT_EQ(r.records[1].think_ns, 100);
  EXPECT_EQ(r.records[1].response_ns, 2000);
}

TEST(NativeCsvReaderTest, RecorderHeaderWithDeviceAndFullColumns) {
  ReadResult r = ReadMemory(
      "# iosched trace v1 time_unit=ns\n"
      "time_ns,op,offset,length,stream,think_ns,response_ns,device\n"
      "# file 0 /data/db/000123.sst\n"
      "0,R,1048576,4096,7,,95310,0\n"
      "5210,W,8192,8192,3,,235667,2\n"
      "5300,W,8192,8192,3,,,\n",
      "iosched-csv");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[1].device, 2u);
  EXPECT_EQ(r.records[2].device, 0u);
  EXPECT_FALSE(r.records[2].response_ns.has_value());

  ReadResult full = ReadMemory(
      "# iosched trace v1 time_unit=ns\n"
      "time_ns,op,offset,length,stream,think_ns,response_ns,device,dispatch_ns,key,error,bytes\n"
      "0,R,1048576,4096,7,,95310,0,10,99,0,4096\n",
      "iosched-csv");
  ASSERT_TRUE(full.status.ok()) << full.status;
  EXPECT_EQ(full.records[0].response_ns, 95310);
}

TEST(NativeCsvReaderTest, IoprioColumnIsParsedStrictly) {
  const std::string head =
      "# iosched trace v1 time_unit=ns\n"
      "time_ns,op,offset,length,stream,think_ns,response_ns,device,dispatch_ns,ioprio\n";
  ReadResult r = ReadMemory(head +
                                "0,R,0,4096,1,,,0,5,be:0\n"
                                "1,R,0,4096,2,,,0,6,RT:3\n"
                                "2,R,0,4096,3,,,0,7,idle:7\n"
                                "3,R,0,4096,3,,,0,7,\n",
                            "iosched-csv");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0].ioprio, (TraceIoPrio{TraceIoClass::kBestEffort, 0}));
  EXPECT_EQ(r.records[1].ioprio, (TraceIoPrio{TraceIoClass::kRealTime, 3}));
  EXPECT_EQ(r.records[2].ioprio, (TraceIoPrio{TraceIoClass::kIdle, 7}));
  EXPECT_FALSE(r.records[3].ioprio.has_value());
  for (const char* bad :
       {"be:8", "be", "none:0", "be:-1", "be:04", "rt:1x", "be:4/w0", "be:4/w1001", "be:4/w",
        "be:4/200", "be:4/w020", "be:4/w+2", "be:4/w2x", "be:4/w100000", "be:/w100"}) {
    EXPECT_EQ(Message(ReadMemory(head + "0,R,0,4096,1,,,0,5,be:4\n1,R,0,4096,1,,,0,5," + bad + "\n",
                                 "iosched-csv")
                          .status),
              std::string("mem:4: expected an ioprio rt:N, be:N or idle:N with N 0-7, optionally "
                          "/wW with W 1-1000 (or empty), got '") +
                  bad + "'");
  }
  // A BFQ group weight after the level (IoPrio::weight); written back alike.
  ReadResult wr = ReadMemory(head +
                                 "0,R,0,4096,1,,,0,5,be:4/w100\n"
                                 "1,R,0,4096,2,,,0,6,idle:7/W1000\n"
                                 "2,R,0,4096,2,,,0,6,rt:0/w1\n",
                             "iosched-csv");
  ASSERT_TRUE(wr.status.ok()) << wr.status;
  ASSERT_EQ(wr.records.size(), 3u);
  EXPECT_EQ(wr.records[0].ioprio, (TraceIoPrio{TraceIoClass::kBestEffort, 4, 100}));
  EXPECT_EQ(wr.records[1].ioprio, (TraceIoPrio{TraceIoClass::kIdle, 7, 1000}));
  EXPECT_EQ(wr.records[2].ioprio, (TraceIoPrio{TraceIoClass::kRealTime, 0, 1}));
  EXPECT_EQ(FormatTraceIoPrio(*wr.records[0].ioprio), "be:4/w100");
  EXPECT_EQ(FormatTraceIoPrio(*wr.records[1].ioprio), "idle:7/w1000");
  EXPECT_EQ(FormatTraceIoPrio(TraceIoPrio{TraceIoClass::kBestEffort, 4}), "be:4");
  // Without the column, an ioprio-looking extra column is just ignored.
  ReadResult other = ReadMemory(
      "# iosched trace v1 time_unit=ns\n"
      "time_ns,op,offset,length,stream,think_ns,response_ns,device,prio\n"
      "0,R,0,4096,1,,,0,whatever\n",
      "iosched-csv");
  ASSERT_TRUE(other.status.ok()) << other.status;
  EXPECT_FALSE(other.records[0].ioprio.has_value());
}

TEST(NativeCsvReaderTest, HeaderMustBeExact) {
  EXPECT_EQ(Message(ReadMemory("# iosched trace v1 time_unit=us\n", "iosched-csv").status),
            "mem:1: expected first line '# iosched trace v1 time_unit=ns', got '# iosched trace "
            "v1 time_unit=us'");
  EXPECT_THAT(
      Message(ReadMemory("# iosched trace v1 time_unit=ns\ntime,op\n", "iosched-csv").status),
      HasSubstr("mem:2: expected the column header 'time_ns,op,offset,length,stream,"
                "think_ns,response_ns[,device[,more]]', got 'time,op'"));
  // Detection of a native trace with a bad header still reports the header.
  EXPECT_THAT(Message(ReadMemory("# iosched trace v1 time_unit=s\n", "auto").status),
              HasSubstr("expected first line"));
}

TEST(NativeCsvReaderTest, FieldErrors) {
  const std::string head = kNativeHead;
  EXPECT_EQ(Message(ReadMemory(head + "-5,R,0,512,,,\n", "iosched-csv").status),
            "mem:3: expected time_ns (integer ns) >= 0, got '-5'");
  EXPECT_EQ(Message(ReadMemory(head + "5,X,0,512,,,\n", "iosched-csv").status),
            "mem:3: expected op R or W, got 'X'");
  EXPECT_EQ(Message(ReadMemory(head + "5,R,0,512,,\n", "iosched-csv").status),
            "mem:3: expected 7 fields as in the column header, got '5,R,0,512,,'");
  EXPECT_EQ(Message(ReadMemory(head + "5,R,0,512,x,,\n", "iosched-csv").status),
            "mem:3: expected a stream id (or empty), got 'x'");
  EXPECT_EQ(Message(ReadMemory(head + "5,R,0,512,,-1,\n", "iosched-csv").status),
            "mem:3: expected think_ns (integer ns, or empty) >= 0, got '-1'");
}

// Issue 18, defect 8: a native trace that promises an end line ("# end-marked",
// the recorder's line 3) and lacks it was cut short: an error at the last
// line, which --skip-bad-lines counts and reads past.
TEST(NativeCsvTest, EndMarkedFilesMustEndWithTheirEndLine) {
  const std::string head =
      "# iosched trace v1 time_unit=ns\n"
      "time_ns,op,offset,length,stream,think_ns,response_ns\n"
      "# end-marked\n"
      "0,R,0,4096,1,,\n"
      "10,W,4096,4096,1,,\n";
  ReadResult whole = ReadMemory(head + "# end records=2\n", "iosched-csv");
  ASSERT_TRUE(whole.status.ok()) << whole.status;
  EXPECT_EQ(whole.records.size(), 2u);
  ReadResult cut = ReadMemory(head, "auto");
  EXPECT_EQ(Message(cut.status),
            "mem:5: expected the end line '# end records=N' promised by '# end-marked' (the "
            "file was cut short, e.g. its writer was killed; --skip-bad-lines reads the "
            "complete records), got 'end of file'");
  ReadResult salvaged = ReadMemory(head, "iosched-csv", /*skip_bad_lines=*/true);
  ASSERT_TRUE(salvaged.status.ok()) << salvaged.status;
  EXPECT_EQ(salvaged.records.size(), 2u);
  EXPECT_EQ(salvaged.bad_lines, 1u);
  EXPECT_THAT(Message(ReadMemory(head + "# end records=3\n", "iosched-csv").status),
              HasSubstr("mem:6: expected an end line counting the 2 records above it"));
  EXPECT_THAT(Message(ReadMemory(head + "# end records=2\n20,R,0,512,1,,\n", "iosched-csv").status),
              HasSubstr("mem:6: expected the end line after the last record"));
  // Files without the promise (every older one) need no end line.
  ReadResult old = ReadMemory(
      "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length,stream,think_ns,response_ns\n"
      "0,R,0,4096,1,,\n",
      "iosched-csv");
  EXPECT_TRUE(old.status.ok()) << old.status;
}

}  // namespace
}  // namespace iosched
