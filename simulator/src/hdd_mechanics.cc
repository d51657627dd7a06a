// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_mechanics.h"

#include <algorithm>
#include <cmath>

namespace iosched::sim {
namespace {

constexpr double kNsPerMs = 1e6;
// 60 s in nanoseconds, times 1000 (the angle uses rpm × 1000).
constexpr __int128 kMinuteNsMilli = static_cast<__int128>(60'000'000'000) * 1000;

}  // namespace

Duration MsToDuration(double ms) { return Duration{std::llround(ms * kNsPerMs)}; }

SeekModel::SeekModel(const HddParams& params)
    : curve_(params.seek),
      head_switch_(MsToDuration(params.head_switch_ms)),
      write_settle_(MsToDuration(params.write_settle_ms)) {}

double SeekModel::CurveNs(uint32_t d) const {
  if (d == 0) return 0;
  double ms = 0;
  if (curve_.kind == HddSeekCurve::Kind::kHplPlus10) {
    if (d <= 10) {
      ms = curve_.first_ten_ms[d - 1];
    } else if (d < curve_.boundary) {
      ms = curve_.sqrt_a_ms + curve_.sqrt_b_ms * std::sqrt(static_cast<double>(d));
    } else {
      ms = curve_.linear_c_ms + curve_.linear_e_ms * static_cast<double>(d);
    }
  } else {
    const auto& t = curve_.table;
    // First point with distance >= d.
    auto it = std::lower_bound(t.begin(), t.end(), d,
                               [](const auto& pt, uint32_t v) { return pt.first < v; });
    if (it != t.end() && it->first == d) {
      ms = it->second;
    } else {
      double d0, t0, d1, t1;
      if (it == t.begin()) {  // below the first point: from (0, 0)
        d0 = 0, t0 = 0, d1 = it->first, t1 = it->second;
      } else if (it == t.end()) {  // beyond the last: extend the last segment
        if (t.size() == 1) return t.back().second * kNsPerMs;
        d0 = t[t.size() - 2].first, t0 = t[t.size() - 2].second;
        d1 = t.back().first, t1 = t.back().second;
      } else {
        d0 = std::prev(it)->first, t0 = std::prev(it)->second;
        d1 = it->first, t1 = it->second;
      }
      ms = t0 + (static_cast<double>(d) - d0) * (t1 - t0) / (d1 - d0);
    }
  }
  return std::max(0.0, ms) * kNsPerMs;
}

Duration SeekModel::Curve(uint32_t d) const { return Duration{std::llround(CurveNs(d))}; }

Duration SeekModel::Positioning(uint32_t c1, uint32_t h1, uint32_t c2, uint32_t h2, Op op) const {
  if (c1 == c2 && h1 == h2) return Duration{0};
  Duration t = Curve(c1 > c2 ? c1 - c2 : c2 - c1);
  if (h1 != h2) t = std::max(t, head_switch_);
  if (op == Op::kWrite && t > Duration{0}) t += write_settle_;
  return t;
}

Spindle::Spindle(double rpm) : milli_rpm_(std::llround(rpm * 1000)), revolution_ns_(60e9 / rpm) {}

double Spindle::AngleAt(Time t) const {
  const __int128 phase = (static_cast<__int128>(t.count()) * milli_rpm_) % kMinuteNsMilli;
  double a = static_cast<double>(phase) / static_cast<double>(kMinuteNsMilli);
  if (a < 0) a += 1.0;
  return a;
}

double Spindle::WaitNs(double from, double target) const {
  double w = target - from;
  w -= std::floor(w);  // [0, 1)
  // Arriving a hair after the target (rounding) is arriving on time.
  if ((1.0 - w) * revolution_ns_ < 0.5) w = 0;
  return w * revolution_ns_;
}

Duration Spindle::WaitFor(Time t, double target) const {
  return Duration{std::llround(WaitNs(AngleAt(t), target))};
}

}  // namespace iosched::sim
