// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched compare TRACE …`: one trace, several elevators, one disk model.

#include <cstdio>
#include <iostream>
#include <memory>

#include "cmd_compare_flags.h"
#include "commands.h"
#include "compare.h"
#include "iosched/registry.h"
#include "plot.h"
#include "progress.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct CompareCommandFlags {
  CompareFlags common;  // shared with `iosched report`
  std::string format = "table", plot_dir;
};

int RunCompareCommand(CompareCommandFlags& cf) {
  CompareFlags& f = cf.common;
  if (absl::Status st = ResolveCompareFlags(&f); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  CompareOptions& o = f.options;
  std::unique_ptr<CompareProgress> progress = CompareProgress::Attach(&o, f.quiet);
  absl::StatusOr<CompareResult> r = RunCompare(o);
  progress.reset();  // erases the bar before any output
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  for (const std::string& w : CompareWarnings(*r)) {
    std::fprintf(stderr, "iosched: warning: %s\n", w.c_str());
  }
  if (cf.format == "json") {
    std::cout << FormatCompareJson(*r);
  } else if (cf.format == "csv") {
    std::cout << FormatCompareCsv(*r);
  } else {
    std::cout << FormatCompareTable(*r);
  }
  std::cout.flush();
  if (!cf.plot_dir.empty()) {
    std::vector<std::string> files;
    if (absl::Status st = WriteComparePlots(*r, cf.plot_dir, &files, f.plot); !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& file : files) std::fprintf(stderr, "wrote %s\n", file.c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupCompare(CLI::App& app) {
  auto f = std::make_shared<CompareCommandFlags>();
  CLI::App* cmd =
      app.add_subcommand("compare", "Replay one trace through several elevators on a disk model");
  AddCompareFlags(cmd, &f->common);
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--plot", f->plot_dir, "Write PNG and SVG plots into this directory");
  return {cmd, [f] { return RunCompareCommand(*f); }};
}

}  // namespace iosched
