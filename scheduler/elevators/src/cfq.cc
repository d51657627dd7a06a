// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// CFQ, Completely Fair Queueing, as in the 2.6.32 block/cfq-iosched.c
// (docs/elevators.md#cfq; the § numbers below are that page's sections).
//
// Every io context ("stream") gets its own queue for sync I/O; async I/O is
// queued on a queue shared by every context of the same priority (one per RT
// level, one per BE level, one for the IDLE class). Busy queues sit in one
// service tree ordered RT first, IDLE last, then by a key that is "now" plus
// an offset which grows with the number of busy queues and shrinks with the
// queue's priority. The leftmost queue becomes the active queue and owns the
// disk for a time slice (100 ms for a BE4 sync queue, scaled by priority),
// whose clock starts at the first completion of the slice.
//
// Inside a queue, requests sit in a sector-sorted rbtree and in a FIFO. The
// next request is the one closest to the head (last activated end sector),
// allowing short backward seeks at a penalty; the FIFO is consulted once per
// slice and its head is taken if it has expired (now >= fifo_time).
//
// When the active sync queue runs empty and its context usually comes back
// quickly (mean think time <= slice_idle), CFQ idles: it arms the idle slice
// timer (slice_idle, 2 ms for seeky queues) and dispatches nothing else until
// the context submits again or the timer fires. A queue whose context
// submits close to where the head is, or another "cooperating" queue with a
// request close to the head, cuts the wait short. New sync requests preempt
// async slices, RT preempts BE, anything preempts IDLE.
//
// Queues and contexts: a context is created on its first request and never
// freed (an exited context that submits again is reset, as a new process
// would be). A sync queue lives while a context points at it or it holds a
// request (queued or in the device), and is freed when both drop to zero,
// like the kernel's reference counts; the 17 async queues live as long as
// the elevator. Nothing is allocated per request.
//
// Tunables (sysfs queue/iosched/ names, 2.6.32 defaults; ms are stored in
// ticks of the elevator's HZ):
//   quantum            4       requests  max in flight per queue per round
//   fifo_expire_sync   125     ms        HZ/8
//   fifo_expire_async  250     ms        HZ/4
//   back_seek_max      16384   KiB       short backward seek window (x2 sectors)
//   back_seek_penalty  2       x         cost multiplier of a backward seek
//   slice_sync         100     ms        HZ/10, sync slice at BE4
//   slice_async        40      ms        HZ/25, async slice at BE4
//   slice_async_rq     2       requests  async requests per slice, scaled
//   slice_idle         8       ms        HZ/125; 0 never idles
//   low_latency        1       bool      async depth ramp after sync I/O
// Library options (not in the kernel):
//   cfq_queue_merging    1  merge the queues of cooperating contexts (§7.10)
//   idle_timer_timed_out 0  1 fixes the kernel quirk that the idle timer
//                           expires the active queue with timed_out = 0, so
//                           its unused slice is never credited (§7.9)
//
// Not modelled, because the library request has no such flags: metadata
// requests (REQ_META: choose/preempt rules 1 and 5) and REQ_NOIDLE. The
// kernel-only priority boost of queues holding filesystem resources is
// omitted (§7.1).
//
// Judgement calls where 2.6.32's details are left open (docs/elevators.md#cfq):
//  - An idle hit cancels the timer but leaves wait_request set until the
//    slice ends or the timer is re-armed (clearing it there came later, with
//    the 2.6.35 idle-time statistics). A stale wait_request lets close
//    requests of other queues preempt (§7.7 rule 8) and makes may_queue
//    answer MUST.
//  - Cooperator lookup (§7.5 step 4): the kernel tries the rbtree parent of
//    the missing leaf and then its other neighbour, i.e. an order that
//    depends on the tree's shape; here the nearer neighbour is tried first.
//    Prio-tree keys are copied in when a queue is (re)inserted, as the
//    kernel (re)inserts it, so a later change of next_rq cannot break the
//    tree order.
//  - As in the kernel, a bio from a context that has no queue for its
//    sync-ness yet (no cic) never merges, and next_rq after a removal is
//    chosen relative to the removed request's start.
//  - The dispatcher runs the queue after every arrival, completion and
//    timer, which covers every "kick" (cfq_schedule_dispatch) of the kernel.

#include <algorithm>
#include <cassert>
#include <limits>

#include "builtin_elevators.h"
#include "cfq_iosched.h"

namespace iosched {

namespace bi = boost::intrusive;

namespace {

constexpr int kSync = 1;
constexpr int kAsync = 0;
constexpr int kPrioLists = 8;            // IOPRIO_BE_NR
constexpr int kSliceScale = 5;           // CFQ_SLICE_SCALE
constexpr int kHwQueueMin = 5;           // CFQ_HW_QUEUE_MIN
constexpr uint64_t kSeekThr = 8 * 1024;  // CFQQ_SEEK_THR, sectors
constexpr uint64_t kPageBytes = 4096;    // PAGE_CACHE_SIZE

// "Valid samples": more than 80 in the x256 scale, i.e. at least 3 samples.
inline bool SampleValid(uint64_t samples) { return samples > 80; }

inline bool RqSync(const Request& rq) { return rq.op == Op::kRead || rq.sync; }

// The context's effective priority: class NONE means "from the CPU
// scheduling policy", which for the library is BE at IOPRIO_NORM.
IoPrio Effective(IoPrio p) {
  IoPrio out;
  switch (p.io_class) {
    case IoClass::kRealTime:
    case IoClass::kBestEffort:
      out.io_class = p.io_class;
      out.level = std::min<uint8_t>(p.level, kPrioLists - 1);
      break;
    case IoClass::kIdle:
      out.io_class = IoClass::kIdle;
      out.level = kPrioLists - 1;
      break;
    case IoClass::kNone:
    default:
      out.io_class = IoClass::kBestEffort;
      out.level = 4;
      break;
  }
  return out;
}

inline bool SamePrio(IoPrio a, IoPrio b) { return a.io_class == b.io_class && a.level == b.level; }

// Key of the per-queue sector tree.
struct StartKey {
  using type = uint64_t;
  uint64_t operator()(const Request& r) const { return r.start(); }
};

}  // namespace

using Fifo = bi::list<Request, bi::member_hook<Request, ListHook, &Request::fifo_hook>,
                      bi::constant_time_size<false>>;
using SortTree = bi::set<Request, bi::member_hook<Request, SetHook, &Request::sort_hook>,
                         bi::key_of_value<StartKey>, bi::constant_time_size<true>>;

struct CfqContext {
  uint32_t stream = 0;
  IoPrio prio;                             // effective class/level (task ioprio)
  CfqQueue* cfqq[2] = {nullptr, nullptr};  // [async, sync]
  int64_t last_end_request = 0;
  int64_t ttime_samples = 0;
  int64_t ttime_total = 0;
  int64_t ttime_mean = 0;
  bool exited = false;  // io_context nr_tasks == 0
};

struct CfqQueue {
  // Service tree (by class rank, then rb_key) and prio tree (by next_rq's
  // start) links. The keys are copied in at insertion so a priority change
  // or a moving next_rq can never break the tree order.
  bi::set_member_hook<> rb_hook;
  bi::set_member_hook<> p_hook;
  int rb_rank = 1;  // 0 RT, 1 BE, 2 IDLE
  int64_t rb_key = 0;
  int p_root = -1;  // prio tree index, -1: not in one
  uint64_t p_key = 0;

