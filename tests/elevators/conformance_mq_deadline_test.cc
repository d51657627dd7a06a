// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// mq-deadline conformance cases MQ-D1 … MQ-D11 (docs/elevators-mq.md §6),
// run through the real Dispatcher with the tick harness (HZ = 1000, 1 ms =
// 1 tick) or, for the cases where the device takes nothing (N = 0), against
// the elevator directly. Requests are 8-sector sync reads of one stream at
// BE level 4 unless stated.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

using Sectors = std::vector<uint64_t>;

int64_t Counter(const Elevator& e, const std::string& name) {
  for (const auto& [n, v] : e.Counters()) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return -1;
}

// Submits a read of class `c` at the harness's current time.
Request& ReadPrio(Harness& h, uint64_t sector, IoClass c) {
  Request& r = h.Make(Op::kRead, sector);
  r.prio.io_class = c;
  h.dispatcher().Submit(r);
  return r;
}

// The elevator alone, for cases where the device accepts nothing (N = 0):
// requests are added as the dispatcher would.
class Bare {
 public:
  explicit Bare(const std::string& spec) {
    auto e = MakeElevator(spec);
    EXPECT_TRUE(e.ok()) << e.status();
    e_ = std::move(e).value();
  }
  ~Bare() { e_.reset(); }
  Request* Add(Op op, uint64_t sector, uint32_t sectors, int64_t tick) {
    auto r = std::make_unique<Request>();
    r->id = reqs_.size() + 1;
    r->op = op;
    r->sector = sector;
    r->sectors = sectors;
    r->created = Tick(tick);
    r->ResetUnit();
    r->set_state(RequestState::kQueued);
    reqs_.push_back(std::move(r));
    return e_->Add(*reqs_.back(), Tick(tick));
  }
  Request& req(size_t i) { return *reqs_[i]; }
  Elevator& e() { return *e_; }
  // Dispatches one unit at `tick` (marking it in flight) or returns null.
  Request* Next(int64_t tick) {
    Decision d = e_->Dispatch(Tick(tick));
    if (d.unit != nullptr) d.unit->set_state(RequestState::kInFlight);
    return d.unit;
  }

 private:
  std::vector<std::unique_ptr<Request>> reqs_;
  std::unique_ptr<Elevator> e_;
};

TEST(MqDeadline, Registered) {
  auto e = MakeElevator("mq-deadline");
  ASSERT_TRUE(e.ok()) << e.status();
  for (const char* t : {"read_expire", "write_expire", "writes_starved", "front_merges",
                        "fifo_batch", "async_depth", "prio_aging_expire"}) {
    EXPECT_TRUE((*e)->GetTunable(t).ok()) << t;
  }
  EXPECT_EQ(*(*e)->GetTunable("prio_aging_expire"), "10000");
  EXPECT_EQ(*(*e)->GetTunable("async_depth"), "2");  // nr_requests of a depth-1 device
  EXPECT_FALSE(MakeElevator("mq-deadline:fifo_batch=x").ok());
}

TEST(MqDeadline, MQ_D1_Sort) {
  Harness h("mq-deadline", 10);
  h.Plug();
  for (uint64_t s : {500, 100, 300, 200, 400}) h.Read(s);
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{100, 200, 300, 400, 500}));
}

TEST(MqDeadline, MQ_D2_RestartFromFifoHead) {
  Harness h("mq-deadline", 10);
  h.Plug();
  h.Read(500);
  h.Read(100);
  h.Unplug();
  h.RunUntil(1);
  h.Read(50);
  h.RunUntil(2);
  h.Read(20);
  h.RunToEnd();
  EXPECT_EQ(h.DispatchedSectors(), (Sectors{100, 500, 50, 20}));
}

TEST(MqDeadline, MQ_D3_DeadlinesOnlyAtBatchStarts) {
  Harness h("mq-deadline", 10);
  h.Read(5000);
  h.RunUntil(1);
  Request& x = h.Read(100);
  for (int k = 0; k < 200; ++k) {
    h.RunUntil(k + 2);
    h.Read(6000 + 16 * k);
  }
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  const auto& d = h.dispatched();
  ASSERT_GE(d.size(), 65u);
  EXPECT_EQ(d[64].id, x.id);
  EXPECT_EQ(d[64].tick, 640);
  // Batches: R5000 + C0..C14, then C15.., all in ascending order.
  EXPECT_EQ(d[15].sector, 6000u + 16 * 14);
  EXPECT_EQ(d[63].sector, 6000u + 16 * 62);
}

