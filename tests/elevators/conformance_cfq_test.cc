// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// docs/elevators.md §12.6: CFQ (2.6.32 mode), driven through the real Dispatcher
// with the tick harness (HZ = 1000, 1 tick = 1 ms). Default tunables, every
// context BE/4 and a rotational device unless a test says otherwise.
//
// Conventions: contexts P1, P2, … are harness streams 1, 2, …; requests are
// 8 sectors (one 4 KiB page) and placed so that they are not contiguous
// unless a test is about merging. A "closed loop" stream keeps one request
// outstanding: when it completes, the stream submits its next one after its
// think time (0: at the completion tick, before the dispatcher runs again,
// which is how a process with no think time behaves in the harness).

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "cfq_iosched.h"
#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

constexpr IoPrio kBe4{IoClass::kBestEffort, 4};
constexpr IoPrio kBe0{IoClass::kBestEffort, 0};
constexpr IoPrio kBe7{IoClass::kBestEffort, 7};
constexpr IoPrio kRt4{IoClass::kRealTime, 4};
constexpr IoPrio kRt7{IoClass::kRealTime, 7};
constexpr IoPrio kIdle{IoClass::kIdle, 7};

CfqElevator& Cfq(Harness& h) { return dynamic_cast<CfqElevator&>(h.elevator()); }

int64_t NowTick(const Harness& h) { return h.Now().count() / 1000000; }

int64_t Counter(Harness& h, const std::string& name) {
  for (const auto& [n, v] : h.elevator().Counters()) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return -1;
}

// Submits now, with an explicit priority and sync flag (default: sync iff
// read).
Request& SubmitRq(Harness& h, Op op, uint64_t sector, uint32_t stream, IoPrio prio = kBe4,
                  std::optional<bool> sync = std::nullopt, uint32_t sectors = 8) {
  Request& r = h.Make(op, sector, sectors, stream);
  r.prio = prio;
  if (sync.has_value()) r.sync = *sync;
  h.dispatcher().Submit(r);
  return r;
}
Request& Read(Harness& h, uint64_t sector, uint32_t stream, IoPrio prio = kBe4) {
  return SubmitRq(h, Op::kRead, sector, stream, prio);
}
Request& Write(Harness& h, uint64_t sector, uint32_t stream, IoPrio prio = kBe4) {
  return SubmitRq(h, Op::kWrite, sector, stream, prio);
}

// Dispatch events of one stream.
std::vector<Harness::Event> Of(const Harness& h, uint32_t stream) {
  std::vector<Harness::Event> out;
  for (const auto& e : h.dispatched()) {
    if (e.stream == stream) out.push_back(e);
  }
  return out;
}

// Tick of the first dispatch of `stream` (-1 if none).
int64_t FirstDispatch(const Harness& h, uint32_t stream) {
  for (const auto& e : h.dispatched()) {
    if (e.stream == stream) return e.tick;
  }
  return -1;
}

// Consecutive runs of dispatches by stream: (stream, first tick, count).
struct Run {
  uint32_t stream;
  int64_t tick;
  int count;
};
std::vector<Run> Runs(const Harness& h) {
  std::vector<Run> out;
  for (const auto& e : h.dispatched()) {
    if (out.empty() || out.back().stream != e.stream) {
      out.push_back({e.stream, e.tick, 1});
    } else {
      ++out.back().count;
    }
  }
  return out;
}

// Closed-loop sequential streams over the harness.
class Loop {
 public:
  struct Stream {
    uint32_t id = 1;
    uint64_t next = 0;       // next sector
    uint64_t stride = 8;     // sector step between requests
    int64_t think = 0;       // ticks from a completion to the next submission
    int64_t left = 1 << 30;  // requests still to submit
    IoPrio prio = kBe4;
    Op op = Op::kRead;
  };

  explicit Loop(Harness& h) : h_(h) {
    h_.set_on_complete([this](Request& r) { OnComplete(r); });
  }
  void Add(const Stream& s) { streams_[s.id] = s; }
  Request& Issue(uint32_t id) {
    Stream& s = streams_.at(id);
    Request& r = h_.Make(s.op, s.next, 8, id);
    r.prio = s.prio;
    s.next += s.stride;
    --s.left;
    ++submitted_[id];
    h_.dispatcher().Submit(r);
    return r;
  }
  // Advances tick by tick: at each tick, first the harness's completions and
  // timers, then the submissions that fall due.
  void RunUntil(int64_t tick) {
    for (int64_t t = NowTick(h_); t <= tick; ++t) {
      h_.RunUntil(t);
      while (!due_.empty() && due_.begin()->first <= t) {
        const uint32_t id = due_.begin()->second;
        due_.erase(due_.begin());
        Issue(id);
      }
    }
  }
  // Stops every stream: nothing more is submitted.
  void Stop() {
    for (auto& [id, s] : streams_) s.left = 0;
    due_.clear();
  }
  int64_t completed(uint32_t id) const {
    auto it = completed_.find(id);
    return it == completed_.end() ? 0 : it->second;
  }

