// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Self-describing results (schema version 1, docs/results-schema.md): the
// blocks every machine-readable result carries so that two runs with
// different settings can never produce indistinguishable files.
//
//   "schema_version": 1
//   "program":  {"name": "iosched", "version", "git_describe", "argv": [...]}
//   "settings": every replay setting that affects the numbers (mode, depth,
//               async_writes, time_scale, fit, max_requests, think_cap_ns,
//               closed_window, read options, trace transforms, seed)
//   "disk":     {"preset" | "parv" + "parv_sha256", "model", "capacity_sectors",
//               "rotational"}
//   "trace":    {"path", "format", "records", "bytes", "sha256"}
//   "elevators": [{"spec", "elevator", "tunables": {NAME: {"value", "unit"}}}]
//               the EFFECTIVE value of every tunable (defaults included) of
//               an elevator built from the spec for this disk and depth.
//
// JSON is built with nlohmann::ordered_json (keys in insertion order);
// doubles are written in the shortest form that reads back to the same bits.
// Hashes are "sha256:" + 64 lowercase hex digits of the file's bytes as
// stored (a compressed trace is hashed compressed).
//
// Thread-safety: every function is reentrant.

#ifndef IOSCHED_TOOLS_RESULT_META_H_
#define IOSCHED_TOOLS_RESULT_META_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "compare.h"
#include "iosched/elevator.h"
#include "iosched/replay.h"

namespace iosched {

using OrderedJson = nlohmann::ordered_json;

inline constexpr int kResultSchemaVersion = 1;

// The version of this build ("0.1.0") and `git describe --always --dirty`
// at configure time ("" when not built from a git checkout).
std::string IoschedVersion();
std::string IoschedGitDescribe();

// "sha256:<hex>" of `data` / of the file at `path` (streamed; errors name
// the path).
std::string Sha256Of(std::string_view data);
absl::StatusOr<std::string> FileSha256(const std::string& path);

// {"name": "iosched", "version", "git_describe", "argv"}.
OrderedJson ProgramJson(const std::vector<std::string>& argv);

// The replay settings and trace transforms of `o` (see above). `seed` is
// JSON null unless the trace is a generated workload.
OrderedJson SettingsJson(const CompareOptions& o);

// The disk of `o`: preset name, or the parv path with its content hash.
absl::StatusOr<OrderedJson> DiskJson(const CompareOptions& o);

// {NAME: {"value": text, "unit": unit}} of an elevator built from `spec`
// for `env`: the effective values, defaults included.
absl::StatusOr<OrderedJson> TunablesJson(const std::string& spec, const ElevatorEnv& env);

// The scalar metrics of one replay (full precision) plus "counters".
OrderedJson MetricsJson(const ReplayResult& r);

// Everything above for a finished comparison: schema_version, program
// (argv of this process), settings, disk, trace fingerprint, elevators.
absl::StatusOr<OrderedJson> CompareMetaJson(const CompareResult& r);

// Adds "schema_version" and "meta" (CompareMetaJson) as the last keys of
// `doc` (an object, e.g. FormatCompareJson's). If the meta cannot be built
// (the trace vanished), "meta" holds {"error": …}.
void AddResultMeta(OrderedJson* doc, const CompareResult& r);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_RESULT_META_H_
