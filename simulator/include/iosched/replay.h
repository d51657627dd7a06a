// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Replay: drives a trace through an elevator and a disk model with the
// shared Dispatcher on a deterministic discrete-event engine (simulated
// time, integer nanoseconds; ties broken by event sequence number). The same
// trace, elevator spec, disk and options always give the same ReplayResult.
//
// Requests: record i (0-based, in trace order) becomes Request id i with
//   sector = offset / 512, sectors = ceil((offset + length) / 512) − sector,
//   op = record.op, sync = (op == read), stream = record.stream or 0,
// then the FitPolicy below is applied.
//
// Modes (always explicit):
//   open    record i arrives at round(time_ns × time_scale). A timestamp
//           below the previous arrival is clamped to it (counted in
//           ReplayResult::clamped_arrivals), so arrivals never go backwards.
//   closed  each stream issues its next record only after its previous
//           request has completed, plus a think time:
//             - a stream's first record arrives at round(time_ns ×
//               time_scale), so first requests of different streams keep
//               their relative trace order;
//             - record r after record p of the same stream arrives at
//                 completion(p) + clamp(think × time_scale, 0, think_cap)
//               where think = p.think_ns if the trace recorded it (the idle
//               gap after p completed, as in DiskSim validate traces), else
//               (r.time_ns − p.time_ns) − p.response_ns when p's response
//               time is known, else r.time_ns − p.time_ns.
//           Records are read ahead in trace order into per-stream queues, at
//           most `closed_window` records read and not yet submitted. When
//           the window is full, reading waits until one is submitted; a
//           record read late arrives no earlier than the time it is read.
//           With one stream (or closed_window = 1) this is exactly "one
//           look-ahead record".
//           Async writes (closed_async_writes > 0): an application's write()
//           returns once the data is in the page cache, and writeback
//           reaches the disk as async requests; the writer blocks only when
//           the request queue is congested (the kernel's nr_requests, 128).
//           With closed_async_writes = N, a write does not hold its stream:
//           the stream's next record arrives think time after the write
//           *arrived*, as long as fewer than N of the stream's writes are
//           outstanding; at N the stream waits for one to complete. Reads
//           always wait. 0 (the default) is the strict closed loop above,
//           where a streaming writer has one write outstanding and cannot
//           flood the queue.
//           Records without a stream id replay as stream 0: the whole trace
//           is then one closed-loop stream (ReplayResult::records_without_stream
//           says how many).
//   batch   every record is submitted at t = 0, in trace order (the
//           user-space sorting scenario). This needs every request in memory
//           at once: batch mode is NOT bounded in memory.
//
// Memory (open and closed): the trace is streamed; the replay holds requests
// that have been read and not yet completed (at most one look-ahead record in
// open mode, `closed_window` in closed mode) in a pool that grows in chunks
// and recycles completed requests, so steady state allocates nothing per
// request.
//
// Checks: every submitted request must complete exactly once and the
// elevator must end Empty(); otherwise Internal naming the request id. If the
// event queue runs dry while the elevator still holds requests (an elevator
// that idles without arming a timer), the replay forces Dispatcher::Drain()
// and counts it in ReplayResult::forced_drains.
//
// Thread-safety: Replay is reentrant; the arguments belong to one call.

#ifndef IOSCHED_REPLAY_H_
#define IOSCHED_REPLAY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/disk_model.h"
#include "iosched/elevator.h"
#include "iosched/metrics.h"
#include "iosched/replay_mode.h"
#include "iosched/time.h"
#include "iosched/timeline.h"
#include "iosched/trace.h"

