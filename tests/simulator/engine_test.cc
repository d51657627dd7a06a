// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "engine.h"

#include <gtest/gtest.h>

#include <boost/intrusive/list.hpp>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "iosched/disk_model.h"
#include "iosched/dispatcher.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "sim_test_util.h"

namespace iosched::sim {
namespace {

using ::iosched::testing::Rec;
using ::iosched::testing::SyntheticTrace;
using ::iosched::testing::VectorTraceReader;

TEST(EventQueueTest, OrdersByTimeThenSchedulingOrder) {
  EventQueue q;
  Request a, b, c, d, e;
  q.Push(Time{50}, EventKind::kArrival, &a);
  q.Push(Time{10}, EventKind::kCompletion, &b);
  q.Push(Time{50}, EventKind::kCompletion, &c);
  q.Push(Time{30}, EventKind::kArrival, &d);
  q.Push(Time{10}, EventKind::kArrival, &e);
  std::vector<Request*> order;
  std::vector<int64_t> times;
  while (!q.empty()) {
    Event ev = q.Pop();
    order.push_back(ev.request);
    times.push_back(ev.time.count());
  }
  EXPECT_EQ(order, (std::vector<Request*>{&b, &e, &d, &a, &c}));
  EXPECT_EQ(times, (std::vector<int64_t>{10, 10, 30, 50, 50}));
}

TEST(EventQueueTest, ManyTiesStayInSchedulingOrder) {
  EventQueue q;
  std::vector<Request> rqs(100);
  for (int i = 0; i < 100; ++i) q.Push(Time{7}, EventKind::kArrival, &rqs[i]);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(q.Pop().request, &rqs[i]) << i;
}

TEST(EventQueueTest, InterleavedPushesAndPopsMatchASortedReference) {
  // Random times from a small range (many ties), heaps from empty to a few
  // hundred events: every pop is the earliest (time, seq) still queued.
  std::mt19937_64 rng(11);
  EventQueue q;
  std::set<std::pair<int64_t, uint64_t>> want;
  size_t deepest = 0;
  for (int i = 0; i < 100000; ++i) {
    const bool grow = (i / 5000) % 2 == 0;
    if (want.empty() || rng() % 8 < (grow ? 5u : 3u)) {
      const Time t{static_cast<int64_t>(rng() % 64)};
      const uint64_t seq = q.Push(t, EventKind::kArrival);
      want.emplace(t.count(), seq);
      deepest = std::max(deepest, want.size());
    } else {
      const Event e = q.Pop();
      ASSERT_EQ(std::make_pair(e.time.count(), e.seq), *want.begin()) << i;
      want.erase(want.begin());
    }
    ASSERT_EQ(q.size(), want.size());
  }
  EXPECT_GT(deepest, 200u);
}

// A disk that takes a fixed time per unit and never overlaps them.
class FixedDisk final : public DiskModel {
 public:
  explicit FixedDisk(Duration service) : service_(service) {}
  std::string_view name() const override { return "fixed"; }
  uint64_t capacity_sectors() const override { return 1 << 20; }
  bool rotational() const override { return false; }
  ServiceInfo Serve(Op, uint64_t sector, uint32_t, Time now) override {
    ServiceInfo info;
    info.start = std::max(now, busy_);
    info.complete = info.start + service_;
    busy_ = info.complete;
    served.push_back(sector);
    return info;
  }
  std::vector<uint64_t> served;

 private:
  Duration service_;
  Time busy_{0};
};

TEST(SimDeviceTest, RearmedTimerMakesTheOldEventStale) {
  FixedDisk disk(Duration{1000});
  Simulation sim(&disk);
  SimDevice& dev = sim.device();
  dev.ArmTimer(Time{100});  // generation 1
  dev.ArmTimer(Time{50});   // generation 2 replaces it
  EXPECT_FALSE(dev.TimerLive(1));
  EXPECT_TRUE(dev.TimerLive(2));
  dev.ArmTimer(kTimeNever);  // cancels
  EXPECT_FALSE(dev.TimerLive(2));
  EXPECT_FALSE(dev.TimerLive(3));
}

TEST(SimDeviceTest, IssueSchedulesCompletionAtTheModelsTime) {
  FixedDisk disk(Duration{1000});
  Simulation sim(&disk);
  auto elevator = MakeElevator("noop");
  ASSERT_TRUE(elevator.ok());
  Dispatcher d(elevator->get(), &sim.device(), &sim.clock(), Dispatcher::Options{.depth = 2});
  sim.Attach(&d);
  std::vector<std::pair<uint64_t, int64_t>> done;
  d.set_completion([&](Request& r) { done.emplace_back(r.id, sim.now().count()); });
  Request r1, r2;
  r1.id = 1, r1.sector = 0, r1.sectors = 8;
  r2.id = 2, r2.sector = 100, r2.sectors = 8;
  d.Submit(r1);
  d.Submit(r2);
  while (sim.Step()) {
  }
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0], (std::pair<uint64_t, int64_t>{1, 1000}));
  EXPECT_EQ(done[1], (std::pair<uint64_t, int64_t>{2, 2000}));
  EXPECT_EQ(sim.device().stats().units, 2u);
}

