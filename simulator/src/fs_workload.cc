// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RunFsWorkload (fs_layout.h): "read every file of a tree" in one of the
// chapter's orders, through the shared Dispatcher on the event engine.

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine.h"
#include "iosched/dispatcher.h"
#include "iosched/fs_layout.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

constexpr FsOrder kAllOrders[] = {FsOrder::kRandom, FsOrder::kPath, FsOrder::kInode,
                                  FsOrder::kPhysical, FsOrder::kPhysicalFirst};

std::string ElevatorSpec(FsOrder order) {
  switch (order) {
    case FsOrder::kRandom:
    case FsOrder::kPath:
      return "noop";
    case FsOrder::kInode:
      return "inode";
    case FsOrder::kPhysical:
      return "physical";
    case FsOrder::kPhysicalFirst:
      return "physical:first_block=1";
  }
  return "noop";
}

}  // namespace

std::string_view FsOrderName(FsOrder order) {
  switch (order) {
    case FsOrder::kRandom:
      return "random";
    case FsOrder::kPath:
      return "path";
    case FsOrder::kInode:
      return "inode";
    case FsOrder::kPhysical:
      return "physical";
    case FsOrder::kPhysicalFirst:
      return "physical-first";
  }
  return "?";
}

absl::StatusOr<std::vector<FsOrder>> ParseFsOrders(std::string_view list) {
  std::vector<FsOrder> out;
  for (absl::string_view piece : absl::StrSplit(Sv(list), ',', absl::SkipWhitespace())) {
    const std::string_view name = StdSv(absl::StripAsciiWhitespace(piece));
    bool found = false;
    for (FsOrder o : kAllOrders) {
      if (FsOrderName(o) == name) {
        out.push_back(o);
        found = true;
      }
    }
    if (!found) {
      std::vector<std::string> names;
      for (FsOrder o : kAllOrders) names.emplace_back(FsOrderName(o));
      return absl::InvalidArgumentError(
          absl::StrCat("unknown order '", Sv(name), "' (known: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  if (out.empty()) return absl::InvalidArgumentError("no order given");
  return out;
}

absl::StatusOr<FsWorkloadResult> RunFsWorkload(const FsLayout& layout, FsOrder order,
                                               DiskModel& disk, const FsWorkloadOptions& options) {
  if (options.request_bytes < 512 || options.request_bytes % 512 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request size must be a positive multiple of 512 bytes, got ", options.request_bytes));
  }
  if (options.depth == 0) return absl::InvalidArgumentError("depth must be >= 1");
  if (layout.capacity_bytes() > disk.capacity_sectors() * 512) {
    return absl::InvalidArgumentError(
        absl::StrCat("the layout was built for ", layout.capacity_bytes(), " bytes but ",
                     Sv(disk.name()), " holds ", disk.capacity_sectors() * 512));
  }
  const std::vector<FsFile>& files = layout.files();

  // The application's file list: random, or sorted by path.
  std::vector<uint32_t> list(files.size());
  std::iota(list.begin(), list.end(), 0);
  std::mt19937_64 rng(options.seed);
  std::shuffle(list.begin(), list.end(), rng);
  if (order == FsOrder::kPath) {
    std::sort(list.begin(), list.end(),
              [&](uint32_t a, uint32_t b) { return files[a].path < files[b].path; });
  }

  // One request per request_bytes of each extent.
  uint64_t count = 0;
  for (const FsFile& f : files) {
    for (const Extent& x : f.extents) {
      count += (x.length + options.request_bytes - 1) / options.request_bytes;
    }
  }
  // Declared before the elevator: it must outlive every link to it.
  auto requests = std::make_unique<Request[]>(count);

  FsWorkloadResult result;
  result.order = order;
  result.elevator = ElevatorSpec(order);
  result.requests = count;
  ElevatorEnv env;
  env.rotational = disk.rotational();
  env.device_depth = options.depth;
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<Elevator> elevator, MakeElevator(result.elevator, env));
  if (order != FsOrder::kRandom && order != FsOrder::kPath) {
    IOSCHED_RETURN_IF_ERROR(SetElevatorLayoutProbe(*elevator, std::make_shared<FsLayoutProbe>(&layout)));
  }

  uint64_t n = 0;
  for (uint32_t fi : list) {
    for (const Extent& x : files[fi].extents) {
      for (uint64_t off = 0; off < x.length; off += options.request_bytes) {
        Request& r = requests[n];
        const uint64_t len = std::min<uint64_t>(options.request_bytes, x.length - off);
        r.id = n++;
        r.op = Op::kRead;
        r.sync = true;
        r.fd = static_cast<int>(fi);
        r.offset = x.logical + off;
        r.length = static_cast<uint32_t>(len);
        r.sector = (x.physical + off) / 512;
        r.sectors = static_cast<uint32_t>((len + 511) / 512);
      }
    }
  }

  sim::Simulation sim(&disk);
  Dispatcher dispatcher(elevator.get(), &sim.device(), &sim.clock(),
                        Dispatcher::Options{.depth = options.depth});
  sim.Attach(&dispatcher);
  RunMetrics metrics;
  dispatcher.set_observer(&metrics);
  uint64_t completed = 0;
  dispatcher.set_completion([&](Request&) { ++completed; });
  // The whole batch is queued before anything is issued.
  dispatcher.Plug();
  for (uint64_t i = 0; i < count; ++i) dispatcher.Submit(requests[i]);
  dispatcher.Unplug();
  while (true) {
    if (sim.Step()) continue;
    if (elevator->Empty()) break;
    dispatcher.Drain();
    if (sim.pending_events() == 0) break;
  }
  if (completed != count || !elevator->Empty()) {
    while (!elevator->Empty() && elevator->Dispatch(sim.now(), true).unit != nullptr) {
    }
    return absl::InternalError(absl::StrCat("fs workload (", Sv(FsOrderName(order)), "): ",
                                            completed, " of ", count, " requests completed"));
  }
  const sim::DeviceStats& dev = sim.device().stats();
  result.total = sim.now();
  result.seek = dev.seek;
  result.rotation = dev.rotation;
  result.transfer = dev.transfer;
  result.cache_hits = dev.cache_hits;
  result.summary = metrics.Summarize(elevator.get());
  return result;
}

}  // namespace iosched
