// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "compare.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/input_spool.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"
#include "iosched/trace.h"
#include "json_io.h"
#include "plot.h"
#include "result_meta.h"

namespace iosched {
namespace {

// The elevators to compare: those named, or every registered one; by
// default a disk without seek and rotation estimates (ssd) leaves out the
// elevators that need them (sptf and kin), which Replay would refuse.
std::vector<std::string> SpecsOf(const CompareOptions& o) {
  if (!o.elevators.empty()) return o.elevators;
  std::vector<std::string> all = KnownElevators();
  if (!o.parv.empty()) return all;
  absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeDiskModel(o.disk);
  if (!disk.ok() || (*disk)->position_estimator() != nullptr) return all;
  std::vector<std::string> out;
  for (const std::string& spec : all) {
    absl::StatusOr<std::unique_ptr<Elevator>> e = MakeElevator(spec);
    if (e.ok() && !ElevatorNeedsPositionEstimator(**e)) out.push_back(spec);
  }
  return out;
}

// The trace with the shared read options and transforms applied.
absl::StatusOr<std::unique_ptr<TracePipeline>> OpenCompareTrace(const CompareOptions& o) {
  TraceReadOptions read = o.read;
  read.format = o.trace_format;
  std::vector<std::string> inputs = {o.trace};
  inputs.insert(inputs.end(), o.merge.begin(), o.merge.end());
  return OpenTracePipeline(inputs, read, o.transform);
}

// First pass for --fit scale: the highest byte a record touches.
absl::StatusOr<uint64_t> TraceMaxEnd(const CompareOptions& o) {
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, OpenCompareTrace(o));
  uint64_t max_end = 0, n = 0;
  TraceRecord rec;
  while (true) {
    IOSCHED_ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    max_end = std::max(max_end, rec.offset + rec.length);
    if (o.replay.max_requests && ++n >= o.replay.max_requests) break;
  }
  return max_end;
}

// Scalar columns shared by the CSV and JSON outputs, in output order.
struct Column {
  const char* key;
  double (*get)(const ReplayResult&);
  bool integer;
};

const std::vector<Column>& Columns() {
  static const std::vector<Column> cols = {
      {"requests", [](const ReplayResult& r) { return double(r.summary.submitted); }, true},
      {"completed", [](const ReplayResult& r) { return double(r.summary.completed); }, true},
      {"iops", [](const ReplayResult& r) { return r.summary.all.iops; }, false},
      {"mb_s", [](const ReplayResult& r) { return r.summary.all.mb_s; }, false},
      {"lat_mean_ms", [](const ReplayResult& r) { return r.summary.all.lat_mean_ms; }, false},
      {"lat_p50_ms", [](const ReplayResult& r) { return r.summary.all.lat_p50_ms; }, false},
      {"lat_p95_ms", [](const ReplayResult& r) { return r.summary.all.lat_p95_ms; }, false},
      {"lat_p99_ms", [](const ReplayResult& r) { return r.summary.all.lat_p99_ms; }, false},
      {"lat_max_ms", [](const ReplayResult& r) { return r.summary.all.lat_max_ms; }, false},
      {"wait_mean_ms", [](const ReplayResult& r) { return r.summary.all.wait_mean_ms; }, false},
      {"service_mean_ms", [](const ReplayResult& r) { return r.summary.all.service_mean_ms; },
       false},
      {"seek_mean_sectors", [](const ReplayResult& r) { return r.summary.seek_mean_sectors; },
       false},
      {"seek_time_ms", [](const ReplayResult& r) { return ToMillis(r.seek_time_total); }, false},
      {"merges", [](const ReplayResult& r) { return double(r.summary.merges); }, true},
      {"units", [](const ReplayResult& r) { return double(r.summary.issued); }, true},
      {"read_iops", [](const ReplayResult& r) { return r.summary.read.iops; }, false},
      {"read_mb_s", [](const ReplayResult& r) { return r.summary.read.mb_s; }, false},
      {"read_lat_mean_ms", [](const ReplayResult& r) { return r.summary.read.lat_mean_ms; }, false},
      {"read_lat_p99_ms", [](const ReplayResult& r) { return r.summary.read.lat_p99_ms; }, false},
      {"read_lat_max_ms", [](const ReplayResult& r) { return r.summary.read.lat_max_ms; }, false},
      {"write_iops", [](const ReplayResult& r) { return r.summary.write.iops; }, false},
      {"write_mb_s", [](const ReplayResult& r) { return r.summary.write.mb_s; }, false},
      {"write_lat_mean_ms", [](const ReplayResult& r) { return r.summary.write.lat_mean_ms; },
       false},
      {"write_lat_p99_ms", [](const ReplayResult& r) { return r.summary.write.lat_p99_ms; }, false},
      {"write_lat_max_ms", [](const ReplayResult& r) { return r.summary.write.lat_max_ms; }, false},
      {"fairness", [](const ReplayResult& r) { return r.summary.fairness; }, false},
      {"span_s", [](const ReplayResult& r) { return r.summary.span_s; }, false},
      // Added after the first v1 files: at the end, so earlier columns keep
      // their positions.
      {"lat_std_ms", [](const ReplayResult& r) { return r.summary.all.lat_std_ms; }, false},
  };
  return cols;
}

}  // namespace

