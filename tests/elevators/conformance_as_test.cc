// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// docs/elevators.md §12.5: the anticipatory scheduler (2.6.32), plus the §12.1
// cases that single it out (M4, M7), through the real Dispatcher with the
// tick harness (HZ = 1000: 1 ms = 1 tick). Default tunables unless a test
// says otherwise; streams 1, 2, … are the processes P1, P2, …

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "as_iosched.h"
#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

using Sectors = std::vector<uint64_t>;
using Units = std::set<std::pair<uint64_t, uint32_t>>;  // (start, sectors)

constexpr uint32_t P1 = 1, P2 = 2, P3 = 3;
constexpr int64_t kAnticOff = 0, kAnticWaitNext = 2;
constexpr int kMay = 0, kMust = 2;  // ELV_MQUEUE_*

int64_t Find(const std::vector<std::pair<std::string, int64_t>>& kv, const std::string& name) {
  for (const auto& [n, v] : kv) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no field " << name;
  return -1;
}
int64_t Counter(const Harness& h, const std::string& name) {
  return Find(const_cast<Harness&>(h).elevator().Counters(), name);
}
int64_t State(Harness& h, const std::string& name) {
  return Find(AnticipatoryState(h.elevator()), name);
}
int64_t Ctx(Harness& h, uint32_t stream, const std::string& name) {
  return Find(AnticipatoryContextState(h.elevator(), stream), name);
}

Units UnitsOf(const Harness& h) {
  Units u;
  for (const auto& e : h.dispatched()) u.insert({e.sector, e.sectors});
  return u;
}

std::string Ops(const Harness& h) {
  std::string s;
  for (const auto& e : h.dispatched()) s += e.op == Op::kRead ? 'R' : 'W';
  return s;
}

// The tick at which `sector` was dispatched (first time), or -1.
int64_t TickOf(const Harness& h, uint64_t sector) {
  for (const auto& e : h.dispatched()) {
    if (e.sector == sector) return e.tick;
  }
  return -1;
}

// A1 setup: P1's R1 at 1000 and P2's Q at 900 000 queued together at t=0;
// R1 wins (closer to last_sector = 0) and completes at t=2.
void QueueA1(Harness& h) {
  h.Plug();
  h.Read(1000, 8, P1);
  h.Read(900000, 8, P2);
  h.Unplug();
  ASSERT_EQ(h.dispatched().size(), 1u);
  ASSERT_EQ(h.dispatched()[0].sector, 1000u);
}

TEST(Anticipatory, A1_AnticipationHit) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunUntil(2);
  // R1 completed; Q is queued but AS waits for P1.
  EXPECT_EQ(h.dispatched().size(), 1u);
  EXPECT_EQ(State(h, "antic_status"), kAnticWaitNext);
  EXPECT_EQ(h.timer(), Tick(8));
  h.RunUntil(3);
  h.Read(1008, 8, P1);  // the request we waited for
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[1].sector, 1008u);
  EXPECT_EQ(h.dispatched()[1].tick, 3);
  EXPECT_EQ(Counter(h, "antic_hits"), 1);
  EXPECT_EQ(h.timer(), kTimeNever);
  h.RunToEnd();
  // R2 completes at t=5; P1's think time (1 tick, mean 5) is still below
  // antic_expire, so AS waits again and Q goes when that wait times out.
  EXPECT_EQ(TickOf(h, 900000), 11);
  EXPECT_EQ(Counter(h, "antic_timeouts"), 1);
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, A2_AnticipationTimeout) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{1000, 900000}));
  EXPECT_EQ(TickOf(h, 900000), 8);
  EXPECT_EQ(Counter(h, "antic_timeouts"), 1);
  EXPECT_EQ(Counter(h, "antic_hits"), 0);
  // P1 had no think-time samples: exit_prob = (7*0 + 256)/8.
  EXPECT_EQ(Counter(h, "exit_prob"), 32);
  EXPECT_EQ(Counter(h, "exit_no_coop"), 0);
}

