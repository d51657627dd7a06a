// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The generator's priority scenarios (issue 20, item 4) replayed in closed
// loop through Replay(), as `iosched compare` does: the ioprio each record
// carries reaches Request::prio, and the numbers they show are kept here.
// Deterministic simulator, no wall-clock time involved.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "iosched/trace_generator.h"

namespace iosched {
namespace {

constexpr int64_t kSec = 1'000'000'000;

ReplayResult Run(const std::string& scenario, const std::string& elevator,
                 const std::string& disk, uint64_t requests, uint32_t depth = 1,
                 uint32_t async_writes = 0) {
  GeneratorOptions g;
  g.requests = requests;
  auto reader = MakeGenerator(scenario, g);
  EXPECT_TRUE(reader.ok()) << reader.status();
  auto d = MakeDiskModel(disk);
  EXPECT_TRUE(d.ok()) << d.status();
  ElevatorEnv env;
  env.rotational = (*d)->rotational();
  env.device_depth = depth;
  auto e = MakeElevator(elevator, env);
  EXPECT_TRUE(e.ok()) << e.status();
  ReplayOptions o;
  o.mode = ReplayMode::kClosed;
  o.depth = depth;
  o.closed_async_writes = async_writes;
  o.head_trace_limit = requests;
  absl::StatusOr<ReplayResult> r = Replay(**reader, **e, **d, o);
  EXPECT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.completed, requests);
  return *std::move(r);
}

// Units issued per stream region (the generator splits the default 1000 MiB
// capacity into one region per sequential stream) in [from, until).
std::vector<uint64_t> IssuedByRegion(const ReplayResult& r, uint32_t regions, Time from,
                                     Time until) {
  const uint64_t region_sectors = (uint64_t{1000} << 20) / regions / (1 << 20) * (1 << 20) / 512;
  std::vector<uint64_t> n(regions, 0);
  for (const auto& [t, sector] : r.head_trace) {
    if (t >= from && t < until && sector / region_sectors < regions) ++n[sector / region_sectors];
  }
  return n;
}

const StreamSummary& StreamOf(const Summary& s, uint32_t id) {
  for (const StreamSummary& st : s.streams) {
    if (st.id == id) return st;
  }
  ADD_FAILURE() << "no stream " << id;
  static const StreamSummary none;
  return none;
}

TEST(PrioScenarios, WeightedReadersBfqSharesTwoToOne) {
  const ReplayResult bfq = Run("weighted-readers", "bfq", "hp-c2247a", 20000);
  const ReplayResult dl = Run("weighted-readers", "mq-deadline", "hp-c2247a", 20000);
  const Time from{60 * kSec}, until{120 * kSec};
  const std::vector<uint64_t> b = IssuedByRegion(bfq, 2, from, until);
  const std::vector<uint64_t> m = IssuedByRegion(dl, 2, from, until);
  const double r_bfq = static_cast<double>(b[0]) / static_cast<double>(b[1]);
  const double r_dl = static_cast<double>(m[0]) / static_cast<double>(m[1]);
  std::printf(
      "weighted-readers be:0:be:4 share, 60-120 s (hp-c2247a, 20000 requests): bfq %.3f "
      "(%lu:%lu units), mq-deadline %.3f; ends bfq %.1f s\n",
      r_bfq, static_cast<unsigned long>(b[0]), static_cast<unsigned long>(b[1]), r_dl,
      static_cast<double>(bfq.end_time.count()) / kSec);
  EXPECT_NEAR(r_bfq, 2.0, 0.1);
  EXPECT_NEAR(r_dl, 1.0, 0.2);
}

TEST(PrioScenarios, PrioClassesMqDeadlineServesRtThenBeThenIdle) {
  const ReplayResult dl = Run("prio-classes", "mq-deadline", "hp-c2247a", 6000);
  const Summary& s = dl.summary;
  const double rt = StreamOf(s, 1).lat_mean_ms, be = StreamOf(s, 2).lat_mean_ms,
               idle = StreamOf(s, 3).lat_mean_ms;
  const std::vector<uint64_t> first = IssuedByRegion(dl, 3, Time{0}, Time{10 * kSec});
  std::printf(
      "prio-classes mean latency (mq-deadline, hp-c2247a, 6000 requests): rt %.2f ms, be %.2f "
      "ms, idle %.2f ms; units in the first 10 s rt %lu be %lu idle %lu\n",
      rt, be, idle, static_cast<unsigned long>(first[0]), static_cast<unsigned long>(first[1]),
      static_cast<unsigned long>(first[2]));
  EXPECT_LT(rt, be);
  EXPECT_LT(be, idle);
}

TEST(PrioScenarios, ReaderVsWritebackKyberKeepsTheReadTarget) {
  const ReplayResult ky = Run("reader-vs-writeback", "kyber", "ssd", 20000, 32, 64);
  const ReplayResult noop = Run("reader-vs-writeback", "noop", "ssd", 20000, 32, 64);
  std::printf(
      "reader-vs-writeback read p99 (ssd, depth 32, 64 async writes, 20000 requests): kyber %.3f "
      "ms, noop %.3f ms; write MB/s kyber %.1f noop %.1f\n",
      ky.summary.read.lat_p99_ms, noop.summary.read.lat_p99_ms, ky.summary.write.mb_s,
      noop.summary.write.mb_s);
  EXPECT_LT(ky.summary.read.lat_p99_ms, 2.0);  // read_lat_nsec
  EXPECT_GT(noop.summary.read.lat_p99_ms, 2.0);
}

}  // namespace
}  // namespace iosched
