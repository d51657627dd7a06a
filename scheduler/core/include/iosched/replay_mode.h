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

}  // namespace iosched

#endif  // IOSCHED_REPLAY_MODE_H_
