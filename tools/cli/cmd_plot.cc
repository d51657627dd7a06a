// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched plot RESULTS.json... --out DIR`: the plots of plot.h from
// documents written by `iosched compare --format json` (or `iosched
// report`'s compare.json), without replaying again. Several files are
// merged into one set of plots (plot.h MergePlotData).

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "json_io.h"
#include "plot.h"

namespace iosched {
namespace {

struct PlotFlags {
  std::vector<std::string> results;
  std::string out, window;
};

int RunPlotCommand(const PlotFlags& f) {
  PlotOptions options;
  if (!f.window.empty()) {
    if (absl::Status st = ParseWindow(f.window, &options); !st.ok()) {
      return Fail(kExitUsage, std::string(st.message()));
    }
  }
  std::vector<std::pair<std::string, PlotData>> inputs;
  for (const std::string& path : f.results) {
    // "-": the document on standard input.
    absl::StatusOr<JsonDocument> doc =
        path == "-"
            ? ParseJson(std::string((std::istreambuf_iterator<char>(std::cin)), {}), "<stdin>")
            : ReadJsonFile(path);
    if (!doc.ok()) return Fail(kExitRuntime, std::string(doc.status().message()));
    absl::StatusOr<PlotData> data = PlotDataFromJson(*doc);
    if (!data.ok()) return Fail(kExitRuntime, std::string(data.status().message()));
    inputs.emplace_back(path, std::move(*data));
  }
  const PlotData data = MergePlotData(std::move(inputs));
  std::vector<PlotFile> files;
  std::vector<std::string> notes;
  const absl::Status st = WritePlots(data, options, f.out, &files, &notes);
  for (const PlotFile& p : files) {
    std::fprintf(stderr, "wrote %s\nwrote %s\n", p.png.c_str(), p.svg.c_str());
  }
  for (const std::string& n : notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  if (!st.ok()) return Fail(kExitRuntime, std::string(st.message()));
  return kExitOk;
}

}  // namespace

Command SetupPlot(CLI::App& app) {
  auto f = std::make_shared<PlotFlags>();
  CLI::App* cmd = app.add_subcommand(
      "plot",
      "Draw the plots (PNG and SVG) of one or more comparisons saved with --format json");
  cmd->add_option("results", f->results,
                  "JSON files from `iosched compare --format json` (- for stdin); several are "
                  "merged into one set of plots, runs labelled by file where specs collide")
      ->required();
  cmd->add_option("-o,--output", f->out,
                  "Directory for the plots (created if missing; old spelling: --out)")
      ->required();
  cmd->add_flag("--force")->description("Write into an -o folder that holds files iosched did not write");
  cmd->add_option("--window", f->window,
                  "Head-position time window START:END in simulated seconds (e.g. 2:5, 10:)");
  return {cmd, [f] { return RunPlotCommand(*f); }};
}

}  // namespace iosched
