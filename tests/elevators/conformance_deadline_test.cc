// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// docs/elevators.md §12.4: deadline (2.6.32 mode unless a test says otherwise),
// plus the §12.1 cases that single deadline out (M4 reversed, M6, M7), run
// through the real Dispatcher with the tick harness (HZ = 1000, so 1 ms =
// 1 tick). Requests are 8 sectors and not contiguous unless stated.

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "elv_core.h"
#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

using Sectors = std::vector<uint64_t>;
using Units = std::set<std::pair<uint64_t, uint32_t>>;  // (start, sectors)

Units UnitsOf(const Harness& h) {
  Units u;
  for (const auto& e : h.dispatched()) u.insert({e.sector, e.sectors});
  return u;
}

int64_t Counter(const Elevator& e, const std::string& name) {
  for (const auto& [n, v] : e.Counters()) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return -1;
}

std::vector<int64_t> Ticks(const Harness& h) {
  std::vector<int64_t> out;
  for (const auto& e : h.dispatched()) out.push_back(e.tick);
  return out;
}

std::string Ops(const Harness& h) {
  std::string s;
  for (const auto& e : h.dispatched()) s += e.op == Op::kRead ? 'R' : 'W';
  return s;
}

// Queues `sectors` as reads while plugged, then unplugs and runs to the end.
Sectors RunReads(const std::string& spec, const Sectors& sectors, int64_t service = 1) {
  Harness h(spec, service);
  h.Plug();
  for (uint64_t s : sectors) h.Read(s);
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  return h.DispatchedSectors();
}

TEST(Deadline, D1_SortedBatch) {
  EXPECT_EQ(RunReads("deadline", {100, 300, 200}), (Sectors{100, 200, 300}));
}

TEST(Deadline, D2_RestartAtOldestNotLowest) {
  // 2.6.32: 300 is the fifo head and has no successor, so each batch
  // restarts at the oldest request.
  EXPECT_EQ(RunReads("deadline", {300, 200, 100}), (Sectors{300, 200, 100}));
  // 2.6.20: with no next_rq the sweep wraps to the lowest sector.
  EXPECT_EQ(RunReads("deadline:legacy_2_6_20=1", {300, 200, 100}), (Sectors{100, 200, 300}));
}

// Reads S=4990, X=100, then A..T = 5000, 5016, … queued together at t=0.
Harness& QueueD3(Harness& h) {
  h.Plug();
  h.Read(4990);  // S
  h.Read(100);   // X
  for (int i = 0; i < 20; ++i) h.Read(5000 + 16 * i);
  h.Unplug();
  h.RunToEnd();
  return h;
}

TEST(Deadline, D3_ExpiryOnlyAtBatchBoundaries) {
  Harness h("deadline:read_expire=5,fifo_batch=16", /*service_ticks=*/1);
  QueueD3(h);
  // S and 15 of A… fill the 16-request batch at t=0…15; X expired at t=6
  // (6 > 0 + 5) but is only looked at when the batch ends, at t=16. The
  // sweep then continues upward from X, at P.
  Sectors want = {4990};
  for (int i = 0; i < 15; ++i) want.push_back(5000 + 16 * i);
  want.push_back(100);
  for (int i = 15; i < 20; ++i) want.push_back(5000 + 16 * i);
  EXPECT_EQ(h.DispatchedSectors(), want);
  ASSERT_EQ(h.dispatched().size(), 22u);
  EXPECT_EQ(h.dispatched()[16].tick, 16);
  EXPECT_EQ(Counter(h.elevator(), "batches"), 2);
  h.ExpectAllCompletedOnce();
}

TEST(Deadline, D3_FifoBatchOneChecksEveryDispatch) {
  Harness h("deadline:read_expire=5,fifo_batch=1", /*service_ticks=*/1);
  QueueD3(h);
  // S, A, B, C, D, E at t=0…5, X at t=6: the first tick at which 6 > 5.
  ASSERT_GE(h.dispatched().size(), 7u);
  EXPECT_EQ(h.dispatched()[5].sector, 5000u + 16 * 4);
  EXPECT_EQ(h.dispatched()[6].sector, 100u);
  EXPECT_EQ(h.dispatched()[6].tick, 6);
}

