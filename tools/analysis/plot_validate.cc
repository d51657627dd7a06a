// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "plot_validate.h"

#include <gnuplot-iostream.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gnuplot_draw.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

constexpr int kCdfPoints = 2000;

// (ms, fraction) at the i/kCdfPoints quantiles of `v`.
std::vector<std::pair<double, double>> Cdf(std::vector<Duration> v) {
  std::vector<std::pair<double, double>> pts;
  if (v.empty()) return pts;
  std::sort(v.begin(), v.end());
  const uint64_t n = v.size();
  const int points = static_cast<int>(std::min<uint64_t>(n, kCdfPoints));
  pts.reserve(points + 1);
  pts.emplace_back(static_cast<double>(v.front().count()) / 1e6, 0.0);
  for (int i = 1; i <= points; ++i) {
    uint64_t idx = (static_cast<uint64_t>(i) * n + points - 1) / points;
    idx = std::max<uint64_t>(idx, 1) - 1;
    pts.emplace_back(static_cast<double>(v[idx].count()) / 1e6,
                     static_cast<double>(idx + 1) / static_cast<double>(n));
  }
  return pts;
}

}  // namespace

absl::Status WriteValidatePlot(const ValidationResult& r, const ValidatePlotInfo& info,
                               const std::string& dir, std::vector<std::string>* written) {
  IOSCHED_RETURN_IF_ERROR(PreparePlotDir(dir));
  const auto sim = Cdf(r.simulated);
  const auto real = Cdf(r.measured);
  const std::string title = absl::StrFormat(
      "Access-time CDF: simulated vs measured\n%s on %s (%llu requests)\nmean %.3f ms "
      "simulated, %.3f ms measured; rms (quantile, iosched) %.4f ms, rms (DiskSim buckets) "
      "%.4f ms",
      std::filesystem::path(info.trace).filename().string(), info.disk,
      static_cast<unsigned long long>(r.requests), r.sim_mean_ms, r.real_mean_ms, r.rms_ms,
      r.rms_disksim_ms);
  double hi = 0;
  if (!sim.empty()) hi = std::max(hi, sim.back().first);
  if (!real.empty()) hi = std::max(hi, real.back().first);
  IOSCHED_RETURN_IF_ERROR(DrawPngAndSvg(dir, "validate_cdf", kPlotHeight, [&](Gnuplot& gp) {
    gp << "set title " << GnuplotDQuote(title) << "\n";
    gp << "set xlabel 'access time (ms): issue to completion'\n";
    gp << "set ylabel 'fraction of requests with access time <= x'\n";
    gp << "set yrange [0:1.02]\nset ytics 0,0.1,1\n";
    if (hi > 0) gp << "set xrange [0:" << hi * 1.02 << "]\n";
    gp << "set key right bottom box lc rgb '#cccccc'\n";
    gp << "plot '-' using 1:2 with lines lw 2.5 lc rgb '#1f77b4' title 'measured (trace)', "
          "'-' using 1:2 with lines lw 2 dt 2 lc rgb '#d62728' title 'simulated (iosched)'\n";
    gp.send1d(real);
    gp.send1d(sim);
  }));
  if (written) {
    written->push_back(dir + "/validate_cdf.png");
    written->push_back(dir + "/validate_cdf.svg");
  }
  return absl::OkStatus();
}

}  // namespace iosched