TEST(Anticipatory, A3_CloseRequestFromAnotherProcessBreaksAnticipation) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunUntil(3);
  // last = 1008; one tick into the wait delta = 8192 << 1, so the window
  // is [1008 - 8192, 1008 + 16384] and 5008 is close.
  h.Read(5008, 8, P2);
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[1].sector, 5008u);
  EXPECT_EQ(h.dispatched()[1].tick, 3);
  EXPECT_EQ(Counter(h, "antic_hits"), 1);
  // P1's history was fed with P2's request: think time 1, seek 4000.
  EXPECT_EQ(Ctx(h, P1, "ttime_samples"), 32);
  EXPECT_EQ(Ctx(h, P1, "ttime_total"), 32);  // 256*1/8
  EXPECT_EQ(Ctx(h, P1, "ttime_mean"), 5);    // (32 + 128)/32
  EXPECT_EQ(Ctx(h, P1, "seek_samples"), 32);
  EXPECT_EQ(Ctx(h, P1, "seek_total"), 128000);  // 256*4000/8
  EXPECT_EQ(Ctx(h, P1, "seek_mean"), 4000);
  EXPECT_EQ(Ctx(h, P1, "last_request_pos"), 5016);
  // The first sample of a context also feeds the global "new process"
  // means: P2's own (think 0, seek |5008 - 900008| = 895000) and then P1's.
  EXPECT_EQ(Counter(h, "new_ttime_mean"), 0);  // ((7*0 + 256*1)/8)/256
  // new_seek_total = 256*895000/8 = 28640000, then (7*28640000 +
  // 256*4000)/8 = 25188000; /256 = 98390.
  EXPECT_EQ(Counter(h, "new_seek_mean"), 98390);
}

TEST(Anticipatory, A3_FarRequestFromAnotherProcessDoesNotBreak) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunUntil(3);
  // Just beyond last + delta, from a process with no seek history (a
  // request from P2 would first teach new_seek_mean P2's huge seek, and a
  // seek shorter than that mean counts as close).
  h.Read(1008 + 16384 + 8, 8, P3);
  EXPECT_EQ(h.dispatched().size(), 1u);
  EXPECT_EQ(State(h, "antic_status"), kAnticWaitNext);
  EXPECT_EQ(Ctx(h, P1, "ttime_samples"), 0);
}

TEST(Anticipatory, A3_CloseWindowGrowsWithTheWait) {
  // One tick into the wait the window reaches last + (8192 << 1) = 17392.
  // P3 has no history, so only the window decides.
  for (auto [sector, close] :
       {std::pair<uint64_t, bool>{1008 + 12000, true}, {17392, true}, {17393, false}}) {
    Harness h("anticipatory", /*service_ticks=*/2);
    QueueA1(h);
    h.RunUntil(3);
    h.Read(sector, 8, P3);
    EXPECT_EQ(h.dispatched().size(), close ? 2u : 1u) << sector;
    EXPECT_EQ(Counter(h, "antic_hits"), close ? 1 : 0) << sector;
  }
}

TEST(Anticipatory, A2_TimerDueBreaksBeforeTheTimerRuns) {
  // antic_expired is inclusive: a request that arrives at antic_start +
  // antic_expire, before the timer callback has run, breaks the wait
  // itself, so the timer's exit_prob update never happens.
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunUntil(7);
  h.set_now(8);            // the timer (t=8) has not been delivered
  h.Read(1500000, 8, P3);  // far away, unrelated process
  EXPECT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[1].tick, 8);
  EXPECT_EQ(Counter(h, "exit_prob"), 0);
  EXPECT_EQ(h.timer(), kTimeNever);
}

TEST(Anticipatory, A4_ThinkingProcessNotAnticipated) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunUntil(5);
  h.Read(1008, 8, P1);                     // think time 5 - 2 = 3
  EXPECT_EQ(Ctx(h, P1, "ttime_mean"), 7);  // (96 + 128)/32 > antic_expire
  EXPECT_EQ(h.dispatched().back().tick, 5);
  h.RunToEnd();
  // R2 completes at t=7 and Q goes at once.
  EXPECT_EQ(TickOf(h, 900000), 7);
  EXPECT_EQ(Counter(h, "antic_timeouts"), 0);
}

TEST(Anticipatory, A5_AnticExpireZeroNeverAnticipates) {
  Harness h("anticipatory:antic_expire=0", /*service_ticks=*/2);
  QueueA1(h);
  h.RunToEnd();
  EXPECT_EQ(TickOf(h, 900000), 2);
  EXPECT_EQ(Counter(h, "anticipations"), 0);
}

TEST(Anticipatory, A6_NoAnticipationAfterWrite) {
  {
    // Nothing sync dispatched yet: writes go at once.
    Harness h("anticipatory", /*service_ticks=*/2);
    h.Write(5000, 8, P1);
    EXPECT_EQ(h.dispatched().size(), 1u);
  }
  // P1's read completes at t=2 with only P2's writes queued, but the last
  // request moved to dispatch was async (an alias of W moved it at t=1), so
  // there is no one to anticipate: W' goes as soon as W completes.
  Harness h("anticipatory", /*service_ticks=*/2);
  h.Read(1000, 8, P1);
  h.RunUntil(1);
  h.Write(7000, 8, P2);   // W
  h.Write(7000, 16, P2);  // W': same start, W goes to the dispatch list
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{1000, 7000, 7000}));
  EXPECT_EQ(h.dispatched()[1].tick, 2);
  EXPECT_EQ(h.dispatched()[2].tick, 4);
  EXPECT_EQ(Counter(h, "anticipations"), 0);
}

