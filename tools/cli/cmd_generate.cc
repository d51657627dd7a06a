// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched generate NAME [--seed N] [--requests N] [--streams N] … > trace`:
// writes a synthetic workload (trace_generator.h) as a trace, by default
// iosched native CSV on standard output. Deterministic for a seed. Bad
// input (unknown scenario, negative or absurd parameters) is a usage error
// (exit 2) naming the value.

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "commands.h"
#include "iosched/output_file.h"
#include "iosched/status_macros.h"
#include "iosched/trace_generator.h"
#include "iosched/trace_writer.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct GenerateFlags {
  bool force = false;
  std::string scenario;
  std::string seed = "1", requests = "10000", streams, writers, capacity = "1000M", read_size,
              write_size, think_us, service_us = "2000", read_percent, weights;
  std::string output = "-";
  std::string format = "iosched-csv";
};

absl::Status Bad(std::string_view option, std::string_view value, std::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(option), ": expected ", Sv(expected), ", got '", Sv(value), "'"));
}

// Non-negative decimal integer (no sign), with an optional k/M/G suffix.
absl::Status ParseCount(std::string_view option, const std::string& value, uint64_t* out) {
  absl::StatusOr<uint64_t> n = ::iosched::ParseCount(value);
  if (value.empty() || value[0] == '-' || value[0] == '+' || !n.ok()) {
    return Bad(option, value, "a non-negative integer");
  }
  *out = *n;
  return absl::OkStatus();
}

absl::Status ParseMicros(std::string_view option, const std::string& value, int64_t* ns) {
  double us;
  if (value.empty() || !absl::SimpleAtod(value, &us) || !(us >= 0) || us > 1e10) {
    return Bad(option, value, "microseconds >= 0");
  }
  *ns = static_cast<int64_t>(us * 1000.0 + 0.5);
  return absl::OkStatus();
}

absl::Status BuildOptions(const GenerateFlags& f, GeneratorOptions* o) {
  IOSCHED_RETURN_IF_ERROR(ParseCount("--seed", f.seed, &o->seed));
  IOSCHED_RETURN_IF_ERROR(ParseCount("--requests", f.requests, &o->requests));
  uint64_t v;
  if (!f.streams.empty()) {
    IOSCHED_RETURN_IF_ERROR(ParseCount("--streams", f.streams, &v));
    if (v == 0 || v > 4096) return Bad("--streams", f.streams, "a stream count in [1, 4096]");
    o->streams = static_cast<uint32_t>(v);
  }
  if (!f.writers.empty()) {
    IOSCHED_RETURN_IF_ERROR(ParseCount("--writers", f.writers, &v));
    if (v == 0 || v > 64) return Bad("--writers", f.writers, "a writer count in [1, 64]");
    o->writers = static_cast<uint32_t>(v);
  }
  for (auto [option, text, out] : {std::tuple<const char*, const std::string*, uint64_t*>{
                                       "--capacity", &f.capacity, &o->capacity},
                                   {"--read-size", &f.read_size, &o->read_size},
                                   {"--write-size", &f.write_size, &o->write_size}}) {
    if (text->empty()) continue;
    absl::StatusOr<uint64_t> size = ParseByteSize(*text);
    if (!size.ok() || *size == 0) return Bad(option, *text, "a size > 0 such as 4096, 64K or 1G");
    *out = *size;
  }
  if (!f.think_us.empty())
    IOSCHED_RETURN_IF_ERROR(ParseMicros("--think-us", f.think_us, &o->think_ns));
  IOSCHED_RETURN_IF_ERROR(ParseMicros("--service-us", f.service_us, &o->service_ns));
  if (!f.read_percent.empty()) {
    IOSCHED_RETURN_IF_ERROR(ParseCount("--read-percent", f.read_percent, &v));
    if (v > 100) return Bad("--read-percent", f.read_percent, "a percentage in [0, 100]");
    o->read_percent = static_cast<int32_t>(v);
  }
  if (!f.weights.empty()) {
    for (absl::string_view w : absl::StrSplit(f.weights, ',')) {
      uint32_t n;
      if (w.empty() || w[0] == '+' || !absl::SimpleAtoi(w, &n) || n < 1 || n > 1000) {
        return Bad("--weights", f.weights,
                   "comma-separated BFQ weights in [1, 1000], e.g. 100,200");
      }
      o->weights.push_back(static_cast<uint16_t>(n));
    }
  }
  return ValidateGenerator(f.scenario, *o);
}

