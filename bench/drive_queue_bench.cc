// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The simulator's speed with a queueing drive: a closed-loop replay of 4 KiB
// random reads (the random-readers scenario, 32 streams, zero think time)
// on sata-7200, host FCFS, the drive's queue at depth 1 (no queue: the
// baseline), 4 and 32, with the drive choosing by fcfs, clook and sptf
// (fresh angle). Reported: simulated requests per second of wall time, and
// each run against depth 1 in the same process. SPTF's choice is linear in
// the commands waiting in the drive (at most depth − 1), so depth 32 costs
// a bounded factor per request, never a factor growing with the trace.
//
//   build/bin/drive_queue_bench --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>

#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "iosched/trace_generator.h"
#include "ratio_reporter.h"

namespace iosched {
namespace {

constexpr uint64_t kRequests = 20000;

void BM_Replay(benchmark::State& state, std::string policy) {
  const uint32_t depth = static_cast<uint32_t>(state.range(0));
  uint64_t done = 0;
  double sim_mean_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    absl::StatusOr<HddParams> p = HddPresetParams("sata-7200:queue_depth=" + std::to_string(depth) +
                                                  ",queue_policy=" + policy);
    if (!p.ok()) {
      state.SkipWithError(std::string(p.status().message()).c_str());
      return;
    }
    auto disk = MakeHddModel(*p);
    GeneratorOptions g;
    g.seed = 42;
    g.requests = kRequests;
    g.streams = 32;
    g.think_ns = 0;
    g.capacity = (*disk)->capacity_sectors() * 512 / 4096 * 4096;
    auto trace = MakeGenerator("random-readers", g);
    auto elevator = MakeElevator("fcfs");
    ReplayOptions o;
    o.mode = ReplayMode::kClosed;
    state.ResumeTiming();
    absl::StatusOr<ReplayResult> r = Replay(**trace, **elevator, **disk, o);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    done += r->summary.completed;
    sim_mean_ms = r->summary.all.lat_mean_ms;
  }
  state.SetItemsProcessed(static_cast<int64_t>(done));
  state.counters["sim_mean_ms"] = sim_mean_ms;
}

void PrintRatios(const RatioReporter::Times& ns) {
  auto find = [&](const std::string& name) {
    auto it = ns.find(name);
    return it == ns.end() ? 0.0 : it->second;
  };
  const double base = find("BM_Replay/fcfs/depth:1");
  if (base == 0) return;
  // Times are in the benchmarks' unit, milliseconds per replay.
  std::printf("\nrequests/s of wall time, and time per request against depth 1 (no queue):\n");
  for (const char* policy : {"fcfs", "clook", "sptf"}) {
    for (int depth : {1, 4, 32}) {
      const double t = find(std::string("BM_Replay/") + policy + "/depth:" + std::to_string(depth));
      if (t == 0) continue;
      std::printf("  %-6s depth %2d  %10.0f req/s  %.2fx\n", policy, depth, kRequests / (t * 1e-3),
                  t / base);
    }
  }
}

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (const char* policy : {"fcfs", "clook", "sptf"}) {
    benchmark::RegisterBenchmark((std::string("BM_Replay/") + policy).c_str(), iosched::BM_Replay,
                                 std::string(policy))
        ->ArgName("depth")
        ->Arg(1)
        ->Arg(4)
        ->Arg(32)
        ->Unit(benchmark::kMillisecond);
  }
  iosched::RatioReporter reporter(iosched::PrintRatios);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
