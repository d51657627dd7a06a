// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Timeline: what a run did over time, in a bounded number of equal-width
// bins, for throughput and queue-depth plots. SeekHistogram: how far the
// head moved between issued units, in power-of-two buckets.
//
// Timeline bins cover [origin + i × bin_width, origin + (i + 1) × bin_width),
// where origin is the time of the first call. The width starts at
// kInitialBinWidth and doubles (adjacent bins are summed pairwise) whenever
// a time would fall past kMaxBins bins, so a run of any length ends with
// between kMaxBins / 2 and kMaxBins bins (fewer only when it is shorter than
// kMaxBins × kInitialBinWidth). Memory is O(kMaxBins) whatever the run's
// length; each call is amortised O(1).
//
// Per bin:
//   completed, bytes   requests completed in the bin and their bytes
//   pending_ns         integral of the pending count over the bin's time
//                      (request × ns): mean pending = pending_ns / width
//   max_pending        the most requests pending at any moment in the bin
// "Pending" is whatever the caller counts; RunMetrics counts requests that
// have arrived and not completed (queued in the elevator or at the device).
//
// Times passed to the recording calls must not go backwards (an earlier
// time counts at the latest time seen).
//
// Thread-safety: none; one writer.

#ifndef IOSCHED_TIMELINE_H_
#define IOSCHED_TIMELINE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "iosched/time.h"

namespace iosched {

class Timeline {
 public:
  static constexpr size_t kMaxBins = 512;
  static constexpr Duration kInitialBinWidth{1000};  // 1 µs

  struct Bin {
    uint64_t completed = 0;
    uint64_t bytes = 0;
    double pending_ns = 0;     // request × ns
    uint64_t max_pending = 0;  // requests
  };

  // A completion of `bytes` bytes at `now`.
  void AddCompletion(Time now, uint64_t bytes);
  // The pending count becomes `pending` at `now`.
  void SetPending(Time now, uint64_t pending);
  // Closes the pending integral at `end` (the run's last event).
  void Finish(Time end) { Advance(end); }

  bool empty() const { return bins_.empty(); }
  Time origin() const { return origin_; }
  Duration bin_width() const { return width_; }
  // The time up to which the bins are filled (the last bin may be partial:
  // it ends at end(), not at its full width).
  Time end() const { return cursor_; }
  const std::vector<Bin>& bins() const { return bins_; }

 private:
  // Makes sure the bin holding `t` exists, doubling the width as needed.
  size_t BinOf(Time t);
  // Integrates the current pending count up to `t`.
  void Advance(Time t);

  bool started_ = false;
  Time origin_{0}, cursor_{0};
  Duration width_ = kInitialBinWidth;
  uint64_t pending_ = 0;
  std::vector<Bin> bins_;
};

// Seek distances in 512-byte sectors, bucket 0 for 0, bucket k (1..64) for
// [2^(k-1), 2^k).
class SeekHistogram {
 public:
  static constexpr int kBuckets = 65;
  void Add(uint64_t sectors) { ++counts_[Bucket(sectors)]; }
  uint64_t count(int bucket) const { return counts_[bucket]; }
  uint64_t total() const;
  // Smallest distance of bucket k (0, 1, 2, 4, …).
  static uint64_t BucketLow(int k) { return k == 0 ? 0 : uint64_t{1} << (k - 1); }
  static int Bucket(uint64_t sectors);

 private:
  std::array<uint64_t, kBuckets> counts_{};
};

}  // namespace iosched

#endif  // IOSCHED_TIMELINE_H_