 private:
  void OnComplete(Request& r) {
    ++completed_[r.stream];
    auto it = streams_.find(r.stream);
    if (it == streams_.end() || it->second.left <= 0) return;
    if (it->second.think == 0) {
      Issue(r.stream);
    } else {
      due_.insert({NowTick(h_) + it->second.think, r.stream});
    }
  }

  Harness& h_;
  std::map<uint32_t, Stream> streams_;
  std::multimap<int64_t, uint32_t> due_;
  std::map<uint32_t, int64_t> submitted_;
  std::map<uint32_t, int64_t> completed_;
};

constexpr uint64_t kFar = 100000000;  // another region of the disk

// ---------------------------------------------------------------------------

TEST(Cfq, TunableDefaultsAndClamping) {
  Harness h("cfq");
  Elevator& e = h.elevator();
  const std::map<std::string, std::string> want = {
      {"quantum", "4"},           {"fifo_expire_sync", "125"}, {"fifo_expire_async", "250"},
      {"back_seek_max", "16384"}, {"back_seek_penalty", "2"},  {"slice_sync", "100"},
      {"slice_async", "40"},      {"slice_async_rq", "2"},     {"slice_idle", "8"},
      {"low_latency", "1"},       {"cfq_queue_merging", "1"},  {"idle_timer_timed_out", "0"},
  };
  for (const auto& [name, value] : want) {
    auto v = e.GetTunable(name);
    ASSERT_TRUE(v.ok()) << name;
    EXPECT_EQ(*v, value) << name;
  }
  // sysfs semantics: out-of-range values are clamped, not rejected.
  EXPECT_TRUE(e.SetTunable("quantum", "0").ok());
  EXPECT_EQ(*e.GetTunable("quantum"), "1");
  EXPECT_TRUE(e.SetTunable("low_latency", "7").ok());
  EXPECT_EQ(*e.GetTunable("low_latency"), "1");
  EXPECT_TRUE(e.SetTunable("slice_idle", "0").ok());
  EXPECT_EQ(*e.GetTunable("slice_idle"), "0");
  EXPECT_TRUE(e.SetTunable("slice_sync", "0").ok());
  EXPECT_EQ(*e.GetTunable("slice_sync"), "1");
  EXPECT_TRUE(e.SetTunable("slice_sync", "1s").ok());
  EXPECT_EQ(*e.GetTunable("slice_sync"), "1000");
  auto bad = e.SetTunable("slice_sync", "fast");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(bad.message()).find("slice_sync"), std::string::npos);
}

// M7 for CFQ: an alias (same start, same queue) sends the queued request to
// the dispatch list at once; it is dispatched first.
TEST(Cfq, M7_AliasIsDispatchedImmediately) {
  Harness h("cfq");
  h.Plug();
  Request& a = Read(h, 500, 1);
  Read(h, 100, 1);
  Read(h, 5000, 1);
  SubmitRq(h, Op::kRead, 500, 1, kBe4, std::nullopt, 16);  // alias of `a`
  EXPECT_EQ(a.state(), RequestState::kDispatched);
  EXPECT_EQ(Counter(h, "alias_dispatches"), 1);
  h.Unplug();
  h.RunToEnd();
  ASSERT_EQ(h.dispatched().size(), 4u);
  EXPECT_EQ(h.dispatched()[0].id, a.id);
  h.ExpectAllCompletedOnce();
}

// F1: two zero-think-time sequential readers alternate in 100 ms slices, each
// measured from the first completion of the slice: a queue activated at t
// (first completion t+2) expires at the first completion at or after t+102.
TEST(Cfq, F1_TimeSlices) {
  Harness h("cfq", /*service_ticks=*/2);
  Loop w(h);
  w.Add({.id = 1, .next = 0});
  w.Add({.id = 2, .next = kFar});
  w.Issue(1);
  w.Issue(2);
  w.RunUntil(1000);
  const auto runs = Runs(h);
  ASSERT_GE(runs.size(), 8u);
  for (size_t k = 0; k + 1 < runs.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(runs[k].stream, k % 2 == 0 ? 1u : 2u);
    EXPECT_EQ(runs[k].tick, 102 * static_cast<int64_t>(k));  // activated at t
    EXPECT_EQ(runs[k].count, 51);                            // dispatches at t, t+2, …, t+100
  }
  EXPECT_EQ(Counter(h, "preemptions"), 0);
}

