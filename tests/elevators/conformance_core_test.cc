// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// docs/elevators.md §12.1 (core / merging) and §12.2 (noop), run through the
// real Dispatcher with the tick harness. The M-tests that hold for every 2.6
// elevator are parameterised over the elevators registered so far.

#include <algorithm>
#include <set>
#include <utility>

#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

using Units = std::set<std::pair<uint64_t, uint32_t>>;  // (start, sectors)

Units UnitsOf(const Harness& h) {
  Units u;
  for (const auto& e : h.dispatched()) u.insert({e.sector, e.sectors});
  return u;
}

// Every registered 2.6 elevator (linus has its own 2.4 core).
std::vector<std::string> Elevators26() {
  std::vector<std::string> out;
  for (const std::string& n : KnownElevators()) {
    if (n == "noop" || n == "deadline" || n == "anticipatory" || n == "cfq") out.push_back(n);
  }
  return out;
}

class Core26 : public ::testing::TestWithParam<std::string> {};

TEST_P(Core26, M1_BackMerge) {
  Harness h(GetParam());
  h.Plug();
  h.Read(100);
  Request& b = h.Read(108);
  EXPECT_EQ(b.state(), RequestState::kQueued);
  EXPECT_EQ(h.elevator().Pending(), 1u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{100, 16}}));
  h.ExpectAllCompletedOnce();
}

TEST_P(Core26, M2_SizeLimit) {
  Harness h(GetParam() + ":max_sectors=16");
  h.Plug();
  h.Read(100, 16);
  h.Read(116, 8);
  EXPECT_EQ(h.elevator().Pending(), 2u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{100, 16}, {116, 8}}));
}

TEST_P(Core26, M3_Direction) {
  Harness h(GetParam());
  h.Plug();
  h.Write(100);
  h.Read(108);
  EXPECT_EQ(h.elevator().Pending(), 2u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{100, 8}, {108, 8}}));
}

TEST_P(Core26, M4_CoalescingAfterBackMerge) {
  Harness h(GetParam());
  h.Plug();
  h.Read(0);
  h.Read(16);
  h.Read(8);  // back-merges into [0] via last_merge, then coalesces with [16]
  EXPECT_EQ(h.elevator().Pending(), 1u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{0, 24}}));
  h.ExpectAllCompletedOnce();
}

TEST_P(Core26, M5_StartedRequestsNeverMerge) {
  Harness h(GetParam(), /*service_ticks=*/10);
  h.Read(100);  // dispatched at once: the device was idle
  ASSERT_EQ(h.dispatched().size(), 1u);
  h.Read(108);
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{100, 8}, {108, 8}}));
}

TEST_P(Core26, M8_RequeuedUnitIsNextOut) {
  Harness h(GetParam());
  Elevator& e = h.elevator();
  Request& a = h.Make(Op::kRead, 100);
  Request& b = h.Make(Op::kRead, 5000);
  for (Request* r : {&a, &b}) {
    r->ResetUnit();
    r->set_state(RequestState::kQueued);
    e.Add(*r, Tick(0));
  }
  Decision d = e.Dispatch(Tick(0));
  ASSERT_NE(d.unit, nullptr);
  Request* first = d.unit;
  first->set_state(RequestState::kInFlight);
  e.Activate(*first, Tick(0));
  e.Requeue(*first, Tick(1));
  Decision again = e.Dispatch(Tick(1));
  EXPECT_EQ(again.unit, first);
  Decision rest = e.Dispatch(Tick(1), /*force=*/true);
  ASSERT_NE(rest.unit, nullptr);
  EXPECT_NE(rest.unit, first);
  EXPECT_TRUE(e.Empty());
}

INSTANTIATE_TEST_SUITE_P(Elevators, Core26, ::testing::ValuesIn(Elevators26()),
                         [](const auto& info) { return info.param; });

// M4, reversed arrival: the bio front-merges into [16] (last_merge); under
// noop [0] is not [16]'s FIFO predecessor, so no coalescing happens.
TEST(Noop, M4_ReverseArrivalLeavesTwoUnits) {
  Harness h("noop");
  h.Plug();
  h.Read(16);
  h.Read(0);
  h.Read(8);
  EXPECT_EQ(h.elevator().Pending(), 2u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{0, 8}, {8, 16}}));
  h.ExpectAllCompletedOnce();
}

TEST(Noop, M6_FrontMergeOnlyThroughLastMerge) {
  Harness h("noop");
  h.Plug();
  h.Read(108);  // last_merge
  h.Read(500);
  h.Read(508);  // back merge into [500]: last_merge moves there
  h.Read(100);  // would front-merge into [108], but only last_merge is tried
  EXPECT_EQ(h.elevator().Pending(), 3u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{108, 8}, {500, 16}, {100, 8}}));
}

TEST(Noop, M6_FrontMergeViaLastMerge) {
  Harness h("noop");
  h.Plug();
  h.Read(108);  // last_merge
  h.Read(500);
  h.Read(100);  // front-merges into [108] through the cache
  EXPECT_EQ(h.elevator().Pending(), 2u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{100, 16}, {500, 8}}));
}

TEST(Noop, N1_ArrivalOrder) {
  Harness h("noop");
  h.Plug();
  h.Read(300);
  h.Read(100);
  h.Read(200);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (std::vector<uint64_t>{300, 100, 200}));
}

TEST(Noop, N2_ReadsAndWritesInArrivalOrder) {
  Harness h("noop");
  h.Plug();
  h.Write(900);
  h.Read(100);
  h.Write(50);
  h.Read(700);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (std::vector<uint64_t>{900, 100, 50, 700}));
}

TEST(Noop, NomergesDisablesMerging) {
  Harness h("noop:nomerges=1");
  h.Plug();
  h.Read(100);
  h.Read(108);
  EXPECT_EQ(h.elevator().Pending(), 2u);
}

// Completion fans out to every member of a merged unit, exactly once.
TEST(Noop, MergedUnitCompletesEveryMember) {
  Harness h("noop", /*service_ticks=*/3);
  h.Plug();
  for (uint64_t s = 0; s < 8 * 20; s += 8) h.Read(s);
  h.Unplug();
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 1u);
  EXPECT_EQ(h.dispatched()[0].sectors, 160u);
  EXPECT_EQ(h.completed_ids().size(), 20u);
  h.ExpectAllCompletedOnce();
}

}  // namespace
}  // namespace iosched::testing
