// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Stream names (TraceReader::stream_name): blkparse's Q-event commands and
// FIU's process names, through pipelines and merges, kept by the blkparse
// writer, bounded in number and length.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"
#include "iosched/trace_writer.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::FileExists;
using ::iosched::testing::SharedTrace;

// Opens `data` as `format` and reads it to the end.
std::unique_ptr<TraceReader> ReadToEnd(const std::string& data, const std::string& format,
                                       size_t* records = nullptr) {
  TraceReadOptions o;
  o.format = format;
  absl::StatusOr<std::unique_ptr<TraceReader>> r = OpenTraceFromMemory("mem", data, o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return nullptr;
  TraceRecord rec;
  size_t n = 0;
  while (true) {
    absl::StatusOr<bool> more = (*r)->Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    ++n;
  }
  if (records != nullptr) *records = n;
  return *std::move(r);
}

constexpr char kBlkparse[] =
    "  8,16   5        2     0.000001850 18615  Q   R 1444645666 + 256 [java]\n"
    "  8,16   5        3     0.000006438 18615  G   R 1444645666 + 256 [java]\n"
    "  8,16   2        9     0.000020000  1234  Q  WS 100 + 8 [flush-8:16]\n"
    "  8,16   3        1     0.003000000    42  Q  RA 1000 + 8 [Web Content]\n"
    "  8,16   1       12     0.003000030   555  Q   D 4096 + 2048 [fstrim]\n"
    "  8,16   0       14     0.004000000     7  C   R 1444645666 + 256 [kworker]\n"
    "  8,16   3        2     0.005000000    42  Q   R 2000 + 8 [a]b]\n";

TEST(StreamNamesTest, BlkparseNamesThePidOfEachQueueEvent) {
  size_t n = 0;
  std::unique_ptr<TraceReader> r = ReadToEnd(kBlkparse, "blkparse", &n);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(r->stream_name(18615), "java");
  EXPECT_EQ(r->stream_name(1234), "flush-8:16");
  // Pid 42 was "Web Content" (a blank inside), then queued again as "a]b":
  // the latest name wins, brackets inside are kept.
  EXPECT_EQ(r->stream_name(42), "a]b");
  // A discard's pid (not a record) and a completion's pid are not named.
  EXPECT_EQ(r->stream_name(555), "");
  EXPECT_EQ(r->stream_name(7), "");
  EXPECT_EQ(r->stream_name(99999), "");
}

TEST(StreamNamesTest, NamesAreVisibleWhileReading) {
  TraceReadOptions o;
  o.format = "blkparse";
  absl::StatusOr<std::unique_ptr<TraceReader>> r = OpenTraceFromMemory("mem", kBlkparse, o);
  ASSERT_TRUE(r.ok()) << r.status();
  TraceRecord rec;
  ASSERT_TRUE(*(*r)->Next(&rec));
  EXPECT_EQ((*r)->stream_name(*rec.stream), "java");
  EXPECT_EQ((*r)->stream_name(1234), "");  // not read yet
  ASSERT_TRUE(*(*r)->Next(&rec));
  EXPECT_EQ((*r)->stream_name(*rec.stream), "flush-8:16");
  ASSERT_TRUE(*(*r)->Next(&rec));
  EXPECT_EQ((*r)->stream_name(42), "Web Content");
}

TEST(StreamNamesTest, FiuProcessNames) {
  std::unique_ptr<TraceReader> r = ReadToEnd(
      "89966527996712 4253 nfsd 508516680 8 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n"
      "89966528039628 0 swapper 16 16 R 6 3 57DB00A2A67CA70D33789A784D37729D\n"
      "89966528039700 99 my proc 2 8 r 6 1 442aacdb6ea1684f2aebf339de201f12\n",
      "fiu");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->stream_name(4253), "nfsd");
  EXPECT_EQ(r->stream_name(0), "swapper");
  EXPECT_EQ(r->stream_name(99), "my proc");
}

TEST(StreamNamesTest, FormatsWithoutNamesReturnEmpty) {
  std::unique_ptr<TraceReader> r = ReadToEnd(
      "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length,stream,think_ns,response_ns\n"
      "5,R,0,512,3,,\n",
      "iosched-csv");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->stream_name(3), "");
}

