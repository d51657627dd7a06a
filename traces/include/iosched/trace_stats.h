// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// TraceStats: what `iosched info` reports about a trace, accumulated one
// record at a time in bounded memory (per-stream and per-device tables stop
// growing at kMaxTrackedKeys entries; later keys are counted as
// "untracked").
//
// Thread-safety: one thread at a time.

#ifndef IOSCHED_TRACE_STATS_H_
#define IOSCHED_TRACE_STATS_H_

#include <cstdint>
#include <map>
#include <memory>

#include "iosched/trace.h"

namespace iosched {

inline constexpr size_t kMaxTrackedKeys = 1 << 16;
// Size histogram buckets: bucket k counts lengths in [2^k, 2^(k+1)) bytes.
inline constexpr int kSizeBuckets = 41;  // up to 1 TiB

struct TraceKeyStats {
  uint64_t records = 0;
  uint64_t reads = 0;
  uint64_t bytes = 0;
  uint64_t sequential = 0;  // started where this key's previous request ended
};

struct TraceStats {
  uint64_t records = 0, reads = 0, writes = 0;
  uint64_t read_bytes = 0, write_bytes = 0;
  int64_t min_time_ns = 0, max_time_ns = 0;  // over all records (0 if none)
  int64_t last_time_ns = 0;                  // of the last record
  uint64_t min_offset = 0, max_end = 0;      // bytes
  uint64_t min_length = 0, max_length = 0;
  uint64_t size_histogram[kSizeBuckets] = {};
  // Records starting exactly where the previous record of the same stream
  // (or, without stream ids, the same device) ended; and where the
  // previous record of the whole trace ended.
  uint64_t sequential_per_stream = 0;
  uint64_t sequential_global = 0;
  uint64_t out_of_order = 0;  // older than an earlier record
  uint64_t with_stream = 0, with_response = 0, with_think = 0;
  std::map<uint32_t, TraceKeyStats> streams;              // by stream id
  std::map<uint32_t, TraceKeyStats> devices;              // by device
  uint64_t untracked_streams = 0, untracked_devices = 0;  // records beyond the tables

  int64_t duration_ns() const { return max_time_ns - min_time_ns; }
};

class TraceStatsBuilder {
 public:
  TraceStatsBuilder();
  ~TraceStatsBuilder();
  void Add(const TraceRecord& rec);
  const TraceStats& stats() const { return stats_; }

 private:
  struct State;
  TraceStats stats_;
  std::unique_ptr<State> state_;
};

}  // namespace iosched

#endif  // IOSCHED_TRACE_STATS_H_
