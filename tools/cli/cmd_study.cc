// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched study plan FILE [--shard I/N]`
// `iosched study run FILE --out DIR [--jobs N] [--shard I/N] [--cache DIR]`
// `iosched study merge DIR... --out DIR`
// Flags and printing only; the work is in tools/study/study.h.

#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "report.h"
#include "study.h"

namespace iosched {
namespace {

struct StudyFlags {
  std::string file, out, shard = "1/1", cache;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> dirs;
  bool quiet = false;
};

int Plan(const StudyFlags& f) {
  absl::StatusOr<Shard> shard = ParseShard(f.shard);
  if (!shard.ok()) return Fail(kExitUsage, std::string(shard.status().message()));
  absl::StatusOr<Study> s = LoadStudy(f.file);
  if (!s.ok()) return Fail(kExitUsage, std::string(s.status().message()));
  std::cout << FormatStudyPlan(*s, *shard);
  return kExitOk;
}

int Run(const StudyFlags& f) {
  absl::StatusOr<Shard> shard = ParseShard(f.shard);
  if (!shard.ok()) return Fail(kExitUsage, std::string(shard.status().message()));
  absl::StatusOr<Study> s = LoadStudy(f.file);
  if (!s.ok()) return Fail(kExitUsage, std::string(s.status().message()));
  StudyRunOptions o;
  o.out_dir = f.out;
  o.cache_dir = f.cache;
  o.jobs = f.jobs;
  o.shard = *shard;
  o.argv = ProcessArguments();
  if (!f.quiet) {
    o.on_cell = [](size_t done, size_t total, const StudyCell& c) {
      std::fprintf(stderr, "[%zu/%zu] %s\n", done, total, c.id.c_str());
    };
  }
  absl::StatusOr<StudyRunStats> r = RunStudy(*s, o);
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  std::printf("study %s: %zu cells in this shard, %zu already done, %zu run, %zu trace(s) decoded; "
              "results in %s/cells\n",
              s->name.c_str(), r->cells, r->skipped, r->ran, r->decoded, f.out.c_str());
  return kExitOk;
}

int Merge(const StudyFlags& f) {
  absl::StatusOr<MergeStats> r = MergeStudies(f.dirs, f.out, ProcessArguments());
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  std::printf("merged %zu folder(s): %zu cells (%zu duplicates identical) of %zu planned into %s\n",
              f.dirs.size(), r->cells, r->duplicates, r->planned, f.out.c_str());
  return r->cells < r->planned ? kExitRuntime : kExitOk;
}

}  // namespace

Command SetupStudy(CLI::App& app) {
  auto f = std::make_shared<StudyFlags>();
  CLI::App* cmd = app.add_subcommand(
      "study", "Studies: traces x disks x elevator sweeps x modes from a TOML file, in parallel, "
               "resumable, sharded and merged (see README \"Run a study\")");
  cmd->require_subcommand(1);
  CLI::App* plan = cmd->add_subcommand("plan", "Check a study file and list its cells");
  plan->add_option("file", f->file, "Study file (TOML)")->required();
  plan->add_option("--shard", f->shard, "Only the cells of shard I of N (I/N, 1-based)");
  CLI::App* run = cmd->add_subcommand("run", "Run the cells that have no result yet");
  run->add_option("file", f->file, "Study file (TOML)")->required();
  run->add_option("--out", f->out, "Output folder (cells/KEY.json, manifest.json)")->required();
  run->add_flag("--force")->description("Write into an --out folder that holds files iosched did not write");
  run->add_option("--jobs", f->jobs, "Cells run at once (threads)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  run->add_option("--shard", f->shard, "Run only shard I of N (I/N, 1-based)")->capture_default_str();
  run->add_option("--cache", f->cache, "Folder for decoded traces (default OUT/cache)");
  run->add_flag("--quiet,-q", f->quiet, "No line per finished cell");
  CLI::App* merge = cmd->add_subcommand("merge", "Combine shard folders into one");
  merge->add_option("dirs", f->dirs, "Study folders")->required();
  merge->add_option("--out", f->out, "Merged folder")->required();
  merge->add_flag("--force")->description("Write into an --out folder that holds files iosched did not write");
  return {cmd, [f, plan, run, merge] {
            if (plan->parsed()) return Plan(*f);
            if (run->parsed()) return Run(*f);
            if (merge->parsed()) return Merge(*f);
            return kExitUsage;
          }};
}

}  // namespace iosched
