// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched report TRACE [compare options] --out DIR`: runs the comparison
// and writes report.html (self-contained), report.md, compare.json,
// compare.csv and the plots (report.h).

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "compare.h"
#include "iosched/registry.h"
#include "plot.h"
#include "progress.h"
#include "report.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct ReportFlags {
  CompareOptions options;
  std::string mode = "open", fit = "error", elevators, out, window;
  bool quiet = false;
  TraceFlags trace;  // shared trace reading options and transforms
};

int RunReportCommand(ReportFlags& f) {
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
  ReportOptions ro;
  ro.out_dir = f.out;
  if (!f.window.empty()) {
    if (absl::Status st = ParseWindow(f.window, &ro.plot); !st.ok()) {
      return Fail(kExitUsage, std::string(st.message()));
    }
  }
  if (absl::Status st = ValidateCompare(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  absl::StatusOr<CompareResult> r;
  {
    std::unique_ptr<CompareProgress> progress = CompareProgress::Attach(&o, f.quiet);
    r = RunCompare(o);
  }
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  r->options.on_progress = nullptr;  // the bar is gone
  for (const std::string& w : r->disk_warnings) {
    std::fprintf(stderr, "iosched: warning: %s\n", w.c_str());
  }

  const std::vector<std::string> args = ProcessArguments();
  ro.command_line =
      args.empty() ? "iosched report " + o.trace + " --out " + f.out : ShellJoin(args);
  std::error_code ec;
  ro.working_dir = std::filesystem::current_path(ec).string();
  ReportFiles files;
  if (absl::Status st = WriteReport(*r, ro, &files); !st.ok()) {
    return Fail(kExitRuntime, std::string(st.message()));
  }
  std::cout << FormatCompareTable(*r);
  std::cout.flush();
  if (!f.quiet) {
    for (const std::string& n : files.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
    std::fprintf(stderr, "wrote %s\nwrote %s\n", files.html.c_str(), files.md.c_str());
    std::fprintf(stderr, "wrote %s, %s and %zu plots (PNG and SVG) in %s\n", "compare.json",
                 "compare.csv", files.plots.size(), f.out.c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupReport(CLI::App& app) {
  auto f = std::make_shared<ReportFlags>();
  CompareOptions& co = f->options;
  CLI::App* cmd = app.add_subcommand(
      "report", "Compare elevators on a trace and write report.html and report.md with plots");
  cmd->add_option("trace", co.trace, "Trace file")->required();
  cmd->add_option("--out", f->out, "Directory for the report (created if missing)")->required();
  CLI::Option* disk_opt = cmd->add_option("--disk", co.disk, "Disk preset (see `iosched disks`)")
                              ->capture_default_str();
  cmd->add_option("--parv", co.parv,
                  "DiskSim 4.0 parameter file: use the drive it describes instead of a preset")
      ->excludes(disk_opt);
  cmd->add_option("--elevators", f->elevators,
                  "Comma-separated elevator specs, e.g. noop,deadline:fifo_batch=8 "
                  "(default: all)");
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
  cmd->add_option("--head-trace-limit", co.replay.head_trace_limit,
                  "Issued units kept per elevator for the head-position plot (16 bytes each)")
      ->capture_default_str();
  cmd->add_option("--window", f->window,
                  "Head-position time window START:END in simulated seconds (e.g. 2:5, 10:)");
  cmd->add_flag("--quiet,-q", f->quiet, "No progress bar and no list of files written");
  AddTraceOptions(cmd, &f->trace, {.time_scale = false, .max_records = false});
  return {cmd, [f] { return RunReportCommand(*f); }};
}

}  // namespace iosched
