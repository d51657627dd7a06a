// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// How a trace's records become arrivals, shared by the simulator's Replay
// (simulator/include/iosched/replay.h) and the real-device RealReplay
// (scheduler/direct/include/iosched/real_replay.h).

#ifndef IOSCHED_REPLAY_MODE_H_
#define IOSCHED_REPLAY_MODE_H_

namespace iosched {

enum class ReplayMode {
  // Each record arrives at its trace time (× the time scale).
  kOpen,
  // Per stream: the next record arrives when the previous one completed plus
  // its recorded think time (capped at 1 s).
  kClosed,
  // Every record is queued at once (under one plug), then released.
  kBatch,
};

// The time scale both replays accept: a finite factor in
// [kMinTimeScale, kMaxTimeScale]. Beyond it scaled times saturate at 2^63 ns
// (or collapse to 0), and results at 1e300 would silently equal those at
// 1e-300 (issue 18).
inline constexpr double kMinTimeScale = 1e-9;
inline constexpr double kMaxTimeScale = 1e6;
inline bool TimeScaleInRange(double scale) {
  return scale >= kMinTimeScale && scale <= kMaxTimeScale;  // false for NaN and inf
}

}  // namespace iosched

#endif  // IOSCHED_REPLAY_MODE_H_
