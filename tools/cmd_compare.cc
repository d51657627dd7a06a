// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched compare TRACE …`: one trace, several elevators, one disk model.

#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "compare.h"
#include "iosched/registry.h"
#include "plot.h"
#include "progress.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct CompareFlags {
  CompareOptions options;
  std::string format = "table", mode = "open", fit = "error", elevators, plot_dir;
  std::string window;  // --window START:END for the head-position plot
  bool quiet = false;  // --quiet: no progress bar
  TraceFlags trace;    // shared trace reading options and transforms
};

int RunCompareCommand(CompareFlags& f) {
  CompareOptions& o = f.options;
  o.replay.mode = f.mode == "closed"  ? ReplayMode::kClosed
                  : f.mode == "batch" ? ReplayMode::kBatch
                                      : ReplayMode::kOpen;
  o.replay.fit = f.fit == "wrap"    ? FitPolicy::kWrap
                 : f.fit == "scale" ? FitPolicy::kScale
                                    : FitPolicy::kError;
  if (!f.elevators.empty()) o.elevators = SplitElevatorList(f.elevators);
  if (absl::Status st = BuildTraceOptions(f.trace, &o.read, &o.transform); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  o.trace_format = f.trace.trace_format;
  o.merge = f.trace.merge;
  if (absl::Status st = ValidateCompare(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  PlotOptions plot_options;
  if (!f.window.empty()) {
    if (absl::Status st = ParseWindow(f.window, &plot_options); !st.ok()) {
      return Fail(kExitUsage, std::string(st.message()));
    }
  }
  std::unique_ptr<CompareProgress> progress = CompareProgress::Attach(&o, f.quiet);
  absl::StatusOr<CompareResult> r = RunCompare(o);
  progress.reset();  // erases the bar before any output
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  for (const std::string& w : r->disk_warnings) {
    std::fprintf(stderr, "iosched: warning: %s\n", w.c_str());
  }
  if (f.format == "json") {
    std::cout << FormatCompareJson(*r);
  } else if (f.format == "csv") {
    std::cout << FormatCompareCsv(*r);
  } else {
    std::cout << FormatCompareTable(*r);
  }
  std::cout.flush();
  if (!f.plot_dir.empty()) {
    std::vector<std::string> files;
    if (absl::Status st = WriteComparePlots(*r, f.plot_dir, &files, plot_options); !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& file : files) std::fprintf(stderr, "wrote %s\n", file.c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupCompare(CLI::App& app) {
  auto f = std::make_shared<CompareFlags>();
  CompareOptions& co = f->options;
  CLI::App* cmd =
      app.add_subcommand("compare", "Replay one trace through several elevators on a disk model");
  cmd->add_option("trace", co.trace, "Trace file")->required();
  CLI::Option* disk_opt = cmd->add_option("--disk", co.disk, "Disk preset (see `iosched disks`)")
                              ->capture_default_str();
  cmd->add_option("--parv", co.parv,
                  "DiskSim 4.0 parameter file: use the drive it describes instead of a preset")
      ->excludes(disk_opt);
  cmd->add_option("--elevators", f->elevators,
                  "Comma-separated elevator specs, e.g. noop,deadline:fifo_batch=8 "
                  "(default: all)");
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--mode", f->mode, "Replay mode")
      ->check(CLI::IsMember({"open", "closed", "batch"}))
      ->capture_default_str();
  cmd->add_option("--time-scale", co.replay.time_scale,
                  "Multiplies trace times (arrivals, think times)")
      ->capture_default_str();
  cmd->add_option("--depth", co.replay.depth, "Units in flight at the device")
      ->capture_default_str();
  cmd->add_option("--fit", f->fit, "Records beyond the disk: error, wrap or scale")
      ->check(CLI::IsMember({"error", "wrap", "scale"}))
      ->capture_default_str();
  cmd->add_option("--max-requests", co.replay.max_requests,
                  "Replay only the first N records (0: all)");
  cmd->add_option("--plot", f->plot_dir, "Write PNG and SVG plots into this directory");
  cmd->add_option("--window", f->window,
                  "With --plot: head-position time window START:END in simulated seconds");
  cmd->add_flag("--quiet,-q", f->quiet, "No progress bar (it is only drawn on a terminal)");
  AddTraceOptions(cmd, &f->trace, {.time_scale = false, .max_records = false});
  return {cmd, [f] { return RunCompareCommand(*f); }};
}

}  // namespace iosched
