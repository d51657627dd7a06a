// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// TraceReader::NextBatch against Next, record by record: the bundled real
// traces through the text reader and through pipelines with every kind of
// transform, batch sizes from 1 up, the pipeline's counters, and errors in
// the middle of a batch (a bad line, a transform that fails).

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::BundledTrace;
using ::iosched::testing::TempFile;

struct Read {
  std::vector<TraceRecord> records;
  absl::Status status;  // the error that ended the read, if any
  absl::Status again;   // what the reader said after it
};

bool Same(const TraceRecord& a, const TraceRecord& b) {
  return a.time_ns == b.time_ns && a.op == b.op && a.offset == b.offset && a.length == b.length &&
         a.device == b.device && a.stream == b.stream && a.response_ns == b.response_ns &&
         a.think_ns == b.think_ns && a.line == b.line;
}

Read ByRecord(TraceReader& r) {
  Read out;
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = r.Next(&rec);
    if (!more.ok()) {
      out.status = more.status();
      absl::StatusOr<bool> again = r.Next(&rec);
      out.again = again.ok() ? absl::OkStatus() : again.status();
      return out;
    }
    if (!*more) return out;
    out.records.push_back(rec);
  }
}

Read ByBatch(TraceReader& r, size_t batch) {
  Read out;
  std::vector<TraceRecord> buf(batch);
  while (true) {
    absl::StatusOr<size_t> n = r.NextBatch(buf.data(), batch);
    if (!n.ok()) {
      out.status = n.status();
      absl::StatusOr<size_t> again = r.NextBatch(buf.data(), batch);
      out.again = again.ok() ? absl::OkStatus() : again.status();
      return out;
    }
    EXPECT_LE(*n, batch);
    if (*n == 0) return out;
    out.records.insert(out.records.end(), buf.begin(), buf.begin() + static_cast<ptrdiff_t>(*n));
  }
}

void ExpectSame(const Read& want, const Read& got, const std::string& what) {
  ASSERT_EQ(got.records.size(), want.records.size()) << what;
  for (size_t i = 0; i < want.records.size(); ++i) {
    ASSERT_TRUE(Same(got.records[i], want.records[i])) << what << " record " << i;
  }
  EXPECT_EQ(got.status, want.status) << what;
  EXPECT_EQ(got.again, want.again) << what;
}

absl::StatusOr<std::unique_ptr<TraceReader>> Open(const std::string& path, const char* format) {
  TraceReadOptions o;
  o.format = format;
  return OpenTrace(path, o);
}

TEST(NextBatchTest, ReadersGiveWhatNextGives) {
  struct Trace {
    std::string path;
    const char* format;
  };
  const Trace traces[] = {
      {BundledTrace("disksim-hp_c2247a.trace"), "validate"},
      {BundledTrace("mqsim_umass_websearch-wsrch-small.trace"), "mqsim"},
      {BundledTrace("msr_hm0-msr-cambridge1-sample.csv"), "msr"},
  };
  for (const Trace& t : traces) {
    auto a = Open(t.path, t.format);
    ASSERT_TRUE(a.ok()) << a.status();
    const Read want = ByRecord(**a);
    ASSERT_GT(want.records.size(), 500u) << t.path;
    for (const size_t batch : {1, 2, 7, 64, 100000}) {
      auto b = Open(t.path, t.format);
      ASSERT_TRUE(b.ok());
      ExpectSame(want, ByBatch(**b, batch), t.path + " batch " + std::to_string(batch));
    }
  }
}

