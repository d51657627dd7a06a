// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "plot.h"

#include <gnuplot-iostream.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "iosched/histogram.h"

namespace iosched {
namespace {

bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";
    else
      out += c;
  }
  return out + "'";
}

// The two terminals every plot is written with.
struct Terminal {
  const char* ext;
  const char* set;
};
constexpr Terminal kTerminals[] = {
    {"png", "set terminal pngcairo size 1200,750 enhanced font 'DejaVu Sans,13' noenhanced"},
    {"svg", "set terminal svg size 1200,750 dynamic font 'DejaVu Sans,13' noenhanced"},
};

// Runs one gnuplot script per terminal; `body` writes the plot commands and
// data. Returns the files written.
template <typename Body>
absl::Status Draw(const std::string& dir, const std::string& stem, Body body,
                  std::vector<std::string>* written) {
  for (const Terminal& t : kTerminals) {
    const std::string path = dir + "/" + stem + "." + t.ext;
    {
      Gnuplot gp("gnuplot 2>" + dir + "/.gnuplot-errors.txt");
      gp << t.set << "\n";
      gp << "set output " << Quote(path) << "\n";
      gp << "set grid\nset key outside right top\nset border 3\nset tics nomirror\n";
      body(gp);
      gp << "set output\n";
    }  // pclose waits for gnuplot
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || st.st_size == 0) {
      return absl::InternalError(
          absl::StrCat("gnuplot did not write ", path, "; see ", dir, "/.gnuplot-errors.txt"));
    }
    if (written) written->push_back(path);
  }
  std::remove((dir + "/.gnuplot-errors.txt").c_str());
  return absl::OkStatus();
}

// (latency ms, cumulative fraction) points of a histogram, one per
// non-empty bucket.
std::vector<std::pair<double, double>> Cdf(const LatencyHistogram& h) {
  std::vector<std::pair<double, double>> out;
  if (h.count() == 0) return out;
  uint64_t seen = 0;
  for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
    const uint64_t n = h.bucket_count(i);
    if (n == 0) continue;
    seen += n;
    const double ms = static_cast<double>(LatencyHistogram::BucketHigh(i)) / 1e6;
    out.emplace_back(std::max(ms, 1e-4), static_cast<double>(seen) / h.count());
  }
  return out;
}

std::string Title(const CompareResult& r, const std::string& what) {
  return absl::StrCat(what, " - ", std::filesystem::path(r.trace).filename().string(), " on ",
                      r.disk, " (", ModeName(r.options.replay.mode), " loop, depth ",
                      r.options.replay.depth, ")");
}

}  // namespace

std::string ElevatorColor(const std::string& elevator) {
  static const std::map<std::string, std::string> colors = {
      {"noop", "#1b9e77"},         {"linus", "#d95f02"}, {"deadline", "#7570b3"},
      {"anticipatory", "#e7298a"}, {"cfq", "#66a61e"},   {"inode", "#e6ab02"},
      {"physical", "#a6761d"},     {"path", "#666666"},
  };
  auto it = colors.find(elevator);
  return it != colors.end() ? it->second : "#333333";
}