TEST(Deadline, D4_StrictExpiryBoundary) {
  // S=1000 goes first (fifo head); next_rq is then A=2000 while X=100 is the
  // oldest. fifo_batch=1 makes every dispatch a batch boundary.
  auto run = [](int64_t service) {
    Harness h("deadline:read_expire=10,fifo_batch=1", service);
    h.Plug();
    h.Read(1000);  // S
    h.Read(100);   // X, fifo_time = 0 + 10
    h.Read(2000);  // A
    h.Read(3000);  // B
    h.Unplug();
    h.RunToEnd();
    return h.DispatchedSectors();
  };
  // Second decision at t=10: X is not expired yet (10 > 10 is false).
  EXPECT_EQ(run(10), (Sectors{1000, 2000, 100, 3000}));
  // At t=11 it is.
  EXPECT_EQ(run(11), (Sectors{1000, 100, 2000, 3000}));
}

std::string RunD5(const std::string& spec) {
  Harness h(spec, /*service_ticks=*/1);
  h.Plug();
  for (int i = 0; i < 20; ++i) {
    h.Read(1000 + 16 * i);
    h.Write(500000 + 16 * i);
  }
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  return Ops(h);
}

TEST(Deadline, D5_WritesStarved) {
  // Batches of 2: R, R, W, R, R, W, …
  EXPECT_EQ(RunD5("deadline:fifo_batch=2").substr(0, 18), "RRRRWWRRRRWWRRRRWW");
  EXPECT_EQ(RunD5("deadline:fifo_batch=2,writes_starved=1").substr(0, 12), "RRWWRRWWRRWW");
  // writes_starved=0: a write batch whenever writes are queued.
  EXPECT_EQ(RunD5("deadline:fifo_batch=2,writes_starved=0"),
            std::string(20, 'W') + std::string(20, 'R'));
}

TEST(Deadline, D5_BatchesFollowSectorOrder) {
  Harness h("deadline:fifo_batch=2", /*service_ticks=*/1);
  h.Plug();
  for (int i = 0; i < 6; ++i) h.Read(1000 + 16 * (5 - i));  // arrive descending
  for (int i = 0; i < 2; ++i) h.Write(500000 + 16 * i);
  h.Unplug();
  h.RunToEnd();
  // Each read batch starts at the fifo head, which is the highest read
  // left, so it runs off the top of the tree after one request. Two read
  // batches (starved reaches writes_starved), then a write batch of two in
  // sector order, then reads again; once no write waits, starved stays put.
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{1080, 1064, 500000, 500016, 1048, 1032, 1016, 1000}));
  EXPECT_EQ(Counter(h.elevator(), "batches"), 7);
}

TEST(Deadline, D6_WriteDeadline) {
  // Writes only. A=100 is dispatched first (fifo head); next_rq is then
  // B=200, and C=300 lies above it, while Z=9000 is the oldest remaining.
  auto run = [](const std::string& spec) {
    Harness h(spec, /*service_ticks=*/3);
    h.Plug();
    h.Write(100);   // A
    h.Write(9000);  // Z
    h.Write(200);   // B
    h.Write(300);   // C
    h.Unplug();
    h.RunToEnd();
    return h.DispatchedSectors();
  };
  // The batch A, B ends at t=6; Z (expired at 5) is served before C.
  EXPECT_EQ(run("deadline:fifo_batch=2,write_expire=5"), (Sectors{100, 200, 9000, 300}));
  // Unexpired, the new batch continues the sweep at C.
  EXPECT_EQ(run("deadline:fifo_batch=2"), (Sectors{100, 200, 300, 9000}));
}