TEST(Anticipatory, A7_IdlesEvenWithOnlyWritesQueued) {
  {
    Harness h("anticipatory", /*service_ticks=*/2);
    h.Read(1000, 8, P1);
    h.Write(5000, 8, P2);
    h.RunToEnd();
    // R1 completes at t=2; the write waits the full antic_expire.
    EXPECT_EQ(TickOf(h, 5000), 8);
    EXPECT_EQ(Counter(h, "antic_timeouts"), 1);
  }
  {
    Harness h("anticipatory", /*service_ticks=*/2);
    h.Read(1000, 8, P1);
    h.Write(5000, 8, P2);
    h.RunUntil(4);
    h.Read(1008, 8, P1);  // P1 comes back in time
    h.RunToEnd();
    EXPECT_EQ(h.DispatchedSectors(), (Sectors{1000, 1008, 5000}));
    EXPECT_EQ(TickOf(h, 1008), 4);
    // Think time 2: mean (64+128)/32 = 6, not above antic_expire, so AS
    // waits for P1 once more after R2 (t=6) before the write (t=12).
    EXPECT_EQ(TickOf(h, 5000), 12);
  }
}

// Asserts that a unit of one class is never issued while a unit of the
// other class is still on the device.
class BatchOverlapChecker : public DispatchObserver {
 public:
  static int Class(const Request& r) { return (r.op == Op::kRead || r.sync) ? 1 : 0; }
  void OnIssue(const Request& unit, Time now) override {
    EXPECT_EQ(outstanding_[1 - Class(unit)], 0)
        << "sector " << unit.start() << " issued at t=" << now.count() / 1000000
        << " while the other batch is in flight";
    ++outstanding_[Class(unit)];
  }
  void OnComplete(const Request& member, const Request& unit, Time) override {
    if (&member == &unit) --outstanding_[Class(unit)];
  }

 private:
  int outstanding_[2] = {0, 0};
};

TEST(Anticipatory, A8_WriteToReadBatchDrains) {
  Harness h("anticipatory:write_batch_expire=15", /*service_ticks=*/10, /*depth=*/2);
  BatchOverlapChecker checker;
  h.dispatcher().set_observer(&checker);
  h.Write(50000, 8, P2);  // W1 at t=0: the write batch expires at t=15
  h.RunUntil(5);
  for (int i = 1; i < 8; ++i) h.Write(50000 + 16 * i, 8, P2);  // W2 goes at t=5
  h.RunUntil(6);
  for (int i = 0; i < 4; ++i) h.Read(1000 + 16 * i, 8, P1);
  h.RunUntil(30);
  // W3 (t=10) and W4 (t=15) still belong to the batch; at t=20 it has
  // expired, but the reads wait for W4 to complete at t=25 although a
  // device slot is free from t=20.
  EXPECT_EQ(Ops(h), "WWWWRR");
  EXPECT_EQ(h.dispatched()[3].tick, 15);
  EXPECT_EQ(h.dispatched()[4].tick, 25);
  EXPECT_EQ(h.dispatched()[5].tick, 25);
  // W4's completion (the last of the old batch) started the read batch and
  // set new_batch; the first read's completion (t=35) restarts the timer.
  EXPECT_EQ(State(h, "new_batch"), 1);
  EXPECT_EQ(State(h, "current_batch_expires"), 525);
  h.RunUntil(35);
  EXPECT_EQ(State(h, "new_batch"), 0);
  EXPECT_EQ(State(h, "current_batch_expires"), 535);
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, A8_ReadToWriteBatchDrains) {
  Harness h("anticipatory:antic_expire=0", /*service_ticks=*/10, /*depth=*/2);
  BatchOverlapChecker checker;
  h.dispatcher().set_observer(&checker);
  h.Read(1000, 8, P1);  // t=0
  h.RunUntil(5);
  h.Read(2000, 8, P1);  // t=5
  h.RunUntil(6);
  h.Write(50000, 8, P2);
  h.RunToEnd();
  // At t=10 the reads have run out and a slot is free, but the write waits
  // for the second read to complete at t=15.
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{1000, 2000, 50000}));
  EXPECT_EQ(h.dispatched()[2].tick, 15);
}