absl::Status WriteComparePlots(const CompareResult& r, const std::string& dir,
                               std::vector<std::string>* written) {
  if (!HaveGnuplot()) {
    return absl::FailedPreconditionError(
        "gnuplot not found: install the Debian package gnuplot-nox to write plots");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(dir, ": ", ec.message()));

  // Latency CDF, one line per elevator (all ops).
  absl::Status st = Draw(
      dir, "latency_cdf",
      [&](Gnuplot& gp) {
        gp << "set title " << Quote(Title(r, "Latency CDF")) << "\n";
        gp << "set xlabel 'latency (ms, log scale)'\nset ylabel 'fraction of requests'\n";
        gp << "set logscale x\nset yrange [0:1.02]\nset key right bottom inside\n";
        gp << "plot ";
        for (size_t i = 0; i < r.runs.size(); ++i) {
          gp << (i ? ", " : "") << "'-' with steps lw 2 lc rgb '"
             << ElevatorColor(r.runs[i].elevator) << "' title " << Quote(r.runs[i].spec);
        }
        gp << "\n";
        for (const CompareRun& run : r.runs) {
          LatencyHistogram all = run.result.latency[0];
          all.Merge(run.result.latency[1]);
          auto pts = Cdf(all);
          if (pts.empty()) pts.emplace_back(1e-4, 0.0);
          gp.send1d(pts);
        }
      },
      written);
  if (!st.ok()) return st;

  // Throughput and p99 side by side.
  st = Draw(
      dir, "throughput_p99",
      [&](Gnuplot& gp) {
        gp << "set multiplot layout 1,2 title " << Quote(Title(r, "Throughput and p99 latency"))
           << "\n";
        gp << "set style fill solid 0.85 border -1\nset boxwidth 0.7\nunset key\n";
        gp << "set xtics rotate by -30\nset yrange [0:*]\n";
        std::vector<std::tuple<int, double, std::string>> mbs, p99;
        for (size_t i = 0; i < r.runs.size(); ++i) {
          mbs.emplace_back(static_cast<int>(i), r.runs[i].result.summary.all.mb_s, r.runs[i].spec);
          p99.emplace_back(static_cast<int>(i), r.runs[i].result.summary.all.lat_p99_ms,
                           r.runs[i].spec);
        }
        auto bars = [&](const char* ylabel, const std::string& title, auto& data) {
          gp << "set title " << Quote(title) << "\nset ylabel " << Quote(ylabel) << "\n";
          gp << "plot ";
          for (size_t i = 0; i < r.runs.size(); ++i) {
            gp << (i ? ", " : "") << "'-' using 1:2:xtic(3) with boxes lc rgb '"
               << ElevatorColor(r.runs[i].elevator) << "'";
          }
          gp << "\n";
          for (size_t i = 0; i < r.runs.size(); ++i) {
            gp.send1d(std::vector<std::tuple<int, double, std::string>>{data[i]});
          }
        };
        bars("MB/s (10^6 bytes per second)", "Throughput (higher is better)", mbs);
        bars("p99 latency (ms)", "p99 latency (lower is better)", p99);
        gp << "unset multiplot\n";
      },
      written);
  if (!st.ok()) return st;

  // Head position over time: one panel per elevator would be tall; overlay
  // with points, first N issues of each run.
  st = Draw(
      dir, "head_position",
      [&](Gnuplot& gp) {
        gp << "set xlabel 'simulated time (s)'\nset ylabel 'sector'\nset format y '%.1s%c'\n";
        gp << "set ytics 4\nset ytics auto\n";
        const size_t n = r.runs.size();
        gp << "set multiplot layout " << n << ",1 title "
           << Quote(Title(r, "Head position (start sector of each issued unit)"))
           << "\nunset key\nunset title\n";
        for (size_t i = 0; i < n; ++i) {
          const CompareRun& run = r.runs[i];
          gp << "set label 1 " << Quote(run.spec) << " at graph 0.01, graph 0.9 front font ',12'\n";
          if (i + 1 < n)
            gp << "set format x ''\nunset xlabel\n";
          else
            gp << "set format x '%g'\nset xlabel 'simulated time (s)'\n";
          gp << "set ylabel 'sector'\n";
          gp << "plot '-' using 1:2 with linespoints pt 7 ps 0.3 lw 0.5 lc rgb '"
             << ElevatorColor(run.elevator) << "'\n";
          std::vector<std::pair<double, double>> pts;
          for (const auto& [t, sector] : run.result.head_trace) {
            pts.emplace_back(static_cast<double>(t.count()) / 1e9, static_cast<double>(sector));
          }
          if (pts.empty()) pts.emplace_back(0, 0);
          gp.send1d(pts);
        }
        gp << "unset multiplot\n";
      },
      written);
  return st;
}

}  // namespace iosched
