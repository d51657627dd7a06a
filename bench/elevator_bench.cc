// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Elevator hot path: the cost of one request's Add + Dispatch + Complete with
// N requests pending, for every registered elevator, at N = 16, 256, 4096,
// with random and sequential positions. A baseline in the same binary
// (std::multimap sorted by sector + std::list FIFO with stored iterators,
// deadline-like, O(log n) per request; see BM_Baseline for what it leaves
// out) shows what the intrusive containers and the elevators' extra work
// cost or buy. Counters:
//   ns_per_req     wall time per request (the benchmark's own time / items)
//   allocs_per_req heap allocations per request in steady state (target 0)
//
// Ratios elevator / baseline (CPU time per request) are printed at the end,
// measured in this run.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <list>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "iosched/registry.h"
#include "ratio_reporter.h"
#include "request_pool.h"  // simulator/src: the replay's per-request slot
#include "sorted_index.h"  // scheduler/elevators/src: deadline's sector index

namespace {
std::atomic<uint64_t> g_allocs{0};
}  // namespace

// Count every heap allocation in this binary. (GCC cannot see that the
// replaced operator new is malloc-based.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace iosched {
namespace {

enum Pattern { kRandom = 0, kSequential = 1 };

// Positions that never touch each other (no merges), random or ascending.
class Positions {
 public:
  explicit Positions(Pattern p) : pattern_(p), rng_(12345) {}
  uint64_t Next() {
    if (pattern_ == kSequential) return (cursor_ += 16);
    return (rng_() % (1u << 26)) * 16;
  }

