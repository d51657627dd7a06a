// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Anticipatory i/o scheduler (2.6.32 block/as-iosched.c; docs/elevators.md#anticipatory).
// Registered as "anticipatory", with the 2.6 boot alias "as".
//
// Requests are kept by class, sync (reads and sync writes) or async, on a
// sector-sorted tree and an arrival fifo (fifo_time = arrival + expiry), like
// deadline. Batches are by class and by time: a read batch lasts
// read_batch_expire from the completion of its first request (it is extended
// while no writes wait); a write batch lasts write_batch_expire or
// write_batch_count requests, the count being tuned after each write batch
// so that a batch takes about write_batch_expire. Changing class waits until
// every request of the old batch has completed. Inside a batch the next
// request is the cached next_rq, chosen among sector neighbours with short
// backward seeks costing twice as much (as_choose_req); the fifo is looked
// at only once per fifo_expire interval, so a heap of expired requests does
// not become a seek storm.
//
// Anticipation: after a sync request of a process completes we may keep the
// disk idle for up to antic_expire, betting that the same process will soon
// submit another request close to the head. Per process (io context) we keep
// decaying integer averages of the think time and the seek distance of its
// sync requests; we do not wait for a process that thinks longer than
// antic_expire, that has exited, or that has other requests pending, and we
// stop waiting for any request that is "close" to the head - the closer
// window grows exponentially with the time already waited. A close request
// from another process also feeds the anticipated process's statistics
// (cooperating processes). The state machine is OFF -> WAIT_REQ (the
// anticipated request is still on the device) -> WAIT_NEXT (timer armed at
// completion + antic_expire) -> FINISHED; moving any request to the dispatch
// list puts it back to OFF. The timer is the Elevator::TimerDeadline() /
// Timer() pair; nothing here sleeps or spawns threads.
//
// Kernel quirks kept on purpose (flags select the fixes):
//   - as_merge indexes the class trees with the data direction, so tree
//     front merges for reads and buffered writes never succeed; front merges
//     still happen through the core's last_merge cache.
//     as_fix_front_merge_lookup=1 looks in the right tree.
//   - coalescing two queued sync requests sets IORUNNING/last_end_request of
//     the absorbed request's context (its reference is dropped as if it had
//     completed).
//   - the write-batch size is tuned against current_batch_expires, which the
//     completion of the last write has already replaced by the read-batch
//     expiry when the switch happened while writes were in flight.
//   legacy_2_6_20=1 selects the 2.6.20 variants of §6.11: close-request delay
//   in ms, write batches starting from next_rq[ASYNC] without resetting the
//   async fifo check, completion not restarting the batch timer.
//
// Tunables (sysfs queue/iosched/, stored in ticks, shown in ms, clamped):
//   read_expire          125 ms (HZ/8)   sync fifo expiry
//   write_expire         250 ms (HZ/4)   async fifo expiry
//   read_batch_expire    500 ms (HZ/2)   read batch length
//   write_batch_expire   125 ms (HZ/8)   target write batch length
//   antic_expire           6 ms (HZ/150, at least one tick); 0 disables
//                                        anticipation
//   as_fix_front_merge_lookup  0 bool    (option, see above)
//   legacy_2_6_20              0 bool    (option, see above)
// est_time (read-only in the kernel) is reported through Counters():
// exit_prob, exit_no_coop (fixed point, 256 = 1.0), new_ttime_mean (ticks),
// new_seek_mean (sectors).
//
// Counters: antic_hits (a wait broken by the anticipated process's own
// request or by a close request: waiting paid off), antic_timeouts (the
// anticipation timer expired, or was found due when a request arrived),
// anticipations (waits started), expired_served (units moved to the dispatch
// list whose fifo_time had passed at that moment, counted once per unit).
//
// Memory: per-context state is allocated once per io context (stream), kept
// while the context is alive or referenced (queued or in-flight requests, or
// being anticipated), and never per request.

#include <algorithm>
#include <boost/intrusive/list.hpp>
#include <boost/intrusive/set.hpp>
#include <limits>
#include <list>
#include <unordered_map>

#include "as_iosched.h"
#include "builtin_elevators.h"
#include "elv_core.h"

