// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The generator's priority scenarios (issue 20, item 4) replayed in closed
// loop through Replay(), as `iosched compare` does: the ioprio each record
// carries reaches Request::prio, and the numbers they show are kept here.
// Deterministic simulator, no wall-clock time involved.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "generated_replay.h"
#include "gtest/gtest.h"
#include "iosched/disk_model.h"
#include "iosched/elevator.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "iosched/trace_generator.h"

namespace iosched {
namespace {

constexpr int64_t kSec = 1'000'000'000;

ReplayResult ReplayScenario(const std::string& scenario, const std::string& elevator,
                            const std::string& disk, uint64_t requests, uint32_t depth = 1,
                            uint32_t async_writes = 0, ReplayMode mode = ReplayMode::kClosed,
                            std::vector<uint16_t> weights = {}) {
  GeneratorOptions g;
  g.requests = requests;
  g.weights = std::move(weights);
  ReplayOptions o;
  o.mode = mode;
  o.depth = depth;
  o.closed_async_writes = async_writes;
  o.head_trace_limit = requests;
  return testing_util::ReplayGenerated(scenario, g, elevator, disk, o);
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

// Two greedy sequential readers of `weighted-readers` (20,000 requests,
// hp-c2247a, closed loop) under BFQ and under mq-deadline: units issued to
// the second reader's region over the first's, 60-120 s, and BFQ's end.
struct Shares {
  double bfq = 0, mq_deadline = 0;
};
Shares WeightedShares(const char* what, std::vector<uint16_t> weights) {
  const ReplayResult bfq = ReplayScenario("weighted-readers", "bfq", "hp-c2247a", 20000, 1, 0,
                                          ReplayMode::kClosed, weights);
  const ReplayResult dl = ReplayScenario("weighted-readers", "mq-deadline", "hp-c2247a", 20000, 1,
                                         0, ReplayMode::kClosed, weights);
  const Time from{60 * kSec}, until{120 * kSec};
  const std::vector<uint64_t> b = IssuedByRegion(bfq, 2, from, until);
  const std::vector<uint64_t> m = IssuedByRegion(dl, 2, from, until);
  EXPECT_GT(b[0], 0u);
  EXPECT_GT(m[0], 0u);
  Shares s;
  s.bfq = b[0] > 0 ? static_cast<double>(b[1]) / static_cast<double>(b[0]) : 0;
  s.mq_deadline = m[0] > 0 ? static_cast<double>(m[1]) / static_cast<double>(m[0]) : 0;
  std::printf(
      "weighted-readers %s, second over first reader, 60-120 s (hp-c2247a, 20000 requests): bfq "
      "%.3f (%lu:%lu units), mq-deadline %.3f; ends bfq %.1f s\n",
      what, s.bfq, static_cast<unsigned long>(b[0]), static_cast<unsigned long>(b[1]),
      s.mq_deadline, static_cast<double>(bfq.end_time.count()) / kSec);
  return s;
}

// be:0 (weight 80) against be:4 (weight 40): 2 : 1 under BFQ.
TEST(PrioScenarios, WeightedReadersBfqSharesTwoToOne) {
  const Shares s = WeightedShares("be:0:be:4", {});
  EXPECT_NEAR(1 / s.bfq, 2.0, 0.1);
  EXPECT_NEAR(1 / s.mq_deadline, 1.0, 0.2);
}

// Issue 20: BFQ group weights 100 and 200 (io.bfq.weight, each reader alone
// in its cgroup, flattened onto its sync queue; both readers be:4, whose
// own weight 40 would give 1:1). Measured as the be:0/be:4 case above.
TEST(PrioScenarios, WeightedReadersBfqGroupWeightsShareOneToTwo) {
  const Shares s = WeightedShares("w100:w200", {100, 200});
  EXPECT_NEAR(s.bfq, 2.0, 0.1);          // within 5 % of 1:2
  EXPECT_NEAR(s.mq_deadline, 1.0, 0.2);  // the weight is BFQ's only
}

// Open loop (each reader's records arrive every 2 ms, far beyond the
// disk): within prio_aging_expire (10 s) mq-deadline issues RT only; then
// the aged BE requests. Measured: 0-10 s 438 RT, 0 BE, 0 IDLE; 10-30 s 0 RT,
// 876 BE, 0 IDLE. Closed loop (one read outstanding per reader) RT and BE
// alternate, since the RT reader's next read arrives only after its
// previous one completed, and IDLE waits for aging: 145 / 145 / 0 units in
// the first 10 s, mean latency 69.9 / 70.2 / 93.1 ms.
TEST(PrioScenarios, PrioClassesMqDeadlineServesRtThenBeThenIdle) {
  const ReplayResult open =
      ReplayScenario("prio-classes", "mq-deadline", "hp-c2247a", 3000, 1, 0, ReplayMode::kOpen);
  const std::vector<uint64_t> a = IssuedByRegion(open, 3, Time{0}, Time{10 * kSec});
  const std::vector<uint64_t> b = IssuedByRegion(open, 3, Time{10 * kSec}, Time{30 * kSec});
  std::printf(
      "prio-classes open loop (mq-deadline, hp-c2247a, 3000 requests): units rt/be/idle 0-10 s "
      "%lu/%lu/%lu, 10-30 s %lu/%lu/%lu\n",
      static_cast<unsigned long>(a[0]), static_cast<unsigned long>(a[1]),
      static_cast<unsigned long>(a[2]), static_cast<unsigned long>(b[0]),
      static_cast<unsigned long>(b[1]), static_cast<unsigned long>(b[2]));
  EXPECT_GT(a[0], 400u);
  EXPECT_EQ(a[1], 0u);
  EXPECT_EQ(a[2], 0u);
  EXPECT_GT(b[1], 800u);
  EXPECT_EQ(b[2], 0u);

  const ReplayResult closed = ReplayScenario("prio-classes", "mq-deadline", "hp-c2247a", 6000);
  const Summary& s = closed.summary;
  const double rt = StreamOf(s, 1).lat_mean_ms, be = StreamOf(s, 2).lat_mean_ms,
               idle = StreamOf(s, 3).lat_mean_ms;
  const std::vector<uint64_t> c = IssuedByRegion(closed, 3, Time{0}, Time{10 * kSec});
  std::printf(
      "prio-classes closed loop (mq-deadline, hp-c2247a, 6000 requests): mean latency rt %.2f "
      "be %.2f idle %.2f ms; units 0-10 s %lu/%lu/%lu\n",
      rt, be, idle, static_cast<unsigned long>(c[0]), static_cast<unsigned long>(c[1]),
      static_cast<unsigned long>(c[2]));
  EXPECT_EQ(c[2], 0u);
  EXPECT_GT(c[0], 100u);
  EXPECT_LE(rt, be);
  EXPECT_GT(idle, 1.2 * be);
}

// Watches the units Kyber hands out and gets back, for the depth-32 case:
// how many writes are in the device when a read is issued, and each read's
// device latency (completion - issue, Kyber's I/O latency) and total
// latency (completion - creation, Kyber's TOTAL). Forwards everything.
class KyberWatch final : public Elevator {
 public:
  KyberWatch(const ElevatorEnv& env, std::unique_ptr<Elevator> kyber)
      : Elevator(env), in_(std::move(kyber)) {}
  std::string_view Name() const override { return in_->Name(); }
  Request* Add(Request& rq, Time now) override { return in_->Add(rq, now); }
  Decision Dispatch(Time now, bool force) override {
    Decision d = in_->Dispatch(now, force);
    if (d.unit != nullptr && d.unit->op == Op::kWrite) ++writes_in_device_;
    if (d.unit != nullptr && d.unit->op == Op::kRead) {
      max_writes_ahead_of_read = std::max(max_writes_ahead_of_read, writes_in_device_);
    }
    return d;
  }
  void Activate(Request& unit, Time now) override { in_->Activate(unit, now); }
  void Requeue(Request& unit, Time now) override { in_->Requeue(unit, now); }
  void Complete(Request& unit, Time now) override {
    if (unit.op == Op::kWrite) {
      --writes_in_device_;
    } else {
      read_device_ns.push_back((now - unit.issued).count());
      read_total_ns.push_back((now - unit.created).count());
    }
    in_->Complete(unit, now);
  }
  Time TimerDeadline() const override { return in_->TimerDeadline(); }
  void Timer(Time now) override { in_->Timer(now); }
  bool Empty() const override { return in_->Empty(); }
  size_t Pending() const override { return in_->Pending(); }
  bool MultiQueue() const override { return in_->MultiQueue(); }
  uint32_t AdmitDepth(const Request& rq) const override { return in_->AdmitDepth(rq); }
  std::vector<std::pair<std::string, int64_t>> Counters() const override { return in_->Counters(); }
  int64_t Counter(const std::string& name) const {
    for (const auto& [k, v] : in_->Counters()) {
      if (k == name) return v;
    }
    ADD_FAILURE() << "no counter " << name;
    return -1;
  }

  int max_writes_ahead_of_read = 0;
  std::vector<int64_t> read_device_ns, read_total_ns;

 private:
  std::unique_ptr<Elevator> in_;
  int writes_in_device_ = 0;
};

// The p-th percentile (nearest rank) in milliseconds.
double PercentileMs(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()));
  return static_cast<double>(v[std::min(v.size() - 1, rank)]) / 1e6;
}

struct KyberRun {
  ReplayResult result;
  int64_t congested_firings = 0, write_depth = 0;
  int max_writes_ahead_of_read = 0;
  double read_device_p90_ms = 0, read_device_max_ms = 0;
};

// reader-vs-writeback on `ssd` under Kyber with `depth` units in the device
// and 128 async writes outstanding at most.
KyberRun RunKyber(uint32_t depth, bool sched_tags) {
  GeneratorOptions g;
  g.requests = 80000;
  auto reader = MakeGenerator("reader-vs-writeback", g);
  EXPECT_TRUE(reader.ok()) << reader.status();
  auto d = MakeDiskModel("ssd");
  EXPECT_TRUE(d.ok()) << d.status();
  ElevatorEnv env;
  env.rotational = false;
  env.device_depth = depth;
  auto kyber = MakeElevator("kyber", env);
  EXPECT_TRUE(kyber.ok()) << kyber.status();
  KyberWatch watch(env, *std::move(kyber));
  ReplayOptions o;
  o.mode = ReplayMode::kClosed;
  o.depth = depth;
  o.closed_async_writes = 128;
  o.sched_tags = sched_tags;
  absl::StatusOr<ReplayResult> r = Replay(**reader, watch, **d, o);
  EXPECT_TRUE(r.ok()) << r.status();
  KyberRun run;
  run.result = *std::move(r);
  run.congested_firings = watch.Counter("congested_firings");
  run.write_depth = watch.Counter("write_depth");
  run.max_writes_ahead_of_read = watch.max_writes_ahead_of_read;
  run.read_device_p90_ms = PercentileMs(watch.read_device_ns, 90);
  run.read_device_max_ms = PercentileMs(watch.read_device_ns, 100);
  return run;
}

// 80,000 requests (4,706 reads), 128 async writes outstanding at most.
// With 16 units in the device Kyber meets its 2 ms read_lat_nsec target
// (1.368 ms) and noop does not (7.832 ms).
TEST(PrioScenarios, ReaderVsWritebackKyberKeepsTheReadTarget) {
  const ReplayResult ky = ReplayScenario("reader-vs-writeback", "kyber", "ssd", 80000, 16, 128);
  const ReplayResult noop = ReplayScenario("reader-vs-writeback", "noop", "ssd", 80000, 16, 128);
  std::printf(
      "reader-vs-writeback read p99 (ssd, 128 async writes, 80000 requests, depth 16): kyber "
      "%.3f ms, noop %.3f ms\n",
      ky.summary.read.lat_p99_ms, noop.summary.read.lat_p99_ms);
  EXPECT_EQ(ky.summary.read.count, 4706u);
  EXPECT_LT(ky.summary.read.lat_p99_ms, 2.0);  // read_lat_nsec
  EXPECT_GT(noop.summary.read.lat_p99_ms, 2.0);
}

// Issue 20: at device depth 32 Kyber misses the read target (p99 2.376 ms),
// and Linux 6.12's Kyber would too (docs/elevators-mq.md §3, "Device depth
// 32"). Kyber throttles only on congestion, i.e. when some domain's p90
// *device* latency passes its target. Here the device holds at most 31
// writes ahead of a read, each taking every channel for about 60.5 us (two
// 4 KiB pages at 20 us + 8 KiB at 400 MB/s), so a read's device latency is
// at most 31 x 60.5 + 90 us = 1.97 ms: just inside 2 ms, never congested,
// the WRITE domain keeps its 128 tokens. The miss is the wait for a device
// slot on top of that (a read arriving mid write batch waits for up to 8
// write dispatches), which total latency sees and only READ's own depth
// (already 256) answers. With the kernel's scheduler tags (nr_requests 64,
// async writes limited to 48) the read numbers are identical; at depth 48
// the device latency does cross 2 ms and Kyber cuts WRITE's depth.
TEST(PrioScenarios, ReaderVsWritebackKyberAtDepth32MissesTheTargetAsTheKernelWould) {
  const ReplayResult noop = ReplayScenario("reader-vs-writeback", "noop", "ssd", 80000, 16, 128);
  const KyberRun k32 = RunKyber(32, /*sched_tags=*/false);
  const KyberRun k32_tags = RunKyber(32, /*sched_tags=*/true);
  const KyberRun k48_tags = RunKyber(48, /*sched_tags=*/true);
  std::printf(
      "reader-vs-writeback kyber depth 32: read p99 %.3f ms (with scheduler tags %.3f), read "
      "device latency p90 %.3f max %.3f ms, at most %d writes ahead of a read, congested "
      "firings %ld, write depth %ld; depth 48 with tags: congested firings %ld, write depth "
      "%ld\n",
      k32.result.summary.read.lat_p99_ms, k32_tags.result.summary.read.lat_p99_ms,
      k32.read_device_p90_ms, k32.read_device_max_ms, k32.max_writes_ahead_of_read,
      static_cast<long>(k32.congested_firings), static_cast<long>(k32.write_depth),
      static_cast<long>(k48_tags.congested_firings), static_cast<long>(k48_tags.write_depth));
  // What the kernel would show: the target missed, still far better than
  // noop at half the depth.
  EXPECT_GT(k32.result.summary.read.lat_p99_ms, 2.0);
  EXPECT_LT(k32.result.summary.read.lat_p99_ms, 2.6);
  EXPECT_LT(k32.result.summary.read.lat_p99_ms, noop.summary.read.lat_p99_ms);
  // Why: the device alone never takes a read past the target, so Kyber
  // never sees congestion and never throttles writes.
  EXPECT_EQ(k32.max_writes_ahead_of_read, 31);
  EXPECT_LT(k32.read_device_max_ms, 2.0);
  EXPECT_EQ(k32.congested_firings, 0);
  EXPECT_EQ(k32.write_depth, 128);
  // The kernel's tag pool changes nothing for the reads here.
  EXPECT_EQ(k32_tags.result.summary.read.lat_p99_ms, k32.result.summary.read.lat_p99_ms);
  EXPECT_EQ(k32_tags.congested_firings, 0);
  // Once the device latency can cross the target, Kyber reacts.
  EXPECT_GT(k48_tags.congested_firings, 0);
  EXPECT_LT(k48_tags.write_depth, 128);
}

}  // namespace
}  // namespace iosched
