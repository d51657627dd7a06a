// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "plot.h"

#include <gnuplot-iostream.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gnuplot_draw.h"
#include "iosched/status_macros.h"
#include "iosched/timeline.h"
#include "result_meta.h"

namespace iosched {
namespace {

// A gnuplot data column: a double-quoted string.
std::string DataString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c != '"' && c != '\n') out += c;
  }
  return out + "\"";
}

// "#rrggbb" as the integer gnuplot's `lc rgb variable` wants.
long RgbInt(const std::string& hex) { return std::strtol(hex.c_str() + 1, nullptr, 16); }

// The style of `r`, which points into d.runs (SeriesStyles of d.runs, so
// the same in every plot of `d`).
SeriesStyle StyleOf(const PlotData& d, const PlotRun* r) {
  return SeriesStyles(d.runs)[static_cast<size_t>(r - d.runs.data())];
}

// gnuplot line colour and dash type of `r`: "lc rgb '#rrggbb' dt N".
std::string LineStyle(const PlotData& d, const PlotRun* r) {
  const SeriesStyle s = StyleOf(d, r);
  return absl::StrCat("lc rgb '", s.color, "' dt ", s.dash);
}

// Short human numbers for labels and legends: 3 significant digits, never
// in exponent notation for the ranges plots show.
std::string Num(double v) {
  const double a = std::fabs(v);
  if (a >= 100) return absl::StrFormat("%.0f", v);
  if (a >= 10) return absl::StrFormat("%.1f", v);
  if (a >= 1) return absl::StrFormat("%.2f", v);
  if (a >= 0.01) return absl::StrFormat("%.3f", v);
  if (a == 0) return "0";
  return absl::StrFormat("%.2g", v);
}

// Draws the plot as PNG and SVG (gnuplot_draw.h) and lists it in `files`.
template <typename Body>
absl::Status Draw(const std::string& dir, const std::string& stem, const std::string& caption,
                  int height, Body body, std::vector<PlotFile>* files) {
  IOSCHED_RETURN_IF_ERROR(DrawPngAndSvg(dir, stem, height, body));
  if (files) {
    files->push_back(PlotFile{stem, caption, dir + "/" + stem + ".png", dir + "/" + stem + ".svg"});
  }
  return absl::OkStatus();
}

std::string Where(const PlotData& d) {
  return absl::StrCat(std::filesystem::path(d.trace).filename().string(), " on ", d.disk, " (",
                      d.mode, " loop, depth ", d.depth, ")");
}

// Sends (x, y) rows followed by gnuplot's end-of-data marker.
void SendXy(Gnuplot& gp, const std::vector<std::pair<double, double>>& pts) { gp.send1d(pts); }

constexpr const char* kOpNames[] = {"all", "read", "write"};

// Category tics on the y axis of horizontal bar charts, one per run, the
// first on top (the caller sets `yrange [n-0.4:-0.6]`): "a = b = c" on one
// line, so neighbours never collide. `names` false: tics without labels
// (a panel beside one that has them).
void SpecYtics(Gnuplot& gp, const std::vector<const PlotRun*>& runs, bool names = true) {
  gp << "set ytics (";
  for (size_t i = 0; i < runs.size(); ++i) {
    gp << (i ? ", " : "") << GnuplotDQuote(names ? runs[i]->spec : "") << " " << i;
  }
  if (runs.empty()) gp << "'' 0";
  gp << ") scale 0\nset yrange [" << (runs.empty() ? 0.6 : runs.size() - 0.4) << ":-0.6]\n";
}

// Height for a horizontal bar chart of n bars (pixels): at least 34 a bar.
int BarsHeight(size_t n, int extra) {
  return std::max(kPlotHeight, extra + 34 * static_cast<int>(n));
}

// Whether any run has both reads and writes recorded per op.
bool HasReadsAndWrites(const PlotData& d) {
  bool reads = false, writes = false;
  for (const PlotRun& r : d.runs) {
    if (!r.has_ops) continue;
    reads |= r.read_count > 0;
    writes |= r.write_count > 0;
  }
  return reads && writes;
}

absl::Status DrawCdf(const PlotData& d, CdfOp op, const std::string& dir,
                     std::vector<PlotFile>* files) {
  const std::string stem =
      op == kCdfAll ? "latency_cdf" : absl::StrCat("latency_cdf_", kOpNames[op]);
  const std::string what = op == kCdfAll ? "all requests" : op == kCdfRead ? "reads" : "writes";
  std::vector<const PlotRun*> runs;
  for (const PlotRun& r : d.runs) {
    if (r.has_cdf && r.cdf[op].count > 0 && !r.cdf[op].points.empty()) runs.push_back(&r);
  }
  const std::string caption = absl::StrCat(
      "Latency CDF of ", what,
      " per elevator (completion - arrival, log scale); circles mark p50, triangles p99.");
  return Draw(
      dir, stem, caption, kPlotHeight,
      [&](Gnuplot& gp) {
        gp << "set title " << GnuplotDQuote(absl::StrCat("Latency CDF, ", what, "\n", Where(d)))
           << "\n";
        gp << "set xlabel 'latency (ms, log scale)'\n";
        gp << "set ylabel 'fraction of requests completed within latency'\n";
        gp << "set logscale x\nset format x '%g'\nset mxtics 10\n";
        gp << "set yrange [0:1.02]\nset ytics 0,0.1,1\n";
        // Below the graph: merged labels ("a = b = c") would squeeze it.
        gp << "set key outside below center horizontal Left reverse spacing 1.1 width 2 title "
              "'p50 / p99 (ms)' box lc rgb '#cccccc'\n";
        double lo = 0, hi = 0;
        for (const PlotRun* r : runs) {
          for (const auto& [x, y] : r->cdf[op].points) {
            const double v = std::max(x, 1e-4);
            lo = lo == 0 ? v : std::min(lo, v);
            hi = std::max(hi, v);
          }
        }
        if (hi > 0) gp << "set xrange [" << lo / 1.5 << ":" << hi * 1.5 << "]\n";
        for (const double y : {0.5, 0.99}) {
          gp << "set arrow from graph 0, first " << y << " to graph 1, first " << y
             << " nohead dt 3 lw 1 lc rgb '#888888' back\n";
        }
        gp << "set label 'p50' at graph 0.01, first 0.5 offset 0,0.6 left tc rgb '#666666'\n";
        gp << "set label 'p99' at graph 0.01, first 0.99 offset 0,-0.6 left tc rgb '#666666'\n";
        gp << "plot ";
        for (size_t i = 0; i < runs.size(); ++i) {
          const PlotRun& r = *runs[i];
          const LatencyCdf& c = r.cdf[op];
          const std::string style = LineStyle(d, &r);
          gp << (i ? ", " : "") << "'-' with steps lw 2.5 " << style << " title "
             << GnuplotQuote(absl::StrCat(r.spec, "  ", Num(c.p50_ms), " / ", Num(c.p99_ms)));
          gp << ", '-' using 1:2:3 with points pt variable ps (2.2*PS) " << style << " notitle";
        }
        if (runs.empty()) {
          gp << "'-' with points ps 0 title 'no requests of this kind'";
        } else {
          gp << ", keyentry with points pt 7 ps (2*PS) lc rgb '#333333' title 'p50'";
          gp << ", keyentry with points pt 9 ps (2*PS) lc rgb '#333333' title 'p99'";
        }
        gp << "\n";
        for (const PlotRun* r : runs) {
          const LatencyCdf& c = r->cdf[op];
          std::vector<std::pair<double, double>> pts;
          pts.emplace_back(std::max(c.points.front().first, 1e-4), 0.0);
          for (const auto& [x, y] : c.points) pts.emplace_back(std::max(x, 1e-4), y);
          SendXy(gp, pts);
          gp << std::max(c.p50_ms, 1e-4) << " 0.5 7\n"
             << std::max(c.p99_ms, 1e-4) << " 0.99 9\ne\n";
        }
        if (runs.empty()) gp << "1 0\ne\n";
      },
      files);
}