  SortTree sort_list;
  Fifo fifo;
  Request* next_rq = nullptr;
  int queued[2] = {0, 0};
  int allocated = 0;   // requests set up on this queue and not yet put
  int dispatched = 0;  // on the dispatch list or in the device
  int refs = 0;        // process references (contexts, incl. promised by merges)

  int64_t slice_end = 0;
  int64_t slice_resid = 0;
  int64_t slice_dispatch = 0;

  IoClass ioprio_class = IoClass::kBestEffort;
  int ioprio = 4;
  IoClass org_ioprio_class = IoClass::kBestEffort;
  int org_ioprio = 4;

  uint64_t seek_samples = 0;
  uint64_t seek_total = 0;
  uint64_t seek_mean = 0;
  uint64_t last_request_pos = 0;
  int64_t seeky_start = 0;

  CfqQueue* new_cfqq = nullptr;  // merge target (cooperating contexts)
  uint32_t owner = 0;            // creating stream (sync), for reports

  // Flags (cfqq_state bits).
  bool on_rr = false;
  bool wait_request = false;
  bool must_dispatch = false;
  bool must_alloc_slice = false;
  bool fifo_expire = false;
  bool idle_window = false;
  bool prio_changed = true;
  bool slice_new = false;
  bool sync = false;
  bool coop = false;

  bool seeky() const { return seek_mean > kSeekThr; }  // CFQQ_SEEKY
  bool class_idle() const { return ioprio_class == IoClass::kIdle; }
  bool class_rt() const { return ioprio_class == IoClass::kRealTime; }

  ~CfqQueue() {
    // Requests belong to their submitter: only unlink.
    fifo.clear();
    sort_list.clear();
  }
};

namespace {

struct RbKeyOf {
  using type = std::pair<int, int64_t>;
  type operator()(const CfqQueue& q) const { return {q.rb_rank, q.rb_key}; }
};
struct PKeyOf {
  using type = uint64_t;
  uint64_t operator()(const CfqQueue& q) const { return q.p_key; }
};

// Equal keys are inserted after the existing ones (multiset insert goes to
// the upper bound): FIFO among equals, as the kernel's "else go right".
using ServiceTree =
    bi::multiset<CfqQueue, bi::member_hook<CfqQueue, bi::set_member_hook<>, &CfqQueue::rb_hook>,
                 bi::key_of_value<RbKeyOf>, bi::constant_time_size<true>>;
using PrioTree =
    bi::set<CfqQueue, bi::member_hook<CfqQueue, bi::set_member_hook<>, &CfqQueue::p_hook>,
            bi::key_of_value<PKeyOf>, bi::constant_time_size<true>>;

inline CfqQueue* QueueOf(const Request& rq) { return static_cast<CfqQueue*>(rq.elv_queue); }

}  // namespace

struct CfqElevator::Impl {
  std::unordered_map<uint32_t, std::unique_ptr<CfqContext>> contexts;
  std::vector<std::unique_ptr<CfqQueue>> sync_queues;
  std::array<std::unique_ptr<CfqQueue>, kPrioLists> async_rt;
  std::array<std::unique_ptr<CfqQueue>, kPrioLists> async_be;
  std::unique_ptr<CfqQueue> async_idle;
  ServiceTree service_tree;
  std::array<PrioTree, kPrioLists> prio_trees;

