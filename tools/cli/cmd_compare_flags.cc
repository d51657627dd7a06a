// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "cmd_compare_flags.h"

#include "absl/strings/str_cat.h"
#include "compare_notes.h"
#include "iosched/registry.h"
#include "trace_options.h"

namespace iosched {

void AddCompareFlags(CLI::App* cmd, CompareFlags* f) {
  CompareOptions& co = f->options;
  cmd->add_option("trace", co.trace, "Trace file")->required();
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
  cmd->add_option("--async-writes", co.replay.closed_async_writes,
                  "Closed mode: writes a stream may have outstanding before it waits, as with "
                  "page-cache writeback (the kernel's nr_requests is 128); 0: writes wait like "
                  "reads")
      ->capture_default_str();
  cmd->add_flag("--sched-tags", co.replay.sched_tags,
                "Run the blk-mq scheduler-tag pool: at most nr_requests (2 x min(depth, 128)) "
                "requests in the elevator and device, with Kyber's and mq-deadline's async "
                "limits; the others wait for a tag (off: every request enters the elevator)");
  cmd->add_option("--fit", f->fit, "Records beyond the disk: error, wrap or scale")
      ->check(CLI::IsMember({"error", "wrap", "scale"}))
      ->capture_default_str();
  cmd->add_option("--max-requests", co.replay.max_requests,
                  "Replay only the first N requests (0: all)")
      ->transform(CountSuffix());
  cmd->add_option("--jobs", co.jobs,
                  "Elevators replayed at once on that many threads (results are identical to 1)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cmd->add_option("--window", f->window,
                  "Head-position plot time window START:END in simulated seconds (e.g. 2:5, 10:)");
  cmd->add_flag("--quiet,-q", f->quiet,
                "No progress bar (drawn only on a terminal); report: no list of files written");
  AddTraceOptions(cmd, &f->trace, {.time_scale = false, .max_records = false});
}

absl::Status ResolveCompareFlags(CompareFlags* f) {
  CompareOptions& o = f->options;
  o.replay.mode = f->mode == "closed"  ? ReplayMode::kClosed
                  : f->mode == "batch" ? ReplayMode::kBatch
                                       : ReplayMode::kOpen;
  o.replay.fit = f->fit == "wrap"    ? FitPolicy::kWrap
                 : f->fit == "scale" ? FitPolicy::kScale
                                     : FitPolicy::kError;
  if (o.replay.closed_async_writes > 0 && o.replay.mode != ReplayMode::kClosed) {
    return absl::InvalidArgumentError(
        absl::StrCat("--async-writes applies to --mode closed only (mode is ", f->mode, ")"));
  }
  if (!f->elevators.empty()) o.elevators = SplitElevatorList(f->elevators);
  if (absl::Status st = BuildTraceOptions(f->trace, &o.read, &o.transform); !st.ok()) return st;
  o.trace_format = f->trace.trace_format;
  o.merge = f->trace.merge;
  if (!f->window.empty()) {
    if (absl::Status st = ParseWindow(f->window, &f->plot); !st.ok()) return st;
  }
  return ValidateCompare(o);
}

std::vector<std::string> CompareWarnings(const CompareResult& r) {
  std::vector<std::string> out = r.disk_warnings;
  for (std::string& note : CompareNotes(r)) out.push_back(std::move(note));
  if (r.options.replay.mode == ReplayMode::kClosed && !r.runs.empty()) {
    const ReplayResult& first = r.runs.front().result;
    if (first.records_without_stream > 0) {
      out.push_back(absl::StrCat(
          "closed mode: ", first.records_without_stream, " of ", first.records,
          " records carry no stream id; they replay as one closed-loop stream (id 0)"));
    }
  }
  return out;
}

}  // namespace iosched