absl::Status DrawThroughputP99(const PlotData& d, const std::string& dir,
                               std::vector<PlotFile>* files) {
  const std::string caption =
      HasReadsAndWrites(d)
          ? "Throughput (MB/s, higher is better) and p99 latency of reads and of writes (ms, "
            "lower is better) per elevator."
          : "Throughput (MB/s, higher is better) and p99 latency (ms, lower is better) per "
            "elevator.";
  // Horizontal bars, names on the y axis of the left panel only, panels at
  // fixed screen positions so the bars of one elevator line up (at 16-20
  // elevators rotated x labels and value labels would collide).
  std::vector<const PlotRun*> runs;
  for (const PlotRun& r : d.runs) runs.push_back(&r);
  const size_t n = runs.size();
  const bool split = HasReadsAndWrites(d);
  const int panels = split ? 3 : 2;
  size_t longest = 0;
  for (const PlotRun* r : runs) longest = std::max(longest, r->spec.size());
  const double left = std::min(0.40, 0.04 + 0.0085 * static_cast<double>(longest));
  const double width = (0.97 - left) / panels;
  const int height = BarsHeight(n, 240);
  return Draw(
      dir, "throughput_p99", caption, height,
      [&](Gnuplot& gp) {
        gp << "set multiplot title "
           << GnuplotDQuote(absl::StrCat("Throughput and p99 latency\n", Where(d)))
           << " font ',18'\n";
        gp << "set style fill solid 0.9 border lc rgb '#333333'\nunset key\n";
        gp << "set grid xtics noytics\nset xrange [0:*]\nset offsets 0,graph 0.15,0,0\n";
        gp << "set tmargin at screen " << 1 - 150.0 / height << "\nset bmargin at screen "
           << 95.0 / height << "\nset xtics font ',12'\n";
        int panel = 0;
        auto bars = [&](const char* title, const char* xlabel, auto value) {
          const double x0 = left + panel * width;
          gp << "set lmargin at screen " << x0 + (panel == 0 ? 0.0 : 0.015)
             << "\nset rmargin at screen " << x0 + width - 0.015 << "\n";
          SpecYtics(gp, runs, panel == 0);
          ++panel;
          gp << "set title " << GnuplotQuote(title) << " font ',14'\nset xlabel "
             << GnuplotQuote(xlabel) << "\n";
          // At most about four tick labels a panel, so they never touch.
          double top = 0;
          for (const PlotRun* r : runs) top = std::max(top, value(*r));
          if (top > 0) {
            const double raw = top / 3.5, mag = std::pow(10.0, std::floor(std::log10(raw)));
            const double step = raw / mag <= 1   ? mag
                                : raw / mag <= 2 ? 2 * mag
                                : raw / mag <= 5 ? 5 * mag
                                                 : 10 * mag;
            gp << "set xtics 0," << step << "\n";
          } else {
            gp << "set xtics autofreq\n";
          }
          gp << "plot '-' using 2:1:(0):2:($1-0.35):($1+0.35):3 with boxxyerror lc rgb variable, "
                "'-' using 2:1:3 with labels left offset 0.6,0 font ',11'\n";
          std::ostringstream boxes, labels;
          for (size_t i = 0; i < n; ++i) {
            const double v = value(*runs[i]);
            boxes << i << " " << v << " " << RgbInt(StyleOf(d, runs[i]).color) << "\n";
            labels << i << " " << v << " " << DataString(Num(v)) << "\n";
          }
          if (n == 0) boxes << "0 0 0\n", labels << "0 0 \"\"\n";
          gp << boxes.str() << "e\n" << labels.str() << "e\n";
        };
        bars("Throughput (higher is better)", "throughput (MB/s, 10^6 bytes/s)",
             [](const PlotRun& r) { return r.mb_s; });
        if (split) {
          // The combined p99 hides which op pays: reads and writes apart.
          bars("Read p99 (lower is better)", "read p99 latency (ms)",
               [](const PlotRun& r) { return r.read_p99_ms; });
          bars("Write p99 (lower is better)", "write p99 latency (ms)",
               [](const PlotRun& r) { return r.write_p99_ms; });
        } else {
          bars("p99 latency (lower is better)", "p99 latency (ms)",
               [](const PlotRun& r) { return r.lat_p99_ms; });
        }
        gp << "unset multiplot\n";
      },
      files);
}

constexpr const char* kStreamColors[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                         "#59a14f", "#edc948", "#b07aa1", "#ff9da7"};
constexpr size_t kMaxStreams = sizeof(kStreamColors) / sizeof(kStreamColors[0]);

absl::Status DrawStreamShare(const PlotData& d, const std::string& dir,
                             std::vector<PlotFile>* files) {
  // The largest streams by bytes (the same in every run: every request
  // completes), the rest folded into "other".
  std::map<uint32_t, uint64_t> bytes;
  for (const PlotRun& r : d.runs) {
    for (const StreamShare& s : r.streams) bytes[s.id] = std::max(bytes[s.id], s.bytes);
  }
  std::vector<std::pair<uint64_t, uint32_t>> order;
  for (const auto& [id, b] : bytes) order.emplace_back(b, id);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  const size_t shown = std::min(order.size(), kMaxStreams);
  const bool other = order.size() > shown;
  const size_t nstreams = order.size();
  const std::string caption = absl::StrCat(
      "Share of throughput per stream (", nstreams, nstreams == 1 ? " stream" : " streams",
      ") and Jain's fairness index across streams (1 = equal throughput).");
  // Horizontal bars, one line per run with its name on the y axis of the
  // left panel only (rotated names under 16-20 columns collide), the
  // stream key below the plot; both panels at fixed screen positions so the
  // bars of one elevator line up.
  std::vector<const PlotRun*> runs;
  for (const PlotRun& r : d.runs) runs.push_back(&r);
  const size_t n = runs.size();
  size_t longest = 0;
  for (const PlotRun* r : runs) longest = std::max(longest, r->spec.size());
  const double left = std::min(0.40, 0.04 + 0.0085 * static_cast<double>(longest));
  const double split = left + (0.97 - left) * 0.68;
  const int height = BarsHeight(n, 300);
  return Draw(
      dir, "stream_share", caption, height,
      [&](Gnuplot& gp) {
        std::string title = absl::StrCat("Per-stream throughput share and fairness\n", Where(d));
        gp << "set multiplot title " << GnuplotDQuote(title) << " font ',18'\n";
        gp << "set grid xtics noytics\n";
        gp << "set tmargin at screen " << 1 - 150.0 / height << "\nset bmargin at screen "
           << 150.0 / height << "\n";
        // Left: stacked shares.
        gp << "set lmargin at screen " << left << "\nset rmargin at screen " << split - 0.05
           << "\n";
        SpecYtics(gp, runs);
        gp << "set title "
           << GnuplotQuote(nstreams <= 1 ? "Share of throughput (one stream: 100 %)"
                                         : "Share of throughput per stream")
           << " font ',14'\n";
        gp << "set xlabel 'share of summed stream throughput (%)'\nset xrange [0:100]\n";
        gp << "set xtics 0,20,100\n";
        gp << "set key at screen 0.5,0.01 center bottom horizontal Left reverse title "
              "'stream (pid)' box lc rgb '#bbbbbb'\n";
        gp << "set style fill solid 0.9 border lc rgb '#ffffff'\n";
        const size_t series = shown + (other ? 1 : 0);
        gp << "plot ";
        for (size_t k = 0; k < series; ++k) {
          const bool is_other = k == shown;
          gp << (k ? ", " : "") << "'-' using 2:1:3:4:($1-0.35):($1+0.35) with boxxyerror "
             << "lc rgb '" << (is_other ? "#bab0ac" : kStreamColors[k]) << "' title "
             << GnuplotQuote(is_other ? absl::StrCat("other (", order.size() - shown, ")")
                             : order.size() == 1 && order[k].second == 0
                                 ? std::string("0 (all requests)")
                                 : absl::StrCat(order[k].second));
        }
        if (series == 0) gp << "'-' with points ps 0 title 'no streams'";
        gp << "\n";
        // Per run: cumulative share, stream by stream in `order`.
        std::vector<std::vector<std::pair<double, double>>> spans(
            series, std::vector<std::pair<double, double>>(n, {0, 0}));
        for (size_t i = 0; i < n; ++i) {
          const PlotRun& r = d.runs[i];
          double total = 0;
          std::map<uint32_t, double> mbs;
          for (const StreamShare& s : r.streams) {
            total += s.mb_s;
            mbs[s.id] += s.mb_s;
          }
          double acc = 0;
          for (size_t k = 0; k < series; ++k) {
            double v = 0;
            if (k < shown) {
              v = mbs[order[k].second];
            } else {
              for (size_t j = shown; j < order.size(); ++j) v += mbs[order[j].second];
            }
            const double pct = total > 0 ? 100.0 * v / total : 0;
            spans[k][i] = {acc, acc + pct};
            acc += pct;
          }
        }
        for (size_t k = 0; k < series; ++k) {
          for (size_t i = 0; i < n; ++i) {
            gp << i << " " << (spans[k][i].first + spans[k][i].second) / 2 << " "
               << spans[k][i].first << " " << spans[k][i].second << "\n";
          }
          gp << "e\n";
        }
        if (series == 0) gp << "0 0\ne\n";
        // Right: fairness, the same lines without names.
        gp << "set lmargin at screen " << split << "\nset rmargin at screen 0.97\n";
        SpecYtics(gp, runs, false);
        gp << "set title 'Fairness (Jain, 1 = equal)' font ',14'\nunset key\n";
        gp << "set xlabel \"Jain's fairness index (0-1)\"\nset xrange [0:1.25]\n";
        gp << "set xtics 0,0.5,1\n";
        gp << "set style fill solid 0.9 border lc rgb '#333333'\n";
        gp << "plot '-' using 2:1:(0):2:($1-0.35):($1+0.35):3 with boxxyerror lc rgb variable, "
              "'-' using 2:1:3 with labels left offset 0.6,0 font ',11'\n";
        std::ostringstream boxes, labels;
        for (size_t i = 0; i < n; ++i) {
          boxes << i << " " << d.runs[i].fairness << " " << RgbInt(StyleOf(d, &d.runs[i]).color)
                << "\n";
          labels << i << " " << d.runs[i].fairness << " "
                 << DataString(absl::StrFormat("%.2f", d.runs[i].fairness)) << "\n";
        }
        if (n == 0) boxes << "0 0 0\n", labels << "0 0 \"\"\n";
        gp << boxes.str() << "e\n" << labels.str() << "e\n";
        gp << "unset multiplot\n";
      },
      files);
}

