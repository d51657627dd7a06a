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
//                       PlotOptions::window selects a time window. Drawn
//                       at screen resolution: per panel, each of
//                       kHeadColumns pixel columns becomes one vertical
//                       segment per run of occupied pixel rows (at most 6
//                       per column: scattered rows join into a band), so
//                       the files stay small however many units were kept
//   throughput_time     MB/s and IOPS over simulated time (two panels)
//   queue_depth         mean pending requests (arrived, not completed) per
//                       time bin
//   seek_distance       share of issued units per seek-distance bucket
//                       (powers of two, sectors)
//   time_breakdown      mean time per request: queueing, seek, rotation,
//                       transfer, other service (stacked horizontal bars,
//                       one a line; the bar is the mean latency)
//   read_write          reads and writes side by side: MB/s and p99 latency
//                       as horizontal bars (only when the trace has both)
//
// Runs with identical results (e.g. inode, physical and fibmap on a block
// trace) are drawn once, labelled "inode = physical = fibmap"
// (CollapseIdentical). A trace with one stream gets no stream_share plot
// (a note says why). When there are reads and writes, throughput_p99 shows
// read and write p99 in separate panels (the combined p99 hides which op
// pays). Time series carry at most Timeline::kMaxBins points per elevator.
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
////   "timeline": {"origin_ns": t, "bin_ns": w, "end_ns": e,
//                "bins": [[completed, bytes, pending_ns, max_pending], …]}
//       Timeline (timeline.h): bin i covers origin + [i·w, (i+1)·w).
//   "seek_histogram": [count, …]   SeekHistogram buckets 0.. (trailing
//       empty buckets dropped)
//   "time_breakdown_ms": {"queueing", "seek", "rotation", "transfer",
//       "other"}: mean milliseconds per completed request
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
  // Per op (absent in documents without the read_*/write_* keys).
  bool has_ops = false;
  uint64_t read_count = 0, write_count = 0;
  double read_mb_s = 0, write_mb_s = 0, read_p99_ms = 0, write_p99_ms = 0;
  // Mean ms per completed request (has_breakdown false when absent).
  bool has_breakdown = false;
  double queueing_ms = 0, seek_ms = 0, rotation_ms = 0, transfer_ms = 0, other_ms = 0;
  // The timeline (empty when absent), times in seconds.
  struct Bin {
    double completed = 0, bytes = 0, pending_ns = 0, max_pending = 0;
  };
  double timeline_origin_s = 0, timeline_bin_s = 0, timeline_end_s = 0;
  std::vector<Bin> timeline;
  std::vector<uint64_t> seek_histogram;  // SeekHistogram buckets; empty when absent
};

struct PlotData {
  std::string trace;  // path as given
  std::string disk;
  std::string mode;  // "open", "closed", "batch"
  uint32_t depth = 0;
  uint64_t capacity_sectors = 0;
  std::vector<PlotRun> runs;
};

// Same results in every field the plots draw (the names aside).
bool SameResults(const PlotRun& a, const PlotRun& b);

// Groups of indices into `runs` with SameResults, in order of first
// occurrence; each group's first run stands for the others.
std::vector<std::vector<size_t>> IdenticalGroups(const std::vector<PlotRun>& runs);

// One run per group of IdenticalGroups, its spec "a = b = c" (the first
// run's elevator keeps the colour). Appends one note per merged group to
// *notes when not null.
PlotData CollapseIdentical(const PlotData& data, std::vector<std::string>* notes = nullptr);

// Head-position resolution: pixel columns per panel.
inline constexpr size_t kHeadColumns = 500;

struct PlotOptions {
  // Head-position window in simulated seconds, [start, end). Unset ends are
  // open: the first/last kept unit.
  std::optional<double> window_start_s, window_end_s;
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

// The colour an elevator prefers in every plot ("#rrggbb"): each built-in
// elevator has its own; any other name hashes to one of them.
std::string ElevatorColor(const std::string& elevator);

// How a run is drawn: colour ("#rrggbb") and gnuplot dash type (1 = solid).
struct SeriesStyle {
  std::string color;
  int dash = 1;
};

// The styles of `runs` (parallel to it), the same in every plot drawn from
// them: a run gets its elevator's colour unless an earlier run with another
// spec took it, then the first free colour of the palette (21 colours);
// once all are taken, the palette again with dash types 2, 3, …. Runs with
// different specs never share a (colour, dash) pair; equal specs share one.
std::vector<SeriesStyle> SeriesStyles(const std::vector<PlotRun>& runs);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_PLOT_H_
