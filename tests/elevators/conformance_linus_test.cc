// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// docs/elevators.md §12.3: the 2.4 Linus elevator, canonical 2.4.22+ mode. The
// queue is plugged while the list is built, so no head is active unless a
// test says so; the dispatch order after unplugging is the list order.

#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

std::vector<uint64_t> ListOrder(Harness& h) {
  h.Unplug();
  h.RunToEnd();
  return h.DispatchedSectors();
}

TEST(Linus, L1_AscendingInsertion) {
  Harness h("linus");
  h.Plug();
  Request& a = h.Read(100);
  Request& b = h.Read(500);
  Request& c = h.Read(900);
  // Inserting 500 after 100 and 900 after 500 passed nobody.
  EXPECT_EQ(a.passovers, 128);
  EXPECT_EQ(b.passovers, 128);
  EXPECT_EQ(c.passovers, 128);
  Request& d = h.Read(700);
  EXPECT_EQ(a.passovers, 128);
  EXPECT_EQ(b.passovers, 128);
  EXPECT_EQ(c.passovers, 127);
  EXPECT_EQ(d.passovers, 128);
  EXPECT_EQ(ListOrder(h), (std::vector<uint64_t>{100, 500, 700, 900}));
}

TEST(Linus, L2_WrapPoints) {
  Harness h("linus");
  h.Plug();
  h.Read(500);
  h.Read(900);
  h.Read(100);  // no gap fits: tail
  h.Read(950);  // after 900, at the wrap point (s > ri.start)
  h.Read(50);   // after 950, at the wrap point (s < nx.start)
  EXPECT_EQ(ListOrder(h), (std::vector<uint64_t>{500, 900, 950, 50, 100}));
}

TEST(Linus, L3_StarvationBarrier) {
  Harness h("linus:read_latency=1");
  h.Plug();
  h.Read(500);               // A
  Request& b = h.Read(900);  // B
  h.Read(600);               // C goes between A and B; B is passed once
  EXPECT_EQ(b.passovers, 0);
  h.Read(700);  // D may not pass B any more
  EXPECT_EQ(ListOrder(h), (std::vector<uint64_t>{500, 600, 900, 700}));
}

TEST(Linus, L3_DefaultLatencyLetsD_Pass) {
  Harness h("linus");
  h.Plug();
  h.Read(500);
  h.Read(900);
  h.Read(600);
  h.Read(700);
  EXPECT_EQ(ListOrder(h), (std::vector<uint64_t>{500, 600, 700, 900}));
}

TEST(Linus, L4_BackMergeIntoStarvedAllowedFrontNot) {
  Harness h("linus:read_latency=1");
  h.Plug();
  h.Read(500);
  Request& b = h.Read(900);
  h.Read(600);
  ASSERT_EQ(b.passovers, 0);
  h.Read(908);  // back-merges into B
  EXPECT_EQ(b.nr_sectors(), 16u);
  h.Read(892);  // must not front-merge into B: appended at the tail
  EXPECT_EQ(b.start(), 900u);
  EXPECT_EQ(h.elevator().Pending(), 4u);
  h.Unplug();
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 4u);
  EXPECT_EQ(h.dispatched()[2].sector, 900u);
  EXPECT_EQ(h.dispatched()[2].sectors, 16u);
  EXPECT_EQ(h.dispatched()[3].sector, 892u);
  h.ExpectAllCompletedOnce();
}

TEST(Linus, L5_AccountingAfterMerges) {
  Harness h("linus");
  h.Plug();
  Request& x = h.Read(100);
  Request& y = h.Read(500);
  Request& z = h.Read(900);
  h.Read(108);  // back merge into X: Y and Z lose one passover, X none
  EXPECT_EQ(x.passovers, 128);
  EXPECT_EQ(y.passovers, 127);
  EXPECT_EQ(z.passovers, 127);
  h.Read(492);  // front merge into Y: Y and Z lose one more
  EXPECT_EQ(x.passovers, 128);
  EXPECT_EQ(y.passovers, 126);
  EXPECT_EQ(z.passovers, 126);
  EXPECT_EQ(y.start(), 492u);
}

TEST(Linus, L6_CoalesceKeepsMinimumSeq) {
  Harness h("linus");
  h.Plug();
  Request& a = h.Read(0);
  Request& c = h.Read(16);
  h.Read(300);  // passes nobody (appended after 16)
  // Scanning from the tail, [16] is met first: the bio front-merges into it
  // ([16] and [300] each lose a passover), then [16] coalesces with its
  // predecessor [0]; the survivor [0,+24) keeps min(128, 127).
  h.Read(8, 8);
  EXPECT_EQ(a.nr_sectors(), 24u);
  EXPECT_EQ(a.passovers, 127);
  (void)c;
  EXPECT_EQ(h.elevator().Pending(), 2u);
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

TEST(Linus, L7_NoDirectionSplit) {
  Harness h("linus");
  h.Plug();
  h.Write(10);
  h.Write(100);
  h.Read(50);
  EXPECT_EQ(ListOrder(h), (std::vector<uint64_t>{10, 50, 100}));
}

TEST(Linus, L7_LoneTailOffersNoGap) {
  Harness h("linus");
  h.Plug();
  h.Write(100);
  h.Read(50);
  EXPECT_EQ(ListOrder(h), (std::vector<uint64_t>{100, 50}));
}

TEST(Linus, L8_Defaults) {
  Harness h("linus");
  EXPECT_EQ(h.elevator().GetTunable("read_latency").value(), "128");
  EXPECT_EQ(h.elevator().GetTunable("write_latency").value(), "512");
  EXPECT_EQ(h.elevator().GetTunable("max_bomb_segments").value(), "0");
  h.Plug();
  Request& r = h.Read(100);
  Request& w = h.Write(5000);
  EXPECT_EQ(r.passovers, 128);
  EXPECT_EQ(w.passovers, 512);
}

TEST(Linus, L8_NegativeLatencyRejected) {
  auto e = MakeElevator("linus:read_latency=-1");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(e.status().message()).find("read_latency"), std::string::npos);
}

TEST(Linus, L9_HeadActiveDoesNotMerge) {
  Harness h("linus", /*service_ticks=*/10);
  h.Read(100);  // H: taken by the device at once
  ASSERT_EQ(h.dispatched().size(), 1u);
  h.Read(108);  // contiguous with H's end, but H is being serviced
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[0].sectors, 8u);
  EXPECT_EQ(h.dispatched()[1].sector, 108u);
}

TEST(Linus, FrontMergeCoalescesWithPrevious) {
  Harness h("linus");
  h.Plug();
  h.Read(0);
  h.Read(16);
  h.Read(8);
  EXPECT_EQ(h.elevator().Pending(), 1u);
  h.Unplug();
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 1u);
  EXPECT_EQ(h.dispatched()[0].sectors, 24u);
  h.ExpectAllCompletedOnce();
}

TEST(Linus, RespectsMaxSectors) {
  Harness h("linus:max_sectors=16");
  h.Plug();
  h.Read(100, 16);
  h.Read(116, 8);
  EXPECT_EQ(h.elevator().Pending(), 2u);
}

}  // namespace
}  // namespace iosched::testing