// F2: BE0 vs BE7 readers get 180 ms vs 40 ms slices; a BE0 queue is keyed
// (busy−1)×80 ms ahead of a BE4 queue inserted with the same busy count.
TEST(Cfq, F2_PriorityScaling) {
  Harness h("cfq", /*service_ticks=*/2);
  Loop w(h);
  w.Add({.id = 1, .next = 0, .prio = kBe0});
  w.Add({.id = 2, .next = kFar, .prio = kBe7});
  w.Issue(1);
  w.Issue(2);
  w.RunUntil(1200);
  const auto runs = Runs(h);
  ASSERT_GE(runs.size(), 6u);
  for (size_t k = 0; k + 1 < runs.size(); ++k) {
    SCOPED_TRACE(k);
    if (k % 2 == 0) {
      EXPECT_EQ(runs[k].stream, 1u);
      EXPECT_EQ(runs[k].count, 91);  // 180 ms slice: t … t+180
    } else {
      EXPECT_EQ(runs[k].stream, 2u);
      EXPECT_EQ(runs[k].count, 21);  // 40 ms slice: t … t+40
    }
  }

  // Keys: busy = 3 when the BE4 queue is added, 2 when the BE0 queue is.
  Harness k("cfq");
  k.Plug();
  Read(k, 0, 3);
  Read(k, 1000, 1, kBe0);
  Read(k, 2000, 2, kBe4);
  EXPECT_EQ(Cfq(k).SyncQueueState(3)->rb_key, 0);
  EXPECT_EQ(Cfq(k).SyncQueueState(1)->rb_key, 0);       // BE0: no offset
  EXPECT_EQ(Cfq(k).SyncQueueState(2)->rb_key, 2 * 80);  // (busy−1)×80
  k.Unplug();
  k.RunToEnd();
  k.ExpectAllCompletedOnce();
}

// F3: an RT request preempts an active BE queue and is dispatched next; the
// BE queue's unused slice is credited (key = now + offset − resid).
TEST(Cfq, F3_RtPreemption) {
  Harness h("cfq", /*service_ticks=*/2);
  h.Plug();
  for (uint64_t s : {0, 100, 200, 300, 400}) Read(h, s, 1);
  h.Unplug();
  h.RunUntil(5);
  // P1's slice started at t=2 (first completion): slice_end = 102.
  EXPECT_EQ(Cfq(h).SyncQueueState(1)->slice_end, 102);
  Read(h, kFar, 2, kRt4);
  EXPECT_EQ(Counter(h, "preemptions"), 1);
  // resid = 102 − 5 = 97; key = 5 + (2−1)×80 − 97.
  EXPECT_EQ(Cfq(h).SyncQueueState(1)->rb_key, 5 + 80 - 97);
  h.RunToEnd();
  ASSERT_GE(h.dispatched().size(), 4u);
  EXPECT_EQ(h.dispatched()[2].sector, 200u);
  EXPECT_EQ(h.dispatched()[3].stream, 2u);  // next after the in-flight one
  EXPECT_EQ(h.dispatched()[3].tick, 6);
  h.ExpectAllCompletedOnce();
}

// F4: any new sync request preempts an active async queue.
TEST(Cfq, F4_SyncPreemptsAsync) {
  Harness h("cfq", /*service_ticks=*/2);
  h.Plug();
  for (uint64_t s : {100, 200, 300, 400}) Write(h, s, 1);
  h.Unplug();
  h.RunUntil(1);
  Read(h, kFar, 2);
  EXPECT_EQ(Counter(h, "preemptions"), 1);
  h.RunToEnd();
  // The read goes as soon as the in-flight write is done (t=2); the writes
  // resume when P2's idle window (t=4 … 12) has expired.
  const std::vector<std::pair<int64_t, uint64_t>> want = {
      {0, 100}, {2, kFar}, {12, 200}, {14, 300}, {16, 400}};
  std::vector<std::pair<int64_t, uint64_t>> got;
  for (const auto& e : h.dispatched()) got.push_back({e.tick, e.sector});
  EXPECT_EQ(got, want);
  h.ExpectAllCompletedOnce();
}

// F5: an IDLE-class queue is not served while a BE queue is busy, has at most
// one request in flight, and ends its slice after every dispatch while
// another queue is busy.
TEST(Cfq, F5_IdleClass) {
  {
    Harness h("cfq", /*service_ticks=*/1, /*depth=*/4);
    h.Plug();
    for (uint64_t s : {0, 100, 200}) Read(h, s, 1, kIdle);
    for (uint64_t s : {0, 100, 200}) Read(h, kFar + s, 2);
    h.Unplug();
    h.RunToEnd();
    const auto idle = Of(h, 1);
    const auto be = Of(h, 2);
    ASSERT_EQ(idle.size(), 3u);
    ASSERT_EQ(be.size(), 3u);
    EXPECT_GT(idle.front().tick, be.back().tick);
    // One at a time (1-tick service): strictly increasing dispatch ticks.
    for (size_t i = 1; i < idle.size(); ++i) EXPECT_GT(idle[i].tick, idle[i - 1].tick);
    // P2 idled its 8 ms after its last completion at t=1.
    EXPECT_EQ(idle.front().tick, 9);
    h.ExpectAllCompletedOnce();
  }
  {
    // Two IDLE contexts: each slice is one request, so they alternate.
    Harness h("cfq", /*service_ticks=*/1, /*depth=*/4);
    h.Plug();
    for (uint64_t s : {0, 100, 200}) Read(h, s, 1, kIdle);
    for (uint64_t s : {0, 100, 200}) Read(h, kFar + s, 3, kIdle);
    h.Unplug();
    h.RunToEnd();
    ASSERT_EQ(h.dispatched().size(), 6u);
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(h.dispatched()[i].stream, i % 2 == 0 ? 1u : 3u) << i;
    // Never two requests of one IDLE queue in flight.
    for (uint32_t s : {1u, 3u}) {
      const auto ev = Of(h, s);
      for (size_t i = 1; i < ev.size(); ++i) EXPECT_GE(ev[i].tick, ev[i - 1].tick + 1);
    }
    h.ExpectAllCompletedOnce();
  }
  {
    // A BE request preempts an active IDLE queue.
    Harness h("cfq", /*service_ticks=*/2);
    h.Plug();
    for (uint64_t s : {0, 100, 200}) Read(h, s, 1, kIdle);
    h.Unplug();
    h.RunUntil(1);
    Read(h, kFar, 2);
    EXPECT_EQ(Counter(h, "preemptions"), 1);
    h.RunToEnd();
    EXPECT_EQ(FirstDispatch(h, 2), 2);
    h.ExpectAllCompletedOnce();
  }
}

