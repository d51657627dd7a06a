// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The moving parts of a disk: the seek curve, the positioning rule and the
// spindle. Doubles appear only inside the formulas; every result is rounded
// once to integer nanoseconds.
//
// Positioning from (c1, h1) to (c2, h2), DiskSim 4.0 dm_mech_g1 rules:
//   0                                        if c1 == c2 and h1 == h2
//   max(seek(|c2 − c1|), head switch if h1 != h2)      otherwise
//   + write settle                           for writes, when the above > 0
//
// Spindle: the platter turns at a constant rpm from angle 0 at t = 0, so the
// angle at time t is (t · rpm / 60 s) mod 1 revolution. It is computed from
// the absolute time with integer arithmetic (no drift over long runs).
//
// Thread-safety: immutable after construction.

#ifndef IOSCHED_SIMULATOR_HDD_MECHANICS_H_
#define IOSCHED_SIMULATOR_HDD_MECHANICS_H_

#include <cstdint>

#include "iosched/hdd_params.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched::sim {

// Milliseconds (a parameter file's unit) to integer nanoseconds, rounded.
Duration MsToDuration(double ms);

class SeekModel {
 public:
  // REQUIRES: ValidateHddParams(params).ok().
  explicit SeekModel(const HddParams& params);

  // Seek-curve time for a distance in cylinders (0 for 0), as a double in
  // nanoseconds, before rounding.
  double CurveNs(uint32_t distance) const;
  // The same, rounded to integer nanoseconds.
  Duration Curve(uint32_t distance) const;
  // Positioning time from (c1, h1) to (c2, h2) for `op` (rule above).
  Duration Positioning(uint32_t c1, uint32_t h1, uint32_t c2, uint32_t h2, Op op) const;

  Duration head_switch() const { return head_switch_; }
  Duration write_settle() const { return write_settle_; }

 private:
  HddSeekCurve curve_;
  Duration head_switch_;
  Duration write_settle_;
};

class Spindle {
 public:
  explicit Spindle(double rpm);

  // Nanoseconds per revolution (not an integer in general).
  double revolution_ns() const { return revolution_ns_; }
  // Angle of the platter at `t`, in revolutions [0, 1).
  double AngleAt(Time t) const;
  // Time from `t` until angle `target` (revolutions [0, 1)) is under the
  // head. An arrival less than half a nanosecond late counts as on time.
  Duration WaitFor(Time t, double target) const;
  // The same from a known angle rather than a time, in nanoseconds.
  double WaitNs(double from_angle, double target) const;

 private:
  int64_t milli_rpm_;     // rpm × 1000, so the angle is exact integer math
  double revolution_ns_;  // 60e9 / rpm
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_MECHANICS_H_
