// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "compare.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"
#include "iosched/trace.h"
#include "json_writer.h"
#include "plot.h"

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
  if (!(o.replay.time_scale > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--time-scale must be > 0, got ", o.replay.time_scale));
  }
  if (o.replay.depth == 0 || o.replay.depth > 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat("--depth must be in [1, 4096], got ", o.replay.depth));
  }
  return absl::OkStatus();
}

absl::StatusOr<CompareResult> RunCompare(const CompareOptions& options) {
  IOSCHED_RETURN_IF_ERROR(ValidateCompare(options));
  CompareResult out;
  out.options = options;
  out.trace = options.trace;
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
  replay.trace_name = options.trace;
  if (replay.fit == FitPolicy::kScale) {
    IOSCHED_ASSIGN_OR_RETURN(replay.trace_max_end, TraceMaxEnd(options));
  }
  for (const std::string& spec : SpecsOf(options)) {
    IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, OpenCompareTrace(options));
    IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<DiskModel> disk,
                     imported ? MakeHddModel(*imported) : MakeDiskModel(options.disk));
    ElevatorEnv env;
    env.rotational = disk->rotational();
    env.device_depth = replay.depth;
    IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<Elevator> elevator, MakeElevator(spec, env));
    out.trace_format = std::string(reader->format());
    out.time_unit = std::string(reader->time_unit());
    out.disk_capacity_sectors = disk->capacity_sectors();
    if (options.on_progress) {
      replay.on_progress = [&options, run = out.runs.size()](uint64_t n) {
        options.on_progress(run, n);
      };
    }
    IOSCHED_ASSIGN_OR_RETURN(ReplayResult result, Replay(*reader, *elevator, *disk, replay));
    out.bad_lines = reader->bad_lines();
    out.first_bad_line = std::string(reader->first_bad_line());
    out.trace_stats = reader->stats();
    out.runs.push_back(CompareRun{spec, std::string(elevator->Name()), std::move(result)});
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
  s += absl::StrFormat("%-24s %9s %9s %8s %9s %9s %9s %9s %10s %8s\n", "elevator", "requests",
                       "iops", "MB/s", "mean ms", "p50 ms", "p99 ms", "max ms", "seek sect",
                       "merges");
  for (const CompareRun& run : r.runs) {
    const Summary& x = run.result.summary;
    s += absl::StrFormat("%-24s %9u %9.1f %8.3f %9.2f %9.2f %9.2f %9.2f %10.0f %8u\n", run.spec,
                         x.completed, x.all.iops, x.all.mb_s, x.all.lat_mean_ms, x.all.lat_p50_ms,
                         x.all.lat_p99_ms, x.all.lat_max_ms, x.seek_mean_sectors, x.merges);
  }
  return s;
}

std::string FormatCompareCsv(const CompareResult& r) {
  std::string s = "elevator,spec";
  for (const Column& c : Columns()) absl::StrAppend(&s, ",", c.key);
  s += "\n";
  for (const CompareRun& run : r.runs) {
    std::string spec = run.spec;
    if (spec.find(',') != std::string::npos) spec = "\"" + spec + "\"";
    absl::StrAppend(&s, run.elevator, ",", spec);
    for (const Column& c : Columns()) {
      const double v = c.get(run.result);
      if (c.integer) {
        absl::StrAppend(&s, ",", static_cast<uint64_t>(v));
      } else {
        absl::StrAppend(&s, ",", absl::StrFormat("%.6g", v));
      }
    }
    s += "\n";
  }
  return s;
}

std::string FormatCompareJson(const CompareResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Field("trace", r.trace);
  w.Field("trace_format", r.trace_format);
  w.Field("time_unit", r.time_unit);
  w.Field("disk", r.disk);
  w.Field("disk_capacity_sectors", r.disk_capacity_sectors);
  w.Field("mode", ModeName(r.options.replay.mode));
  w.Field("time_scale", r.options.replay.time_scale);
  w.Field("depth", r.options.replay.depth);
  w.Field("fit", FitName(r.options.replay.fit));
  w.Field("bad_lines", r.bad_lines);
  w.Field("out_of_order", r.trace_stats.out_of_order);
  w.Key("results");
  w.BeginArray();
  for (const CompareRun& run : r.runs) {
    w.BeginObject();
    w.Field("elevator", run.elevator);
    w.Field("spec", run.spec);
    for (const Column& c : Columns()) {
      const double v = c.get(run.result);
      if (c.integer) {
        w.Field(c.key, static_cast<uint64_t>(v));
      } else {
        w.Field(c.key, v);
      }
    }
    const Summary& x = run.result.summary;
    w.Field("errors", x.errors);
    w.Field("out_of_range", run.result.out_of_range);
    w.Field("cache_hits", run.result.cache_hits);
    // The headline elevator counters, also at the top level of the result
    // (only for elevators that count them; every counter is in "counters").
    for (const char* key : {"antic_hits", "antic_timeouts", "expired_served"}) {
      for (const auto& [k, v] : x.elevator_counters) {
        if (k == key) w.Field(k, v);
      }
    }
    w.Key("streams");
    w.BeginArray();
    for (const StreamSummary& st : x.streams) {
      w.BeginObject();
      w.Field("id", st.id);
      w.Field("requests", st.count);
      w.Field("bytes", st.bytes);
      w.Field("mb_s", st.mb_s);
      w.Field("lat_mean_ms", st.lat_mean_ms);
      w.Field("lat_max_ms", st.lat_max_ms);
      w.EndObject();
    }
    w.EndArray();
    w.Key("counters");
    w.BeginObject();
    for (const auto& [k, v] : x.elevator_counters) w.Field(k, v);
    w.EndObject();
    WritePlotJson(run.result, w);  // "latency_cdf", "head_trace" (plot.h)
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str() + "\n";
}

}  // namespace iosched
