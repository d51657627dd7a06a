// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "cmd_fs_tree_flags.h"

#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "trace_options.h"

namespace iosched {

std::vector<CLI::Option*> AddFsTreeFlags(CLI::App* cmd, FsTreeFlags* f) {
  FsSweepOptions& o = f->options;
  return {
      cmd->add_option("--files", o.files, "Files in the tree")
          ->transform(CountSuffix())
          ->check(CLI::Range(1u, 1000000u))
          ->capture_default_str(),
      cmd->add_option("--dirs", o.dirs, "Directories, the root included")
          ->check(CLI::Range(1u, 100000u))
          ->capture_default_str(),
      cmd->add_option("--fanout", o.fanout, "Subdirectories per directory")
          ->check(CLI::Range(1u, 1000u))
          ->capture_default_str(),
      cmd->add_option("--min-file-kb", o.min_file_kb, "Smallest file (KiB; sizes are log-uniform)")
          ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30))
          ->capture_default_str(),
      cmd->add_option("--max-file-kb", o.max_file_kb, "Largest file (KiB)")
          ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30))
          ->capture_default_str(),
      cmd->add_option("--fragmentation", f->fragmentation,
                      "Comma-separated fragmentation levels in [0, 1]")
          ->capture_default_str(),
      cmd->add_option("--order,--orders", f->orders,
                      "Comma-separated orders: random, path, inode, physical, physical-first")
          ->capture_default_str(),
      cmd->add_option("--jump-groups", o.jump_groups,
                      "A fragmenting allocation lands within this many 32 MiB block groups of "
                      "where it was (0: anywhere on the disk)")
          ->check(CLI::Range(0u, 1000000u))
          ->capture_default_str(),
      cmd->add_option("--request-kb", o.request_kb, "Read size of the application (KiB)")
          ->check(CLI::Range(1u, 65536u))
          ->capture_default_str(),
      cmd->add_option("--seed", o.seed, "Seed of the layout and of the random order")
          ->capture_default_str(),
  };
}

absl::Status ResolveFsTreeFlags(FsTreeFlags* f, const std::string& order_flag) {
  absl::StatusOr<std::vector<double>> levels = ParseFragmentationList(f->fragmentation);
  if (!levels.ok()) return levels.status();
  absl::StatusOr<std::vector<FsOrder>> orders = ParseFsOrders(f->orders);
  if (!orders.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(order_flag, ": ", orders.status().message()));
  }
  f->options.fragmentation = *std::move(levels);
  f->options.orders = *std::move(orders);
  return absl::OkStatus();
}

int RunFsTree(const FsSweepOptions& options, const FsTreeOutput& out) {
  absl::StatusOr<FsSweepResult> r = RunFsSweep(options);
  if (!r.ok()) {
    return Fail(r.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitRuntime,
                std::string(r.status().message()));
  }
  for (const std::string& w : r->disk_warnings) {
    std::fprintf(stderr, "iosched: warning: %s\n", w.c_str());
  }
  if (out.format == "json") {
    std::cout << FormatFsSweepJson(*r);
  } else if (out.format == "csv") {
    std::cout << FormatFsSweepCsv(*r);
  } else {
    std::cout << FormatFsSweepTable(*r, out.command);
  }
  std::cout.flush();
  if (!out.plot_dir.empty()) {
    std::vector<std::string> written;
    if (absl::Status st = WriteFsSweepPlot(*r, out.plot_dir, out.plot_stem, &written); !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& w : written) std::fprintf(stderr, "wrote %s\n", w.c_str());
  }
  return kExitOk;
}

}  // namespace iosched