TEST(NextBatchTest, PipelinesGiveWhatNextGives) {
  const std::string path = BundledTrace("msr_hm0-msr-cambridge1-sample.csv");
  TraceReadOptions read;
  read.format = "msr";
  std::vector<TraceTransform> transforms(9);
  transforms[1].skip_reads = true;
  transforms[2].devices = {0};
  transforms[3].streams = {0};
  transforms[4].window_start_ns = 1'000'000'000;
  transforms[4].window_end_ns = 60'000'000'000;
  transforms[5].time_scale = 0.05;
  transforms[6].offset_modulo = uint64_t{1} << 30;
  transforms[6].offset_align = 4096;
  transforms[7].max_records = 123;
  transforms[8].sort_window = 16;  // record by record inside
  for (size_t i = 0; i < transforms.size(); ++i) {
    for (const size_t batch : {1, 5, 64}) {
      auto a = OpenTracePipeline({path}, read, transforms[i]);
      auto b = OpenTracePipeline({path}, read, transforms[i]);
      ASSERT_TRUE(a.ok() && b.ok()) << i;
      const Read want = ByRecord(**a);
      const std::string what = "transform " + std::to_string(i) + " batch " + std::to_string(batch);
      ExpectSame(want, ByBatch(**b, batch), what);
      const TracePipelineStats& sa = (*a)->stats();
      const TracePipelineStats& sb = (*b)->stats();
      EXPECT_EQ(sb.read, sa.read) << what;
      EXPECT_EQ(sb.emitted, sa.emitted) << what;
      EXPECT_EQ(sb.out_of_order, sa.out_of_order) << what;
      EXPECT_EQ(sb.dropped_op + sb.dropped_device + sb.dropped_stream + sb.dropped_window,
                sa.dropped_op + sa.dropped_device + sa.dropped_stream + sa.dropped_window)
          << what;
      EXPECT_EQ(sb.offsets_wrapped, sa.offsets_wrapped) << what;
    }
  }
}

TEST(NextBatchTest, PipelineCountsDisorderAsNextDoes) {
  // Records out of time order, some of them dropped by the selection: the
  // disorder is counted among the records kept, as Next counts it.
  const TempFile file(
      "2.5 0 16 8 1\n1.5 0 32 8 0\n0.5 0 48 8 1\n3.5 0 64 8 1\n"
      "3.0 0 80 8 0\n4.5 0 96 8 1\n");
  TraceReadOptions read;
  read.format = "disksim";
  for (const bool skip_writes : {false, true}) {
    TraceTransform t;
    t.skip_writes = skip_writes;
    for (const size_t batch : {1, 2, 64}) {
      auto a = OpenTracePipeline({file.path()}, read, t);
      auto b = OpenTracePipeline({file.path()}, read, t);
      ASSERT_TRUE(a.ok() && b.ok());
      const Read want = ByRecord(**a);
      ExpectSame(want, ByBatch(**b, batch), "batch " + std::to_string(batch));
      EXPECT_GT((*a)->stats().out_of_order, 0u);
      EXPECT_EQ((*b)->stats().out_of_order, (*a)->stats().out_of_order) << batch;
      EXPECT_EQ((*b)->stats().dropped_op, (*a)->stats().dropped_op) << batch;
    }
  }
}

TEST(NextBatchTest, AnErrorInABatchComesAfterTheRecordsBeforeIt) {
  // Line 5 is bad: four records, then the error (and again the error).
  const TempFile file(
      "0.5 0 16 8 1\n1.5 0 32 8 0\n2.5 0 48 8 1\n3.5 0 64 8 1\n4.5 0 x 8 1\n"
      "5.5 0 80 8 1\n");
  for (const size_t batch : {1, 3, 4, 64}) {
    auto a = Open(file.path(), "disksim");
    auto b = Open(file.path(), "disksim");
    ASSERT_TRUE(a.ok() && b.ok());
    const Read want = ByRecord(**a);
    ASSERT_EQ(want.records.size(), 4u);
    ASSERT_FALSE(want.status.ok());
    ExpectSame(want, ByBatch(**b, batch), "batch " + std::to_string(batch));
  }
  // The same through a pipeline, and a transform that fails at record 3: a
  // 16 KiB request under a 8 KiB offset modulo.
  const TempFile big("0.5 0 16 8 1\n1.5 0 32 8 0\n2.5 0 48 32 1\n3.5 0 64 8 1\n");
  TraceReadOptions read;
  read.format = "disksim";
  TraceTransform t;
  t.offset_modulo = 8192;
  for (const size_t batch : {1, 2, 64}) {
    auto a = OpenTracePipeline({big.path()}, read, t);
    auto b = OpenTracePipeline({big.path()}, read, t);
    ASSERT_TRUE(a.ok() && b.ok());
    const Read want = ByRecord(**a);
    ASSERT_EQ(want.records.size(), 2u);
    ASSERT_FALSE(want.status.ok());
    ExpectSame(want, ByBatch(**b, batch), "modulo batch " + std::to_string(batch));
  }
}

}  // namespace
}  // namespace iosched
