// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Timeline and SeekHistogram (timeline.h): bins stay bounded whatever the
// run's length, sums survive the width doubling, and the pending integral
// equals the time-weighted pending count.

#include "iosched/timeline.h"

#include "gtest/gtest.h"

namespace iosched {
namespace {

TEST(Timeline, BinsAreBoundedAndKeepTheirSums) {
  Timeline t;
  uint64_t bytes = 0;
  // One completion every 10 µs for 1 s: 100,000 completions.
  for (int i = 0; i < 100000; ++i) {
    t.AddCompletion(Time{10000LL * i}, 4096);
    bytes += 4096;
  }
  EXPECT_LE(t.bins().size(), Timeline::kMaxBins);
  EXPECT_GT(t.bins().size(), Timeline::kMaxBins / 2);
  uint64_t n = 0, b = 0;
  for (const Timeline::Bin& bin : t.bins()) n += bin.completed, b += bin.bytes;
  EXPECT_EQ(n, 100000u);
  EXPECT_EQ(b, bytes);
  // The width is a power-of-two multiple of the initial width covering 1 s.
  EXPECT_EQ(t.bin_width().count() % Timeline::kInitialBinWidth.count(), 0);
  EXPECT_GE(t.bin_width().count() * static_cast<int64_t>(Timeline::kMaxBins), 999990000);
}

TEST(Timeline, PendingIntegralIsTimeWeighted) {
  Timeline t;
  t.SetPending(Time{0}, 1);
  t.SetPending(Time{1'000'000}, 3);  // 1 ms at 1
  t.SetPending(Time{2'000'000}, 0);  // 1 ms at 3
  t.Finish(Time{4'000'000});         // 2 ms at 0
  double area = 0;
  uint64_t max = 0;
  for (const Timeline::Bin& bin : t.bins()) {
    area += bin.pending_ns;
    max = std::max(max, bin.max_pending);
  }
  EXPECT_DOUBLE_EQ(area, 1.0 * 1e6 + 3.0 * 1e6);
  EXPECT_EQ(max, 3u);
  EXPECT_EQ(t.end(), Time{4'000'000});
  // The last bin holding 3 pending is not after 2 ms.
  const size_t last3 = static_cast<size_t>(1'999'999 / t.bin_width().count());
  EXPECT_EQ(t.bins()[last3].max_pending, 3u);
  EXPECT_EQ(t.bins().back().max_pending, 0u);
}

TEST(Timeline, OriginIsTheFirstTime) {
  Timeline t;
  EXPECT_TRUE(t.empty());
  t.AddCompletion(Time{5'000'000'000}, 1);
  EXPECT_EQ(t.origin(), Time{5'000'000'000});
  EXPECT_EQ(t.bins().size(), 1u);
}

TEST(SeekHistogram, PowerOfTwoBuckets) {
  SeekHistogram h;
  for (uint64_t d : {0ull, 1ull, 2ull, 3ull, 4ull, 1023ull, 1024ull, ~0ull}) h.Add(d);
  EXPECT_EQ(h.count(0), 1u);
  EXPECT_EQ(h.count(1), 1u);
  EXPECT_EQ(h.count(2), 2u);
  EXPECT_EQ(h.count(3), 1u);
  EXPECT_EQ(h.count(10), 1u);
  EXPECT_EQ(h.count(11), 1u);
  EXPECT_EQ(h.count(64), 1u);
  EXPECT_EQ(h.total(), 8u);
  EXPECT_EQ(SeekHistogram::BucketLow(11), 1024u);
}

}  // namespace
}  // namespace iosched
