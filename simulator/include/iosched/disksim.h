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
// Two RMS figures are computed, both the demerit figure of Ruemmler &
// Wilkes (the root mean square horizontal distance between the simulated
// and the measured access-time CDFs), in milliseconds:
//
//  * rms_ms, "rms (quantile, iosched)": from the per-request values, at the
//    10,000 quantiles q = i/10000, i = 1..10000, where the q-quantile of n
//    sorted values v is v[ceil(q·n) − 1]. No bucketing error.
//
//  * rms_disksim_ms, "rms (DiskSim buckets)": the figure DiskSim 4.0's
//    `valid/runvalid` prints and its published "rms should be about …"
//    values refer to (0.090 for the HP C2247A). DiskSim's `rms` utility
//    compares the "IOdriver Physical access time distribution" with the
//    "VALIDATE Trace access time distribution" that DiskSim prints. Both
//    statistics are defined in DiskSim 4.0's `valid/statdefs` as
//      Distribution size: 1750, Scale/Equals: 1000/0,
//      Start 0  step 1  grow 1
//    i.e. 1,750 buckets over microseconds whose lower bounds are
//    s[0] = 0, s[i+1] = s[i] + 1 + floor(s[i] · 1 / 100): 0, 1, …, 100,
//    102, 104, …, 200, 203, … (1 µs wide up to 100 µs, then about 1 %
//    wider each), the last one open-ended. A value v (ms) is counted at
//    u = trunc(v · 1000) µs in the bucket k ≥ 1 with s[k−1] <= u < s[k]
//    (k = 1749 if u >= s[1748]); bucket 0 stays empty. DiskSim prints
//    row k as (x = s[k] / 1000 ms, y = cumulative fraction of the buckets
//    0..k, printed with "%f", i.e. rounded to 6 decimals), so (x, y) is a
//    point of the CDF "fraction of values below x". The `rms` utility
//    reads the rows up to the first with y >= 1, and for
//    p = 0.0001, 0.0002, … (accumulated in double, 10,000 points, the last
//    just below 1) takes in each distribution the first row i with
//    y[i] >= p and interpolates x linearly between rows i − 1 and i; the
//    RMS is sqrt(mean of (x_sim(p) − x_measured(p))²). The measured value
//    is DiskSim's service_us / 1000 (ms); the simulated one completion −
//    issue in ms. Bucketing makes this figure differ from rms_ms by up to
//    about 1 % of the access time per point.

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
  double rms_ms = 0;          // rms (quantile, iosched)
  double rms_disksim_ms = 0;  // rms (DiskSim buckets)
};

// Fails with the reader's error, "TRACE:LINE: request … ends beyond the
// capacity of DISK (N sectors)", or "TRACE:LINE: no measured service time"
// (InvalidArgument). `disk` must be fresh.
absl::StatusOr<ValidationResult> RunValidation(TraceReader& reader, DiskModel& disk,
                                               const ValidationOptions& options = {});

// RMS (ms) of the difference of the two quantile functions at `points`
// evenly spaced quantiles (see above). 0 if either is empty.
double QuantileRmsMs(std::vector<Duration> a, std::vector<Duration> b, int points = 10000);

// DiskSim 4.0's access-time distribution of `values` as DiskSim prints it
// (see above): rows k = 0 … 1749 of (bucket bound in ms, cumulative
// fraction rounded to 6 decimals). Empty if `values` is empty.
struct DiskSimCdfRow {
  double x_ms = 0;
  double cdf = 0;
};
std::vector<DiskSimCdfRow> DiskSimAccessTimeCdf(const std::vector<Duration>& values);

// Lower bound (µs) of bucket k of that distribution, 0 <= k < 1750.
int64_t DiskSimAccessTimeBucketStartUs(int k);

// DiskSim's `rms` utility on two printed distributions (see above); 0 if
// either is empty.
double DiskSimCdfRmsMs(const std::vector<DiskSimCdfRow>& a, const std::vector<DiskSimCdfRow>& b);

// DiskSimCdfRmsMs(DiskSimAccessTimeCdf(a), DiskSimAccessTimeCdf(b)).
double DiskSimBucketRmsMs(const std::vector<Duration>& a, const std::vector<Duration>& b);

}  // namespace iosched

#endif  // IOSCHED_DISKSIM_H_
