// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace pipelines: one or more traces read, filtered, sorted within a
// bounded window, merged into one timeline and transformed (time window,
// time scale, offset remap), as one streaming TraceReader. The transforms
// the `compare`, `convert` and `replay` commands share.
//
// Order of the stages (each is optional):
//   1. each input is read (trace.h; TraceReadOptions apply to every input);
//   2. selection per input: skip reads / skip writes, keep only the listed
//      devices (disks, volumes, ASUs) and streams;
//   3. ordering per input: with sort_window = W > 0, records are sorted by
//      time within a window of W records (the earliest of the next W + 1
//      records read is emitted; memory: W + 1 records) and
//      re-based so the input's earliest emitted record is at 0; a record
//      older than one already emitted ("late": the disorder exceeded the
//      window) is emitted at the last emitted time and counted. With W = 0
//      records keep file order and those older than an earlier record are
//      counted (out_of_order) and passed through unchanged;
//   4. merge: with several inputs, records are merged by time (every input
//      starts at its own first record = 0; ties go to the earlier input),
//      and streams are made distinct: stream = (input index << 24) |
//      (stream & 0xFFFFFF), an absent stream becomes input index << 24;
//   5. time window [window_start_ns, window_end_ns): records outside are
//      dropped (reading continues to the end, since unsorted traces may
//      come back into the window) and times are re-based to window_start;
//   6. time scale: time_ns and think_ns multiplied by time_scale (rounded
//      to the nearest ns; response_ns is a measurement and is kept);
//   7. offsets: multiplied by offset_scale (rounded down), then taken
//      modulo offset_modulo (a capacity in bytes: a request that would
//      cross the end is moved to end there; one longer than the capacity is
//      an error), then aligned down to offset_align bytes;
//   8. max_records: stop after that many records.
//
// Memory: bounded by sort_window + 1 records per input plus one record per
// input for the merge, whatever the trace sizes.
//
// Thread-safety: one thread at a time.

#ifndef IOSCHED_TRACE_PIPELINE_H_
#define IOSCHED_TRACE_PIPELINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/trace.h"

namespace iosched {

// Largest accepted sort window (records); about 100 MB of records.
inline constexpr uint32_t kMaxSortWindow = 1'000'000;

struct TraceTransform {
  bool skip_reads = false;
  bool skip_writes = false;
  std::vector<uint32_t> devices;           // keep only these devices (empty: all)
  std::vector<uint32_t> streams;           // keep only these streams (empty: all)
  uint32_t sort_window = 0;                // records (0: report disorder, do not sort)
  std::optional<int64_t> window_start_ns;  // trace time, inclusive
  std::optional<int64_t> window_end_ns;    // trace time, exclusive
  double time_scale = 1.0;                 // > 0
  double offset_scale = 1.0;               // > 0
  uint64_t offset_modulo = 0;              // bytes; 0: none
  uint64_t offset_align = 0;               // bytes; 0 or 1: none
  uint64_t max_records = 0;                // 0: all

  bool IsIdentity() const;
};

// Checks the values (InvalidArgument naming the bad one). OpenTracePipeline
// calls it too.
absl::Status ValidateTraceTransform(const TraceTransform& t);

struct TracePipelineStats {
  uint64_t read = 0;             // records read from the inputs
  uint64_t dropped_op = 0;       // removed by skip_reads / skip_writes
  uint64_t dropped_device = 0;   // removed by the device filter
  uint64_t dropped_stream = 0;   // removed by the stream filter
  uint64_t dropped_window = 0;   // outside the time window
  uint64_t out_of_order = 0;     // sort_window 0: older than an earlier record
  uint64_t late = 0;             // sort_window > 0: disorder beyond the window
  uint64_t offsets_wrapped = 0;  // moved by offset_modulo
  uint64_t emitted = 0;          // records returned
};

class TracePipeline : public TraceReader {
 public:
  virtual const TracePipelineStats& stats() const = 0;
  // Number of inputs.
  virtual size_t inputs() const = 0;
};

// Opens `paths` (at least one) with `read` options and applies `transform`.
// format() and time_unit() are the inputs' (joined with '+' when they
// differ); skipped() and bad_lines() are summed over the inputs;
// stream_name() takes merged stream ids (input << 24 | stream) back to
// their input.
absl::StatusOr<std::unique_ptr<TracePipeline>> OpenTracePipeline(
    const std::vector<std::string>& paths, const TraceReadOptions& read,
    const TraceTransform& transform);

// Wraps readers that are already open (tests, generators).
absl::StatusOr<std::unique_ptr<TracePipeline>> MakeTracePipeline(
    std::vector<std::unique_ptr<TraceReader>> inputs, const TraceTransform& transform);

}  // namespace iosched

#endif  // IOSCHED_TRACE_PIPELINE_H_