 private:
  Pattern pattern_;
  std::mt19937_64 rng_;
  uint64_t cursor_ = 0;
};

void BM_Elevator(benchmark::State& state, const std::string& name) {
  const size_t pending = static_cast<size_t>(state.range(0));
  const Pattern pattern = static_cast<Pattern>(state.range(1));
  auto made = MakeElevator(name);
  if (!made.ok()) {
    state.SkipWithError("cannot build elevator");
    return;
  }
  Elevator& e = **made;
  std::vector<Request> pool(pending + 1);
  Positions pos(pattern);
  int64_t tick = 0;
  auto now = [&] { return Time{tick * 1000000}; };
  auto add = [&](Request& r) {
    r.sector = pos.Next();
    r.sectors = 8;
    r.op = (r.sector / 16) % 4 == 0 ? Op::kWrite : Op::kRead;
    r.sync = r.op == Op::kRead;
    r.stream = static_cast<uint32_t>(r.sector % 4);
    r.ResetUnit();
    r.set_state(RequestState::kQueued);
    e.Add(r, now());
  };
  for (size_t i = 0; i < pending; ++i) add(pool[i]);
  uint64_t allocs_before = 0, done = 0;
  bool counting = false;
  for (auto _ : state) {
    if (!counting) {
      allocs_before = g_allocs.load();
      counting = true;
    }
    ++tick;
    Decision d = e.Dispatch(now());
    if (d.unit == nullptr && e.TimerDeadline() != kTimeNever) {
      // Idling elevators (AS, CFQ): the anticipation or slice-idle timer
      // fires and the elevator moves on, as under the dispatcher. (A forced
      // dispatch would move everything onto the dispatch list: not the
      // steady state being measured.)
      e.Timer(e.TimerDeadline());
      d = e.Dispatch(now());
    }
    if (d.unit == nullptr) d = e.Dispatch(now(), /*force=*/true);
    Request& unit = *d.unit;
    unit.set_state(RequestState::kInFlight);
    e.Activate(unit, now());
    e.Complete(unit, now());
    unit.set_state(RequestState::kCompleted);
    add(unit);
    ++done;
  }
  state.SetItemsProcessed(static_cast<int64_t>(done));
  state.counters["allocs_per_req"] =
      done ? static_cast<double>(g_allocs.load() - allocs_before) / done : 0.0;
  // Drain so the pool can be destroyed with nothing linked.
  while (!e.Empty()) {
    Decision d = e.Dispatch(now(), /*force=*/true);
    if (d.unit == nullptr) break;
  }
}

// Baseline: a deadline-like scheduler written plainly with standard
// containers — a std::multimap sort list keyed by start sector and a FIFO
// std::list, each request holding iterators into both, so that removing a
// dispatched request is O(1) in the FIFO and O(1) amortised in the map (no
// search, no list walk). Per request it does what every elevator here must do
// (queue it in sector order and in arrival order; at dispatch, take the FIFO
// head if its deadline has passed, else the next request at or above the
// head position, wrapping; unlink it from both), and nothing more: no merge
// lookups (no end-sector hash, no front-merge search), no batching, one sort
// list instead of deadline's two (reads and writes), no read/write FIFOs,
// no write starvation accounting. Each add allocates a map node and a list
// node (allocs_per_req 2); the elevators allocate nothing.
void BM_Baseline(benchmark::State& state) {
  const size_t pending = static_cast<size_t>(state.range(0));
  const Pattern pattern = static_cast<Pattern>(state.range(1));
  struct Req {
    uint64_t sector;
    int64_t deadline;
    std::multimap<uint64_t, Req*>::iterator sorted_it;
    std::list<Req*>::iterator fifo_it;
  };
  std::multimap<uint64_t, Req*> sorted;
  std::list<Req*> fifo;
  std::vector<Req> pool(pending + 1);
  Positions pos(pattern);
  int64_t tick = 0;
  uint64_t head = 0;
  auto add = [&](Req& r) {
    r.sector = pos.Next();
    r.deadline = tick + 500;
    r.sorted_it = sorted.emplace(r.sector, &r);
    r.fifo_it = fifo.insert(fifo.end(), &r);
  };
  for (size_t i = 0; i < pending; ++i) add(pool[i]);
  uint64_t allocs_before = 0, done = 0;
  bool counting = false;
  for (auto _ : state) {
    if (!counting) {
      allocs_before = g_allocs.load();
      counting = true;
    }
    ++tick;
    Req* r;
    if (fifo.front()->deadline < tick) {
      r = fifo.front();
    } else {
      auto it = sorted.lower_bound(head);
      if (it == sorted.end()) it = sorted.begin();
      r = it->second;
    }
    sorted.erase(r->sorted_it);  // O(1) amortised: the iterator is stored
    fifo.erase(r->fifo_it);      // O(1)
    head = r->sector + 8;
    add(*r);
    ++done;
  }
  state.SetItemsProcessed(static_cast<int64_t>(done));
  state.counters["allocs_per_req"] =
      done ? static_cast<double>(g_allocs.load() - allocs_before) / done : 0.0;
}

// Ratio of each elevator's time to the baseline's (elevator ns / baseline
// ns, both measured in this process run), then memory.
void PrintRatios(const RatioReporter::Times& times) {
  std::printf(
      "\nElevator CPU time / baseline CPU time (same N, pattern, this run; <1 means the elevator "
      "is faster than the multimap + list baseline, which does no merge lookups, no "
      "batching and keeps one sort list):\n");
  for (const auto& [name, ns] : times) {
    if (name.rfind("BM_Baseline", 0) == 0) continue;
    const std::string args = name.substr(name.find('/'));
    auto base = times.find("BM_Baseline" + args);
    if (base == times.end() || base->second <= 0) continue;
    std::printf("  %-40s %8.1f ns/req  baseline %8.1f ns/req  ratio %5.2f\n", name.c_str(), ns,
                base->second, ns / base->second);
  }
  // The other containers are intrusive: a pending request costs its own
  // struct and nothing else (allocs_per_req above is 0 in steady state),
  // plus the 2.6 core's end-sector hash buckets (8 bytes each: 1024 per
  // elevator, and 4 to 8 per hashed unit beyond 256) and, in deadline, its
  // entry in a sector index (SortedIndex), measured here at 4096 random
  // starts as the benchmark queues them.
  SortedIndex<Request> index;
  std::mt19937_64 rng(1);
  std::vector<Request> dummy(4096);
  for (Request& r : dummy) index.Insert(rng() % (uint64_t{1} << 31), &r);
  std::printf(
      "\nMemory per pending request: sizeof(Request) = %zu bytes; in a simulated replay "
      "sizeof(RequestSlot) = %zu bytes; + <= 64 bytes of hash buckets; deadline + %.0f bytes "
      "of sector index (%zu bytes for 4096 random starts)\n",
      sizeof(Request), sizeof(sim::RequestSlot), static_cast<double>(index.bytes()) / 4096.0,
      index.bytes());
}

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (const std::string& name : iosched::KnownElevators()) {
    // sptf and kin need a disk model's estimates: drive_queue_bench runs them.
    if (auto e = iosched::MakeElevator(name);
        e.ok() && iosched::ElevatorNeedsPositionEstimator(**e)) {
      continue;
    }
    benchmark::RegisterBenchmark(("BM_" + name).c_str(), iosched::BM_Elevator, name)
        ->ArgsProduct({{16, 256, 4096}, {iosched::kRandom, iosched::kSequential}})
        ->ArgNames({"pending", "seq"});
  }
  benchmark::RegisterBenchmark("BM_Baseline", iosched::BM_Baseline)
      ->ArgsProduct({{16, 256, 4096}, {iosched::kRandom, iosched::kSequential}})
      ->ArgNames({"pending", "seq"});
  // CPU time: the loop is single-threaded and never blocks, and on a shared
  // machine wall time also counts other processes' turns.
  iosched::RatioReporter reporter(iosched::PrintRatios, iosched::RatioReporter::Clock::kCpu);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
