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

// A cut-down blkparse dump with every kind of line the reader must handle.
constexpr char kDump[] =
    "#Maj,Mn CPU   SeqNo     Seconds     PID  Evt Typ Sector   +Len Description\n"              // 1
    "  8,16   5        1     0.000000000 18615  A   R 1444645666 + 256 <- (8,17) 1444645632\n"  // 2
    "  8,16   5        2     0.000001850 18615  Q   R 1444645666 + 256 [java]\n"                // 3
    "  8,16   5        3     0.000006438 18615  G   R 1444645666 + 256 [java]\n"                // 4
    "  8,16   5        4     0.000008750 18615  P   N [java]\n"                                 // 5
    "  8,16   5        0     0.000012990     0  m   N cfq18615S / insert_request\n"             // 6
    "  8,16   5        5     0.000031865 18615  D   R 1444645666 + 256 [java]\n"                // 7
    "\n"                                                                                        // 8
    "  8,16   2        9     0.000020000  1234  Q  WS 100 + 8 [flush-8:16]\n"                   // 9
    "  8,16   2       10     0.000020100  1234  M  WS 108 + 8 [flush-8:16]\n"              // 10
    "  8,16   2       11     0.000000500   777  Q WBS 200 + 16 [jbd2/sdb1-8]\n"            // 11
    "259,0   11        2     0.024124474  1889  Q FWFS [jbd2/dm-4-8]\n"                    // 12
    "  8,16   1       12     0.000030000   555  Q   D 4096 + 2048 [fstrim]\n"              // 13
    "  8,16   1       13     0.000030001   555  Q  WS 4096 + 0 [sync]\n"                   // 14
    "  8,16   5        6     0.000046560 18615  U   N [java] 1\n"                          // 15
    "  8,16   0       14     0.002000000     0  C   R 1444645666 + 256 [0]\n"              // 16
    "  8,16   3        1     0.003000000    42  Q  RA 1000 + 8 [Web Content]\n"            // 17
    "CPU0 (sdb):\n"                                                                        // 18
    " Reads Queued:           0,        0KiB\t Writes Queued:          30,      144KiB\n"  // 19
    " IO unplugs:             0        \t Timer unplugs:           0\n"                    // 20
    "Total (sdb):\n"                                                                       // 21
    "java (18615)\n"                                                                       // 22
    "Throughput (R/W): 0KiB/s / 46KiB/s\n"                                                 // 23
    "Events (sdb): 1,364 entries\n"                                                        // 24
    "Skips: 0 forward (0 -   0.0%)\n"                                                      // 25
    "Input file sdb.blktrace.0 added";                                                     // 26

TEST(BlkparseReaderTest, OneRecordPerQueueEventInFileOrder) {
  ReadResult r = ReadText(kDump, "blkparse");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "blkparse");
  EXPECT_EQ(r.time_unit, "s");
  ASSERT_EQ(r.records.size(), 4u);

  const TraceRecord& a = r.records[0];
  EXPECT_EQ(a.line, 3u);
  EXPECT_EQ(a.time_ns, 0);
  EXPECT_EQ(a.op, TraceOp::kRead);
  EXPECT_EQ(a.offset, 1444645666ull * 512);
  EXPECT_EQ(a.length, 256u * 512);
  EXPECT_EQ(a.device, (8u << 20) | 16u);
  EXPECT_EQ(a.stream, 18615u);
  EXPECT_FALSE(a.response_ns.has_value());

  const TraceRecord& b = r.records[1];
  EXPECT_EQ(b.line, 9u);
  EXPECT_EQ(b.time_ns, 20000 - 1850);
  EXPECT_EQ(b.op, TraceOp::kWrite);
  EXPECT_EQ(b.offset, 100u * 512);
  EXPECT_EQ(b.length, 4096u);
  EXPECT_EQ(b.stream, 1234u);

  // Not time-sorted: an earlier event from another CPU comes later in the
  // file and keeps its (negative) relative time.
  const TraceRecord& c = r.records[2];
  EXPECT_EQ(c.line, 11u);
  EXPECT_EQ(c.time_ns, 500 - 1850);
  EXPECT_EQ(c.op, TraceOp::kWrite);
  EXPECT_EQ(c.length, 16u * 512);
  EXPECT_EQ(c.stream, 777u);

  // Read-ahead; the comm contains a blank.
  const TraceRecord& d = r.records[3];
  EXPECT_EQ(d.line, 17u);
  EXPECT_EQ(d.op, TraceOp::kRead);
  EXPECT_EQ(d.time_ns, 3000000 - 1850);
  EXPECT_EQ(d.stream, 42u);

  // Everything else: 26 lines - 4 records.
  EXPECT_EQ(r.skipped, 22u);
}