// F6: P1 (active, sync) completes its only request at t=2 while P2 waits:
// nothing is dispatched until t+8, but P1's new request at t+3 goes at once.
TEST(Cfq, F6_IdleWindowHit) {
  Harness h("cfq", /*service_ticks=*/2);
  Read(h, 0, 1);
  Read(h, kFar, 2);
  h.RunUntil(2);
  EXPECT_EQ(h.timer(), Tick(10));  // idle slice timer armed for slice_idle
  EXPECT_TRUE(Cfq(h).SyncQueueState(1)->wait_request);
  h.RunUntil(5);
  EXPECT_EQ(h.dispatched().size(), 1u);
  Read(h, 8, 1);
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[1].tick, 5);
  EXPECT_EQ(h.dispatched()[1].stream, 1u);
  EXPECT_EQ(Counter(h, "idle_hits"), 1);
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

// F7: same, P1 stays silent: P2 is dispatched when the timer fires at t+8.
TEST(Cfq, F7_IdleWindowMiss) {
  Harness h("cfq", /*service_ticks=*/2);
  Read(h, 0, 1);
  Read(h, kFar, 2);
  h.RunUntil(9);
  EXPECT_EQ(h.dispatched().size(), 1u);
  h.RunUntil(10);
  ASSERT_EQ(h.dispatched().size(), 2u);
  EXPECT_EQ(h.dispatched()[1].tick, 10);
  EXPECT_EQ(h.dispatched()[1].stream, 2u);
  EXPECT_EQ(Counter(h, "idle_timeouts"), 1);
  EXPECT_EQ(Counter(h, "idle_hits"), 0);
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

// F8: once P1 has 3 think-time samples with ttime_mean > slice_idle (8), P1
// gets no idle window: P2 is dispatched at P1's completion.
TEST(Cfq, F8_ThinkingProcessNotIdled) {
  Harness h("cfq", /*service_ticks=*/1);
  Read(h, 0, 1);  // think sample 0 (context born now)
  h.RunUntil(21);
  Read(h, 8, 1);  // think 20, capped at 2*slice_idle = 16
  h.RunUntil(42);
  Read(h, 16, 1);  // think 16 again → samples 84, mean (960+128)/84 = 12
  const auto ctx = Cfq(h).ContextState(1);
  EXPECT_EQ(ctx->ttime_samples, 84);
  EXPECT_EQ(ctx->ttime_mean, 12);
  EXPECT_FALSE(Cfq(h).SyncQueueState(1)->idle_window);
  Read(h, kFar, 2);
  h.RunToEnd();
  EXPECT_EQ(FirstDispatch(h, 2), 43);  // P1's request completes at 43
  h.ExpectAllCompletedOnce();
}

// F8b: the idle-window boundary. CFQ keeps idling for a context whose mean
// think time is at most slice_idle (8 jiffies) and stops above it; think
// times are measured in whole jiffies (floor of the arrival's tick minus the
// completion's). P1 alone runs a closed loop: each sequential read arrives
// `think` after the previous one completed, and completes at the next tick
// boundary, so every sample is exactly floor(think / 1 ms) jiffies. After 60
// samples the mean has converged to that value (samples 249 of 256).
struct ThinkSteadyState {
  int64_t ttime_mean;
  bool idle_window;
};

ThinkSteadyState ClosedLoopWithThink(Duration think) {
  Harness h("cfq", /*service_ticks=*/1);
  h.set_complete_on_next_tick(true);
  Read(h, 0, 1);
  for (uint64_t i = 1; i < 60; ++i) {
    h.RunUntil(NowTick(h) + 1);  // the previous read completes at this tick boundary
    EXPECT_EQ(h.completed_ids().size(), i);
    EXPECT_EQ(h.Now().count() % 1000000, 0);
    h.RunUntilTime(h.Now() + think);
    Read(h, 8 * i, 1);
  }
  const auto ctx = Cfq(h).ContextState(1);
  const auto q = Cfq(h).SyncQueueState(1);
  EXPECT_TRUE(ctx.has_value() && q.has_value());
  if (!ctx || !q) return {-1, false};
  EXPECT_EQ(ctx->ttime_samples, 249);
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
  return {ctx->ttime_mean, q->idle_window};
}

TEST(Cfq, F8b_IdleWindowBoundaryAtSliceIdle) {
  const Duration ms{1000000};
  const Duration ns{1};
  struct Case {
    Duration think;
    int64_t mean;
    bool idle;
  } cases[] = {
      {8 * ms - ns, 7, true},  // one ns below slice_idle: 7 jiffies
      {8 * ms, 8, true},       // exactly slice_idle: still idles (mean <= slice_idle)
      {8 * ms + ns, 8, true},  // one ns above: the same jiffy, still idles
      {9 * ms - ns, 8, true},  // the last ns that counts as 8 jiffies
      {9 * ms, 9, false},      // one jiffy above slice_idle: no idle window
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "think " << c.think.count() << " ns");
    const ThinkSteadyState s = ClosedLoopWithThink(c.think);
    EXPECT_EQ(s.ttime_mean, c.mean);
    EXPECT_EQ(s.idle_window, c.idle);
  }
}

