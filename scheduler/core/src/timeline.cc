// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/timeline.h"

#include <algorithm>
#include <bit>

namespace iosched {

size_t Timeline::BinOf(Time t) {
  if (!started_) {
    started_ = true;
    origin_ = cursor_ = t;
  }
  t = std::max(t, cursor_);
  size_t i = static_cast<size_t>((t - origin_).count() / width_.count());
  while (i >= kMaxBins) {
    // Double the width: bins 2k and 2k+1 become bin k.
    const size_t n = bins_.size();
    for (size_t k = 0; k < n; k += 2) {
      Bin b = bins_[k];
      if (k + 1 < n) {
        const Bin& c = bins_[k + 1];
        b.completed += c.completed;
        b.bytes += c.bytes;
        b.pending_ns += c.pending_ns;
        b.max_pending = std::max(b.max_pending, c.max_pending);
      }
      bins_[k / 2] = b;
    }
    bins_.resize((n + 1) / 2);
    width_ *= 2;
    i /= 2;
  }
  if (bins_.size() <= i) bins_.resize(i + 1);
  return i;
}

void Timeline::Advance(Time t) {
  BinOf(t);  // grows the bins (and the width) first, so indices below hold
  if (t <= cursor_) {
    if (!bins_.empty()) {
      Bin& b = bins_[BinOf(cursor_)];
      b.max_pending = std::max(b.max_pending, pending_);
    }
    return;
  }
  while (cursor_ < t) {
    const size_t i = static_cast<size_t>((cursor_ - origin_).count() / width_.count());
    const Time bin_end = origin_ + width_ * static_cast<int64_t>(i + 1);
    const Time to = std::min(t, bin_end);
    Bin& b = bins_[i];
    b.pending_ns += static_cast<double>(pending_) * static_cast<double>((to - cursor_).count());
    b.max_pending = std::max(b.max_pending, pending_);
    cursor_ = to;
  }
}

void Timeline::AddCompletion(Time now, uint64_t bytes) {
  Advance(now);
  Bin& b = bins_[BinOf(now)];
  ++b.completed;
  b.bytes += bytes;
}

void Timeline::SetPending(Time now, uint64_t pending) {
  Advance(now);
  pending_ = pending;
  Bin& b = bins_[BinOf(now)];
  b.max_pending = std::max(b.max_pending, pending_);
}

int SeekHistogram::Bucket(uint64_t sectors) {
  return sectors == 0 ? 0 : 64 - std::countl_zero(sectors);
}

uint64_t SeekHistogram::total() const {
  uint64_t n = 0;
  for (uint64_t c : counts_) n += c;
  return n;
}

}  // namespace iosched
