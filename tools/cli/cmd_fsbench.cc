// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched fsbench`: the simulated version of the chapter's question. Lays
// out a directory tree on a simulated disk (fs_layout.h) at several
// fragmentation levels and reads every file in each order (random, path,
// inode, physical, physical-first), every request queued at once. The
// experiment itself is fs_sweep.h, shared with `iosched compare --fs-tree`.
//
// Output: a table of total times (seconds) per fragmentation and order, CSV
// with one row per (fragmentation, order), or JSON; --plot DIR writes
// fsbench.png and fsbench.svg (x: fragmentation, y: total time, one line per
// order).

#include <memory>
#include <string>

#include "cmd_fs_tree_flags.h"
#include "commands.h"

namespace iosched {
namespace {

struct FsbenchFlags {
  FsTreeFlags tree;
  std::string format = "table";
  std::string plot_dir;
};

int RunFsbench(FsbenchFlags& f) {
  if (absl::Status st = ResolveFsTreeFlags(&f.tree); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  return RunFsTree(
      f.tree.options,
      {.command = "fsbench", .format = f.format, .plot_dir = f.plot_dir, .plot_stem = "fsbench"});
}

}  // namespace

Command SetupFsbench(CLI::App& app) {
  auto f = std::make_shared<FsbenchFlags>();
  FsSweepOptions& o = f->tree.options;
  CLI::App* cmd = app.add_subcommand(
      "fsbench",
      "Simulate reading every file of a tree in random, path, inode or physical order "
      "against fragmentation (the same experiment as `compare --fs-tree`)");
  cmd->add_option("--disk", o.disk, "Disk preset (see `iosched disks`)")->capture_default_str();
  AddFsTreeFlags(cmd, &f->tree);
  cmd->add_option("--depth", o.depth, "Units in flight at the device")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--plot", f->plot_dir, "Write fsbench.png and fsbench.svg into this directory");
  return {cmd, [f] { return RunFsbench(*f); }};
}

}  // namespace iosched