  ~Impl() {
    service_tree.clear();
    for (PrioTree& t : prio_trees) t.clear();
  }
};

// ---------------------------------------------------------------------------
// Construction, tunables.

CfqElevator::CfqElevator(const ElevatorEnv& env) : ElvCore(env), impl_(std::make_unique<Impl>()) {
  const int64_t hz = ticks().hz();
  fifo_expire_[kAsync] = hz / 4;
  fifo_expire_[kSync] = hz / 8;
  slice_[kAsync] = std::max<int64_t>(1, hz / 25);
  slice_[kSync] = hz / 10;
  slice_idle_ = std::max<int64_t>(1, hz / 125);
  // cfq_init_queue: the async ramp counts from the elevator's creation.
  last_end_sync_rq_ = 0;

  constexpr int64_t kUintMax = std::numeric_limits<uint32_t>::max();
  using K = TunableSet::Kind;
  using R = TunableSet::OutOfRange;
  TunableSet& t = tunables();
  t.Add("quantum", K::kInt, &quantum_, 1, kUintMax, R::kClamp, "requests",
        "max requests of one queue in flight per round (default 4)");
  t.Add("fifo_expire_sync", K::kMillis, &fifo_expire_[kSync], 1, kUintMax, R::kClamp, "ms",
        "sync request FIFO deadline (default 125 = HZ/8)");
  t.Add("fifo_expire_async", K::kMillis, &fifo_expire_[kAsync], 1, kUintMax, R::kClamp, "ms",
        "async request FIFO deadline (default 250 = HZ/4)");
  t.Add("back_seek_max", K::kInt, &back_seek_max_, 0, kUintMax, R::kClamp, "KiB",
        "max backward seek preferred over a forward one (default 16384 KiB)");
  t.Add("back_seek_penalty", K::kInt, &back_seek_penalty_, 1, kUintMax, R::kClamp, "x",
        "cost multiplier of a backward seek (default 2)");
  t.Add("slice_sync", K::kMillis, &slice_[kSync], 1, kUintMax, R::kClamp, "ms",
        "sync time slice at BE4, scaled by priority (default 100 = HZ/10)");
  t.Add("slice_async", K::kMillis, &slice_[kAsync], 1, kUintMax, R::kClamp, "ms",
        "async time slice at BE4, scaled by priority (default 40 = HZ/25)");
  t.Add("slice_async_rq", K::kInt, &slice_async_rq_, 1, kUintMax, R::kClamp, "requests",
        "async requests per slice, scaled by priority (default 2)");
  t.Add("slice_idle", K::kMillis, &slice_idle_, 0, kUintMax, R::kClamp, "ms",
        "idle wait for the next sync request of the active queue (default 8 = HZ/125; 0 off)");
  t.Add("low_latency", K::kBool, &low_latency_, 0, 1, R::kClamp, "bool",
        "ramp async dispatch depth up after sync I/O (default 1)");
  t.Add("cfq_queue_merging", K::kBool, &queue_merging_, 0, 1, R::kClamp, "bool",
        "library option: merge queues of cooperating contexts (default 1, as 2.6.32+)");
  t.Add("idle_timer_timed_out", K::kBool, &idle_timer_timed_out_, 0, 1, R::kClamp, "bool",
        "library option: 1 credits the unused slice when the idle timer expires a queue "
        "(default 0 = kernel quirk)");
}

CfqElevator::~CfqElevator() {
  // Unlink queues from the trees before the queues themselves go.
  impl_->service_tree.clear();
  for (PrioTree& t : impl_->prio_trees) t.clear();
}

std::vector<std::pair<std::string, int64_t>> CfqElevator::Counters() const {
  return {
      {"slices", n_slices_},
      {"idle_hits", n_idle_hits_},
      {"idle_timeouts", n_idle_timeouts_},
      {"preemptions", n_preemptions_},
      {"expired_served", n_expired_served_},
      {"close_cooperators", n_cooperators_},
      {"queue_merges", n_queue_merges_},
      {"queue_splits", n_queue_splits_},
      {"alias_dispatches", n_aliases_},
      {"forced_dispatches", n_forced_},
      {"async_cap_expiries", n_async_cap_},
  };
}

// ---------------------------------------------------------------------------
// Priorities and slices (§7.3).

int64_t CfqElevator::PrioSlice(bool sync, int prio) const {
  const int64_t base = slice_[sync ? kSync : kAsync];
  return base + base / kSliceScale * (4 - prio);
}

int64_t CfqElevator::PrioToSlice(const CfqQueue& q) const { return PrioSlice(q.sync, q.ioprio); }

int64_t CfqElevator::PrioToMaxRq(const CfqQueue& q) const {
  const int64_t base = slice_async_rq_;
  return 2 * (base + base * (kPrioLists - 1 - q.ioprio));
}

void CfqElevator::InitPrioData(CfqQueue& q, const CfqContext& cic) {
  if (!q.prio_changed) return;
  q.ioprio_class = cic.prio.io_class;
  q.ioprio = cic.prio.level;
  if (q.ioprio_class == IoClass::kIdle) {
    q.ioprio = kPrioLists - 1;
    q.idle_window = false;
  }
  q.org_ioprio_class = q.ioprio_class;
  q.org_ioprio = q.ioprio;
  q.prio_changed = false;
}

// ---------------------------------------------------------------------------
// Contexts and queues (§7.1, §7.10).

CfqContext* CfqElevator::FindContext(uint32_t stream) const {
  auto it = impl_->contexts.find(stream);
  return it == impl_->contexts.end() ? nullptr : it->second.get();
}

CfqContext* CfqElevator::GetContext(const Request& rq) {
  auto& slot = impl_->contexts[rq.stream];
  const IoPrio prio = Effective(rq.prio);
  if (slot == nullptr || slot->exited) {
    // A new io context (or a new process reusing an exited stream id).
    if (slot == nullptr) slot = std::make_unique<CfqContext>();
    *slot = CfqContext{};
    slot->stream = rq.stream;
    slot->prio = prio;
    slot->last_end_request = jiffies_;
    return slot.get();
  }
  if (!SamePrio(slot->prio, prio)) {
    slot->prio = prio;
    ChangedIoprio(*slot);
  }
  return slot.get();
}

void CfqElevator::ChangedIoprio(CfqContext& cic) {
  // changed_ioprio: async I/O moves to the matching shared queue at once;
  // the sync queue re-reads the priority on its next insertion.
  if (cic.cfqq[kAsync] != nullptr) cic.cfqq[kAsync] = AsyncQueue(cic.prio);
  if (cic.cfqq[kSync] != nullptr) cic.cfqq[kSync]->prio_changed = true;
}

CfqQueue* CfqElevator::NewSyncQueue(const CfqContext& cic) {
  auto q = std::make_unique<CfqQueue>();
  q->sync = true;
  q->owner = cic.stream;
  q->prio_changed = true;
  InitPrioData(*q, cic);
  // cfq_init_cfqq: sync queues start with the idle window on (not IDLE).
  q->idle_window = !q->class_idle();
  CfqQueue* raw = q.get();
  impl_->sync_queues.push_back(std::move(q));
  return raw;
}

const CfqQueue* CfqElevator::FindAsyncQueue(IoPrio prio) const {
  prio = Effective(prio);
  switch (prio.io_class) {
    case IoClass::kRealTime:
      return impl_->async_rt[prio.level].get();
    case IoClass::kIdle:
      return impl_->async_idle.get();
    default:
      return impl_->async_be[prio.level].get();
  }
}

CfqQueue* CfqElevator::AsyncQueue(IoPrio prio) {
  prio = Effective(prio);
  std::unique_ptr<CfqQueue>* slot;
  switch (prio.io_class) {
    case IoClass::kRealTime:
      slot = &impl_->async_rt[prio.level];
      break;
    case IoClass::kIdle:
      slot = &impl_->async_idle;
      break;
    default:
      slot = &impl_->async_be[prio.level];
      break;
  }
  if (*slot == nullptr) {
    *slot = std::make_unique<CfqQueue>();
    CfqQueue& q = **slot;
    q.sync = false;
    q.ioprio_class = prio.io_class;
    q.ioprio = prio.level;
    q.org_ioprio_class = prio.io_class;
    q.org_ioprio = prio.level;
    q.prio_changed = false;
    q.refs = 1;  // the permanent async_cfqq reference
  }
  return slot->get();
}

// cfq_set_request: bind a new request to its queue.
CfqQueue* CfqElevator::SetRequest(CfqContext& cic, bool sync) {
  CfqQueue* q = cic.cfqq[sync ? kSync : kAsync];
  if (!sync) {
    if (q == nullptr) q = cic.cfqq[kAsync] = AsyncQueue(cic.prio);
  } else {
    if (q != nullptr && q->coop && q->seeky_start != 0 &&
        jiffies_ > q->seeky_start + ticks().hz()) {
      // should_split_cfqq / split_cfqq: a shared queue that stayed seeky for
      // CFQQ_COOP_TOUT is broken up again.
      ++n_queue_splits_;
      if (q->refs == 1) {
        q->coop = false;
      } else {
        cic.cfqq[kSync] = nullptr;
        --q->refs;
        MaybeFree(q);
        q = nullptr;
      }
    }
    if (q == nullptr) {
      q = NewSyncQueue(cic);
      q->refs = 1;
      cic.cfqq[kSync] = q;
    } else if (q->new_cfqq != nullptr) {
      q = MergeCfqqs(cic, q);
    }
  }
  ++q->allocated;
  return q;
}

void CfqElevator::SetupMerge(CfqQueue* q, CfqQueue* new_q) {
  // Avoid a circular list and skip interim queue merges.
  while (new_q->new_cfqq != nullptr) {
    if (new_q->new_cfqq == q) return;
    new_q = new_q->new_cfqq;
  }
  const int process_refs = q->refs;
  if (process_refs == 0) return;  // its processes are gone: pointless
  const int new_process_refs = new_q->refs;
  // Merge in the direction of the lesser amount of work.
  if (new_process_refs >= process_refs) {
    q->new_cfqq = new_q;
    new_q->refs += process_refs;
  } else {
    new_q->new_cfqq = q;
    q->refs += new_process_refs;
  }
  ++n_queue_merges_;
}

CfqQueue* CfqElevator::MergeCfqqs(CfqContext& cic, CfqQueue* q) {
  // The promised reference on new_cfqq (SetupMerge) becomes this context's.
  CfqQueue* target = q->new_cfqq;
  cic.cfqq[kSync] = target;
  target->coop = true;
  --q->refs;
  MaybeFree(q);
  return target;
}

void CfqElevator::PutCooperator(CfqQueue* q) {
  // Drop the references SetupMerge promised along the merge chain.
  for (CfqQueue* c = q->new_cfqq; c != nullptr;) {
    if (c == q) break;
    CfqQueue* next = c->new_cfqq;
    --c->refs;
    MaybeFree(c);
    c = next;
  }
}

void CfqElevator::MaybeFree(CfqQueue* q) {
  if (!q->sync || q->refs > 0 || q->allocated > 0 || q == active_) return;
  assert(!q->on_rr && q->sort_list.empty() && q->dispatched == 0);
  auto& v = impl_->sync_queues;
  for (auto& other : v) {
    if (other->new_cfqq == q) other->new_cfqq = nullptr;
  }
  for (auto& [stream, cic] : impl_->contexts) {
    if (cic->cfqq[kSync] == q) cic->cfqq[kSync] = nullptr;
  }
  PrioTreeDel(*q);
  if (q->rb_hook.is_linked()) impl_->service_tree.erase(impl_->service_tree.iterator_to(*q));
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].get() == q) {
      v[i] = std::move(v.back());
      v.pop_back();
      break;
    }
  }
}