TEST(Deadline, D7_NewArrivalsDontExtendBatchByInsertion) {
  Harness h("deadline", /*service_ticks=*/1);
  h.Plug();
  h.Read(100);
  h.Read(300);
  h.Unplug();  // 100 dispatched at t=0, next_rq = 300
  ASSERT_EQ(h.dispatched().size(), 1u);
  h.Read(200);  // not made next_rq by insertion
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{100, 300, 200}));
  EXPECT_EQ(Ticks(h), (std::vector<int64_t>{0, 1, 2}));
  // 200 needed a new batch (next_rq was null after 300).
  EXPECT_EQ(Counter(h.elevator(), "batches"), 2);
}

TEST(Deadline, D8_TunableClamping) {
  auto e = MakeElevator("deadline");
  ASSERT_TRUE(e.ok());
  Elevator& d = **e;
  EXPECT_EQ(d.GetTunable("read_expire").value(), "500");
  EXPECT_EQ(d.GetTunable("write_expire").value(), "5000");
  EXPECT_EQ(d.GetTunable("fifo_batch").value(), "16");
  EXPECT_EQ(d.GetTunable("writes_starved").value(), "2");
  EXPECT_EQ(d.GetTunable("front_merges").value(), "1");
  EXPECT_EQ(d.GetTunable("legacy_2_6_20").value(), "0");

  ASSERT_TRUE(d.SetTunable("front_merges", "5").ok());
  EXPECT_EQ(d.GetTunable("front_merges").value(), "1");
  ASSERT_TRUE(d.SetTunable("front_merges", "-1").ok());
  EXPECT_EQ(d.GetTunable("front_merges").value(), "0");
  ASSERT_TRUE(d.SetTunable("fifo_batch", "-3").ok());
  EXPECT_EQ(d.GetTunable("fifo_batch").value(), "0");
  ASSERT_TRUE(d.SetTunable("writes_starved", "-7").ok());  // INT_MIN … INT_MAX
  EXPECT_EQ(d.GetTunable("writes_starved").value(), "-7");
  ASSERT_TRUE(d.SetTunable("writes_starved", "99999999999").ok());
  EXPECT_EQ(d.GetTunable("writes_starved").value(), "2147483647");
  ASSERT_TRUE(d.SetTunable("read_expire", "-20").ok());
  EXPECT_EQ(d.GetTunable("read_expire").value(), "0");
  // Time tunables take and report milliseconds.
  ASSERT_TRUE(d.SetTunable("read_expire", "250ms").ok());
  EXPECT_EQ(d.GetTunable("read_expire").value(), "250");
  ASSERT_TRUE(d.SetTunable("write_expire", "2s").ok());
  EXPECT_EQ(d.GetTunable("write_expire").value(), "2000");
  EXPECT_FALSE(d.SetTunable("fifo_batch", "lots").ok());
}

TEST(Deadline, D8_TimeTunablesAtHz250) {
  ElevatorEnv env;
  env.hz = 250;
  auto e = MakeElevator("deadline", env);
  ASSERT_TRUE(e.ok());
  // HZ/2 and 5*HZ ticks, shown in ms.
  EXPECT_EQ((*e)->GetTunable("read_expire").value(), "500");
  EXPECT_EQ((*e)->GetTunable("write_expire").value(), "5000");
  ASSERT_TRUE((*e)->SetTunable("read_expire", "10").ok());  // 2.5 ticks → 3
  EXPECT_EQ((*e)->GetTunable("read_expire").value(), "12");
}

TEST(Deadline, Legacy_SeekEndsBatch) {
  // nomerges keeps the sequential reads 0, 8, 16 apart.
  const std::string base = "deadline:nomerges=1,writes_starved=0";
  auto run = [](const std::string& spec) {
    Harness h(spec, /*service_ticks=*/1);
    h.Plug();
    for (uint64_t s : {0, 8, 16, 1000}) h.Read(s);
    h.Unplug();      // 0 goes at t=0
    h.Write(50000);  // arrives while the read batch runs
    h.RunToEnd();
    return Ops(h) + ":" + std::to_string(h.dispatched()[3].sector);
  };
  // 2.6.32: the batch runs on through the seek to 1000.
  EXPECT_EQ(run(base), "RRRRW:1000");
  // 2.6.20: 16 → 1000 is not sequential, so the batch ends and writes
  // (never starved with writes_starved=0) go first.
  EXPECT_EQ(run(base + ",legacy_2_6_20=1"), "RRRWR:50000");
}

