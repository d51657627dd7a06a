// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "gnuplot_draw.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace iosched {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") != std::string::npos) return line;
  }
  return "no message";
}

// True when `path` is a complete PNG (signature and IEND chunk) or SVG
// (ends with </svg>).
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

}  // namespace

bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

absl::Status PreparePlotDir(const std::string& dir) {
  if (!HaveGnuplot()) {
    return absl::FailedPreconditionError(
        "gnuplot not found: install the Debian package gnuplot-nox to write plots");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(dir, ": ", ec.message()));
  return absl::OkStatus();
}

std::string GnuplotQuote(const std::string& s) {
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

std::string GnuplotDQuote(const std::string& s) {
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

absl::Status DrawPngAndSvg(const std::string& dir, const std::string& stem, int height,
                           const std::function<void(Gnuplot&)>& body) {
  const std::string errors = dir + "/.gnuplot-" + stem + ".txt";
  for (const bool png : {true, false}) {
    const std::string path = absl::StrCat(dir, "/", stem, png ? ".png" : ".svg");
    std::remove(path.c_str());
    {
      Gnuplot gp("gnuplot 2>" + ShellQuote(errors));
      gp << "set encoding utf8\n";
      if (png) {
        gp << "set terminal pngcairo size " << kPlotWidth << "," << height << " enhanced font '"
           << kPlotFont << "' noenhanced linewidth 1.5\n";
      } else {
        gp << "set terminal svg size " << kPlotWidth << "," << height << " dynamic font '"
           << kPlotFont << "' noenhanced linewidth 1.5 background '#ffffff'\n";
      }
      gp << "set output " << GnuplotQuote(path) << "\n";
      gp << "PS = " << (png ? "1.0" : "0.5") << "\n";
      gp << "set grid lc rgb '#d8d8d8'\nset border 3 lc rgb '#444444'\nset tics nomirror\n";
      gp << "set title font ',18'\n";
      body(gp);
      gp << "set output\n";
    }  // pclose waits for gnuplot
    if (!Complete(path, png)) {
      return absl::InternalError(absl::StrCat("gnuplot did not write ", path, ": ",
                                              FirstLine(errors), " (see ", errors, ")"));
    }
  }
  std::remove(errors.c_str());
  return absl::OkStatus();
}

}  // namespace iosched