absl::Status DrawHeadPosition(const PlotData& d, const PlotOptions& o, const std::string& dir,
                              std::vector<PlotFile>* files) {
  const size_t n = d.runs.size();
  // The time range: the window, else every kept unit.
  double t_min = 0, t_max = 0;
  bool any = false;
  for (const PlotRun& r : d.runs) {
    for (const auto& [t, s] : r.head) {
      if (!any) t_min = t_max = t, any = true;
      t_min = std::min(t_min, t);
      t_max = std::max(t_max, t);
    }
  }
  double x0 = o.window_start_s.value_or(any ? std::min(0.0, t_min) : 0.0);
  double x1 = o.window_end_s.value_or(any ? t_max : 1.0);
  if (!(x1 > x0)) x1 = x0 + 1e-3;
  bool incomplete = false;
  // Screen resolution: per panel, kHeadColumns columns × kHeadRows rows;
  // each run of occupied rows in a column becomes one vertical segment.
  constexpr size_t kHeadRows = 160;
  constexpr size_t kMaxRuns = 6;
  uint64_t y_top = d.capacity_sectors;
  if (y_top == 0) {
    for (const PlotRun& r : d.runs) {
      for (const auto& [t, s] : r.head) y_top = std::max(y_top, s + 1);
    }
  }
  y_top = std::max<uint64_t>(y_top, 1);
  const double col_w = (x1 - x0) / kHeadColumns, row_h = static_cast<double>(y_top) / kHeadRows;
  std::vector<std::vector<std::pair<double, std::pair<double, double>>>> segs(n);
  size_t kept_units = 0;
  for (size_t i = 0; i < n; ++i) {
    const PlotRun& r = d.runs[i];
    if (!r.head_complete) incomplete = true;
    std::vector<char> cell(kHeadColumns * kHeadRows, 0);
    for (const auto& [t, s] : r.head) {
      if (t < x0 || t > x1 || (o.window_end_s.has_value() && t >= x1)) continue;
      const size_t c = std::min(kHeadColumns - 1, static_cast<size_t>((t - x0) / col_w));
      const size_t row =
          std::min(kHeadRows - 1, static_cast<size_t>(static_cast<double>(s) / row_h));
      cell[c * kHeadRows + row] = true;
      ++kept_units;
    }
    for (size_t c = 0; c < kHeadColumns; ++c) {
      const double x = x0 + (static_cast<double>(c) + 0.5) * col_w;
      const char* col = &cell[c * kHeadRows];
      // Runs of occupied rows, joined across gaps of at most `gap` empty
      // rows; a column scattered over more than kMaxRuns runs (random
      // access) joins wider gaps until it has at most kMaxRuns, so the file
      // stays bounded: kHeadColumns × kMaxRuns segments per panel.
      std::vector<std::pair<size_t, size_t>> runs;
      for (size_t gap = 1;; gap *= 2) {
        runs.clear();
        for (size_t row = 0; row < kHeadRows; ++row) {
          if (!col[row]) continue;
          if (!runs.empty() && row - runs.back().second <= gap + 1) {
            runs.back().second = row;
          } else {
            runs.emplace_back(row, row);
          }
        }
        if (runs.size() <= kMaxRuns) break;
      }
      for (const auto& [lo, hi] : runs) segs[i].push_back({x, {lo * row_h, (hi + 1) * row_h}});
    }
  }
  const bool window = o.window_start_s.has_value() || o.window_end_s.has_value();
  std::string title = "Head position: start sector of each issued unit";
  if (window) absl::StrAppend(&title, ", window ", Num(x0), "-", Num(x1), " s");
  absl::StrAppend(&title, "\n", Where(d));
  std::string sub;
  if (incomplete) sub = "only the first issued units are kept (--head-trace-limit)";
  if (kept_units > kHeadColumns) {
    absl::StrAppend(&sub, sub.empty() ? "" : "; ", "drawn at screen resolution (", kHeadColumns,
                    " columns; --window zooms)");
  }
  const int height = std::max(kPlotHeight, 130 + 190 * static_cast<int>(std::max<size_t>(n, 1)));
  const std::string caption = absl::StrCat(
      "Head position over simulated time per elevator (start sector of each issued unit): the "
      "sweep pattern of each policy",
      window ? absl::StrCat(", window ", Num(x0), "-", Num(x1), " s") : "", ".");
  return Draw(
      dir, "head_position", caption, height,
      [&](Gnuplot& gp) {
        const double h = height;
        const double top = 1.0 - (sub.empty() ? 95.0 : 120.0) / h;
        gp << "set multiplot layout " << std::max<size_t>(n, 1) << ",1 margins 0.1,0.97,"
           << 80.0 / h << "," << top << " spacing 0," << 24.0 / h << " title "
           << GnuplotDQuote(sub.empty() ? title : title + "\n" + sub) << " font ',17'\n";
        gp << "unset key\nunset title\n";
        // Panel labels on white: a dense panel would hide text of its own colour.
        gp << "set style textbox opaque fillcolor rgb '#ffffff' border lc rgb '#333333'\n";
        gp << "set xrange [" << x0 << ":" << x1 << "]\n";
        if (d.capacity_sectors > 0) {
          gp << "set yrange [0:" << d.capacity_sectors << "]\n";
          gp << "set ytics 0," << d.capacity_sectors / 2.0 << "\n";
        } else {
          gp << "set yrange [0:*]\n";
        }
        gp << "set format y '%.1s%c'\nset ylabel ''\n";
        gp << "set label 10 'start sector (512-byte units)' at screen 0.02, screen "
           << (80.0 / h + top) / 2 << " rotate by 90 center\n";
        if (n == 0) {
          gp << "set xlabel 'simulated time (s)'\nplot '-' with points ps 0\n0 0\ne\n";
        }
        for (size_t i = 0; i < n; ++i) {
          const PlotRun& r = d.runs[i];
          const std::string color = StyleOf(d, &r).color;
          gp << "set label 1 " << GnuplotQuote(r.spec)
             << " at graph 0.01, graph 0.86 left front tc rgb '" << color << "' font ',16' boxed\n";
          if (segs[i].empty()) {
            gp << "set label 2 "
               << GnuplotQuote(r.has_head ? "no issued units kept in this window"
                                          : "no head trace in the results")
               << " at graph 0.5, graph 0.5 center front tc rgb '#888888'\n";
          } else {
            gp << "unset label 2\n";
          }
          if (i + 1 < n) {
            gp << "set format x ''\nunset xlabel\n";
          } else {
            gp << "set format x '%g'\nset xlabel 'simulated time (s)'\n";
          }
          gp << "plot '-' using 1:2 with lines lw 2.2 lc rgb '" << color << "'\n";
          if (segs[i].empty()) {
            gp << x0 << " -1\n";
          } else {
            std::string rows;
            for (const auto& [x, y] : segs[i]) {
              absl::StrAppend(&rows,
                              absl::StrFormat("%.9g %.6g\n%.9g %.6g\n\n", x, y.first, x, y.second));
            }
            gp << rows;
          }
          gp << "e\n";
          gp << "unset label 10\n";
        }
        gp << "unset multiplot\n";
      },
      files);
}

// The key of a plot with one series per elevator: outside at the right.
// (Below the plot: long "a = b = c" labels do not squeeze the graph.)
void ElevatorKey(Gnuplot& gp) {
  gp << "set key outside below center horizontal Left reverse spacing 1.1 width 2 box lc rgb "
        "'#cccccc'\n";
}

// Height of a plot with ElevatorKey for `n` entries (two a row): the key
// grows the picture, not squeezes the graph.
int KeyBelowHeight(size_t n) {
  const int rows = static_cast<int>((n + 1) / 2);
  return kPlotHeight + std::max(0, rows - 3) * 27;
}

// (x, y) of a run's timeline bins: x the bin's middle (s), y = f(bin, width s).
template <typename F>
std::vector<std::pair<double, double>> TimelinePoints(const PlotRun& r, F f) {
  std::vector<std::pair<double, double>> pts;
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const double start = r.timeline_origin_s + static_cast<double>(i) * r.timeline_bin_s;
    const double w = std::min(r.timeline_bin_s, r.timeline_end_s - start);
    if (!(w > 0)) continue;
    pts.emplace_back(start + w / 2, f(r.timeline[i], w));
  }
  return pts;
}

