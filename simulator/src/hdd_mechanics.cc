// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_mechanics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace iosched::sim {
namespace {

constexpr double kNsPerMs = 1e6;
// 60 s in nanoseconds, times 1000 (the angle uses rpm × 1000).
constexpr __int128 kMinuteNsMilli = static_cast<__int128>(60'000'000'000) * 1000;

// Linear interpolation through (d0, t0) and (d1, t1) at d.
double Lerp(double d, double d0, double t0, double d1, double t1) {
  return t0 + (d - d0) * (t1 - t0) / (d1 - d0);
}

}  // namespace

Duration MsToDuration(double ms) { return Duration{std::llround(ms * kNsPerMs)}; }

SeekModel::SeekModel(const HddParams& params)
    : curve_(params.seek),
      cylinders_(params.cylinders),
      head_switch_(MsToDuration(params.head_switch_ms)),
      write_settle_(MsToDuration(params.write_settle_ms)) {
  if (cylinders_ <= kMaxTabled) {
    table_.resize(cylinders_);
    for (uint32_t d = 0; d < cylinders_; ++d) table_[d] = Duration{std::llround(CurveNs(d))};
  }
}

double SeekModel::CurveNs(uint32_t d) const {
  if (d == 0) return 0;
  const double dd = static_cast<double>(d);
  double ms = 0;
  switch (curve_.kind) {
    case HddSeekCurve::Kind::kHplPlus10:
      if (d <= 10) {
        ms = curve_.first_ten_ms[d - 1];
      } else if (dd < curve_.boundary) {
        ms = curve_.sqrt_a_ms + curve_.sqrt_b_ms * std::sqrt(dd);
      } else {
        ms = curve_.linear_c_ms + curve_.linear_e_ms * dd;
      }
      break;
    case HddSeekCurve::Kind::kHpl:
      if (d == 1 && curve_.hpl_single_ms >= 0) {
        ms = curve_.hpl_single_ms;
      } else if (dd < curve_.boundary) {
        ms = curve_.sqrt_a_ms + curve_.sqrt_b_ms * std::sqrt(dd);
      } else {
        ms = curve_.linear_c_ms + curve_.linear_e_ms * dd;
      }
      break;
    case HddSeekCurve::Kind::kConstant:
      ms = curve_.constant_ms;
      break;
    case HddSeekCurve::Kind::kLinear: {
      // The documented 3-point line: (1, single), (cyls/3, average),
      // (cyls − 1, full stroke).
      const double third = std::max(2.0, static_cast<double>(cylinders_) / 3.0);
      const double full = std::max(third + 1, static_cast<double>(cylinders_) - 1.0);
      if (d == 1) {
        ms = curve_.single_cylinder_ms;
      } else if (dd <= third) {
        ms = Lerp(dd, 1, curve_.single_cylinder_ms, third, curve_.average_ms);
      } else {
        ms = Lerp(dd, third, curve_.average_ms, full, curve_.full_stroke_ms);
      }
      break;
    }
    case HddSeekCurve::Kind::kCurve:
      ms = curve_.single_cylinder_ms + curve_.average_ms * (dd - 1) +
           curve_.full_stroke_ms * std::sqrt(dd - 1);
      break;
    case HddSeekCurve::Kind::kTable: {
      const auto& t = curve_.table;
      // First point with distance >= d.
      auto it = std::lower_bound(t.begin(), t.end(), d,
                                 [](const auto& pt, uint32_t v) { return pt.first < v; });
      if (it != t.end() && it->first == d) {
        ms = it->second;
      } else if (it == t.begin()) {  // below the first point: from (0, 0)
        ms = Lerp(dd, 0, 0, it->first, it->second);
      } else if (it == t.end()) {  // beyond the last: extend the last segment
        if (t.size() == 1) {
          ms = t.back().second;
        } else {
          const auto& a = t[t.size() - 2];
          const auto& b = t.back();
          ms = Lerp(dd, a.first, a.second, b.first, b.second);
        }
      } else {
        const auto& a = *std::prev(it);
        ms = Lerp(dd, a.first, a.second, it->first, it->second);
      }
      break;
    }
  }
  return std::max(0.0, ms) * kNsPerMs;
}

Duration SeekModel::Curve(uint32_t d) const {
  return d < table_.size() ? table_[d] : Duration{std::llround(CurveNs(d))};
}

Duration SeekModel::Positioning(uint32_t c1, uint32_t h1, uint32_t c2, uint32_t h2, Op op) const {
  if (c1 == c2 && h1 == h2) return Duration{0};
  Duration t = Curve(c1 > c2 ? c1 - c2 : c2 - c1);
  if (h1 != h2) t = std::max(t, head_switch_);
  if (op == Op::kWrite && t > Duration{0}) t = std::max(Duration{0}, t + write_settle_);
  return t;
}

Spindle::Spindle(double rpm) : milli_rpm_(std::llround(rpm * 1000)), revolution_ns_(60e9 / rpm) {
  // (t · r) mod M depends only on t mod M / gcd(r, M).
  const int64_t m = static_cast<int64_t>(kMinuteNsMilli);
  if (milli_rpm_ > 0) {
    const int64_t period = m / std::gcd(milli_rpm_, m);
    if (period <= std::numeric_limits<int64_t>::max() / milli_rpm_) period_ns_ = period;
  }
  if (period_ns_ > 0) {
    mod_period_ = ModBy{static_cast<uint64_t>(period_ns_), UINT64_MAX / period_ns_};
    mod_minute_ = ModBy{static_cast<uint64_t>(m), UINT64_MAX / static_cast<uint64_t>(m)};
  }
}

// With inv = floor((2^64 - 1) / d), q = floor(x · inv / 2^64) is floor(x / d)
// or one less (x · inv / 2^64 > x / d - x / 2^64 > x / d - 1), so one
// correction gives the exact remainder.
uint64_t Spindle::ModBy::operator()(uint64_t x) const {
  const uint64_t q = static_cast<uint64_t>((static_cast<unsigned __int128>(x) * inv) >> 64);
  uint64_t r = x - q * d;
  if (r >= d) r -= d;
  return r;
}

double Spindle::AngleAt(Time t) const {
  if (period_ns_ > 0 && t.count() >= 0) {
    // The same phase as below, in 64-bit arithmetic.
    return static_cast<double>(Phase(t)) / static_cast<double>(kMinuteNsMilli);
  }
  const __int128 phase = (static_cast<__int128>(t.count()) * milli_rpm_) % kMinuteNsMilli;
  double a = static_cast<double>(phase) / static_cast<double>(kMinuteNsMilli);
  if (a < 0) a += 1.0;
  return a;
}

double Spindle::WaitNs(double from, double target) const {
  double w = target - from;
  // w - floor(w), in [0, 1); both angles are in [0, 1), so w is in (-1, 1).
  if (w < 0) {
    w = w >= -1.0 ? w + 1.0 : w - std::floor(w);
  } else if (w >= 1.0) {
    w -= std::floor(w);
  }
  // Arriving a hair after the target (rounding) is arriving on time.
  if ((1.0 - w) * revolution_ns_ < 0.5) w = 0;
  return w * revolution_ns_;
}

// std::llround, inline: truncation is floor for x >= 0, x - floor(x) is
// exact, and halfway rounds up (away from zero), as llround does.
int64_t Spindle::RoundWait(double x) {
  if (!(x >= 0 && x < 9.0e18)) return std::llround(x);
  const int64_t i = static_cast<int64_t>(x);
  return x - static_cast<double>(i) >= 0.5 ? i + 1 : i;
}

Duration Spindle::WaitFor(Time t, double target) const {
  return Duration{RoundWait(WaitNs(AngleAt(t), target))};
}

Time Spindle::NextPass(Time earliest, double target, Duration slack) const {
  // Not clamped to `earliest`: a pass found inside the slack is the true
  // (rounded) time of the angle, which keeps consecutive sectors from
  // drifting by their rounded durations.
  const Time t = earliest - slack;
  return t + Duration{RoundWait(WaitNs(AngleAt(t), target))};
}

Time Spindle::NextPassAndWaitBefore(Time earliest, double target, Duration back,
                                    double* back_wait) const {
  const double wait = WaitNs(AngleAt(earliest), target);
  const int64_t rounded = RoundWait(wait);
  const Time pass = earliest + Duration{rounded};
  // From pass − back, the target is back + (wait − rounded) ns away, in
  // [back − 1/2, back + 1/2] (never a wrap, for back >= 1): one subtraction,
  // exact but for the rounding of `wait` itself (a few ulps of a
  // revolution). Not below a 1 ns wait, which WaitNs may have zeroed (a
  // target less than 1/2 ns behind counts as on time).
  if (revolution_ns_ < kLineRevolutionNs && wait >= 1 && back.count() >= 1 &&
      static_cast<double>(back.count()) < revolution_ns_ / 2) {
    *back_wait = wait - static_cast<double>(rounded - back.count());
  } else {
    *back_wait = WaitNsFrom(pass - back, target);
  }
  return pass;
}

MediaWalk::MediaWalk(const ZonedLayout* layout, const SeekModel* seek, const Spindle* spindle)
    : layout_(layout), seek_(seek), spindle_(spindle), zone_timing_(layout->zone_count()) {}

void MediaWalk::Begin(Time begin, Track from, uint64_t lbn, Op op, Duration min_positioning) {
  op_ = op;
  active_ = true;
  head_ = from;
  last_end_ = begin;
  Aim(begin, lbn, /*first=*/true, min_positioning);
}

namespace {
constexpr Duration kAnchorSlack{20};  // Spindle::NextPass's default slack
}  // namespace

void MediaWalk::Aim(Time from_time, uint64_t lbn, bool first, Duration min_positioning) {
  const bool in_run = !first && run_left_ > 0 && lbn == next_ + 1;
  if (in_run) {
    // The next sector of the same track.
    ++next_phys_.sector;
    --run_left_;
  } else {
    uint32_t run = 1;
    layout_->Map(lbn, &run, &next_phys_);
    run_left_ = run - 1;
  }
  next_ = lbn;
  // Sector by sector along one track, the track's origin and the sector
  // time stay the same: compute them once per track.
  if (!origin_valid_ || origin_.cylinder != next_phys_.cylinder ||
      origin_.head != next_phys_.head) {
    layout_->TrackStart(next_phys_, &origin_);
    origin_valid_ = true;
    if (next_phys_.sectors_per_track != timing_.spt) {
      SetSectorsPerTrack(next_phys_.sectors_per_track, next_phys_.zone);
    }
  }
  angle_valid_ = false;
  const Track to{next_phys_.cylinder, next_phys_.head};
  repositioning_ = first || !(to == head_);
  if (repositioning_) {
    Duration pos = seek_->Positioning(head_.cylinder, head_.head, to.cylinder, to.head, op_);
    if (first) {
      pos = std::max(pos, min_positioning);
      first_positioning_ = pos;
      first_seek_cylinders_ = head_.cylinder > to.cylinder ? head_.cylinder - to.cylinder
                                                           : to.cylinder - head_.cylinder;
    }
    seek_start_ = from_time;
    seek_end_ = from_time + pos;
    // The run's line, anchored just before this sector's pass (its angle is
    // at hand) rather than before the next one's, which would need that
    // sector's angle computed: the passes on both lines are the same.
    anchored_ = run_left_ > 0;
    if (anchored_) {
      earliest_pass_ =
          spindle_->NextPassAndWaitBefore(seek_end_, NextAngle(), kAnchorSlack, &anchor_wait_);
      anchor_ = earliest_pass_ - kAnchorSlack;
      anchor_steps_ = 0;
    } else {
      earliest_pass_ = spindle_->NextPass(seek_end_, NextAngle(), Duration{0});
    }
    return;
  }
  seek_start_ = seek_end_ = from_time;
  if (in_run && on_schedule_ && anchored_) {
    ++anchor_steps_;
    if (LinearPass(0, &earliest_pass_)) return;
  }
  // Anchor here: the exact NextPass.
  anchor_ = from_time - kAnchorSlack;
  anchor_wait_ = spindle_->WaitNsFrom(anchor_, NextAngle());
  anchor_steps_ = 0;
  anchored_ = in_run || run_left_ > 0;
  // = spindle_->NextPass(from_time, NextAngle(), kAnchorSlack)
  earliest_pass_ = anchor_ + Duration{Spindle::RoundWait(anchor_wait_)};
}

inline bool MediaWalk::LinearPass(uint32_t i, Time* pass) const {
  constexpr double kTieNs = 1e-6;
  const double wait = anchor_wait_ + static_cast<double>(anchor_steps_ + i) * timing_.exact;
  const int64_t whole = static_cast<int64_t>(wait);
  const double frac = wait - static_cast<double>(whole);
  if (!(wait > 1 && wait < spindle_->revolution_ns() - 1) || std::fabs(frac - 0.5) <= kTieNs) {
    return false;
  }
  *pass = anchor_ + Duration{whole + (frac >= 0.5 ? 1 : 0)};
  return true;
}

void MediaWalk::SetSectorsPerTrack(uint32_t spt, uint32_t zone) {
  SectorTiming* cached = zone < zone_timing_.size() ? &zone_timing_[zone] : nullptr;
  if (cached != nullptr && cached->spt == spt) {
    timing_ = *cached;
    return;
  }
  SectorTiming& t = timing_;
  t = SectorTiming{};
  t.spt = spt;
  t.exact = spindle_->revolution_ns() / static_cast<double>(spt);
  t.inv = 1.0 / t.exact;
  t.sector_time = Duration{std::llround(t.exact)};
  // The fixed-point line: waits below 2^26 ns keep the double line's own
  // rounding error under 2^-26 ns, and 4096 steps of a step rounded to
  // 2^-33 ns add at most 4.8e-7 ns.
  constexpr double kOne = 4294967296.0;  // 2^32
  t.fixed_ok = spindle_->revolution_ns() < static_cast<double>(int64_t{1} << 26) && spt <= 4096;
  if (t.fixed_ok) {
    t.fixed_sector = std::llround(t.exact * kOne);
    t.fixed_lo = static_cast<int64_t>((1.0 + 1e-5) * kOne);
    t.fixed_hi = static_cast<int64_t>((spindle_->revolution_ns() - 1.0 - 1e-5) * kOne);
  }
  if (cached != nullptr) *cached = t;
}

MediaWalk::FixedLine MediaWalk::LineAt(uint32_t i) const {
  FixedLine line;
  line.wait = static_cast<int64_t>(anchor_wait_ * 4294967296.0) +
              static_cast<int64_t>(anchor_steps_ + i) * timing_.fixed_sector;
  line.step = timing_.fixed_sector;
  line.lo = timing_.fixed_lo;
  line.hi = timing_.fixed_hi;
  line.anchor = anchor_;
  return line;
}

bool MediaWalk::FixedLine::Pass(Time* pass) const {
  if (wait <= lo || wait >= hi) return false;
  const uint64_t r = static_cast<uint64_t>(wait + kHalf);
  if (((r + kBand) & kMask) < 2 * kBand) return false;
  *pass = anchor + Duration{static_cast<int64_t>(r >> 32)};
  return true;
}

uint32_t MediaWalk::FixedLine::Fill(uint32_t i, uint32_t k, Duration add, Time* out) const {
  if (wait <= lo || wait >= hi) return i;
  // The waits grow: all of them up to the last below hi are in range.
  const uint64_t in_range = static_cast<uint64_t>((hi - 1 - wait) / step) + 1;
  const uint32_t to = static_cast<uint32_t>(std::min<uint64_t>(k, i + in_range));
  int64_t w = wait + kHalf;
  const Time base = anchor + add;
  for (uint32_t j = i; j < to; ++j, w += step) {
    const uint64_t r = static_cast<uint64_t>(w);
    if (((r + kBand) & kMask) < 2 * kBand) return j;
    out[j] = base + Duration{static_cast<int64_t>(r >> 32)};
  }
  return to;
}

uint32_t MediaWalk::TransferWhileBefore(uint32_t max, Time deadline, Time* ends,
                                        const ReadyLine& ready) {
  uint32_t done = 0;
  while (done < max && active_) {
    if (done > 0 && repositioning_) break;  // the run ends here
    // Along the anchored run, when this sector goes in its first pass, jump
    // over the k sectors (this one included) that pass on the anchor's line
    // in their first passes and end in time, to the state the walk would
    // have at the (k+1)-th.
    const uint32_t ahead = std::min(run_left_, max - done - 1);
    if (anchored_ && ahead > 0 && !repositioning_ && ready.At(done) <= earliest_pass_) {
      uint32_t k = ahead;
      if (deadline != kTimeNever) {
        // Sector k − 1 must end by the deadline: estimate k, then check.
        const double room = static_cast<double>((deadline - timing_.sector_time - anchor_).count());
        const double steps = (room - anchor_wait_) * timing_.inv - anchor_steps_ + 1;
        k = steps <= 0 ? 0 : static_cast<uint32_t>(std::min<double>(steps, ahead));
      }
      // Data that arrives at least 2 ns per sector faster than the sectors
      // pass stays ahead of the head once it is ahead (a pass is the line
      // rounded, within 1/2 ns + 1e-6 ns of it): no sector needs checking.
      const bool keeps_up = static_cast<double>(ready.step.count()) <= timing_.exact - 2.0;
      if (ready.step > Duration{0} && !keeps_up && k > 1 &&
          static_cast<double>(ready.step.count()) >= timing_.exact + 3.0) {
        k = FirstLate(k, done, ready);
      } else if (ready.step > Duration{0} && !keeps_up) {
        // The data may fall behind the head: every sector is checked.
        FixedLine line;
        if (timing_.fixed_ok) line = LineAt(1);
        for (uint32_t i = 1; i < k; ++i) {
          Time p{0};
          const bool on_line =
              timing_.fixed_ok ? line.Pass(&p) || LinearPass(i, &p) : LinearPass(i, &p);
          if (!on_line || p < ready.At(done + i)) {
            k = i;
            break;
          }
          line.wait += line.step;
        }
      }
      Time pass{0}, prev_pass{0};
      for (; k > 0; --k) {
        if (!LinearPass(k, &pass)) continue;  // a tie: stop earlier
        if (k == 1) {
          prev_pass = earliest_pass_;
        } else if (!LinearPass(k - 1, &prev_pass)) {
          continue;
        }
        if (prev_pass + timing_.sector_time <= deadline) break;
      }
      if (k > 0) {
        if (ends != nullptr) {
          // Every sector's end: the line, or NextPass at a tie.
          Time* out = ends + done;
          out[0] = earliest_pass_ + timing_.sector_time;
          FixedLine line;
          if (timing_.fixed_ok) line = LineAt(1);
          for (uint32_t i = 1; i < k;) {
            // The fixed line fills what it can; the sector it stops at
            // (a tie) is timed by LinearPass, or NextPass.
            if (timing_.fixed_ok) {
              const uint32_t to = line.Fill(i, k, timing_.sector_time, out);
              if (to == k) break;
              line.wait += static_cast<int64_t>(to - i + 1) * line.step;
              i = to;
            }
            Time p{0};
            if (!LinearPass(i, &p)) {
              p = spindle_->NextPass(out[i - 1],
                                     ZonedLayout::AngleOnTrack(origin_, next_phys_.sector + i));
            }
            out[i] = p + timing_.sector_time;
            ++i;
          }
        }
        // Sectors next_ .. next_ + k − 1 pass as predicted; next_ + k is
        // aimed at from the previous one's end.
        next_ += k;
        next_phys_.sector += k;
        run_left_ -= k;
        anchor_steps_ += k;
        angle_valid_ = false;
        head_ = Track{next_phys_.cylinder, next_phys_.head};
        last_end_ = prev_pass + timing_.sector_time;
        seek_start_ = seek_end_ = last_end_;
        on_schedule_ = true;
        earliest_pass_ = pass;
        done += k;  // k < max − done: the (k+1)-th goes below
      }
    }
    const Time pass = PassAtOrAfter(ready.At(done));
    if (pass + timing_.sector_time > deadline) break;
    const Time end = Transfer(pass);
    if (ends != nullptr) ends[done] = end;
    ++done;
  }
  return done;
}

uint32_t MediaWalk::FirstLate(uint32_t k, uint32_t done, const ReadyLine& ready) const {
  // Sector i passes at p_i, the line rounded (to within 1/2 + 1e-6 ns), so
  // p_i − p_{i−1} < exact + 1.01, while base + (done + i) · step grows by
  // the step: p_i − (base + (done + i) · step) falls by more than
  // step − exact − 1.01 >= 1.99 per sector, and "late" (p_i below it)
  // holds from some i* on. The floor never makes a sector late: p_i >= p_0
  // >= ready.At(done) >= floor. So a sector before i* − 1 is on time by
  // more than a nanosecond, even at a tie, where the line's rounding may be
  // a nanosecond off: only the sectors either side of i* need exact passes.
  // Estimate i* from the unrounded line, then step to it.
  const double step = static_cast<double>(ready.step.count());
  const double late_from_line =
      (static_cast<double>((anchor_ - ready.base).count()) + anchor_wait_ +
       static_cast<double>(anchor_steps_) * timing_.exact - static_cast<double>(done) * step) /
      (step - timing_.exact);
  // The line ends a nanosecond before a revolution (LinearPass): i stays
  // below where it does, as in the loop it replaces.
  const double line_end =
      (spindle_->revolution_ns() - 1 - anchor_wait_) * timing_.inv - anchor_steps_;
  const double bound = std::min(static_cast<double>(k), std::min(line_end, late_from_line + 1));
  uint32_t i = bound <= 1 ? 1 : static_cast<uint32_t>(bound);
  // late(i): sector i misses its first pass, or the line cannot say.
  const auto late = [&](uint32_t j) {
    Time p{0};
    return !LinearPass(j, &p) || p < ready.At(done + j);
  };
  while (i > 1 && late(i - 1)) --i;
  while (i < k && !late(i)) ++i;
  return i;
}

double MediaWalk::NextAngle() const {
  if (!angle_valid_) {
    // Computed on demand: along a run the pass times do without it.
    next_angle_ = ZonedLayout::AngleOnTrack(origin_, next_phys_.sector);
    angle_valid_ = true;
  }
  return next_angle_;
}

Time MediaWalk::PassAtOrAfter(Time ready) const {
  if (ready <= earliest_pass_) return earliest_pass_;
  return spindle_->NextPass(ready, NextAngle(), Duration{0});
}

Time MediaWalk::Transfer(Time pass_start) {
  const Time end = pass_start + timing_.sector_time;
  head_ = Track{next_phys_.cylinder, next_phys_.head};
  last_end_ = end;
  on_schedule_ = pass_start == earliest_pass_;
  if (next_ + 1 >= layout_->capacity_sectors()) {
    active_ = false;
  } else {
    Aim(end, next_ + 1, /*first=*/false, Duration{0});
  }
  return end;
}

}  // namespace iosched::sim