// F9: seeky queues (≥3 samples, seek_mean > 8192 sectors) idle 2 ms, and not
// at all once ttime_mean > 2; with low_latency=0 (hw_tag starts at 1) a
// seeky queue never idles.
TEST(Cfq, F9_SeekyProcess) {
  constexpr uint64_t kSeek = 1000000;  // sectors between P1's requests
  {
    // Zero think time, three seeky requests, then silence: a 2 ms wait.
    Harness h("cfq", /*service_ticks=*/1);
    Loop w(h);
    w.Add({.id = 1, .next = 0, .stride = kSeek, .left = 3});
    w.Issue(1);
    Read(h, kFar * 5, 2);
    w.RunUntil(3);
    const auto q = Cfq(h).SyncQueueState(1);
    EXPECT_EQ(q->seek_samples, 84u);
    EXPECT_GT(q->seek_mean, 8192u);
    EXPECT_TRUE(q->idle_window);  // ttime_mean 1 <= CFQ_MIN_TT (2)
    EXPECT_EQ(h.timer(), Tick(5));
    w.RunUntil(100);
    EXPECT_EQ(FirstDispatch(h, 2), 5);
    h.ExpectAllCompletedOnce();
  }
  {
    // Think time 3 > 2: the third request switches the idle window off.
    Harness h("cfq", /*service_ticks=*/1);
    Loop w(h);
    w.Add({.id = 1, .next = 0, .stride = kSeek, .think = 3, .left = 3});
    w.Issue(1);
    Read(h, kFar * 5, 2);
    w.RunUntil(100);
    EXPECT_EQ(Cfq(h).ContextState(1)->ttime_mean, 3);
    EXPECT_EQ(FirstDispatch(h, 2), 9);  // P1's third request completes at 9
    h.ExpectAllCompletedOnce();
  }
  for (int low_latency : {0, 1}) {
    // Think time 1. low_latency=0: idling stops as soon as the queue looks
    // seeky (second request), whatever the sample count.
    Harness h("cfq:low_latency=" + std::to_string(low_latency), /*service_ticks=*/1);
    Loop w(h);
    w.Add({.id = 1, .next = 0, .stride = kSeek, .think = 1, .left = 3});
    w.Issue(1);
    Read(h, kFar * 5, 2);
    w.RunUntil(100);
    EXPECT_TRUE(Cfq(h).hw_tag());
    EXPECT_EQ(FirstDispatch(h, 2), low_latency == 0 ? 3 : 7) << "low_latency=" << low_latency;
    h.ExpectAllCompletedOnce();
  }
}

// F10: at most `quantum` requests of the active queue in flight while another
// queue is busy; the sole busy queue may go to 4×quantum.
TEST(Cfq, F10_Quantum) {
  for (bool competitor : {true, false}) {
    Harness h("cfq", /*service_ticks=*/10, /*depth=*/16);
    h.Plug();
    for (uint64_t i = 0; i < 10; ++i) Read(h, i * 100, 1);
    if (competitor) {
      for (uint64_t i = 0; i < 5; ++i) Read(h, kFar + i * 100, 2);
    }
    h.Unplug();
    int at0 = 0;
    for (const auto& e : h.dispatched()) {
      EXPECT_EQ(e.stream, 1u);
      at0 += e.tick == 0;
    }
    EXPECT_EQ(at0, competitor ? 4 : 10);
    h.RunToEnd();
    h.ExpectAllCompletedOnce();
  }
}

// F11: an async BE4 queue dispatches at most 4×(8−4) = 16 requests per slice
// while another queue is busy (BE0 async: 32), then its slice ends.
TEST(Cfq, F11_AsyncCap) {
  Harness h("cfq:low_latency=0", /*service_ticks=*/1);
  h.Plug();
  for (uint64_t i = 0; i < 30; ++i) Write(h, i * 100, 1, kBe4);
  for (uint64_t i = 0; i < 40; ++i) Write(h, kFar + i * 100, 2, kBe0);
  h.Unplug();
  h.RunToEnd();
  const auto runs = Runs(h);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].stream, 1u);
  EXPECT_EQ(runs[0].count, 16);
  EXPECT_EQ(runs[1].stream, 2u);
  EXPECT_EQ(runs[1].count, 32);
  EXPECT_EQ(runs[2].stream, 1u);
  EXPECT_EQ(runs[2].count, 14);
  EXPECT_EQ(runs[3].stream, 2u);
  EXPECT_EQ(runs[3].count, 8);
  EXPECT_EQ(Counter(h, "async_cap_expiries"), 2);
  h.ExpectAllCompletedOnce();
}

