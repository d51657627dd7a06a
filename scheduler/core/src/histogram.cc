// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace iosched {

int LatencyHistogram::BucketOf(uint64_t ns) {
  // Values below 2^(kBits+1) map one to one.
  if (ns < (uint64_t{1} << (kBits + 1))) return static_cast<int>(ns);
  const int msb = 63 - std::countl_zero(ns);
  const int error_bits = msb - kBits;
  const int base = (error_bits + 1) << kBits;
  const int offset = static_cast<int>((ns >> error_bits) & (kValsPerGroup - 1));
  return base + offset;
}

uint64_t LatencyHistogram::BucketLow(int index) {
  if (index < (2 << kBits)) return static_cast<uint64_t>(index);
  const int error_bits = (index >> kBits) - 1;
  const uint64_t base = uint64_t{1} << (error_bits + kBits);
  const uint64_t k = static_cast<uint64_t>(index % kValsPerGroup);
  return base + (k << error_bits);
}

uint64_t LatencyHistogram::BucketHigh(int index) {
  if (index < (2 << kBits)) return static_cast<uint64_t>(index);
  const int error_bits = (index >> kBits) - 1;
  return BucketLow(index) + (uint64_t{1} << error_bits) - 1;
}

void LatencyHistogram::Add(uint64_t ns) {
  ++buckets_[BucketOf(ns)];
  ++count_;
  sum_ += ns;
  sum_sq_ += static_cast<unsigned __int128>(ns) * ns;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  sum_sq_ += other.sum_sq_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::stddev() const {
  if (count_ == 0) return 0.0;
  const long double n = static_cast<long double>(count_);
  const long double sum = static_cast<long double>(sum_);
  const long double var = (static_cast<long double>(sum_sq_) - sum * sum / n) / n;
  return var > 0 ? static_cast<double>(std::sqrt(var)) : 0.0;
}

uint64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min();
  if (q >= 1) return max_;
  // Rank of the sample (1-based), as fio: the smallest value with at least
  // q·count samples at or below it.
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * count_)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      // Midpoint of the bucket, kept within the exact extremes.
      const uint64_t lo = BucketLow(i), hi = BucketHigh(i);
      return std::clamp(lo + (hi - lo) / 2, min(), max_);
    }
  }
  return max_;
}

}  // namespace iosched
