// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// What every iosched plot shares: gnuplot string quoting and one function
// that draws a plot as PNG (pngcairo) and SVG with the house style (size,
// font, grid, borders) and checks that both files are complete.
//
// gnuplot runs as a child process per terminal (gnuplot-iostream); its
// stderr goes to DIR/.gnuplot-STEM.txt, named in the error when a file is
// not written and removed on success.
//
// Thread-safety: functions are reentrant; two calls must not draw the same
// DIR/STEM at once.

#ifndef IOSCHED_TOOLS_GNUPLOT_DRAW_H_
#define IOSCHED_TOOLS_GNUPLOT_DRAW_H_

#include <gnuplot-iostream.h>

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace iosched {

inline constexpr int kPlotWidth = 1280;  // pixels (PNG) or SVG units
inline constexpr int kPlotHeight = 800;
inline constexpr const char* kPlotFont = "DejaVu Sans,16";

// Whether a `gnuplot` program is on PATH.
bool HaveGnuplot();

// Before drawing into `dir`: FailedPrecondition when gnuplot is not on PATH
// ("gnuplot not found: install the Debian package gnuplot-nox …"), else
// creates `dir` (PermissionDenied naming it when that fails).
absl::Status PreparePlotDir(const std::string& dir);

// A gnuplot single-quoted string (no escapes; newlines dropped).
std::string GnuplotQuote(const std::string& s);
// A gnuplot double-quoted string: "\n" starts a new line.
std::string GnuplotDQuote(const std::string& s);
// A /bin/sh single-quoted word.
std::string ShellQuote(const std::string& s);

// Draws DIR/STEM.png then DIR/STEM.svg, `height` pixels high: sets the
// terminal, output, PS (point-size scale: 1 for PNG, 0.5 for SVG, whose
// points are drawn twice as large), grid, border and title font, then
// calls `body` for the plot commands and data. InternalError naming the
// file and gnuplot's first message when a file is missing or truncated.
absl::Status DrawPngAndSvg(const std::string& dir, const std::string& stem, int height,
                           const std::function<void(Gnuplot&)>& body);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_GNUPLOT_DRAW_H_
