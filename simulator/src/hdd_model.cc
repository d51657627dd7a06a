// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "iosched/status_macros.h"

namespace iosched::sim {
namespace {

Duration Positive(Duration d) { return d > Duration{0} ? d : Duration{0}; }

}  // namespace

absl::StatusOr<std::unique_ptr<HddModel>> HddModel::Create(const HddParams& params) {
  IOSCHED_RETURN_IF_ERROR(ValidateHddParams(params));
  return std::unique_ptr<HddModel>(new HddModel(params));
}

HddModel::HddModel(const HddParams& params)
    : params_(params),
      layout_(params),
      seek_(params),
      spindle_(params.rpm),
      cache_(params.cache, layout_.capacity_sectors()),
      host_read_(MsToDuration(std::max({params.bus_read_sector_ms, params.controller_bulk_sector_ms,
                                        params.disk_bulk_sector_ms}))),
      host_write_(
          MsToDuration(std::max({params.bus_write_sector_ms, params.controller_bulk_sector_ms,
                                 params.disk_bulk_sector_ms}))),
      controller_message_(MsToDuration(params.controller_message_ms)),
      arbitration_(MsToDuration(params.bus_arbitration_ms)),
      ovh_(params),
      walk_(&layout_, &seek_, &spindle_),
      angle_source_(params.queue.disksim_exact ? AngleSource::kLastMediaEvent
                                               : AngleSource::kDecisionTime) {}

HddModel::OverheadNs::OverheadNs(const HddParams& params) {
  const HddOverheads& o = params.overheads;
  const auto scaled = [&](double ms) { return MsToDuration(ms * params.overhead_scale); };
  per_request = scaled(o.per_request_ms);
  read_miss[0] = scaled(o.read_miss_after_write_ms);
  read_miss[1] = scaled(o.read_miss_after_read_ms);
  read_hit[0] = scaled(o.read_hit_after_write_ms);
  read_hit[1] = scaled(o.read_hit_after_read_ms);
  read_disconnect[0] = scaled(o.read_disconnect_after_write_ms);
  read_disconnect[1] = scaled(o.read_disconnect_after_read_ms);
  write_hit[0] = scaled(o.write_hit_after_write_ms);
  write_hit[1] = scaled(o.write_hit_after_read_ms);
  write_miss[0] = scaled(o.write_miss_after_write_ms);
  write_miss[1] = scaled(o.write_miss_after_read_ms);
  data_prep = scaled(o.data_prep_ms);
  reselect_first_and_prep = scaled(o.reselect_first_ms + o.data_prep_ms);
  reselect_first = scaled(o.reselect_first_ms);
  reselect_other = scaled(o.reselect_other_ms);
  read_completion = scaled(o.read_completion_ms);
  write_completion = scaled(o.write_completion_ms);
  write_disconnect = scaled(o.write_disconnect_ms);
  extradisc_command = scaled(o.extradisc_command_ms);
  extradisc_command_and_seek_delta = scaled(o.extradisc_command_ms + o.extradisc_seek_delta_ms);
  extradisc_command_and_disconnect = scaled(o.extradisc_command_ms + o.extradisc_disconnect_ms);
  extradisc_second_disconnect = scaled(o.extradisc_second_disconnect_ms);
  extradisc_inter_disconnect = MsToDuration(o.extradisc_inter_disconnect_ms);
  minimum_seek_delay = MsToDuration(o.minimum_seek_delay_ms);
}

void HddModel::SetHeadPosition(uint32_t cylinder, uint32_t head) {
  if (bg_active_) FinishBackground();
  walk_.Stop();
  bg_active_ = false;
  head_ = Track{cylinder, head};
}

Track HddModel::HeadNow() const { return bg_active_ ? walk_.head() : head_; }

Time HddModel::RoomTime(uint64_t lbn) const {
  const uint64_t size = cache_.segment_sectors();
  if (size == 0 || lbn < owner_first_ + size) return Time{0};
  const uint64_t idx = lbn - owner_first_ - size;  // this many sectors must have left
  if (idx < owner_sectors_) return std::min(owner_bus_end_[idx], owner_done_);
  return owner_done_;
}

void HddModel::FinishBackground() {
  // The read-ahead reached its target (or stopped): the segment is clean.
  if (bg_seg_ >= 0 && bg_seg_ < static_cast<int>(cache_.segments())) {
    CacheSegment& s = cache_.seg(bg_seg_);
    s.state = params_.cache.enable_caching ? SegmentState::kClean : SegmentState::kEmpty;
  }
  head_ = walk_.head();
  bg_active_ = false;
}

void HddModel::AdvanceBackground(Time t) {
  if (flush_seg_ >= 0 && flush_until_ <= t) {
    CacheSegment& s = cache_.seg(flush_seg_);
    s.state = params_.cache.enable_caching && params_.cache.read_hits_on_write_data
                  ? SegmentState::kClean
                  : SegmentState::kEmpty;
    flush_seg_ = -1;
  }
  if (!bg_active_) return;
  const int contread = params_.cache.buffer_continuous_read;
  const uint64_t size = cache_.segment_sectors();
  while (walk_.active() && walk_.next_lbn() < bg_target_) {
    const uint64_t k = walk_.next_lbn();
    if (k >= bg_foreground_end_ && walk_.repositioning() && (contread == 1 || contread == 2)) {
      // DiskSim disk_initiate_seek: a background read does not leave the
      // track (1) or cylinder (2).
      const PhysicalSector& p = walk_.next_sector();
      const Track h = walk_.head();
      if (p.cylinder != h.cylinder || (contread == 1 && p.head != h.head)) break;
    }
    // Sectors that fit in the buffer now are read in their first passes, in
    // one step along a track.
    const uint64_t free_until = size == 0 ? bg_target_ : std::min(bg_target_, owner_first_ + size);
    if (k < free_until) {
      const uint32_t max = static_cast<uint32_t>(std::min<uint64_t>(free_until - k, UINT32_MAX));
      const uint32_t done = walk_.TransferWhileBefore(max, t);
      if (done == 0) return;
      if (bg_seg_ >= 0) {
        CacheSegment& s = cache_.seg(bg_seg_);
        s.end = k + done;
        if (size > 0 && s.end - s.start > size) s.start = s.end - size;
      }
      continue;
    }
    const Time pass = walk_.PassAtOrAfter(RoomTime(k));
    if (pass + walk_.sector_time() > t) return;
    walk_.Transfer(pass);
    if (bg_seg_ >= 0) {
      CacheSegment& s = cache_.seg(bg_seg_);
      s.end = k + 1;
      if (size > 0 && s.end - s.start > size) s.start = s.end - size;
    }
  }
  FinishBackground();
}

bool HddModel::BackgroundStopable(Time t) const {
  if (!bg_active_) return true;
  if (bg_seg_ >= 0 && cache_.seg(bg_seg_).end < bg_min_target_) return false;
  if (walk_.repositioning() && t < walk_.seek_end()) {
    return !params_.cache.disconnect_write_if_seek;
  }
  return params_.cache.stop_prefetch_in_sector;
}

void HddModel::StopBackground(Time t, Time* seek_stop, Time* media_free) {
  *seek_stop = Time{0};
  *media_free = Time{0};
  if (flush_seg_ >= 0 && flush_until_ > t) *media_free = flush_until_;
  if (!bg_active_) return;
  // A read-ahead that has not reached its minimum goes on until it has.
  if (bg_seg_ >= 0 && cache_.seg(bg_seg_).end < bg_min_target_) {
    const uint64_t keep = bg_target_;
    bg_target_ = bg_min_target_;
    AdvanceBackground(kTimeNever);
    bg_target_ = keep;
    *media_free = std::max(*media_free, walk_.last_end());
    head_ = walk_.head();
    bg_active_ = false;
    return;
  }
  if (!walk_.active()) {
    FinishBackground();
    return;
  }
  const PhysicalSector next = walk_.next_sector();
  const Track target{next.cylinder, next.head};
  if (walk_.repositioning() && t < walk_.seek_end()) {
    // The seek in progress completes (DiskSim rolls it forward).
    head_ = target;
    if (params_.cache.disconnect_write_if_seek) {
      *media_free = std::max(*media_free, walk_.seek_end());
    } else {
      *seek_stop = walk_.seek_end();
    }
  } else {
    head_ = walk_.repositioning() ? target : walk_.head();
    if (!params_.cache.stop_prefetch_in_sector) {
      // The sector in progress (or the first one, if still rotating
      // towards it) ends before the media is released.
      const uint64_t k = walk_.next_lbn();
      const Time pass = walk_.PassAtOrAfter(RoomTime(k));
      Time free_at = pass;
      if (pass <= t) {
        free_at = walk_.Transfer(pass);
        if (bg_seg_ >= 0) cache_.seg(bg_seg_).end = k + 1;
        head_ = walk_.head();
      }
      *media_free = std::max(*media_free, free_at);
    }
  }
  if (bg_seg_ >= 0) {
    CacheSegment& s = cache_.seg(bg_seg_);
    s.state = params_.cache.enable_caching ? SegmentState::kClean : SegmentState::kEmpty;
  }
  walk_.Stop();
  bg_active_ = false;
}

Time HddModel::MediaStart(Time t0, Time overhead_done, Time seek_stop, Time media_free) {
  // DiskSim disk_check_hda: the delays until the command overhead is done
  // and until the interrupted seek ends are added.
  const Time at = std::max(t0, media_free);
  return at + Positive(overhead_done - at) + Positive(seek_stop - at);
}

ServiceInfo HddModel::Serve(Op op, uint64_t sector, uint32_t sectors, Time now) {
  const Time start = std::max(now, busy_until_);
  const Time t0 = start + ovh_.per_request + controller_message_;
  return ServeAt(op, sector, sectors, start, t0, t0, false);
}

ServiceInfo HddModel::ServeQueued(Op op, uint64_t sector, uint32_t sectors, Time now,
                                  Time arrived) {
  assert(arrived <= now);
  const Time start = std::max(now, busy_until_);
  // The command reached the controller a per-request overhead and a
  // message after it arrived (DiskSim: it is queued then and its command
  // overhead starts at once). If that is before the drive takes it up, it
  // has waited: it is activated the moment it is chosen.
  const Time ta = arrived + ovh_.per_request + controller_message_;
  const Time t0 = std::max(start, ta);
  return ServeAt(op, sector, sectors, start, t0, ta, true);
}

ServiceInfo HddModel::ServeAt(Op op, uint64_t sector, uint32_t sectors, Time start, Time t0,
                              Time ta, bool queued) {
  assert(sectors > 0 && sector + sectors <= capacity_sectors());
  assert(ta <= t0);
  last_ = LastCommand{};
  ServiceInfo info = op == Op::kRead ? ServeRead(sector, sectors, start, t0, ta)
                                     : ServeWrite(sector, sectors, start, t0, ta);
  busy_until_ = info.complete;
  if (queued && params_.queue.preseek_level >= 1) {
    // Preseeking level 1 (DiskSim PRESEEK_BEFORE_COMPLETION): the arm moves
    // on as the completion message is sent, not when it has reached the
    // host; the completion overhead and message overlap the next command.
    const Duration completion =
        (op == Op::kRead ? ovh_.read_completion : ovh_.write_completion) + controller_message_;
    busy_until_ = std::max(start, info.complete - completion);
  }
  info.arm_free = busy_until_;
  return info;
}

Duration HddModel::Positioning(Op op, uint64_t sector, uint32_t, Time now) const {
  const PhysicalSector p = layout_.Map(sector);
  const Track h = HeadNow();
  const Duration seek = seek_.Positioning(h.cylinder, h.head, p.cylinder, p.head, op);
  Time from;
  if (angle_source_ == AngleSource::kLastMediaEvent) {
    // DiskSim 4.0: the angle at the last sector read, written or read ahead
    // (the read-ahead brought up to the decision by AdvanceTo), nothing
    // added for the time since nor for the overheads still to come.
    from = walk_.last_end();
  } else {
    // The angle when the arm can start: the decision, plus the command
    // overheads still to run. A drive with a queue (depth > 1) ran them
    // while the command waited (ServeQueued), so none are left (a command
    // that arrived less than its overhead ago is estimated a little early);
    // a drive without one runs them all after the decision.
    from = std::max(now, busy_until_);
    if (params_.queue.depth <= 1) {
      const bool after_read = last_op_ == Op::kRead;
      from += ovh_.per_request + controller_message_ +
              (op == Op::kRead ? ovh_.read_miss[after_read] : ovh_.write_miss[after_read]);
    }
  }
  const double wait = spindle_.WaitNsFrom(from + seek, layout_.StartAngle(p));
  Duration t = seek + Duration{Spindle::RoundWait(wait)};
  if (op == Op::kWrite) t = std::max(t, ovh_.minimum_seek_delay);
  return t;
}

Duration HddModel::Access(Op op, uint64_t sector, uint32_t sectors, Time now) const {
  const PhysicalSector p = layout_.Map(sector);
  const double per_sector = spindle_.revolution_ns() / p.sectors_per_track;
  return Positioning(op, sector, sectors, now) +
         Duration{static_cast<int64_t>(per_sector * sectors + 0.5)};
}

bool HddModel::Cached(Op op, uint64_t sector, uint32_t sectors) const {
  if (op != Op::kRead || cache_.segments() == 0 || !params_.cache.enable_caching) return false;
  return cache_.SelectForRead(sector, sectors, -1, true).hit == HitType::kWhole;
}

// ---- ServeRead's steps ------------------------------------------------------

// What the buffer search of a read decided (SearchReadBuffer).
struct HddModel::ReadLookup {
  SegmentCache::Choice choice;
  bool at_once = false;         // served without disconnecting first
  bool hit_on_reading = false;  // a hit on the segment being read ahead
};

// Catches the read-ahead up to t0, searches the buffer and decides whether
// the read is served at once.
inline HddModel::ReadLookup HddModel::SearchReadBuffer(uint64_t lbn, uint32_t n, Time t0) {
  const HddCacheParams& cp = params_.cache;
  AdvanceBackground(t0);
  const int reading = bg_active_ ? bg_seg_ : -1;
  const bool stopable = BackgroundStopable(t0);
  ReadLookup look;
  SegmentCache::Choice& choice = look.choice;
  if (cache_.segments() > 0) choice = cache_.SelectForRead(lbn, n, reading, stopable);
  look.hit_on_reading =
      reading >= 0 && choice.seg == reading && choice.hit != HitType::kNoMatch && cp.enable_caching;
  const HitType hit = choice.hit;

  // Enough data to start at once? (DiskSim disk_read_arrive)
  bool enough = hit == HitType::kWhole;
  if (hit == HitType::kPartial) {
    const CacheSegment& s = cache_.seg(choice.seg);
    enough = cp.immediate_transfer_partial_hit ||
             (s.end > lbn && s.end - lbn >= std::min(cache_.WaterMark(true, n), n));
  }
  look.at_once = params_.never_disconnect ||
                 (enough && ((cp.sneaky_full_read_hits && hit == HitType::kWhole) ||
                             (cp.sneaky_partial_read_hits && hit == HitType::kPartial) ||
                             !bg_active_ || stopable || look.hit_on_reading));
  return look;
}

// Lets the media activity in progress run on or stops it, and takes a
// segment if the search found none; returns whether the read-ahead runs on.
inline bool HddModel::StopMediaForRead(uint64_t lbn, uint32_t n, Time t0, ReadLookup& look,
                                       Time* seek_stop, Time* media_free) {
  // The media activity in progress: a hit on its segment lets it run on for
  // this request; anything else stops it.
  const bool continue_reading = bg_active_ && look.hit_on_reading;
  if (!continue_reading) StopBackground(t0, seek_stop, media_free);
  if (look.choice.seg < 0 && cache_.segments() > 0) {
    look.choice = cache_.SelectForRead(lbn, n, -1, true);
  }
  last_.hit = look.choice.hit;
  last_.served_at_once = look.at_once;
  last_.read_ahead_continued = continue_reading;
  return continue_reading;
}

// Marks the chosen segment used by the read and widens its read-ahead
// targets (DiskSim disk_buffer_set_segment, _attempt_seg_ownership).
inline void HddModel::ClaimReadSegment(uint64_t lbn, uint32_t n, int si, HitType hit,
                                       CacheSegment& seg) {
  const HddCacheParams& cp = params_.cache;
  const uint64_t end = lbn + n;
  if (si >= 0) cache_.Touch(si);
  if (hit == HitType::kNoMatch) {
    seg.start = seg.end = lbn;
    seg.min_read_ahead = seg.max_read_ahead = 0;
  }
  seg.used = true;
  seg.last_write = false;
  const uint64_t cap = capacity_sectors();
  seg.min_read_ahead = std::max(seg.min_read_ahead, std::min(end + cp.min_read_ahead_sectors, cap));
  uint64_t max_ra = end;
  if (si >= 0) {
    max_ra = cache_.MaxReadAhead(
        si, lbn, n, [this](uint64_t x) { return layout_.TrackEnd(x); },
        [this](uint64_t x) { return uint64_t{layout_.Map(x).sectors_per_track}; });
  }
  seg.max_read_ahead = std::max(seg.max_read_ahead, max_ra);
}

// Points the media at what the buffer lacks from `have` on: the running
// read-ahead takes the request on, or a new walk starts at `begin` (also
// for a read-ahead restarted by a whole hit). Returns whether the request
// positions the head itself.
inline bool HddModel::StartReadMedia(Time begin, uint64_t have, uint64_t end, int si,
                                     CacheSegment& seg, bool continue_reading) {
  const HddCacheParams& cp = params_.cache;
  bool own_positioning = false;
  if (continue_reading) {
    bg_target_ = std::max(bg_target_, seg.max_read_ahead);
    bg_min_target_ = std::max(bg_min_target_, seg.min_read_ahead);
    bg_foreground_end_ = end;
  } else if (have < end) {
    walk_.Begin(begin, head_, have, Op::kRead, Duration{0});
    own_positioning = true;
    bg_active_ = true;
    bg_seg_ = si;
    bg_target_ = std::max(seg.max_read_ahead, end);
    bg_min_target_ = seg.min_read_ahead;
    bg_foreground_end_ = end;
  } else if (cp.buffer_continuous_read != 0 && cp.read_ahead_on_idle_hit &&
             seg.end < seg.max_read_ahead && si >= 0) {
    // A whole hit restarts the read-ahead where the segment ends.
    walk_.Begin(begin, head_, seg.end, Op::kRead, Duration{0});
    bg_active_ = true;
    bg_seg_ = si;
    bg_target_ = seg.max_read_ahead;
    bg_min_target_ = seg.min_read_ahead;
    bg_foreground_end_ = seg.end;
  }
  if (si >= 0) seg.state = bg_active_ ? SegmentState::kReading : SegmentState::kClean;
  return own_positioning;
}

// Reads LBNs [have, end) from the media into the segment, recording in
// avail_ when each is buffered; returns the rotational wait of the
// request's own positioning (0 without it).
inline Duration HddModel::ReadRestFromMedia(uint64_t lbn, uint64_t have, uint64_t end,
                                            bool own_positioning, CacheSegment& seg) {
  // The media reads the rest of the request (no buffer-room limit: the
  // request fits in a segment, or its own sectors are exempt).
  Duration rotation{0};
  if (have >= end) return rotation;
  assert(walk_.active() && walk_.next_lbn() == have);
  if (own_positioning) rotation = walk_.earliest_pass() - walk_.seek_end();
  for (uint64_t k = have; k < end;) {
    const uint32_t done =
        walk_.TransferWhileBefore(static_cast<uint32_t>(end - k), kTimeNever, &avail_[k - lbn]);
    assert(done > 0);
    if (done == 0) break;
    k += done;
  }
  seg.end = end;
  const uint64_t size = cache_.segment_sectors();
  if (size > 0 && seg.end - seg.start > size) seg.start = seg.end - size;
  return rotation;
}

// Times the read's data over the bus as avail_ says it is buffered,
// disconnecting and reconnecting when the buffer runs dry; records the
// segment's owner and returns when the last sector has been sent.
inline Time HddModel::SendReadData(uint64_t lbn, uint32_t n, Time t0, Time ta, bool hit,
                                   bool at_once, bool after_read) {
  const Duration two_hops = 2 * controller_message_;
  const Duration blk = host_read_;
  const uint32_t wm = std::max<uint32_t>(1, cache_.WaterMark(true, n));
  const Duration disconnect = ovh_.read_disconnect[after_read];
  const Duration reconnect = ovh_.reselect_first_and_prep + arbitration_ + two_hops;
  Time cur;
  if (at_once) {
    // The command overhead ran from ta (a waiting command's may be done).
    const Time overhead_done = ta + (hit ? ovh_.read_hit[after_read] : ovh_.read_miss[after_read]);
    cur = std::max(t0, overhead_done) + ovh_.data_prep + two_hops;
  } else {
    // A waiting command disconnected when it arrived.
    const Time disconnected = ta + ovh_.read_miss[after_read] + disconnect + two_hops;
    cur = std::max(disconnected, avail_[std::min(wm, n) - 1]) + reconnect;
  }
  const bool hold = params_.hold_bus_for_read || params_.never_disconnect;
  // Grown, never shrunk: resizing per command zero-filled it every time.
  if (owner_bus_end_.size() < n) owner_bus_end_.resize(n);
  owner_sectors_ = n;
  for (uint32_t j = 0; j < n; ++j) {
    if (avail_[j] > cur) {
      if (hold) {
        cur = avail_[j];
      } else {
        const Time disconnected = cur + disconnect + two_hops;
        cur = std::max(disconnected, avail_[std::min(j + wm, n) - 1]) + reconnect;
      }
    }
    cur += blk;
    owner_bus_end_[j] = cur;
  }
  owner_first_ = lbn;
  owner_done_ = cur;
  return cur;
}

// Charges to transfer what the command's time leaves after its overhead,
// seek and rotation (a negative rest comes off the overhead).
inline void HddModel::SplitTransfer(ServiceInfo& info) {
  info.transfer = info.complete - info.start - info.overhead - info.seek - info.rotation;
  if (info.transfer < Duration{0}) {
    info.overhead += info.transfer;
    info.transfer = Duration{0};
  }
}

ServiceInfo HddModel::ServeRead(uint64_t lbn, uint32_t n, Time start, Time t0, Time ta) {
  const HddCacheParams& cp = params_.cache;
  const bool after_read = last_op_ == Op::kRead;
  const Duration miss_ovh = ovh_.read_miss[after_read];
  const Duration hit_ovh = ovh_.read_hit[after_read];
  const uint64_t end = lbn + n;

  ReadLookup look = SearchReadBuffer(lbn, n, t0);
  Time seek_stop{0}, media_free{0};
  const bool continue_reading = StopMediaForRead(lbn, n, t0, look, &seek_stop, &media_free);
  const HitType hit = look.choice.hit;
  const int si = look.choice.seg;
  CacheSegment scratch;  // a drive without a cache reads into a transient buffer
  CacheSegment& seg = si >= 0 ? cache_.seg(si) : scratch;
  ClaimReadSegment(lbn, n, si, hit, seg);

  // Where the request's data comes from: the buffer up to `have`, the media
  // after it.
  const uint64_t have = hit == HitType::kNoMatch ? lbn : std::min<uint64_t>(seg.end, end);
  if (avail_.size() < n) avail_.resize(n);
  for (uint64_t k = lbn; k < have; ++k) avail_[k - lbn] = t0;
  const Time begin = MediaStart(t0, ta + miss_ovh, seek_stop, media_free);
  const bool own_positioning = StartReadMedia(begin, have, end, si, seg, continue_reading);
  const Duration rotation = ReadRestFromMedia(lbn, have, end, own_positioning, seg);

  // The bus, then the completion.
  const Time sent =
      SendReadData(lbn, n, t0, ta, hit != HitType::kNoMatch, look.at_once, after_read);
  const Duration completion = ovh_.read_completion;
  ServiceInfo info;
  info.start = start;
  info.complete = sent + completion + controller_message_;
  info.cache_hit = hit == HitType::kWhole;
  if (cp.read_ahead_over_requested < 0 && si >= 0) seg.start = std::max(seg.start, end);
  last_op_ = Op::kRead;
  if (si < 0) {
    // No cache: nothing is read ahead.
    head_ = walk_.head();
    walk_.Stop();
    bg_active_ = false;
  }

  // Only what is left of the command overhead at t0 is charged.
  const Duration command = look.at_once && hit != HitType::kNoMatch ? hit_ovh : miss_ovh;
  info.overhead = (t0 - start) + Positive(ta + command - t0) + completion + controller_message_;
  if (own_positioning) {
    info.seek = walk_.first_positioning();
    info.seek_cylinders = walk_.first_seek_cylinders();
    info.rotation = rotation;
  }
  SplitTransfer(info);
  return info;
}

// ---- ServeWrite's steps -----------------------------------------------------

// Catches the background up to t0, picks the write's segment (waiting for
// a flush if every write segment is dirty), stops the media activity and
// sets *extra if DiskSim's extra write disconnect applies. Returns the
// segment (-1: none).
inline int HddModel::ChooseWriteSegment(uint64_t lbn, uint32_t n, Time t0, bool* extra,
                                        Time* seek_stop, Time* media_free) {
  const HddOverheads& o = params_.overheads;
  AdvanceBackground(t0);
  const int reading = bg_active_ ? bg_seg_ : -1;
  const bool stopable = BackgroundStopable(t0);
  const uint32_t dirty = flush_seg_ >= 0 ? 1 : 0;
  SegmentCache::Choice choice;
  if (cache_.segments() > 0) choice = cache_.SelectForWrite(lbn, n, reading, stopable, dirty);
  *extra = o.extra_write_disconnect && !params_.never_disconnect && choice.seg >= 0 &&
           cache_.IsMostRecent(choice.seg) && cache_.seg(choice.seg).used &&
           cache_.seg(choice.seg).last_write && lbn != cache_.seg(choice.seg).end;
  last_.extra_write_disconnect = *extra;
  if (choice.seg >= 0) {
    cache_.Touch(choice.seg);
    cache_.InvalidateOverlapping(choice.seg, lbn, n);
  }
  StopBackground(t0, seek_stop, media_free);
  if (choice.seg < 0 && cache_.segments() > 0) {
    if (flush_seg_ >= 0 && flush_until_ > t0) {
      // Every write segment holds dirty data: wait for the flush.
      AdvanceBackground(flush_until_);
    }
    choice = cache_.SelectForWrite(lbn, n, -1, true, flush_seg_ >= 0 ? 1 : 0);
    if (choice.seg >= 0) {
      cache_.Touch(choice.seg);
      cache_.InvalidateOverlapping(choice.seg, lbn, n);
    }
  }
  return choice.seg;
}

// Writes LBNs [lbn, lbn + n) from `begin` on, each sector once its data is
// buffered (from data_start, one host sector time apart); sets *rotation to
// the first sector's rotational wait and returns when the media write ends.
inline Time HddModel::WriteMedia(uint64_t lbn, uint32_t n, Time begin, Time data_start,
                                 Duration* rotation) {
  const Duration blk = host_write_;
  walk_.Begin(begin, head_, lbn, Op::kWrite, ovh_.minimum_seek_delay);
  // With "Extra write disconnect" DiskSim writes nothing until
  // min(size, 10) (15 for 45+ sectors) sectors are buffered.
  uint32_t threshold = 0;
  if (params_.overheads.extra_write_disconnect) threshold = n < 45 ? std::min<uint32_t>(n, 10) : 15;
  // Sector j's data is buffered at data_start + max(j + 1, threshold) · blk.
  ReadyLine ready;
  ready.floor = data_start + static_cast<int64_t>(threshold) * blk;
  ready.step = blk;
  for (uint32_t j = 0; j < n;) {
    ready.base = data_start + static_cast<int64_t>(j + 1) * blk;
    if (j == 0) *rotation = walk_.PassAtOrAfter(ready.At(0)) - walk_.seek_end();
    const uint32_t done = walk_.TransferWhileBefore(n - j, kTimeNever, nullptr, ready);
    assert(done > 0);
    if (done == 0) break;
    j += done;
  }
  return walk_.last_end();
}

// When the write's completion reaches the host: after the data phase under
// write-back (segment si then flushes until media_end), else after the
// media write and a reconnection.
inline Time HddModel::WriteCompletion(int si, bool extra, bool write_back, Time data_end,
                                      Time media_end) {
  const Duration two_hops = 2 * controller_message_;
  const Duration completion = ovh_.write_completion;
  if (write_back) {
    const Time complete = data_end + completion + controller_message_;
    if (si >= 0 && media_end > complete) {
      flush_seg_ = si;
      flush_until_ = media_end;
    } else {
      flush_until_ = std::max(flush_until_, media_end);
    }
    return complete;
  }
  const Time disconnected =
      data_end + (extra ? ovh_.extradisc_second_disconnect : ovh_.write_disconnect) + two_hops;
  const Time reselect_at = std::max(media_end, disconnected);
  return reselect_at + (extra ? ovh_.reselect_other : ovh_.reselect_first) + arbitration_ +
         two_hops + completion + controller_message_;
}

ServiceInfo HddModel::ServeWrite(uint64_t lbn, uint32_t n, Time start, Time t0, Time ta) {
  const HddCacheParams& cp = params_.cache;
  const bool after_read = last_op_ == Op::kRead;
  const bool write_back = cp.fast_write_level > 0;
  const Duration command = write_back ? ovh_.write_hit[after_read] : ovh_.write_miss[after_read];
  const Duration two_hops = 2 * controller_message_;

  bool extra = false;
  Time seek_stop{0}, media_free{0};
  const int si = ChooseWriteSegment(lbn, n, t0, &extra, &seek_stop, &media_free);
  CacheSegment scratch;
  CacheSegment& seg = si >= 0 ? cache_.seg(si) : scratch;
  seg.start = seg.end = lbn;
  seg.min_read_ahead = seg.max_read_ahead = 0;
  seg.state = SegmentState::kDirty;
  seg.used = true;
  seg.last_write = true;

  // The data phase.
  // The command overhead runs from ta. A write that waited in the drive's
  // queue disconnected after it and sends its data once it is chosen, after
  // a reselection (no write prebuffering).
  Time overhead_done, data_start;
  if (extra) {
    overhead_done = ta + ovh_.extradisc_command_and_seek_delta;
    const Time disconnected = ta + ovh_.extradisc_command_and_disconnect + two_hops;
    data_start = disconnected + ovh_.extradisc_inter_disconnect + ovh_.reselect_first_and_prep +
                 arbitration_ + two_hops;
  } else {
    overhead_done = ta + command;
    data_start = ta + command + ovh_.data_prep + two_hops;
  }
  if (ta < t0) {
    data_start = std::max(data_start, t0 + ovh_.reselect_first_and_prep + arbitration_ + two_hops);
  }
  const Time data_end = data_start + static_cast<int64_t>(n) * host_write_;

  // The media write.
  Duration rotation{0};
  const Time begin = MediaStart(t0, overhead_done, seek_stop, media_free);
  const Time media_end = WriteMedia(lbn, n, begin, data_start, &rotation);
  seg.end = lbn + n;
  const Duration seek_time = walk_.first_positioning();
  const uint32_t seek_cylinders = walk_.first_seek_cylinders();
  head_ = walk_.head();
  walk_.Stop();
  bg_active_ = false;

  // The completion.
  ServiceInfo info;
  info.start = start;
  info.complete = WriteCompletion(si, extra, write_back, data_end, media_end);
  if (!(write_back && flush_seg_ == si)) {
    seg.state = cp.enable_caching && cp.read_hits_on_write_data ? SegmentState::kClean
                                                                : SegmentState::kEmpty;
  }
  last_op_ = Op::kWrite;

  info.overhead = (t0 - start) + Positive(ta + (extra ? ovh_.extradisc_command : command) - t0) +
                  ovh_.write_completion + controller_message_;
  info.seek = seek_time;
  info.seek_cylinders = seek_cylinders;
  info.rotation = rotation;
  SplitTransfer(info);
  return info;
}

}  // namespace iosched::sim
