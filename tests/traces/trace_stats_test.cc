// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/trace_stats.h"

#include "gtest/gtest.h"

namespace iosched {
namespace {

TraceRecord R(int64_t t, uint64_t off, uint64_t len, TraceOp op,
              std::optional<uint32_t> stream = std::nullopt, uint32_t dev = 0) {
  TraceRecord r;
  r.time_ns = t;
  r.offset = off;
  r.length = len;
  r.op = op;
  r.stream = stream;
  r.device = dev;
  return r;
}

TEST(TraceStatsTest, CountsSizesSequentialityAndStreams) {
  TraceStatsBuilder b;
  b.Add(R(100, 0, 4096, TraceOp::kRead, 1));
  b.Add(R(200, 1 << 20, 512, TraceOp::kWrite, 2));
  b.Add(R(150, 4096, 4096, TraceOp::kRead, 1));  // sequential for stream 1, out of order
  b.Add(R(300, (1 << 20) + 512, 8192, TraceOp::kWrite, 2, 3));  // sequential for stream 2
  b.Add(R(400, (1 << 20) + 8704, 1000, TraceOp::kRead));        // globally sequential
  const TraceStats& s = b.stats();
  EXPECT_EQ(s.records, 5u);
  EXPECT_EQ(s.reads, 3u);
  EXPECT_EQ(s.writes, 2u);
  EXPECT_EQ(s.read_bytes, 4096u + 4096 + 1000);
  EXPECT_EQ(s.write_bytes, 512u + 8192);
  EXPECT_EQ(s.duration_ns(), 300);
  EXPECT_EQ(s.out_of_order, 1u);
  EXPECT_EQ(s.min_offset, 0u);
  EXPECT_EQ(s.max_end, (1u << 20) + 8704 + 1000);
  EXPECT_EQ(s.size_histogram[12], 2u);  // [4 KiB, 8 KiB)
  EXPECT_EQ(s.size_histogram[9], 2u);   // 512 and 1000
  EXPECT_EQ(s.size_histogram[13], 1u);  // 8 KiB
  EXPECT_EQ(s.sequential_per_stream, 2u);
  EXPECT_EQ(s.sequential_global, 1u);
  EXPECT_EQ(s.with_stream, 4u);
  ASSERT_EQ(s.streams.size(), 2u);
  EXPECT_EQ(s.streams.at(1).records, 2u);
  EXPECT_EQ(s.streams.at(1).sequential, 1u);
  EXPECT_EQ(s.streams.at(2).bytes, 512u + 8192);
  EXPECT_EQ(s.devices.size(), 2u);
  EXPECT_EQ(s.devices.at(3).records, 1u);
}

TEST(TraceStatsTest, TablesStopGrowing) {
  TraceStatsBuilder b;
  for (uint32_t i = 0; i < kMaxTrackedKeys + 10; ++i) b.Add(R(i, 0, 512, TraceOp::kRead, i, i));
  EXPECT_EQ(b.stats().streams.size(), kMaxTrackedKeys);
  EXPECT_EQ(b.stats().untracked_streams, 10u);
  EXPECT_EQ(b.stats().untracked_devices, 10u);
}

}  // namespace
}  // namespace iosched
