// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/tag_pool.h"

#include <algorithm>
#include <cassert>

namespace iosched {

uint32_t TagPool::ShiftFor(uint32_t nr_tags) {
  uint32_t shift = 6;  // 64-bit words
  if (nr_tags >= 4) {
    while ((4u << shift) > nr_tags) --shift;
  }
  return shift;
}

TagPool::TagPool(uint32_t nr_tags)
    : nr_tags_(std::max<uint32_t>(nr_tags, 1)), shift_(ShiftFor(nr_tags_)) {
  words_.assign((nr_tags_ + bits_per_word() - 1) >> shift_, 0);
}

int32_t TagPool::Get(uint32_t depth) {
  const uint32_t bpw = bits_per_word();
  const uint32_t allowed = std::min(depth, bpw);
  if (allowed == 0) return -1;
  for (size_t w = 0; w < words_.size(); ++w) {
    const uint32_t base = static_cast<uint32_t>(w) << shift_;
    const uint32_t bits = std::min(allowed, nr_tags_ - base);
    const uint64_t mask = bits >= 64 ? ~0ull : ((1ull << bits) - 1);
    const uint64_t free = ~words_[w] & mask;
    if (free != 0) {
      const uint32_t bit = static_cast<uint32_t>(__builtin_ctzll(free));
      words_[w] |= 1ull << bit;
      ++in_use_;
      return static_cast<int32_t>(base + bit);
    }
  }
  return -1;
}

void TagPool::Put(int32_t tag) {
  assert(tag >= 0 && static_cast<uint32_t>(tag) < nr_tags_);
  const uint64_t bit = 1ull << (static_cast<uint32_t>(tag) & (bits_per_word() - 1));
  uint64_t& word = words_[static_cast<uint32_t>(tag) >> shift_];
  assert(word & bit);
  word &= ~bit;
  --in_use_;
}

}  // namespace iosched
