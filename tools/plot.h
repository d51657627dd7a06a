// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Plots of a comparison, drawn by gnuplot (through gnuplot-iostream) as PNG
// (pngcairo) and SVG, with titles, axis units and one stable colour per
// elevator across every chart:
//
//   latency_cdf.{png,svg}    latency CDF per elevator, log x axis (ms)
//   throughput_p99.{png,svg} MB/s and p99 latency side by side per elevator
//   head_position.{png,svg}  sector of each issued unit over time: the sweep
//
// Errors: FailedPrecondition when gnuplot is not installed, Internal when it
// fails; nothing is written half-way silently.

#ifndef IOSCHED_TOOLS_PLOT_H_
#define IOSCHED_TOOLS_PLOT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "compare.h"

namespace iosched {

// Writes the plots above into `dir` (created if missing). Returns the files
// written in *written when not null.
absl::Status WriteComparePlots(const CompareResult& result, const std::string& dir,
                               std::vector<std::string>* written = nullptr);

// The colour an elevator gets in every plot ("#rrggbb").
std::string ElevatorColor(const std::string& elevator);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_PLOT_H_
