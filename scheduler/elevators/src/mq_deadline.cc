// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// mq-deadline, the blk-mq deadline scheduler as of Linux 6.12
// (block/mq-deadline.c; docs/elevators-mq.md §2).
//
// The 2.6 deadline elevator three times over, once per I/O priority level
// (RT, BE, IDLE; a request without a class counts as BE). Within a level, per
// direction (reads; writes and discards): a sector-sorted tree that may hold
// several requests with the same start, and an arrival FIFO whose entries
// carry their deadline (fifo_time = insert tick + expire). A level also has a
// `dispatch` list for at-head inserts (requeues), served first.
//
// Dispatch hands out one request per call:
//   1. Aging: when two or more levels have requests queued or in flight, a
//      BE, then IDLE, request inserted at least prio_aging_expire ago goes
//      first.
//   2. Otherwise the levels are tried RT, BE, IDLE; the first with a request
//      to give gives it, and a level that has requests queued or in flight
//      but gives none (in-flight I/O, or its choice is too young for the
//      aging probe) stops the search: lower levels wait. The core re-polls
//      3 ms later (Dispatcher::kMqRepollDelay).
//   Inside a level the batch continues at the first request at or after the
//   start of the last one dispatched in the batch direction, for up to
//   fifo_batch requests; a new batch picks the direction (reads unless
//   writes have waited writes_starved read batches) and starts at the FIFO
//   head if its deadline has come (inclusive) or the sweep has nothing
//   above, else continues the sweep.
//
// Kernel quirks kept on purpose (the spec's [q]): last_dir, batching and
// starved are shared by all levels; last_dir starts as WRITE, so the very
// first dispatch continues a "write batch" if writes exist; a selection
// refused by the aging probe keeps its side effects (starved bumped,
// last_dir flipped, batch ended); past the top of the sweep the batch
// restarts at the oldest request, not the lowest sector.
//
// Merging goes through the ElvCore lookup order (last_merge, back-merge hash,
// then this elevator's front lookup in the bio's level and direction); a
// bio merges only with a request of the same I/O priority. When a request is
// coalesced away, the survivor takes over its FIFO slot and deadline if
// those are earlier, and the absorbed one counts as completed for its level.
//
// Tunables (sysfs queue/iosched/, clamped):
//   read_expire        500 ms     [0, INT_MAX]  read deadline
//   write_expire      5000 ms     [0, INT_MAX]  write/discard deadline
//   writes_starved       2        [INT_MIN, INT_MAX] read batches while writes wait
//   front_merges         1 bool   front-merge lookup in the sort tree
//   fifo_batch          16        [0, INT_MAX]  requests per batch
//   async_depth  nr_requests      [1, INT_MAX]  scheduler tags usable by all
//                                 but sync reads (per word: ceil(v*2^shift/nr))
//   prio_aging_expire 10000 ms    [0, INT_MAX]  age letting BE/IDLE through
//
// Counters: dispatched_{rt,be,idle}, aged_dispatches, batches.
//
// Nothing allocates per request in steady state (intrusive lists, the
// SortedIndex recycles its nodes).

#include <boost/intrusive/list.hpp>
#include <limits>

#include "builtin_elevators.h"
#include "elv_core.h"
#include "iosched/tag_pool.h"
#include "sorted_index.h"

namespace iosched {
namespace {

namespace bi = boost::intrusive;

constexpr int kRead = 0;
constexpr int kWrite = 1;
constexpr int kRt = 0;
constexpr int kBe = 1;
constexpr int kIdle = 2;
constexpr int kLevels = 3;

// Request::elv_flags bit (core bits are < 8): counted in `inserted`.
constexpr uint32_t kCounted = 1u << 8;

using SortTree = SortedIndex<Request>;
// FIFOs and the at-head dispatch lists share fifo_hook: a request is on one.
using List = bi::list<Request, bi::member_hook<Request, ListHook, &Request::fifo_hook>,
                      bi::constant_time_size<false>>;

class MqDeadlineElevator final : public ElvCore {
 public:
  explicit MqDeadlineElevator(const ElevatorEnv& env);
  ~MqDeadlineElevator() override {
    for (auto& p : prio_) {
      p.dispatch.clear();
      for (int d : {kRead, kWrite}) p.fifo[d].clear();
    }
  }

  std::string_view Name() const override { return "mq-deadline"; }
  bool MultiQueue() const override { return true; }