// An elevator that holds its requests for `hold` after the first arrival,
// then releases them in FIFO order. With `use_timer` it asks for a timer;
// without, it idles silently (the replay must force a drain).
class LazyElevator final : public Elevator {
 public:
  LazyElevator(Duration hold, bool use_timer)
      : Elevator(ElevatorEnv{}), hold_(hold), use_timer_(use_timer) {}
  ~LazyElevator() override { fifo_.clear(); }
  std::string_view Name() const override { return "lazy"; }
  Request* Add(Request& rq, Time now) override {
    if (release_ == kTimeNever) release_ = now + hold_;
    fifo_.push_back(rq);
    return nullptr;
  }
  Decision Dispatch(Time now, bool force) override {
    if (fifo_.empty()) return Decision::None();
    if (!force && now < release_) return Decision::IdleUntil(release_);
    Request& rq = fifo_.front();
    fifo_.pop_front();
    rq.set_state(RequestState::kDispatched);
    return Decision::Issue(&rq);
  }
  void Requeue(Request& unit, Time) override { fifo_.push_front(unit); }
  Time TimerDeadline() const override {
    return use_timer_ && !fired_ && !fifo_.empty() ? release_ : kTimeNever;
  }
  void Timer(Time) override {
    ++timer_calls;
    fired_ = true;
  }
  bool Empty() const override { return fifo_.empty(); }
  size_t Pending() const override { return fifo_.size(); }
  int timer_calls = 0;

 private:
  using List =
      boost::intrusive::list<Request,
                             boost::intrusive::member_hook<Request, ListHook, &Request::fifo_hook>>;
  List fifo_;
  Duration hold_;
  bool use_timer_;
  bool fired_ = false;
  Time release_ = kTimeNever;
};

std::vector<TraceRecord> FourAtZero() {
  return {Rec(0, TraceOp::kRead, 0, 8), Rec(0, TraceOp::kRead, 800, 8),
          Rec(0, TraceOp::kRead, 80, 8), Rec(0, TraceOp::kRead, 8000, 8)};
}

TEST(SimulationTest, ElevatorTimerReleasesIdlingRequests) {
  FixedDisk disk(Duration{1000});
  LazyElevator lazy(Duration{5'000'000}, /*use_timer=*/true);
  VectorTraceReader reader(FourAtZero());
  ReplayOptions opt;
  absl::StatusOr<ReplayResult> r = Replay(reader, lazy, disk, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.completed, 4u);
  EXPECT_EQ(r->forced_drains, 0u);
  EXPECT_GE(lazy.timer_calls, 1);
  EXPECT_EQ(r->end_time, Time{5'000'000 + 4 * 1000});
  EXPECT_EQ(disk.served, (std::vector<uint64_t>{0, 800, 80, 8000}));
}

TEST(SimulationTest, SilentIdlingIsDrainedAndCounted) {
  FixedDisk disk(Duration{1000});
  LazyElevator lazy(Duration{5'000'000}, /*use_timer=*/false);
  VectorTraceReader reader(FourAtZero());
  absl::StatusOr<ReplayResult> r = Replay(reader, lazy, disk, ReplayOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.completed, 4u);
  EXPECT_GE(r->forced_drains, 1u);
  EXPECT_EQ(lazy.timer_calls, 0);
  EXPECT_LT(r->end_time, Time{5'000'000});  // drained at once, no waiting
}

void ExpectSameResult(const ReplayResult& a, const ReplayResult& b) {
  EXPECT_EQ(a.end_time, b.end_time);
  EXPECT_EQ(a.seek_time_total, b.seek_time_total);
  EXPECT_EQ(a.rotation_time_total, b.rotation_time_total);
  EXPECT_EQ(a.transfer_time_total, b.transfer_time_total);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.summary.completed, b.summary.completed);
  EXPECT_EQ(a.summary.issued, b.summary.issued);
  EXPECT_EQ(a.summary.merges, b.summary.merges);
  EXPECT_EQ(a.summary.all.lat_mean_ms, b.summary.all.lat_mean_ms);
  EXPECT_EQ(a.summary.all.lat_p99_ms, b.summary.all.lat_p99_ms);
  EXPECT_EQ(a.summary.seek_mean_sectors, b.summary.seek_mean_sectors);
}

TEST(SimulationTest, SameInputGivesIdenticalResults) {
  for (ReplayMode mode : {ReplayMode::kOpen, ReplayMode::kClosed, ReplayMode::kBatch}) {
    for (const char* spec : {"noop", "linus"}) {
      ReplayResult results[2];
      for (ReplayResult& out : results) {
        auto disk = MakeDiskModel("hp-c2247a");
        ASSERT_TRUE(disk.ok());
        auto elevator = MakeElevator(spec);
        ASSERT_TRUE(elevator.ok());
        VectorTraceReader reader(SyntheticTrace(300, 2'000'000));
        ReplayOptions opt;
        opt.mode = mode;
        opt.depth = 2;
        opt.time_scale = 0.5;
        auto r = Replay(reader, **elevator, **disk, opt);
        ASSERT_TRUE(r.ok()) << r.status();
        out = *r;
      }
      SCOPED_TRACE(spec);
      ExpectSameResult(results[0], results[1]);
      EXPECT_EQ(results[0].summary.completed, 300u);
    }
  }
}

}  // namespace
}  // namespace iosched::sim
