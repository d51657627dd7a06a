// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched info TRACE`: what a trace contains — records, reads/writes,
// bytes, duration, size histogram, sequentiality, streams (with the
// command or process name when the trace gives one) and devices, the time
// unit as read — after the shared transforms (trace_options.h). Reads
// the trace once, in bounded memory.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "commands.h"
#include "iosched/status_macros.h"
#include "iosched/trace_pipeline.h"
#include "iosched/trace_stats.h"
#include "json_io.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct InfoFlags {
  std::string trace;
  std::string format = "table";
  uint32_t top = 10;
  TraceFlags trace_flags;
};

std::string HumanBytes(uint64_t b) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  double v = static_cast<double>(b);
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(b, " B") : absl::StrFormat("%.2f %s", v, kUnits[u]);
}

std::string BucketLabel(int k) {
  auto pow2 = [](int e) {
    static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    return absl::StrCat(uint64_t{1} << (e % 10), " ", kUnits[e / 10]);
  };
  return absl::StrCat("[", pow2(k), ", ", pow2(k + 1), ")");
}

double Pct(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// The `top` keys with the most records, most first (ties: lower id).
std::vector<std::pair<uint32_t, TraceKeyStats>> Top(const std::map<uint32_t, TraceKeyStats>& m,
                                                    uint32_t top) {
  std::vector<std::pair<uint32_t, TraceKeyStats>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second.records > b.second.records;
  });
  if (v.size() > top) v.resize(top);
  return v;
}

std::string FormatText(const InfoFlags& f, const TracePipeline& p, const TraceStats& s) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    absl::StrAppend(&out, absl::StrFormat("%-14s %s\n", Sv(key), value));
  };
  line(
      "trace",
      absl::StrCat(f.trace, p.inputs() > 1 ? absl::StrCat(" (+", p.inputs() - 1, " merged)") : ""));
  line("format", absl::StrCat(Sv(p.format()), ", time unit as read: ", Sv(p.time_unit()),
                              ", compression: ", Sv(p.compression())));
  line("records", absl::StrFormat("%u (%u reads %.1f%%, %u writes %.1f%%)", s.records, s.reads,
                                  Pct(s.reads, s.records), s.writes, Pct(s.writes, s.records)));
  line("bytes", absl::StrCat(HumanBytes(s.read_bytes + s.write_bytes), " (read ",
                             HumanBytes(s.read_bytes), ", write ", HumanBytes(s.write_bytes), ")"));
  line("duration", absl::StrFormat("%.6f s (first record to last; times start at %.6f s)",
                                   static_cast<double>(s.duration_ns()) / 1e9,
                                   static_cast<double>(s.min_time_ns) / 1e9));
  if (s.records > 0) {
    line("offsets", absl::StrCat("[", s.min_offset, ", ", s.max_end, ") bytes, span ",
                                 HumanBytes(s.max_end - s.min_offset)));
    line("sizes", absl::StrCat("min ", HumanBytes(s.min_length), ", max ", HumanBytes(s.max_length),
                               ", mean ", HumanBytes((s.read_bytes + s.write_bytes) / s.records)));
    for (int k = 0; k < kSizeBuckets; ++k) {
      if (s.size_histogram[k] == 0) continue;
      absl::StrAppend(&out,
                      absl::StrFormat("  %-26s %10u %6.2f%%\n", BucketLabel(k), s.size_histogram[k],
                                      Pct(s.size_histogram[k], s.records)));
    }
  }
  line("sequential", absl::StrFormat("%.2f%% per stream (or device), %.2f%% of consecutive records",
                                     Pct(s.sequential_per_stream, s.records),
                                     Pct(s.sequential_global, s.records)));
  line("time order", s.out_of_order == 0
                         ? std::string("sorted")
                         : absl::StrCat(s.out_of_order, " record(s) older than an earlier one"));
  line("streams", s.with_stream == 0
                      ? std::string("none recorded")
                      : absl::StrCat(s.streams.size(), " (", s.with_stream, " records carry one",
                                     s.untracked_streams ? ", more untracked" : "", ")"));
  for (const auto& [id, k] : Top(s.streams, f.top)) {
    const std::string_view name = p.stream_name(id);
    absl::StrAppend(&out, absl::StrFormat("  stream %-10u %10u records %6.2f%%  %s  %.1f%% seq%s\n",
                                          id, k.records, Pct(k.records, s.records),
                                          HumanBytes(k.bytes), Pct(k.sequential, k.records),
                                          name.empty() ? "" : absl::StrCat("  (", Sv(name), ")")));
  }
  line("devices", absl::StrCat(s.devices.size(), s.untracked_devices ? " (more untracked)" : ""));
  if (s.devices.size() > 1) {
    for (const auto& [id, k] : Top(s.devices, f.top)) {
      absl::StrAppend(&out,
                      absl::StrFormat("  device %-10u %10u records %6.2f%%  %s\n", id, k.records,
                                      Pct(k.records, s.records), HumanBytes(k.bytes)));
    }
  }
  line("measured", absl::StrCat(s.with_response, " records with a response time, ", s.with_think,
                                " with a think time"));
  line("skipped",
       absl::StrCat(p.skipped(), " non-I/O line(s), ", p.bad_lines(), " malformed line(s)"));
  const TracePipelineStats& ps = p.stats();
  const uint64_t dropped =
      ps.dropped_op + ps.dropped_device + ps.dropped_stream + ps.dropped_window;
  if (dropped > 0) line("filtered", absl::StrCat(dropped, " of ", ps.read, " records dropped"));
  return out;
}