  uint32_t AdmitDepth(const Request& rq) const override {
    // dd_limit_depth: reads (always sync in the kernel) are never limited.
    if (rq.op == Op::kRead && !rq.discard) return TagPool::kNoLimit;
    const uint64_t nr = NrRequests(env());
    const uint64_t bpw = 1ull << TagPool::ShiftFor(static_cast<uint32_t>(nr));
    return static_cast<uint32_t>((static_cast<uint64_t>(async_depth_) * bpw + nr - 1) / nr);
  }

  void Complete(Request& unit, Time /*now*/) override {
    // dd_finish_request.
    if (unit.elv_flags & kCounted) ++prio_[Level(unit)].completed;
  }

  std::vector<std::pair<std::string, int64_t>> Counters() const override {
    return {{"dispatched_rt", prio_[kRt].dispatched},
            {"dispatched_be", prio_[kBe].dispatched},
            {"dispatched_idle", prio_[kIdle].dispatched},
            {"aged_dispatches", aged_},
            {"batches", batches_}};
  }

 protected:
  bool ElvAllowMerge(const Request& unit, const Request& bio) const override {
    return unit.prio.io_class == bio.prio.io_class && unit.prio.level == bio.prio.level &&
           unit.discard == bio.discard;
  }
  Request* ElvMerge(const Request& bio) override;
  void ElvMerged(Request& rq, MergeType type) override;
  void ElvMergeRequests(Request& rq, Request& next) override;
  void ElvAbsorbed(Request& gone, Time /*now*/) override {
    if (gone.elv_flags & kCounted) ++prio_[Level(gone)].completed;
    gone.elv_flags &= ~kCounted;
  }
  void ElvAddRequest(Request& rq, Time now) override;
  bool ElvRequeueAtHead(Request& unit, Time now) override;
  int ElvDispatch(Time now, bool force) override;
  Request* ElvFormer(Request& rq) override {
    return prio_[Level(rq)].sort[Dir(rq)].Prev(rq.mq_sort_pos, &rq);
  }
  Request* ElvLatter(Request& rq) override {
    return prio_[Level(rq)].sort[Dir(rq)].Next(rq.mq_sort_pos, &rq);
  }

 private:
  struct PerPrio {
    List dispatch;  // at-head inserts
    SortTree sort[2];
    List fifo[2];
    uint64_t latest_pos[2] = {0, 0};
    // deadline_from_pos(latest_pos[dir]) remembered between dispatches
    // (kept exact on insert and erase; recomputed when invalid).
    Request* from_pos[2] = {nullptr, nullptr};
    uint64_t from_key[2] = {0, 0};  // from_pos[dir]->mq_sort_pos, without the load
    bool from_pos_valid[2] = {false, false};
    int64_t inserted = 0;
    int64_t completed = 0;
    int64_t dispatched = 0;
  };

  // ioprio_class_to_prio: NONE and BE are BE.
  static int Level(const Request& rq) {
    switch (rq.prio.io_class) {
      case IoClass::kRealTime:
        return kRt;
      case IoClass::kIdle:
        return kIdle;
      default:
        return kBe;
    }
  }
  static int Dir(const Request& rq) { return rq.op == Op::kWrite || rq.discard ? kWrite : kRead; }
  // Starts loading the cache lines of `rq`.
  static void Prefetch(const Request& rq) {
    const char* c = reinterpret_cast<const char*>(&rq);
    for (size_t off = 0; off < sizeof(Request); off += 64) __builtin_prefetch(c + off);
    __builtin_prefetch(c + sizeof(Request) - 1);
  }
  int64_t Queued(int l) const { return prio_[l].inserted - prio_[l].completed; }

  // started_after: inserted after `limit` (ticks)?
  bool StartedAfter(const Request& rq, int64_t limit) const {
    return rq.fifo_time - expire_[Dir(rq)] > limit;
  }
  // deadline_from_pos: first request at or after the level's latest_pos.
  Request* NextRequest(PerPrio& p, int dir) {
    if (!p.from_pos_valid[dir]) {
      p.from_pos[dir] = p.sort[dir].Seek(p.latest_pos[dir], &p.from_key[dir]);
      p.from_pos_valid[dir] = true;
    }
    return p.from_pos[dir];
  }
  void TreeInsert(PerPrio& p, Request& rq) {
    const int dir = Dir(rq);
    const uint64_t k = rq.mq_sort_pos;
    p.sort[dir].Insert(k, &rq);
    // A new entry becomes the first at or after latest_pos only if it sorts
    // before the old one (equal keys go after).
    if (p.from_pos_valid[dir] && k >= p.latest_pos[dir] &&
        (p.from_pos[dir] == nullptr || k < p.from_key[dir])) {
      p.from_pos[dir] = &rq;
      p.from_key[dir] = k;
    }
  }
  // Returns true if `rq` was the first request at or after latest_pos.
  bool TreeErase(PerPrio& p, Request& rq) {
    const int dir = Dir(rq);
    Request* next = nullptr;
    uint64_t next_key = 0;
    p.sort[dir].Erase(rq.mq_sort_pos, &rq, &next, &next_key);
    if (p.from_pos[dir] != &rq) return false;
    p.from_pos[dir] = next;  // the tree successor is the next one
    p.from_key[dir] = next_key;
    return p.from_pos_valid[dir];
  }
  bool RemoveRequest(PerPrio& p, Request& rq) {
    const int dir = Dir(rq);
    p.fifo[dir].erase(p.fifo[dir].iterator_to(rq));
    return TreeErase(p, rq);
  }
  // __dd_dispatch_request: one request of level `l` inserted no later than
  // `limit`, or nullptr.
  Request* Select(int l, int64_t limit, int64_t now);