TEST(Anticipatory, A8_NoOverlapUnderMixedLoad) {
  Harness h("anticipatory", /*service_ticks=*/3, /*depth=*/4);
  BatchOverlapChecker checker;
  h.dispatcher().set_observer(&checker);
  for (int t = 0; t < 400; ++t) {
    h.RunUntil(t);
    if (t % 2 == 0) h.Read(1000 + 64 * t, 8, 1 + t % 3);
    if (t % 3 == 0) h.Write(900000 + 64 * t, 8, 4);
  }
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, A9_ReadBatchLength) {
  Harness h("anticipatory:antic_expire=0", /*service_ticks=*/1);
  h.Plug();
  for (int i = 0; i < 1600; ++i) h.Read(1000 + 16 * i, 8, P1);
  for (int i = 0; i < 100; ++i) h.Write(900000 - 16 * i, 8, P2);
  h.Unplug();
  h.RunUntil(600);
  // The initial read batch runs until t=500 (expiry is strict); at t=501
  // a write batch starts from the write fifo head, 900000.
  std::string ops = Ops(h);
  EXPECT_EQ(ops.substr(0, 501), std::string(501, 'R'));
  ASSERT_GT(h.dispatched().size(), 513u);
  EXPECT_EQ(h.dispatched()[501].tick, 501);
  EXPECT_EQ(h.dispatched()[501].sector, 900000u);
  // 12 writes (write_batch_count), then reads from t=513. The first read
  // completes at t=514: the batch runs to 514 + 500.
  EXPECT_EQ(ops.substr(501, 13), std::string(12, 'W') + "R");
  EXPECT_EQ(h.dispatched()[513].tick, 513);
  EXPECT_EQ(State(h, "current_batch_expires"), 1014);
  h.RunToEnd();
  ops = Ops(h);
  // Reads t=513…1014 (502 of them), then writes from t=1015.
  EXPECT_EQ(ops.substr(513, 503), std::string(502, 'R') + "W");
  EXPECT_EQ(h.dispatched()[1015].tick, 1015);
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, A10_WriteBatchAutoTuneRule) {
  using as_internal::UpdateWriteBatchCount;
  const int64_t target = 125;
  // Too long: more than 3x the target halves, otherwise decrements.
  EXPECT_EQ(UpdateWriteBatchCount(12, 400, target, false, 3), 6);
  EXPECT_EQ(UpdateWriteBatchCount(12, 375, target, false, 3), 11);
  EXPECT_EQ(UpdateWriteBatchCount(12, 126, target, false, 0), 11);
  // An idle (uncontended) batch is not used to shrink.
  EXPECT_EQ(UpdateWriteBatchCount(12, 400, target, true, 0), 12);
  // Too short and the whole count was used: doubles if 3x shorter,
  // otherwise increments.
  EXPECT_EQ(UpdateWriteBatchCount(12, 41, target, false, 0), 24);
  EXPECT_EQ(UpdateWriteBatchCount(12, 42, target, false, 0), 13);
  EXPECT_EQ(UpdateWriteBatchCount(12, 124, target, false, 0), 13);
  EXPECT_EQ(UpdateWriteBatchCount(12, -50, target, false, 0), 24);  // clamped to 0
  // Short but not fully used, or exactly on target: unchanged.
  EXPECT_EQ(UpdateWriteBatchCount(12, 41, target, false, 1), 12);
  EXPECT_EQ(UpdateWriteBatchCount(12, 125, target, false, 0), 12);
  // Never below 1.
  EXPECT_EQ(UpdateWriteBatchCount(1, 400, target, false, 0), 1);
  EXPECT_EQ(UpdateWriteBatchCount(1, 200, target, false, 0), 1);
}

TEST(Anticipatory, A10_WriteBatchEndsOnCount) {
  // write_batch_count starts at 125/10 = 12 (fixed at init; tuning
  // write_batch_expire later moves only the time limit).
  Harness h("anticipatory:write_batch_expire=1000", /*service_ticks=*/1);
  EXPECT_EQ(State(h, "write_batch_count"), 12);
  h.Plug();
  for (int i = 0; i < 20; ++i) h.Write(50000 + 16 * i, 8, P2);
  h.Unplug();
  h.RunUntil(1);
  for (int i = 0; i < 5; ++i) h.Read(1000 + 16 * i, 8, P1);
  h.RunToEnd();
  EXPECT_EQ(Ops(h).substr(0, 13), std::string(12, 'W') + "R");
  EXPECT_EQ(h.dispatched()[12].tick, 12);
  // The batch took 12 ticks of its 1000: doubled.
  EXPECT_EQ(Counter(h, "write_batch_count"), 24);
}

TEST(Anticipatory, A10_WriteBatchEndsOnTime) {
  Harness h("anticipatory:write_batch_expire=30", /*service_ticks=*/20);
  h.Plug();
  for (int i = 0; i < 20; ++i) h.Write(50000 + 16 * i, 8, P2);
  h.Unplug();  // W1 at t=0; the batch expires after t=30
  h.RunUntil(1);
  for (int i = 0; i < 5; ++i) h.Read(1000 + 16 * i, 8, P1);
  h.RunToEnd();
  EXPECT_EQ(Ops(h).substr(0, 3), "WWR");
  EXPECT_EQ(h.dispatched()[2].tick, 40);
  // write_time = 60 - (0 + 30) + 30 = 60 > 30 (not 3x): decremented.
  EXPECT_EQ(Counter(h, "write_batch_count"), 11);
}