void CfqElevator::ContextExit(uint32_t stream, Time now) {
  set_now(now);
  jiffies_ = Jiffies(now);
  CfqContext* cic = FindContext(stream);
  if (cic == nullptr || cic->exited) return;
  cic->exited = true;
  // __cfq_exit_single_io_context → cfq_exit_cfqq for both queues.
  for (int i : {kAsync, kSync}) {
    CfqQueue* q = cic->cfqq[i];
    if (q == nullptr) continue;
    cic->cfqq[i] = nullptr;
    if (q == active_) SliceExpired(false);
    if (q->sync) {
      PutCooperator(q);
      --q->refs;
      MaybeFree(q);
    }
  }
}

CfqMayQueue CfqElevator::MayQueue(uint32_t stream, bool sync, Time now) {
  jiffies_ = Jiffies(now);
  const CfqContext* cic = FindContext(stream);
  if (cic == nullptr || cic->exited) return CfqMayQueue::kMay;
  CfqQueue* q = cic->cfqq[sync ? kSync : kAsync];
  if (q != nullptr && q->wait_request && !q->must_alloc_slice) {
    q->must_alloc_slice = true;
    return CfqMayQueue::kMust;
  }
  return CfqMayQueue::kMay;
}

// ---------------------------------------------------------------------------
// Requests inside a queue (§7.2).

Request* CfqElevator::ChooseReq(Request* rq1, Request* rq2, uint64_t last) const {
  if (rq1 == nullptr || rq1 == rq2) return rq2;
  if (rq2 == nullptr) return rq1;
  const bool sync1 = RqSync(*rq1), sync2 = RqSync(*rq2);
  if (sync1 && !sync2) return rq1;
  if (sync2 && !sync1) return rq2;
  const uint64_t s1 = rq1->start(), s2 = rq2->start();
  const uint64_t back_max = static_cast<uint64_t>(back_seek_max_) * 2;  // KiB → sectors
  const uint64_t penalty = static_cast<uint64_t>(back_seek_penalty_);
  uint64_t d1 = 0, d2 = 0;
  bool wrap1 = false, wrap2 = false;
  if (s1 >= last) {
    d1 = s1 - last;
  } else if (s1 + back_max >= last) {
    d1 = (last - s1) * penalty;
  } else {
    wrap1 = true;
  }
  if (s2 >= last) {
    d2 = s2 - last;
  } else if (s2 + back_max >= last) {
    d2 = (last - s2) * penalty;
  } else {
    wrap2 = true;
  }
  if (!wrap1 && !wrap2) {
    if (d1 < d2) return rq1;
    if (d2 < d1) return rq2;
    return s1 >= s2 ? rq1 : rq2;  // tie: the higher start
  }
  if (!wrap1) return rq1;
  if (!wrap2) return rq2;
  return s1 <= s2 ? rq1 : rq2;  // both wrapped: the one further behind
}

Request* CfqElevator::FindNextRq(CfqQueue& q, Request& last) {
  auto it = q.sort_list.iterator_to(last);
  Request* prev = it == q.sort_list.begin() ? nullptr : &*std::prev(it);
  Request* next = nullptr;
  if (auto n = std::next(it); n != q.sort_list.end()) {
    next = &*n;
  } else if (&*q.sort_list.begin() != &last) {
    next = &*q.sort_list.begin();
  }
  // Relative to the removed request's own start, not the head position.
  return ChooseReq(next, prev, last.start());
}