// Lines over simulated time, one per run, in the current panel; runs
// [key_from, key_to) get a key entry.
template <typename F>
void TimeLines(Gnuplot& gp, const PlotData& d, const std::vector<const PlotRun*>& runs, F f,
               size_t key_from = 0, size_t key_to = SIZE_MAX) {
  gp << "plot ";
  for (size_t i = 0; i < runs.size(); ++i) {
    gp << (i ? ", " : "") << "'-' with lines lw 2 " << LineStyle(d, runs[i]) << " "
       << (i >= key_from && i < key_to ? "title " + GnuplotQuote(runs[i]->spec) : "notitle");
  }
  gp << "\n";
  for (const PlotRun* r : runs) {
    std::vector<std::pair<double, double>> pts = TimelinePoints(*r, f);
    if (pts.empty()) pts.emplace_back(0, 0);
    SendXy(gp, pts);
  }
}

std::vector<const PlotRun*> WithTimeline(const PlotData& d) {
  std::vector<const PlotRun*> runs;
  for (const PlotRun& r : d.runs) {
    if (!r.timeline.empty()) runs.push_back(&r);
  }
  return runs;
}

absl::Status DrawThroughputTime(const PlotData& d, const std::string& dir,
                                std::vector<PlotFile>* files) {
  const std::vector<const PlotRun*> runs = WithTimeline(d);
  const std::string caption =
      "Throughput over simulated time per elevator: MB/s (top) and IOPS (bottom) of the requests "
      "completed in each time bin.";
  const double bin_s = runs.empty() ? 0 : runs.front()->timeline_bin_s;
  // The key is split between the panels: each holds half of it.
  const size_t half = (runs.size() + 1) / 2;
  const int height = std::max(kPlotHeight, 260 + 2 * static_cast<int>(half) * 27);
  return Draw(
      dir, "throughput_time", caption, height,
      [&](Gnuplot& gp) {
        gp << "set multiplot title "
           << GnuplotDQuote(absl::StrCat("Throughput over time (bins of ", Num(bin_s * 1e3),
                                         " ms)\n", Where(d)))
           << " font ',17'\n";
        // Two panels of equal height at fixed screen positions, sharing x;
        // the key (one entry a line) to the right, its first half beside the
        // top panel and the rest beside the bottom one, so neither panel
        // shrinks with the number of runs.
        gp << "set lmargin at screen 0.09\nset rmargin at screen 0.70\n";
        gp << "set key at screen 0.715, screen 0.88 left top vertical Left reverse "
              "samplen 2.5 nobox\n";
        gp << "set yrange [0:*]\nset format x '%g'\nset ytics format '%g'\n";
        gp << "set tmargin at screen 0.87\nset bmargin at screen 0.53\n";
        gp << "unset xlabel\nset ylabel 'throughput (MB/s)'\n";
        TimeLines(
            gp, d, runs, [](const PlotRun::Bin& b, double w) { return b.bytes / 1e6 / w; }, 0,
            half);
        gp << "set tmargin at screen 0.45\nset bmargin at screen 0.11\n";
        gp << "set key at screen 0.715, screen 0.46\n";
        gp << "set xlabel 'simulated time (s)'\nset ylabel 'IOPS (requests/s)'\n";
        TimeLines(
            gp, d, runs, [](const PlotRun::Bin& b, double w) { return b.completed / w; }, half);
        gp << "unset multiplot\n";
      },
      files);
}

absl::Status DrawQueueDepth(const PlotData& d, const std::string& dir,
                            std::vector<PlotFile>* files) {
  const std::vector<const PlotRun*> runs = WithTimeline(d);
  const std::string caption =
      "Queue depth over simulated time per elevator: mean number of pending requests (arrived, "
      "not completed: in the elevator or at the device) in each time bin.";
  return Draw(
      dir, "queue_depth", caption, KeyBelowHeight(runs.size()),
      [&](Gnuplot& gp) {
        gp << "set title " << GnuplotDQuote(absl::StrCat("Queue depth over time\n", Where(d)))
           << "\n";
        ElevatorKey(gp);
        gp << "set yrange [0:*]\nset format x '%g'\n";
        gp << "set xlabel 'simulated time (s)'\n";
        gp << "set ylabel 'pending requests (mean per time bin)'\n";
        TimeLines(gp, d, runs,
                  [](const PlotRun::Bin& b, double w) { return b.pending_ns / (w * 1e9); });
      },
      files);
}

// "0", "1", "2", "4", … "512", "1K", … "1M", "1G" (sectors).
std::string PowerLabel(uint64_t v) {
  if (v >= (uint64_t{1} << 30)) return absl::StrCat(v >> 30, "G");
  if (v >= (uint64_t{1} << 20)) return absl::StrCat(v >> 20, "M");
  if (v >= 1024) return absl::StrCat(v >> 10, "K");
  return absl::StrCat(v);
}

absl::Status DrawSeekDistance(const PlotData& d, const std::string& dir,
                              std::vector<PlotFile>* files) {
  std::vector<const PlotRun*> runs;
  size_t buckets = 1;
  for (const PlotRun& r : d.runs) {
    if (r.seek_histogram.empty()) continue;
    runs.push_back(&r);
    buckets = std::max(buckets, r.seek_histogram.size());
  }
  const std::string caption =
      "Seek distance between consecutive issued units (sectors, power-of-two buckets: a bucket "
      "holds distances from its label up to twice it), as a share of the units.";
  return Draw(
      dir, "seek_distance", caption, KeyBelowHeight(runs.size()),
      [&](Gnuplot& gp) {
        gp << "set title " << GnuplotDQuote(absl::StrCat("Seek distance histogram\n", Where(d)))
           << "\n";
        ElevatorKey(gp);
        // gnuplot undercounts the rotated tic labels: room for the xlabel.
        gp << "set key height 2\n";
        gp << "set xlabel 'seek distance (512-byte sectors, log2 buckets)'\n";
        gp << "set ylabel 'share of issued units (%)'\nset yrange [0:*]\n";
        gp << "set xrange [-0.5:" << buckets - 0.5 << "]\nset xtics (";
        const size_t step = buckets > 32 ? 2 : 1;
        for (size_t k = 0; k < buckets; k += step) {
          gp << (k ? ", " : "")
             << GnuplotQuote(PowerLabel(SeekHistogram::BucketLow(static_cast<int>(k)))) << " " << k;
        }
        gp << ") rotate by -45\n";
        gp << "plot ";
        for (size_t i = 0; i < runs.size(); ++i) {
          gp << (i ? ", " : "") << "'-' with linespoints lw 2 pt 7 ps (1.1*PS) "
             << LineStyle(d, runs[i]) << " title " << GnuplotQuote(runs[i]->spec);
        }
        if (runs.empty()) gp << "'-' with points ps 0 title 'no seek distances recorded'";
        gp << "\n";
        for (const PlotRun* r : runs) {
          double total = 0;
          for (uint64_t c : r->seek_histogram) total += static_cast<double>(c);
          std::vector<std::pair<double, double>> pts;
          for (size_t k = 0; k < buckets; ++k) {
            const double c = k < r->seek_histogram.size() ? r->seek_histogram[k] : 0;
            pts.emplace_back(k, total > 0 ? 100.0 * c / total : 0);
          }
          SendXy(gp, pts);
        }
        if (runs.empty()) gp << "0 0\ne\n";
      },
      files);
}

absl::Status DrawTimeBreakdown(const PlotData& d, const std::string& dir,
                               std::vector<PlotFile>* files) {
  struct Part {
    const char* name;
    const char* color;
    double PlotRun::*ms;
  };
  static constexpr Part kParts[] = {
      {"queueing (before issue)", "#bab0ac", &PlotRun::queueing_ms},
      {"seek", "#e15759", &PlotRun::seek_ms},
      {"rotation", "#f28e2b", &PlotRun::rotation_ms},
      {"transfer", "#4e79a7", &PlotRun::transfer_ms},
      {"other (overhead, device queue)", "#76b7b2", &PlotRun::other_ms},
  };
  std::vector<const PlotRun*> runs;
  for (const PlotRun& r : d.runs) {
    if (r.has_breakdown) runs.push_back(&r);
  }
  const std::string caption =
      "Where the time went: mean time per request split into queueing (arrival to issue), "
      "seek, rotation, transfer and other service time; the bar is the mean latency.";
  // Horizontal bars, one a line with its name on the y axis; the key
  // below the graph, so the bars keep the full width.
  return Draw(
      dir, "time_breakdown", caption, BarsHeight(runs.size(), 260),
      [&](Gnuplot& gp) {
        const size_t n = runs.size();
        gp << "set title "
           << GnuplotDQuote(absl::StrCat("Where the time went, per request\n", Where(d))) << "\n";
        const int height = BarsHeight(n, 260);
        gp << "set bmargin at screen " << 200.0 / height << "\n";
        gp << "set key at screen 0.5, screen " << 12.0 / height
           << " center bottom horizontal Left reverse box lc rgb '#cccccc'\n";
        gp << "set xlabel 'mean time per request (ms)'\nset xrange [0:*]\n";
        gp << "set offsets 0,graph 0.1,0,0\nset grid xtics noytics\nset rmargin 4\n";
        SpecYtics(gp, runs);
        gp << "set style fill solid 0.9 border lc rgb '#ffffff'\n";
        gp << "plot ";
        for (size_t k = 0; k < std::size(kParts); ++k) {
          gp << (k ? ", " : "") << "'-' using 2:1:3:4:($1-0.35):($1+0.35) with boxxyerror "
             << "lc rgb '" << kParts[k].color << "' title " << GnuplotQuote(kParts[k].name);
        }
        gp << ", '-' using 2:1:3 with labels left offset 0.5,0 font ',13' notitle\n";
        for (const Part& p : kParts) {
          for (size_t i = 0; i < n; ++i) {
            double below = 0;
            for (const Part& q : kParts) {
              if (&q == &p) break;
              below += runs[i]->*q.ms;
            }
            const double v = runs[i]->*p.ms;
            gp << i << " " << below + v / 2 << " " << below << " " << below + v << "\n";
          }
          if (n == 0) gp << "0 0 0 0\n";
          gp << "e\n";
        }
        for (size_t i = 0; i < n; ++i) {
          double total = 0;
          for (const Part& q : kParts) total += runs[i]->*q.ms;
          gp << i << " " << total << " " << DataString(Num(total)) << "\n";
        }
        if (n == 0) gp << "0 0 \"\"\n";
        gp << "e\n";
      },
      files);
}