Sectors RunD4(const std::string& spec) {
  Harness h(spec);
  h.Plug();
  for (uint64_t s = 10; s <= 80; s += 10) h.Read(s);
  for (uint64_t s : {15, 25, 35, 45}) h.Write(s);
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  return h.DispatchedSectors();
}

TEST(MqDeadline, MQ_D4_InitialWriteBatchAndWritesStarved) {
  EXPECT_EQ(RunD4("mq-deadline:fifo_batch=2"),
            (Sectors{15, 25, 10, 20, 30, 40, 35, 45, 50, 60, 70, 80}));
}

TEST(MqDeadline, MQ_D5_FifoBatchOne) {
  EXPECT_EQ(RunD4("mq-deadline:fifo_batch=1"),
            (Sectors{15, 10, 20, 25, 30, 40, 35, 50, 60, 45, 70, 80}));
}

TEST(MqDeadline, MQ_D6_InFlightGating) {
  Harness h("mq-deadline", 5, 2);
  h.Plug();
  ReadPrio(h, 900, IoClass::kRealTime);
  ReadPrio(h, 100, IoClass::kBestEffort);
  h.Unplug();
  // The BE request is held while the RT one is in flight, though a slot is
  // free; the core re-polls 3 ms later.
  EXPECT_EQ(h.dispatcher().repoll_at(), Tick(3));
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[0].sector, 900u);
  EXPECT_EQ(h.dispatched()[0].tick, 0);
  EXPECT_EQ(h.dispatched()[1].sector, 100u);
  EXPECT_EQ(h.dispatched()[1].tick, 5);
}

TEST(MqDeadline, MQ_D6_IdleWaitsForBestEffort) {
  // The same gate one level down: IDLE waits while BE I/O is in flight.
  Harness h("mq-deadline", 5, 4);
  h.Plug();
  ReadPrio(h, 100, IoClass::kIdle);
  ReadPrio(h, 900, IoClass::kBestEffort);
  h.Unplug();
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[0].sector, 900u);
  EXPECT_EQ(h.dispatched()[1].tick, 5);
}

TEST(MqDeadline, MQ_D7_Aging) {
  Harness h("mq-deadline", 5);
  h.Plug();
  ReadPrio(h, 1000, IoClass::kRealTime);
  Request& be = ReadPrio(h, 100, IoClass::kBestEffort);
  h.Unplug();
  for (int64_t t = 1; t <= 10100; ++t) {
    h.RunUntil(t);
    ReadPrio(h, 1000 + 16 * static_cast<uint64_t>(t), IoClass::kRealTime);
  }
  int64_t at = -1;
  for (const auto& e : h.dispatched()) {
    if (e.id == be.id) at = e.tick;
  }
  EXPECT_EQ(at, 10000);
  EXPECT_GE(Counter(h.elevator(), "aged_dispatches"), 1);
}

TEST(MqDeadline, MQ_D8_Requeue) {
  Bare b("mq-deadline");
  for (uint64_t s : {100, 200, 300}) b.Add(Op::kRead, s, 8, 0);
  Request* first = b.Next(0);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->start(), 100u);
  b.e().Requeue(*first, Tick(1));
  EXPECT_EQ(b.e().Pending(), 3u);
  Sectors order{first->start()};
  while (Request* r = b.Next(1)) order.push_back(r->start());
  EXPECT_EQ(order, (Sectors{100, 100, 200, 300}));
}