void CfqElevator::AddRqRb(Request& rq) {
  CfqQueue& q = *QueueOf(rq);
  ++q.queued[RqSync(rq)];
  // The sector tree holds no two requests with one start: an alias goes to
  // the dispatch list at once and the insertion is retried (§2.4).
  while (true) {
    auto [it, inserted] = q.sort_list.insert_unique(rq);
    if (inserted) break;
    ++n_aliases_;
    DispatchInsert(*it);
  }
  if (!q.on_rr) AddCfqqRr(q);
  Request* prev = q.next_rq;
  q.next_rq = ChooseReq(q.next_rq, &rq, last_position_);
  if (prev != q.next_rq) PrioTreeAdd(q);
}

void CfqElevator::DelRqRb(Request& rq) {
  CfqQueue& q = *QueueOf(rq);
  --q.queued[RqSync(rq)];
  q.sort_list.erase(q.sort_list.iterator_to(rq));
  if (q.on_rr && q.sort_list.empty()) DelCfqqRr(q);
}

void CfqElevator::RemoveRequest(Request& rq) {
  CfqQueue& q = *QueueOf(rq);
  if (q.next_rq == &rq) q.next_rq = FindNextRq(q, rq);
  q.fifo.erase(q.fifo.iterator_to(rq));
  DelRqRb(rq);
  --rq_queued_;
}

void CfqElevator::DispatchInsert(Request& rq) {
  CfqQueue& q = *QueueOf(rq);
  q.next_rq = FindNextRq(q, rq);
  RemoveRequest(rq);
  ++q.dispatched;
  DispatchSort(rq);
  if (q.sync) ++sync_flight_;
}

Request* CfqElevator::CheckFifo(CfqQueue& q) {
  // Only once per slice.
  if (q.fifo_expire) return nullptr;
  q.fifo_expire = true;
  if (q.fifo.empty()) return nullptr;
  Request& rq = q.fifo.front();
  if (jiffies_ < rq.fifo_time) return nullptr;  // expired iff now >= fifo_time
  return &rq;
}

// ---------------------------------------------------------------------------
// Service tree and prio trees (§7.3, §7.5 step 4).

void CfqElevator::ServiceTreeAdd(CfqQueue& q, bool add_front) {
  ServiceTree& tree = impl_->service_tree;
  int64_t key;
  if (q.class_idle()) {
    // CFQ_IDLE_DELAY behind the last queue in the tree.
    key = ticks().hz() / 5;
    if (!tree.empty() && &*tree.rbegin() != &q) {
      key += tree.rbegin()->rb_key;
    } else {
      key += jiffies_;
    }
  } else if (!add_front) {
    // cfq_slice_offset: (busy - 1) * (slice(sync, 0) - slice(this queue)).
    const int64_t offset = (busy_queues_ - 1) * (PrioSlice(true, 0) - PrioToSlice(q));
    key = offset + jiffies_ - q.slice_resid;
    q.slice_resid = 0;
  } else {
    key = -ticks().hz();
    key += tree.empty() ? jiffies_ : tree.begin()->rb_key;
  }
  if (q.rb_hook.is_linked()) {
    if (key == q.rb_key) return;  // same position, nothing to do
    tree.erase(tree.iterator_to(q));
  }
  q.rb_key = key;
  q.rb_rank = q.class_rt() ? 0 : (q.class_idle() ? 2 : 1);
  tree.insert(q);
}

void CfqElevator::ResortRrList(CfqQueue& q) {
  if (!q.on_rr) return;
  ServiceTreeAdd(q, false);
  PrioTreeAdd(q);
}

void CfqElevator::AddCfqqRr(CfqQueue& q) {
  assert(!q.on_rr);
  q.on_rr = true;
  ++busy_queues_;
  ResortRrList(q);
}

void CfqElevator::DelCfqqRr(CfqQueue& q) {
  assert(q.on_rr);
  q.on_rr = false;
  if (q.rb_hook.is_linked()) impl_->service_tree.erase(impl_->service_tree.iterator_to(q));
  PrioTreeDel(q);
  assert(busy_queues_ > 0);
  --busy_queues_;
}

void CfqElevator::PrioTreeDel(CfqQueue& q) {
  if (q.p_root >= 0) {
    PrioTree& t = impl_->prio_trees[q.p_root];
    t.erase(t.iterator_to(q));
    q.p_root = -1;
  }
}

void CfqElevator::PrioTreeAdd(CfqQueue& q) {
  PrioTreeDel(q);
  if (q.class_idle() || q.next_rq == nullptr) return;
  // Keyed by the start of next_rq, per original priority level; a queue
  // whose key is taken is left out (as the kernel's lookup-then-link).
  q.p_key = q.next_rq->start();
  PrioTree& t = impl_->prio_trees[q.org_ioprio];
  if (t.insert_unique(q).second) q.p_root = q.org_ioprio;
}

bool CfqElevator::RqClose(const CfqQueue& active, uint64_t pos) const {
  const uint64_t sdist = SampleValid(active.seek_samples) ? active.seek_mean : kSeekThr;
  const uint64_t dist = pos >= last_position_ ? pos - last_position_ : last_position_ - pos;
  return dist <= sdist;
}

CfqQueue* CfqElevator::CfqqClose(CfqQueue& cur) {
  PrioTree& root = impl_->prio_trees[cur.org_ioprio];
  if (root.empty()) return nullptr;
  const uint64_t sector = last_position_;
  // First, a queue whose next request starts right at the head.
  auto lb = root.lower_bound(sector);
  if (lb != root.end() && lb->p_key == sector) return &*lb;
  // Otherwise the two neighbours of the head's position. The kernel tries
  // the rbtree parent of the missing leaf (one of the two, depending on the
  // tree's shape) and then the other one; here the nearer is tried first
  // (ties: the lower), which picks the same queue whenever only one is close.
  CfqQueue* succ = lb != root.end() ? &*lb : nullptr;
  CfqQueue* pred = lb != root.begin() ? &*std::prev(lb) : nullptr;
  CfqQueue* first = pred;
  CfqQueue* second = succ;
  if (pred == nullptr || (succ != nullptr && succ->p_key - sector < sector - pred->p_key)) {
    first = succ;
    second = pred;
  }
  for (CfqQueue* c : {first, second}) {
    if (c != nullptr && c != &cur && c->next_rq != nullptr && RqClose(cur, c->next_rq->start())) {
      return c;
    }
  }
  return nullptr;
}

