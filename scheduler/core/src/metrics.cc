// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/metrics.h"

#include <algorithm>

namespace iosched {
namespace {

constexpr double kNsPerMs = 1e6;

double Div(double a, double b) { return b > 0 ? a / b : 0.0; }

void FillOp(OpSummary* out, uint64_t count, uint64_t bytes, const LatencyHistogram& lat,
            unsigned __int128 wait_sum, unsigned __int128 service_sum, double span_s) {
  out->count = count;
  out->bytes = bytes;
  out->iops = Div(count, span_s);
  out->mb_s = Div(bytes / 1e6, span_s);
  out->lat_mean_ms = lat.mean() / kNsPerMs;
  out->lat_p50_ms = lat.Quantile(0.50) / kNsPerMs;
  out->lat_p95_ms = lat.Quantile(0.95) / kNsPerMs;
  out->lat_p99_ms = lat.Quantile(0.99) / kNsPerMs;
  out->lat_max_ms = lat.max() / kNsPerMs;
  out->lat_std_ms = lat.stddev() / kNsPerMs;
  out->wait_mean_ms = Div(static_cast<double>(wait_sum), count) / kNsPerMs;
  out->service_mean_ms = Div(static_cast<double>(service_sum), count) / kNsPerMs;
}

}  // namespace

void RunMetrics::OnArrival(const Request& rq, Time now) {
  ++submitted_;
  timeline_.SetPending(now, ++pending_);
  first_arrival_ = std::min(first_arrival_, now);
  PerOp& op = op_[static_cast<int>(rq.op)];
  op.first = std::min(op.first, now);
  PerStream& s = streams_[rq.stream];
  s.first = std::min(s.first, now);
}

void RunMetrics::OnMerge(const Request&, const Request&, Time) { ++merges_; }

void RunMetrics::OnIssue(const Request& unit, Time now) {
  ++issued_;
  if (head_trace_.size() < head_trace_limit_) head_trace_.emplace_back(now, unit.start());
  if (have_head_) {
    const uint64_t d = unit.start() > head_ ? unit.start() - head_ : head_ - unit.start();
    seek_sum_ += d;
    seek_max_ = std::max(seek_max_, d);
    seek_hist_.Add(d);
  }
  have_head_ = true;
  head_ = unit.end();
}

void RunMetrics::OnComplete(const Request& m, const Request& unit, Time now) {
  ++completed_;
  if (pending_ > 0) --pending_;
  timeline_.AddCompletion(now, m.bytes_done);
  timeline_.SetPending(now, pending_);
  if (m.error != 0) ++errors_;
  last_completion_ = std::max(last_completion_, now);
  const uint64_t lat = static_cast<uint64_t>((now - m.arrival).count());
  PerOp& op = op_[static_cast<int>(m.op)];
  ++op.count;
  op.bytes += m.bytes_done;
  op.latency.Add(lat);
  op.wait_sum += static_cast<uint64_t>((unit.issued - m.arrival).count());
  op.service_sum += static_cast<uint64_t>((now - unit.issued).count());
  op.last = std::max(op.last, now);
  PerStream& s = streams_[m.stream];
  ++s.count;
  s.bytes += m.bytes_done;
  s.lat_sum += lat;
  s.lat_max = std::max(s.lat_max, lat);
  s.last = std::max(s.last, now);
}

Summary RunMetrics::Summarize(const Elevator* elevator) const {
  Summary out;
  out.submitted = submitted_;
  out.completed = completed_;
  out.errors = errors_;
  out.issued = issued_;
  out.merges = merges_;
  const double span_s =
      completed_ ? static_cast<double>((last_completion_ - first_arrival_).count()) / 1e9 : 0.0;
  out.span_s = span_s;
  const PerOp& r = op_[0];
  const PerOp& w = op_[1];
  LatencyHistogram all = r.latency;
  all.Merge(w.latency);
  FillOp(&out.all, r.count + w.count, r.bytes + w.bytes, all, r.wait_sum + w.wait_sum,
         r.service_sum + w.service_sum, span_s);
  auto op_span_s = [](const PerOp& op) {
    return op.count ? static_cast<double>((op.last - op.first).count()) / 1e9 : 0.0;
  };
  FillOp(&out.read, r.count, r.bytes, r.latency, r.wait_sum, r.service_sum, op_span_s(r));
  FillOp(&out.write, w.count, w.bytes, w.latency, w.wait_sum, w.service_sum, op_span_s(w));
  out.seek_mean_sectors = issued_ > 1 ? static_cast<double>(seek_sum_) / (issued_ - 1) : 0.0;
  out.seek_max_sectors = seek_max_;
  // Jain's fairness index over per-stream throughput, each stream measured
  // over its own active span (first arrival to last completion).
  double sum = 0, sum_sq = 0;
  int n = 0;
  for (const auto& [id, s] : streams_) {
    StreamSummary ss;
    ss.id = id;
    ss.count = s.count;
    ss.bytes = s.bytes;
    const double sspan = s.count ? static_cast<double>((s.last - s.first).count()) / 1e9 : 0.0;
    ss.mb_s = Div(s.bytes / 1e6, sspan);
    ss.lat_mean_ms = Div(static_cast<double>(s.lat_sum), s.count) / kNsPerMs;
    ss.lat_max_ms = s.lat_max / kNsPerMs;
    out.streams.push_back(ss);
    if (s.count) {
      sum += ss.mb_s;
      sum_sq += ss.mb_s * ss.mb_s;
      ++n;
    }
  }
  out.fairness = (n > 0 && sum_sq > 0) ? (sum * sum) / (n * sum_sq) : 1.0;
  if (elevator != nullptr) out.elevator_counters = elevator->Counters();
  for (const auto& [k, v] : extra_) out.elevator_counters.emplace_back(k, v);
  return out;
}

}  // namespace iosched