// §6.10 quirk: when the switch to reads happens while writes are in
// flight, the last write's completion already replaced
// current_batch_expires with the read batch expiry, and the tuning measures
// from there. 2.6.20 measured the real write batch.
int64_t WriteBatchCountAfterOneBatch(const std::string& spec) {
  Harness h(spec, /*service_ticks=*/10, /*depth=*/2);
  h.Plug();
  for (int i = 0; i < 14; ++i) h.Write(50000 + 16 * i, 8, P2);
  h.Unplug();  // W1, W2 at t=0: write batch of 12, expiring at t=1000
  h.RunUntil(1);
  for (int i = 0; i < 4; ++i) h.Read(1000 + 16 * i, 8, P1);
  h.RunUntil(70);  // W11, W12 complete at t=60; R1 (t=60) completes at t=70
  EXPECT_EQ(Ops(h).substr(0, 14), std::string(12, 'W') + "RR");
  EXPECT_EQ(h.dispatched()[12].tick, 60);
  return State(h, "write_batch_count");
}

TEST(Anticipatory, A10_WriteBatchTimingQuirk) {
  // 2.6.32: write_time = 70 - (60 + 500) + 1000 = 510; 1000 <= 3*510: +1.
  EXPECT_EQ(WriteBatchCountAfterOneBatch("anticipatory:write_batch_expire=1000"), 13);
  // 2.6.20: write_time = 70 - (0 + 1000) + 1000 = 70; 1000 > 3*70: doubled.
  EXPECT_EQ(WriteBatchCountAfterOneBatch("anticipatory:write_batch_expire=1000,legacy_2_6_20=1"),
            24);
}

TEST(Anticipatory, Legacy_WriteBatchStartsInSectorOrder) {
  for (bool legacy : {false, true}) {
    Harness h(legacy ? "anticipatory:legacy_2_6_20=1" : "anticipatory");
    h.Plug();
    for (uint64_t s : {3000, 2000, 1000}) h.Write(s, 8, P2);
    h.Unplug();
    h.RunToEnd();
    // 2.6.32 starts at the fifo head and then seeks back in short steps;
    // 2.6.20 started at next_rq, the best request from the head position.
    EXPECT_EQ(h.DispatchedSectors(),
              legacy ? (Sectors{1000, 2000, 3000}) : (Sectors{3000, 2000, 1000}));
  }
}

TEST(Anticipatory, A11_FifoCheckRateLimited) {
  Harness h("anticipatory", /*service_ticks=*/1);
  h.Plug();
  // Old requests far above the sweep, each more than MAXBACK from the next,
  // arriving first (fifo head), then a long ascending run from P1.
  const Sectors old = {50000000, 40000000, 30000000, 20000000, 10000000};
  for (uint64_t s : old) h.Read(s, 8, P1);
  for (int i = 0; i < 1000; ++i) h.Read(1000 + 16 * i, 8, P1);
  h.Unplug();
  h.RunToEnd();
  // Everything is expired from t=126 on, but the fifo is looked at only
  // every read_expire (checks at t=0, 125, 250, …): one old request per
  // check, after which the sweep goes back to the run.
  EXPECT_EQ(TickOf(h, old[0]), 250);
  EXPECT_EQ(TickOf(h, old[1]), 375);
  EXPECT_EQ(TickOf(h, old[2]), 500);
  EXPECT_EQ(TickOf(h, old[3]), 625);
  EXPECT_EQ(TickOf(h, old[4]), 750);
  EXPECT_EQ(h.dispatched()[251].sector, 1000u + 16 * 250);
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, A12_ChooseRule) {
  using as_internal::ChooseRequest;
  EXPECT_EQ(ChooseRequest(1000, 1100, 960), 2);  // 100 vs 40*2
  EXPECT_EQ(ChooseRequest(1000, 1100, 940), 1);  // 100 vs 60*2
  EXPECT_EQ(ChooseRequest(1000, 1100, 950), 1);  // tie: the higher start
  EXPECT_EQ(ChooseRequest(1000, 950, 1100), 2);
  EXPECT_EQ(ChooseRequest(2000000, 100, 3000000), 2);  // 100 is beyond MAXBACK
  EXPECT_EQ(ChooseRequest(3000000, 100, 200), 1);      // both wrapped: lower
  // Exactly MAXBACK behind is still reachable; one sector more is wrapped.
  EXPECT_EQ(ChooseRequest(1048576 + 10, 10, 9), 1);
  EXPECT_EQ(ChooseRequest(1048576 + 10, 9, 10), 2);
}