std::string ModeName(ReplayMode m) {
  switch (m) {
    case ReplayMode::kOpen:
      return "open";
    case ReplayMode::kClosed:
      return "closed";
    case ReplayMode::kBatch:
      return "batch";
  }
  return "?";
}

std::string FitName(FitPolicy f) {
  switch (f) {
    case FitPolicy::kError:
      return "error";
    case FitPolicy::kWrap:
      return "wrap";
    case FitPolicy::kScale:
      return "scale";
  }
  return "?";
}

absl::Status ValidateCompare(const CompareOptions& o) {
  for (const std::string& spec : SpecsOf(o)) {
    IOSCHED_RETURN_IF_ERROR(MakeElevator(spec).status());
  }
  if (o.parv.empty()) IOSCHED_RETURN_IF_ERROR(MakeDiskModel(o.disk).status());
  if (!TimeScaleInRange(o.replay.time_scale)) {
    return absl::InvalidArgumentError(absl::StrCat("--time-scale must be > 0 (a finite factor in [",
                                                   kMinTimeScale, ", ", kMaxTimeScale, "]), got ",
                                                   o.replay.time_scale));
  }
  if (o.replay.depth == 0 || o.replay.depth > 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat("--depth must be in [1, 4096], got ", o.replay.depth));
  }
  return absl::OkStatus();
}