int RunGenerate(GenerateFlags& f) {
  GeneratorOptions o;
  if (absl::Status s = BuildOptions(f, &o); !s.ok()) {
    return Fail(kExitUsage, std::string(s.message()));
  }
  TraceWriterOptions wo;
  wo.format = f.format;
  {
    std::string scratch;
    if (absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriterToString(&scratch, wo);
        !w.ok()) {
      return Fail(kExitUsage, std::string(w.status().message()));
    }
  }
  absl::StatusOr<std::unique_ptr<TraceReader>> gen = MakeGenerator(f.scenario, o);
  if (!gen.ok()) return Fail(kExitUsage, std::string(gen.status().message()));
  if (absl::Status s =
          CheckOutputPath("-o", f.output, {.inputs = {}, .allow_device = false, .force = f.force});
      !s.ok()) {
    return Fail(kExitUsage, std::string(s.message()));
  }
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriter(f.output, wo);
  if (!w.ok()) return Fail(kExitRuntime, std::string(w.status().message()));
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*gen)->Next(&rec);
    if (!more.ok()) return Fail(kExitRuntime, std::string(more.status().message()));
    if (!*more) break;
    if (absl::Status s = (*w)->Write(rec); !s.ok()) {
      w->reset();  // removes the partial output
      return Fail(kExitRuntime, std::string(s.message()));
    }
  }
  if (absl::Status s = (*w)->Finish(); !s.ok()) return Fail(kExitRuntime, std::string(s.message()));
  return kExitOk;
}

std::string ScenarioHelp() {
  std::string s = "Write a synthetic workload trace. Scenarios:";
  for (const ScenarioInfo& sc : KnownScenarios()) {
    absl::StrAppend(&s, "\n  ", sc.name, ": ", sc.description);
  }
  return s;
}

}  // namespace

Command SetupGenerate(CLI::App& app) {
  auto f = std::make_shared<GenerateFlags>();
  CLI::App* cmd = app.add_subcommand("generate", ScenarioHelp());
  cmd->add_option("scenario", f->scenario, "Scenario name")->required();
  cmd->add_option("--seed", f->seed, "Random seed (same seed, same trace)")->capture_default_str();
  cmd->add_option("--requests", f->requests, "Records to write (e.g. 10k, 1M)")
      ->capture_default_str();
  cmd->add_option("--streams", f->streams, "Streams of the scenario's main kind");
  cmd->add_option("--writers", f->writers,
                  "Writer streams (dependent-readers-vs-writer, reader-vs-writeback)");
  cmd->add_option("--capacity", f->capacity, "Bytes addressed, e.g. 1G")->capture_default_str();
  cmd->add_option("--read-size", f->read_size, "Read request size, e.g. 16K");
  cmd->add_option("--write-size", f->write_size, "Write request size, e.g. 64K");
  cmd->add_option("--weights", f->weights,
                  "weighted-readers: BFQ group weights (io.bfq.weight 1-1000), one per reader, "
                  "e.g. 100,200");
  cmd->add_option("--think-us", f->think_us, "Mean think time after each read (µs)");
  cmd->add_option("--service-us", f->service_us,
                  "Nominal service time used for the open-loop timestamps (µs)")
      ->capture_default_str();
  cmd->add_option("--read-percent", f->read_percent, "mixed: percentage of reads (default 70)");
  cmd->add_flag("--force", f->force, "Replace an existing -o file that iosched did not write");
  cmd->add_option("-o,--output", f->output, "Output file (- for standard output)")
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output trace format (writable formats)")
      ->capture_default_str();
  return {cmd, [f] { return RunGenerate(*f); }};
}

}  // namespace iosched