// Grouped horizontal bars in the current panel: per run (a line, the
// first on top), a read bar above a write bar.
// `key_y`: the top of the key (screen fraction); < 0: no key.
void ReadWriteBars(Gnuplot& gp, const std::vector<const PlotRun*>& runs, const char* title,
                   const char* ylabel, double PlotRun::*read, double PlotRun::*write,
                   double key_y) {
  const bool key = key_y >= 0;
  const size_t n = runs.size();
  gp << "set title " << GnuplotQuote(title) << "\nset xlabel " << GnuplotQuote(ylabel) << "\n";
  if (key) {
    gp << "set key at screen 0.5, screen " << key_y
       << " center top horizontal Left reverse box lc rgb '#cccccc'\n";
  } else {
    gp << "unset key\n";
  }
  // Titles only where the key is: gnuplot's SVG would repeat the key ids.
  gp << "plot '-' using 2:1:(0):2:($1-0.19):($1+0.19) with boxxyerror lc rgb '#4e79a7' "
     << (key ? "title 'read'" : "notitle")
     << ", '-' using 2:1:(0):2:($1-0.19):($1+0.19) with boxxyerror lc rgb '#f28e2b' "
     << (key ? "title 'write'" : "notitle") << "\n";
  for (int op = 0; op < 2; ++op) {
    for (size_t i = 0; i < n; ++i) {
      const double v = runs[i]->*(op == 0 ? read : write);
      gp << i + (op == 0 ? -0.2 : 0.2) << " " << v << "\n";
    }
    if (n == 0) gp << "0 0\n";
    gp << "e\n";
  }
}

absl::Status DrawReadWrite(const PlotData& d, const std::string& dir,
                           std::vector<PlotFile>* files) {
  std::vector<const PlotRun*> runs;
  for (const PlotRun& r : d.runs) {
    if (r.has_ops) runs.push_back(&r);
  }
  const std::string caption =
      "Reads and writes side by side per elevator: throughput (MB/s over each op's own span, "
      "higher is better) and p99 latency (lower is better).";
  // Horizontal bars, names on the y axis of the left panel only; both
  // panels at fixed screen positions so their bars line up.
  size_t longest = 0;
  for (const PlotRun* r : runs) longest = std::max(longest, r->spec.size());
  const double left = std::min(0.45, 0.04 + 0.0085 * static_cast<double>(longest));
  const double mid = left + (0.97 - left) / 2;
  const int height = BarsHeight(runs.size(), 280);
  return Draw(
      dir, "read_write", caption, height,
      [&](Gnuplot& gp) {
        gp << "set multiplot title " << GnuplotDQuote(absl::StrCat("Reads vs writes\n", Where(d)))
           << " font ',18'\n";
        gp << "set style fill solid 0.9 border lc rgb '#333333'\n";
        gp << "set grid xtics noytics\nset xrange [0:*]\nset offsets 0,graph 0.05,0,0\n";
        gp << "set tmargin at screen " << 1 - 175.0 / height << "\nset bmargin at screen "
           << 100.0 / height << "\nset xtics font ',13'\n";
        gp << "set lmargin at screen " << left << "\nset rmargin at screen " << mid - 0.03 << "\n";
        SpecYtics(gp, runs);
        ReadWriteBars(gp, runs, "Throughput (higher is better)", "throughput (MB/s)",
                      &PlotRun::read_mb_s, &PlotRun::write_mb_s, 1 - 88.0 / height);
        gp << "set lmargin at screen " << mid + 0.02 << "\nset rmargin at screen 0.97\n";
        SpecYtics(gp, runs, false);
        ReadWriteBars(gp, runs, "p99 latency (lower is better)", "p99 latency (ms)",
                      &PlotRun::read_p99_ms, &PlotRun::write_p99_ms, -1);
        gp << "unset multiplot\n";
      },
      files);
}

// Helpers for PlotDataFromJson: "SOURCE:LINE: expected …, got …".
absl::Status Expected(const JsonDocument& doc, const Json& at, std::string_view what,
                      std::string_view got) {
  return absl::InvalidArgumentError(
      absl::StrCat(doc.source(), ":", doc.Line(at), ": expected ", Sv(what), ", got ", Sv(got)));
}

enum class Kind { kBool, kNumber, kString, kArray };

bool IsKind(const Json& v, Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return v.is_boolean();
    case Kind::kNumber:
      return v.is_number();
    case Kind::kString:
      return v.is_string();
    case Kind::kArray:
      return v.is_array();
  }
  return false;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return "bool";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
  }
  return "?";
}

// The member `key` of the object `obj` (nullptr if absent).
const Json* Find(const Json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

absl::StatusOr<const Json*> Member(const JsonDocument& doc, const Json& obj, std::string_view key,
                                   Kind kind) {
  const Json* v = Find(obj, key);
  if (v == nullptr) {
    return Expected(doc, obj, absl::StrCat("key \"", Sv(key), "\" in this object"), "none");
  }
  // Numbers written as null (NaN or infinity) read as 0.
  if (!IsKind(*v, kind) && !(kind == Kind::kNumber && v->is_null())) {
    return Expected(doc, *v, absl::StrCat("a ", KindName(kind), " for \"", Sv(key), "\""),
                    JsonTypeName(*v));
  }
  return v;
}

double NumberOf(const Json& v) { return v.is_number() ? v.get<double>() : 0.0; }

absl::StatusOr<double> Number(const JsonDocument& doc, const Json& obj, std::string_view key) {
  IOSCHED_ASSIGN_OR_RETURN(const Json* v, Member(doc, obj, key, Kind::kNumber));
  return NumberOf(*v);
}

absl::StatusOr<std::string> String(const JsonDocument& doc, const Json& obj, std::string_view key) {
  IOSCHED_ASSIGN_OR_RETURN(const Json* v, Member(doc, obj, key, Kind::kString));
  return v->get<std::string>();
}

// [[a, b], …] → pairs of numbers.
absl::Status Pairs(const JsonDocument& doc, const Json& arr, std::string_view key,
                   std::vector<std::pair<double, double>>* out) {
  if (!arr.is_array()) {
    return Expected(doc, arr, absl::StrCat("an array for \"", Sv(key), "\""), JsonTypeName(arr));
  }
  out->reserve(arr.size());
  for (const Json& p : arr) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      return Expected(doc, p, absl::StrCat("a [number, number] pair in \"", Sv(key), "\""),
                      p.is_array() ? absl::StrCat("an array of ", p.size()) : JsonTypeName(p));
    }
    out->emplace_back(p[0].get<double>(), p[1].get<double>());
  }
  return absl::OkStatus();
}

absl::Status ReadCdf(const JsonDocument& doc, const Json& v, LatencyCdf* c) {
  if (!v.is_object()) {
    return Expected(doc, v, "an object with count, p50_ms, p99_ms, points", JsonTypeName(v));
  }
  IOSCHED_ASSIGN_OR_RETURN(double count, Number(doc, v, "count"));
  IOSCHED_ASSIGN_OR_RETURN(c->p50_ms, Number(doc, v, "p50_ms"));
  IOSCHED_ASSIGN_OR_RETURN(c->p99_ms, Number(doc, v, "p99_ms"));
  IOSCHED_ASSIGN_OR_RETURN(const Json* pts, Member(doc, v, "points", Kind::kArray));
  c->count = static_cast<uint64_t>(std::max(0.0, count));
  return Pairs(doc, *pts, "points", &c->points);
}