TEST(Anticipatory, A12_ChooseRuleThroughDispatch) {
  struct Case {
    uint64_t last, s1, s2, want;
  };
  for (const Case& c : {Case{1000, 1100, 960, 960}, Case{1000, 1100, 940, 1100},
                        Case{1000, 1100, 950, 1100}, Case{2000000, 100, 3000000, 3000000}}) {
    Harness h("anticipatory", /*service_ticks=*/2);
    h.Read(c.last - 8, 8, P1);  // dispatched: last_sector = c.last
    h.Read(c.s1, 8, P1);
    h.Read(c.s2, 8, P1);
    h.RunToEnd();
    ASSERT_EQ(h.dispatched().size(), 3u);
    EXPECT_EQ(h.dispatched()[1].sector, c.want) << c.last << " " << c.s1 << " " << c.s2;
  }
}

TEST(Anticipatory, A13_StatisticsExactIntegers) {
  // One process, alone, service 1 tick: each read is dispatched on arrival
  // and completes one tick later; the next arrives `think` ticks after that.
  Harness h("anticipatory", /*service_ticks=*/1);
  const std::vector<int64_t> think = {0, 3, 3, 3, 3, 10, 50, 1, 0};
  const Sectors pos = {1000, 1108, 1266, 5001274, 6282, 10006290, 16010290, 16010362, 16210370};
  // {ttime_samples, ttime_total, ttime_mean, seek_samples, seek_total,
  //  seek_mean} after each request, from the §6.3 formulas. Seeks:
  // 100, 150, 5000000 (clamped to 127*4 + 2097152 while samples <= 60),
  // 4995000 (clamped to 799188*4 + 131072 after), …; think 50 → 19.
  const std::vector<std::vector<int64_t>> want = {
      {32, 96, 7, 32, 3200, 100},
      {60, 180, 5, 60, 7600, 127},
      {84, 253, 4, 84, 67131770, 799188},
      {105, 317, 4, 105, 165230666, 1573625},
      {123, 597, 5, 123, 350195136, 2847115},
      {139, 1130, 9, 139, 498548488, 3586680},
      {153, 1020, 7, 153, 436231975, 2851189},
      {165, 892, 6, 165, 388102978, 2352139},
  };
  int64_t t = 0;
  for (size_t i = 0; i < pos.size(); ++i) {
    t += think[i];
    h.RunUntil(t);
    h.Read(pos[i], 8, P1);
    ASSERT_EQ(h.dispatched().size(), i + 1) << "request " << i << " not dispatched on arrival";
    if (i == 0) {
      EXPECT_EQ(Ctx(h, P1, "ttime_samples"), 0);  // the first only records its position
      EXPECT_EQ(Ctx(h, P1, "last_request_pos"), 1008);
    } else {
      const auto& w = want[i - 1];
      EXPECT_EQ(Ctx(h, P1, "ttime_samples"), w[0]) << i;
      EXPECT_EQ(Ctx(h, P1, "ttime_total"), w[1]) << i;
      EXPECT_EQ(Ctx(h, P1, "ttime_mean"), w[2]) << i;
      EXPECT_EQ(Ctx(h, P1, "seek_samples"), w[3]) << i;
      EXPECT_EQ(Ctx(h, P1, "seek_total"), w[4]) << i;
      EXPECT_EQ(Ctx(h, P1, "seek_mean"), w[5]) << i;
      EXPECT_EQ(Ctx(h, P1, "last_request_pos"), static_cast<int64_t>(pos[i] + 8)) << i;
    }
    t += 1;  // completes one tick later
    h.RunUntil(t);
  }
  // The global "new process" means took only the first sample.
  EXPECT_EQ(Counter(h, "new_ttime_mean"), 0);  // (256*3/8)/256
  EXPECT_EQ(Counter(h, "new_seek_mean"), 12);  // (256*100/8)/256
}

TEST(Anticipatory, A13_ConstantThinkTimeRounding) {
  // For a constant think time t the mean is t+4, t+2, t+1, … as samples go
  // 32, 60, 84, 105.
  for (int64_t tt : {1, 2, 5}) {
    Harness h("anticipatory", /*service_ticks=*/1);
    int64_t t = 0;
    std::vector<int64_t> means, samples;
    for (int i = 0; i < 5; ++i) {
      h.RunUntil(t);
      h.Read(1000 + 8 * i, 8, P1);
      if (i > 0) {
        means.push_back(Ctx(h, P1, "ttime_mean"));
        samples.push_back(Ctx(h, P1, "ttime_samples"));
      }
      t += 1 + tt;
    }
    EXPECT_EQ(samples, (std::vector<int64_t>{32, 60, 84, 105}));
    EXPECT_EQ(means[0], tt + 4) << tt;
    EXPECT_EQ(means[1], tt + 2) << tt;
    EXPECT_EQ(means[2], tt + 1) << tt;
  }
}