TEST(BlkparseReaderTest, DeviceEncodesMajorAndMinor) {
  ReadResult r = ReadText("259,3 0 1 1.5 10 Q W 8 + 8 [x]\n4095,1048575 0 2 1.5 10 Q R 0 + 1 [x]\n",
                          "blkparse");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].device, (259u << 20) | 3u);
  EXPECT_EQ(r.records[1].device, 0xFFFFFFFFu);
}

TEST(BlkparseReaderTest, NoQueueEventsMeansNoRecords) {
  ReadResult r = ReadText(
      "  8,16   5        3     0.000006438 18615  G   R 1444645666 + 256 [java]\n"
      "  8,16   5        4     0.000008750 18615  P   N [java]\n",
      "blkparse");
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.skipped, 2u);
}

struct BadLine {
  std::string line;
  std::string error;  // after "path:2: "
};

class BlkparseBadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(BlkparseBadLineTest, ReportsPathLineAndText) {
  std::string path;
  ReadResult r =
      ReadText("8,0 0 1 0.5 1 Q R 0 + 8 [a]\n" + GetParam().line + "\n", "blkparse", &path);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(r.status), path + ":2: " + GetParam().error);
  EXPECT_EQ(r.records.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BlkparseBadLineTest,
    ::testing::Values(
        BadLine{"8,0 0 2 0.6 1 Q R abc + 8 [a]", "expected a sector (512-byte sectors), got 'abc'"},
        BadLine{"8,0 0 2 0.6 1 Q R 10 + x8 [a]",
                "expected a sector count (512-byte sectors), got 'x8'"},
        BadLine{"8,0 0 2 0.6 1 Q R 10 8 [a]",
                "expected 'sector + nsectors', got '8,0 0 2 0.6 1 Q R 10 8 [a]'"},
        BadLine{"8,0 0 2 0.6 1 Q R 10 +",
                "expected 'sector + nsectors', got '8,0 0 2 0.6 1 Q R 10 +'"},
        BadLine{"8,0 0 2 0.6 1 Q X 10 + 8 [a]",
                "expected RWBS flags (letters from RWDEFNSMAB), got 'X'"},
        BadLine{"8,0 0 2 0.6 1 Q",
                "expected RWBS flags (letters from RWDEFNSMAB), got '8,0 0 2 0.6 1 Q'"},
        BadLine{"8,0 0 2 -0.6 1 Q R 10 + 8 [a]", "expected a time in seconds >= 0, got '-0.6'"},
        BadLine{"8,0 0 2 0.6s 1 Q R 10 + 8 [a]", "expected a time in seconds, got '0.6s'"},
        BadLine{"8,0 x 2 0.6 1 Q R 10 + 8 [a]", "expected a CPU number, got 'x'"},
        BadLine{"8,0 0 - 0.6 1 Q R 10 + 8 [a]", "expected a sequence number, got '-'"},
        BadLine{"8,0 0 2 0.6 pid Q R 10 + 8 [a]", "expected a pid, got 'pid'"},
        BadLine{"8,0 0 2 0.6 1 Queue R 10 + 8 [a]", "expected an action (Q, D, C, …), got 'Queue'"},
        BadLine{"8,0 0 2 0.6",
                "expected an event line 'maj,min cpu seq seconds pid action …', got '8,0 0 2 0.6'"},
        BadLine{"8,x 0 2 0.6 1 Q R 10 + 8 [a]",
                "expected a device maj,min (major < 4096, minor < 2^20), got '8,x'"},
        BadLine{"4096,0 0 2 0.6 1 Q R 10 + 8 [a]",
                "expected a device maj,min (major < 4096, minor < 2^20), got '4096,0'"},
        BadLine{"8,0 0 2 0.6 1 Q R 36028797018963968 + 8 [a]",
                "expected a sector whose byte count fits in 64 bits, got '36028797018963968'"},
        BadLine{"8,0 0 2 0.6 1 Q R 0 + 2147483649 [a]",
                "expected a length of at most 1 TiB (absurd size), got '2147483649'"}));

}  // namespace
}  // namespace iosched