absl::Status ReadRun(const JsonDocument& doc, const Json& v, PlotRun* r) {
  if (!v.is_object()) return Expected(doc, v, "an object in \"results\"", JsonTypeName(v));
  IOSCHED_ASSIGN_OR_RETURN(r->elevator, String(doc, v, "elevator"));
  IOSCHED_ASSIGN_OR_RETURN(r->spec, String(doc, v, "spec"));
  IOSCHED_ASSIGN_OR_RETURN(r->mb_s, Number(doc, v, "mb_s"));
  IOSCHED_ASSIGN_OR_RETURN(r->iops, Number(doc, v, "iops"));
  IOSCHED_ASSIGN_OR_RETURN(r->lat_p50_ms, Number(doc, v, "lat_p50_ms"));
  IOSCHED_ASSIGN_OR_RETURN(r->lat_p99_ms, Number(doc, v, "lat_p99_ms"));
  IOSCHED_ASSIGN_OR_RETURN(r->fairness, Number(doc, v, "fairness"));
  if (const Json* streams = Find(v, "streams"); streams != nullptr) {
    if (!streams->is_array()) {
      return Expected(doc, *streams, "an array for \"streams\"", JsonTypeName(*streams));
    }
    for (const Json& s : *streams) {
      if (!s.is_object()) return Expected(doc, s, "an object in \"streams\"", JsonTypeName(s));
      StreamShare share;
      IOSCHED_ASSIGN_OR_RETURN(double id, Number(doc, s, "id"));
      IOSCHED_ASSIGN_OR_RETURN(double bytes, Number(doc, s, "bytes"));
      IOSCHED_ASSIGN_OR_RETURN(share.mb_s, Number(doc, s, "mb_s"));
      share.id = static_cast<uint32_t>(id);
      share.bytes = static_cast<uint64_t>(bytes);
      r->streams.push_back(share);
    }
  }
  if (const Json* cdf = Find(v, "latency_cdf"); cdf != nullptr) {
    if (!cdf->is_object()) {
      return Expected(doc, *cdf, "an object for \"latency_cdf\"", JsonTypeName(*cdf));
    }
    for (int op = 0; op < 3; ++op) {
      if (const Json* c = Find(*cdf, kOpNames[op]); c != nullptr) {
        IOSCHED_RETURN_IF_ERROR(ReadCdf(doc, *c, &r->cdf[op]));
      }
    }
    r->has_cdf = true;
  }
  // Per op: all of read_*/write_* or nothing (older documents).
  if (Find(v, "read_mb_s") != nullptr) {
    IOSCHED_ASSIGN_OR_RETURN(r->read_mb_s, Number(doc, v, "read_mb_s"));
    IOSCHED_ASSIGN_OR_RETURN(r->write_mb_s, Number(doc, v, "write_mb_s"));
    IOSCHED_ASSIGN_OR_RETURN(r->read_p99_ms, Number(doc, v, "read_lat_p99_ms"));
    IOSCHED_ASSIGN_OR_RETURN(r->write_p99_ms, Number(doc, v, "write_lat_p99_ms"));
    r->read_count = r->cdf[kCdfRead].count;
    r->write_count = r->cdf[kCdfWrite].count;
    if (!r->has_cdf) {  // no counts: any throughput means the op ran
      r->read_count = r->read_mb_s > 0;
      r->write_count = r->write_mb_s > 0;
    }
    r->has_ops = true;
  }
  if (const Json* tb = Find(v, "time_breakdown_ms"); tb != nullptr) {
    if (!tb->is_object()) {
      return Expected(doc, *tb, "an object for \"time_breakdown_ms\"", JsonTypeName(*tb));
    }
    IOSCHED_ASSIGN_OR_RETURN(r->queueing_ms, Number(doc, *tb, "queueing"));
    IOSCHED_ASSIGN_OR_RETURN(r->seek_ms, Number(doc, *tb, "seek"));
    IOSCHED_ASSIGN_OR_RETURN(r->rotation_ms, Number(doc, *tb, "rotation"));
    IOSCHED_ASSIGN_OR_RETURN(r->transfer_ms, Number(doc, *tb, "transfer"));
    IOSCHED_ASSIGN_OR_RETURN(r->other_ms, Number(doc, *tb, "other"));
    r->has_breakdown = true;
  }
  if (const Json* sh = Find(v, "seek_histogram"); sh != nullptr) {
    if (!sh->is_array()) {
      return Expected(doc, *sh, "an array for \"seek_histogram\"", JsonTypeName(*sh));
    }
    for (const Json& c : *sh) {
      if (!c.is_number()) {
        return Expected(doc, c, "a count in \"seek_histogram\"", JsonTypeName(c));
      }
      r->seek_histogram.push_back(static_cast<uint64_t>(std::max(0.0, c.get<double>())));
    }
  }
  if (const Json* tl = Find(v, "timeline"); tl != nullptr) {
    if (!tl->is_object()) {
      return Expected(doc, *tl, "an object for \"timeline\"", JsonTypeName(*tl));
    }
    IOSCHED_ASSIGN_OR_RETURN(double origin, Number(doc, *tl, "origin_ns"));
    IOSCHED_ASSIGN_OR_RETURN(double bin, Number(doc, *tl, "bin_ns"));
    IOSCHED_ASSIGN_OR_RETURN(double end, Number(doc, *tl, "end_ns"));
    IOSCHED_ASSIGN_OR_RETURN(const Json* bins, Member(doc, *tl, "bins", Kind::kArray));
    if (!(bin > 0)) return Expected(doc, *tl, "\"bin_ns\" > 0", absl::StrCat(bin));
    r->timeline_origin_s = origin / 1e9;
    r->timeline_bin_s = bin / 1e9;
    r->timeline_end_s = end / 1e9;
    for (const Json& b : *bins) {
      if (!b.is_array() || b.size() != 4 ||
          !std::all_of(b.begin(), b.end(), [](const Json& x) { return x.is_number(); })) {
        return Expected(doc, b, "[completed, bytes, pending_ns, max_pending] in \"timeline\"",
                        b.is_array() ? absl::StrCat("an array of ", b.size()) : JsonTypeName(b));
      }
      r->timeline.push_back(
          {b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()});
    }
  }
  if (const Json* head = Find(v, "head_trace"); head != nullptr) {
    if (!head->is_object()) {
      return Expected(doc, *head, "an object for \"head_trace\"", JsonTypeName(*head));
    }
    IOSCHED_ASSIGN_OR_RETURN(const Json* complete, Member(doc, *head, "complete", Kind::kBool));
    IOSCHED_ASSIGN_OR_RETURN(const Json* pts, Member(doc, *head, "points", Kind::kArray));
    std::vector<std::pair<double, double>> raw;
    IOSCHED_RETURN_IF_ERROR(Pairs(doc, *pts, "head_trace.points", &raw));
    r->head.reserve(raw.size());
    for (const auto& [ns, sector] : raw) {
      r->head.emplace_back(ns / 1e9, static_cast<uint64_t>(std::max(0.0, sector)));
    }
    r->head_complete = complete->get<bool>();
    r->has_head = true;
  }
  return absl::OkStatus();
}

// Mean ms per completed request (see "time_breakdown_ms").
void FillBreakdown(const ReplayResult& x, PlotRun* p) {
  const double n = static_cast<double>(x.summary.completed);
  if (n <= 0) return;
  p->has_breakdown = true;
  p->queueing_ms = x.summary.all.wait_mean_ms;
  p->seek_ms = ToMillis(x.seek_time_total) / n;
  p->rotation_ms = ToMillis(x.rotation_time_total) / n;
  p->transfer_ms = ToMillis(x.transfer_time_total) / n;
  p->other_ms =
      std::max(0.0, x.summary.all.service_mean_ms - p->seek_ms - p->rotation_ms - p->transfer_ms);
}

void FillTimeline(const ReplayResult& x, PlotRun* p) {
  const Timeline& t = x.timeline;
  if (!t.empty()) {
    p->timeline_origin_s = static_cast<double>(t.origin().count()) / 1e9;
    p->timeline_bin_s = static_cast<double>(t.bin_width().count()) / 1e9;
    p->timeline_end_s = static_cast<double>(t.end().count()) / 1e9;
    for (const Timeline::Bin& b : t.bins()) {
      p->timeline.push_back({static_cast<double>(b.completed), static_cast<double>(b.bytes),
                             b.pending_ns, static_cast<double>(b.max_pending)});
    }
  }
  const SeekHistogram& h = x.seek_histogram;
  int last = -1;
  for (int k = 0; k < SeekHistogram::kBuckets; ++k) {
    if (h.count(k) > 0) last = k;
  }
  for (int k = 0; k <= last; ++k) p->seek_histogram.push_back(h.count(k));
}

}  // namespace

namespace {

// One colour per built-in elevator (and "path", the direct I/O runs), all
// distinct and readable on white; an unknown name hashes into it.
constexpr const char* kPalette[] = {
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
    "#666666", "#a6cee3", "#1f78b4", "#e31a1c", "#000000", "#fb9a99", "#b2df8a",
    "#17becf", "#6a3d9a", "#bcbd22", "#800000", "#fdbf6f", "#000080", "#b15928",
};
constexpr size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

}  // namespace

