// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RunValidation and QuantileRmsMs (disksim.h): DiskSim's `validate` replay.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
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

// DiskSim 4.0 valid/statdefs, "Physical access time" and "Trace access
// time": Distribution size 1750, Scale 1000 (values counted in µs), Start 0
// step 1 grow 1 (percent).
constexpr int kDiskSimBuckets = 1750;
constexpr double kDiskSimScale = 1000;

const std::array<int64_t, kDiskSimBuckets>& DiskSimBucketStarts() {
  static const std::array<int64_t, kDiskSimBuckets> starts = [] {
    std::array<int64_t, kDiskSimBuckets> s{};
    int64_t bound = 0;
    for (int i = 0; i < kDiskSimBuckets; ++i) {
      s[i] = bound;
      bound += 1 + bound * 1 / 100;  // step 1, grow 1 %, truncated
    }
    return s;
  }();
  return starts;
}

// The value DiskSim's stat_update buckets: trunc(ms · scale), in µs. The
// millisecond value is formed as DiskSim forms the measured one
// (service_us / 1000), so that values on a whole microsecond fall where
// DiskSim's double arithmetic puts them.
int64_t DiskSimBucketValue(Duration d) {
  const double ms = static_cast<double>(d.count()) / 1000.0 / 1000.0;
  const double scaled = ms * kDiskSimScale;
  if (scaled >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(scaled);
}

}  // namespace

int64_t DiskSimAccessTimeBucketStartUs(int k) {
  return DiskSimBucketStarts()[static_cast<size_t>(std::clamp(k, 0, kDiskSimBuckets - 1))];
}

std::vector<DiskSimCdfRow> DiskSimAccessTimeCdf(const std::vector<Duration>& values) {
  std::vector<DiskSimCdfRow> rows;
  if (values.empty()) return rows;
  const auto& starts = DiskSimBucketStarts();
  std::vector<uint64_t> counts(kDiskSimBuckets, 0);
  for (Duration d : values) {
    const int64_t u = DiskSimBucketValue(d);
    // Bucket k >= 1 with starts[k-1] <= u < starts[k]; the last bucket
    // takes everything from starts[kDiskSimBuckets - 2] on, and values
    // below starts[0] (none: access times are >= 0) land in bucket 1.
    int k;
    if (u >= starts[kDiskSimBuckets - 2]) {
      k = kDiskSimBuckets - 1;
    } else {
      k = static_cast<int>(std::upper_bound(starts.begin() + 1, starts.end(), u) - starts.begin());
    }
    ++counts[static_cast<size_t>(k)];
  }
  const double n = static_cast<double>(values.size());
  double cumulative = 0;
  rows.reserve(kDiskSimBuckets);
  for (int k = 0; k < kDiskSimBuckets; ++k) {
    cumulative += static_cast<double>(counts[static_cast<size_t>(k)]) / n;
    // DiskSim prints the cumulative fraction with "%f"; its rms utility
    // reads that text back.
    char text[64];
    std::snprintf(text, sizeof(text), "%f", cumulative);
    rows.push_back({static_cast<double>(starts[static_cast<size_t>(k)]) / kDiskSimScale,
                    std::strtod(text, nullptr)});
  }
  return rows;
}

double DiskSimCdfRmsMs(const std::vector<DiskSimCdfRow>& a, const std::vector<DiskSimCdfRow>& b) {
  if (a.empty() || b.empty()) return 0;
  // The rows the rms utility reads: up to and including the first with
  // y >= 1 (all of them if rounding never reaches 1).
  auto used = [](const std::vector<DiskSimCdfRow>& rows) {
    size_t n = 0;
    while (n < rows.size() && rows[n].cdf < 1.0) ++n;
    return std::min(n + 1, rows.size());
  };
  const size_t na = used(a), nb = used(b);
  // x at cumulative fraction p: the first row i with y[i] >= p,
  // interpolated from row i - 1 (row -1 is the origin (0, 0)).
  auto x_at = [](const std::vector<DiskSimCdfRow>& rows, size_t n, size_t* i, double p) {
    while (*i < n - 1 && rows[*i].cdf < p) ++*i;
    const DiskSimCdfRow hi = rows[*i];
    const DiskSimCdfRow lo = *i == 0 ? DiskSimCdfRow{} : rows[*i - 1];
    if (hi.cdf <= lo.cdf) return hi.x_ms;
    return lo.x_ms + (p - lo.cdf) / (hi.cdf - lo.cdf) * (hi.x_ms - lo.x_ms);
  };
  constexpr double kStep = 0.0001;  // DiskSim rms.c RMS_INCR
  size_t ia = 0, ib = 0;
  double squares = 0;
  int count = 0;
  for (double p = kStep; p <= 1.0; p += kStep) {
    const double d = x_at(a, na, &ia, p) - x_at(b, nb, &ib, p);
    squares += d * d;
    ++count;
  }
  return std::sqrt(squares / count);
}

double DiskSimBucketRmsMs(const std::vector<Duration>& a, const std::vector<Duration>& b) {
  return DiskSimCdfRmsMs(DiskSimAccessTimeCdf(a), DiskSimAccessTimeCdf(b));
}

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
  r.rms_disksim_ms = DiskSimBucketRmsMs(r.simulated, r.measured);
  return r;
}

}  // namespace iosched
