// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace writers: exact output for one format, and write → read round trips
// for every writable format (each keeps what trace_writer.h says it keeps).

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_writer.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadAll;
using ::iosched::testing::ReadMemory;
using ::iosched::testing::ReadResult;
using ::iosched::testing::TempFile;
using ::testing::HasSubstr;

absl::StatusOr<std::string> WriteAll(const std::vector<TraceRecord>& records,
                                     TraceWriterOptions o) {
  std::string out;
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriterToString(&out, o);
  if (!w.ok()) return w.status();
  for (const TraceRecord& r : records) {
    if (absl::Status s = (*w)->Write(r); !s.ok()) return s;
  }
  if (absl::Status s = (*w)->Finish(); !s.ok()) return s;
  return out;
}

std::vector<TraceRecord> Sample() {
  std::vector<TraceRecord> v;
  const int64_t times[] = {0, 1500, 2'000'001'000, 2'000'001'234, 7'000'000'000};
  for (int i = 0; i < 5; ++i) {
    TraceRecord r;
    r.time_ns = times[i];
    r.op = i % 2 == 0 ? TraceOp::kRead : TraceOp::kWrite;
    r.offset = uint64_t(1000 + i) * 512;
    r.length = uint64_t(8 + i) * 512;
    r.device = i == 3 ? 2 : 0;
    r.stream = 100 + i;
    if (i == 1) r.think_ns = 42;
    if (i == 2) r.response_ns = 777;
    r.line = i + 1;
    v.push_back(r);
  }
  return v;
}

TEST(TraceWriterTest, NativeCsvExactText) {
  TraceRecord r;
  r.time_ns = 5;
  r.op = TraceOp::kWrite;
  r.offset = 4096;
  r.length = 512;
  r.stream = 3;
  r.response_ns = 10;
  absl::StatusOr<std::string> out = WriteAll({r}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out,
            "# iosched trace v1 time_unit=ns\n"
            "time_ns,op,offset,length,stream,think_ns,response_ns\n"
            "5,W,4096,512,3,,10\n");
  TraceWriterOptions dev;
  dev.device_column = true;
  EXPECT_THAT(*WriteAll({r}, dev), HasSubstr("response_ns,device\n5,W,4096,512,3,,10,0\n"));
  // ioprio_column: the column (after device) even if the first record has
  // none; later records' priorities are written.
  TraceWriterOptions prio;
  prio.ioprio_column = true;
  TraceRecord rt = r;
  rt.ioprio = TraceIoPrio{TraceIoClass::kRealTime, 2};
  EXPECT_THAT(*WriteAll({r, rt}, prio),
              HasSubstr("response_ns,device,ioprio\n5,W,4096,512,3,,10,0,\n5,W,4096,512,3,,10,0,"
                        "rt:2\n"));
  EXPECT_THAT(*WriteAll({}, prio), HasSubstr("response_ns,device,ioprio\n"));
  // An empty trace still has its two header lines.
  EXPECT_EQ(*WriteAll({}, {}),
            "# iosched trace v1 time_unit=ns\n"
            "time_ns,op,offset,length,stream,think_ns,response_ns\n");
}

TEST(TraceWriterTest, OtherFormatsExactText) {
  std::vector<TraceRecord> one = {Sample()[1]};
  one[0].time_ns = 1'234'567'891;
  TraceWriterOptions o;
  o.format = "spc";
  EXPECT_EQ(*WriteAll(one, o), "0,1001,4608,w,1.234567891\n");
  o.format = "disksim";
  EXPECT_EQ(*WriteAll(one, o), "1234.567891 0 1001 9 0\n");
  o.format = "blkparse";
  EXPECT_EQ(*WriteAll(one, o),
            "  0,0    0        1     1.234567891   101  Q   W 1001 + 9 [iosched]\n");
  o.format = "fio";
  o.fio_file = "/dev/sdz";
  EXPECT_EQ(*WriteAll(one, o),
            "fio version 3 iolog\n1234567 /dev/sdz add\n1234567 /dev/sdz open\n"
            "1234567 /dev/sdz write 512512 4608\n1234567 /dev/sdz close\n");
  o.format = "fio-v2";
  EXPECT_EQ(*WriteAll(one, o),
            "fio version 2 iolog\n/dev/sdz add\n/dev/sdz open\n/dev/sdz wait 1234 0\n"
            "/dev/sdz write 512512 4608\n/dev/sdz close\n");
}

struct RoundTrip {
  const char* format;
  bool keeps_stream;
  bool keeps_device;
  int64_t time_unit_ns;  // resolution the format keeps
};

class WriterRoundTripTest : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(WriterRoundTripTest, ReadsBackWhatItWrote) {
  const RoundTrip& p = GetParam();
  TraceWriterOptions o;
  o.format = p.format;
  o.device_column = true;
  absl::StatusOr<std::string> out = WriteAll(Sample(), o);
  ASSERT_TRUE(out.ok()) << out.status();
  ReadResult r = ReadMemory(*out, "auto");
  ASSERT_TRUE(r.status.ok()) << p.format << ": " << r.status << "\n" << *out;
  const std::string expected_format = std::string(p.format) == "fio" ? "fio-v3" : p.format;
  EXPECT_EQ(r.format, expected_format);
  const std::vector<TraceRecord> in = Sample();
  ASSERT_EQ(r.records.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(absl::StrCat(p.format, " record ", i));
    const int64_t unit = p.time_unit_ns;
    EXPECT_EQ(r.records[i].time_ns, in[i].time_ns / unit * unit);
    EXPECT_EQ(r.records[i].op, in[i].op);
    EXPECT_EQ(r.records[i].offset, in[i].offset);
    EXPECT_EQ(r.records[i].length, in[i].length);
    if (p.keeps_stream) {
      EXPECT_EQ(r.records[i].stream, in[i].stream);
    }
    if (p.keeps_device) {
      EXPECT_EQ(r.records[i].device, in[i].device);
    }
  }
  if (std::string(p.format) == "iosched-csv" || std::string(p.format) == "iosched-bin") {
    EXPECT_EQ(r.records[1].think_ns, 42);
    EXPECT_EQ(r.records[2].response_ns, 777);
    EXPECT_FALSE(r.records[0].think_ns.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, WriterRoundTripTest,
                         ::testing::Values(RoundTrip{"iosched-csv", true, true, 1},
                                           RoundTrip{"iosched-bin", true, true, 1},
                                           RoundTrip{"spc", false, true, 1},
                                           RoundTrip{"disksim", false, true, 1},
                                           RoundTrip{"blkparse", true, true, 1},
                                           RoundTrip{"fio", false, false, 1000},
                                           RoundTrip{"fio-v2", false, false, 1'000'000}),
                         [](const auto& info) {
                           std::string n = info.param.format;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(TraceWriterTest, FioDevicesBecomeFilesInFirstUseOrder) {
  std::vector<TraceRecord> v = Sample();
  TraceWriterOptions o;
  o.format = "fio-v3";
  absl::StatusOr<std::string> out = WriteAll(v, o);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, HasSubstr("/dev/iosched0.2 add"));
  ReadResult r = ReadMemory(*out, "fio");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records[3].device, 1u);  // second file added
}

TEST(TraceWriterTest, UnrepresentableRecordsAreErrorsNamingTheRecord) {
  TraceRecord r = Sample()[0];
  r.offset = 100;
  r.line = 17;
  TraceWriterOptions o;
  o.format = "blkparse";
  EXPECT_EQ(Message(WriteAll({r}, o).status()),
            "<string>: record 1 (input line 17): expected an offset that is a multiple of 512 "
            "bytes (blkparse stores 512-byte sectors), got 100");
  r.offset = 512;
  r.length = 100;
  o.format = "disksim";
  EXPECT_THAT(Message(WriteAll({r}, o).status()),
              HasSubstr("expected a length that is a multiple of 512 bytes"));
  o.format = "spc";  // SPC sizes are bytes
  EXPECT_TRUE(WriteAll({r}, o).ok());
  r.time_ns = -1000;
  o.format = "iosched-csv";
  EXPECT_THAT(Message(WriteAll({r}, o).status()),
              HasSubstr("expected a time >= 0 (records older than the trace's first one: sort "
                        "the input first, --sort-window), got -1000 ns"));
}

TEST(TraceWriterTest, UnknownAndReadOnlyFormats) {
  TraceWriterOptions o;
  o.format = "msr";
  EXPECT_THAT(Message(WriteAll({}, o).status()),
              HasSubstr("cannot write trace format 'msr'; writable formats: spc, blkparse, "
                        "fio-v2, fio-v3, disksim, iosched-csv, iosched-bin"));
  o.format = "nonsense";
  EXPECT_THAT(Message(WriteAll({}, o).status()), HasSubstr("unknown trace format 'nonsense'"));
}

TEST(TraceWriterTest, CompressedOutputByNameReadsBack) {
  for (const char* ext : {".gz", ".xz", ".bz2", ".zst"}) {
    SCOPED_TRACE(ext);
    TempFile tmp("");
    const std::string path = tmp.path() + ext;
    TraceWriterOptions o;
    o.format = "iosched-bin";
    absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriter(path, o);
    ASSERT_TRUE(w.ok()) << w.status();
    for (const TraceRecord& r : Sample()) ASSERT_TRUE((*w)->Write(r).ok());
    ASSERT_TRUE((*w)->Finish().ok());
    TraceReadOptions ro;
    ReadResult r = ReadAll(path, ro);
    ::unlink(path.c_str());
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_EQ(r.format, "iosched-bin");
    EXPECT_EQ(r.records.size(), 5u);
    EXPECT_EQ(r.records[4].time_ns, 7'000'000'000);
  }
}

TEST(TraceWriterTest, UncreatableOutputNamesPath) {
  absl::StatusOr<std::unique_ptr<TraceWriter>> w =
      OpenTraceWriter("/nonexistent-dir/x.csv", TraceWriterOptions{});
  EXPECT_EQ(Message(w.status()),
            "/nonexistent-dir/x.csv: cannot create: No such file or directory");
}

}  // namespace
}  // namespace iosched