namespace iosched {

// What to do with a record that lies beyond the disk's capacity, i.e. whose
// offset + length exceeds capacity × 512 bytes.
enum class FitPolicy {
  // Stop with InvalidArgument "TRACE:LINE: request [offset, +length) ends
  // beyond the capacity of DISK (N bytes); use --fit wrap or --fit scale".
  kError,
  // Only out-of-range records move: sector modulo capacity, aligned down to
  // 8 sectors, length clipped to fit.
  kWrap,
  // If trace_max_end exceeds the disk, every sector is scaled by
  // capacity × 512 / trace_max_end and aligned down to 8 sectors, length
  // clipped to fit. A trace that fits is left unchanged.
  kScale,
};

struct ReplayOptions {
  ReplayMode mode = ReplayMode::kOpen;
  // Multiplies every trace-derived time: open-mode arrivals, closed-mode
  // first arrivals and think times. Must be > 0.
  double time_scale = 1.0;
  uint32_t depth = 1;  // units in flight at the device (>= 1)
  FitPolicy fit = FitPolicy::kError;
  // kScale needs the trace's highest end offset in bytes (a first pass).
  uint64_t trace_max_end = 0;
  uint64_t max_requests = 0;  // 0: the whole trace; else the first N records
  std::string trace_name;     // for error messages ("TRACE:LINE: …")
  // Closed mode: upper bound of a think time (after time_scale).
  Duration think_cap{1'000'000'000};
  // Closed mode: records read ahead but not yet submitted (>= 1).
  uint32_t closed_window = 4096;
  // Closed mode: async writes a stream may have outstanding before it waits
  // (see "Async writes" above); 0 = writes wait like reads. At most 1 << 20.
  uint32_t closed_async_writes = 0;
  // Run the blk-mq scheduler-tag pool (Dispatcher::Options::sched_tags):
  // NrRequests(elevator env) requests at most in the elevator and device,
  // the elevator's admission limits (Kyber's and mq-deadline's async
  // limits), and requests without a tag waiting outside the elevator. Off by
  // default: the published scenario numbers are without it.
  bool sched_tags = false;
  // Issued units whose (time, sector) are kept for head-position plots.
  size_t head_trace_limit = 20000;
  // Optional progress hook: called with the number of records read so far,
  // every 1024 records and once when the replay ends. Runs on the replay's
  // thread, between events; it must not touch the replay's arguments.
  std::function<void(uint64_t records)> on_progress;
};

struct ReplayResult {
  Summary summary;
  Time end_time{0};             // simulated time of the last event
  uint64_t out_of_range = 0;    // records beyond capacity (wrapped or scaled)
  Duration seek_time_total{0};  // summed mechanical positioning time
  uint64_t cache_hits = 0;
  // Added by the v1 simulator:
  uint64_t records = 0;                 // trace records replayed
  uint64_t clamped_arrivals = 0;        // open mode: timestamps that went backwards
  uint64_t forced_drains = 0;           // Drain() calls on a dry event queue
  Duration rotation_time_total{0};      // summed rotational waits
  Duration transfer_time_total{0};      // summed media/bus transfer time
  uint64_t events = 0;                  // engine events run
  uint64_t records_without_stream = 0;  // replayed as stream 0
  // The most requests the elevator held at once, right after a submission
  // (an upper bound: a merged unit at the device counts as one). At most 1:
  // the elevator never had a choice, so every elevator gives the same order.
  uint64_t max_queued = 0;
  Time first_arrival{0};  // simulated time of the first and last submission
  Time last_arrival{0};
  // Latency (completion − arrival) histograms, indexed by Op (read, write).
  LatencyHistogram latency[2];
  // (issue time, start sector) of the first head_trace_limit issued units.
  std::vector<std::pair<Time, uint64_t>> head_trace;
  // Completions and pending requests over simulated time (bounded bins), and
  // the seek distances between issued units (timeline.h).
  Timeline timeline;
  SeekHistogram seek_histogram;
};

// Replays `reader` through `elevator` on `disk`. The elevator and the disk
// must be fresh (a disk keeps its head position and busy time between
// calls). Fails with the reader's error, a capacity error under
// FitPolicy::kError, InvalidArgument for bad options, or Internal when a
// request is lost or completed twice.
absl::StatusOr<ReplayResult> Replay(TraceReader& reader, Elevator& elevator, DiskModel& disk,
                                    const ReplayOptions& options);

}  // namespace iosched

#endif  // IOSCHED_REPLAY_H_