  PerPrio prio_[kLevels];
  int last_dir_ = kWrite;  // [q] the first dispatch may continue a "write batch"
  int64_t batching_ = 0;
  int64_t starved_ = 0;

  int64_t expire_[2];
  int64_t writes_starved_ = 2;
  int64_t front_merges_ = 1;
  int64_t fifo_batch_ = 16;
  int64_t async_depth_;
  int64_t prio_aging_expire_;

  int64_t aged_ = 0;
  int64_t batches_ = 0;
};

MqDeadlineElevator::MqDeadlineElevator(const ElevatorEnv& env) : ElvCore(env) {
  const int64_t hz = ticks().hz();
  expire_[kRead] = hz / 2;
  expire_[kWrite] = 5 * hz;
  prio_aging_expire_ = 10 * hz;
  async_depth_ = NrRequests(env);
  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
  constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
  using K = TunableSet::Kind;
  constexpr auto kClamp = TunableSet::OutOfRange::kClamp;
  tunables().Add("read_expire", K::kMillis, &expire_[kRead], 0, kIntMax, kClamp, "ms",
                 "read deadline after insertion (500)");
  tunables().Add("write_expire", K::kMillis, &expire_[kWrite], 0, kIntMax, kClamp, "ms",
                 "write and discard deadline after insertion (5000)");
  tunables().Add("writes_starved", K::kInt, &writes_starved_, kIntMin, kIntMax, kClamp, "batches",
                 "read batches that may start while writes wait (2)");
  tunables().Add("front_merges", K::kBool, &front_merges_, 0, 1, kClamp, "bool",
                 "look up front merges in the sort tree (1)");
  tunables().Add("fifo_batch", K::kInt, &fifo_batch_, 0, kIntMax, kClamp, "requests",
                 "requests per batch (16)");
  tunables().Add("async_depth", K::kInt, &async_depth_, 1, kIntMax, kClamp, "requests",
                 "scheduler tags usable by writes and async reads (nr_requests)");
  tunables().Add("prio_aging_expire", K::kMillis, &prio_aging_expire_, 0, kIntMax, kClamp, "ms",
                 "age after which a BE/IDLE request passes higher classes (10000)");
}

Request* MqDeadlineElevator::ElvMerge(const Request& bio) {
  // dd_request_merge: a request of the bio's level and direction starting
  // where the bio ends.
  if (!front_merges_) return nullptr;
  SortTree& tree = prio_[Level(bio)].sort[Dir(bio)];
  const uint64_t end = bio.sector + bio.sectors;
  // Look the bio's start up, not its end: the index remembers where that
  // lookup ended, and when no merge happens (the common case) ElvAddRequest
  // inserts the bio's start there without a second walk. The first entry at
  // or after the start is the first at `end` unless something starts inside
  // [start, end) (rare: then look `end` up on its own).
  uint64_t key = 0;
  Request* rq = tree.Seek(bio.sector, &key);
  if (rq == nullptr || key > end) return nullptr;
  if (key == end) return rq;
  rq = tree.Seek(end, &key);
  return rq != nullptr && key == end ? rq : nullptr;
}

void MqDeadlineElevator::ElvMerged(Request& rq, MergeType type) {
  // dd_request_merged: a front merge moved the start; re-sort.
  if (type != MergeType::kFront) return;
  PerPrio& p = prio_[Level(rq)];
  TreeErase(p, rq);
  rq.mq_sort_pos = rq.start();
  TreeInsert(p, rq);
}

void MqDeadlineElevator::ElvMergeRequests(Request& rq, Request& next) {
  // dd_merged_requests: `rq` inherits an earlier deadline and its FIFO slot.
  PerPrio& p = prio_[Level(next)];
  if (next.fifo_time < rq.fifo_time) {
    List& fifo = prio_[Level(rq)].fifo[Dir(rq)];
    fifo.erase(fifo.iterator_to(rq));
    fifo.insert(fifo.iterator_to(next), rq);
    rq.fifo_time = next.fifo_time;
  }
  RemoveRequest(p, next);
}

void MqDeadlineElevator::ElvAddRequest(Request& rq, Time now) {
  // dd_insert_request (not at head). ElvCore cleared elv_flags but kSorted.
  PerPrio& p = prio_[Level(rq)];
  const int dir = Dir(rq);
  ++p.inserted;
  rq.elv_flags |= kCounted;
  rq.mq_sort_pos = rq.start();
  TreeInsert(p, rq);
  rq.fifo_time = Jiffies(now) + expire_[dir];
  p.fifo[dir].push_back(rq);
}

bool MqDeadlineElevator::ElvRequeueAtHead(Request& unit, Time now) {
  // Requeue = insert at head: front of the level's dispatch list, stamped
  // with the insert time (only the aging probe reads it). Already counted.
  PerPrio& p = prio_[Level(unit)];
  if (!(unit.elv_flags & kCounted)) {
    ++p.inserted;
    unit.elv_flags |= kCounted;
  }
  unit.fifo_time = Jiffies(now);
  p.dispatch.push_front(unit);
  return true;
}

Request* MqDeadlineElevator::Select(int l, int64_t limit, int64_t now) {
  PerPrio& p = prio_[l];
  Request* rq = nullptr;
  int dir;
  bool was_from_pos = false;
  if (!p.dispatch.empty()) {
    rq = &p.dispatch.front();
    if (StartedAfter(*rq, limit)) return nullptr;
    p.dispatch.pop_front();
    dir = Dir(*rq);
  } else {
    rq = NextRequest(p, last_dir_);
    if (rq != nullptr && batching_ < fifo_batch_) {
      dir = last_dir_;
    } else {
      // Not in a batch: choose the direction.
      if (!p.fifo[kRead].empty()) {
        dir = (!p.fifo[kWrite].empty() && starved_++ >= writes_starved_) ? kWrite : kRead;
      } else if (!p.fifo[kWrite].empty()) {
        dir = kWrite;
      } else {
        return nullptr;
      }
      if (dir == kWrite) starved_ = 0;
      Request* next = NextRequest(p, dir);
      Request& head = p.fifo[dir].front();
      rq = (head.fifo_time <= now || next == nullptr) ? &head : next;
      last_dir_ = dir;
      batching_ = 0;
      ++batches_;
    }
    // [q] refused here keeps the direction choice and the batch reset.
    if (StartedAfter(*rq, limit)) return nullptr;
    ++batching_;
    was_from_pos = RemoveRequest(p, *rq);
  }
  const int rl = Level(*rq);
  prio_[rl].latest_pos[dir] = rq->start();
  // The successor of the first request at or after the old position is the
  // first at or after the new one (its start); anything else: look it up.
  prio_[rl].from_pos_valid[dir] = was_from_pos;
  ++prio_[rl].dispatched;
  // The next dispatch most likely continues the sweep there: start loading
  // that request while the caller works (a hint; no effect on behaviour).
  if (const Request* next = prio_[rl].from_pos[dir]; was_from_pos && next != nullptr) {
    Prefetch(*next);
  }
  return rq;
}

int MqDeadlineElevator::ElvDispatch(Time now, bool /*force*/) {
  // The core hands the request over at once: one per call, no draining.
  const int64_t j = Jiffies(now);
  Request* rq = nullptr;
  // dd_dispatch_prio_aged_requests.
  const int busy = (Queued(kRt) > 0) + (Queued(kBe) > 0) + (Queued(kIdle) > 0);
  if (busy >= 2) {
    for (int l : {kBe, kIdle}) {
      rq = Select(l, j - prio_aging_expire_, j);
      if (rq != nullptr) {
        ++aged_;
        break;
      }
    }
  }
  for (int l = kRt; rq == nullptr && l < kLevels; ++l) {
    rq = Select(l, j, j);
    if (rq == nullptr && Queued(l) > 0) break;  // [q] lower levels wait
  }
  if (rq == nullptr) return 0;
  DispatchAddTail(*rq);
  return 1;
}

}  // namespace

std::unique_ptr<Elevator> NewMqDeadlineElevator(const ElevatorEnv& env) {
  return std::make_unique<MqDeadlineElevator>(env);
}

}  // namespace iosched