TEST(StreamNamesTest, BoundedInCountAndLength) {
  std::string data;
  const std::string long_name(kMaxStreamNameLength + 20, 'x');
  data += absl::StrCat("1 1 ", long_name, " 0 8 R 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n");
  const uint32_t pids = static_cast<uint32_t>(kMaxStreamNames) + 100;
  for (uint32_t pid = 2; pid <= pids; ++pid) {
    data += absl::StrCat(pid, " ", pid, " p", pid, " 0 8 R 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n");
  }
  size_t n = 0;
  std::unique_ptr<TraceReader> r = ReadToEnd(data, "fiu", &n);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(n, pids);
  EXPECT_EQ(r->stream_name(1), long_name.substr(0, kMaxStreamNameLength));
  EXPECT_EQ(r->stream_name(2), "p2");
  EXPECT_EQ(r->stream_name(static_cast<uint32_t>(kMaxStreamNames)),
            absl::StrCat("p", kMaxStreamNames));
  EXPECT_EQ(r->stream_name(pids), "");  // beyond the table: unnamed
}

TEST(StreamNamesTest, PipelineMapsMergedStreamsBackToTheirInput) {
  std::vector<std::unique_ptr<TraceReader>> inputs;
  for (const char* text : {"  8,16   5   2   0.000001850 18615  Q   R 16 + 8 [java]\n",
                           "  8,16   5   2   0.000001000 18615  Q   W 32 + 8 [kjournald]\n"}) {
    TraceReadOptions o;
    o.format = "blkparse";
    absl::StatusOr<std::unique_ptr<TraceReader>> r = OpenTraceFromMemory("mem", text, o);
    ASSERT_TRUE(r.ok()) << r.status();
    inputs.push_back(*std::move(r));
  }
  absl::StatusOr<std::unique_ptr<TracePipeline>> p =
      MakeTracePipeline(std::move(inputs), TraceTransform());
  ASSERT_TRUE(p.ok()) << p.status();
  TraceRecord rec;
  std::vector<uint32_t> streams;
  while (*(*p)->Next(&rec)) streams.push_back(*rec.stream);
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ((*p)->stream_name(18615), "java");                    // input 0
  EXPECT_EQ((*p)->stream_name((1u << 24) | 18615), "kjournald");  // input 1
  EXPECT_EQ((*p)->stream_name(5u << 24), "");                     // no such input
}

TEST(StreamNamesTest, BlkparseWriterKeepsNamesAndDefaultsToIosched) {
  std::unique_ptr<TraceReader> in = ReadToEnd(kBlkparse, "blkparse");
  ASSERT_NE(in, nullptr);
  TraceRecord rec;
  rec.op = TraceOp::kRead;
  rec.offset = 4096;
  rec.length = 4096;
  for (const bool with_names : {true, false}) {
    SCOPED_TRACE(with_names);
    std::string out;
    TraceWriterOptions wo;
    wo.format = "blkparse";
    if (with_names) wo.stream_names = in.get();
    absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriterToString(&out, wo);
    ASSERT_TRUE(w.ok()) << w.status();
    rec.stream = 1234;
    ASSERT_TRUE((*w)->Write(rec).ok());
    rec.stream = 42;
    ASSERT_TRUE((*w)->Write(rec).ok());
    rec.stream.reset();
    ASSERT_TRUE((*w)->Write(rec).ok());
    ASSERT_TRUE((*w)->Finish().ok());
    std::unique_ptr<TraceReader> back = ReadToEnd(out, "blkparse");
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->stream_name(1234), with_names ? "flush-8:16" : "iosched");
    EXPECT_EQ(back->stream_name(42), with_names ? "a]b" : "iosched");
    EXPECT_EQ(back->stream_name(0), "iosched");
  }
}

TEST(StreamNamesTest, SharedHadoopBlkparseCommands) {
  const std::string path = SharedTrace("blkparse_hadoop_cfq-blktrace.txt.xz");
  if (!FileExists(path)) GTEST_SKIP() << "shared trace folder absent: " << path;
  absl::StatusOr<std::unique_ptr<TraceReader>> r = OpenTrace(path);
  ASSERT_TRUE(r.ok()) << r.status();
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*r)->Next(&rec);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
  }
  // SOURCES.md: pid + comm such as flush-8:16, jbd2/sdb1-8, java.
  EXPECT_EQ((*r)->stream_name(16766), "flush-8:16");
  EXPECT_EQ((*r)->stream_name(1199), "jbd2/sdb1-8");
  EXPECT_EQ((*r)->stream_name(18615), "java");
}

}  // namespace
}  // namespace iosched
