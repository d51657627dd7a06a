// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// TagPool: the blk-mq scheduler-tag pool (docs/elevators-mq.md §1).
//
// A blk-mq queue with an elevator lets `nr_requests` requests exist at once;
// each takes a tag (a bit) when it is allocated and gives it back when it is
// freed (completed, or absorbed by a merge). A submitter that finds no tag
// sleeps, which bounds how much an elevator can hold. The bits live in words
// of 2^shift bits, shift being the largest value <= 6 with 4 * 2^shift <=
// nr_requests (at least 4 words when possible), and an elevator's admission
// hook (the kernel's limit_depth) may restrict a request to the first
// `depth` bits of every word: that is how mq-deadline's async_depth and
// Kyber's 75 % async limit work.
//
// The kernel starts each search at a per-CPU hint; this pool always takes
// the lowest free bit, which is deterministic and allocates the same
// number of tags.
//
// Units: tags and depths are counts of requests. Thread-safety: none; the
// Dispatcher owns one. Nothing allocates after construction.

#ifndef IOSCHED_TAG_POOL_H_
#define IOSCHED_TAG_POOL_H_

#include <cstdint>
#include <vector>

namespace iosched {

class TagPool {
 public:
  // A depth that lets a request use every bit of a word.
  static constexpr uint32_t kNoLimit = UINT32_MAX;

  // REQUIRES: nr_tags >= 1.
  explicit TagPool(uint32_t nr_tags);

  // The word shift for a pool of `nr_tags` bits (sbitmap_calculate_shift).
  static uint32_t ShiftFor(uint32_t nr_tags);

  uint32_t size() const { return nr_tags_; }
  uint32_t shift() const { return shift_; }
  uint32_t bits_per_word() const { return 1u << shift_; }
  uint32_t in_use() const { return in_use_; }

  // Takes the lowest free tag whose index within its word is < `depth`, or
  // returns -1 if there is none.
  int32_t Get(uint32_t depth = kNoLimit);
  // Gives `tag` back. REQUIRES: tag was returned by Get and not yet put.
  void Put(int32_t tag);

 private:
  uint32_t nr_tags_;
  uint32_t shift_;
  uint32_t in_use_ = 0;
  std::vector<uint64_t> words_;  // bit set = tag in use
};

}  // namespace iosched

#endif  // IOSCHED_TAG_POOL_H_
