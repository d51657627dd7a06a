// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// iosched: the command-line front end. Git-style subcommands; `--help`
// everywhere. Exit codes: 0 success, 1 runtime error (unreadable or
// malformed input, a failed run), 2 usage error (unknown option, elevator,
// tunable or disk preset, bad value).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "compare.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/trace.h"
#include "plot.h"

namespace iosched {
namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

int Fail(int code, const std::string& what) {
  std::fprintf(stderr, "iosched: %s\n", what.c_str());
  return code;
}

int RunCompareCommand(CompareOptions& o, const std::string& format, const std::string& plot_dir) {
  if (absl::Status st = ValidateCompare(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  absl::StatusOr<CompareResult> r = RunCompare(o);
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  if (format == "json") {
    std::cout << FormatCompareJson(*r);
  } else if (format == "csv") {
    std::cout << FormatCompareCsv(*r);
  } else {
    std::cout << FormatCompareTable(*r);
  }
  std::cout.flush();
  if (!plot_dir.empty()) {
    std::vector<std::string> files;
    if (absl::Status st = WriteComparePlots(*r, plot_dir, &files); !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& f : files) std::fprintf(stderr, "wrote %s\n", f.c_str());
  }
  return 0;
}

int ListElevators() {
  for (const std::string& name : KnownElevators()) {
    auto e = MakeElevator(name);
    std::cout << name << "\n";
    for (const TunableInfo& t : (*e)->Tunables()) {
      std::printf("  %-22s %8s %-10s %s\n", t.name.c_str(), t.value.c_str(), t.unit.c_str(),
                  t.help.c_str());
    }
  }
  return 0;
}

int ListDisks() {
  for (const DiskPresetInfo& d : KnownDiskPresets()) {
    std::printf("%-14s %s\n", d.name.c_str(), d.description.c_str());
  }
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"iosched: compare I/O elevators on recorded traces and simulated disks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "iosched 0.1.0");

  // compare
  CompareOptions co;
  std::string format = "table", mode = "open", fit = "error", elevators, plot_dir;
  CLI::App* compare =
      app.add_subcommand("compare", "Replay one trace through several elevators on a disk model");
  compare->add_option("trace", co.trace, "Trace file")->required();
  compare->add_option("--disk", co.disk, "Disk preset (see `iosched disks`)")
      ->capture_default_str();
  compare->add_option("--elevators", elevators,
                      "Comma-separated elevator specs, e.g. noop,deadline:fifo_batch=8 "
                      "(default: all)");
  compare->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  compare->add_option("--trace-format", co.trace_format, "Trace format, or auto")
      ->capture_default_str();
  compare->add_option("--mode", mode, "Replay mode")
      ->check(CLI::IsMember({"open", "closed", "batch"}))
      ->capture_default_str();
  compare
      ->add_option("--time-scale", co.replay.time_scale, "Open loop: arrival = trace time x scale")
      ->capture_default_str();
  compare->add_option("--depth", co.replay.depth, "Units in flight at the device")
      ->capture_default_str();
  compare->add_option("--fit", fit, "Records beyond the disk: error, wrap or scale")
      ->check(CLI::IsMember({"error", "wrap", "scale"}))
      ->capture_default_str();
  compare->add_option("--max-requests", co.replay.max_requests,
                      "Replay only the first N records (0: all)");
  compare->add_option("--plot", plot_dir, "Write PNG and SVG plots into this directory");

  CLI::App* list_elevators =
      app.add_subcommand("elevators", "List elevators and their tunables (kernel names)");
  CLI::App* list_disks = app.add_subcommand("disks", "List disk presets");
  CLI::App* list_formats = app.add_subcommand("formats", "List trace formats");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  if (*compare) {
    co.replay.mode = mode == "closed"  ? ReplayMode::kClosed
                     : mode == "batch" ? ReplayMode::kBatch
                                       : ReplayMode::kOpen;
    co.replay.fit = fit == "wrap"    ? FitPolicy::kWrap
                    : fit == "scale" ? FitPolicy::kScale
                                     : FitPolicy::kError;
    if (!elevators.empty()) co.elevators = SplitElevatorList(elevators);
    return RunCompareCommand(co, format, plot_dir);
  }
  if (*list_elevators) return ListElevators();
  if (*list_disks) return ListDisks();
  if (*list_formats) {
    for (const std::string& f : KnownTraceFormats()) std::cout << f << "\n";
    return 0;
  }
  return kExitUsage;
}

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) { return iosched::Main(argc, argv); }
