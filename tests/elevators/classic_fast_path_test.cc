// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The classic host elevators (classic_elevator.h) against DiskPolicy::Choose:
// random workloads — starts drawn from a small range so that equal starts and
// contiguous requests (back, front and coalescing merges) are common, adds
// and dispatches interleaved — and before every dispatch a copy of the
// elevator's policy is asked Choose() over the waiting requests in arrival
// order. The elevator must dispatch exactly that request and end in the same
// state (position, direction, tie flag). fcfs/clook/look/sstf dispatch through
// the ordered index (ChooseOrdered); the others through Choose() itself.

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "classic_elevator.h"
#include "gtest/gtest.h"
#include "iosched/disk_policy.h"
#include "iosched/registry.h"

namespace iosched {
namespace {

// A small deterministic disk for the policies that need estimates: 64
// sectors a cylinder, the head on the cylinder of the last dispatched end.
// Coarse keys on purpose, so that equal keys (ties by start) are common.
class GridEstimator final : public PositionEstimator {
 public:
  Duration Positioning(Op, uint64_t sector, uint32_t, Time) const override {
    const int64_t c = Cylinder(sector), h = head_;
    return Duration{(c > h ? c - h : h - c) * 1000 + static_cast<int64_t>(sector % 3) * 500};
  }
  Duration Access(Op op, uint64_t sector, uint32_t sectors, Time now) const override {
    return Positioning(op, sector, sectors, now) + Duration{int64_t{sectors} * 100};
  }
  bool Cached(Op, uint64_t sector, uint32_t) const override { return sector % 40 == 0; }
  uint32_t Cylinder(uint64_t sector) const override { return static_cast<uint32_t>(sector / 64); }
  uint32_t HeadCylinder() const override { return head_; }
  void MoveTo(uint64_t sector) { head_ = Cylinder(sector); }

