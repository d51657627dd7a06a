// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched sortbench DIR [--order random,path,inode,physical]`: the real
// experiment of the chapter. Reads every regular file under DIR with
// O_DIRECT through an iosched::Scheduler, once per order (and repetition),
// and reports the time each order took:
//
//   random    files in a random order, elevator noop (FIFO)
//   path      files sorted by path, noop
//   inode     elevator inode (fstat keys)
//   physical  elevator physical (FIBMAP -> FIEMAP -> inode keys per request)
//   fibmap    elevator fibmap (FIBMAP -> inode; EPERM without CAP_SYS_RAWIO)
//
// inode, physical and fibmap get the files in the random order and sort
// them themselves, as an application would rely on them to.
//
// Every request of a run is queued (plugged) before the first is issued, so
// the user-space order is the only scheduler in play; the kernel's elevator
// then sees at most --depth requests at a time. O_DIRECT keeps the page
// cache out (dropping caches needs privileges); the device's own cache and,
// in a virtual machine, the host's page cache are NOT bypassed — repeat runs
// (--repeat) show how much they matter. Repetition r starts with order
// r mod (number of orders), so that no order is always the first to touch a
// cold cache. The data is discarded: every request reads into the same
// aligned buffer. The time includes computing the keys (fstat, FIBMAP or
// FIEMAP in the elevator's Add()), as it would for an application.
//
// Output: one row per run (order and repetition) with files, requests, MB,
// seconds, MB/s, how the keys were found (elevator counters) and keys_s:
// the time to key every request once with a fresh probe, measured in a
// separate pass after the run (the run's seconds include the same work, less
// what merging saved: merged requests are not keyed); with
// --repeat > 1 the table ends with the median and the minimum per order.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "commands.h"
#include "iosched/direct_file.h"
#include "iosched/layout_probe.h"
#include "iosched/scheduler.h"
#include "iosched/status_macros.h"

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

struct Order {
  std::string name, elevator;
};

absl::StatusOr<std::vector<Order>> ParseOrders(const std::string& list) {
  std::vector<Order> out;
  for (absl::string_view piece : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    if (piece == "random" || piece == "path") {
      out.push_back({std::string(piece), "noop"});
    } else if (piece == "inode" || piece == "physical" || piece == "fibmap") {
      out.push_back({std::string(piece), std::string(piece)});
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--order: unknown order '", piece, "' (known: random, path, inode, physical, fibmap)"));
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (out[i].name == out[j].name) {
        return absl::InvalidArgumentError(
            absl::StrCat("--order: '", out[i].name, "' appears twice; use --repeat"));
      }
    }
  }
  if (out.empty()) return absl::InvalidArgumentError("--order: no order given");
  return out;
}

