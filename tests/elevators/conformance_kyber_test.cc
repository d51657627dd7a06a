// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Kyber conformance cases KY1 … KY9 (docs/elevators-mq.md §6), through the
// tick harness (HZ = 1000) or, where exact completion latencies matter,
// against the elevator directly with hand-set creation/issue times.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness.h"
#include "kyber_iosched.h"

namespace iosched::testing {
namespace {

int64_t Counter(const Elevator& e, const std::string& name) {
  for (const auto& [n, v] : e.Counters()) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return -1;
}

Request& Discard(Harness& h, uint64_t sector) {
  Request& r = h.Make(Op::kWrite, sector);
  r.discard = true;
  h.dispatcher().Submit(r);
  return r;
}

// Labels dispatches as R<i>/W<i>/D<i> by the sector they were made with.
std::string Label(const Harness::Event& e) {
  if (e.sector >= 2000000) return "D" + std::to_string((e.sector - 2000000) / 1000);
  if (e.op == Op::kWrite) return "W" + std::to_string((e.sector - 1000000) / 1000);
  return "R" + std::to_string(e.sector / 1000);
}

std::vector<std::string> Labels(const Harness& h) {
  std::vector<std::string> out;
  for (const auto& e : h.dispatched()) out.push_back(Label(e));
  return out;
}

// The elevator alone; requests complete with exact latencies.
class Bare {
 public:
  explicit Bare(const std::string& spec, ElevatorEnv env = {}) {
    auto e = MakeElevator(spec, env);
    EXPECT_TRUE(e.ok()) << e.status();
    e_ = std::move(e).value();
  }
  ~Bare() { e_.reset(); }
  Request& Make(Op op, uint64_t sector, uint32_t sectors = 8) {
    auto r = std::make_unique<Request>();
    r->id = reqs_.size() + 1;
    r->op = op;
    r->sync = op == Op::kRead;
    r->sector = sector;
    r->sectors = sectors;
    r->ResetUnit();
    r->set_state(RequestState::kQueued);
    reqs_.push_back(std::move(r));
    return *reqs_.back();
  }
  Request* Add(Op op, uint64_t sector, int64_t tick = 0) {
    return e_->Add(Make(op, sector), Tick(tick));
  }
  Request* Next(int64_t tick) {
    Decision d = e_->Dispatch(Tick(tick));
    if (d.unit != nullptr) d.unit->set_state(RequestState::kInFlight);
    return d.unit;
  }
  // `n` requests of `op`, each created, issued and completed at `at_ns`
  // with `latency_ns` of device and total latency.
  void Complete(Op op, int n, int64_t at_ns, int64_t latency_ns) {
    for (int i = 0; i < n; ++i) {
      Request& r = Make(op, 8 * static_cast<uint64_t>(reqs_.size()) * 2);
      ASSERT_EQ(e_->Add(r, Time{at_ns}), nullptr);
      Decision d = e_->Dispatch(Time{at_ns});
      ASSERT_EQ(d.unit, &r);
      r.created = Time{at_ns - latency_ns};
      r.issued = Time{at_ns - latency_ns};
      r.set_state(RequestState::kInFlight);
      e_->Complete(r, Time{at_ns});
    }
  }
  Elevator& e() { return *e_; }