TEST(Anticipatory, A14_MayQueueMustWhileAnticipating) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  EXPECT_EQ(AnticipatoryMayQueue(h.elevator(), P1), kMay);  // not anticipating yet
  h.RunUntil(2);
  EXPECT_EQ(State(h, "antic_status"), kAnticWaitNext);
  EXPECT_EQ(AnticipatoryMayQueue(h.elevator(), P1), kMust);
  EXPECT_EQ(AnticipatoryMayQueue(h.elevator(), P2), kMay);
  EXPECT_EQ(AnticipatoryMayQueue(h.elevator(), P3), kMay);
  h.RunUntil(3);
  h.Read(1008, 8, P1);
  EXPECT_EQ(AnticipatoryMayQueue(h.elevator(), P1), kMay);
}

TEST(Anticipatory, A15_FrontMergeLookupQuirk) {
  for (bool fix : {false, true}) {
    // Reads: with last_merge moved away, only the tree lookup could find
    // [108] for the bio [100,+8).
    Harness h(fix ? "anticipatory:as_fix_front_merge_lookup=1" : "anticipatory");
    h.Plug();
    h.Read(108);  // last_merge
    h.Read(500);
    h.Read(508);  // back merge: last_merge = [500]
    h.Read(100);
    EXPECT_EQ(h.elevator().Pending(), fix ? 2u : 3u) << fix;
    // Buffered writes look in the sync tree, where they never are.
    h.Write(2108);  // last_merge is still [500]
    h.Write(2100);
    EXPECT_EQ(h.elevator().Pending(), fix ? 3u : 5u) << fix;
    h.Unplug();
    h.RunToEnd();
    h.ExpectAllCompletedOnce();
  }
  {
    // Through last_merge, front merges happen in faithful mode too.
    Harness h("anticipatory");
    h.Plug();
    h.Read(108);
    h.Read(500);
    h.Read(100);
    EXPECT_EQ(h.elevator().Pending(), 2u);
    h.Unplug();
    h.RunToEnd();
    EXPECT_EQ(UnitsOf(h), (Units{{100, 16}, {500, 8}}));
  }
  {
    // A sync write is in the sync tree, which is where a WRITE bio looks.
    Harness h("anticipatory");
    h.Plug();
    h.Read(4000);  // last_merge
    h.SyncWrite(2108);
    h.SyncWrite(2100);
    EXPECT_EQ(h.elevator().Pending(), 2u);
  }
}

TEST(Anticipatory, M4_CoalescingEndsWithOneRequest) {
  Harness h("anticipatory");
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

TEST(Anticipatory, M4_ReverseArrivalInheritsFifoDeadline) {
  Harness h("anticipatory");
  h.Plug();
  h.Read(16);  // t=0: fifo_time 125, last_merge
  h.set_now(1);
  Request& r0 = h.Read(0);  // fifo_time 126
  h.Read(8);                // front-merges into [16], then [0] absorbs it
  EXPECT_EQ(h.elevator().Pending(), 1u);
  EXPECT_EQ(r0.nr_sectors(), 24u);
  EXPECT_EQ(r0.fifo_time, 125);
  // Coalescing dropped [16]'s context reference as if it had completed.
  EXPECT_EQ(Ctx(h, P1, "io_running"), 1);
  EXPECT_EQ(Ctx(h, P1, "last_end_request"), 1);
  EXPECT_EQ(Ctx(h, P1, "nr_queued"), 1);
  h.Unplug();
  h.RunToEnd();
  EXPECT_EQ(UnitsOf(h), (Units{{0, 24}}));
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, M7_AliasGoesToDispatchFirst) {
  Harness h("anticipatory");
  h.Plug();
  h.Read(500);
  Request& old900 = h.Read(900);
  Request& new900 = h.Read(900);  // alias: the old one is moved out
  EXPECT_EQ(old900.state(), RequestState::kDispatched);
  h.Unplug();
  h.RunToEnd();
  // 500 is nearer the head (0), but the alias was already dispatched.
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{900, 900, 500}));
  EXPECT_EQ(h.dispatched()[0].id, old900.id);
  EXPECT_EQ(h.dispatched()[1].id, new900.id);
  h.ExpectAllCompletedOnce();
}

TEST(Anticipatory, M7_AliasNameAs) {
  auto e = MakeElevator("as:antic_expire=4");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->Name(), "anticipatory");
  EXPECT_EQ((*e)->GetTunable("antic_expire").value(), "4");
}