CfqQueue* CfqElevator::CloseCooperator(CfqQueue& cur) {
  // Only sync, non-seeky queues cooperate (and only with their own kind).
  if (!cur.sync || cur.seeky()) return nullptr;
  CfqQueue* q = CfqqClose(cur);
  if (q == nullptr || q == &cur) return nullptr;
  if (!q->sync || q->seeky()) return nullptr;
  return q;
}

// ---------------------------------------------------------------------------
// Slices and queue selection (§7.5).

bool CfqElevator::SliceUsed(const CfqQueue& q) const {
  if (q.slice_new) return false;
  return !(jiffies_ < q.slice_end);
}

void CfqElevator::SetActiveQueue(CfqQueue* q) {
  if (q == nullptr) {
    ServiceTree& tree = impl_->service_tree;
    q = tree.empty() ? nullptr : &*tree.begin();
  }
  if (q != nullptr) {
    q->slice_end = 0;
    q->slice_dispatch = 0;
    q->wait_request = false;
    q->must_dispatch = false;
    q->must_alloc_slice = false;
    q->fifo_expire = false;
    q->slice_new = true;
    DelTimer();
    ++n_slices_;
  }
  active_ = q;
}

void CfqElevator::SliceExpired(bool timed_out) {
  CfqQueue* q = active_;
  if (q == nullptr) return;
  if (q->wait_request) DelTimer();
  q->wait_request = false;
  // Store what was left of this slice if the queue idled / timed out.
  if (timed_out && !q->slice_new) q->slice_resid = q->slice_end - jiffies_;
  ResortRrList(*q);
  active_ = nullptr;
  active_cic_ = nullptr;
  MaybeFree(q);
}

CfqQueue* CfqElevator::SelectQueue() {
  CfqQueue* q = active_;
  CfqQueue* new_q = nullptr;
  if (q == nullptr) {
    SetActiveQueue(nullptr);
    return active_;
  }
  // The active queue has run out of time: expire it and select a new one.
  if (SliceUsed(*q) && !q->must_dispatch) {
    SliceExpired(false);
    SetActiveQueue(nullptr);
    return active_;
  }
  // It has requests and time left: keep it.
  if (!q->sort_list.empty()) return q;
  // Another queue has a request within our mean seek distance: let it run
  // (directly, ahead of the tree order) and merge the two if allowed.
  new_q = CloseCooperator(*q);
  if (new_q != nullptr) {
    ++n_cooperators_;
    if (queue_merging_ && q->new_cfqq == nullptr) SetupMerge(q, new_q);
    SliceExpired(false);
    SetActiveQueue(new_q);
    return active_;
  }
  // Nothing queued: wait for the idle timer or for requests in flight
  // (which may re-arm it) before switching.
  if (TimerPending() || (q->dispatched > 0 && q->idle_window)) return nullptr;
  SliceExpired(false);
  SetActiveQueue(nullptr);
  return active_;
}

// ---------------------------------------------------------------------------
// Dispatch (§7.6).

bool CfqElevator::MayDispatch(CfqQueue& q) const {
  // Drain async requests before a sync queue that idles starts.
  if (q.idle_window && rq_in_driver_[kAsync] > 0) return false;
  // An async queue waits while sync I/O is in flight.
  if (sync_flight_ > 0 && !q.sync) return false;
  int64_t max_dispatch = q.class_idle() ? 1 : quantum_;
  if (q.dispatched >= max_dispatch) {
    if (q.class_idle()) return false;  // at most one IDLE request in flight
    if (busy_queues_ > 1) return false;
    max_dispatch *= 4;  // sole busy queue: allow a deeper queue
  }
  if (!q.sync && low_latency_) {
    // Ramp the async depth up with the time since the last sync completion.
    const int64_t last_sync = jiffies_ - last_end_sync_rq_;
    int64_t depth = last_sync / slice_[kSync];
    if (depth == 0 && q.dispatched == 0) depth = 1;
    max_dispatch = std::min(max_dispatch, depth);
  }
  return q.dispatched < max_dispatch;
}

void CfqElevator::DispatchRequest(CfqQueue& q) {
  Request* rq = CheckFifo(q);
  if (rq != nullptr) {
    ++n_expired_served_;
  } else {
    rq = q.next_rq;
  }
  assert(rq != nullptr);
  const uint32_t stream = rq->stream;
  DispatchInsert(*rq);
  if (active_cic_ == nullptr) active_cic_ = FindContext(stream);
}

int CfqElevator::ForcedDispatch() {
  ++n_forced_;
  int dispatched = 0;
  ServiceTree& tree = impl_->service_tree;
  while (!tree.empty()) {
    CfqQueue& q = *tree.begin();
    while (q.next_rq != nullptr) {
      DispatchInsert(*q.next_rq);
      ++dispatched;
    }
  }
  SliceExpired(false);
  assert(busy_queues_ == 0);
  return dispatched;
}

int CfqElevator::ElvDispatch(Time now, bool force) {
  jiffies_ = Jiffies(now);
  if (busy_queues_ == 0) return 0;
  if (force) return ForcedDispatch();
  CfqQueue* q = SelectQueue();
  if (q == nullptr) return 0;
  if (!MayDispatch(*q)) return 0;
  DispatchRequest(*q);
  ++q->slice_dispatch;
  q->must_dispatch = false;
  // An async queue ends its slice after its request cap, an IDLE queue after
  // every request, while others wait.
  if (busy_queues_ > 1 && ((!q->sync && q->slice_dispatch >= PrioToMaxRq(*q)) || q->class_idle())) {
    if (!q->sync) ++n_async_cap_;
    q->slice_end = jiffies_ + 1;
    SliceExpired(false);
  }
  return 1;
}

void CfqElevator::ElvActivate(Request& unit, Time now) {
  ++rq_in_driver_[RqSync(unit)];
  last_position_ = unit.end();
}

void CfqElevator::ElvDeactivate(Request& unit, Time now) {
  assert(rq_in_driver_[RqSync(unit)] > 0);
  --rq_in_driver_[RqSync(unit)];
}

// ---------------------------------------------------------------------------
// Insertion (§7.4) and preemption (§7.7).

void CfqElevator::ElvAddRequest(Request& rq, Time now) {
  jiffies_ = Jiffies(now);
  CfqContext* cic = GetContext(rq);
  CfqQueue* q = SetRequest(*cic, RqSync(rq));
  rq.elv_queue = q;
  InitPrioData(*q, *cic);
  AddRqRb(rq);
  rq.fifo_time = jiffies_ + fifo_expire_[RqSync(rq)];
  q->fifo.push_back(rq);
  RqEnqueued(*q, rq, *cic);
}

