// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The fragmentation sweep of Love's chapter 4 on a simulated disk, shared
// by `iosched fsbench` and `iosched compare --fs-tree` (one experiment, two
// front ends): lay out a directory tree (fs_layout.h) at each fragmentation
// level and read every file in each order (random, path, inode, physical,
// physical-first), every request queued at once.
//
// Outputs:
//   table  one row per fragmentation level, one column per order: total
//          seconds to read every file (lower is better);
//   CSV    header "fragmentation,extents_per_file,order,elevator,requests,
//          total_s,seek_s,rotation_s,transfer_s,mb_s,seek_mean_sectors,
//          cache_hits", one row per (level, order);
//   JSON   {"experiment": "fs-tree", "disk": …, "files": …, …,
//           "points": [{"fragmentation": …, "extents_per_file": …,
//                       "runs": [{"order": …, "elevator": …, "total_s": …, …}]}]}
//          (keys are only ever added);
//   plot   DIR/STEM.png and DIR/STEM.svg (gnuplot_draw.h): x fragmentation,
//          y total time, one line per order.
//
// Units: sizes in KiB where a name says _kb; times in the outputs in
// seconds. Deterministic for a given seed.
// Thread-safety: reentrant; a run touches only its own layouts and disks.

#ifndef IOSCHED_TOOLS_FS_SWEEP_H_
#define IOSCHED_TOOLS_FS_SWEEP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/fs_layout.h"

namespace iosched {

struct FsSweepOptions {
  std::string disk = "hp-c2247a";  // preset (see `iosched disks`)
  // A DiskSim 4.0 parameter file to use instead of the preset (compare
  // --parv); a bad file is a runtime error.
  std::string parv;
  std::vector<double> fragmentation = {0, 0.25, 0.5, 0.75, 1};  // each in [0, 1]
  std::vector<FsOrder> orders = {FsOrder::kRandom, FsOrder::kPath, FsOrder::kInode,
                                 FsOrder::kPhysical};
  uint32_t files = 2000, dirs = 100, fanout = 8;
  uint64_t min_file_kb = 4, max_file_kb = 256;
  uint32_t request_kb = 64;  // the application's read size
  uint32_t depth = 1;        // units in flight at the device
  uint32_t jump_groups = 0;  // 0: a fragmenting allocation lands anywhere
  uint64_t seed = 1;         // layout and random order
};

struct FsSweepPoint {
  double fragmentation = 0;
  double extents_per_file = 0;
  std::vector<FsWorkloadResult> runs;  // one per order, in options.orders order
};

struct FsSweepResult {
  FsSweepOptions options;
  std::string disk;  // preset name, or the imported drive's model name
  uint64_t total_bytes = 0;
  std::vector<FsSweepPoint> points;  // one per level, in options order
  // --parv: parameters the DiskSim import does not model, one line each.
  std::vector<std::string> disk_warnings;
};

// Parses "0,0.25,1": numbers in [0, 1]. InvalidArgument quotes the bad
// entry; `flag` names the option in the message.
absl::StatusOr<std::vector<double>> ParseFragmentationList(
    const std::string& list, const std::string& flag = "--fragmentation");

// Runs every (level, order). InvalidArgument is a usage error: an unknown
// disk preset, a level outside [0, 1], no level or order, a tree that does
// not fit the disk. Anything else is a runtime error: the --parv file
// (missing: NotFound; malformed: FailedPrecondition), a lost request.
absl::StatusOr<FsSweepResult> RunFsSweep(const FsSweepOptions& options);

// One line describing the setup: "2000 files (133.6 MB) in 100 directories
// on hp-c2247a, 64 KiB reads, every request queued at once".
std::string FsSweepTitle(const FsSweepResult& r);

// `command` starts the table's first line ("fsbench", "compare --fs-tree").
std::string FormatFsSweepTable(const FsSweepResult& r, const std::string& command);
std::string FormatFsSweepCsv(const FsSweepResult& r);
std::string FormatFsSweepJson(const FsSweepResult& r);

// Writes DIR/STEM.png and DIR/STEM.svg (creating DIR) and appends their
// paths to `written`. FailedPrecondition without gnuplot.
absl::Status WriteFsSweepPlot(const FsSweepResult& r, const std::string& dir,
                              const std::string& stem, std::vector<std::string>* written);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_FS_SWEEP_H_
