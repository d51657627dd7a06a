// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SegmentCache: the on-board buffer of a disk as DiskSim 4.0 models it
// (disksim_diskcache.c): a few segments, each holding one run of
// consecutive LBNs [start, end), kept in least-recently-used order.
//
// Segment choice for a new command follows DiskSim's priority tables
// (disk_buffer_select_read_segment / _write_segment); ties go to the least
// recently used segment:
//   read   11 whole hit on dirty data*  10 (writing)  9 whole hit on the
//          segment being read ahead  8 whole hit on clean data; a partial
//          hit scores 4 less; 5 "almost hit" (first LBN is the one being
//          read ahead, if allowed); 3 empty segment; 2 clean segment; 1 the
//          segment being read ahead (only if that read-ahead can stop)
//   write  4 clean segment overlapping the write; 3 empty; 2 clean; 1 the
//          segment being read ahead (if it can stop) — empty/clean/read-
//          ahead only while fewer than "Maximum number of write segments"
//          hold dirty data
// (* hits on write data need "Allow read hits on write data"; clean data
// last written by a write needs it too.) Write-back appends/prepends are
// not modelled (see hdd_model.h).
//
// Units: LBNs (512-byte sectors). Thread-safety: none (one model).

#ifndef IOSCHED_SIMULATOR_HDD_CACHE_H_
#define IOSCHED_SIMULATOR_HDD_CACHE_H_

#include <cstdint>
#include <vector>

#include "iosched/hdd_params.h"

namespace iosched::sim {

enum class SegmentState : uint8_t {
  kEmpty,
  kClean,    // valid data, no activity
  kReading,  // the media is reading into it (a request or read-ahead)
  kDirty,    // write data not yet on the media (write-back)
};

enum class HitType : uint8_t { kNoMatch, kWhole, kPartial };

struct CacheSegment {
  SegmentState state = SegmentState::kEmpty;
  uint64_t start = 0, end = 0;  // valid LBNs [start, end)
  bool used = false;            // has served a command (DiskSim seg->access)
  bool last_write = false;      // the last command that used it was a write
  uint64_t min_read_ahead = 0;  // read-ahead targets: LBN (exclusive end)
  uint64_t max_read_ahead = 0;
};

class SegmentCache {
 public:
  // `capacity`: the disk's LBN count (read-ahead stops there).
  SegmentCache(const HddCacheParams& params, uint64_t capacity);

  uint32_t segments() const { return static_cast<uint32_t>(segs_.size()); }
  CacheSegment& seg(int i) { return segs_[i]; }
  const CacheSegment& seg(int i) const { return segs_[i]; }
  uint32_t segment_sectors() const { return params_.segment_sectors; }

  struct Choice {
    int seg = -1;  // -1: no usable segment
    HitType hit = HitType::kNoMatch;
  };
  // `reading_seg`: the segment the media is reading ahead into (-1 if none);
  // `reading_stopable`: whether that read-ahead may be stopped now.
  Choice SelectForRead(uint64_t lbn, uint32_t n, int reading_seg, bool reading_stopable) const;
  Choice SelectForWrite(uint64_t lbn, uint32_t n, int reading_seg, bool reading_stopable,
                        uint32_t dirty_segments) const;

  // Most recently used segment (DiskSim: last in the segment list).
  bool IsMostRecent(int i) const { return !lru_.empty() && lru_.back() == i; }
  // Makes `i` the most recently used (DiskSim disk_buffer_set_segment).
  void Touch(int i);
  // A write of [lbn, lbn + n) empties every other clean segment it overlaps.
  void InvalidateOverlapping(int except, uint64_t lbn, uint32_t n);
  // DiskSim disk_buffer_get_max_readahead for a read of [lbn, lbn + n) into
  // segment `i`, capped at the capacity. `track_end(x)` must return the LBN
  // after the last one on x's track, `track_sectors(x)` that track's size
  // (used by the DEC scheme only).
  template <typename TrackEnd, typename TrackSectors>
  uint64_t MaxReadAhead(int i, uint64_t lbn, uint32_t n, TrackEnd track_end,
                        TrackSectors track_sectors) const;
  // Watermark (sectors) of a read or write of n sectors.
  uint32_t WaterMark(bool read, uint32_t n) const;

  static bool Overlaps(const CacheSegment& s, uint64_t lbn, uint32_t n);

 private:
  HddCacheParams params_;
  uint64_t capacity_;
  std::vector<CacheSegment> segs_;
  std::vector<int> lru_;  // front: least recently used
};

template <typename TrackEnd, typename TrackSectors>
uint64_t SegmentCache::MaxReadAhead(int i, uint64_t lbn, uint32_t n, TrackEnd track_end,
                                    TrackSectors track_sectors) const {
  const uint64_t end = lbn + n;
  uint64_t r = end;
  const uint64_t size = params_.segment_sectors;
  if (params_.buffer_continuous_read == 0) {
    r = end;
  } else if (params_.buffer_continuous_read == 4) {
    if (end >= capacity_) return capacity_;
    const uint64_t track_last = track_end(end);  // exclusive
    const uint64_t track_first = track_last - track_sectors(end);
    r = segs_[i].start < track_first ? track_last + track_sectors(lbn) : track_last;
  } else if (params_.max_read_ahead_sectors > 0) {
    r = end + params_.max_read_ahead_sectors;
  } else if (params_.read_ahead_over_requested > 0) {
    if (n >= size || size - n < params_.min_read_ahead_sectors) {
      r = end + params_.min_read_ahead_sectors;
    } else {
      r = lbn + size;
    }
  } else {
    r = end + size;
  }
  return r < capacity_ ? r : capacity_;
}

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_CACHE_H_
