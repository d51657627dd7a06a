// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RealReplay: replays a block trace through one elevator against a real file
// or block device with O_DIRECT (a Scheduler: io_uring, or psync threads),
// and measures it with the same RunMetrics as the simulator's Replay
// (simulator/include/iosched/replay.h). `iosched replay --target` is a thin
// front end over RunRealReplay.
//
// Safety, checked before the first I/O:
//   - a trace with writes is refused unless `allow_writes` (the target is
//     otherwise opened read-only);
//   - a block device that is mounted, has a mounted partition or is held by
//     another device (device mapper, md) is refused;
//   - the recordings (record_path, record_fio_path) follow the output rule
//     (iosched/output_file.h): never the target, the trace or each other,
//     never a device;
//   - every record is checked against the target's size (unless
//     `wrap_offsets`) before the first I/O, so a bad record never leaves a
//     half-replayed target;
//   - `create_size` creates a regular file (or extends a shorter one, never
//     shrinking it) and fills the new space with data so that reads reach
//     the disk; it is refused on a block device.
//
// Modes (iosched/replay_mode.h): open (arrivals at trace time × time_scale,
// in real time), closed (per stream: the next request after the previous
// one completed plus the recorded think time × time_scale, capped at 1 s),
// batch (everything queued under one plug, then released).
//
// Offsets: a request beyond the target is an error (the message names
// TRACE:LINE) or, with `wrap_offsets`, wraps (offset modulo the target
// size). Offsets and lengths are aligned to the target's direct-I/O
// alignment (offset down, length up, then clipped to the target); requests
// that needed it are counted (RealReplayResult::realigned).
//
// Units: bytes for offsets, lengths and sizes; nanoseconds for times.
// Thread-safety: RunRealReplay may be called from any thread; it starts the
// Scheduler's own threads and joins them before returning.

#ifndef IOSCHED_REAL_REPLAY_H_
#define IOSCHED_REAL_REPLAY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/direct_device.h"
#include "iosched/metrics.h"
#include "iosched/replay_mode.h"
#include "iosched/trace_pipeline.h"

namespace iosched {

// Largest single request RunRealReplay accepts, in bytes.
inline constexpr uint64_t kRealReplayMaxRequestBytes = 64ull << 20;

struct RealReplayOptions {
  // File or block device to replay against. Required.
  std::string target;
  // The trace's name in messages ("TRACE:LINE: ..."), usually its path.
  std::string trace_name = "trace";
  // The files the trace is read from: the recordings must not be any of
  // them (nor the target), compared by device and inode.
  std::vector<std::string> trace_paths;
  // Elevator spec (registry.h), e.g. "deadline:fifo_batch=8".
  std::string elevator = "noop";
  // Units in flight at the device, in [1, 4096].
  uint32_t depth = 1;
  // The blk-mq scheduler-tag pool (SchedulerOptions::sched_tags), with the
  // kernel's default nr_requests.
  bool sched_tags = false;
  IoBackendKind backend = IoBackendKind::kAuto;
  // io_uring: transfers per io_uring_enter (SchedulerOptions::submit_batch).
  uint32_t submit_batch = 1;
  ReplayMode mode = ReplayMode::kOpen;
  // Multiplies trace times (arrivals and think times); > 0.
  double time_scale = 1.0;
  // Replay only the first N records (0: all).
  uint64_t max_requests = 0;
  // Requests beyond the target wrap (offset modulo size) instead of failing.
  bool wrap_offsets = false;
  // Lets the trace's write requests modify the target.
  bool allow_writes = false;
  // Create or extend the target (a regular file) to this many bytes first.
  std::optional<uint64_t> create_size;
  // Record the run: an iosched native trace (with dispatch_ns, key, error and
  // bytes columns) and/or a fio iolog v3. Empty: not recorded.
  std::string record_path, record_fio_path;
  // Lets the recordings replace existing files that iosched did not write
  // (output_file.h; `--force`).
  bool force_overwrite = false;
  // Progress and notes for a human ("created X with N bytes", the backend
  // and alignment in use, the first I/O error as it happens). Null: silent.
  // Called from the replay's thread and, for the I/O error, from the
  // thread that completes the transfer: it must be thread-safe.
  std::function<void(std::string_view)> log;
  // Tests only: SchedulerOptions::fault_injector.
  FaultInjector fault_injector;
};

struct RealReplayResult {
  // The elevator's Name() and the summary of the run (latencies in ns).
  std::string elevator;
  Summary summary;
  LatencyHistogram latency[2];  // by Op: read, write
  // Records replayed; of those, wrapped onto the target and realigned.
  uint64_t records = 0, out_of_range = 0, realigned = 0;
  // The target's size and direct-I/O offset alignment, in bytes.
  uint64_t target_bytes = 0;
  uint32_t alignment = 1;
  // ElevatorEnv::rotational the elevator was built with (sysfs of the
  // target's disk, else true).
  bool rotational = true;
  IoBackendKind backend = IoBackendKind::kPsync;
  std::string fallback_reason;  // why io_uring was not used, if it was not
  // The first failed transfer's status (the run goes on after it; the
  // summary counts errors). Also reported through options.log as soon as
  // it happens.
  absl::Status first_io_error;
  // Not OK when the run stopped early after I/O had started (a trace,
  // submission or drain error) or its recording could not be completed:
  // the result then covers the requests that completed, and the caller
  // still reports them before the error.
  absl::Status aborted;
  // The trace as read (format, time unit, bad lines, pipeline stats).
  std::unique_ptr<TracePipeline> trace;
};

// Opens the trace; called two or three times (a first pass checks writes
// and sizes before any I/O, a second, only when a record may not fit, finds
// the first that does not; the last replays).
using TraceOpener = std::function<absl::StatusOr<std::unique_ptr<TracePipeline>>()>;

// Checks the options alone, without opening the target or the trace:
// InvalidArgument naming the option (unknown elevator, depth out of range,
// time_scale not > 0, a recording that is the target or the trace);
// FailedPrecondition for a recording onto a device (stat only). A caller
// maps these to a usage error.
absl::Status ValidateRealReplay(const RealReplayOptions& options);

// Runs the replay. Errors:
//   PermissionDenied   the trace writes and `allow_writes` is false, or
//                      `create_size` names a block device (refused by a rule
//                      the caller can lift or a flag misused: a usage error);
//   FailedPrecondition the block device is in use (mounted, held);
//   InvalidArgument    a record does not fit (TRACE:LINE), the target is
//                      empty or smaller than its alignment;
//   others             from the trace, the file system or the Scheduler.
// An error after I/O started does not fail the call: the Scheduler is shut
// down with kCancel (every submitted request completes exactly once) and
// the partial result comes back with `aborted` set.
absl::StatusOr<RealReplayResult> RunRealReplay(const TraceOpener& open_trace,
                                               const RealReplayOptions& options);

}  // namespace iosched

#endif  // IOSCHED_REAL_REPLAY_H_
