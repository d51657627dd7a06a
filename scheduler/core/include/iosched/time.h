// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Time in iosched is integer nanoseconds everywhere: the simulator's clock, the
// real path's steady clock and every timestamp a trace reader produces. Floats
// never enter the engine; they appear only when a report prints milliseconds.
//
// Elevators that copy the kernel think in jiffies ("ticks"). `TickClock`
// converts between nanoseconds and ticks for a given HZ (default 1000, so one
// tick is one millisecond and every kernel default written as HZ/n is exact).

#ifndef IOSCHED_TIME_H_
#define IOSCHED_TIME_H_

#include <chrono>
#include <cstdint>

namespace iosched {

// A point in time: nanoseconds since the owning clock's epoch (the start of a
// simulation, or the first reading of the steady clock on the real path).
using Time = std::chrono::nanoseconds;
// A span of time in nanoseconds.
using Duration = std::chrono::nanoseconds;

inline constexpr Time kTimeZero{0};
// "Never": later than any time a run can reach.
inline constexpr Time kTimeNever{INT64_MAX};

// Milliseconds as a double, for reports only.
inline constexpr double ToMillis(Duration d) { return static_cast<double>(d.count()) / 1e6; }

// Converts between nanoseconds and kernel ticks at a fixed HZ.
// Thread-safe (immutable).
class TickClock {
 public:
  explicit constexpr TickClock(int64_t hz = 1000) : hz_(hz) {}

  constexpr int64_t hz() const { return hz_; }
  // Tick containing `t` (floor). Ticks count from the clock's epoch.
  constexpr int64_t ToTicks(Time t) const { return t.count() * hz_ / 1000000000; }
  // First nanosecond of tick `ticks`.
  constexpr Time FromTicks(int64_t ticks) const {
    // Round up so that ToTicks(FromTicks(k)) == k for every HZ.
    return Time{(ticks * 1000000000 + hz_ - 1) / hz_};
  }
  // Kernel msecs_to_jiffies: rounds up.
  constexpr int64_t MsToTicks(int64_t ms) const { return (ms * hz_ + 999) / 1000; }
  // Kernel jiffies_to_msecs.
  constexpr int64_t TicksToMs(int64_t ticks) const { return ticks * 1000 / hz_; }

 private:
  int64_t hz_;
};

}  // namespace iosched

#endif  // IOSCHED_TIME_H_
