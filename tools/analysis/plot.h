// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Plots of a comparison, drawn by gnuplot (through gnuplot-iostream) as PNG
// (pngcairo) and SVG, with titles, axis labels with units, legends, fonts
// readable on a slide, and one stable colour per elevator (ElevatorColor)
// across every chart. Files written into the output directory, each as
// STEM.png and STEM.svg:
//
//   latency_cdf         latency CDF per elevator, all ops; log x axis (ms),
//                       p50 (circle) and p99 (triangle) marked on each curve
//   latency_cdf_read    the same for reads only   (if any run has reads)
//   latency_cdf_write   the same for writes only  (if any run has writes)
//   throughput_p99      MB/s and p99 latency bars side by side per elevator
//   stream_share        per-stream share of throughput as stacked bars
//                       (largest 8 streams, the rest as "other") next to
//                       Jain's fairness index per elevator
//   head_position       start sector of each issued unit over simulated
//                       time, one panel per elevator: the elevator's sweep;
//                       PlotOptions::window selects a time window
//
// The plots are drawn from PlotData, which comes either from a live
// comparison (PlotDataFromCompare) or from the JSON document `iosched
// compare --format json` writes (PlotDataFromJson); AddPlotJson adds the
// keys the plots need to that document:
//
//   "latency_cdf": {"all"|"read"|"write": {"count": N, "p50_ms": x,
//                   "p99_ms": y, "points": [[ms, fraction], …]}}
//       points: (upper edge of a histogram bucket in ms, fraction of
//       requests at or below it), ascending; at most kMaxCdfPoints + 2
//       points (buckets are merged so that each point adds at least
//       1/kMaxCdfPoints of the requests; the first and last are kept).
//   "head_trace": {"complete": bool, "points": [[issue_ns, sector], …]}
//       the first ReplayOptions::head_trace_limit issued units (complete is
//       false when more were issued than kept); times are simulated
//       nanoseconds, sectors are 512-byte units.
//
// Errors: FailedPrecondition when gnuplot is not installed, Internal when it
// fails (the message names the file and gnuplot's first error line), and the
// filesystem error when the directory cannot be created. A file that gnuplot
// did not finish is reported, never silently kept.
//
// Thread-safety: the functions are reentrant; each call runs its own gnuplot
// processes.

#ifndef IOSCHED_TOOLS_PLOT_H_
#define IOSCHED_TOOLS_PLOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compare.h"
#include "iosched/histogram.h"
#include "json_io.h"

namespace iosched {

inline constexpr size_t kMaxCdfPoints = 256;

// One latency CDF (see "latency_cdf" above).
struct LatencyCdf {
  uint64_t count = 0;
  double p50_ms = 0, p99_ms = 0;
  std::vector<std::pair<double, double>> points;  // (ms, fraction), ascending
};

// Index into PlotRun::cdf.
enum CdfOp { kCdfAll = 0, kCdfRead = 1, kCdfWrite = 2 };

struct StreamShare {
  uint32_t id = 0;
  uint64_t bytes = 0;
  double mb_s = 0;  // 10^6 bytes per second over the stream's own span
};

// What the plots need of one elevator's run.
struct PlotRun {
  std::string elevator;  // registry name: picks the colour
  std::string spec;      // as given: the series title
  double mb_s = 0, iops = 0, lat_p50_ms = 0, lat_p99_ms = 0, fairness = 1;
  bool has_cdf = false;  // false: a JSON document without "latency_cdf"
  LatencyCdf cdf[3];     // by CdfOp
  std::vector<StreamShare> streams;
  bool has_head = false;  // false: a JSON document without "head_trace"
  bool head_complete = true;
  std::vector<std::pair<double, uint64_t>> head;  // (issue time s, sector)
};

struct PlotData {
  std::string trace;  // path as given
  std::string disk;
  std::string mode;  // "open", "closed", "batch"
  uint32_t depth = 0;
  uint64_t capacity_sectors = 0;
  std::vector<PlotRun> runs;
};

struct PlotOptions {
  // Head-position window in simulated seconds, [start, end). Unset ends are
  // open: the first/last kept unit.
  std::optional<double> window_start_s, window_end_s;
  // At most this many points per elevator in the head-position plot; more
  // are thinned evenly (the title says so).
  size_t max_head_points = 6000;
};

// One plot as written: STEM.png and STEM.svg in the output directory.
struct PlotFile {
  std::string stem;      // e.g. "latency_cdf"
  std::string caption;   // one sentence for reports
  std::string png, svg;  // paths
};

// Parses "START:END" (simulated seconds; either side may be empty, e.g.
// "2.5:" or ":10") into options->window_*. InvalidArgument names the text.
absl::Status ParseWindow(std::string_view text, PlotOptions* options);

// (ms, fraction) points of a histogram, bounded as described above.
LatencyCdf MakeLatencyCdf(const LatencyHistogram& h, size_t max_points = kMaxCdfPoints);

PlotData PlotDataFromCompare(const CompareResult& result);

// Reads a document written by FormatCompareJson. Missing plot keys (older
// documents) leave has_cdf/has_head false; a missing or mistyped core key is
// InvalidArgument "SOURCE:LINE: expected …, got …", where LINE is where the
// offending value (or the object missing a key) starts. A number written as
// null (NaN or infinity, see json_io.h) reads as 0. A document without
// "schema_version" 1 (written before results schema v1, or by a newer
// iosched) is FailedPrecondition "SOURCE: results schema version N
// (expected 1); …" (result_meta.h CheckResultSchema).
absl::StatusOr<PlotData> PlotDataFromJson(const JsonDocument& doc);

// Several results in one set of plots (`iosched plot A.json B.json`): the
// runs of every file in order. A spec that occurs more than once across the
// files is labelled "SPEC [FILE]" (FILE: the name as given). trace and disk
// are the distinct values joined with ", "; capacity_sectors the largest.
// `files` are (name, data) pairs; one file is returned unchanged.
PlotData MergePlotData(std::vector<std::pair<std::string, PlotData>> files);

// Adds "latency_cdf" and "head_trace" to `run`, the result object being
// written (after its other members).
void AddPlotJson(const ReplayResult& result, Json& run);

// Writes every plot that has data into `dir` (created if missing). Appends
// the plots written to *files and one line per plot skipped (and why) to
// *notes, when not null.
absl::Status WritePlots(const PlotData& data, const PlotOptions& options, const std::string& dir,
                        std::vector<PlotFile>* files = nullptr,
                        std::vector<std::string>* notes = nullptr);

// WritePlots(PlotDataFromCompare(result), …); appends the paths written to
// *written when not null.
absl::Status WriteComparePlots(const CompareResult& result, const std::string& dir,
                               std::vector<std::string>* written = nullptr,
                               const PlotOptions& options = {});

// The colour an elevator gets in every plot ("#rrggbb").
std::string ElevatorColor(const std::string& elevator);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_PLOT_H_