std::string ElevatorColor(const std::string& elevator) {
  static const std::map<std::string, size_t> index = {
      {"noop", 0},   {"linus", 1},    {"deadline", 2}, {"anticipatory", 3}, {"cfq", 4},
      {"inode", 5},  {"physical", 6}, {"path", 7},     {"fibmap", 8},       {"mq-deadline", 9},
      {"kyber", 10}, {"bfq", 11},     {"fcfs", 12},    {"sstf", 13},        {"look", 14},
      {"clook", 15}, {"sdf", 16},     {"sptf", 17},    {"spctf", 18},       {"aged-sptf", 19},
      {"satf", 20},
  };
  if (auto it = index.find(elevator); it != index.end()) return kPalette[it->second];
  // Any other name: a fixed colour picked by a stable hash of the name.
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : elevator) h = (h ^ c) * 16777619u;
  return kPalette[h % kPaletteSize];
}

std::vector<SeriesStyle> SeriesStyles(const std::vector<PlotRun>& runs) {
  std::vector<SeriesStyle> out;
  std::map<std::string, size_t> by_spec;        // spec -> index in `out`
  std::set<std::pair<std::string, int>> taken;  // (colour, dash)
  for (const PlotRun& r : runs) {
    if (auto it = by_spec.find(r.spec); it != by_spec.end()) {
      out.push_back(out[it->second]);
      continue;
    }
    SeriesStyle s{ElevatorColor(r.elevator), 1};
    for (size_t k = 0; taken.count({s.color, s.dash}); ++k) {
      s = SeriesStyle{kPalette[k % kPaletteSize], 1 + static_cast<int>(k / kPaletteSize)};
    }
    taken.insert({s.color, s.dash});
    by_spec.emplace(r.spec, out.size());
    out.push_back(s);
  }
  return out;
}

absl::Status ParseWindow(std::string_view text, PlotOptions* o) {
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--window: expected START:END in simulated seconds (e.g. 2.5:4, 10: or :3), got '",
        Sv(text), "'", why.empty() ? "" : ": ", Sv(why)));
  };
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return bad("");
  std::optional<double> v[2];
  const std::string_view part[2] = {text.substr(0, colon), text.substr(colon + 1)};
  for (int k = 0; k < 2; ++k) {
    if (part[k].empty()) continue;
    double x;
    if (!absl::SimpleAtod(Sv(part[k]), &x) || !std::isfinite(x)) return bad("");
    if (x < 0) return bad("times are >= 0");
    v[k] = x;
  }
  if (!v[0] && !v[1]) return bad("give START, END or both");
  if (v[0] && v[1] && !(*v[1] > *v[0])) return bad("END must be after START");
  o->window_start_s = v[0];
  o->window_end_s = v[1];
  return absl::OkStatus();
}

LatencyCdf MakeLatencyCdf(const LatencyHistogram& h, size_t max_points) {
  LatencyCdf c;
  c.count = h.count();
  if (c.count == 0) return c;
  c.p50_ms = static_cast<double>(h.Quantile(0.5)) / 1e6;
  c.p99_ms = static_cast<double>(h.Quantile(0.99)) / 1e6;
  const double step = 1.0 / static_cast<double>(std::max<size_t>(max_points, 1));
  uint64_t seen = 0;
  double kept = -1;  // fraction of the last point kept
  for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
    const uint64_t k = h.bucket_count(i);
    if (k == 0) continue;
    seen += k;
    // The bucket's upper edge, but never above the exact maximum.
    const uint64_t hi = std::min(LatencyHistogram::BucketHigh(i), h.max());
    const std::pair<double, double> p{static_cast<double>(hi) / 1e6,
                                      static_cast<double>(seen) / c.count};
    // Keep the first and last points and any that adds at least `step`.
    if (c.points.empty() || p.second - kept >= step || seen == c.count) {
      c.points.push_back(p);
      kept = p.second;
    }
  }
  return c;
}

PlotData PlotDataFromCompare(const CompareResult& r) {
  PlotData d;
  d.trace = r.trace;
  d.disk = r.disk;
  d.mode = ModeName(r.options.replay.mode);
  d.depth = r.options.replay.depth;
  d.capacity_sectors = r.disk_capacity_sectors;
  for (const CompareRun& run : r.runs) {
    const ReplayResult& x = run.result;
    PlotRun p;
    p.elevator = run.elevator;
    p.spec = run.spec;
    p.mb_s = x.summary.all.mb_s;
    p.iops = x.summary.all.iops;
    p.lat_p50_ms = x.summary.all.lat_p50_ms;
    p.lat_p99_ms = x.summary.all.lat_p99_ms;
    p.fairness = x.summary.fairness;
    LatencyHistogram all = x.latency[0];
    all.Merge(x.latency[1]);
    p.has_cdf = true;
    p.cdf[kCdfAll] = MakeLatencyCdf(all);
    p.cdf[kCdfRead] = MakeLatencyCdf(x.latency[0]);
    p.cdf[kCdfWrite] = MakeLatencyCdf(x.latency[1]);
    for (const StreamSummary& s : x.summary.streams) p.streams.push_back({s.id, s.bytes, s.mb_s});
    p.has_ops = true;
    p.read_count = x.summary.read.count;
    p.write_count = x.summary.write.count;
    p.read_mb_s = x.summary.read.mb_s;
    p.write_mb_s = x.summary.write.mb_s;
    p.read_p99_ms = x.summary.read.lat_p99_ms;
    p.write_p99_ms = x.summary.write.lat_p99_ms;
    FillBreakdown(x, &p);
    FillTimeline(x, &p);
    p.has_head = true;
    p.head_complete = x.head_trace.size() >= x.summary.issued;
    p.head.reserve(x.head_trace.size());
    for (const auto& [t, sector] : x.head_trace) {
      p.head.emplace_back(static_cast<double>(t.count()) / 1e9, sector);
    }
    d.runs.push_back(std::move(p));
  }
  return d;
}

absl::StatusOr<PlotData> PlotDataFromJson(const JsonDocument& doc) {
  const Json& root = doc.root();
  if (!root.is_object()) {
    return Expected(doc, root, "an object (iosched compare --format json)", JsonTypeName(root));
  }
  IOSCHED_RETURN_IF_ERROR(CheckResultSchema(root, StdSv(doc.source())));
  PlotData d;
  IOSCHED_ASSIGN_OR_RETURN(d.trace, String(doc, root, "trace"));
  IOSCHED_ASSIGN_OR_RETURN(d.disk, String(doc, root, "disk"));
  IOSCHED_ASSIGN_OR_RETURN(d.mode, String(doc, root, "mode"));
  IOSCHED_ASSIGN_OR_RETURN(double depth, Number(doc, root, "depth"));
  IOSCHED_ASSIGN_OR_RETURN(double capacity, Number(doc, root, "disk_capacity_sectors"));
  d.depth = static_cast<uint32_t>(std::max(0.0, depth));
  d.capacity_sectors = static_cast<uint64_t>(std::max(0.0, capacity));
  IOSCHED_ASSIGN_OR_RETURN(const Json* results, Member(doc, root, "results", Kind::kArray));
  for (const Json& v : *results) {
    PlotRun r;
    IOSCHED_RETURN_IF_ERROR(ReadRun(doc, v, &r));
    d.runs.push_back(std::move(r));
  }
  return d;
}

void AddPlotJson(const ReplayResult& result, Json& run) {
  LatencyHistogram all = result.latency[0];
  all.Merge(result.latency[1]);
  const LatencyHistogram* hist[3] = {&all, &result.latency[0], &result.latency[1]};
  Json& cdfs = run["latency_cdf"] = Json::object();
  for (int op = 0; op < 3; ++op) {
    const LatencyCdf c = MakeLatencyCdf(*hist[op]);
    Json& j = cdfs[kOpNames[op]];
    j["count"] = c.count;
    j["p50_ms"] = c.p50_ms;
    j["p99_ms"] = c.p99_ms;
    Json& points = j["points"] = Json::array();
    for (const auto& [ms, frac] : c.points) points.push_back(Json::array({ms, frac}));
  }
  PlotRun p;
  FillBreakdown(result, &p);
  FillTimeline(result, &p);
  if (!p.timeline.empty()) {
    Json& tl = run["timeline"] = Json::object();
    tl["origin_ns"] = result.timeline.origin().count();
    tl["bin_ns"] = result.timeline.bin_width().count();
    tl["end_ns"] = result.timeline.end().count();
    Json& bins = tl["bins"] = Json::array();
    for (const Timeline::Bin& b : result.timeline.bins()) {
      bins.push_back(Json::array({b.completed, b.bytes, std::round(b.pending_ns), b.max_pending}));
    }
  }
  run["seek_histogram"] = p.seek_histogram;
  if (p.has_breakdown) {
    Json& tb = run["time_breakdown_ms"] = Json::object();
    tb["queueing"] = p.queueing_ms;
    tb["seek"] = p.seek_ms;
    tb["rotation"] = p.rotation_ms;
    tb["transfer"] = p.transfer_ms;
    tb["other"] = p.other_ms;
  }
  Json& head = run["head_trace"] = Json::object();
  head["complete"] = result.head_trace.size() >= result.summary.issued;
  Json& points = head["points"] = Json::array();
  points.get_ref<Json::array_t&>().reserve(result.head_trace.size());
  for (const auto& [t, sector] : result.head_trace) {
    points.push_back(Json::array({static_cast<int64_t>(t.count()), sector}));
  }
}

