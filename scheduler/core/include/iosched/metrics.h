// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RunMetrics: what one run (simulated or real) measured, per op and per
// stream. It is a DispatchObserver: attach it to a Dispatcher and read a
// Summary at the end.
//
// Units: latency in nanoseconds (Summary reports milliseconds), sizes in
// bytes, seek distance in 512-byte sectors between the end of one issued unit
// and the start of the next.
//
// Definitions:
//   wait     = issue time of the member's unit − arrival of the member
//   service  = completion − issue time
//   latency  = completion − arrival (= wait + service)
//   span     = last completion − first arrival; the overall iops and MB/s
//              are over it.
//   op span  = last completion of a read (write) − first arrival of a read
//              (write); read_* and write_* iops and MB/s are over it, so a
//              schedule that lets the readers finish early shows their real
//              throughput instead of one diluted by a writer that ran on.
//   stream span = the same for one stream (StreamSummary::mb_s, fairness).
//
// Memory: bounded per op (two histograms) plus one small record per stream.
// Thread-safety: none (driven by the dispatcher's thread).

#ifndef IOSCHED_METRICS_H_
#define IOSCHED_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "iosched/dispatcher.h"
#include "iosched/histogram.h"
#include "iosched/timeline.h"

namespace iosched {

struct OpSummary {
  uint64_t count = 0;
  uint64_t bytes = 0;
  double iops = 0, mb_s = 0;  // MB = 10^6 bytes
  double lat_mean_ms = 0, lat_p50_ms = 0, lat_p95_ms = 0, lat_p99_ms = 0, lat_max_ms = 0;
  double lat_std_ms = 0;  // population standard deviation of the latency
  double wait_mean_ms = 0, service_mean_ms = 0;
};

struct StreamSummary {
  uint32_t id = 0;
  uint64_t count = 0;
  uint64_t bytes = 0;
  double mb_s = 0;
  double lat_mean_ms = 0, lat_max_ms = 0;
};

struct Summary {
  uint64_t submitted = 0;  // requests that arrived
  uint64_t completed = 0;  // requests completed (each exactly once)
  uint64_t errors = 0;     // completed with error != 0
  uint64_t issued = 0;     // units sent to the device
  uint64_t merges = 0;     // requests that merged into another on arrival
  double span_s = 0;
  OpSummary all, read, write;
  double seek_mean_sectors = 0;
  uint64_t seek_max_sectors = 0;
  double fairness = 1.0;  // Jain's index over per-stream throughput
  std::vector<StreamSummary> streams;
  std::vector<std::pair<std::string, int64_t>> elevator_counters;
};

class RunMetrics : public DispatchObserver {
 public:
  void OnArrival(const Request& rq, Time now) override;
  void OnMerge(const Request& rq, const Request& unit, Time now) override;
  void OnIssue(const Request& unit, Time now) override;
  void OnComplete(const Request& member, const Request& unit, Time now) override;

  // Adds device-side statistics (e.g. measured seek time) by name.
  void AddCounter(const std::string& name, int64_t value) { extra_[name] += value; }

  // `elevator` may be null; its Counters() are copied into the summary.
  Summary Summarize(const Elevator* elevator) const;

  const LatencyHistogram& latency(Op op) const { return op_[static_cast<int>(op)].latency; }

  // Keeps (issue time, unit start sector) of the first `limit` issued units,
  // for head-position plots. 0 (the default) keeps none. Bounded memory.
  void set_head_trace_limit(size_t limit) { head_trace_limit_ = limit; }
  const std::vector<std::pair<Time, uint64_t>>& head_trace() const { return head_trace_; }

  // Completions and pending requests (arrived, not completed) over time,
  // bounded (timeline.h); call FinishTimeline(end) once the run is over.
  const Timeline& timeline() const { return timeline_; }
  void FinishTimeline(Time end) { timeline_.Finish(end); }
  // Distance between the end of one issued unit and the start of the next.
  const SeekHistogram& seek_histogram() const { return seek_hist_; }

 private:
  struct PerOp {
    uint64_t count = 0, bytes = 0;
    LatencyHistogram latency;
    unsigned __int128 wait_sum = 0, service_sum = 0;
    Time first{kTimeNever.count()}, last{0};  // first arrival, last completion
  };
  struct PerStream {
    uint64_t count = 0, bytes = 0;
    unsigned __int128 lat_sum = 0;
    uint64_t lat_max = 0;
    Time first{kTimeNever.count()}, last{0};
  };
  PerOp op_[2];
  std::map<uint32_t, PerStream> streams_;
  std::map<std::string, int64_t> extra_;
  uint64_t submitted_ = 0, completed_ = 0, errors_ = 0, issued_ = 0, merges_ = 0;
  unsigned __int128 seek_sum_ = 0;
  uint64_t seek_max_ = 0;
  bool have_head_ = false;
  uint64_t head_ = 0;
  Time first_arrival_ = kTimeNever, last_completion_{0};
  size_t head_trace_limit_ = 0;
  std::vector<std::pair<Time, uint64_t>> head_trace_;
  uint64_t pending_ = 0;
  Timeline timeline_;
  SeekHistogram seek_hist_;
};

}  // namespace iosched

#endif  // IOSCHED_METRICS_H_
