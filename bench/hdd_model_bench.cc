// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The HDD model alone: DiskModel::Serve per request, without a trace reader,
// an elevator or the event engine, on the workload of sim_throughput.sh
// (uniform positions, 4–64 KiB, 70 % reads, Poisson arrivals served in
// arrival order) and on sequential 64 KiB reads.
//
// Before the benchmarks it prints a fingerprint per model and workload: a
// 64-bit FNV-1a hash of every ServiceInfo field of every request
// (simulator/src/hdd_fingerprint.h). A change that claims to be a pure
// speed-up of the model must leave every fingerprint unchanged
// (`hdd_model_bench --benchmark_filter=none` prints them alone);
// tests/simulator/fingerprint_test.cc pins the same values, so CI fails
// when they move. The models cover the sparing schemes the layout handles
// differently (hp-c2247a: track sparing with slips; variants with sector
// sparing per cylinder, per track and per zone) and sata-7200.
//
// Walk/*: the media walk alone, run-based against sector by sector, with
// their ratio printed at the end.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "hdd_fingerprint.h"
#include "hdd_layout.h"
#include "hdd_mechanics.h"
#include "hdd_params_variants.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"
#include "ratio_reporter.h"

namespace iosched {
namespace {

using sim::FingerprintModels;
using sim::RandomWorkload;
using sim::SequentialWorkload;

std::unique_ptr<DiskModel> Make(const HddParams& p) {
  auto disk = MakeHddModel(p);
  if (!disk.ok()) {
    std::fprintf(stderr, "hdd_model_bench: %s: %s\n", p.name.c_str(),
                 std::string(disk.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(disk);
}

void PrintFingerprints() {
  for (const sim::FingerprintModel& m : FingerprintModels()) {
    const uint64_t cap = HddCapacitySectors(m.params);
    const auto random =
        RandomWorkload(cap, sim::kBenchRandomRequests, sim::kBenchGapMs, sim::kBenchRandomSeed);
    const auto seq = SequentialWorkload(cap, sim::kBenchSequentialRequests);
    std::printf("fingerprint %-26s random %016llx  sequential %016llx\n", m.name.c_str(),
                static_cast<unsigned long long>(sim::Fingerprint(*Make(m.params), random)),
                static_cast<unsigned long long>(sim::Fingerprint(*Make(m.params), seq)));
  }
  std::fflush(stdout);
}

void BM_Serve(benchmark::State& state, const HddParams& params, bool random) {
  const uint64_t cap = HddCapacitySectors(params);
  const auto cmds = random ? RandomWorkload(cap, 100000, 30, 2) : SequentialWorkload(cap, 100000);
  for (auto _ : state) {
    auto disk = Make(params);
    benchmark::DoNotOptimize(sim::Fingerprint(*disk, cmds));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * cmds.size()));
  state.counters["ns_per_request"] =
      benchmark::Counter(static_cast<double>(state.iterations() * cmds.size()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The media walk alone, both ways, on the same accesses: 176 sectors (a
// 24 KiB read and its read-ahead) from random positions, the run-based
// TransferWhileBefore against the sector-by-sector reference it replaces
// (PassAtOrAfter + Transfer, the loop every caller used to run).
void BM_Walk(benchmark::State& state, const HddParams& params, bool by_run) {
  const sim::ZonedLayout layout(params);
  const sim::SeekModel seek(params);
  const sim::Spindle spindle(params.rpm);
  std::mt19937_64 rng(5);
  std::vector<uint64_t> starts(4096);
  for (uint64_t& s : starts) s = rng() % (layout.capacity_sectors() - 200);
  constexpr uint32_t kSectors = 176;
  std::vector<Time> ends(kSectors);
  sim::MediaWalk walk(&layout, &seek, &spindle);
  size_t i = 0;
  Time t{0};
  for (auto _ : state) {
    walk.Begin(t, sim::Track{0, 0}, starts[i++ % starts.size()], Op::kRead, Duration{0});
    if (by_run) {
      for (uint32_t done = 0; done < kSectors;) {
        done += walk.TransferWhileBefore(kSectors - done, kTimeNever, &ends[done]);
      }
    } else {
      for (uint32_t k = 0; k < kSectors; ++k) ends[k] = walk.Transfer(walk.PassAtOrAfter(Time{0}));
    }
    benchmark::DoNotOptimize(ends.data());
    t = walk.last_end();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kSectors));
}

// by_sector / by_run: the speed-up of the run-based walk over the
// reference, measured in the same process.
void PrintWalkRatios(const RatioReporter::Times& times) {
  for (const auto& [name, ns] : times) {
    const size_t at = name.rfind("/by_run");
    if (at == std::string::npos || ns <= 0) continue;
    auto base = times.find(name.substr(0, at) + "/by_sector");
    if (base == times.end()) continue;
    std::printf("  %-28s by_sector %7.1f ns  by_run %7.1f ns  ratio %5.2fx\n",
                name.substr(0, at).c_str(), base->second, ns, base->second / ns);
  }
}

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) {
  iosched::PrintFingerprints();
  for (const iosched::sim::FingerprintModel& m : iosched::sim::FingerprintModels()) {
    benchmark::RegisterBenchmark(("Serve/" + m.name + "/random").c_str(), iosched::BM_Serve,
                                 m.params, true)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("Serve/" + m.name + "/sequential").c_str(), iosched::BM_Serve,
                                 m.params, false)
        ->Unit(benchmark::kMillisecond);
  }
  for (const char* model : {"hp-c2247a", "sata-7200"}) {
    const iosched::HddParams p =
        std::string(model) == "hp-c2247a" ? iosched::HpC2247AParams() : iosched::Sata7200Params();
    benchmark::RegisterBenchmark((std::string("Walk/") + model + "/by_sector").c_str(),
                                 iosched::BM_Walk, p, false);
    benchmark::RegisterBenchmark((std::string("Walk/") + model + "/by_run").c_str(),
                                 iosched::BM_Walk, p, true);
  }
  benchmark::Initialize(&argc, argv);
  iosched::RatioReporter reporter(iosched::PrintWalkRatios);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