void CfqElevator::UpdateThinkTime(CfqContext& cic) {
  const int64_t elapsed = jiffies_ - cic.last_end_request;
  const int64_t ttime = std::min(elapsed, 2 * slice_idle_);
  cic.ttime_samples = (7 * cic.ttime_samples + 256) / 8;
  cic.ttime_total = (7 * cic.ttime_total + 256 * ttime) / 8;
  cic.ttime_mean = (cic.ttime_total + 128) / cic.ttime_samples;
}

void CfqElevator::UpdateSeekTime(CfqQueue& q, const Request& rq) {
  uint64_t sdist;
  if (q.last_request_pos == 0) {
    sdist = 0;
  } else if (q.last_request_pos < rq.start()) {
    sdist = rq.start() - q.last_request_pos;
  } else {
    sdist = q.last_request_pos - rq.start();
  }
  // Don't let an odd fragment blow the mean up.
  if (q.seek_samples <= 60) {
    sdist = std::min(sdist, q.seek_mean * 4 + 2 * 1024 * 1024);
  } else {
    sdist = std::min(sdist, q.seek_mean * 4 + 2 * 1024 * 64);
  }
  q.seek_samples = (7 * q.seek_samples + 256) / 8;
  q.seek_total = (7 * q.seek_total + 256 * sdist) / 8;
  q.seek_mean = (q.seek_total + q.seek_samples / 2) / q.seek_samples;
  // A shared queue that turns seeky is split after CFQQ_COOP_TOUT.
  if (q.coop) {
    if (q.seeky() && q.seeky_start == 0) {
      q.seeky_start = jiffies_;
    } else if (!q.seeky()) {
      q.seeky_start = 0;
    }
  }
}

void CfqElevator::UpdateIdleWindow(CfqQueue& q, const CfqContext& cic) {
  // Never for async or IDLE-class queues.
  if (!q.sync || q.class_idle()) return;
  bool enable = q.idle_window;
  if (cic.exited || slice_idle_ == 0 || (!low_latency_ && hw_tag_ && q.seeky())) {
    enable = false;
  } else if (SampleValid(cic.ttime_samples)) {
    int64_t threshold = slice_idle_;
    if (SampleValid(q.seek_samples) && q.seeky()) threshold = ticks().MsToTicks(2);  // CFQ_MIN_TT
    enable = cic.ttime_mean <= threshold;
  }
  q.idle_window = enable;
}

void CfqElevator::RqEnqueued(CfqQueue& q, Request& rq, CfqContext& cic) {
  ++rq_queued_;
  UpdateThinkTime(cic);
  UpdateSeekTime(q, rq);
  UpdateIdleWindow(q, cic);
  q.last_request_pos = rq.end();

  if (&q == active_) {
    // The queue we idle for has a request again. A request larger than a
    // page, or competition, ends the wait now; a small one with the disk to
    // ourselves may wait for the plug/timer so that it can grow by merging.
    // (2.6.32 leaves wait_request set here; it is cleared when the slice
    // ends or the timer is re-armed.)
    if (q.wait_request) {
      if (TimerPending()) ++n_idle_hits_;
      if (static_cast<uint64_t>(rq.nr_sectors()) * 512 > kPageBytes || busy_queues_ > 1) {
        DelTimer();
      }
      q.must_dispatch = true;
    }
  } else if (ShouldPreempt(q, rq)) {
    PreemptQueue(q);
  }
}

bool CfqElevator::ShouldPreempt(CfqQueue& new_q, const Request& rq) const {
  const CfqQueue* a = active_;
  if (a == nullptr) return false;
  if (SliceUsed(*a)) return true;
  if (new_q.class_idle()) return false;
  if (a->class_idle()) return true;
  // A sync request beats an async slice.
  if (RqSync(rq) && !a->sync) return true;
  // (Metadata rule not modelled: requests carry no REQ_META.)
  if (new_q.class_rt() && !a->class_rt()) return true;
  if (active_cic_ == nullptr || !a->wait_request) return false;
  // As good as what we would expect from the idling queue itself.
  return RqClose(*a, rq.start());
}

void CfqElevator::PreemptQueue(CfqQueue& q) {
  ++n_preemptions_;
  SliceExpired(true);
  assert(q.on_rr);
  // Front of the service tree, so it is selected next.
  ServiceTreeAdd(q, true);
  q.slice_end = 0;
  q.slice_new = true;
}

// ---------------------------------------------------------------------------
// Merging hooks.

Request* CfqElevator::ElvMerge(const Request& bio) {
  const CfqContext* cic = FindContext(bio.stream);
  if (cic == nullptr) return nullptr;
  CfqQueue* q = cic->cfqq[RqSync(bio)];
  if (q == nullptr) return nullptr;
  auto it = q->sort_list.find(bio.sector + bio.sectors);
  return it == q->sort_list.end() ? nullptr : &*it;
}

bool CfqElevator::ElvAllowMerge(const Request& unit, const Request& bio) const {
  // Never a sync bio into an async request.
  if (RqSync(bio) && !RqSync(unit)) return false;
  // Only into the queue this bio would be queued on. A context CFQ has not
  // seen yet (no cic) cannot merge.
  const CfqContext* cic = FindContext(bio.stream);
  if (cic == nullptr) return false;
  const CfqQueue* q = cic->cfqq[RqSync(bio)];
  return q != nullptr && q == QueueOf(unit);
}

void CfqElevator::ElvMerged(Request& unit, MergeType type) {
  if (type != MergeType::kFront) return;
  // The start moved: reposition in the sector tree (cfq_reposition_rq_rb).
  CfqQueue& q = *QueueOf(unit);
  jiffies_ = Jiffies(now());
  q.sort_list.erase(q.sort_list.iterator_to(unit));
  --q.queued[RqSync(unit)];
  AddRqRb(unit);
}

void CfqElevator::ElvMergeRequests(Request& unit, Request& next) {
  CfqQueue& q = *QueueOf(next);
  jiffies_ = Jiffies(now());
  // The survivor inherits the earlier FIFO deadline and position.
  if (next.fifo_time < unit.fifo_time) {
    q.fifo.erase(q.fifo.iterator_to(unit));
    q.fifo.insert(std::next(q.fifo.iterator_to(next)), unit);
    unit.fifo_time = next.fifo_time;
  }
  RemoveRequest(next);
  // put_request for the absorbed request.
  --q.allocated;
  MaybeFree(&q);
}

