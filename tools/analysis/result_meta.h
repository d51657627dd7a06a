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
// Writers: compare and replay (CompareMetaJson/AddResultMeta; a `replay
// --target` run describes the real target as its disk), compare's CSV
// (CompareCsvMeta), fsbench and compare --fs-tree (AddFsSweepMeta),
// validate (AddValidateMeta) and the study cells (tools/study/study.h).
// Readers check CheckResultSchema first.
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
#include "fs_sweep.h"
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
// the path). FileSha256 remembers the last file it hashed: asked again for a
// regular file with the same device, inode, size and modification time, it
// answers without reading it. Thread-safe.
std::string Sha256Of(std::string_view data);
absl::StatusOr<std::string> FileSha256(const std::string& path);

// {"name": "iosched", "version", "git_describe", "argv"}.
OrderedJson ProgramJson(const std::vector<std::string>& argv);

// The replay settings and trace transforms of `o` (see above). `seed` is
// JSON null unless the trace is a generated workload.
OrderedJson SettingsJson(const CompareOptions& o);

// The disk of `o`: preset name, or the parv path with its content hash.
absl::StatusOr<OrderedJson> DiskJson(const CompareOptions& o);
// The same for a preset name or (when non-empty) a parv file.
absl::StatusOr<OrderedJson> DiskJson(const std::string& preset, const std::string& parv);

// {"path", "format", "records", "bytes", "sha256"} of the trace file at
// `path`; bytes and sha256 are null when the file cannot be read (stdin, a
// file removed since).
OrderedJson TraceJson(const std::string& path, const std::string& format, uint64_t records);

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

// The metadata as CSV columns, one row per run of `r` (CompareCsvHeader
// names them, in this order): schema_version, iosched_version, mode, depth,
// async_writes, time_scale, fit, disk (preset, parv path or real target),
// trace_sha256 and tunables ("name=value|name=value", the effective values
// of that run's elevator). Values are CSV-quoted where needed.
std::string CompareCsvHeader();
std::vector<std::string> CompareCsvMeta(const CompareResult& r);

// `fsbench` / `compare --fs-tree`: schema_version and meta {program,
// settings (the tree, request size, depth, seed, levels, orders), disk,
// trace: null (no trace: the workload is generated from settings.seed),
// elevators (one per order)}.
void AddFsSweepMeta(OrderedJson* doc, const FsSweepResult& r);
// The same flattened for fsbench's CSV: the header's leading columns
// (schema_version, iosched_version, disk, seed, files, dirs, fanout,
// min_file_kb, max_file_kb, request_kb, depth, jump_groups, tunables) and,
// for each run of a point (in the order of r.points[i].runs), its values.
std::string FsSweepCsvHeader();
std::vector<std::string> FsSweepCsvMeta(const FsSweepResult& r);

// `validate`: schema_version and meta {program, settings (max_requests,
// requested trace format), disk (the parv file), trace, elevators: []
// (validate issues one request at a time, in trace order, no elevator)}.
struct ValidateMetaInput {
  std::string parv, trace, requested_format, detected_format;
  uint64_t records = 0, max_requests = 0;
};
void AddValidateMeta(OrderedJson* doc, const ValidateMetaInput& in);

// Readers of results (plot, report): OK when `doc` carries
// "schema_version": kResultSchemaVersion; otherwise FailedPrecondition
// "SOURCE: results schema version N (expected 1); re-run …" (N is "0 (no
// schema_version)" for files written before schema v1).
absl::Status CheckResultSchema(const OrderedJson& doc, std::string_view source);

// `iosched report PATH`: OK unless PATH is a results document (a *.json file
// holding an object with "results" or "schema_version") rather than a trace.
// Then FailedPrecondition (CheckResultSchema's message) for an old schema,
// else InvalidArgument pointing to `iosched plot`.
absl::Status CheckNotResultsFile(const std::string& path);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_RESULT_META_H_