std::string FormatJson(const InfoFlags& f, const TracePipeline& p, const TraceStats& s) {
  Json j;
  j["trace"] = f.trace;
  j["inputs"] = static_cast<uint64_t>(p.inputs());
  j["format"] = std::string(p.format());
  j["time_unit"] = std::string(p.time_unit());
  j["compression"] = std::string(p.compression());
  j["records"] = s.records;
  j["reads"] = s.reads;
  j["writes"] = s.writes;
  j["read_bytes"] = s.read_bytes;
  j["write_bytes"] = s.write_bytes;
  j["duration_ns"] = s.duration_ns();
  j["min_time_ns"] = s.min_time_ns;
  j["min_offset"] = s.min_offset;
  j["max_end"] = s.max_end;
  j["min_length"] = s.min_length;
  j["max_length"] = s.max_length;
  Json& sizes = j["size_histogram"] = Json::array();
  for (int k = 0; k < kSizeBuckets; ++k) {
    if (s.size_histogram[k] == 0) continue;
    Json bucket;
    bucket["min_bytes"] = uint64_t{1} << k;
    bucket["count"] = s.size_histogram[k];
    sizes.push_back(std::move(bucket));
  }
  j["sequential_per_stream"] = s.sequential_per_stream;
  j["sequential_global"] = s.sequential_global;
  j["out_of_order"] = s.out_of_order;
  j["with_stream"] = s.with_stream;
  j["with_response"] = s.with_response;
  j["with_think"] = s.with_think;
  j["stream_count"] = static_cast<uint64_t>(s.streams.size());
  Json& streams = j["streams"] = Json::array();
  for (const auto& [id, k] : Top(s.streams, f.top)) {
    Json stream;
    stream["id"] = id;
    if (const std::string_view name = p.stream_name(id); !name.empty()) {
      stream["name"] = std::string(name);
    }
    stream["records"] = k.records;
    stream["reads"] = k.reads;
    stream["bytes"] = k.bytes;
    stream["sequential"] = k.sequential;
    streams.push_back(std::move(stream));
  }
  j["device_count"] = static_cast<uint64_t>(s.devices.size());
  Json& devices = j["devices"] = Json::array();
  for (const auto& [id, k] : Top(s.devices, f.top)) {
    Json device;
    device["id"] = id;
    device["records"] = k.records;
    device["bytes"] = k.bytes;
    devices.push_back(std::move(device));
  }
  j["skipped_lines"] = p.skipped();
  j["bad_lines"] = p.bad_lines();
  j["first_bad_line"] = std::string(p.first_bad_line());
  const TracePipelineStats& ps = p.stats();
  j["dropped"] = ps.dropped_op + ps.dropped_device + ps.dropped_stream + ps.dropped_window;
  j["late"] = ps.late;
  return DumpJson(j);
}

int RunInfo(InfoFlags& f) {
  TraceReadOptions read;
  TraceTransform transform;
  if (absl::Status s = BuildTraceOptions(f.trace_flags, &read, &transform); !s.ok()) {
    return Fail(kExitUsage, std::string(s.message()));
  }
  absl::StatusOr<std::unique_ptr<TracePipeline>> p =
      OpenTracePipeline(TraceInputs(f.trace, f.trace_flags), read, transform);
  if (!p.ok()) return Fail(kExitRuntime, std::string(p.status().message()));
  TraceStatsBuilder stats;
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*p)->Next(&rec);
    if (!more.ok()) return Fail(kExitRuntime, std::string(more.status().message()));
    if (!*more) break;
    stats.Add(rec);
  }
  std::cout << (f.format == "json" ? FormatJson(f, **p, stats.stats())
                                   : FormatText(f, **p, stats.stats()));
  std::cout.flush();
  for (const std::string& note : PipelineNotes(**p)) std::fprintf(stderr, "%s\n", note.c_str());
  return kExitOk;
}

}  // namespace

Command SetupInfo(CLI::App& app) {
  auto f = std::make_shared<InfoFlags>();
  CLI::App* cmd = app.add_subcommand("info", "Summarize a trace: records, sizes, streams, units");
  cmd->add_option("trace", f->trace, "Trace file (- for standard input)")->required();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_option("--top", f->top, "Streams and devices listed")->capture_default_str();
  AddTraceOptions(cmd, &f->trace_flags);
  return {cmd, [f] { return RunInfo(*f); }};
}

}  // namespace iosched
