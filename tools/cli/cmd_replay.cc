// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched replay TRACE --target PATH …`: replays a trace through one
// elevator against a real file or block device with O_DIRECT (the
// Scheduler: io_uring, or psync threads), and reports the same metrics as
// the simulator, formatted like `iosched compare`. Without --target the
// replay runs on a simulated disk (--disk), exactly as `compare` with one
// elevator.
//
// The real replay itself (safety checks, modes, offsets and alignment) is
// RunRealReplay in scheduler/direct/include/iosched/real_replay.h; this file
// parses flags and prints.

#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "compare.h"
#include "iosched/input_spool.h"
#include "iosched/real_replay.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct ReplayFlags {
  std::string trace, target, elevator = "noop", disk = "hp-c2247a";
  std::string mode = "open", format = "table", offsets = "error", create, backend = "auto";
  std::string record, record_fio;
  uint32_t depth = 1;
  uint32_t submit_batch = 1;
  double time_scale = 1.0;
  uint64_t max_requests = 0;
  bool allow_writes = false;
  bool sched_tags = false;
  bool force = false;
  // Shared trace options (--trace-format, --csv, --skip-bad-lines, --merge,
  // filters, offset remaps; tools/cli/trace_options.h), built by BuildTraceOptions.
  TraceFlags trace_flags;
  TraceReadOptions read;
  TraceTransform transform;
};

ReplayMode ModeOf(const std::string& m) {
  return m == "closed"  ? ReplayMode::kClosed
         : m == "batch" ? ReplayMode::kBatch
                        : ReplayMode::kOpen;
}

// "4096", "64K", "512M", "1G", "2GiB", "1T" (binary multiples).
absl::StatusOr<uint64_t> ParseSize(const std::string& text) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (v > (UINT64_MAX - d) / 10) break;
    v = v * 10 + d;
    ++i;
  }
  std::string suffix = text.substr(i);
  for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = -1;
  if (suffix.empty() || suffix == "B") shift = 0;
  if (suffix == "K" || suffix == "KB" || suffix == "KIB") shift = 10;
  if (suffix == "M" || suffix == "MB" || suffix == "MIB") shift = 20;
  if (suffix == "G" || suffix == "GB" || suffix == "GIB") shift = 30;
  if (suffix == "T" || suffix == "TB" || suffix == "TIB") shift = 40;
  if (i == 0 || shift < 0 || v == 0 || (shift > 0 && v > (UINT64_MAX >> shift))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--create: expected a size such as 1G, 512M or 4096 (bytes), got '", text, "'"));
  }
  return v << shift;
}