namespace iosched {

namespace as_internal {

// MAXBACK: the farthest (in sectors) a request may lie behind the head and
// still be reached by a backward seek; BACK_PENALTY: the cost factor of such
// a seek.
constexpr uint64_t kMaxBack = 1024 * 1024;
constexpr uint64_t kBackPenalty = 2;

int ChooseRequest(uint64_t last, uint64_t s1, uint64_t s2) {
  bool wrap1 = false, wrap2 = false;
  uint64_t d1 = 0, d2 = 0;
  if (s1 >= last) {
    d1 = s1 - last;
  } else if (s1 + kMaxBack >= last) {
    d1 = (last - s1) * kBackPenalty;
  } else {
    wrap1 = true;
  }
  if (s2 >= last) {
    d2 = s2 - last;
  } else if (s2 + kMaxBack >= last) {
    d2 = (last - s2) * kBackPenalty;
  } else {
    wrap2 = true;
  }
  if (!wrap1 && wrap2) return 1;
  if (!wrap2 && wrap1) return 2;
  if (wrap1 && wrap2) return s1 <= s2 ? 1 : 2;  // both behind: lower first
  if (d1 < d2) return 1;
  if (d2 < d1) return 2;
  return s1 >= s2 ? 1 : 2;  // tie: the higher start
}

int64_t UpdateWriteBatchCount(int64_t count, int64_t write_time, int64_t batch, bool idled,
                              int64_t current_write_count) {
  if (write_time < 0) write_time = 0;
  if (write_time > batch && !idled) {
    if (write_time > batch * 3) {
      count /= 2;
    } else {
      --count;
    }
  } else if (write_time < batch && current_write_count == 0) {
    if (batch > write_time * 3) {
      count *= 2;
    } else {
      ++count;
    }
  }
  return count < 1 ? 1 : count;
}

}  // namespace as_internal

namespace {

namespace bi = boost::intrusive;

constexpr int kAsync = 0;  // REQ_ASYNC
constexpr int kSync = 1;   // REQ_SYNC

enum class Antic { kOff, kWaitReq, kWaitNext, kFinished };

// Per-request state (enum arq_state), kept in Request::elv_flags above the
// core's bits.
enum class RqState : uint32_t { kNew, kQueued, kDispatched, kRemoved, kMerged, kPostSched };
constexpr uint32_t kStateShift = 8;
constexpr uint32_t kStateMask = 0x7u << kStateShift;

// Per io context state (struct as_io_context).
struct AsContext {
  uint32_t stream = 0;
  bool running = true;        // AS_TASK_RUNNING: not exited
  bool io_started = false;    // AS_TASK_IOSTARTED: has submitted sync I/O
  bool io_running = false;    // AS_TASK_IORUNNING: has completed sync I/O
  int64_t nr_queued = 0;      // requests in the elevator
  int64_t nr_dispatched = 0;  // on the dispatch list, not yet on the device
  int64_t last_end_request = 0;
  // Think time (ticks) and seek distance (sectors), fixed point 1.0 = 256.
  uint64_t ttime_total = 0;
  uint64_t ttime_samples = 0;
  uint64_t ttime_mean = 0;
  uint64_t seek_total = 0;
  uint64_t seek_samples = 0;
  uint64_t seek_mean = 0;
  uint64_t last_request_pos = 0;
  // References: requests bound to it, plus one while it is anticipated.
  int64_t refs = 0;
  std::list<AsContext>::iterator self;
};

struct StartKey {
  using type = uint64_t;
  uint64_t operator()(const Request& r) const { return r.start(); }
};
using SortTree = bi::set<Request, bi::member_hook<Request, SetHook, &Request::sort_hook>,
                         bi::key_of_value<StartKey>, bi::constant_time_size<false>>;
using FifoList = bi::list<Request, bi::member_hook<Request, ListHook, &Request::fifo_hook>,
                          bi::constant_time_size<false>>;

// Why as_can_break_anticipation answered as it did.
enum class Break {
  kNo,
  kSameContext,   // the request we waited for
  kTimerDue,      // waited antic_expire already
  kQueued,        // the context has other requests queued
  kDispatched,    // ... or on the dispatch list
  kClose,         // a close request from another process
  kExitedNoCoop,  // exited and rarely saved by cooperators
  kThinkTime,     // thinks too long, or a new process likely to exit
};

class AnticipatoryElevator final : public ElvCore {
 public:
  explicit AnticipatoryElevator(const ElevatorEnv& env);
  ~AnticipatoryElevator() override {
    for (int c : {kAsync, kSync}) {
      sort_list_[c].clear();
      fifo_list_[c].clear();
    }
  }

  std::string_view Name() const override { return "anticipatory"; }

  void Complete(Request& unit, Time now) override;
  void ContextExit(uint32_t stream, Time now) override;
  Time TimerDeadline() const override {
    return timer_armed_ ? TimeOfTick(timer_expires_) : kTimeNever;
  }
  void Timer(Time now) override;
  std::vector<std::pair<std::string, int64_t>> Counters() const override;

  // as_may_queue: ELV_MQUEUE_MUST (2) for the anticipated context while
  // anticipating, else ELV_MQUEUE_MAY (0).
  int MayQueue(uint32_t stream) const;
  // Introspection for tests and reports.
  std::vector<std::pair<std::string, int64_t>> ContextState(uint32_t stream) const;
  std::vector<std::pair<std::string, int64_t>> State() const;

 protected:
  Request* ElvMerge(const Request& bio) override;
  void ElvMerged(Request& rq, MergeType type) override;
  void ElvMergeRequests(Request& rq, Request& next) override;
  void ElvAddRequest(Request& rq, Time now) override;
  int ElvDispatch(Time now, bool force) override;
  Request* ElvFormer(Request& rq) override;
  Request* ElvLatter(Request& rq) override;
  void ElvActivate(Request& rq, Time now) override;
  void ElvDeactivate(Request& rq, Time now) override;

 private:
  // rq_is_sync: reads, and writes flagged synchronous.
  static int Class(const Request& rq) { return (rq.op == Op::kRead || rq.sync) ? kSync : kAsync; }
  static AsContext* Ctx(const Request& rq) { return static_cast<AsContext*>(rq.elv_queue); }
  static RqState StateOf(const Request& rq) {
    return static_cast<RqState>((rq.elv_flags & kStateMask) >> kStateShift);
  }
  static void SetState(Request& rq, RqState s) {
    rq.elv_flags = (rq.elv_flags & ~kStateMask) | (static_cast<uint32_t>(s) << kStateShift);
  }
  int64_t jiffies() const { return Jiffies(now()); }

