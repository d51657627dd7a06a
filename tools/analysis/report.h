// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched report`: one comparison written as documents a person can attach
// as they are. Into the output directory:
//
//   report.html   self-contained: tables and every plot as inline SVG, CSS
//                 inline; no scripts, no external resources, no URLs at all.
//                 Its size does not grow with the trace: time series have at
//                 most Timeline::kMaxBins points and the head position is
//                 drawn at screen resolution (plot.h), so 8 elevators on
//                 1 M requests stay under 1.5 MB
//   report.md     the same tables, plots as links to the PNG files beside it
//   compare.json  FormatCompareJson (machine-readable; `iosched plot` input)
//   compare.csv   FormatCompareCsv
//   *.png, *.svg  the plots of plot.h
//
// Sections: how to reproduce (the exact command line and the directory it
// ran in), trace summary, disk model, replay settings, results, reads and
// writes, streams (when there are several: one table of MB/s and one of
// mean latency, a column per elevator), elevator counters (rows that are
// zero for every elevator left out, and named in a note), elevator
// settings (every tunable from Elevator::Tunables(), values that differ
// from the elevator's default marked), plots.
//
// Elevators with identical results (IdenticalGroups, plot.h) share one row
// of the results tables and one column of the streams tables, labelled
// "inode = physical = fibmap". With one stream the fairness column (always
// 1) is left out. Tables are laid out to fit a 1280-px window.
//
// When gnuplot is missing the documents are still written, without plots,
// and the reason is in ReportFiles::notes and in the documents.
//
// Thread-safety: reentrant; runs gnuplot processes (plot.h).

#ifndef IOSCHED_TOOLS_REPORT_H_
#define IOSCHED_TOOLS_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "compare.h"
#include "plot.h"

namespace iosched {

struct ReportOptions {
  std::string out_dir;
  // The command line that reproduces the report, shell-quoted, shown as is
  // (ShellJoin), and the directory it was run from ("" to leave out).
  std::string command_line;
  std::string working_dir;
  PlotOptions plot;
};

struct ReportFiles {
  std::string html, md, json, csv;
  std::vector<PlotFile> plots;
  std::vector<std::string> notes;  // plots skipped, and why
};

// Writes the files above. Errors: the directory or a file cannot be written
// (the message names the path), or gnuplot failed while present.
absl::Status WriteReport(const CompareResult& result, const ReportOptions& options,
                         ReportFiles* files = nullptr);

// Building blocks, exposed for tests.

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view s);

// Makes a gnuplot SVG document embeddable in an HTML page: drops the XML
// prolog and the namespace declarations (their URLs), sets a fluid size,
// puts `title` in the SVG's <title>, and prefixes every id (and every
// reference to one) with `id_prefix` so several SVGs can share a page.
std::string InlineSvg(std::string_view svg, std::string_view id_prefix, std::string_view title);

// Joins arguments into a command line a POSIX shell reads back as the same
// arguments (single quotes where needed).
std::string ShellJoin(const std::vector<std::string>& args);

// This process's arguments (from /proc/self/cmdline); empty if unavailable.
std::vector<std::string> ProcessArguments();

}  // namespace iosched

#endif  // IOSCHED_TOOLS_REPORT_H_
