// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Randomised properties over every registered elevator: random arrivals,
// sizes, ops, streams, priorities, device depths and service times. Checked:
// every request completes exactly once; a dispatched unit's members are
// contiguous, of one op and within max_sectors; nothing is left behind, and
// the elevator finishes on its own (a run that needs a forced drain fails).

#include <random>

#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

class UnitChecker : public DispatchObserver {
 public:
  explicit UnitChecker(uint32_t max_sectors) : max_sectors_(max_sectors) {}
  void OnIssue(const Request& unit, Time) override {
    ++units_;
    EXPECT_LE(unit.nr_sectors(), max_sectors_);
    uint64_t pos = unit.start();
    uint32_t n = 0, total = 0;
    for (const Request* m = unit.first_member(); m != nullptr; m = m->next_member()) {
      EXPECT_EQ(m->sector, pos) << "members of a unit must be contiguous";
      EXPECT_EQ(m->op, unit.op) << "a unit holds one op";
      pos += m->sectors;
      total += m->sectors;
      ++n;
    }
    EXPECT_EQ(n, unit.member_count());
    EXPECT_EQ(total, unit.nr_sectors());
    EXPECT_EQ(pos, unit.end());
  }
  uint64_t units() const { return units_; }

 private:
  uint32_t max_sectors_;
  uint64_t units_ = 0;
};

class Property : public ::testing::TestWithParam<std::string> {};

TEST_P(Property, EveryRequestCompletesExactlyOnce) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const uint32_t depth = 1 + rng() % 4;
    const int64_t service = rng() % 4;  // 0..3 ticks
    const uint32_t max_sectors = (seed % 3 == 0) ? 64 : 255;
    Harness h(GetParam() + ":max_sectors=" + std::to_string(max_sectors), service, depth);
    UnitChecker checker(max_sectors);
    h.dispatcher().set_observer(&checker);
    int64_t tick = 0;
    uint64_t cursor[4] = {0, 100000, 200000, 300000};
    for (int i = 0; i < 400; ++i) {
      tick += rng() % 3;
      h.RunUntil(tick);
      const uint32_t stream = rng() % 4;
      const uint32_t sectors = 1 + rng() % 32;
      // Half sequential per stream (so merges happen), half random.
      uint64_t sector = (rng() % 2) ? cursor[stream] : (rng() % 1000000);
      cursor[stream] = sector + sectors;
      const Op op = (rng() % 3 == 0) ? Op::kWrite : Op::kRead;
      Request& r = h.Make(op, sector, sectors, stream);
      r.prio.io_class = static_cast<IoClass>(1 + rng() % 3);
      r.prio.level = rng() % 8;
      h.dispatcher().Submit(r);
    }
    // Liveness: with no more arrivals, the elevator alone (its timers, no
    // forced drain) must finish everything.
    h.RunToEnd(tick + 10000000);
    if (!h.dispatcher().Idle()) {
      ADD_FAILURE() << "seed " << seed << ": requests still queued 10,000,000 ticks after the "
                    << "last arrival; the elevator stalled (a Drain() was needed)";
      h.dispatcher().Drain();  // only so the checks below can report the rest
      h.RunToEnd(tick + 20000000);
    }
    EXPECT_TRUE(h.dispatcher().Idle()) << "seed " << seed;
    EXPECT_EQ(h.dispatcher().completed(), 400u) << "seed " << seed;
    h.ExpectAllCompletedOnce();
    EXPECT_GT(checker.units(), 0u);
  }
}

// Every elevator that orders without a disk model (the positioning ones,
// sptf and kin, run the same properties in tests/simulator, on the HDD
// model that gives their estimates).
std::vector<std::string> ModelFreeElevators() {
  std::vector<std::string> out;
  for (const std::string& name : KnownElevators()) {
    auto e = MakeElevator(name);
    if (e.ok() && !ElevatorNeedsPositionEstimator(**e)) out.push_back(name);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllElevators, Property, ::testing::ValuesIn(ModelFreeElevators()),
                         [](const auto& info) {
                           std::string name = info.param;  // "mq-deadline" → "mq_deadline"
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace iosched::testing