// F12: no async request is dispatched while a request of a sync queue is in
// flight (slice_idle=0 so that the sync queue does not idle).
TEST(Cfq, F12_AsyncWaitsForSync) {
  Harness h("cfq:slice_idle=0", /*service_ticks=*/5, /*depth=*/4);
  h.Plug();
  for (uint64_t s : {0, 100, 200}) Read(h, s, 1);
  for (uint64_t s : {0, 100, 200}) Write(h, kFar + s, 2);
  h.Unplug();
  h.RunToEnd();
  const auto reads = Of(h, 1);
  const auto writes = Of(h, 2);
  ASSERT_EQ(reads.size(), 3u);
  ASSERT_EQ(writes.size(), 3u);
  for (const auto& r : reads) EXPECT_EQ(r.tick, 0);
  // The reads complete at 5; then one write at a time (low_latency ramp).
  EXPECT_EQ(writes[0].tick, 5);
  EXPECT_EQ(writes[1].tick, 10);
  EXPECT_EQ(writes[2].tick, 15);
  h.ExpectAllCompletedOnce();
}

// F13: low_latency ramp: an async queue may have max(1, e/100) requests in
// flight, e = ms since the last sync completion; without low_latency the
// sole busy async queue fills the device.
TEST(Cfq, F13_LowLatencyRamp) {
  for (int low_latency : {1, 0}) {
    SCOPED_TRACE(low_latency);
    Harness h("cfq:slice_idle=0,low_latency=" + std::to_string(low_latency),
              /*service_ticks=*/50, /*depth=*/8);
    h.Plug();
    Read(h, 0, 1);
    for (uint64_t i = 0; i < 40; ++i) Write(h, kFar + i * 100, 2);
    h.Unplug();
    h.RunUntil(450);
    // Writes in flight during tick t (50-tick service).
    auto at = [&](int64_t t) {
      int n = 0;
      for (const auto& e : Of(h, 2)) n += e.tick <= t && t < e.tick + 50;
      return n;
    };
    EXPECT_EQ(FirstDispatch(h, 2), 50);  // after the read (sync_flight)
    if (low_latency) {
      for (int64_t t : {50, 100, 150, 200}) EXPECT_EQ(at(t), 1) << t;  // e < 200
      EXPECT_EQ(at(250), 2);                                           // e = 200
      EXPECT_EQ(at(300), 2);                                           // e = 250
      EXPECT_EQ(at(350), 3);                                           // e = 300
      EXPECT_EQ(at(400), 3);                                           // e = 350
    } else {
      EXPECT_EQ(at(50), 8);
    }
    h.RunToEnd();
    h.ExpectAllCompletedOnce();
  }
}