int RunSimulated(const ReplayFlags& f) {
  CompareOptions o;
  o.trace = f.trace;
  o.trace_format = f.trace_flags.trace_format;
  o.read = f.read;
  o.transform = f.transform;
  o.merge = f.trace_flags.merge;
  o.disk = f.disk;
  o.elevators = {f.elevator};
  o.replay.mode = ModeOf(f.mode);
  o.replay.depth = f.depth;
  o.replay.sched_tags = f.sched_tags;
  o.replay.time_scale = f.time_scale;
  o.replay.max_requests = f.max_requests;
  o.replay.fit = f.offsets == "wrap" ? FitPolicy::kWrap : FitPolicy::kError;
  if (absl::Status st = ValidateCompare(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  absl::StatusOr<CompareResult> r = RunCompare(o);
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  std::cout << (f.format == "json"  ? FormatCompareJson(*r)
                : f.format == "csv" ? FormatCompareCsv(*r)
                                    : FormatCompareTable(*r));
  return kExitOk;
}

// The real run in the shape `compare` prints.
CompareResult RealReplayAsCompare(const ReplayFlags& f, RealReplayResult& r) {
  CompareResult out;
  out.trace = f.trace;
  out.trace_format = std::string(r.trace->format());
  out.time_unit = std::string(r.trace->time_unit());
  out.bad_lines = r.trace->bad_lines();
  out.first_bad_line = std::string(r.trace->first_bad_line());
  out.trace_stats = r.trace->stats();
  out.disk = f.target;
  out.disk_capacity_sectors = r.target_bytes / 512;
  out.real_target = f.target;
  out.real_backend = std::string(IoBackendName(r.backend));
  out.real_rotational = r.rotational;
  out.options.trace = f.trace;
  out.options.trace_format = f.trace_flags.trace_format;
  out.options.read = f.read;
  out.options.transform = f.transform;
  out.options.merge = f.trace_flags.merge;
  out.options.elevators = {f.elevator};
  out.options.replay.mode = ModeOf(f.mode);
  out.options.replay.depth = f.depth;
  out.options.replay.sched_tags = f.sched_tags;
  out.options.replay.time_scale = f.time_scale;
  out.options.replay.max_requests = f.max_requests;
  out.options.replay.fit = f.offsets == "wrap" ? FitPolicy::kWrap : FitPolicy::kError;
  CompareRun run;
  run.spec = f.elevator;
  run.elevator = r.elevator;
  run.result.summary = r.summary;
  run.result.records = r.records;
  run.result.out_of_range = r.out_of_range;
  run.result.latency[0] = r.latency[0];
  run.result.latency[1] = r.latency[1];
  out.runs.push_back(std::move(run));
  return out;
}

int RunReal(ReplayFlags& f) {
  RealReplayOptions o;
  o.target = f.target;
  o.trace_name = f.trace;
  o.trace_paths = TraceInputs(f.trace, f.trace_flags);
  o.elevator = f.elevator;
  o.depth = f.depth;
  o.sched_tags = f.sched_tags;
  o.submit_batch = f.submit_batch;
  o.mode = ModeOf(f.mode);
  o.time_scale = f.time_scale;
  o.max_requests = f.max_requests;
  o.wrap_offsets = f.offsets == "wrap";
  o.allow_writes = f.allow_writes;
  o.record_path = f.record;
  o.record_fio_path = f.record_fio;
  o.force_overwrite = f.force;
  o.log = [](std::string_view line) {
    std::fprintf(stderr, "iosched: %.*s\n", static_cast<int>(line.size()), line.data());
  };
  absl::StatusOr<IoBackendKind> backend = ParseIoBackend(f.backend);
  if (!backend.ok()) return Fail(kExitUsage, std::string(backend.status().message()));
  o.backend = *backend;
  if (!f.create.empty()) {
    absl::StatusOr<uint64_t> sz = ParseSize(f.create);
    if (!sz.ok()) return Fail(kExitUsage, std::string(sz.status().message()));
    o.create_size = *sz;
  }
  if (absl::Status st = ValidateRealReplay(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  // The replay reads the trace two or three times: standard input and FIFOs
  // are copied once first.
  absl::StatusOr<SpooledInputs> spool = SpooledInputs::Spool(o.trace_paths);
  if (!spool.ok()) return Fail(kExitRuntime, std::string(spool.status().message()));
  absl::StatusOr<RealReplayResult> r =
      RunRealReplay([&] { return OpenTracePipeline(spool->paths(), f.read, f.transform); }, o);
  if (!r.ok()) {
    // A refusal the user lifts with a flag (--allow-writes) is a usage error.
    const bool usage = r.status().code() == absl::StatusCode::kPermissionDenied;
    return Fail(usage ? kExitUsage : kExitRuntime, std::string(r.status().message()));
  }
  for (const std::string& note : PipelineNotes(*r->trace)) {
    std::fprintf(stderr, "%s\n", note.c_str());
  }
  if (!r->first_io_error.ok()) {
    std::fprintf(stderr, "iosched: %llu I/O error(s), the first: %s\n",
                 static_cast<unsigned long long>(r->summary.errors),
                 std::string(r->first_io_error.message()).c_str());
  }
  if (r->realigned > 0) {
    std::fprintf(stderr, "iosched: %llu requests were aligned to %u bytes\n",
                 static_cast<unsigned long long>(r->realigned), r->alignment);
  }
  const CompareResult out = RealReplayAsCompare(f, *r);
  std::cout << (f.format == "json"  ? FormatCompareJson(out)
                : f.format == "csv" ? FormatCompareCsv(out)
                                    : FormatCompareTable(out));
  std::cout.flush();
  if (!r->aborted.ok()) {
    return Fail(kExitRuntime,
                absl::StrCat("the replay stopped early (the table covers the ", r->records,
                             " records replayed): ", r->aborted.message()));
  }
  return r->summary.errors > 0 ? kExitRuntime : kExitOk;
}

}  // namespace

Command SetupReplay(CLI::App& app) {
  auto f = std::make_shared<ReplayFlags>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Replay a trace through one elevator, against a real file or block device with O_DIRECT "
      "(--target) or on a simulated disk");
  cmd->add_option("trace", f->trace, "Trace file")->required();
  cmd->add_option("--target", f->target,
                  "File or block device to replay against with O_DIRECT (omit to simulate)");
  cmd->add_option("--elevator", f->elevator, "Elevator spec, e.g. deadline:fifo_batch=8")
      ->capture_default_str();
  cmd->add_option("--depth", f->depth, "Units in flight at the device")->capture_default_str();
  cmd->add_option("--mode", f->mode, "Replay mode")
      ->check(CLI::IsMember({"open", "closed", "batch"}))
      ->capture_default_str();
  cmd->add_flag("--sched-tags", f->sched_tags,
                "Run the blk-mq scheduler-tag pool: at most nr_requests (2 x min(depth, 128)) "
                "requests in the elevator and device; the others wait for a tag");
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--time-scale", f->time_scale, "Multiplies trace times (arrivals, think times)")
      ->capture_default_str();
  cmd->add_option("--max-requests", f->max_requests, "Replay only the first N requests (0: all)")
      ->transform(CountSuffix());
  cmd->add_option("--fit", f->offsets,
                  "Requests beyond the target (or simulated disk): error or wrap (old "
                  "spelling: --offsets)")
      ->check(CLI::IsMember({"error", "wrap"}))
      ->capture_default_str();
  cmd->add_flag("--allow-writes", f->allow_writes,
                "Let the trace's write requests modify the target (refused otherwise)");
  cmd->add_option("--create", f->create,
                  "Create (or extend) the target file to SIZE (e.g. 1G) and fill it with data");
  cmd->add_option("--backend", f->backend, "auto, io_uring or psync")
      ->check(CLI::IsMember({"auto", "io_uring", "psync"}))
      ->capture_default_str();
  cmd->add_option("--submit-batch", f->submit_batch,
                  "io_uring: transfers per io_uring_enter (1: each as it is issued; 0: all "
                  "issued in one dispatcher turn together; SchedulerOptions::submit_batch)")
      ->capture_default_str();
  cmd->add_option("--record", f->record,
                  "Record the real run as an iosched native trace (with the dispatch_ns, key, "
                  "error and bytes columns)");
  cmd->add_option("--record-fio", f->record_fio, "Record the real run as a fio iolog v3");
  cmd->add_flag("--force", f->force,
                "Let --record, --record-fio and -o replace existing files that iosched did not "
                "write");
  cmd->add_option("--disk", f->disk, "Disk preset when simulating (no --target)")
      ->capture_default_str();
  AddTraceOptions(cmd, &f->trace_flags, {.time_scale = false, .max_records = false});
  return {cmd, [f] {
            if (absl::Status st = BuildTraceOptions(f->trace_flags, &f->read, &f->transform);
                !st.ok()) {
              return Fail(kExitUsage, std::string(st.message()));
            }
            return f->target.empty() ? RunSimulated(*f) : RunReal(*f);
          }};
}

}  // namespace iosched
