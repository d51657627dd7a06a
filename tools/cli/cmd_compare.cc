// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched compare TRACE …`: one trace, several elevators, one disk model.
// `iosched compare --fs-tree …`: the simulated file-tree experiment of
// Love's chapter 4 (fs_sweep.h, the same as `iosched fsbench`): path vs
// inode vs physical order against fragmentation; no trace.

#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "cmd_compare_flags.h"
#include "cmd_fs_tree_flags.h"
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
  bool fs_tree = false;
  FsTreeFlags tree;  // shared with `iosched fsbench`
  CLI::App* cmd = nullptr;
  // The options that mean something with --fs-tree; any other given with it
  // is a usage error rather than silently ignored.
  std::set<const CLI::Option*> fs_tree_options;
};

int RunFsTreeCompare(CompareCommandFlags& cf) {
  const CompareOptions& co = cf.common.options;
  if (!co.trace.empty()) {
    return Fail(kExitUsage,
                absl::StrCat("compare --fs-tree simulates its own file tree and reads no trace; "
                             "drop '",
                             co.trace, "' or --fs-tree"));
  }
  for (const CLI::Option* opt : cf.cmd->get_options()) {
    if (opt->count() > 0 && !cf.fs_tree_options.count(opt)) {
      return Fail(kExitUsage,
                  absl::StrCat(opt->get_name(), " does not apply to --fs-tree (no trace)"));
    }
  }
  FsTreeFlags& tree = cf.tree;
  std::string order_flag = "--order";
  if (!cf.common.elevators.empty()) {
    if (cf.cmd->get_option("--order")->count() > 0) {
      return Fail(kExitUsage, "give the orders with --order or --elevators, not both");
    }
    tree.orders = cf.common.elevators;  // with --fs-tree the "elevators" are the orders
    order_flag = "--elevators";
  }
  if (absl::Status st = ResolveFsTreeFlags(&tree, order_flag); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  if (co.replay.depth == 0 || co.replay.depth > 4096) {
    return Fail(kExitUsage, absl::StrCat("--depth must be in [1, 4096], got ", co.replay.depth));
  }
  tree.options.disk = co.disk;
  tree.options.parv = co.parv;
  tree.options.depth = co.replay.depth;
  return RunFsTree(tree.options, {.command = "compare --fs-tree",
                                  .format = cf.format,
                                  .plot_dir = cf.plot_dir,
                                  .plot_stem = "fs_tree"});
}

int RunCompareCommand(CompareCommandFlags& cf) {
  if (cf.fs_tree) return RunFsTreeCompare(cf);
  CompareFlags& f = cf.common;
  if (f.options.trace.empty()) {
    return Fail(kExitUsage,
                "compare: give a TRACE to replay (or --fs-tree for the simulated file-tree "
                "experiment)");
  }
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
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Replay one trace through several elevators on a disk model, or (--fs-tree) read a "
      "simulated file tree in path, inode and physical order against fragmentation");
  f->cmd = cmd;
  AddCompareFlags(cmd, &f->common);
  cmd->get_option("trace")->required(false);  // not with --fs-tree; checked when run
  CLI::Option* fs_tree = cmd->add_flag(
      "--fs-tree", f->fs_tree,
      "No trace: lay out a file tree on the disk at each --fragmentation level and read every "
      "file in each --order (--elevators), every request queued at once (as `iosched fsbench`)");
  std::vector<CLI::Option*> tree_options = AddFsTreeFlags(cmd, &f->tree);
  for (CLI::Option* opt : tree_options) opt->needs(fs_tree);
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--plot", f->plot_dir,
                  "Write PNG and SVG plots into this directory (--fs-tree: fs_tree.png and "
                  "fs_tree.svg)");
  f->fs_tree_options.insert(tree_options.begin(), tree_options.end());
  for (const char* name : {"--fs-tree", "--disk", "--parv", "--elevators", "--depth", "--quiet",
                           "--format", "--plot"}) {
    f->fs_tree_options.insert(cmd->get_option(name));
  }
  return {cmd, [f] { return RunCompareCommand(*f); }};
}

}  // namespace iosched
