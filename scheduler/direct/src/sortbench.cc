// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/sortbench.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iosched/direct_file.h"
#include "iosched/layout_probe.h"
#include "iosched/scheduler.h"
#include "iosched/status_macros.h"

namespace iosched {

absl::StatusOr<std::vector<SortOrder>> ParseSortOrders(const std::string& list) {
  std::vector<SortOrder> out;
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

namespace {

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

// Opens every file of the tree for the whole benchmark (every request is
// queued at once, so every file stays open at once), raising the soft
// RLIMIT_NOFILE to the hard one if needed.
absl::StatusOr<std::vector<DirectFile>> OpenTree(const std::string& dir,
                                                 const std::vector<std::string>& paths) {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && paths.size() + 64 > rl.rlim_cur) {
    return absl::ResourceExhaustedError(
        absl::StrCat(dir, ": ", paths.size(), " files but only ", rl.rlim_cur,
                     " open files allowed (ulimit -n); pick a smaller tree"));
  }
  std::vector<DirectFile> files;
  files.reserve(paths.size());
  for (const std::string& p : paths) {
    IOSCHED_ASSIGN_OR_RETURN(DirectFile df, DirectFile::Open(p, DirectFile::Options{}));
    files.push_back(std::move(df));
  }
  return files;
}

// What the keys cost: every request keyed once more with a fresh probe (cold
// per-file cache), after the timed run so that it cannot warm anything the
// run reads. Seconds.
double KeyingPass(const SortOrder& o, const std::vector<DirectFile>& files,
                  const std::vector<uint32_t>& list, uint64_t req_bytes) {
  const std::vector<ProbeMethod> chain =
      o.name == "inode"    ? std::vector<ProbeMethod>{ProbeMethod::kInode}
      : o.name == "fibmap" ? std::vector<ProbeMethod>{ProbeMethod::kFibmap, ProbeMethod::kInode}
                           : DefaultProbeChain();
  SystemLayoutProbe probe;
  const auto k0 = std::chrono::steady_clock::now();
  for (uint32_t fi : list) {
    for (uint64_t off = 0; off < files[fi].size(); off += req_bytes) {
      ComputeLayoutKey(probe, chain, files[fi].fd(), off, /*first_block=*/false);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - k0).count();
}

// One timed run: every request of every file in `list` order queued under
// one plug, released, drained.
absl::StatusOr<SortbenchRun> TimedRun(const SortbenchOptions& opt, const SortOrder& o,
                                      const std::vector<DirectFile>& files,
                                      const std::vector<uint32_t>& list, uint64_t req_bytes,
                                      void* buffer) {
  uint64_t count = 0;
  for (const DirectFile& df : files) count += (df.size() + req_bytes - 1) / req_bytes;
  auto requests = std::make_unique<IoRequest[]>(count);
  SortbenchRun r;
  r.order = o.name;
  r.elevator = o.elevator;
  r.requests = count;
  SchedulerOptions so;
  so.elevator = o.elevator;
  so.depth = opt.depth;
  so.backend = opt.backend;
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<Scheduler> s, Scheduler::Create(so));
  uint64_t n = 0;
  s->Plug();
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t fi : list) {
    const DirectFile& df = files[fi];
    for (uint64_t off = 0; off < df.size(); off += req_bytes) {
      IoRequest& rq = requests[n];
      rq.id = n++;
      rq.op = Op::kRead;
      rq.offset = off;
      rq.length = static_cast<uint32_t>(req_bytes);  // the last one reads short
      rq.buffer = buffer;
      rq.file = &df;
      IOSCHED_RETURN_IF_ERROR(
          s->Submit(rq, [&r](IoRequest&, const absl::Status& status, uint32_t bytes) {
            r.bytes += bytes;
            if (!status.ok() && r.errors++ == 0) r.first_error = std::string(status.message());
          }));
    }
  }
  s->Unplug();
  absl::Status drained = s->Drain();
  const auto end = std::chrono::steady_clock::now();
  IOSCHED_RETURN_IF_ERROR(drained);
  r.seconds = std::chrono::duration<double>(end - start).count();
  for (const auto& [name, value] : s->elevator().Counters()) {
    if (value != 0 && (name.rfind("keyed_", 0) == 0 || name.rfind("fallback_", 0) == 0)) {
      r.counters.emplace_back(name, value);
    }
  }
  s->Shutdown();
  return r;
}

}  // namespace

absl::StatusOr<SortbenchResult> RunSortbench(const SortbenchOptions& opt) {
  if (opt.orders.empty()) return absl::InvalidArgumentError("sortbench: no order given");
  IOSCHED_ASSIGN_OR_RETURN(std::vector<std::string> paths, ListFiles(opt.dir, opt.max_files));
  IOSCHED_ASSIGN_OR_RETURN(std::vector<DirectFile> files, OpenTree(opt.dir, paths));
  uint32_t mem_align = 4096, off_align = 512;
  SortbenchResult out;
  for (const DirectFile& df : files) {
    mem_align = std::max(mem_align, df.alignment().memory);
    off_align = std::max(off_align, df.alignment().offset);
    out.total_bytes += df.size();
  }
  out.files = files.size();
  const uint64_t req_bytes =
      std::max<uint64_t>(off_align, opt.request_bytes / off_align * off_align);
  out.request_bytes = req_bytes;
  void* raw = nullptr;
  if (::posix_memalign(&raw, mem_align, req_bytes) != 0) {
    return absl::ResourceExhaustedError("cannot allocate the read buffer");
  }
  std::unique_ptr<void, void (*)(void*)> buffer(raw, std::free);

  // The random order is the same for every run that uses it.
  std::vector<uint32_t> random_order(files.size());
  std::iota(random_order.begin(), random_order.end(), 0);
  std::mt19937_64 rng(opt.seed);
  std::shuffle(random_order.begin(), random_order.end(), rng);

  for (uint32_t rep = 0; rep < opt.repeat; ++rep) {
    for (size_t k = 0; k < opt.orders.size(); ++k) {
      const SortOrder& o = opt.orders[(k + rep) % opt.orders.size()];
      std::vector<uint32_t> list = random_order;
      if (o.name == "path") std::sort(list.begin(), list.end());  // paths are sorted
      IOSCHED_ASSIGN_OR_RETURN(SortbenchRun r,
                               TimedRun(opt, o, files, list, req_bytes, buffer.get()));
      r.rep = rep + 1;
      if (o.elevator != "noop") r.key_seconds = KeyingPass(o, files, list, req_bytes);
      out.runs.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace iosched