  // Contexts.
  AsContext* GetContext(uint32_t stream);
  void Ref(AsContext* c) { ++c->refs; }
  void Unref(AsContext* c);
  // copy_io_context / put_io_context on ad->io_context.
  void SetAnticipated(AsContext* c);
  // as_put_io_context: drop a request's reference; a sync request marks its
  // context IORUNNING and stamps last_end_request.
  void PutIoContext(Request& rq);

  // Trees and choice.
  Request* Choose(Request* rq1, Request* rq2) const;
  Request* FindNextRq(Request& last);
  void AddRqRb(Request& rq);
  void RemoveQueued(Request& rq);
  void MoveToDispatch(Request& rq);

  // Statistics.
  void UpdateThinkTime(AsContext& aic, uint64_t ttime);
  void UpdateSeekDist(AsContext& aic, uint64_t sdist);
  void UpdateIoHist(AsContext* aic, const Request& rq);
  bool CloseReq(const AsContext& aic, const Request& rq) const;
  Break CanBreakAnticipation(const Request* rq);
  bool CanAnticipate(const Request* rq);

  // Anticipation state machine.
  bool AnticExpired() const;
  void AnticWaitReq();
  void AnticWaitNext();
  void AnticStop();
  void UpdateRq(Request& rq);

  // Batches.
  bool FifoExpired(int c);
  bool BatchExpired() const;
  void UpdateWriteBatch();
  int ForcedDispatch();

  SortTree sort_list_[2];
  FifoList fifo_list_[2];
  Request* next_rq_[2] = {nullptr, nullptr};
  uint64_t last_sector_[2] = {0, 0};

  // "New process" statistics, fixed point 1.0 = 256.
  uint64_t exit_prob_ = 0;
  uint64_t exit_no_coop_ = 0;
  uint64_t new_ttime_total_ = 0;
  uint64_t new_ttime_mean_ = 0;
  uint64_t new_seek_total_ = 0;
  uint64_t new_seek_mean_ = 0;

  int64_t current_batch_expires_ = 0;
  int64_t last_check_fifo_[2];
  bool changed_batch_ = false;
  bool new_batch_ = false;
  int batch_data_dir_ = kSync;
  int64_t write_batch_count_ = 0;
  int64_t current_write_count_ = 0;
  bool write_batch_idled_ = false;

  Antic antic_status_ = Antic::kOff;
  int64_t antic_start_ = 0;
  bool timer_armed_ = false;
  int64_t timer_expires_ = 0;
  AsContext* io_context_ = nullptr;  // whom we would anticipate
  bool ioc_finished_ = false;
  int64_t nr_dispatched_ = 0;

  // Tunables in ticks.
  int64_t fifo_expire_[2];
  int64_t batch_expire_[2];
  int64_t antic_expire_ = 0;
  int64_t fix_front_merge_lookup_ = 0;
  int64_t legacy_2_6_20_ = 0;

  // Contexts: the live one per stream, and every context still referenced.
  std::list<AsContext> contexts_;
  std::unordered_map<uint32_t, AsContext*> live_;

