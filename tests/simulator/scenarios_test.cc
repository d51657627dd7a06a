// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The classic scenarios in closed loop on the hp-c2247a preset: what
// deadline, anticipatory and CFQ exist for, as regression tests over the
// deterministic simulator (no wall-clock time involved). The thresholds are
// the ones issue 3 asks for; the measured values are well clear of them
// (see the notes beside each test), so a failure means behaviour changed.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "generated_replay.h"
#include "gtest/gtest.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "iosched/trace_generator.h"

namespace iosched {
namespace {

Summary RunScenario(const std::string& scenario, const std::string& elevator,
                    const std::string& disk, uint32_t async_writes = 0, uint32_t streams = 0,
                    uint64_t requests = 3000) {
  GeneratorOptions g;
  g.requests = requests;
  g.streams = streams;
  ReplayOptions o;
  o.mode = ReplayMode::kClosed;
  o.closed_async_writes = async_writes;
  return testing_util::ReplayGenerated(scenario, g, elevator, disk, o).summary;
}

int64_t Counter(const Summary& s, const std::string& name) {
  for (const auto& [k, v] : s.elevator_counters) {
    if (k == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return -1;
}

class DependentReadersVsWriter : public ::testing::TestWithParam<uint32_t> {};

// Strict closed loop (0) and writeback-like async writes (128).
INSTANTIATE_TEST_SUITE_P(AsyncWrites, DependentReadersVsWriter, ::testing::Values(0u, 128u));

TEST_P(DependentReadersVsWriter, AnticipatoryReadsAtLeastTwiceDeadline) {
  const Summary as =
      RunScenario("dependent-readers-vs-writer", "anticipatory", "hp-c2247a", GetParam());
  const Summary dl =
      RunScenario("dependent-readers-vs-writer", "deadline", "hp-c2247a", GetParam());
  // Measured at 10,000 requests: 4.2× (strict), 4.9× (async).
  EXPECT_GE(as.read.mb_s, 2.0 * dl.read.mb_s) << as.read.mb_s << " vs " << dl.read.mb_s;
  EXPECT_GT(Counter(as, "antic_hits"), 0);
}

TEST(DependentReadersVsWriterAsync, DeadlineBoundsReadsWhileNoopAndLinusStarveThem) {
  const Summary dl = RunScenario("dependent-readers-vs-writer", "deadline", "hp-c2247a", 128);
  // read_expire is 500 ms; a read may also wait for the write batch in
  // progress (fifo_batch 16 × 64 KiB ≈ 0.4 s on this disk).
  EXPECT_LT(dl.read.lat_max_ms, 1000.0);
  EXPECT_GT(Counter(dl, "expired_served"), 0);
  for (const char* starver : {"noop", "linus"}) {
    const Summary s = RunScenario("dependent-readers-vs-writer", starver, "hp-c2247a", 128);
    EXPECT_GT(s.read.lat_max_ms, 3.0 * dl.read.lat_max_ms) << starver;
  }
}

TEST(FairStreams, CfqIsFairOverFourEqualReaders) {
  const Summary cfq = RunScenario("fair-streams", "cfq", "hp-c2247a", 0, 4);
  ASSERT_EQ(cfq.streams.size(), 4u);
  EXPECT_GE(cfq.fairness, 0.95);
}

TEST(RandomReaders, NoopIsWithinFivePercentOfTheBestOnSsd) {
  double best = 0, noop = 0;
  for (const char* e : {"noop", "linus", "deadline", "anticipatory", "cfq"}) {
    const double mb_s = RunScenario("random-readers", e, "ssd").read.mb_s;
    best = std::max(best, mb_s);
    if (std::string(e) == "noop") noop = mb_s;
  }
  EXPECT_GE(noop, 0.95 * best);
}

const StreamSummary* StreamOf(const Summary& s, uint32_t id) {
  for (const StreamSummary& st : s.streams) {
    if (st.id == id) return &st;
  }
  ADD_FAILURE() << "no stream " << id;
  return nullptr;
}

TEST(InteractiveVsReaders, BfqServesTheNewcomerSoonerAndTheReadersFaster) {
  // Stream 3 starts 15 s in (the readers' own raising as new queues has
  // ended) and issues 64 dependent random 16 KiB reads while streams 1 and
  // 2 read sequentially, one request each outstanding. BFQ raises it (x30)
  // and lets it preempt; on this slow disk its raised budget (2 x
  // bfq_max_budget / 32, from the measured peak rate) holds one request, so
  // it alternates with the readers' slots. BFQ also idles for each reader,
  // which mq-deadline cannot.
  const Summary bfq = RunScenario("interactive-vs-readers", "bfq", "hp-c2247a", 0, 0, 16000);
  const Summary dl = RunScenario("interactive-vs-readers", "mq-deadline", "hp-c2247a", 0, 0, 16000);
  const StreamSummary* b = StreamOf(bfq, 3);
  const StreamSummary* d = StreamOf(dl, 3);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(b->count, 64u);
  std::printf(
      "interactive-vs-readers (hp-c2247a, closed loop, 16000 requests): interactive "
      "stream mean latency bfq %.1f ms, mq-deadline %.1f ms; readers %.2f vs %.2f MB/s\n",
      b->lat_mean_ms, d->lat_mean_ms, bfq.read.mb_s, dl.read.mb_s);
  // Measured: 79.5 ms against 126.9 ms; readers 1.20 against 0.81 MB/s each.
  EXPECT_LT(b->lat_mean_ms, 0.8 * d->lat_mean_ms);
  EXPECT_GT(StreamOf(bfq, 1)->mb_s, 1.25 * StreamOf(dl, 1)->mb_s);
}

}  // namespace
}  // namespace iosched