// F14: the FIFO is checked once per slice: of two expired requests the first
// is taken at the start of the slice, the second only in sector order.
TEST(Cfq, F14_FifoOncePerSlice) {
  Harness h("cfq:fifo_expire_sync=20", /*service_ticks=*/1);
  h.Plug();
  for (uint64_t i = 0; i < 200; ++i) Read(h, kFar + i * 16, 2);  // P2 holds the disk
  Read(h, 5000, 1);                                              // FIFO head
  Read(h, 1000, 1);
  Read(h, 9000, 1);
  h.Unplug();
  h.RunUntil(104);
  const auto p1 = Of(h, 1);
  ASSERT_EQ(p1.size(), 3u);
  // P2's slice: t=0 … first completion at 1 + 100.
  EXPECT_EQ(p1[0].tick, 101);
  EXPECT_EQ(p1[0].sector, 5000u);  // expired FIFO head
  // Then next_rq from 5000: 9000 (+4000) beats 1000 (−4000 × penalty 2),
  // although 1000 is the (expired) FIFO head now.
  EXPECT_EQ(p1[1].sector, 9000u);
  EXPECT_EQ(p1[2].sector, 1000u);
  EXPECT_EQ(Counter(h, "expired_served"), 1);
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

// F15: async writes of contexts with one priority share a queue and merge;
// sync reads of different contexts never merge.
TEST(Cfq, F15_SharedAsyncQueueMergesSyncQueuesDoNot) {
  Harness h("cfq");
  h.Plug();
  // CFQ refuses merges from a context it has no queue for yet (no cic), so
  // P2 writes and reads something first.
  Write(h, 50000, 2);
  Read(h, 60000, 2);
  Write(h, 100, 1);
  Write(h, 108, 2);  // back-merges into P1's write: the same async queue
  EXPECT_EQ(h.elevator().Pending(), 3u);
  Read(h, 1000, 1);
  Read(h, 1008, 2);  // contiguous with P1's read, but another sync queue
  EXPECT_EQ(h.elevator().Pending(), 5u);
  // A sync write of P1 into P1's async write is refused too.
  SubmitRq(h, Op::kWrite, 116, 1, kBe4, /*sync=*/true);
  EXPECT_EQ(h.elevator().Pending(), 6u);
  EXPECT_FALSE(Cfq(h).SharesSyncQueue(1, 2));
  h.Unplug();
  h.RunToEnd();
  std::set<std::pair<uint64_t, uint32_t>> units;
  for (const auto& e : h.dispatched()) units.insert({e.sector, e.sectors});
  EXPECT_TRUE(units.count({100, 16}));
  EXPECT_TRUE(units.count({1000, 8}));
  EXPECT_TRUE(units.count({1008, 8}));
  h.ExpectAllCompletedOnce();
}

// F16: an IDLE-class queue is keyed 200 ms after the last queue in the tree;
// RT queues come before BE queues whatever their keys.
TEST(Cfq, F16_ServiceTreeKeys) {
  Harness h("cfq");
  h.Plug();
  Read(h, 0, 1, kBe0);       // key 0
  Read(h, 10000, 2, kRt7);   // key 0 + (2−1)×(180−40) = 140
  Read(h, 20000, 3, kIdle);  // last queue (P1, BE) + 200
  Read(h, 30000, 4, kIdle);  // last queue (P3) + 200
  EXPECT_EQ(Cfq(h).SyncQueueState(1)->rb_key, 0);
  EXPECT_EQ(Cfq(h).SyncQueueState(2)->rb_key, 140);
  EXPECT_EQ(Cfq(h).SyncQueueState(3)->rb_key, 200);
  EXPECT_EQ(Cfq(h).SyncQueueState(4)->rb_key, 400);
  h.Unplug();
  h.RunToEnd();
  std::vector<uint32_t> order;
  for (const auto& e : h.dispatched()) order.push_back(e.stream);
  EXPECT_EQ(order, (std::vector<uint32_t>{2, 1, 3, 4}));
  h.ExpectAllCompletedOnce();

  // An IDLE queue alone: now + 200.
  Harness k("cfq");
  k.RunUntil(7);
  k.Plug();
  Read(k, 0, 1, kIdle);
  EXPECT_EQ(Cfq(k).SyncQueueState(1)->rb_key, 207);
  k.Unplug();
  k.RunToEnd();
}

// F17: P1 and P2 read interleaved halves of one sequential stream (think
// time 2): when P1's queue empties, P2's next request starts at the head, so
// CFQ switches to P2 at once instead of idling; with queue merging the two
// contexts then share one queue.
TEST(Cfq, F17_CloseCooperator) {
  for (int merging : {1, 0}) {
    SCOPED_TRACE(merging);
    Harness h("cfq:cfq_queue_merging=" + std::to_string(merging), /*service_ticks=*/1);
    Loop w(h);
    w.Add({.id = 1, .next = 0, .stride = 16, .think = 2, .left = 20});
    w.Add({.id = 2, .next = 8, .stride = 16, .think = 2, .left = 20});
    w.Issue(1);
    w.Issue(2);
    w.RunUntil(1);
    EXPECT_EQ(FirstDispatch(h, 2), 1);  // not 9 (idle window)
    EXPECT_GE(Counter(h, "close_cooperators"), 1);
    w.RunUntil(3);
    EXPECT_EQ(Cfq(h).SharesSyncQueue(1, 2), merging == 1);
    w.RunUntil(1000);
    h.ExpectAllCompletedOnce();
    // The interleaved stream is served in sector order.
    std::vector<uint64_t> sectors = h.DispatchedSectors();
    EXPECT_TRUE(std::is_sorted(sectors.begin(), sectors.end()));
  }
}

// F18: CFQ's FIFO test is inclusive: a sync request queued at t=0 is expired
// at t=125 exactly (deadline's would not be).
TEST(Cfq, F18_FifoInclusiveBoundary) {
  for (int64_t service : {117, 116}) {
    SCOPED_TRACE(service);
    // P2 holds the disk until `service`, then idles 8 ms: P1's slice starts
    // at 125 (or 124).
    Harness h("cfq", service);
    Read(h, 500000, 2);
    Read(h, 9000, 1);  // FIFO head, fifo_time = 125
    Read(h, 100, 1);   // next_rq: both far behind the head, the lower wins
    h.RunToEnd();
    const auto p1 = Of(h, 1);
    ASSERT_EQ(p1.size(), 2u);
    EXPECT_EQ(p1[0].tick, service + 8);
    EXPECT_EQ(p1[0].sector, service == 117 ? 9000u : 100u);
    EXPECT_EQ(Counter(h, "expired_served"), service == 117 ? 1 : 0);
    h.ExpectAllCompletedOnce();
  }
}

// An exited context is never idled for.
TEST(Cfq, ContextExitStopsIdling) {
  Harness h("cfq", /*service_ticks=*/2);
  Read(h, 0, 1);
  Read(h, kFar, 2);
  h.RunUntil(1);
  h.elevator().ContextExit(1, h.Now());
  h.RunToEnd();
  EXPECT_EQ(FirstDispatch(h, 2), 2);
  EXPECT_TRUE(Cfq(h).ContextState(1)->exited);
  // The stream id may come back as a new context.
  Read(h, 8, 1);
  EXPECT_FALSE(Cfq(h).ContextState(1)->exited);
  h.RunToEnd(2000000);
  h.ExpectAllCompletedOnce();
}

// §7.9 quirk: the idle timer expires the queue with timed_out = 0, so its
// unused slice is not credited; idle_timer_timed_out=1 credits it.
TEST(Cfq, IdleTimerTimedOutQuirk) {
  for (int fix : {0, 1}) {
    Harness h("cfq:idle_timer_timed_out=" + std::to_string(fix), /*service_ticks=*/2);
    Read(h, 0, 1);
    Read(h, kFar, 2);
    h.RunUntil(10);  // P1's slice: 2 … 102; the timer fires at 10
    EXPECT_EQ(FirstDispatch(h, 2), 10);
    EXPECT_EQ(Cfq(h).SyncQueueState(1)->slice_resid, fix ? 102 - 10 : 0);
    h.RunToEnd();
    h.ExpectAllCompletedOnce();
  }
}

// §7.10: may_queue says MUST once per slice while the context's queue idles.
TEST(Cfq, MayQueueMustOncePerSlice) {
  Harness h("cfq", /*service_ticks=*/2);
  Read(h, 0, 1);
  Read(h, kFar, 2);
  h.RunUntil(3);
  CfqElevator& c = Cfq(h);
  EXPECT_EQ(c.MayQueue(1, true, h.Now()), CfqMayQueue::kMust);
  EXPECT_EQ(c.MayQueue(1, true, h.Now()), CfqMayQueue::kMay);
  EXPECT_EQ(c.MayQueue(2, true, h.Now()), CfqMayQueue::kMay);
  h.RunToEnd();
}

// Liveness without forced drains: random streams (some cooperating, some
// seeky), priorities (changing per request), sync writes, context exits and
// tunable settings; every request completes exactly once and CFQ never leaves
// a request waiting without a timer or a completion to come.
TEST(Cfq, RandomStressCompletesWithoutDrain) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    const uint32_t depth = 1 + rng() % 8;
    const int64_t service = rng() % 6;
    std::string spec = "cfq:slice_idle=" + std::to_string(rng() % 2 ? 8 : 0) +
                       ",low_latency=" + std::to_string(rng() % 2) +
                       ",cfq_queue_merging=" + std::to_string(rng() % 2) +
                       ",quantum=" + std::to_string(1 + rng() % 8) +
                       ",idle_timer_timed_out=" + std::to_string(rng() % 2);
    Harness h(spec, service, depth);
    int64_t tick = 0;
    uint64_t cursor[8];
    for (uint64_t i = 0; i < 8; ++i) cursor[i] = i * 1000000;
    const int n = 600;
    for (int i = 0; i < n; ++i) {
      tick += rng() % 4;
      h.RunUntil(tick);
      const uint32_t stream = rng() % 8;
      const uint32_t sectors = 1 + rng() % 16;
      uint64_t sector;
      switch (rng() % 4) {
        case 0:  // sequential
          sector = cursor[stream];
          break;
        case 1:  // interleaved with the neighbour stream
          sector = cursor[stream ^ 1] + 8;
          break;
        case 2:  // near the start of the disk
          sector = rng() % 4096;
          break;
        default:
          sector = rng() % 50000000;
      }
      cursor[stream] = sector + sectors;
      const Op op = rng() % 3 == 0 ? Op::kWrite : Op::kRead;
      Request& r = h.Make(op, sector, sectors, stream);
      if (op == Op::kWrite) r.sync = rng() % 4 == 0;
      r.prio.io_class = static_cast<IoClass>(rng() % 4);
      r.prio.level = rng() % 8;
      h.dispatcher().Submit(r);
      if (rng() % 50 == 0) h.elevator().ContextExit(rng() % 8, h.Now());
    }
    h.RunToEnd(tick + 1000000);
    EXPECT_TRUE(h.dispatcher().Idle());
    EXPECT_EQ(h.dispatcher().completed(), static_cast<uint64_t>(n));
    EXPECT_EQ(Cfq(h).busy_queues(), 0);
    EXPECT_EQ(h.timer(), kTimeNever);
    h.ExpectAllCompletedOnce();
  }
}

// Four closed-loop sequential readers on a 1-tick device share it fairly.
TEST(Cfq, FairnessFourSequentialReaders) {
  Harness h("cfq", /*service_ticks=*/1);
  Loop w(h);
  for (uint32_t s = 1; s <= 4; ++s) w.Add({.id = s, .next = s * kFar});
  for (uint32_t s = 1; s <= 4; ++s) w.Issue(s);
  w.RunUntil(2000);
  double sum = 0, sum_sq = 0;
  for (uint32_t s = 1; s <= 4; ++s) {
    const double x = static_cast<double>(w.completed(s));
    EXPECT_GT(x, 0) << s;
    sum += x;
    sum_sq += x * x;
  }
  const double jain = sum * sum / (4 * sum_sq);
  EXPECT_GE(jain, 0.95);
  EXPECT_GE(sum, 1900);  // the device stays busy
  w.Stop();
  h.RunToEnd();
  h.ExpectAllCompletedOnce();
}

}  // namespace
}  // namespace iosched::testing