TEST(MqDeadline, MQ_D9_FrontMerges) {
  {  // (a) front_merges=1: the sort tree finds R100.
    Bare b("mq-deadline");
    b.Add(Op::kRead, 500, 8, 0);
    b.Add(Op::kRead, 100, 8, 0);
    Request* u = b.Add(Op::kRead, 92, 8, 1);
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(u->start(), 92u);
    EXPECT_EQ(u->end(), 108u);
    EXPECT_EQ(b.e().Pending(), 2u);
  }
  {  // (b) front_merges=0: last_merge is R500, no tree lookup.
    Bare b("mq-deadline:front_merges=0");
    b.Add(Op::kRead, 500, 8, 0);
    b.Add(Op::kRead, 100, 8, 0);
    EXPECT_EQ(b.Add(Op::kRead, 92, 8, 1), nullptr);
    EXPECT_EQ(b.e().Pending(), 3u);
  }
  {  // (c) front_merges=0, only R100 queued: merged through last_merge.
    Bare b("mq-deadline:front_merges=0");
    b.Add(Op::kRead, 100, 8, 0);
    Request* u = b.Add(Op::kRead, 92, 8, 1);
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(u->start(), 92u);
  }
}

TEST(MqDeadline, MQ_D9_DifferentPrioritiesDoNotMerge) {
  Bare b("mq-deadline");
  b.Add(Op::kRead, 100, 8, 0);
  auto r = std::make_unique<Request>();
  r->op = Op::kRead;
  r->sector = 108;
  r->sectors = 8;
  r->prio.io_class = IoClass::kRealTime;
  r->ResetUnit();
  r->set_state(RequestState::kQueued);
  EXPECT_EQ(b.e().Add(*r, Tick(0)), nullptr);
  EXPECT_EQ(b.e().Pending(), 2u);
  while (b.Next(0) != nullptr) {
  }
}

TEST(MqDeadline, MQ_D10_DeadlineInheritance) {
  Bare b("mq-deadline");
  std::vector<uint64_t> absorbed;
  b.e().set_on_absorbed([&](Request& gone, Time) { absorbed.push_back(gone.sector); });
  b.Add(Op::kRead, 108, 8, 0);    // deadline 500
  b.Add(Op::kRead, 100, 4, 100);  // deadline 600
  Request* u = b.Add(Op::kRead, 104, 4, 200);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->start(), 100u);
  EXPECT_EQ(u->end(), 116u);
  EXPECT_EQ(u->member_count(), 3u);
  EXPECT_EQ(u->fifo_time, 500);
  EXPECT_EQ(u->created, Tick(0));  // start_time_ns: the earlier of the two
  EXPECT_EQ(absorbed, (std::vector<uint64_t>{108}));
  EXPECT_EQ(b.e().Pending(), 1u);
  // The unit is taken as soon as the deadline of its FIFO slot has come.
  Request* d = b.Next(500);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d, u);
}

TEST(MqDeadline, MQ_D11_AsyncDepth) {
  // nr_requests 64 = 4 words of 16 tags; async_depth 8 = 2 per word.
  Harness h("mq-deadline:async_depth=8", 1000, 1, 64);
  std::vector<Request*> writes;
  for (int i = 0; i < 20; ++i) writes.push_back(&h.Write(100000 + 1000 * i));
  auto allocated_writes = [&] {
    int n = 0;
    for (Request* w : writes) n += w->sched_tag >= 0 && w->state() != RequestState::kCompleted;
    return n;
  };
  EXPECT_EQ(allocated_writes(), 8);
  EXPECT_EQ(h.dispatcher().waiting_for_tag(), 12u);
  // Sync reads still get every remaining tag.
  for (int i = 0; i < 56; ++i) h.Read(1000 * i);
  EXPECT_EQ(h.dispatcher().tags_in_use(), 64u);
  h.Read(999999);
  EXPECT_EQ(h.dispatcher().waiting_for_tag(), 13u);
  // As units complete, waiters get tags, never more than 8 writes at once.
  for (int64_t t = 1000; t <= 200000; t += 1000) {
    h.RunUntil(t);
    ASSERT_LE(allocated_writes(), 8);
  }
  h.RunToEnd(10000000);
  h.ExpectAllCompletedOnce();
  EXPECT_EQ(h.dispatcher().tags_in_use(), 0u);
}