 private:
  uint32_t head_ = 0;
};

struct Stats {
  int dispatches = 0;
  int merges = 0;          // adds that merged into a waiting unit
  int equal_starts = 0;    // dispatches with another waiting unit at the pick's start
  int pick_not_front = 0;  // dispatches of something other than the oldest
};

// Runs `steps` random adds/dispatches through `spec`; every dispatch is
// checked against Choose(). Returns what the workload exercised.
Stats RunDifferential(const std::string& spec, uint64_t seed, int steps, int max_waiting) {
  Stats st;
  auto made = MakeElevator(spec);
  EXPECT_TRUE(made.ok()) << made.status();
  if (!made.ok()) return st;
  Elevator& e = **made;
  auto* classic = dynamic_cast<ClassicElevator*>(&e);
  EXPECT_NE(classic, nullptr) << spec;
  if (classic == nullptr) return st;
  GridEstimator disk;
  if (classic->NeedsEstimator()) {
    EXPECT_TRUE(SetElevatorPositionEstimator(e, &disk).ok());
  }
  // aged-sptf's weight as the spec sets it (the elevator hands it to its
  // policy at each dispatch).
  int64_t aged_weight = 0;
  if (const size_t w = spec.find("weight="); w != std::string::npos) {
    aged_weight = std::atoll(spec.c_str() + w + 7);
  }
  std::mt19937_64 rng(seed);
  // A random initial position and direction.
  classic->policy().SetPosition(rng() % 512, rng() % 2 == 0);

  std::deque<Request> requests;  // stable addresses; never reused
  int64_t tick = 0;
  auto now = [&] { return Time{tick * 10000}; };  // 10 µs a step: aging competes with seeks
  size_t waiting = 0;
  uint64_t next_id = 1;
  std::vector<const Request*> order;
  std::vector<DiskCandidate> cands;

  for (int step = 0; step < steps && !::testing::Test::HasFailure(); ++step) {
    ++tick;
    const bool add =
        waiting == 0 || (waiting < static_cast<size_t>(max_waiting) && rng() % 100 < 55);
    if (add) {
      Request& r = requests.emplace_back();
      r.id = next_id++;
      // 64 slots of 8 sectors; lengths 1–16 so that requests overlap, abut
      // and share starts.
      r.sector = (rng() % 64) * 8 + (rng() % 4 == 0 ? rng() % 8 : 0);
      r.sectors = rng() % 3 == 0 ? 1 + static_cast<uint32_t>(rng() % 16) : 8;
      r.op = rng() % 5 == 0 ? Op::kWrite : Op::kRead;
      r.sync = r.op == Op::kRead;
      r.arrival = now();
      r.ResetUnit();
      r.set_state(RequestState::kQueued);
      if (e.Add(r, now()) != nullptr) {
        ++st.merges;
      }
      waiting = 0;
      classic->ForEachWaiting([&](const Request&) { ++waiting; });
      continue;
    }
    // The reference: Choose() on a copy of the policy, over the waiting units
    // in arrival order.
    order.clear();
    cands.clear();
    classic->ForEachWaiting([&](const Request& rq) {
      order.push_back(&rq);
      cands.push_back(DiskCandidate{rq.op, rq.start(), rq.nr_sectors(), rq.arrival});
    });
    DiskPolicy ref = classic->policy();
    ref.set_aging_weight(aged_weight);
    const size_t want = ref.Choose(cands, now());
    Decision d = e.Dispatch(now());
    EXPECT_NE(d.unit, nullptr) << spec << " seed " << seed << " step " << step;
    if (d.unit == nullptr) break;
    EXPECT_EQ(d.unit, order[want])
        << spec << " seed " << seed << " step " << step << ": dispatched start " << d.unit->start()
        << ", Choose() picked start " << cands[want].start << " (index " << want << " of "
        << cands.size() << ")";
    EXPECT_EQ(classic->policy().position(), ref.position()) << spec << " step " << step;
    EXPECT_EQ(classic->policy().moving_up(), ref.moving_up()) << spec << " step " << step;
    EXPECT_EQ(classic->policy().tie_flag(), ref.tie_flag()) << spec << " step " << step;
    ++st.dispatches;
    if (want != 0) ++st.pick_not_front;
    for (size_t i = 0; i < cands.size(); ++i) {
      if (i != want && cands[i].start == cands[want].start) {
        ++st.equal_starts;
        break;
      }
    }
    Request& unit = *d.unit;
    disk.MoveTo(unit.end() - 1);
    unit.set_state(RequestState::kInFlight);
    e.Activate(unit, now());
    e.Complete(unit, now());
    unit.set_state(RequestState::kCompleted);
    waiting = cands.size() - 1;
  }
  // Drain, so that nothing stays linked when the requests go.
  while (!e.Empty()) {
    Decision d = e.Dispatch(now(), /*force=*/true);
    if (d.unit == nullptr) break;
  }
  return st;
}

class ClassicFastPathTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ClassicFastPathTest, DispatchOrderEqualsChooseOnRandomWorkloads) {
  const std::string name = GetParam();
  Stats total;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    // Short queues (many wraps and reversals) and longer ones.
    const int max_waiting = seed % 2 == 0 ? 8 : 96;
    const Stats st = RunDifferential(name, seed, 4000, max_waiting);
    total.dispatches += st.dispatches;
    total.merges += st.merges;
    total.equal_starts += st.equal_starts;
    total.pick_not_front += st.pick_not_front;
  }
  // The workload exercised what it is meant to: merges, equal starts, and
  // (except under fcfs) choices other than the oldest.
  EXPECT_GT(total.dispatches, 8000);
  EXPECT_GT(total.merges, 500);
  EXPECT_GT(total.equal_starts, 200);
  if (name != "fcfs") {
    EXPECT_GT(total.pick_not_front, 1000);
  }
}

TEST_P(ClassicFastPathTest, DispatchOrderEqualsChooseWithoutMerges) {
  const std::string name = GetParam();
  for (uint64_t seed = 11; seed <= 13; ++seed) {
    const std::string spec =
        name + (name.find(':') == std::string::npos ? ":nomerges=1" : ",nomerges=1");
    const Stats st = RunDifferential(spec, seed, 3000, 64);
    EXPECT_EQ(st.merges, 0);
    EXPECT_GT(st.equal_starts, 50);
  }
}

INSTANTIATE_TEST_SUITE_P(AllClassicPolicies, ClassicFastPathTest,
                         ::testing::Values("fcfs", "clook", "look", "sstf", "sdf", "sptf", "spctf",
                                           "aged-sptf:weight=30", "satf"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(0, info.param.find(':'));
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

TEST(ClassicFastPathTest, IndexKeptOnlyForTheOrderedPolicies) {
  for (const char* name : {"clook", "look", "sstf"}) {
    auto e = MakeElevator(name);
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(dynamic_cast<ClassicElevator&>(**e).indexed()) << name;
  }
  for (const char* name : {"fcfs", "sdf", "sptf", "spctf", "aged-sptf", "satf"}) {
    auto e = MakeElevator(name);
    ASSERT_TRUE(e.ok());
    EXPECT_FALSE(dynamic_cast<ClassicElevator&>(**e).indexed()) << name;
  }
}

}  // namespace
}  // namespace iosched
