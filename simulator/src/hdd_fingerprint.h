// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Result fingerprints of the HDD model, shared by bench/hdd_model_bench.cc
// (which prints them) and tests/simulator/fingerprint_test.cc (which pins
// them). Not part of the library's API.
//
// A fingerprint is a 64-bit FNV-1a hash of every ServiceInfo field of every
// request of a workload served by DiskModel::Serve in arrival order, with no
// reader, elevator or engine. Any change to what the model computes changes
// it; a pure speed-up must leave it unchanged. The workloads are fixed by
// their seed and size; FingerprintModels() lists the layouts covered (the
// sparing schemes the layout handles differently, and sata-7200).
//
// Deterministic given the same libm (RandomWorkload uses std::log). Every
// function here is thread-compatible; nothing is shared.

#ifndef IOSCHED_SIMULATOR_HDD_FINGERPRINT_H_
#define IOSCHED_SIMULATOR_HDD_FINGERPRINT_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hdd_params_variants.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"

namespace iosched::sim {

// One command as the model sees it: `sectors` 512-byte sectors at `sector`,
// arriving at `arrival` (ns from the model's epoch).
struct FingerprintCmd {
  Op op;
  uint64_t sector;
  uint32_t sectors;
  Time arrival;
};

// bench/sim_throughput.sh's mix: exponential gaps of mean `gap_ms`, sizes
// 8..128 sectors, 70 % reads, 4 KiB-aligned positions uniform over
// `capacity` sectors; `n` commands from `seed`.
inline std::vector<FingerprintCmd> RandomWorkload(uint64_t capacity, size_t n, double gap_ms,
                                                  uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  constexpr uint32_t kSizes[] = {8, 16, 32, 64, 128};
  std::vector<FingerprintCmd> cmds;
  cmds.reserve(n);
  double t_ms = 0;
  for (size_t i = 0; i < n; ++i) {
    t_ms += -gap_ms * std::log(1 - u(rng));
    const uint32_t s = kSizes[static_cast<int>(u(rng) * 5)];
    const uint64_t b = static_cast<uint64_t>(u(rng) * static_cast<double>(capacity - s) / 8) * 8;
    const Op op = u(rng) < 0.7 ? Op::kRead : Op::kWrite;
    cmds.push_back(FingerprintCmd{op, b, s, Time{static_cast<int64_t>(t_ms * 1e6)}});
  }
  return cmds;
}

// `n` back-to-back 64 KiB reads from sector 0 (read-ahead and cache hits),
// wrapping at `capacity`; all arrive at time 0.
inline std::vector<FingerprintCmd> SequentialWorkload(uint64_t capacity, size_t n) {
  std::vector<FingerprintCmd> cmds;
  cmds.reserve(n);
  uint64_t s = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s + 128 > capacity) s = 0;
    cmds.push_back(FingerprintCmd{Op::kRead, s, 128, Time{0}});
    s += 128;
  }
  return cmds;
}

struct FingerprintModel {
  std::string name;
  HddParams params;
};

// The five layouts: hp-c2247a (track sparing with slips), the same zones
// under sector sparing per cylinder, per track and per zone, and sata-7200.
inline std::vector<FingerprintModel> FingerprintModels() {
  const HddParams hp = HpC2247AParams();
  return {
      {"hp-c2247a", hp},
      {"hp-c2247a/sect-per-cyl", WithSparing(hp, HddSparing::kSectorsPerCylinder, 20)},
      {"hp-c2247a/sect-per-track", WithSparing(hp, HddSparing::kSectorsPerTrack, 2)},
      {"hp-c2247a/sect-per-zone", WithSparing(hp, HddSparing::kSectorsPerZone, 400)},
      {"sata-7200", Sata7200Params()},
  };
}

inline uint64_t FnvMix(uint64_t h, int64_t v) {
  for (int i = 0; i < 8; ++i) {
    h ^= static_cast<uint64_t>(v >> (8 * i)) & 0xff;
    h *= 1099511628211ULL;
  }
  return h;
}

// Serves `cmds` in order on `disk` (which keeps its state between calls:
// pass a fresh model) and returns the fingerprint.
inline uint64_t Fingerprint(DiskModel& disk, const std::vector<FingerprintCmd>& cmds) {
  uint64_t h = 14695981039346656037ULL;
  for (const FingerprintCmd& c : cmds) {
    const ServiceInfo i = disk.Serve(c.op, c.sector, c.sectors, c.arrival);
    h = FnvMix(h, i.start.count());
    h = FnvMix(h, i.complete.count());
    h = FnvMix(h, i.overhead.count());
    h = FnvMix(h, i.seek.count());
    h = FnvMix(h, i.rotation.count());
    h = FnvMix(h, i.transfer.count());
    h = FnvMix(h, static_cast<int64_t>(i.seek_cylinders) * 2 + (i.cache_hit ? 1 : 0));
  }
  return h;
}

// The sizes and seed the bench prints fingerprints for.
inline constexpr size_t kBenchRandomRequests = 20000;
inline constexpr size_t kBenchSequentialRequests = 5000;
inline constexpr uint32_t kBenchRandomSeed = 1;
inline constexpr double kBenchGapMs = 30;

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_FINGERPRINT_H_