TEST(Deadline, M4_CoalescingEndsWithOneRequest) {
  Harness h("deadline");
  h.Plug();
  h.Read(0);
  h.Read(16);
  h.Read(8);
  EXPECT_EQ(h.elevator().Pending(), 1u);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{0, 24}}));
  h.ExpectAllCompletedOnce();
}

TEST(Deadline, M4_ReverseArrivalInheritsFifoDeadlineAndPosition) {
  Harness h("deadline");
  h.Plug();
  Request& r16 = h.Read(16);  // t=0: fifo_time 500, last_merge
  h.set_now(1);
  h.Read(1000);             // Y, t=1
  Request& r0 = h.Read(0);  // t=1: fifo_time 501
  h.Read(8);                // front-merges into [16], which coalesces with [0]
  EXPECT_EQ(h.elevator().Pending(), 2u);
  EXPECT_EQ(r0.start(), 0u);
  EXPECT_EQ(r0.nr_sectors(), 24u);
  EXPECT_EQ(r0.fifo_time, 500);
  EXPECT_EQ(r16.fifo_time, 500);
  h.Unplug();
  h.RunToEnd();
  // The survivor took [16]'s fifo position, ahead of Y: with no next_rq the
  // first batch starts at the fifo head.
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{0, 1000}));
  EXPECT_EQ(h.dispatched()[0].sectors, 24u);
  h.ExpectAllCompletedOnce();
}

TEST(Deadline, M6_FrontMergeLookupFollowsFrontMerges) {
  for (bool front : {true, false}) {
    Harness h(front ? "deadline" : "deadline:front_merges=0");
    h.Plug();
    h.Read(108);  // last_merge
    h.Read(500);
    h.Read(508);  // back merge: last_merge moves to [500]
    h.Read(100);  // front merge only through the sort tree lookup
    EXPECT_EQ(h.elevator().Pending(), front ? 2u : 3u) << front;
    h.Unplug();
    h.RunToEnd();
    if (front) {
      EXPECT_EQ(UnitsOf(h), (Units{{100, 16}, {500, 16}}));
    } else {
      EXPECT_EQ(UnitsOf(h), (Units{{100, 8}, {108, 8}, {500, 16}}));
    }
    h.ExpectAllCompletedOnce();
  }
}

TEST(Deadline, M7_AliasGoesToDispatchFirst) {
  Harness h("deadline");
  h.Plug();
  h.Read(500);
  Request& old100 = h.Read(100);
  h.Read(300);
  Request& new100 = h.Read(100);  // same start: the old one is moved out
  EXPECT_EQ(old100.state(), RequestState::kDispatched);
  EXPECT_EQ(new100.state(), RequestState::kQueued);
  EXPECT_EQ(Counter(h.elevator(), "alias_dispatches"), 1);
  h.Unplug();
  h.RunToEnd();
  // The move set next_rq to 300 without touching batching, so the batch
  // continues 300, 500; the new 100 waits for a new batch.
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{100, 300, 500, 100}));
  EXPECT_EQ(h.dispatched()[0].id, old100.id);
  EXPECT_EQ(h.dispatched()[3].id, new100.id);
  h.ExpectAllCompletedOnce();
}

TEST(Deadline, ExpiredServedCountsUnits) {
  Harness h("deadline:read_expire=5,fifo_batch=16", /*service_ticks=*/1);
  QueueD3(h);
  // Dispatched after their deadline (t > 5): the batch members from t=6 on
  // (A… up to O at t=15: 10 of them), X, and P…T.
  EXPECT_EQ(Counter(h.elevator(), "expired_served"), 10 + 1 + 5);
}

