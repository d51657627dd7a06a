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

#include "cmd_compare_flags.h"
#include "commands.h"
#include "compare.h"
#include "iosched/registry.h"
#include "plot.h"
#include "progress.h"
#include "report.h"
#include "result_meta.h"
#include "study.h"
#include "study_report.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct ReportFlags {
  CompareFlags common;  // shared with `iosched compare`
  std::string out;
};

int RunReportCommand(ReportFlags& rf) {
  CompareFlags& f = rf.common;
  if (IsStudyFolder(f.options.trace)) {  // `iosched report STUDY_DIR --out DIR`
    StudyReportFiles sf;
    if (absl::Status st = WriteStudyReport(f.options.trace, rf.out, &sf); !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& n : sf.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
    if (!f.quiet) std::fprintf(stderr, "wrote %s\nwrote %s\n", sf.html.c_str(), sf.md.c_str());
    return kExitOk;
  }
  if (absl::Status st = CheckNotResultsFile(f.options.trace); !st.ok()) {
    const bool old = st.code() == absl::StatusCode::kFailedPrecondition;
    return Fail(old ? kExitRuntime : kExitUsage, std::string(st.message()));
  }
  if (absl::Status st = ResolveCompareFlags(&f); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  CompareOptions& o = f.options;
  ReportOptions ro;
  ro.out_dir = rf.out;
  ro.plot = f.plot;
  absl::StatusOr<CompareResult> r;
  {
    std::unique_ptr<CompareProgress> progress = CompareProgress::Attach(&o, f.quiet);
    r = RunCompare(o);
  }
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  r->options.on_progress = nullptr;  // the bar is gone
  for (const std::string& w : CompareWarnings(*r)) {
    std::fprintf(stderr, "iosched: warning: %s\n", w.c_str());
  }

  const std::vector<std::string> args = ProcessArguments();
  ro.command_line =
      args.empty() ? "iosched report " + o.trace + " --output " + rf.out : ShellJoin(args);
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
                 "compare.csv", files.plots.size(), rf.out.c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupReport(CLI::App& app) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Compare elevators on a trace and write report.html and report.md with plots");
  AddCompareFlags(cmd, &f->common);
  cmd->add_option("-o,--output", f->out,
                  "Directory for the report (created if missing; old spelling: --out)")
      ->required();
  cmd->add_flag("--force")->description(
      "Write into an -o folder that holds files iosched did not write");
  cmd->add_option("--head-trace-limit", f->common.options.replay.head_trace_limit,
                  "Issued units kept per elevator for the head-position plot (16 bytes each)")
      ->transform(CountSuffix())
      ->capture_default_str();
  return {cmd, [f] { return RunReportCommand(*f); }};
}

}  // namespace iosched
