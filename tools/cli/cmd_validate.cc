// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched validate --parv FILE --trace FILE [--format table|json]
// [--plot DIR]`: DiskSim's drive validation. Imports the DiskSim 4.0 drive
// of FILE.parv (disksim.h), replays the trace the way DiskSim's `validate`
// does (one request outstanding, each issued `gap` after the previous one
// completed) and compares the simulated with the measured access times: the
// two means and two RMS figures (disksim.h): "rms (quantile, iosched)", the
// RMS of the difference of the quantile functions at 10,000 quantiles from
// per-request values, and "rms (DiskSim buckets)", the same demerit figure
// computed the way DiskSim 4.0's `rms` utility does on its bucketed access
// time distributions (the figure DiskSim's published values refer to).
//
// Output: a table, or one JSON object with the keys
//   requests, sim_mean_ms, real_mean_ms, rms_ms (quantile, iosched),
//   rms_disksim_ms (DiskSim buckets),
//   trace, trace_format, parv, disk, reads, writes, sim_read_mean_ms,
//   real_read_mean_ms, sim_write_mean_ms, real_write_mean_ms,
//   mean_error_pct, cache_hits, warnings, schema_version, meta
// (keys are only ever added; meta: result_meta.h AddValidateMeta). Every DiskSim parameter the import does not
// model is listed on stderr as "iosched: warning: …". Exit codes:
// commands.h (bad or missing input files, a request beyond the drive's
// capacity: 1).

#include <cstdio>
#include <iostream>
#include <memory>

#include "absl/strings/str_format.h"
#include "commands.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/trace.h"
#include "json_io.h"
#include "plot_validate.h"
#include "result_meta.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct ValidateFlags {
  std::string parv, trace, trace_format = "validate", format = "table", plot_dir;
  uint64_t max_requests = 0;
};

std::string Pct(double sim, double real) {
  if (real == 0) return "n/a";
  return absl::StrFormat("%+.2f%%", (sim - real) / real * 100);
}

int RunValidate(const ValidateFlags& f) {
  absl::StatusOr<DiskSimImport> model = LoadDiskSimParv(f.parv);
  if (!model.ok()) return Fail(kExitRuntime, std::string(model.status().message()));
  for (const std::string& w : model->warnings) {
    std::fprintf(stderr, "iosched: warning: %s\n", w.c_str());
  }
  absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeHddModel(model->params);
  if (!disk.ok()) return Fail(kExitRuntime, std::string(disk.status().message()));
  absl::StatusOr<std::unique_ptr<TraceReader>> reader = OpenTrace(f.trace, f.trace_format);
  if (!reader.ok()) {
    const bool usage = reader.status().code() == absl::StatusCode::kInvalidArgument &&
                       f.trace_format != "auto" && f.trace_format != "validate";
    return Fail(usage ? kExitUsage : kExitRuntime, std::string(reader.status().message()));
  }
  ValidationOptions options;
  options.trace_name = f.trace;
  options.max_requests = f.max_requests;
  absl::StatusOr<ValidationResult> r = RunValidation(**reader, **disk, options);
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));

  const std::string disk_name = model->params.name;
  if (f.format == "json") {
    Json j;
    j["requests"] = r->requests;
    j["sim_mean_ms"] = r->sim_mean_ms;
    j["real_mean_ms"] = r->real_mean_ms;
    j["rms_ms"] = r->rms_ms;
    j["rms_disksim_ms"] = r->rms_disksim_ms;
    j["trace"] = f.trace;
    j["trace_format"] = std::string((*reader)->format());
    j["parv"] = f.parv;
    j["disk"] = disk_name;
    j["reads"] = r->reads;
    j["writes"] = r->writes;
    j["sim_read_mean_ms"] = r->sim_read_mean_ms;
    j["real_read_mean_ms"] = r->real_read_mean_ms;
    j["sim_write_mean_ms"] = r->sim_write_mean_ms;
    j["real_write_mean_ms"] = r->real_write_mean_ms;
    j["mean_error_pct"] =
        r->real_mean_ms == 0 ? 0.0 : (r->sim_mean_ms - r->real_mean_ms) / r->real_mean_ms * 100;
    j["cache_hits"] = r->cache_hits;
    j["warnings"] = static_cast<uint64_t>(model->warnings.size());
    AddValidateMeta(&j, {.parv = f.parv,
                         .trace = f.trace,
                         .requested_format = f.trace_format,
                         .detected_format = std::string((*reader)->format()),
                         .records = r->requests,
                         .max_requests = f.max_requests});
    std::cout << DumpJson(j);
  } else {
    std::cout << absl::StrFormat(
        "validate %s (%s, %llu requests: %llu reads, %llu writes)\n"
        "on %s from %s, one request outstanding, issued gap after the previous completion\n\n",
        f.trace, (*reader)->format(), static_cast<unsigned long long>(r->requests),
        static_cast<unsigned long long>(r->reads), static_cast<unsigned long long>(r->writes),
        disk_name, f.parv);
    std::cout << absl::StrFormat("%-22s %11s %11s %9s\n", "access time (ms)", "simulated",
                                 "measured", "error");
    std::cout << absl::StrFormat("%-22s %11.3f %11.3f %9s\n", "mean, all", r->sim_mean_ms,
                                 r->real_mean_ms, Pct(r->sim_mean_ms, r->real_mean_ms));
    if (r->reads > 0) {
      std::cout << absl::StrFormat("%-22s %11.3f %11.3f %9s\n", "mean, reads", r->sim_read_mean_ms,
                                   r->real_read_mean_ms,
                                   Pct(r->sim_read_mean_ms, r->real_read_mean_ms));
    }
    if (r->writes > 0) {
      std::cout << absl::StrFormat("%-22s %11.3f %11.3f %9s\n", "mean, writes",
                                   r->sim_write_mean_ms, r->real_write_mean_ms,
                                   Pct(r->sim_write_mean_ms, r->real_write_mean_ms));
    }
    std::cout << absl::StrFormat(
        "\nrms (quantile, iosched): %.4f ms (10,000 quantiles of per-request values)\n"
        "rms (DiskSim buckets):   %.4f ms (DiskSim 4.0's rms on its 1750-bucket access time "
        "distributions; DiskSim's published figures are this one)\n"
        "simulated buffer hits: %llu whole read hits\n",
        r->rms_ms, r->rms_disksim_ms, static_cast<unsigned long long>(r->cache_hits));
  }
  std::cout.flush();
  if (!f.plot_dir.empty()) {
    std::vector<std::string> files;
    if (absl::Status st = WriteValidatePlot(*r, {f.trace, disk_name}, f.plot_dir, &files);
        !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& file : files) std::fprintf(stderr, "wrote %s\n", file.c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupValidate(CLI::App& app) {
  auto f = std::make_shared<ValidateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Replay a DiskSim validate trace on a DiskSim 4.0 drive model and compare simulated with "
      "measured access times");
  cmd->add_option("--parv", f->parv, "DiskSim 4.0 parameter file (.parv) of the drive")->required();
  cmd->add_option("--trace", f->trace,
                  "Trace with measured service times (DiskSim validate format)")
      ->required();
  cmd->add_option("--trace-format", f->trace_format, "Trace format (see `iosched formats`)")
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_option("--plot", f->plot_dir,
                  "Write the simulated and measured CDFs (validate_cdf.png, .svg) into this "
                  "directory");
  cmd->add_option("--max-requests", f->max_requests, "Replay only the first N requests (0: all)")
      ->transform(CountSuffix());
  return {cmd, [f] { return RunValidate(*f); }};
}

}  // namespace iosched
