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

namespace iosched {
namespace {

constexpr int kWidth = 1280;
constexpr int kHeight = 800;
constexpr const char* kFont = "DejaVu Sans,16";
constexpr int kCdfPoints = 2000;

bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "''";
    } else if (c != '\n') {
      out += c;
    }
  }
  return out + "'";
}

std::string DQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool Complete(const std::string& path, bool png) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  if (png) {
    return s.size() > 8 && s.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 &&
           s.find("IEND") != std::string::npos;
  }
  const size_t end = s.find_last_not_of(" \r\n\t");
  return end != std::string::npos && end >= 5 && s.compare(end - 5, 6, "</svg>") == 0;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") != std::string::npos) return line;
  }
  return "no message";
}

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
  if (!HaveGnuplot()) {
    return absl::FailedPreconditionError("gnuplot is not installed; cannot write plots");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  const auto sim = Cdf(r.simulated);
  const auto real = Cdf(r.measured);
  const std::string title = absl::StrFormat(
      "Access-time CDF: simulated vs measured\n%s on %s (%llu requests)\nmean %.3f ms "
      "simulated, %.3f ms measured; RMS of the quantile difference %.3f ms",
      std::filesystem::path(info.trace).filename().string(), info.disk,
      static_cast<unsigned long long>(r.requests), r.sim_mean_ms, r.real_mean_ms, r.rms_ms);
  double hi = 0;
  if (!sim.empty()) hi = std::max(hi, sim.back().first);
  if (!real.empty()) hi = std::max(hi, real.back().first);
  const std::string errors = dir + "/.gnuplot-validate_cdf.txt";
  for (const bool png : {true, false}) {
    const std::string path = absl::StrCat(dir, "/validate_cdf", png ? ".png" : ".svg");
    std::remove(path.c_str());
    {
      Gnuplot gp("gnuplot 2>" + ShellQuote(errors));
      gp << "set encoding utf8\n";
      if (png) {
        gp << "set terminal pngcairo size " << kWidth << "," << kHeight << " enhanced font '"
           << kFont << "' noenhanced linewidth 1.5\n";
      } else {
        gp << "set terminal svg size " << kWidth << "," << kHeight << " dynamic font '" << kFont
           << "' noenhanced linewidth 1.5 background '#ffffff'\n";
      }
      gp << "set output " << Quote(path) << "\n";
      gp << "set grid lc rgb '#d8d8d8'\nset border 3 lc rgb '#444444'\nset tics nomirror\n";
      gp << "set title font ',18'\n";
      gp << "set title " << DQuote(title) << "\n";
      gp << "set xlabel 'access time (ms): issue to completion'\n";
      gp << "set ylabel 'fraction of requests with access time <= x'\n";
      gp << "set yrange [0:1.02]\nset ytics 0,0.1,1\n";
      if (hi > 0) gp << "set xrange [0:" << hi * 1.02 << "]\n";
      gp << "set key right bottom box lc rgb '#cccccc'\n";
      gp << "plot '-' using 1:2 with lines lw 2.5 lc rgb '#1f77b4' title 'measured (trace)', "
            "'-' using 1:2 with lines lw 2 dt 2 lc rgb '#d62728' title 'simulated (iosched)'\n";
      gp.send1d(real);
      gp.send1d(sim);
      gp << "set output\n";
    }
    if (!Complete(path, png)) {
      return absl::InternalError(absl::StrCat("gnuplot did not write ", path, ": ",
                                              FirstLine(errors), " (see ", errors, ")"));
    }
    if (written) written->push_back(path);
  }
  std::remove(errors.c_str());
  return absl::OkStatus();
}

}  // namespace iosched