TEST(Deadline, AliasIsReachedByRegistryName) {
  auto e = MakeElevator("deadline:fifo_batch=4");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->Name(), "deadline");
}

// ---- Invariant under random arrivals -------------------------------------
//
// Whenever a batch starts (a dispatch that is not a continuation) and the
// read fifo head has expired and a READ batch is chosen, the request
// dispatched is the fifo head. So an expired read waits at most for the
// batch in progress (fifo_batch dispatches) and, if writes were starved, one
// write batch, before a batch starts at it.
class BatchStartChecker : public DispatchObserver {
 public:
  explicit BatchStartChecker(const Elevator* e) : e_(e) {}
  void OnArrival(const Request& rq, Time) override {
    if (rq.op == Op::kRead) pending_.insert(&rq);
  }
  void OnIssue(const Request& unit, Time now) override {
    const int64_t batches = Counter(*e_, "batches");
    const bool batch_start = batches != last_batches_;
    last_batches_ = batches;
    if (batch_start && unit.op == Op::kRead) {
      // The read fifo just before this dispatch: the queued read units
      // (members merged away and dispatched units are not sorted) plus the
      // unit just taken. The fifo is ordered by fifo_time.
      int64_t head = unit.fifo_time;
      for (const Request* r : pending_) {
        if ((r->elv_flags & kRqSorted) && r->state() == RequestState::kQueued) {
          head = std::min(head, r->fifo_time);
        }
      }
      const int64_t tick = now.count() / 1000000;
      if (tick > head) {
        ++expired_starts_;
        EXPECT_EQ(unit.fifo_time, head)
            << "batch started at sector " << unit.start() << " at t=" << tick
            << " while the read fifo head (fifo_time " << head << ") had expired";
      }
    }
    for (const Request* m = unit.first_member(); m != nullptr; m = m->next_member()) {
      pending_.erase(m);
    }
  }
  int expired_starts() const { return expired_starts_; }

 private:
  const Elevator* e_;
  std::set<const Request*> pending_;
  int64_t last_batches_ = 0;
  int expired_starts_ = 0;
};

TEST(Deadline, Invariant_ExpiredReadStartsTheNextReadBatch) {
  int expired_starts = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    const uint32_t depth = 1 + rng() % 3;
    const int64_t service = 1 + rng() % 3;
    const int fifo_batch = 1 + rng() % 16;
    const int read_expire = 5 + rng() % 40;
    const int writes_starved = rng() % 4;
    const std::string spec = "deadline:fifo_batch=" + std::to_string(fifo_batch) +
                             ",read_expire=" + std::to_string(read_expire) +
                             ",write_expire=" + std::to_string(2 * read_expire) +
                             ",writes_starved=" + std::to_string(writes_starved);
    Harness h(spec, service, depth);
    BatchStartChecker checker(&h.elevator());
    h.dispatcher().set_observer(&checker);
    int64_t tick = 0;
    uint64_t cursor = 0;
    for (int i = 0; i < 600; ++i) {
      tick += rng() % 3;
      h.RunUntil(tick);
      const uint32_t sectors = 1 + rng() % 16;
      // Some sequential runs (merges and aliases happen), mostly random.
      uint64_t sector = (rng() % 4 == 0) ? cursor : (rng() % 200000);
      cursor = sector + sectors;
      const Op op = (rng() % 3 == 0) ? Op::kWrite : Op::kRead;
      h.dispatcher().Submit(h.Make(op, sector, sectors, rng() % 4));
    }
    h.RunToEnd(tick + 1000000);
    EXPECT_TRUE(h.dispatcher().Idle()) << "seed " << seed;
    h.ExpectAllCompletedOnce();
    expired_starts += checker.expired_starts();
  }
  // The workload overloads the device, so the rule was exercised.
  EXPECT_GT(expired_starts, 100);
}

}  // namespace
}  // namespace iosched::testing