TEST(Anticipatory, Tunables) {
  auto e = MakeElevator("anticipatory");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->GetTunable("read_expire").value(), "125");
  EXPECT_EQ((*e)->GetTunable("write_expire").value(), "250");
  EXPECT_EQ((*e)->GetTunable("read_batch_expire").value(), "500");
  EXPECT_EQ((*e)->GetTunable("write_batch_expire").value(), "125");
  EXPECT_EQ((*e)->GetTunable("antic_expire").value(), "6");
  EXPECT_EQ((*e)->GetTunable("as_fix_front_merge_lookup").value(), "0");
  ASSERT_TRUE((*e)->SetTunable("antic_expire", "-3").ok());
  EXPECT_EQ((*e)->GetTunable("antic_expire").value(), "0");
  // HZ/150 ticks, at least one: 4 ms at HZ=250, 10 ms at HZ=100.
  for (auto [hz, ms] : {std::pair<int64_t, const char*>{250, "4"}, {100, "10"}}) {
    ElevatorEnv env;
    env.hz = hz;
    auto x = MakeElevator("anticipatory", env);
    ASSERT_TRUE(x.ok());
    EXPECT_EQ((*x)->GetTunable("antic_expire").value(), ms) << hz;
  }
}

TEST(Anticipatory, ContextExitIsStillAnticipatedUntilStatisticsLearn) {
  Harness h("anticipatory", /*service_ticks=*/2);
  QueueA1(h);
  h.RunUntil(1);
  h.ContextExit(P1);  // R1 still on the device
  h.RunToEnd();
  // With no history yet (exit_no_coop = 0) AS still waits on the exited
  // process; the timeout teaches it: exit_prob 32 (can_break) then 60
  // (timer), exit_no_coop 32.
  EXPECT_EQ(TickOf(h, 900000), 8);
  EXPECT_EQ(Counter(h, "exit_prob"), 60);
  EXPECT_EQ(Counter(h, "exit_no_coop"), 32);
  // The exited context was freed once nothing referenced it.
  EXPECT_EQ(State(h, "contexts"), 1);
  EXPECT_TRUE(AnticipatoryContextState(h.elevator(), P1).empty());
  // The stream's next request is a new process.
  h.Read(2000, 8, P1);
  EXPECT_EQ(Ctx(h, P1, "running"), 1);
  EXPECT_EQ(Ctx(h, P1, "io_started"), 1);
  EXPECT_EQ(Ctx(h, P1, "ttime_samples"), 0);
}

TEST(Anticipatory, ForcedDrainEmptiesEverything) {
  Harness h("anticipatory", /*service_ticks=*/2, /*depth=*/1);
  QueueA1(h);
  h.Write(7000, 8, P3);
  h.RunUntil(2);  // anticipating on P1
  EXPECT_EQ(State(h, "antic_status"), kAnticWaitNext);
  h.dispatcher().Drain();
  // The drain moves every request to the dispatch list at once (sync ones
  // first) and clears anticipation.
  EXPECT_EQ(State(h, "antic_status"), kAnticOff);
  EXPECT_EQ(h.dispatched().back().tick, 2);
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{1000, 900000, 7000}));
  h.ExpectAllCompletedOnce();
}

// Random streams, buffered and sync writes, context exits, depth 1…3. With
// `aliases`, requests often share a start sector; an alias goes straight to
// the dispatch list whatever the batch (as in the kernel), so only the
// alias-free run checks that batches never overlap on the device.
void RunRandomized(bool aliases) {
  for (uint32_t seed = 1; seed <= 25; ++seed) {
    std::mt19937 rng(seed);
    const uint32_t depth = 1 + rng() % 3;
    Harness h("anticipatory", /*service_ticks=*/1 + rng() % 3, depth);
    BatchOverlapChecker checker;
    if (!aliases) h.dispatcher().set_observer(&checker);
    int64_t tick = 0;
    for (int i = 0; i < 500; ++i) {
      tick += rng() % 4;
      h.RunUntil(tick);
      const uint32_t stream = 1 + rng() % 6;
      if (rng() % 40 == 0) h.ContextExit(stream);
      const uint64_t sector =
          aliases ? (rng() % 8) * 4096 + (rng() % 4) * 8 : 64 * (i + 1) + (rng() % 2) * 1000000;
      const uint32_t sectors = 8 * (1 + rng() % 3);
      switch (rng() % 4) {
        case 0:
          h.Write(sector, sectors, stream);
          break;
        case 1:
          h.SyncWrite(sector, sectors, stream);
          break;
        default:
          h.Read(sector, sectors, stream);
      }
    }
    h.RunToEnd(tick + 100000);
    EXPECT_TRUE(h.dispatcher().Idle()) << "seed " << seed;
    h.ExpectAllCompletedOnce();
    EXPECT_EQ(State(h, "nr_dispatched"), 0) << "seed " << seed;
    // Exited contexts are freed once nothing references them: at most the
    // six live streams plus the one still anticipated.
    EXPECT_LE(State(h, "contexts"), 7) << "seed " << seed;
  }
}

TEST(Anticipatory, RandomizedWithExitsAndSyncWrites) { RunRandomized(/*aliases=*/false); }
TEST(Anticipatory, RandomizedWithAliases) { RunRandomized(/*aliases=*/true); }

}  // namespace
}  // namespace iosched::testing