// Regular files under `dir` (symlinks not followed), sorted by path.
absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir, uint32_t max_files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    return absl::NotFoundError(absl::StrCat(dir, ": ", ec ? ec.message() : "no such directory"));
  }
  if (!fs::is_directory(st)) {
    return absl::InvalidArgumentError(absl::StrCat(dir, ": expected a directory"));
  }
  std::vector<std::string> files;
  for (auto it =
           fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec) && it->file_size(ec) > 0 && !ec) {
      files.push_back(it->path().string());
      if (files.size() > max_files) {
        return absl::InvalidArgumentError(absl::StrCat(
            dir, ": more than ", max_files, " files; raise --max-files or pick a smaller tree"));
      }
    }
    ec.clear();
  }
  if (files.empty()) {
    return absl::NotFoundError(absl::StrCat(dir, ": no non-empty regular files under it"));
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct RunResult {
  std::string order, elevator;
  uint32_t rep = 0;
  uint64_t requests = 0, bytes = 0, errors = 0;
  double seconds = 0;
  double key_seconds = -1;  // the separate keying pass; < 0: none (random, path)
  std::vector<std::pair<std::string, int64_t>> counters;
  std::string first_error;
};

int RunSortbench(const SortbenchFlags& f) {
  absl::StatusOr<std::vector<Order>> orders = ParseOrders(f.orders);
  if (!orders.ok()) return Fail(kExitUsage, std::string(orders.status().message()));
  absl::StatusOr<IoBackendKind> backend = ParseIoBackend(f.backend);
  if (!backend.ok()) return Fail(kExitUsage, std::string(backend.status().message()));
  absl::StatusOr<std::vector<std::string>> paths = ListFiles(f.dir, f.max_files);
  if (!paths.ok()) {
    return Fail(kExitRuntime, std::string(paths.status().message()));
  }
  // One descriptor per file for the whole benchmark.
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  // Every request is queued at once, so every file stays open at once.
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && paths->size() + 64 > rl.rlim_cur) {
    return Fail(kExitRuntime,
                absl::StrCat(f.dir, ": ", paths->size(), " files but only ", rl.rlim_cur,
                             " open files allowed (ulimit -n); pick a smaller tree"));
  }
  std::vector<DirectFile> files;
  files.reserve(paths->size());
  uint32_t mem_align = 4096, off_align = 512;
  for (const std::string& p : *paths) {
    absl::StatusOr<DirectFile> df = DirectFile::Open(p, DirectFile::Options{});
    if (!df.ok()) return Fail(kExitRuntime, std::string(df.status().message()));
    mem_align = std::max(mem_align, df->alignment().memory);
    off_align = std::max(off_align, df->alignment().offset);
    files.push_back(*std::move(df));
  }
  const uint64_t req_bytes =
      std::max<uint64_t>(off_align, (uint64_t{f.request_kb} << 10) / off_align * off_align);
  void* raw = nullptr;
  if (::posix_memalign(&raw, mem_align, req_bytes) != 0) {
    return Fail(kExitRuntime, "cannot allocate the read buffer");
  }
  std::unique_ptr<void, void (*)(void*)> buffer(raw, std::free);

  // The random order is the same for every run that uses it.
  std::vector<uint32_t> random_order(files.size());
  std::iota(random_order.begin(), random_order.end(), 0);
  std::mt19937_64 rng(f.seed);
  std::shuffle(random_order.begin(), random_order.end(), rng);

  std::vector<RunResult> results;
  for (uint32_t rep = 0; rep < f.repeat; ++rep) {
    for (size_t k = 0; k < orders->size(); ++k) {
      const Order& o = (*orders)[(k + rep) % orders->size()];
      std::vector<uint32_t> list = random_order;
      if (o.name == "path") std::sort(list.begin(), list.end());  // paths are sorted
      uint64_t count = 0;
      for (const DirectFile& df : files) count += (df.size() + req_bytes - 1) / req_bytes;
      auto requests = std::make_unique<IoRequest[]>(count);
      RunResult r;
      r.order = o.name;
      r.elevator = o.elevator;
      r.rep = rep + 1;
      r.requests = count;
      SchedulerOptions so;
      so.elevator = o.elevator;
      so.depth = f.depth;
      so.backend = *backend;
      absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(so);
      if (!s.ok()) return Fail(kExitRuntime, std::string(s.status().message()));
      uint64_t n = 0;
      (*s)->Plug();
      const auto start = std::chrono::steady_clock::now();
      for (uint32_t fi : list) {
        const DirectFile& df = files[fi];
        for (uint64_t off = 0; off < df.size(); off += req_bytes) {
          IoRequest& rq = requests[n];
          rq.id = n++;
          rq.op = Op::kRead;
          rq.offset = off;
          rq.length = static_cast<uint32_t>(req_bytes);  // the last one reads short
          rq.buffer = buffer.get();
          rq.file = &df;
          absl::Status st =
              (*s)->Submit(rq, [&r](IoRequest&, const absl::Status& status, uint32_t bytes) {
                r.bytes += bytes;
                if (!status.ok() && r.errors++ == 0) r.first_error = std::string(status.message());
              });
          if (!st.ok()) return Fail(kExitRuntime, std::string(st.message()));
        }
      }
      (*s)->Unplug();
      absl::Status drained = (*s)->Drain();
      const auto end = std::chrono::steady_clock::now();
      if (!drained.ok()) return Fail(kExitRuntime, std::string(drained.message()));
      r.seconds = std::chrono::duration<double>(end - start).count();
      for (const auto& [name, value] : (*s)->elevator().Counters()) {
        if (value != 0 && (name.rfind("keyed_", 0) == 0 || name.rfind("fallback_", 0) == 0)) {
          r.counters.emplace_back(name, value);
        }
      }
      (*s)->Shutdown();
      if (o.elevator != "noop") {
        // What the keys cost: every request keyed once more, with a fresh
        // probe (cold per-file cache), after the timed run so that it
        // cannot warm anything the run reads.
        const std::vector<ProbeMethod> chain =
            o.name == "inode" ? std::vector<ProbeMethod>{ProbeMethod::kInode}
            : o.name == "fibmap"
                ? std::vector<ProbeMethod>{ProbeMethod::kFibmap, ProbeMethod::kInode}
                : DefaultProbeChain();
        SystemLayoutProbe probe;
        const auto k0 = std::chrono::steady_clock::now();
        for (uint32_t fi : list) {
          for (uint64_t off = 0; off < files[fi].size(); off += req_bytes) {
            ComputeLayoutKey(probe, chain, files[fi].fd(), off, /*first_block=*/false);
          }
        }
        r.key_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - k0).count();
      }
      results.push_back(std::move(r));
    }
  }

  uint64_t total = 0;
  for (const DirectFile& df : files) total += df.size();
  if (f.format == "csv") {
    std::cout << "order,elevator,files,requests,bytes,seconds,mb_s,errors,keys,rep,keys_s\n";
    for (const RunResult& r : results) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : r.counters) keys.push_back(absl::StrCat(k, "=", v));
      std::cout << absl::StrFormat("%s,%s,%u,%u,%u,%.6f,%.3f,%u,%s,%u,%s\n", r.order, r.elevator,
                                   files.size(), r.requests, r.bytes, r.seconds,
                                   r.bytes / 1e6 / std::max(r.seconds, 1e-9), r.errors,
                                   absl::StrJoin(keys, "|"), r.rep,
                                   r.key_seconds < 0 ? "" : absl::StrFormat("%.6f", r.key_seconds));
    }
  } else {
    std::cout << absl::StrFormat(
        "sortbench: %u files (%.1f MB) under %s, %u KiB O_DIRECT reads, depth %u, all queued "
        "at once\n",
        files.size(), total / 1e6, f.dir, req_bytes >> 10, f.depth);
    std::cout << absl::StrFormat("%-10s %-10s %4s %9s %10s %9s %7s  %s\n", "order", "elevator",
                                 "rep", "seconds", "MB/s", "keys_s", "errors", "keys");
    for (const RunResult& r : results) {
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
      for (const Order& o : *orders) {
        std::vector<double> t;
        for (const RunResult& r : results) {
          if (r.order == o.name) t.push_back(r.seconds);
        }
        std::sort(t.begin(), t.end());
        const double median =
            t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
        std::cout << absl::StrFormat("%-10s %10.3f %10.3f %10.3f\n", o.name, median, t.front(),
                                     t.back());
      }
    }
  }
  std::cout.flush();
  for (const RunResult& r : results) {
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
  cmd->add_option("--max-files", f->max_files, "Refuse larger trees")->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv"}))
      ->capture_default_str();
  return {cmd, [f] { return RunSortbench(*f); }};
}

}  // namespace iosched
