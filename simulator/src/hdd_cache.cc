// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_cache.h"

#include <algorithm>

namespace iosched::sim {

SegmentCache::SegmentCache(const HddCacheParams& params, uint64_t capacity)
    : params_(params), capacity_(capacity), segs_(params.segments) {
  for (int i = 0; i < static_cast<int>(segs_.size()); ++i) lru_.push_back(i);
}

bool SegmentCache::Overlaps(const CacheSegment& s, uint64_t lbn, uint32_t n) {
  // DiskSim disk_buffer_overlap.
  const uint64_t end = lbn + n;
  if (lbn >= s.start && lbn < s.end) return true;
  if (end > s.start && end <= s.end) return true;
  return lbn <= s.start && end >= s.end;
}

SegmentCache::Choice SegmentCache::SelectForRead(uint64_t lbn, uint32_t n, int reading_seg,
                                                 bool reading_stopable) const {
  Choice best;
  int best_value = 0;
  for (int i : lru_) {
    const CacheSegment& s = segs_[i];
    int value = -1;
    HitType hit = HitType::kNoMatch;
    if (s.state == SegmentState::kEmpty) {
      value = 3;
    } else if (lbn < s.start || lbn >= s.end) {
      if (s.state == SegmentState::kClean) {
        value = 2;
      } else if (s.state == SegmentState::kReading) {
        if (s.end == lbn && params_.almost_read_hits) {
          hit = HitType::kPartial;
          value = 5;
        } else if (i == reading_seg) {
          value = 1;
        }
      }
    } else {
      switch (s.state) {
        case SegmentState::kDirty:
          if (params_.enable_caching && params_.read_hits_on_write_data) value = 11;
          break;
        case SegmentState::kReading:
          if (params_.enable_caching) value = 9;
          break;
        case SegmentState::kClean:
          if (params_.read_hits_on_write_data || !s.last_write) value = 8;
          break;
        case SegmentState::kEmpty:
          break;
      }
      if (s.end >= lbn + n) {
        hit = HitType::kWhole;
      } else {
        hit = HitType::kPartial;
        value -= 4;
      }
    }
    if (value > best_value) {
      best = Choice{i, hit};
      best_value = value;
    }
  }
  if (best_value == 1 && !reading_stopable) best = Choice{};
  return best;
}

SegmentCache::Choice SegmentCache::SelectForWrite(uint64_t lbn, uint32_t n, int reading_seg,
                                                  bool reading_stopable,
                                                  uint32_t dirty_segments) const {
  Choice best;
  int best_value = 0;
  const bool room = dirty_segments < params_.max_write_segments;
  for (int i : lru_) {
    const CacheSegment& s = segs_[i];
    int value = -1;
    if (!room) {
      // Only appends could use a segment now; they are not modelled.
    } else if (s.state == SegmentState::kEmpty) {
      value = 3;
    } else if (s.state == SegmentState::kReading) {
      if (i == reading_seg) value = 1;
    } else if (s.state == SegmentState::kClean) {
      value = Overlaps(s, lbn, n) ? 4 : 2;
    }
    if (value > best_value) {
      best = Choice{i, HitType::kNoMatch};
      best_value = value;
    }
  }
  if (best_value == 1 && !reading_stopable) best = Choice{};
  return best;
}

void SegmentCache::Touch(int i) {
  auto it = std::find(lru_.begin(), lru_.end(), i);
  if (it == lru_.end()) return;
  lru_.erase(it);
  lru_.push_back(i);
}

void SegmentCache::InvalidateOverlapping(int except, uint64_t lbn, uint32_t n) {
  for (int i = 0; i < static_cast<int>(segs_.size()); ++i) {
    CacheSegment& s = segs_[i];
    if (i != except && s.state == SegmentState::kClean && Overlaps(s, lbn, n)) {
      s.state = SegmentState::kEmpty;
    }
  }
}

uint32_t SegmentCache::WaterMark(bool read, uint32_t n) const {
  const double mark = read ? params_.read_water_mark : params_.write_water_mark;
  const uint32_t size = params_.segment_sectors > 0 ? params_.segment_sectors : n;
  if (params_.water_mark_by_request_size) {
    return std::max<uint32_t>(1,
                              static_cast<uint32_t>(static_cast<double>(std::min(size, n)) * mark));
  }
  return static_cast<uint32_t>(static_cast<double>(size) * mark + 0.9999999999);
}

}  // namespace iosched::sim
