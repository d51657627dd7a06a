// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RunValidation and QuantileRmsMs (disksim.h): DiskSim's `validate` replay.

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "iosched/disksim.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

double MeanMs(const std::vector<Duration>& v, const std::vector<bool>& is_read, int which) {
  double sum = 0;
  uint64_t n = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (which >= 0 && is_read[i] != (which == 1)) continue;
    sum += static_cast<double>(v[i].count());
    ++n;
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n) / 1e6;
}

}  // namespace

double QuantileRmsMs(std::vector<Duration> a, std::vector<Duration> b, int points) {
  if (a.empty() || b.empty() || points <= 0) return 0;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  auto quantile = [](const std::vector<Duration>& v, int i, int points) {
    // q = i / points; index ceil(q·n) − 1, computed in integers.
    const uint64_t n = v.size();
    uint64_t idx = (static_cast<uint64_t>(i) * n + points - 1) / points;
    idx = std::max<uint64_t>(idx, 1) - 1;
    return static_cast<double>(v[std::min(idx, n - 1)].count());
  };
  double sum = 0;
  for (int i = 1; i <= points; ++i) {
    const double d = (quantile(a, i, points) - quantile(b, i, points)) / 1e6;
    sum += d * d;
  }
  return std::sqrt(sum / points);
}

absl::StatusOr<ValidationResult> RunValidation(TraceReader& reader, DiskModel& disk,
                                               const ValidationOptions& options) {
  ValidationResult r;
  const std::string trace = options.trace_name.empty() ? std::string("trace") : options.trace_name;
  const uint64_t capacity = disk.capacity_sectors();
  Time issue{0};
  std::optional<TraceRecord> prev;
  Time prev_complete{0};
  TraceRecord rec;
  while (options.max_requests == 0 || r.requests < options.max_requests) {
    IOSCHED_ASSIGN_OR_RETURN(bool more, reader.Next(&rec));
    if (!more) break;
    if (!rec.response_ns.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(trace, ":", rec.line,
                       ": no measured service time (validation needs a trace that records one, "
                       "e.g. the DiskSim validate format)"));
    }
    const uint64_t sector = rec.offset / 512;
    const uint64_t end = (rec.offset + rec.length + 511) / 512;
    if (end > capacity) {
      return absl::InvalidArgumentError(absl::StrCat(
          trace, ":", rec.line, ": request [", sector, ", +", end - sector,
          " sectors) ends beyond the capacity of ", Sv(disk.name()), " (", capacity, " sectors)"));
    }
    if (prev.has_value()) {
      int64_t gap;
      if (prev->think_ns.has_value()) {
        gap = *prev->think_ns;
      } else {
        gap = rec.time_ns - prev->time_ns - *prev->response_ns;
      }
      issue = prev_complete + Duration{std::max<int64_t>(0, gap)};
    }
    const Op op = rec.op == TraceOp::kRead ? Op::kRead : Op::kWrite;
    const ServiceInfo info = disk.Serve(op, sector, static_cast<uint32_t>(end - sector), issue);
    r.simulated.push_back(info.complete - issue);
    r.measured.push_back(Duration{*rec.response_ns});
    r.is_read.push_back(op == Op::kRead);
    if (op == Op::kRead) {
      ++r.reads;
    } else {
      ++r.writes;
    }
    if (info.cache_hit) ++r.cache_hits;
    ++r.requests;
    prev_complete = info.complete;
    prev = rec;
  }
  r.sim_mean_ms = MeanMs(r.simulated, r.is_read, -1);
  r.real_mean_ms = MeanMs(r.measured, r.is_read, -1);
  r.sim_read_mean_ms = MeanMs(r.simulated, r.is_read, 1);
  r.real_read_mean_ms = MeanMs(r.measured, r.is_read, 1);
  r.sim_write_mean_ms = MeanMs(r.simulated, r.is_read, 0);
  r.real_write_mean_ms = MeanMs(r.measured, r.is_read, 0);
  r.rms_ms = QuantileRmsMs(r.simulated, r.measured);
  return r;
}

}  // namespace iosched