absl::StatusOr<CompareResult> RunCompare(const CompareOptions& given) {
  IOSCHED_RETURN_IF_ERROR(ValidateCompare(given));
  // Every elevator reads the trace again: standard input and FIFOs are
  // copied once first (iosched/input_spool.h).
  std::vector<std::string> inputs = {given.trace};
  inputs.insert(inputs.end(), given.merge.begin(), given.merge.end());
  IOSCHED_ASSIGN_OR_RETURN(SpooledInputs spool, SpooledInputs::Spool(inputs));
  CompareOptions options = given;
  options.trace = spool.paths()[0];
  options.merge.assign(spool.paths().begin() + 1, spool.paths().end());
  CompareResult out;
  out.options = given;
  out.trace = given.trace;
  out.disk = options.disk;
  // --parv: the drive imported from a DiskSim 4.0 parameter file.
  std::optional<HddParams> imported;
  if (!options.parv.empty()) {
    IOSCHED_ASSIGN_OR_RETURN(DiskSimImport model, LoadDiskSimParv(options.parv));
    out.disk = model.params.name;
    out.disk_warnings = std::move(model.warnings);
    imported = std::move(model.params);
  }
  ReplayOptions replay = options.replay;
  replay.trace_name = given.trace;
  if (replay.fit == FitPolicy::kScale) {
    IOSCHED_ASSIGN_OR_RETURN(replay.trace_max_end, TraceMaxEnd(options));
  }
  // One run per spec; with jobs > 1 the runs go to worker threads, each
  // with its own reader, disk and elevator, so the results are those of the
  // sequential loop. Progress calls are serialised.
  const std::vector<std::string> specs = SpecsOf(options);
  struct Slot {
    absl::Status status;
    std::optional<CompareRun> run;
    std::string format, time_unit, first_bad_line;
    uint64_t capacity = 0, bad_lines = 0;
    TracePipelineStats stats;
  };
  std::vector<Slot> slots(specs.size());
  std::mutex progress_mu;
  auto run_one = [&](size_t i) -> absl::Status {
    Slot& s = slots[i];
    IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, OpenCompareTrace(options));
    IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<DiskModel> disk,
                             imported ? MakeHddModel(*imported) : MakeDiskModel(options.disk));
    ElevatorEnv env;
    env.rotational = disk->rotational();
    env.device_depth = replay.depth;
    IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<Elevator> elevator, MakeElevator(specs[i], env));
    s.format = std::string(reader->format());
    s.time_unit = std::string(reader->time_unit());
    s.capacity = disk->capacity_sectors();
    ReplayOptions run_replay = replay;
    if (options.on_progress) {
      run_replay.on_progress = [&options, &progress_mu, i](uint64_t n) {
        std::lock_guard<std::mutex> lock(progress_mu);
        options.on_progress(i, n);
      };
    }
    IOSCHED_ASSIGN_OR_RETURN(ReplayResult result, Replay(*reader, *elevator, *disk, run_replay));
    s.bad_lines = reader->bad_lines();
    s.first_bad_line = std::string(reader->first_bad_line());
    s.stats = reader->stats();
    s.run = CompareRun{specs[i], std::string(elevator->Name()), std::move(result)};
    return absl::OkStatus();
  };
  const size_t jobs = std::max<size_t>(1, std::min<size_t>(options.jobs, specs.size()));
  if (jobs == 1) {
    for (size_t i = 0; i < specs.size(); ++i) IOSCHED_RETURN_IF_ERROR(run_one(i));
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    for (size_t w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        for (size_t i; (i = next.fetch_add(1)) < specs.size();) slots[i].status = run_one(i);
      });
    }
    for (std::thread& t : workers) t.join();
    for (const Slot& s : slots) IOSCHED_RETURN_IF_ERROR(s.status);  // first in spec order
  }
  for (Slot& s : slots) {
    out.trace_format = s.format;
    out.time_unit = s.time_unit;
    out.disk_capacity_sectors = s.capacity;
    out.bad_lines = s.bad_lines;
    out.first_bad_line = s.first_bad_line;
    out.trace_stats = s.stats;
    out.runs.push_back(std::move(*s.run));
  }
  return out;
}

std::string FormatCompareTable(const CompareResult& r) {
  std::string s = absl::StrFormat("trace %s (%s, time unit %s) on %s, %s loop, depth %u\n", r.trace,
                                  r.trace_format, r.time_unit, r.disk,
                                  ModeName(r.options.replay.mode), r.options.replay.depth);
  if (r.bad_lines > 0) {
    s += absl::StrFormat("skipped %u malformed line(s) (first: %s)\n", r.bad_lines,
                         r.first_bad_line);
  }
  if (r.trace_stats.out_of_order > 0) {
    s += absl::StrFormat(
        "%u record(s) older than an earlier record, replayed unsorted (--sort-window N sorts "
        "within N records)\n",
        r.trace_stats.out_of_order);
  }
  if (r.trace_stats.late > 0) {
    s += absl::StrFormat(
        "%u record(s) out of order beyond the sort window, moved to the last emitted time\n",
        r.trace_stats.late);
  }
  // The elevator column as wide as the longest spec; read and write p99
  // apart when the trace has both (the combined p99 hides which op pays).
  int name_width = 8;
  bool reads = false, writes = false;
  for (const CompareRun& run : r.runs) {
    name_width = std::max(name_width, static_cast<int>(run.spec.size()));
    reads |= run.result.summary.read.count > 0;
    writes |= run.result.summary.write.count > 0;
  }
  const bool split = reads && writes;
  s += absl::StrFormat("%-*s %9s %9s %8s %9s %9s %9s %9s %10s %8s", name_width, "elevator",
                       "requests", "iops", "MB/s", "mean ms", "p50 ms", "p99 ms", "max ms",
                       "seek sect", "merges");
  s += split ? absl::StrFormat(" %10s %10s\n", "rd p99 ms", "wr p99 ms") : "\n";
  for (const CompareRun& run : r.runs) {
    const Summary& x = run.result.summary;
    s += absl::StrFormat("%-*s %9u %9.1f %8.3f %9.2f %9.2f %9.2f %9.2f %10.0f %8u", name_width,
                         run.spec, x.completed, x.all.iops, x.all.mb_s, x.all.lat_mean_ms,
                         x.all.lat_p50_ms, x.all.lat_p99_ms, x.all.lat_max_ms, x.seek_mean_sectors,
                         x.merges);
    s += split ? absl::StrFormat(" %10.2f %10.2f\n", x.read.lat_p99_ms, x.write.lat_p99_ms) : "\n";
  }
  return s;
}