Request* CfqElevator::ElvFormer(Request& rq) {
  CfqQueue& q = *QueueOf(rq);
  auto it = q.sort_list.iterator_to(rq);
  return it == q.sort_list.begin() ? nullptr : &*std::prev(it);
}

Request* CfqElevator::ElvLatter(Request& rq) {
  CfqQueue& q = *QueueOf(rq);
  auto it = std::next(q.sort_list.iterator_to(rq));
  return it == q.sort_list.end() ? nullptr : &*it;
}

// ---------------------------------------------------------------------------
// Completion (§7.8), idling (§7.9).

void CfqElevator::UpdateHwTag() {
  const int in_driver = RqInDriver();
  if (in_driver > rq_in_driver_peak_) rq_in_driver_peak_ = in_driver;
  if (rq_queued_ <= kHwQueueMin && in_driver <= kHwQueueMin) return;
  if (hw_tag_samples_++ < 50) return;
  hw_tag_ = rq_in_driver_peak_ >= kHwQueueMin;
  hw_tag_samples_ = 0;
  rq_in_driver_peak_ = 0;
}

void CfqElevator::Complete(Request& unit, Time now) {
  set_now(now);
  jiffies_ = Jiffies(now);
  CfqQueue* q = QueueOf(unit);
  const bool sync = RqSync(unit);
  UpdateHwTag();
  assert(rq_in_driver_[sync] > 0 && q->dispatched > 0);
  --rq_in_driver_[sync];
  --q->dispatched;
  if (q->sync) --sync_flight_;
  if (sync) {
    if (CfqContext* cic = FindContext(unit.stream)) cic->last_end_request = jiffies_;
    last_end_sync_rq_ = jiffies_;
  }
  if (q == active_) {
    const bool empty = q->sort_list.empty();
    // The slice clock starts at the first completion of the slice.
    if (q->slice_new) {
      q->slice_end = jiffies_ + PrioToSlice(*q);
      q->slice_new = false;
    }
    if (SliceUsed(*q) || q->class_idle()) {
      SliceExpired(true);
    } else if (empty && CloseCooperator(*q) == nullptr && sync) {
      ArmSliceTimer();
    }
  }
  // put_request.
  --q->allocated;
  MaybeFree(q);
  // "Kick the queue when nothing is in the driver": the dispatcher runs
  // after every completion anyway.
}

void CfqElevator::ArmSliceTimer() {
  CfqQueue& q = *active_;
  // SSD with command queueing: no seek penalty to save.
  if (!env().rotational && hw_tag_) return;
  if (slice_idle_ == 0 || !q.idle_window) return;
  if (RqInDriver() > 0) return;
  const CfqContext* cic = active_cic_;
  if (cic == nullptr || cic->exited) return;
  // Don't idle past the slice if the context thinks longer than what is left.
  if (SampleValid(cic->ttime_samples) && q.slice_end - jiffies_ < cic->ttime_mean) return;
  q.wait_request = true;
  int64_t sl = slice_idle_;
  if (SampleValid(q.seek_samples) && q.seeky()) sl = std::min(sl, ticks().MsToTicks(2));
  timer_tick_ = jiffies_ + sl;
}

Time CfqElevator::TimerDeadline() const {
  return TimerPending() ? TimeOfTick(timer_tick_) : kTimeNever;
}

void CfqElevator::Timer(Time now) {
  set_now(now);
  jiffies_ = Jiffies(now);
  if (!TimerPending() || jiffies_ < timer_tick_) return;
  DelTimer();
  bool timed_out = true;
  CfqQueue* q = active_;
  if (q != nullptr) {
    // Kernel quirk: with an active queue the flag is cleared, so an idle
    // queue expired here is never credited its unused slice.
    timed_out = idle_timer_timed_out_ != 0;
    // We saw a request before the timer fired: let it through.
    if (q->must_dispatch) return;
    if (q->sort_list.empty()) ++n_idle_timeouts_;
    if (!SliceUsed(*q)) {
      // Only expire if other queues have work.
      if (busy_queues_ == 0) return;
      // Not expired and it has a request pending: let it dispatch.
      if (!q->sort_list.empty()) return;
    }
  }
  SliceExpired(timed_out);
}

// ---------------------------------------------------------------------------
// Introspection.

CfqQueueState CfqElevator::StateOf(const CfqQueue& q) const {
  CfqQueueState s;
  s.sync = q.sync;
  s.io_class = q.ioprio_class;
  s.ioprio = q.ioprio;
  s.active = &q == active_;
  s.on_rr = q.on_rr;
  s.rb_key = q.rb_key;
  s.slice_end = q.slice_end;
  s.slice_resid = q.slice_resid;
  s.slice_new = q.slice_new;
  s.idle_window = q.idle_window;
  s.wait_request = q.wait_request;
  s.coop = q.coop;
  s.dispatched = q.dispatched;
  s.queued = q.sort_list.size();
  s.seek_samples = q.seek_samples;
  s.seek_mean = q.seek_mean;
  return s;
}

std::optional<CfqQueueState> CfqElevator::SyncQueueState(uint32_t stream) const {
  const CfqContext* cic = FindContext(stream);
  if (cic == nullptr || cic->cfqq[kSync] == nullptr) return std::nullopt;
  return StateOf(*cic->cfqq[kSync]);
}

std::optional<CfqQueueState> CfqElevator::AsyncQueueState(IoPrio prio) const {
  const CfqQueue* q = FindAsyncQueue(prio);
  if (q == nullptr) return std::nullopt;
  return StateOf(*q);
}

std::optional<CfqQueueState> CfqElevator::ActiveQueueState() const {
  if (active_ == nullptr) return std::nullopt;
  return StateOf(*active_);
}

std::optional<CfqContextState> CfqElevator::ContextState(uint32_t stream) const {
  const CfqContext* cic = FindContext(stream);
  if (cic == nullptr) return std::nullopt;
  return CfqContextState{cic->ttime_samples, cic->ttime_mean, cic->last_end_request, cic->exited};
}

bool CfqElevator::SharesSyncQueue(uint32_t a, uint32_t b) const {
  const CfqContext* ca = FindContext(a);
  const CfqContext* cb = FindContext(b);
  return ca != nullptr && cb != nullptr && ca->cfqq[kSync] != nullptr &&
         ca->cfqq[kSync] == cb->cfqq[kSync];
}

std::unique_ptr<Elevator> NewCfqElevator(const ElevatorEnv& env) {
  return std::make_unique<CfqElevator>(env);
}

}  // namespace iosched
