// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace pipelines: selection, sorting within a window, merging, time
// window and scale, offset remapping.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"
#include "traces/test_util.h"
#include "vector_trace_reader.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::TempFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TraceRecord R(int64_t t, uint64_t off = 0, TraceOp op = TraceOp::kRead, uint32_t dev = 0,
              std::optional<uint32_t> stream = std::nullopt) {
  TraceRecord r;
  r.time_ns = t;
  r.offset = off;
  r.length = 4096;
  r.op = op;
  r.device = dev;
  r.stream = stream;
  return r;
}

struct Out {
  absl::Status status;
  std::vector<TraceRecord> records;
  TracePipelineStats stats;
};

Out RunPipeline(std::vector<std::vector<TraceRecord>> inputs, const TraceTransform& t) {
  std::vector<std::unique_ptr<TraceReader>> readers;
  for (auto& v : inputs) readers.push_back(std::make_unique<testing_util::VectorTraceReader>(std::move(v)));
  Out out;
  absl::StatusOr<std::unique_ptr<TracePipeline>> p = MakeTracePipeline(std::move(readers), t);
  if (!p.ok()) {
    out.status = p.status();
    return out;
  }
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*p)->Next(&rec);
    if (!more.ok()) {
      out.status = more.status();
      break;
    }
    if (!*more) break;
    out.records.push_back(rec);
  }
  out.stats = (*p)->stats();
  return out;
}

std::vector<int64_t> Times(const Out& o) {
  std::vector<int64_t> v;
  for (const TraceRecord& r : o.records) v.push_back(r.time_ns);
  return v;
}

TEST(TracePipelineTest, IdentityCountsDisorderWithoutSorting) {
  Out o = RunPipeline({{R(0), R(10), R(5), R(20), R(15)}}, {});
  ASSERT_TRUE(o.status.ok());
  EXPECT_THAT(Times(o), ElementsAre(0, 10, 5, 20, 15));
  EXPECT_EQ(o.stats.out_of_order, 2u);
  EXPECT_EQ(o.stats.emitted, 5u);
}

TEST(TracePipelineTest, SortWindowSortsAndRebases) {
  TraceTransform t;
  t.sort_window = 2;
  // The first record is not the earliest (Tencent-style).
  Out o = RunPipeline({{R(1000), R(0), R(500), R(3000), R(2000), R(2500)}}, t);
  ASSERT_TRUE(o.status.ok());
  EXPECT_THAT(Times(o), ElementsAre(0, 500, 1000, 2000, 2500, 3000));
  EXPECT_EQ(o.stats.late, 0u);
}

TEST(TracePipelineTest, DisorderBeyondTheWindowIsLateAndClamped) {
  TraceTransform t;
  t.sort_window = 1;
  Out o = RunPipeline({{R(100), R(200), R(300), R(0)}}, t);
  ASSERT_TRUE(o.status.ok());
  // Window of 1: two records are held, so 100 (re-based to 0) and 200 are
  // emitted before 0 is seen; 0 comes late and is moved to the last emitted
  // time.
  EXPECT_THAT(Times(o), ElementsAre(0, 100, 100, 200));
  EXPECT_EQ(o.stats.late, 1u);
}

TEST(TracePipelineTest, Selection) {
  std::vector<TraceRecord> in = {R(0, 0, TraceOp::kRead, 1, 7), R(1, 0, TraceOp::kWrite, 1, 8),
                                 R(2, 0, TraceOp::kRead, 2, 7), R(3, 0, TraceOp::kRead, 1)};
  TraceTransform t;
  t.skip_writes = true;
  t.devices = {1};
  Out o = RunPipeline({in}, t);
  EXPECT_THAT(Times(o), ElementsAre(0, 3));
  EXPECT_EQ(o.stats.dropped_op, 1u);
  EXPECT_EQ(o.stats.dropped_device, 1u);
  TraceTransform s;
  s.streams = {7};
  Out os = RunPipeline({in}, s);
  EXPECT_THAT(Times(os), ElementsAre(0, 2));  // a record without stream is dropped
  EXPECT_EQ(os.stats.dropped_stream, 2u);
}

TEST(TracePipelineTest, MergeInterleavesByTimeAndSeparatesStreams) {
  Out o = RunPipeline(
      {{R(0, 1, TraceOp::kRead, 0, 5), R(20, 2)}, {R(10, 3, TraceOp::kRead, 0, 5), R(20, 4)}}, {});
  ASSERT_TRUE(o.status.ok());
  EXPECT_THAT(Times(o), ElementsAre(0, 10, 20, 20));
  EXPECT_EQ(o.records[0].stream, 5u);
  EXPECT_EQ(o.records[1].stream, (1u << 24) | 5u);
  EXPECT_EQ(o.records[2].offset, 2u);  // tie: the earlier input first
  EXPECT_EQ(o.records[2].stream, 0u);
  EXPECT_EQ(o.records[3].stream, 1u << 24);
}