std::string FormatCompareCsv(const CompareResult& r) {
  std::string s = CompareCsvHeader() + ",elevator,spec";
  for (const Column& c : Columns()) absl::StrAppend(&s, ",", c.key);
  s += "\n";
  const std::vector<std::string> meta = CompareCsvMeta(r);  // one per run
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const CompareRun& run = r.runs[i];
    std::string spec = run.spec;
    if (spec.find(',') != std::string::npos) spec = "\"" + spec + "\"";
    absl::StrAppend(&s, meta[i], ",", run.elevator, ",", spec);
    for (const Column& c : Columns()) {
      const double v = c.get(run.result);
      if (c.integer) {
        absl::StrAppend(&s, ",", static_cast<uint64_t>(v));
      } else {
        absl::StrAppend(&s, ",", FormatDouble(v));
      }
    }
    s += "\n";
  }
  return s;
}

std::string FormatCompareJson(const CompareResult& r) {
  Json doc;
  doc["trace"] = r.trace;
  doc["trace_format"] = r.trace_format;
  doc["time_unit"] = r.time_unit;
  doc["disk"] = r.disk;
  doc["disk_capacity_sectors"] = r.disk_capacity_sectors;
  doc["mode"] = ModeName(r.options.replay.mode);
  doc["time_scale"] = r.options.replay.time_scale;
  doc["depth"] = r.options.replay.depth;
  doc["fit"] = FitName(r.options.replay.fit);
  doc["bad_lines"] = r.bad_lines;
  doc["out_of_order"] = r.trace_stats.out_of_order;
  Json& results = doc["results"] = Json::array();
  for (const CompareRun& run : r.runs) {
    Json j;
    j["elevator"] = run.elevator;
    j["spec"] = run.spec;
    for (const Column& c : Columns()) {
      const double v = c.get(run.result);
      if (c.integer) {
        j[c.key] = static_cast<uint64_t>(v);
      } else {
        j[c.key] = v;
      }
    }
    const Summary& x = run.result.summary;
    j["errors"] = x.errors;
    j["out_of_range"] = run.result.out_of_range;
    j["cache_hits"] = run.result.cache_hits;
    // The headline elevator counters, also at the top level of the result
    // (only for elevators that count them; every counter is in "counters").
    for (const char* key : {"antic_hits", "antic_timeouts", "expired_served"}) {
      for (const auto& [k, v] : x.elevator_counters) {
        if (k == key) j[k] = v;
      }
    }
    Json& streams = j["streams"] = Json::array();
    for (const StreamSummary& st : x.streams) {
      Json s;
      s["id"] = st.id;
      s["requests"] = st.count;
      s["bytes"] = st.bytes;
      s["mb_s"] = st.mb_s;
      s["lat_mean_ms"] = st.lat_mean_ms;
      s["lat_max_ms"] = st.lat_max_ms;
      streams.push_back(std::move(s));
    }
    Json& counters = j["counters"] = Json::object();
    for (const auto& [k, v] : x.elevator_counters) counters[k] = v;
    AddPlotJson(run.result, j);  // "latency_cdf", "head_trace" (plot.h)
    results.push_back(std::move(j));
  }
  AddResultMeta(&doc, r);  // "schema_version", "meta" (result_meta.h)
  return DumpJson(doc);
}

}  // namespace iosched