  int64_t antic_hits_ = 0;
  int64_t antic_timeouts_ = 0;
  int64_t anticipations_ = 0;
  int64_t expired_served_ = 0;
};

// The kernel compares last_check_fifo (zero at init) against a jiffies
// counter that is far from zero, so the very first fifo check is never
// rate-limited; this sentinel does the same for a clock that starts at 0.
constexpr int64_t kLongAgo = std::numeric_limits<int64_t>::min() / 4;

AnticipatoryElevator::AnticipatoryElevator(const ElevatorEnv& env) : ElvCore(env) {
  const int64_t hz = ticks().hz();
  fifo_expire_[kSync] = hz / 8;    // read_expire
  fifo_expire_[kAsync] = hz / 4;   // write_expire
  batch_expire_[kSync] = hz / 2;   // read_batch_expire
  batch_expire_[kAsync] = hz / 8;  // write_batch_expire
  antic_expire_ = std::max<int64_t>(hz / 150, 1);
  last_check_fifo_[kSync] = last_check_fifo_[kAsync] = kLongAgo;
  // as_init_queue: the elevator starts in a read batch.
  current_batch_expires_ = 0 + batch_expire_[kSync];
  write_batch_count_ = std::max<int64_t>(batch_expire_[kAsync] / 10, 2);

  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
  using K = TunableSet::Kind;
  constexpr auto kClamp = TunableSet::OutOfRange::kClamp;
  tunables().Add("read_expire", K::kMillis, &fifo_expire_[kSync], 0, kIntMax, kClamp, "ms",
                 "sync fifo expiry (kernel default HZ/8 = 125 ms)");
  tunables().Add("write_expire", K::kMillis, &fifo_expire_[kAsync], 0, kIntMax, kClamp, "ms",
                 "async fifo expiry (kernel default HZ/4 = 250 ms)");
  tunables().Add("read_batch_expire", K::kMillis, &batch_expire_[kSync], 0, kIntMax, kClamp, "ms",
                 "read batch length (kernel default HZ/2 = 500 ms)");
  tunables().Add("write_batch_expire", K::kMillis, &batch_expire_[kAsync], 0, kIntMax, kClamp, "ms",
                 "target write batch length (kernel default HZ/8 = 125 ms)");
  tunables().Add("antic_expire", K::kMillis, &antic_expire_, 0, kIntMax, kClamp, "ms",
                 "longest anticipation wait; 0 disables (kernel default HZ/150 = 6 ms)");
  tunables().Add("as_fix_front_merge_lookup", K::kBool, &fix_front_merge_lookup_, 0, 1, kClamp,
                 "bool", "look front merges up in the request's class tree (kernel: 0)");
  tunables().Add("legacy_2_6_20", K::kBool, &legacy_2_6_20_, 0, 1, kClamp, "bool",
                 "2.6.20 close delay, write batch start and batch timing (0)");
}

// ---- Contexts -------------------------------------------------------------

AsContext* AnticipatoryElevator::GetContext(uint32_t stream) {
  auto it = live_.find(stream);
  if (it != live_.end()) return it->second;
  // alloc_as_io_context: once per context, never per request.
  contexts_.emplace_back();
  AsContext* c = &contexts_.back();
  c->stream = stream;
  c->self = std::prev(contexts_.end());
  live_.emplace(stream, c);
  return c;
}

void AnticipatoryElevator::Unref(AsContext* c) {
  if (--c->refs == 0 && !c->running) contexts_.erase(c->self);
}

void AnticipatoryElevator::SetAnticipated(AsContext* c) {
  if (io_context_ == c) return;
  if (c != nullptr) Ref(c);
  AsContext* old = io_context_;
  io_context_ = c;
  if (old != nullptr) Unref(old);
}

void AnticipatoryElevator::PutIoContext(Request& rq) {
  AsContext* c = Ctx(rq);
  if (c == nullptr) return;
  if (Class(rq) == kSync) {
    c->io_running = true;
    c->last_end_request = jiffies();
  }
  rq.elv_queue = nullptr;
  Unref(c);
}

void AnticipatoryElevator::ContextExit(uint32_t stream, Time now) {
  set_now(now);
  auto it = live_.find(stream);
  if (it == live_.end()) return;
  AsContext* c = it->second;
  live_.erase(it);  // a later request on this stream is a new process
  c->running = false;
  if (c->refs == 0) contexts_.erase(c->self);
}

// ---- Trees ------------------------------------------------------------------

Request* AnticipatoryElevator::Choose(Request* rq1, Request* rq2) const {
  if (rq1 == nullptr || rq1 == rq2) return rq2;
  if (rq2 == nullptr) return rq1;
  const uint64_t last = last_sector_[Class(*rq1)];
  return as_internal::ChooseRequest(last, rq1->start(), rq2->start()) == 1 ? rq1 : rq2;
}

Request* AnticipatoryElevator::FindNextRq(Request& last) {
  SortTree& tree = sort_list_[Class(last)];
  auto it = tree.iterator_to(last);
  Request* prev = it == tree.begin() ? nullptr : &*std::prev(it);
  Request* next = nullptr;
  if (auto n = std::next(it); n != tree.end()) {
    next = &*n;
  } else if (&*tree.begin() != &last) {
    next = &*tree.begin();  // wrap to the lowest request
  }
  return Choose(next, prev);
}

Request* AnticipatoryElevator::ElvFormer(Request& rq) {
  SortTree& tree = sort_list_[Class(rq)];
  auto it = tree.iterator_to(rq);
  return it == tree.begin() ? nullptr : &*std::prev(it);
}

Request* AnticipatoryElevator::ElvLatter(Request& rq) {
  SortTree& tree = sort_list_[Class(rq)];
  auto it = std::next(tree.iterator_to(rq));
  return it == tree.end() ? nullptr : &*it;
}

void AnticipatoryElevator::AddRqRb(Request& rq) {
  SortTree& tree = sort_list_[Class(rq)];
  while (true) {
    auto [it, inserted] = tree.insert(rq);
    if (inserted) return;
    MoveToDispatch(*it);  // alias
    AnticStop();
  }
}

void AnticipatoryElevator::RemoveQueued(Request& rq) {
  const int c = Class(rq);
  if (AsContext* ctx = Ctx(rq)) --ctx->nr_queued;
  if (next_rq_[c] == &rq) next_rq_[c] = FindNextRq(rq);
  fifo_list_[c].erase(fifo_list_[c].iterator_to(rq));
  sort_list_[c].erase(sort_list_[c].iterator_to(rq));
}

void AnticipatoryElevator::MoveToDispatch(Request& rq) {
  const int c = Class(rq);
  AnticStop();
  antic_status_ = Antic::kOff;
  // Set before as_find_next_rq, which measures from it.
  last_sector_[c] = rq.end();
  if (c == kSync) {
    SetAnticipated(Ctx(rq));  // in case we have to anticipate after this
  } else {
    SetAnticipated(nullptr);
    if (current_write_count_ != 0) --current_write_count_;
  }
  ioc_finished_ = false;
  next_rq_[c] = FindNextRq(rq);
  if (jiffies() > rq.fifo_time) ++expired_served_;
  RemoveQueued(rq);
  DispatchSort(rq);
  SetState(rq, RqState::kDispatched);
  if (AsContext* ctx = Ctx(rq)) ++ctx->nr_dispatched;
  ++nr_dispatched_;
}

// ---- Statistics (§6.3) ------------------------------------------------------

void AnticipatoryElevator::UpdateThinkTime(AsContext& aic, uint64_t ttime) {
  if (aic.ttime_samples == 0) {
    new_ttime_total_ = (7 * new_ttime_total_ + 256 * ttime) / 8;
    new_ttime_mean_ = new_ttime_total_ / 256;
    exit_prob_ = (7 * exit_prob_) / 8;
  }
  aic.ttime_samples = (7 * aic.ttime_samples + 256) / 8;
  aic.ttime_total = (7 * aic.ttime_total + 256 * ttime) / 8;
  aic.ttime_mean = (aic.ttime_total + 128) / aic.ttime_samples;
}

void AnticipatoryElevator::UpdateSeekDist(AsContext& aic, uint64_t sdist) {
  if (aic.seek_samples == 0) {
    new_seek_total_ = (7 * new_seek_total_ + 256 * sdist) / 8;
    new_seek_mean_ = new_seek_total_ / 256;
  }
  // Don't let the odd fragment or page-in blow the mean up.
  if (aic.seek_samples <= 60) {
    sdist = std::min<uint64_t>(sdist, aic.seek_mean * 4 + 2 * 1024 * 1024);
  } else {
    sdist = std::min<uint64_t>(sdist, aic.seek_mean * 4 + 2 * 1024 * 64);
  }
  aic.seek_samples = (7 * aic.seek_samples + 256) / 8;
  aic.seek_total = (7 * aic.seek_total + 256 * sdist) / 8;
  aic.seek_mean = (aic.seek_total + aic.seek_samples / 2) / aic.seek_samples;
}

void AnticipatoryElevator::UpdateIoHist(AsContext* aic, const Request& rq) {
  if (aic == nullptr || Class(rq) != kSync) return;
  if (aic->io_running || aic->io_started) {
    uint64_t thinktime = 0;
    const int64_t in_flight = aic->nr_queued + aic->nr_dispatched;
    if (aic->io_running && in_flight == 0) {
      const uint64_t max_thinktime = static_cast<uint64_t>(ticks().hz() / 50);  // MAX_THINKTIME
      thinktime = static_cast<uint64_t>(jiffies() - aic->last_end_request);
      thinktime = std::min(thinktime, max_thinktime - 1);
    }
    UpdateThinkTime(*aic, thinktime);
    const uint64_t pos = rq.start();
    const uint64_t seek =
        aic->last_request_pos < pos ? pos - aic->last_request_pos : aic->last_request_pos - pos;
    UpdateSeekDist(*aic, seek);
  }
  aic->last_request_pos = rq.end();
  aic->io_started = true;
}

bool AnticipatoryElevator::CloseReq(const AsContext& aic, const Request& rq) const {
  const uint64_t last = last_sector_[batch_data_dir_];
  const uint64_t next = rq.start();
  uint64_t delay = 0;  // ticks (2.6.20: ms)
  if (antic_status_ != Antic::kOff && ioc_finished_) {
    delay = static_cast<uint64_t>(jiffies() - antic_start_);
    if (legacy_2_6_20_) delay = static_cast<uint64_t>(ticks().TicksToMs(jiffies() - antic_start_));
  }
  const uint64_t max_delay = legacy_2_6_20_ ? 20 : static_cast<uint64_t>(20 * ticks().hz() / 1000);
  uint64_t delta;  // acceptable distance, sectors
  if (delay == 0) {
    delta = 8192;
  } else if (delay <= max_delay && delay <= static_cast<uint64_t>(antic_expire_)) {
    // The window doubles every tick waited. (A shift past 50 would only
    // matter at HZ > 2500; cap it instead of overflowing.)
    delta = uint64_t{8192} << std::min<uint64_t>(delay, 50);
  } else {
    return true;  // waited long enough that anything will do
  }
  const uint64_t sat_next = next > UINT64_MAX - (delta >> 1) ? UINT64_MAX : next + (delta >> 1);
  const uint64_t sat_last = last > UINT64_MAX - delta ? UINT64_MAX : last + delta;
  if (last <= sat_next && next <= sat_last) return true;
  const uint64_t s = last < next ? next - last : last - next;
  // Better than what the process itself typically produces?
  return aic.seek_samples == 0 ? new_seek_mean_ > s : aic.seek_mean > s;
}

Break AnticipatoryElevator::CanBreakAnticipation(const Request* rq) {
  AsContext* aic = io_context_;
  if (aic == nullptr) return Break::kNo;  // the kernel BUG()s here
  if (rq != nullptr && Ctx(*rq) == aic) return Break::kSameContext;
  if (ioc_finished_ && AnticExpired()) return Break::kTimerDue;
  if (aic->nr_queued > 0) return Break::kQueued;
  if (aic->nr_dispatched > 0) return Break::kDispatched;
  if (rq != nullptr && Class(*rq) == kSync && CloseReq(*aic, *rq)) {
    // A close request from another process: cooperating processes update
    // each other's history.
    if (!aic->running) {
      if (aic->ttime_samples == 0) exit_prob_ = (7 * exit_prob_ + 256) / 8;
      exit_no_coop_ = (7 * exit_no_coop_) / 8;
    }
    UpdateIoHist(aic, *rq);
    return Break::kClose;
  }
  if (!aic->running) {
    if (aic->ttime_samples == 0) exit_prob_ = (7 * exit_prob_ + 256) / 8;
    if (exit_no_coop_ > 128) return Break::kExitedNoCoop;
  }
  if (aic->ttime_samples == 0) {
    if (new_ttime_mean_ > static_cast<uint64_t>(antic_expire_)) return Break::kThinkTime;
    if (exit_prob_ * exit_no_coop_ > 128 * 256) return Break::kThinkTime;
  } else if (aic->ttime_mean > static_cast<uint64_t>(antic_expire_)) {
    return Break::kThinkTime;
  }
  return Break::kNo;
}

bool AnticipatoryElevator::CanAnticipate(const Request* rq) {
  if (io_context_ == nullptr) return false;             // last request was async
  if (antic_status_ == Antic::kFinished) return false;  // just finished: run
  return CanBreakAnticipation(rq) == Break::kNo;
}

// ---- Anticipation state machine (§6.6) --------------------------------------

bool AnticipatoryElevator::AnticExpired() const {
  int64_t delta = jiffies() - antic_start_;
  if (delta < 0) delta = -delta;
  return delta >= antic_expire_;  // inclusive
}

void AnticipatoryElevator::AnticWaitNext() {
  timer_expires_ = antic_start_ + antic_expire_;
  timer_armed_ = true;
  antic_status_ = Antic::kWaitNext;
}

void AnticipatoryElevator::AnticWaitReq() {
  if (antic_status_ != Antic::kOff) return;
  ++anticipations_;
  if (io_context_ == nullptr || ioc_finished_) {
    AnticWaitNext();
  } else {
    antic_status_ = Antic::kWaitReq;  // timing starts when it completes
  }
}

void AnticipatoryElevator::AnticStop() {
  if (antic_status_ == Antic::kWaitReq || antic_status_ == Antic::kWaitNext) {
    timer_armed_ = false;
    antic_status_ = Antic::kFinished;
    // Kick: the dispatcher runs the queue after every event anyway.
  }
}

void AnticipatoryElevator::Timer(Time now) {
  set_now(now);
  if (!timer_armed_ || jiffies() < timer_expires_) return;
  timer_armed_ = false;
  if (antic_status_ != Antic::kWaitReq && antic_status_ != Antic::kWaitNext) return;
  antic_status_ = Antic::kFinished;
  ++antic_timeouts_;
  if (AsContext* aic = io_context_) {
    // The process we waited for has exited or is thinking.
    if (aic->ttime_samples == 0) exit_prob_ = (7 * exit_prob_ + 256) / 8;
    // Not "saved" by a cooperating request.
    if (!aic->running) exit_no_coop_ = (7 * exit_no_coop_ + 256) / 8;
  }
}

void AnticipatoryElevator::UpdateRq(Request& rq) {
  const int c = Class(rq);
  next_rq_[c] = Choose(&rq, next_rq_[c]);
  if (antic_status_ == Antic::kWaitReq || antic_status_ == Antic::kWaitNext) {
    const Break why = CanBreakAnticipation(&rq);
    if (why != Break::kNo) {
      if (why == Break::kSameContext || why == Break::kClose) ++antic_hits_;
      if (why == Break::kTimerDue) ++antic_timeouts_;
      AnticStop();
    }
  }
}

// ---- Insertion and merging (§6.7) --------------------------------------------

void AnticipatoryElevator::ElvAddRequest(Request& rq, Time now) {
  const int c = Class(rq);
  SetState(rq, RqState::kNew);
  AsContext* ctx = GetContext(rq.stream);
  rq.elv_queue = ctx;
  Ref(ctx);
  UpdateIoHist(ctx, rq);
  ++ctx->nr_queued;
  AddRqRb(rq);
  rq.fifo_time = Jiffies(now) + fifo_expire_[c];
  fifo_list_[c].push_back(rq);
  UpdateRq(rq);
  SetState(rq, RqState::kQueued);
}

Request* AnticipatoryElevator::ElvMerge(const Request& bio) {
  // Kernel quirk: sort_list[] is indexed by class (ASYNC=0, SYNC=1) but
  // as_merge indexes it with the data direction (READ=0, WRITE=1), so a read
  // looks among async writes and a write among sync requests.
  const int tree = fix_front_merge_lookup_ ? Class(bio) : (bio.op == Op::kWrite ? 1 : 0);
  auto it = sort_list_[tree].find(bio.sector + bio.sectors);
  return it == sort_list_[tree].end() ? nullptr : &*it;
}

void AnticipatoryElevator::ElvMerged(Request& rq, MergeType type) {
  if (type != MergeType::kFront) return;
  // Reposition; next_rq is not recomputed (as in the kernel).
  SortTree& tree = sort_list_[Class(rq)];
  tree.erase(tree.iterator_to(rq));
  AddRqRb(rq);
}

void AnticipatoryElevator::ElvMergeRequests(Request& rq, Request& next) {
  // If `next` expires first, `rq` takes its expiry and fifo position. The
  // kernel list_move()s across fifo lists even when the classes differ (a
  // sync and an async write); we only do it within one class so that each
  // fifo keeps holding its own class.
  if (Class(rq) == Class(next) && next.fifo_time < rq.fifo_time) {
    FifoList& fifo = fifo_list_[Class(rq)];
    fifo.erase(fifo.iterator_to(rq));
    fifo.insert(fifo.iterator_to(next), rq);
    rq.fifo_time = next.fifo_time;
  }
  RemoveQueued(next);
  PutIoContext(next);  // quirk: marks next's context IORUNNING
  SetState(next, RqState::kMerged);
}

// ---- Activation and completion (§6.8, §6.10) -----------------------------------

void AnticipatoryElevator::ElvActivate(Request& rq, Time) {
  SetState(rq, RqState::kRemoved);
  if (AsContext* ctx = Ctx(rq)) --ctx->nr_dispatched;
}

void AnticipatoryElevator::ElvDeactivate(Request& rq, Time) {
  SetState(rq, RqState::kDispatched);
  if (AsContext* ctx = Ctx(rq)) ++ctx->nr_dispatched;
}

void AnticipatoryElevator::UpdateWriteBatch() {
  const int64_t batch = batch_expire_[kAsync];
  const int64_t write_time = (jiffies() - current_batch_expires_) + batch;
  write_batch_count_ = as_internal::UpdateWriteBatchCount(write_batch_count_, write_time, batch,
                                                          write_batch_idled_, current_write_count_);
}

void AnticipatoryElevator::Complete(Request& rq, Time now) {
  set_now(now);
  if (StateOf(rq) != RqState::kRemoved) {
    SetState(rq, RqState::kPostSched);
    return;
  }
  const int64_t j = jiffies();
  if (changed_batch_ && nr_dispatched_ == 1) {
    // The last request of the old batch: the new one starts now.
    if (!legacy_2_6_20_) current_batch_expires_ = j + batch_expire_[batch_data_dir_];
    changed_batch_ = false;
    if (batch_data_dir_ == kSync) new_batch_ = true;
  }
  --nr_dispatched_;
  // Time a read batch from when its first request is actually serviced.
  if (new_batch_ && batch_data_dir_ == Class(rq)) {
    UpdateWriteBatch();
    current_batch_expires_ = j + batch_expire_[kSync];
    new_batch_ = false;
  }
  if (io_context_ != nullptr && io_context_ == Ctx(rq)) {
    antic_start_ = j;
    ioc_finished_ = true;
    if (antic_status_ == Antic::kWaitReq) AnticWaitNext();  // now wait for the next one
  }
  PutIoContext(rq);
  SetState(rq, RqState::kPostSched);
}

// ---- Dispatch (§6.9) ---------------------------------------------------------------

bool AnticipatoryElevator::FifoExpired(int c) {
  const int64_t j = jiffies();
  int64_t delta = j - last_check_fifo_[c];
  if (delta < 0) delta = -delta;
  if (delta < fifo_expire_[c]) return false;  // checked recently
  last_check_fifo_[c] = j;
  if (fifo_list_[c].empty()) return false;
  return j > fifo_list_[c].front().fifo_time;
}

bool AnticipatoryElevator::BatchExpired() const {
  if (changed_batch_ || new_batch_) return false;
  const bool timed_out = jiffies() > current_batch_expires_;
  if (batch_data_dir_ == kSync) return timed_out;
  return timed_out || current_write_count_ == 0;
}

int AnticipatoryElevator::ForcedDispatch() {
  // Accounting is useless while draining; batch_data_dir goes back to SYNC
  // so that write batch accounting (done on W->R) is not confused.
  int dispatched = 0;
  batch_data_dir_ = kSync;
  changed_batch_ = false;
  new_batch_ = false;
  while (next_rq_[kSync] != nullptr) {
    MoveToDispatch(*next_rq_[kSync]);
    ++dispatched;
  }
  last_check_fifo_[kSync] = jiffies();
  while (next_rq_[kAsync] != nullptr) {
    MoveToDispatch(*next_rq_[kAsync]);
    ++dispatched;
  }
  last_check_fifo_[kAsync] = jiffies();
  return dispatched;
}

int AnticipatoryElevator::ElvDispatch(Time /*now*/, bool force) {
  const int64_t j = jiffies();
  const bool reads = !fifo_list_[kSync].empty();
  const bool writes = !fifo_list_[kAsync].empty();
  if (force) return ForcedDispatch();

  // The write batch was uncontended: don't use it to tune the batch size.
  if (batch_data_dir_ == kAsync && !reads) {
    if (current_write_count_ == 0 || !writes) write_batch_idled_ = true;
  }
  if (!(reads || writes) || antic_status_ == Antic::kWaitReq || antic_status_ == Antic::kWaitNext ||
      changed_batch_) {
    return 0;
  }

  Request* rq = nullptr;
  bool chosen = false;       // rq picked: skip direction selection
  bool fifo_forced = false;  // "goto fifo_expired"
  if (!(reads && writes && BatchExpired())) {
    // The batch is still running, or only one class is queued.
    rq = next_rq_[batch_data_dir_];
    if (batch_data_dir_ == kSync && antic_expire_ != 0) {
      if (FifoExpired(kSync)) {
        fifo_forced = true;
        chosen = true;
      } else if (CanAnticipate(rq)) {
        AnticWaitReq();
        return 0;
      }
    }
    if (!chosen && rq != nullptr) {
      if (reads && !writes) current_batch_expires_ = j + batch_expire_[kSync];
      chosen = true;
    }
  }

  if (!chosen) {
    // Not running a batch: choose the class.
    if (reads && !(writes && batch_data_dir_ == kSync)) {
      if (batch_data_dir_ == kAsync) changed_batch_ = true;
      batch_data_dir_ = kSync;
      rq = &fifo_list_[kSync].front();
      last_check_fifo_[kSync] = j;
    } else {
      // Writes: either only writes are queued, or the last batch was reads.
      if (batch_data_dir_ == kSync) {
        changed_batch_ = true;
        // new_batch may still be set if the reads ran out; a write then
        // changes batch before the read completes.
        new_batch_ = false;
      }
      batch_data_dir_ = kAsync;
      current_write_count_ = write_batch_count_;
      write_batch_idled_ = false;
      if (legacy_2_6_20_ && next_rq_[kAsync] != nullptr) {
        rq = next_rq_[kAsync];  // 2.6.20: start in sector order
      } else {
        rq = &fifo_list_[kAsync].front();
        if (!legacy_2_6_20_) last_check_fifo_[kAsync] = j;
      }
    }
  }

  // An expired request is served now.
  if (fifo_forced || FifoExpired(batch_data_dir_)) rq = &fifo_list_[batch_data_dir_].front();

  if (changed_batch_) {
    // Wait until every request of the previous batch has completed.
    if (nr_dispatched_ != 0) return 0;
    if (Class(*rq) == kAsync) {
      current_batch_expires_ = j + batch_expire_[kAsync];
    } else {
      new_batch_ = true;
    }
    changed_batch_ = false;
  }

  MoveToDispatch(*rq);
  return 1;
}

// ---- may_queue, introspection ---------------------------------------------------

int AnticipatoryElevator::MayQueue(uint32_t stream) const {
  constexpr int kMay = 0, kMust = 2;  // ELV_MQUEUE_MAY, ELV_MQUEUE_MUST
  if (antic_status_ != Antic::kWaitReq && antic_status_ != Antic::kWaitNext) return kMay;
  auto it = live_.find(stream);
  return (it != live_.end() && it->second == io_context_) ? kMust : kMay;
}

std::vector<std::pair<std::string, int64_t>> AnticipatoryElevator::Counters() const {
  return {{"antic_hits", antic_hits_},
          {"antic_timeouts", antic_timeouts_},
          {"anticipations", anticipations_},
          {"expired_served", expired_served_},
          {"write_batch_count", write_batch_count_},
          {"exit_prob", static_cast<int64_t>(exit_prob_)},
          {"exit_no_coop", static_cast<int64_t>(exit_no_coop_)},
          {"new_ttime_mean", static_cast<int64_t>(new_ttime_mean_)},
          {"new_seek_mean", static_cast<int64_t>(new_seek_mean_)}};
}

std::vector<std::pair<std::string, int64_t>> AnticipatoryElevator::ContextState(
    uint32_t stream) const {
  auto it = live_.find(stream);
  if (it == live_.end()) return {};
  const AsContext& c = *it->second;
  return {{"running", c.running},
          {"io_started", c.io_started},
          {"io_running", c.io_running},
          {"nr_queued", c.nr_queued},
          {"nr_dispatched", c.nr_dispatched},
          {"last_end_request", c.last_end_request},
          {"ttime_total", static_cast<int64_t>(c.ttime_total)},
          {"ttime_samples", static_cast<int64_t>(c.ttime_samples)},
          {"ttime_mean", static_cast<int64_t>(c.ttime_mean)},
          {"seek_total", static_cast<int64_t>(c.seek_total)},
          {"seek_samples", static_cast<int64_t>(c.seek_samples)},
          {"seek_mean", static_cast<int64_t>(c.seek_mean)},
          {"last_request_pos", static_cast<int64_t>(c.last_request_pos)},
          {"anticipated", io_context_ == &c}};
}

std::vector<std::pair<std::string, int64_t>> AnticipatoryElevator::State() const {
  return {{"antic_status", static_cast<int64_t>(antic_status_)},
          {"antic_start", antic_start_},
          {"ioc_finished", ioc_finished_},
          {"batch_data_dir", batch_data_dir_},
          {"changed_batch", changed_batch_},
          {"new_batch", new_batch_},
          {"current_batch_expires", current_batch_expires_},
          {"write_batch_count", write_batch_count_},
          {"current_write_count", current_write_count_},
          {"write_batch_idled", write_batch_idled_},
          {"nr_dispatched", nr_dispatched_},
          {"last_sector_sync", static_cast<int64_t>(last_sector_[kSync])},
          {"last_sector_async", static_cast<int64_t>(last_sector_[kAsync])},
          {"contexts", static_cast<int64_t>(contexts_.size())}};
}

}  // namespace

std::unique_ptr<Elevator> NewAnticipatoryElevator(const ElevatorEnv& env) {
  return std::make_unique<AnticipatoryElevator>(env);
}

// Test and report hooks (as_iosched.h).
int AnticipatoryMayQueue(Elevator& e, uint32_t stream) {
  auto* as = dynamic_cast<AnticipatoryElevator*>(&e);
  return as == nullptr ? 0 : as->MayQueue(stream);
}

std::vector<std::pair<std::string, int64_t>> AnticipatoryContextState(const Elevator& e,
                                                                      uint32_t stream) {
  auto* as = dynamic_cast<const AnticipatoryElevator*>(&e);
  return as == nullptr ? std::vector<std::pair<std::string, int64_t>>{} : as->ContextState(stream);
}

std::vector<std::pair<std::string, int64_t>> AnticipatoryState(const Elevator& e) {
  auto* as = dynamic_cast<const AnticipatoryElevator*>(&e);
  return as == nullptr ? std::vector<std::pair<std::string, int64_t>>{} : as->State();
}

}  // namespace iosched
