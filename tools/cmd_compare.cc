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

namespace iosched {
namespace {

struct CompareFlags {
  CompareOptions options;
  std::string format = "table", mode = "open", fit = "error", elevators, plot_dir;
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
  if (absl::Status st = ValidateCompare(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  absl::StatusOr<CompareResult> r = RunCompare(o);
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
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
    if (absl::Status st = WriteComparePlots(*r, f.plot_dir, &files); !st.ok()) {
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
  cmd->add_option("--disk", co.disk, "Disk preset (see `iosched disks`)")->capture_default_str();
  cmd->add_option("--elevators", f->elevators,
                  "Comma-separated elevator specs, e.g. noop,deadline:fifo_batch=8 "
                  "(default: all)");
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--trace-format", co.trace_format, "Trace format, or auto")
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
  return {cmd, [f] { return RunCompareCommand(*f); }};
}

}  // namespace iosched
