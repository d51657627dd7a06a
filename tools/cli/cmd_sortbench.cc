// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched sortbench DIR [--order random,path,inode,physical]`: the real
// experiment of Love's chapter 4, RunSortbench in
// scheduler/direct/include/iosched/sortbench.h; this file parses flags and
// prints one row per run (order and repetition) with files, requests, MB,
// seconds, MB/s, how the keys were found (elevator counters) and keys_s (the
// separate keying pass); with --repeat > 1 the table ends with the median
// and the minimum per order. --format csv: one row per run; --format json:
// {"dir", "files", "total_bytes", "request_bytes", "depth", "runs": [{"order",
// "elevator", "rep", "requests", "bytes", "seconds", "mb_s", "keys_s" (null
// without a keying pass), "errors", "counters": {...}}]}.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "commands.h"
#include "iosched/sortbench.h"
#include "json_io.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct SortbenchFlags {
  std::string dir;
  std::string orders = "random,path,inode,physical";  // --order
  std::string backend = "auto";
  std::string format = "table";
  uint32_t request_kb = 1024, depth = 1, repeat = 1;
  uint64_t seed = 1;
  uint32_t max_files = 20000;
};

// The orders of the runs, each once, in first-run order.
std::vector<std::string> OrderNames(const SortbenchResult& res) {
  std::vector<std::string> names;
  for (const SortbenchRun& r : res.runs) {
    if (std::find(names.begin(), names.end(), r.order) == names.end()) names.push_back(r.order);
  }
  return names;
}

void PrintCsv(const SortbenchResult& res) {
  std::cout << "order,elevator,files,requests,bytes,seconds,mb_s,errors,keys,rep,keys_s\n";
  for (const SortbenchRun& r : res.runs) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : r.counters) keys.push_back(absl::StrCat(k, "=", v));
    std::cout << absl::StrFormat("%s,%s,%u,%u,%u,%.6f,%.3f,%u,%s,%u,%s\n", r.order, r.elevator,
                                 res.files, r.requests, r.bytes, r.seconds,
                                 r.bytes / 1e6 / std::max(r.seconds, 1e-9), r.errors,
                                 absl::StrJoin(keys, "|"), r.rep,
                                 r.key_seconds < 0 ? "" : absl::StrFormat("%.6f", r.key_seconds));
  }
}

void PrintJson(const SortbenchFlags& f, const SortbenchResult& res) {
  Json doc;
  doc["dir"] = f.dir;
  doc["files"] = res.files;
  doc["total_bytes"] = res.total_bytes;
  doc["request_bytes"] = res.request_bytes;
  doc["depth"] = f.depth;
  Json& runs = doc["runs"] = Json::array();
  for (const SortbenchRun& r : res.runs) {
    Json j;
    j["order"] = r.order;
    j["elevator"] = r.elevator;
    j["rep"] = r.rep;
    j["requests"] = r.requests;
    j["bytes"] = r.bytes;
    j["seconds"] = r.seconds;
    j["mb_s"] = r.bytes / 1e6 / std::max(r.seconds, 1e-9);
    j["keys_s"] = r.key_seconds < 0 ? Json() : Json(r.key_seconds);
    j["errors"] = r.errors;
    Json& counters = j["counters"] = Json::object();
    for (const auto& [k, v] : r.counters) counters[k] = v;
    runs.push_back(std::move(j));
  }
  std::cout << DumpJson(doc);
}

void PrintTable(const SortbenchFlags& f, const SortbenchResult& res) {
  std::cout << absl::StrFormat(
      "sortbench: %u files (%.1f MB) under %s, %u KiB O_DIRECT reads, depth %u, all queued "
      "at once\n",
      res.files, res.total_bytes / 1e6, f.dir, res.request_bytes >> 10, f.depth);
  std::cout << absl::StrFormat("%-10s %-10s %4s %9s %10s %9s %7s  %s\n", "order", "elevator",
                               "rep", "seconds", "MB/s", "keys_s", "errors", "keys");
  for (const SortbenchRun& r : res.runs) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : r.counters) keys.push_back(absl::StrCat(k, "=", v));
    std::cout << absl::StrFormat("%-10s %-10s %4u %9.3f %10.1f %9s %7u  %s\n", r.order,
                                 r.elevator, r.rep, r.seconds,
                                 r.bytes / 1e6 / std::max(r.seconds, 1e-9),
                                 r.key_seconds < 0 ? "-" : absl::StrFormat("%.3f", r.key_seconds),
                                 r.errors, absl::StrJoin(keys, " "));
  }
  if (f.repeat > 1) {
    std::cout << absl::StrFormat("\n%-10s %10s %10s %10s\n", "order", "median_s", "min_s",
                                 "max_s");
    for (const std::string& name : OrderNames(res)) {
      std::vector<double> t;
      for (const SortbenchRun& r : res.runs) {
        if (r.order == name) t.push_back(r.seconds);
      }
      std::sort(t.begin(), t.end());
      const double median =
          t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
      std::cout << absl::StrFormat("%-10s %10.3f %10.3f %10.3f\n", name, median, t.front(),
                                   t.back());
    }
  }
}

int RunSortbenchCommand(const SortbenchFlags& f) {
  SortbenchOptions o;
  absl::StatusOr<std::vector<SortOrder>> orders = ParseSortOrders(f.orders);
  if (!orders.ok()) return Fail(kExitUsage, std::string(orders.status().message()));
  o.orders = *orders;
  absl::StatusOr<IoBackendKind> backend = ParseIoBackend(f.backend);
  if (!backend.ok()) return Fail(kExitUsage, std::string(backend.status().message()));
  o.backend = *backend;
  o.dir = f.dir;
  o.request_bytes = uint64_t{f.request_kb} << 10;
  o.depth = f.depth;
  o.repeat = f.repeat;
  o.seed = f.seed;
  o.max_files = f.max_files;
  absl::StatusOr<SortbenchResult> res = RunSortbench(o);
  if (!res.ok()) return Fail(kExitRuntime, std::string(res.status().message()));
  if (f.format == "csv") {
    PrintCsv(*res);
  } else if (f.format == "json") {
    PrintJson(f, *res);
  } else {
    PrintTable(f, *res);
  }
  std::cout.flush();
  for (const SortbenchRun& r : res->runs) {
    if (r.errors != 0) {
      return Fail(kExitRuntime,
                  absl::StrCat(r.order, ": ", r.errors, " reads failed; first: ", r.first_error));
    }
  }
  return kExitOk;
}

}  // namespace

Command SetupSortbench(CLI::App& app) {
  auto f = std::make_shared<SortbenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sortbench",
      "Read every file under DIR with O_DIRECT in random, path, inode and physical order");
  cmd->add_option("dir", f->dir, "Directory tree to read")->required();
  cmd->add_option("--order,--orders", f->orders,
                  "Comma-separated: random, path, inode, physical, fibmap")
      ->capture_default_str();
  cmd->add_option("--request-kb", f->request_kb, "Read size (KiB, rounded to the alignment)")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
  cmd->add_option("--depth", f->depth, "Reads in flight at the device")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cmd->add_option("--repeat", f->repeat, "Run every order this many times")
      ->check(CLI::Range(1u, 100u))
      ->capture_default_str();
  cmd->add_option("--backend", f->backend, "auto, io_uring or psync")
      ->check(CLI::IsMember({"auto", "io_uring", "psync"}))
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed of the random order")->capture_default_str();
  cmd->add_option("--max-files", f->max_files, "Refuse larger trees")
      ->transform(CountSuffix())
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  return {cmd, [f] { return RunSortbenchCommand(*f); }};
}

}  // namespace iosched
