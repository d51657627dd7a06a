// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DiskSim 4.0 interoperability: import a validated drive from its parameter
// files, and replay a DiskSim "validate" trace the way DiskSim's validation
// does.
//
// LoadDiskSimParv reads a DiskSim 4.0 .parv file with libparam's syntax:
// blocks `type name { Param name = value, … }`, nested blocks, lists
// `[ … ]`, `source FILE` (a whole file in place of a value or at top level),
// `instantiate [ names ] as spec`, `topology …`, `#` comments. It finds the
// single disk the topology attaches (a `disksim_disk` block instantiated
// and placed under a bus), the bus it hangs off and the controller above
// it, and its `dm_disk` model (`dm_layout_g1` zones, `dm_mech_g1`
// mechanics; a `Full seek curve` .seek file for the "extracted" seek type),
// and fills HddParams field by field (hdd_params.h). Files named by
// `source` and `Full seek curve` are resolved relative to the directory of
// the file that names them; if that file does not exist, the including
// file's name prefix is tried: iosched bundles DiskSim's hp_c2247a.diskspecs
// as disksim-hp_c2247a.diskspecs, so from disksim-hp_c2247a.parv a
// `source hp_c2247a.diskspecs` falls back to disksim-hp_c2247a.diskspecs
// (the prefix is the including file's name up to and including its last
// '-'; a name without '-' has no fallback).
//
// Every parameter the model does not use is reported in `warnings` (one
// line per block: the block, its file:line and the parameter names, with
// the reason); nothing is silently ignored.
//
// Errors are InvalidArgument/NotFound "path:line: what": a missing file
// ("path:line: cannot open source file 'X' (tried A, B)"), an unknown block
// type, a malformed number, a missing or out-of-range parameter, a second
// disk, a layout or mechanics type the model lacks.
//
// Thread-safety: the functions are thread-safe (no shared state).

#ifndef IOSCHED_DISKSIM_H_
#define IOSCHED_DISKSIM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"
#include "iosched/time.h"
#include "iosched/trace.h"

namespace iosched {

struct DiskSimImport {
  // params.name is the disk spec's block name (e.g. "HP_C2247A_validate").
  HddParams params;
  std::string path;                   // the .parv file
  std::string instance;               // the disk's instance name ("disk0")
  std::vector<std::string> warnings;  // parameters not modelled, one line each
};

absl::StatusOr<DiskSimImport> LoadDiskSimParv(const std::string& path);

// ---- DiskSim validation ------------------------------------------------------
//
// RunValidation replays a trace whose records carry the measured service
// time (response_ns; DiskSim validate traces: "service_us") the way DiskSim
// runs `validate`: one request outstanding; request 0 is issued at t = 0,
// request i + 1 `gap` after request i completes, where gap is record i's
// think_ns (the validate trace's gap_us; DiskSim
// iotrace_validate_get_ioreq_event schedules the next request at
// completion + previous gap). Without think_ns the gap is the recorded
// time difference minus the measured response, clamped at 0. The simulated
// access time of a request is completion − issue (DiskSim's "physical
// access time" at the driver).
//
// The RMS is the demerit figure of Ruemmler & Wilkes that DiskSim's
// validation reports, computed from the per-request values rather than
// from histogram buckets: the root mean square of the difference between
// the simulated and measured quantile functions sampled at the 10,000
// quantiles q = i/10000, i = 1..10000, where the q-quantile of n sorted
// values v is v[ceil(q·n) − 1].

struct ValidationOptions {
  std::string trace_name;     // for error messages ("TRACE:LINE: …")
  uint64_t max_requests = 0;  // 0: the whole trace
};

struct ValidationResult {
  uint64_t requests = 0;
  uint64_t reads = 0, writes = 0;
  // Per request, in trace order.
  std::vector<Duration> simulated, measured;
  std::vector<bool> is_read;
  uint64_t cache_hits = 0;  // whole read hits in the simulated buffer
  double sim_mean_ms = 0, real_mean_ms = 0;
  double sim_read_mean_ms = 0, real_read_mean_ms = 0;
  double sim_write_mean_ms = 0, real_write_mean_ms = 0;
  double rms_ms = 0;
};

// Fails with the reader's error, "TRACE:LINE: request … ends beyond the
// capacity of DISK (N sectors)", or "TRACE:LINE: no measured service time"
// (InvalidArgument). `disk` must be fresh.
absl::StatusOr<ValidationResult> RunValidation(TraceReader& reader, DiskModel& disk,
                                               const ValidationOptions& options = {});

// RMS (ms) of the difference of the two quantile functions at `points`
// evenly spaced quantiles (see above). 0 if either is empty.
double QuantileRmsMs(std::vector<Duration> a, std::vector<Duration> b, int points = 10000);

}  // namespace iosched

#endif  // IOSCHED_DISKSIM_H_