 private:
  std::vector<std::unique_ptr<Request>> reqs_;
  std::unique_ptr<Elevator> e_;
};

constexpr int64_t kMs = 1000000;

TEST(Kyber, Registered) {
  auto e = MakeElevator("kyber:read_lat_nsec=1000000");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*(*e)->GetTunable("read_lat_nsec"), "1000000");
  EXPECT_EQ(*(*e)->GetTunable("write_lat_nsec"), "10000000");
  EXPECT_FALSE(MakeElevator("kyber:read_lat_nsec=fast").ok());
}

TEST(Kyber, KY1_DomainRotation) {
  Harness h("kyber");
  h.Plug();
  for (int i = 1; i <= 20; ++i) h.Read(1000 * i);
  for (int i = 1; i <= 10; ++i) h.Write(1000000 + 1000 * i);
  Discard(h, 2000000 + 1000);
  Discard(h, 2000000 + 2000);
  h.Unplug();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  std::vector<std::string> want;
  for (int i = 1; i <= 16; ++i) want.push_back("R" + std::to_string(i));
  for (int i = 1; i <= 8; ++i) want.push_back("W" + std::to_string(i));
  want.push_back("D1");
  for (int i = 17; i <= 20; ++i) want.push_back("R" + std::to_string(i));
  want.insert(want.end(), {"W9", "W10", "D2"});
  EXPECT_EQ(Labels(h), want);
}

TEST(Kyber, KY2_Tokens) {
  Harness h("kyber", 1000, 100);
  KyberSetDepthForTest(h.elevator(), 1, 2);  // WRITE
  h.Plug();
  for (int i = 1; i <= 5; ++i) h.Write(1000000 + 1000 * i);
  for (int i = 1; i <= 3; ++i) h.Read(1000 * i);
  h.Unplug();
  h.RunUntil(999);
  EXPECT_EQ(Labels(h), (std::vector<std::string>{"R1", "R2", "R3", "W1", "W2"}));
  EXPECT_EQ(Counter(h.elevator(), "write_tokens"), 2);
  h.RunUntil(1000);  // W1 completes: its token goes to W3
  ASSERT_GE(h.dispatched().size(), 6u);
  EXPECT_EQ(Label(h.dispatched()[5]), "W3");
  EXPECT_EQ(h.dispatched()[5].tick, 1000);
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

TEST(Kyber, KY3_MergeWindow) {
  Bare b("kyber");
  for (uint64_t s = 0; s <= 900; s += 100) b.Add(Op::kWrite, s);
  Request* u = b.Add(Op::kWrite, 208);  // W200 is the 8th newest
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->start(), 200u);
  EXPECT_EQ(u->end(), 216u);
  EXPECT_EQ(b.Add(Op::kWrite, 108), nullptr);  // W100 is the 9th
  // A dispatch moves the staging list to the dispatch list: no merges there.
  ASSERT_NE(b.Next(0), nullptr);
  EXPECT_EQ(b.Add(Op::kWrite, 308), nullptr);
}

TEST(Kyber, KY4_DepthAdaptation) {
  Bare b("kyber");
  auto depth = [&](const char* n) { return Counter(b.e(), n); };
  // Window 1: READ 3 ms (over its 2 ms target), WRITE 1 ms.
  b.Complete(Op::kRead, 600, 10 * kMs, 3 * kMs);
  b.Complete(Op::kWrite, 600, 10 * kMs, 1 * kMs);
  ASSERT_EQ(b.e().TimerDeadline(), Time{110 * kMs});
  b.e().Timer(Time{110 * kMs});
  EXPECT_EQ(Counter(b.e(), "congested_firings"), 1);
  EXPECT_EQ(depth("read_depth"), 256);
  EXPECT_EQ(depth("write_depth"), 32);
  // Window 2: all fine, nothing changes.
  b.Complete(Op::kRead, 600, 200 * kMs, 400000);
  b.Complete(Op::kWrite, 600, 200 * kMs, 1 * kMs);
  b.e().Timer(b.e().TimerDeadline());
  EXPECT_EQ(depth("read_depth"), 256);
  EXPECT_EQ(depth("write_depth"), 32);
  // Window 3 = window 1.
  b.Complete(Op::kRead, 600, 400 * kMs, 3 * kMs);
  b.Complete(Op::kWrite, 600, 400 * kMs, 1 * kMs);
  b.e().Timer(b.e().TimerDeadline());
  EXPECT_EQ(depth("write_depth"), 8);
  // Windows 4 and 5: WRITE at 30 ms grows ×2 each time.
  b.Complete(Op::kWrite, 600, 600 * kMs, 30 * kMs);
  b.e().Timer(b.e().TimerDeadline());
  EXPECT_EQ(depth("write_depth"), 16);
  b.Complete(Op::kWrite, 600, 800 * kMs, 30 * kMs);
  b.e().Timer(b.e().TimerDeadline());
  EXPECT_EQ(depth("write_depth"), 32);
}

TEST(Kyber, KY5_Buckets) {
  const int64_t t = 2000000;
  EXPECT_EQ(KyberLatencyBucket(t, 0), 0);
  EXPECT_EQ(KyberLatencyBucket(t, 500000), 0);
  EXPECT_EQ(KyberLatencyBucket(t, 500001), 1);
  EXPECT_EQ(KyberLatencyBucket(t, 2000000), 3);
  EXPECT_EQ(KyberLatencyBucket(t, 2000001), 4);
  EXPECT_EQ(KyberLatencyBucket(t, 1000000000), 7);
  EXPECT_EQ(KyberLatencyBucket(0, 5), 4);  // target 0: buckets 1 ns wide
}

TEST(Kyber, KY6_TimerArming) {
  Bare b("kyber");
  EXPECT_EQ(b.e().TimerDeadline(), kTimeNever);
  b.Complete(Op::kRead, 1, 37 * kMs, kMs);
  b.Complete(Op::kRead, 1, 50 * kMs, kMs);
  b.Complete(Op::kRead, 1, 120 * kMs, kMs);
  EXPECT_EQ(b.e().TimerDeadline(), Time{137 * kMs});
  b.e().Timer(Time{137 * kMs});
  EXPECT_EQ(b.e().TimerDeadline(), kTimeNever);  // no completion since: no firing
  b.Complete(Op::kRead, 1, 400 * kMs, kMs);
  EXPECT_EQ(b.e().TimerDeadline(), Time{500 * kMs});
}

TEST(Kyber, KY7_LowRateRule) {
  Bare b("kyber");
  std::vector<int64_t> congested_at;
  int64_t p99_at = -1;
  for (int64_t w = 0; w < 60; ++w) {
    const int64_t start = 100 * w;
    if (w > 0) {
      ASSERT_EQ(b.e().TimerDeadline(), Time{start * kMs});
      const int64_t before = Counter(b.e(), "congested_firings");
      b.e().Timer(Time{start * kMs});
      if (Counter(b.e(), "congested_firings") > before) congested_at.push_back(start);
      if (p99_at < 0 && Counter(b.e(), "read_p99_computed") > 0) p99_at = start;
    }
    for (int i = 0; i < 10; ++i) b.Complete(Op::kRead, 1, (start + 10 * i) * kMs, 3 * kMs);
  }
  ASSERT_GE(congested_at.size(), 4u);
  EXPECT_EQ(std::vector<int64_t>(congested_at.begin(), congested_at.begin() + 4),
            (std::vector<int64_t>{1100, 2100, 3100, 4100}));
  EXPECT_EQ(p99_at, 5000);  // the 500th READ total sample
}

TEST(Kyber, KY8_Requeue) {
  Bare b("kyber");
  for (uint64_t s : {1000, 2000, 3000}) b.Add(Op::kRead, s);
  Request* r1 = b.Next(0);
  ASSERT_NE(r1, nullptr);
  EXPECT_EQ(Counter(b.e(), "read_tokens"), 1);
  b.e().Requeue(*r1, Tick(1));
  EXPECT_EQ(Counter(b.e(), "read_tokens"), 0);
  std::vector<uint64_t> order{r1->start()};
  while (Request* r = b.Next(1)) order.push_back(r->start());
  EXPECT_EQ(order, (std::vector<uint64_t>{1000, 2000, 3000, 1000}));
}

TEST(Kyber, KY9_AsyncLimit) {
  Harness h("kyber", 1000, 1, 64);
  for (int i = 0; i < 60; ++i) h.Write(1000000 + 1000 * i);  // async writes
  EXPECT_EQ(h.dispatcher().tags_in_use(), 48u);
  EXPECT_EQ(h.dispatcher().waiting_for_tag(), 12u);
  h.SyncWrite(5000000);  // sync: not limited
  EXPECT_EQ(h.dispatcher().tags_in_use(), 49u);
  h.RunToEnd(10000000);
  h.ExpectAllCompletedOnce();
}

}  // namespace
}  // namespace iosched::testing