bool SameResults(const PlotRun& a, const PlotRun& b) {
  const auto same_cdf = [](const LatencyCdf& x, const LatencyCdf& y) {
    return x.count == y.count && x.p50_ms == y.p50_ms && x.p99_ms == y.p99_ms &&
           x.points == y.points;
  };
  const auto same_bin = [](const PlotRun::Bin& x, const PlotRun::Bin& y) {
    return x.completed == y.completed && x.bytes == y.bytes && x.pending_ns == y.pending_ns &&
           x.max_pending == y.max_pending;
  };
  const auto same_stream = [](const StreamShare& x, const StreamShare& y) {
    return x.id == y.id && x.bytes == y.bytes && x.mb_s == y.mb_s;
  };
  if (a.mb_s != b.mb_s || a.iops != b.iops || a.lat_p50_ms != b.lat_p50_ms ||
      a.lat_p99_ms != b.lat_p99_ms || a.fairness != b.fairness || a.has_cdf != b.has_cdf ||
      a.has_head != b.has_head || a.head_complete != b.head_complete || a.head != b.head ||
      a.has_ops != b.has_ops || a.read_count != b.read_count || a.write_count != b.write_count ||
      a.read_mb_s != b.read_mb_s || a.write_mb_s != b.write_mb_s ||
      a.read_p99_ms != b.read_p99_ms || a.write_p99_ms != b.write_p99_ms ||
      a.has_breakdown != b.has_breakdown || a.queueing_ms != b.queueing_ms ||
      a.seek_ms != b.seek_ms || a.rotation_ms != b.rotation_ms || a.transfer_ms != b.transfer_ms ||
      a.other_ms != b.other_ms || a.timeline_origin_s != b.timeline_origin_s ||
      a.timeline_bin_s != b.timeline_bin_s || a.timeline_end_s != b.timeline_end_s ||
      a.seek_histogram != b.seek_histogram || a.timeline.size() != b.timeline.size() ||
      a.streams.size() != b.streams.size()) {
    return false;
  }
  for (int op = 0; op < 3; ++op) {
    if (!same_cdf(a.cdf[op], b.cdf[op])) return false;
  }
  for (size_t i = 0; i < a.timeline.size(); ++i) {
    if (!same_bin(a.timeline[i], b.timeline[i])) return false;
  }
  for (size_t i = 0; i < a.streams.size(); ++i) {
    if (!same_stream(a.streams[i], b.streams[i])) return false;
  }
  return true;
}

std::vector<std::vector<size_t>> IdenticalGroups(const std::vector<PlotRun>& runs) {
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < runs.size(); ++i) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const std::vector<size_t>& g) {
      return SameResults(runs[g.front()], runs[i]);
    });
    if (it == groups.end()) {
      groups.push_back({i});
    } else {
      it->push_back(i);
    }
  }
  return groups;
}

PlotData CollapseIdentical(const PlotData& d, std::vector<std::string>* notes) {
  PlotData out = d;
  out.runs.clear();
  for (const std::vector<size_t>& g : IdenticalGroups(d.runs)) {
    PlotRun r = d.runs[g.front()];
    if (g.size() > 1) {
      std::vector<std::string> specs;
      for (size_t i : g) specs.push_back(d.runs[i].spec);
      r.spec = absl::StrJoin(specs, " = ");
      if (notes) {
        notes->push_back(absl::StrCat(r.spec, ": identical results, drawn once"));
      }
    }
    out.runs.push_back(std::move(r));
  }
  return out;
}

absl::Status WritePlots(const PlotData& all, const PlotOptions& o, const std::string& dir,
                        std::vector<PlotFile>* files, std::vector<std::string>* notes) {
  IOSCHED_RETURN_IF_ERROR(PreparePlotDir(dir));
  const auto note = [&](std::string s) {
    if (notes) notes->push_back(std::move(s));
  };
  const PlotData d = CollapseIdentical(all, notes);
  const bool cdf =
      std::any_of(d.runs.begin(), d.runs.end(), [](const PlotRun& r) { return r.has_cdf; });
  if (cdf) {
    for (const CdfOp op : {kCdfAll, kCdfRead, kCdfWrite}) {
      const bool any = std::any_of(d.runs.begin(), d.runs.end(),
                                   [&](const PlotRun& r) { return r.cdf[op].count > 0; });
      if (!any && op != kCdfAll) {
        note(absl::StrCat("latency_cdf_", kOpNames[op], ": no ", kOpNames[op],
                          "s in any run, not drawn"));
        continue;
      }
      IOSCHED_RETURN_IF_ERROR(DrawCdf(d, op, dir, files));
    }
  } else {
    note(
        "latency_cdf: the results carry no \"latency_cdf\" (written by an older iosched), not "
        "drawn");
  }
  IOSCHED_RETURN_IF_ERROR(DrawThroughputP99(d, dir, files));
  if (HasReadsAndWrites(d)) {
    IOSCHED_RETURN_IF_ERROR(DrawReadWrite(d, dir, files));
  } else {
    note("read_write: the trace has only reads or only writes, not drawn");
  }
  std::set<uint32_t> streams;
  for (const PlotRun& r : d.runs) {
    for (const StreamShare& s : r.streams) streams.insert(s.id);
  }
  if (streams.size() > 1) {
    IOSCHED_RETURN_IF_ERROR(DrawStreamShare(d, dir, files));
  } else {
    note("stream_share: one stream, nothing to share (fairness is 1 by definition), not drawn");
  }
  const auto any_run = [&](auto pred) { return std::any_of(d.runs.begin(), d.runs.end(), pred); };
  if (any_run([](const PlotRun& r) { return !r.timeline.empty(); })) {
    IOSCHED_RETURN_IF_ERROR(DrawThroughputTime(d, dir, files));
    IOSCHED_RETURN_IF_ERROR(DrawQueueDepth(d, dir, files));
  } else {
    note(
        "throughput_time, queue_depth: the results carry no \"timeline\" (written by an older "
        "iosched), not drawn");
  }
  if (any_run([](const PlotRun& r) { return !r.seek_histogram.empty(); })) {
    IOSCHED_RETURN_IF_ERROR(DrawSeekDistance(d, dir, files));
  } else {
    note("seek_distance: no seek distances in the results, not drawn");
  }
  if (any_run([](const PlotRun& r) { return r.has_breakdown; })) {
    IOSCHED_RETURN_IF_ERROR(DrawTimeBreakdown(d, dir, files));
  } else {
    note("time_breakdown: the results carry no \"time_breakdown_ms\", not drawn");
  }
  const bool head = any_run([](const PlotRun& r) { return r.has_head; });
  if (head) {
    IOSCHED_RETURN_IF_ERROR(DrawHeadPosition(d, o, dir, files));
  } else {
    note(
        "head_position: the results carry no \"head_trace\" (written by an older iosched), not "
        "drawn");
  }
  return absl::OkStatus();
}

absl::Status WriteComparePlots(const CompareResult& result, const std::string& dir,
                               std::vector<std::string>* written, const PlotOptions& options) {
  std::vector<PlotFile> files;
  absl::Status st = WritePlots(PlotDataFromCompare(result), options, dir, &files);
  if (written) {
    for (const PlotFile& f : files) {
      written->push_back(f.png);
      written->push_back(f.svg);
    }
  }
  return st;
}

PlotData MergePlotData(std::vector<std::pair<std::string, PlotData>> files) {
  if (files.size() == 1) return std::move(files.front().second);
  std::map<std::string, int> uses;
  for (const auto& [name, d] : files) {
    for (const PlotRun& r : d.runs) ++uses[r.spec];
  }
  PlotData out;
  std::map<std::string*, std::vector<std::string>> seen;
  auto join = [&seen](std::string* to, const std::string& v) {
    std::vector<std::string>& values = seen[to];
    if (std::find(values.begin(), values.end(), v) != values.end()) return;
    values.push_back(v);
    *to = to->empty() ? v : absl::StrCat(*to, ", ", v);
  };
  for (auto& [name, d] : files) {
    if (out.mode.empty()) {
      out.mode = d.mode;
      out.depth = d.depth;
    }
    join(&out.trace, d.trace);
    join(&out.disk, d.disk);
    out.capacity_sectors = std::max(out.capacity_sectors, d.capacity_sectors);
    for (PlotRun& r : d.runs) {
      if (uses[r.spec] > 1) r.spec = absl::StrCat(r.spec, " [", name, "]");
      out.runs.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace iosched
