// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The options of the simulated file-tree experiment (fs_sweep.h) that
// `iosched fsbench` and `iosched compare --fs-tree` share: the tree
// (--files, --dirs, --fanout, --min-file-kb, --max-file-kb), the
// fragmentation levels, the orders, the allocator's reach (--jump-groups),
// the read size and the seed. One definition, so the two commands cannot
// drift apart. Each command registers its own --disk, --depth, --format and
// --plot.

#ifndef IOSCHED_TOOLS_CMD_FS_TREE_FLAGS_H_
#define IOSCHED_TOOLS_CMD_FS_TREE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fs_sweep.h"

namespace iosched {

struct FsTreeFlags {
  FsSweepOptions options;  // the numeric options land here directly
  std::string fragmentation = "0,0.25,0.5,0.75,1";
  std::string orders = "random,path,inode,physical";
};

// Registers the shared options on `cmd` and returns them (compare makes each
// need --fs-tree). The values land in `*f`, which must outlive the parse.
std::vector<CLI::Option*> AddFsTreeFlags(CLI::App* cmd, FsTreeFlags* f);

// Parses --fragmentation and --order into f->options. InvalidArgument names
// the bad entry (and `order_flag`, the option the orders came from): a usage
// error.
absl::Status ResolveFsTreeFlags(FsTreeFlags* f, const std::string& order_flag = "--order");

// What a command prints and draws after the sweep.
struct FsTreeOutput {
  std::string command;           // first words of the table ("fsbench", "compare --fs-tree")
  std::string format = "table";  // table, csv or json
  std::string plot_dir;          // empty: no plot
  std::string plot_stem;         // DIR/STEM.png and DIR/STEM.svg
};

// Runs the sweep, prints the --parv import's warnings on stderr, the result
// on stdout in out.format and, with a plot_dir, draws the plot ("wrote …"
// on stderr). Returns the exit code: usage errors (InvalidArgument from
// RunFsSweep) 2, other failures 1, each one line on stderr.
int RunFsTree(const FsSweepOptions& options, const FsTreeOutput& out);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_CMD_FS_TREE_FLAGS_H_