TEST(MqDeadline, CreationTimeIsStampedWhenTheTagIsGiven) {
  // blk_mq_rq_ctx_init stamps start_time_ns once the request has a tag: the
  // wait for one is no part of the latency the elevator sees (Kyber's TOTAL
  // histogram). Arrival (the submitter's view) stays the submission time.
  Harness h("mq-deadline", 1000, 1, 2);  // 2 tags, one unit per 1000 ticks
  Request& a = h.Read(100000);
  Request& b = h.Read(200000);
  Request& c = h.Read(300000);  // no tag left: waits
  EXPECT_EQ(h.dispatcher().waiting_for_tag(), 1u);
  EXPECT_EQ(c.sched_tag, -1);
  const Time submitted = c.arrival;
  EXPECT_EQ(a.created, a.arrival);
  EXPECT_EQ(b.created, b.arrival);
  h.RunUntil(1000);  // the first unit completes and gives its tag to c
  EXPECT_EQ(h.dispatcher().waiting_for_tag(), 0u);
  EXPECT_GE(c.sched_tag, 0);
  EXPECT_EQ(c.arrival, submitted);
  EXPECT_GT(c.created, c.arrival);
  EXPECT_EQ(c.created, h.Now());
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

TEST(MqDeadline, TagsGivenBackOnMerge) {
  // A request merged on arrival needs no tag; a unit absorbed by a
  // neighbour gives its tag back at once.
  Harness h("mq-deadline", 10, 1, 8);
  h.Plug();
  h.Read(108);
  h.Read(100, 4);
  EXPECT_EQ(h.dispatcher().tags_in_use(), 2u);
  h.Read(104, 4);  // front-merges into R108, which R100 then absorbs
  EXPECT_EQ(h.dispatcher().tags_in_use(), 1u);
  h.Read(116);  // back merge: no tag
  EXPECT_EQ(h.dispatcher().tags_in_use(), 1u);
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  EXPECT_EQ(h.dispatcher().tags_in_use(), 0u);
  ASSERT_EQ(h.dispatched().size(), 1u);
  EXPECT_EQ(h.dispatched()[0].sectors, 24u);
}

TEST(MqDeadline, ElevatorOutlivesItsDispatcher) {
  // The dispatcher installs the merge-absorbed notice on the elevator; once
  // the dispatcher is gone, an absorption must not reach it (before the fix
  // it called into the freed dispatcher: ASan reports heap-use-after-free).
  struct NullDevice : Device, Clock {
    void Issue(Request&) override {}
    void ArmTimer(Time) override {}
    Time Now() const override { return Time{0}; }
  } dev;
  struct CountAbsorbed : DispatchObserver {
    void OnAbsorbed(const Request&, Time) override { ++n; }
    int n = 0;
  } seen;
  Bare b("mq-deadline");
  auto d = std::make_unique<Dispatcher>(&b.e(), &dev, &dev,
                                        Dispatcher::Options{.depth = 1, .sched_tags = true});
  d->set_observer(&seen);
  d.reset();
  b.Add(Op::kRead, 108, 8, 0);
  b.Add(Op::kRead, 100, 4, 100);
  Request* u = b.Add(Op::kRead, 104, 4, 200);  // R100 absorbs R108
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->member_count(), 3u);
  EXPECT_EQ(seen.n, 0);
  while (b.Next(1000000) != nullptr) {
  }
}

TEST(MqDeadline, PlugIsFlushedAt32RequestsOrA128KiBRequest) {
  // blk_add_rq_to_plug: the 32nd plugged request, or one of 128 KiB, flushes
  // the plug (what it holds may go to the device; the plug stays on). The
  // 2.6 core's plug holds everything until the owner unplugs.
  for (const char* spec : {"mq-deadline", "deadline"}) {
    SCOPED_TRACE(spec);
    const bool mq = std::string(spec) == "mq-deadline";
    Harness h(spec, 10, 1);
    h.Plug();
    for (int i = 0; i < 31; ++i) h.Read(100000 * (i + 1));
    h.RunUntil(0);
    EXPECT_EQ(h.dispatched().size(), 0u);
    h.Read(100000 * 40);  // the 32nd
    h.RunUntil(0);
    EXPECT_EQ(h.dispatched().size(), mq ? 1u : 0u);
    h.RunUntil(5);
    h.Read(100000 * 41);       // plugged again: counted from zero
    h.Read(100000 * 42, 256);  // 128 KiB
    h.RunUntil(10);
    h.RunUntil(11);
    EXPECT_EQ(h.dispatched().size(), mq ? 2u : 0u);
    h.Unplug();
    h.RunToEnd();
    h.ExpectAllCompletedOnce();
  }
}

}  // namespace
}  // namespace iosched::testing
