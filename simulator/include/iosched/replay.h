// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Replay: drives a trace through an elevator and a disk model with the
// shared Dispatcher on a deterministic discrete-event engine (simulated
// time, integer nanoseconds; ties broken by event sequence number).
//
// Modes (always explicit):
//   open    arrivals at the trace's timestamps × time_scale;
//   closed  each stream issues its next request when its previous one has
//           completed, plus its recorded think time (issue 3);
//   batch   every request queued at t = 0 (issue 3).
//
// Memory: the trace is streamed; the engine holds only requests that have
// arrived and not yet completed, plus one look-ahead record.

#ifndef IOSCHED_REPLAY_H_
#define IOSCHED_REPLAY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "iosched/disk_model.h"
#include "iosched/elevator.h"
#include "iosched/metrics.h"
#include "iosched/trace.h"

namespace iosched {

enum class ReplayMode { kOpen, kClosed, kBatch };

// What to do with a record that lies beyond the disk's capacity.
enum class FitPolicy {
  kError,  // stop with "path:line: offset … beyond capacity …"
  kWrap,   // offset modulo capacity (aligned down to 8 sectors)
  kScale,  // offsets scaled linearly so the trace's highest end fits
};

struct ReplayOptions {
  ReplayMode mode = ReplayMode::kOpen;
  double time_scale = 1.0;  // open loop: arrival = trace time × time_scale
  uint32_t depth = 1;       // units in flight at the device
  FitPolicy fit = FitPolicy::kError;
  // kScale needs the trace's highest end offset in bytes (a first pass).
  uint64_t trace_max_end = 0;
  uint64_t max_requests = 0;  // 0: the whole trace
  std::string trace_name;     // for error messages
};

struct ReplayResult {
  Summary summary;
  Time end_time{0};             // simulated time of the last event
  uint64_t out_of_range = 0;    // records wrapped or scaled
  Duration seek_time_total{0};  // summed mechanical seek time
  uint64_t cache_hits = 0;
};

// Replays `reader` through `elevator` on `disk`. The elevator must be fresh.
// Fails with the reader's error, or a capacity error under FitPolicy::kError.
absl::StatusOr<ReplayResult> Replay(TraceReader& reader, Elevator& elevator, DiskModel& disk,
                                    const ReplayOptions& options);

}  // namespace iosched

#endif  // IOSCHED_REPLAY_H_
