// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// LatencyHistogram: a log-linear histogram of nanosecond values, after fio's
// stat.h (FIO_IO_U_PLAT_BITS = 6). Values below 128 ns are exact; above, each
// power of two is split into 64 buckets, so a percentile is off by at most
// 1/64 of the value (≈1.6 %; the bucket midpoint halves that). Memory is
// fixed (~30 KiB) whatever the number of samples. Min, max, count, sum and
// sum of squares are exact (the standard deviation is computed from them,
// not from the buckets).
//
// Thread-safety: none.

#ifndef IOSCHED_HISTOGRAM_H_
#define IOSCHED_HISTOGRAM_H_

#include <array>
#include <cstdint>

namespace iosched {

class LatencyHistogram {
 public:
  static constexpr int kBits = 6;
  static constexpr int kValsPerGroup = 1 << kBits;
  static constexpr int kBuckets = (64 - kBits) * kValsPerGroup;

  void Add(uint64_t ns);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // Population standard deviation (divides by count, as DiskSim's
  // statistics and fio's stdev of a whole run); 0 when empty.
  double stddev() const;
  // Value at quantile q in [0, 1] (0 → min, 1 → max); 0 when empty.
  uint64_t Quantile(double q) const;

  // Bucket arithmetic, exposed for tests and plots.
  static int BucketOf(uint64_t ns);
  static uint64_t BucketLow(int index);   // smallest value in the bucket
  static uint64_t BucketHigh(int index);  // largest value in the bucket
  uint64_t bucket_count(int index) const { return buckets_[index]; }

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  unsigned __int128 sum_ = 0;
  unsigned __int128 sum_sq_ = 0;  // exact for values below 2^64 ns, count below 2^64
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace iosched

#endif  // IOSCHED_HISTOGRAM_H_
