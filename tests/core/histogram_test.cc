// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/histogram.h"

#include <algorithm>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace iosched {
namespace {

TEST(LatencyHistogram, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 128; ++v) {
    const int b = LatencyHistogram::BucketOf(v);
    EXPECT_EQ(LatencyHistogram::BucketLow(b), v);
    EXPECT_EQ(LatencyHistogram::BucketHigh(b), v);
  }
}

TEST(LatencyHistogram, BucketsTileTheRangeWithBoundedError) {
  uint64_t expected_low = 0;
  for (int b = 0; b < LatencyHistogram::kBuckets; ++b) {
    const uint64_t lo = LatencyHistogram::BucketLow(b), hi = LatencyHistogram::BucketHigh(b);
    ASSERT_EQ(lo, expected_low) << "bucket " << b;
    ASSERT_GE(hi, lo);
    ASSERT_EQ(LatencyHistogram::BucketOf(lo), b);
    ASSERT_EQ(LatencyHistogram::BucketOf(hi), b);
    // Width at most 1/64 of the bucket's low end.
    if (lo >= 128) {
      ASSERT_LE(hi - lo + 1, lo / 64) << "bucket " << b;
    }
    if (hi == UINT64_MAX) break;
    expected_low = hi + 1;
  }
}

TEST(LatencyHistogram, QuantilesWithinOnePercentOfExact) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(15.0, 1.0);  // ~ms-scale ns values
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = static_cast<uint64_t>(dist(rng));
    values.push_back(v);
    h.Add(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
    const uint64_t exact = values[static_cast<size_t>(q * values.size()) - 1];
    const double got = static_cast<double>(h.Quantile(q));
    EXPECT_NEAR(got, exact, exact * 0.01) << "q=" << q;
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.Quantile(1.0), values.back());
}

TEST(LatencyHistogram, EmptyAndMerge) {
  LatencyHistogram a, b;
  EXPECT_EQ(a.Quantile(0.5), 0u);
  EXPECT_EQ(a.mean(), 0.0);
  a.Add(1000);
  b.Add(3000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_DOUBLE_EQ(a.mean(), 2000.0);
  EXPECT_EQ(a.min(), 1000u);
  EXPECT_EQ(a.max(), 3000u);
}

}  // namespace
TEST(LatencyHistogram, StddevIsExactAndMerges) {
  LatencyHistogram h;
  EXPECT_EQ(h.stddev(), 0.0);
  // The textbook sample: mean 5, population standard deviation 2; scaled to
  // milliseconds so that the values fall in coarse buckets.
  LatencyHistogram a, b;
  const uint64_t kMs = 1000000;
  for (uint64_t v : {2, 4, 4, 4}) a.Add(v * kMs);
  for (uint64_t v : {5, 5, 7, 9}) b.Add(v * kMs);
  a.Merge(b);
  EXPECT_DOUBLE_EQ(a.mean(), 5.0 * kMs);
  EXPECT_DOUBLE_EQ(a.stddev(), 2.0 * kMs);
  LatencyHistogram same;
  for (int i = 0; i < 1000; ++i) same.Add(123456789);
  EXPECT_EQ(same.stddev(), 0.0);
}

}  // namespace iosched