TEST(TracePipelineTest, TimeWindowAndScale) {
  TraceTransform t;
  t.window_start_ns = 100;
  t.window_end_ns = 300;
  t.time_scale = 0.5;
  TraceRecord a = R(150);
  a.think_ns = 40;
  a.response_ns = 40;
  Out o = RunPipeline({{R(0), a, R(299), R(300), R(120)}}, t);
  ASSERT_TRUE(o.status.ok());
  EXPECT_THAT(Times(o), ElementsAre(25, 100, 10));  // (t - 100) × 0.5; 120 comes back in
  EXPECT_EQ(o.records[0].think_ns, 20);
  EXPECT_EQ(o.records[0].response_ns, 40);  // a measurement: not scaled
  EXPECT_EQ(o.stats.dropped_window, 2u);
}

TEST(TracePipelineTest, OffsetRemap) {
  TraceTransform t;
  t.offset_scale = 0.5;
  t.offset_modulo = 1 << 20;
  t.offset_align = 4096;
  Out o = RunPipeline({{R(0, 10000), R(1, (3u << 20) + 8192), R(2, (1u << 21) - 100)}}, t);
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.records[0].offset, 4096u);              // 5000 aligned down
  EXPECT_EQ(o.records[1].offset, (1u << 19) + 4096);  // 1.5 MiB + 4 KiB → mod 1 MiB
  // (2 MiB - 100) / 2 = 1 MiB - 50: would cross the end → moved to end there.
  EXPECT_EQ(o.records[2].offset, (1u << 20) - 4096);
  EXPECT_EQ(o.stats.offsets_wrapped, 2u);

  TraceTransform small;
  small.offset_modulo = 1024;
  EXPECT_THAT(Message(RunPipeline({{R(0)}}, small).status),
              HasSubstr("exceeds the offset modulo capacity"));
}

TEST(TracePipelineTest, MaxRecords) {
  TraceTransform t;
  t.max_records = 2;
  EXPECT_THAT(Times(RunPipeline({{R(0), R(1), R(2)}}, t)), ElementsAre(0, 1));
}

TEST(TracePipelineTest, BadTransformsAreRejected) {
  TraceTransform t;
  t.time_scale = 0;
  EXPECT_THAT(Message(ValidateTraceTransform(t)), HasSubstr("time scale must be > 0"));
  t = {};
  t.window_start_ns = 10;
  t.window_end_ns = 5;
  EXPECT_THAT(Message(ValidateTraceTransform(t)), HasSubstr("must be after its start"));
  t = {};
  t.sort_window = kMaxSortWindow + 1;
  EXPECT_THAT(Message(ValidateTraceTransform(t)), HasSubstr("sort window must be at most"));
  t = {};
  t.skip_reads = t.skip_writes = true;
  EXPECT_FALSE(ValidateTraceTransform(t).ok());
  t = {};
  t.offset_modulo = 1000;
  t.offset_align = 512;
  EXPECT_THAT(Message(ValidateTraceTransform(t)), HasSubstr("multiple of the alignment"));
}

TEST(TracePipelineTest, OpensFilesAndSumsCounters) {
  TempFile a("0,1,8,r,0.5\nbad line\n0,2,8,w,0.6\n");
  TempFile b("0,9,8,r,0.55\n");
  TraceReadOptions ro;
  ro.format = "spc";
  ro.skip_bad_lines = true;
  absl::StatusOr<std::unique_ptr<TracePipeline>> p =
      OpenTracePipeline({a.path(), b.path()}, ro, {});
  ASSERT_TRUE(p.ok()) << p.status();
  TraceRecord rec;
  std::vector<uint64_t> offsets;
  while (*(*p)->Next(&rec)) offsets.push_back(rec.offset / 512);
  EXPECT_THAT(offsets, ElementsAre(1, 9, 2));
  EXPECT_EQ((*p)->bad_lines(), 1u);
  EXPECT_THAT(std::string((*p)->first_bad_line()), HasSubstr(a.path() + ":2:"));
  EXPECT_EQ((*p)->format(), "spc");
  EXPECT_EQ((*p)->inputs(), 2u);
}

}  // namespace
}  // namespace iosched
