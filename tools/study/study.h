// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Studies: traces × disks × elevator settings × replay settings, described
// by one TOML file, run as independent cells in parallel threads, resumable,
// split into deterministic shards and merged back.
//
// Study file (TOML; paths and globs are relative to the file's folder):
//
//   name = "bundled"                       # optional; default: file stem
//   disks = ["hp-c2247a", "parv:disks/x.parv"]
//   elevators = ["noop", "deadline:fifo_batch=[1,4,16,64]",
//                "cfq:slice_idle=0..16/4"]  # default: every known elevator
//   modes = ["open"]                       # open, closed, batch (default open)
//   depths = [1]                           # default [1]
//   async_writes = [0]                     # closed mode --async-writes
//   baseline = "noop"                      # report: ratios against it
//   metric = "lat_mean_ms"                 # report: ranking metric
//
//   [[trace]]                              # one or more
//   path = "traces/data/*.csv"             # a path or a glob (must match)
//   format = "auto"; fit = "scale"; time_scale = 0.05; max_requests = 1000
//   sort_window = 0; skip_bad_lines = false
//
//   [[workload]]                           # generated traces (trace_generator.h)
//   scenario = "random-readers"; seeds = [1, 2]; requests = 2000
//   streams = 4; fit = "error"; time_scale = 1.0
//
// Sweeps: in an elevator spec a tunable value may be a list "[a,b,c]" or an
// integer range "lo..hi" or "lo..hi/step" (inclusive, step > 0); several
// swept tunables give their cartesian product. Every expanded spec is
// built once with MakeElevator while parsing.
//
// A cell is one (trace or workload seed) × disk × expanded spec × mode ×
// depth × async_writes, in that nesting order (the plan order). Its id is
// "trace=T|disk=D|elevator=S|mode=M|depth=N|async_writes=A" with T, D as
// written in the study (after glob expansion); its key is the first 16 hex
// digits of the SHA-256 of the id, and its result file is DIR/cells/KEY.json.
//
// Errors in the study file are InvalidArgument "FILE:LINE:COL: what was
// expected", found before any cell runs.
//
// Thread-safety: the functions are reentrant. RunStudy uses `jobs` worker
// threads of its own; two processes may share a cache folder (files there
// are written to a temporary name and renamed) but not an output folder.

#ifndef IOSCHED_TOOLS_STUDY_H_
#define IOSCHED_TOOLS_STUDY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/replay.h"
#include "iosched/trace_generator.h"
#include "result_meta.h"

namespace iosched {

inline constexpr int kStudySchemaVersion = kResultSchemaVersion;

// One trace file or one seed of a generated workload, with its transforms.
struct StudyInput {
  std::string label;     // as in the study: relative path, or "gen:SCENARIO:seed=N"
  std::string path;      // file: path to open ("" for a workload)
  std::string scenario;  // workload: scenario name ("" for a file)
  GeneratorOptions gen;  // workload options (gen.seed is the seed)
  std::string format = "auto";
  bool skip_bad_lines = false;
  FitPolicy fit = FitPolicy::kError;
  double time_scale = 1.0;
  uint64_t max_requests = 0;
  uint32_t sort_window = 0;
  int line = 0;  // where the study names it
};

struct StudyDisk {
  std::string label;  // "hp-c2247a" or "parv:PATH" as written
  std::string preset;
  std::string parv;  // resolved path
};

// One expanded elevator spec, with the sweep it came from.
struct StudySpec {
  std::string spec;      // "deadline:fifo_batch=16"
  std::string pattern;   // as written: "deadline:fifo_batch=[1,4,16,64]"
  std::vector<std::pair<std::string, std::string>> swept;  // (tunable, value)
};

struct StudyCell {
  size_t index = 0;  // position in the plan
  size_t input = 0, disk = 0, spec = 0;
  ReplayMode mode = ReplayMode::kOpen;
  uint32_t depth = 1;
  uint32_t async_writes = 0;
  std::string id, key;
};

struct Study {
  std::string file;    // as given
  std::string text;    // the file's content
  std::string sha256;  // of text
  std::string name, baseline, metric = "lat_mean_ms";
  std::vector<StudyInput> inputs;
  std::vector<StudyDisk> disks;
  std::vector<StudySpec> specs;
  std::vector<ReplayMode> modes;
  std::vector<uint32_t> depths, async_writes;
  std::vector<StudyCell> cells;
};

// Parses and checks a study (see above) and plans its cells. `base_dir`
// resolves relative paths and globs.
absl::StatusOr<Study> ParseStudy(const std::string& text, const std::string& file_name,
                                 const std::string& base_dir);
absl::StatusOr<Study> LoadStudy(const std::string& path);

// Expands one elevator spec pattern (sweeps above). InvalidArgument naming
// the bad list or range.
absl::StatusOr<std::vector<StudySpec>> ExpandSpecPattern(const std::string& pattern);

// A shard "I/N", 1 <= I <= N: cell i belongs to shard (i mod N) + 1.
struct Shard {
  uint32_t index = 1, count = 1;
};
absl::StatusOr<Shard> ParseShard(const std::string& text);
std::vector<size_t> ShardCells(const Study& study, Shard shard);

// One line per cell: "KEY  ID".
std::string FormatStudyPlan(const Study& study, Shard shard = {});

struct StudyRunOptions {
  std::string out_dir;
  std::string cache_dir;  // decoded traces; "" = OUT/cache
  unsigned jobs = 1;
  Shard shard;
  std::vector<std::string> argv;  // recorded in every result
  // Called after each cell, from a worker (serialised): (cells done or
  // skipped so far, cells of this run, the cell).
  std::function<void(size_t done, size_t total, const StudyCell&)> on_cell;
};

struct StudyRunStats {
  size_t cells = 0;    // of this shard
  size_t skipped = 0;  // already finished before this run
  size_t ran = 0;
  size_t decoded = 0;  // traces converted into the cache by this process
};

// Runs the shard's cells that have no result yet. Writes OUT/manifest.json,
// OUT/study.toml (a copy of the study) and OUT/cells/KEY.json, each through
// a temporary file in the same folder, fsync and rename. Refuses an OUT
// that holds a different study. The first failing cell's error is returned
// (other cells still finish and are kept).
absl::StatusOr<StudyRunStats> RunStudy(const Study& study, const StudyRunOptions& options);

// The part of a cell result that must be identical between runs (cell,
// settings, trace, disk, result; not program.argv).
OrderedJson CellResultCore(const OrderedJson& cell);

// Reads a study folder: the manifest and every finished cell (sorted by
// plan index). FailedPrecondition for a folder without manifest.json or with
// another schema version (the message names both versions).
struct StudyFolder {
  OrderedJson manifest;
  std::vector<OrderedJson> cells;
  std::vector<std::string> cell_files;
};
absl::StatusOr<StudyFolder> ReadStudyFolder(const std::string& dir);
bool IsStudyFolder(const std::string& dir);

// Combines shard folders into `out`. Refuses mixed schema versions,
// different studies (hash) and a cell present twice with different results
// (the message names the cell and both folders).
struct MergeStats {
  size_t cells = 0, duplicates = 0, planned = 0;
};
absl::StatusOr<MergeStats> MergeStudies(const std::vector<std::string>& dirs,
                                        const std::string& out, const std::vector<std::string>& argv);

// Writes `data` to `path` atomically: PATH.tmp.PID.N in the same folder,
// fsync, rename, fsync of the folder.
absl::Status WriteFileAtomic(const std::string& path, std::string_view data);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_STUDY_H_
