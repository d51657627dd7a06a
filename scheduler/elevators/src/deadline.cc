// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Deadline i/o scheduler (2.6.32 block/deadline-iosched.c; docs/elevators.md#deadline).
//
// Every request sits on two lists of its data direction (a sync write is a
// WRITE here): a sector-sorted tree (sort_list) and an arrival-ordered fifo
// whose entries carry their expiry tick (fifo_time = arrival + fifo_expire).
// The sort tree holds at most one request per start sector; inserting a
// request whose start equals a queued one's moves the old one ("alias") to
// the dispatch list first.
//
// Requests are dispatched in batches of one direction. A batch walks the
// sort tree upwards from where it started, following the next_rq cache,
// until fifo_batch requests have gone or it runs off the top of the tree.
// Only when a batch ends do we look at the clock: the direction is chosen
// (reads are preferred, but not more than writes_starved times in a row while
// writes wait) and the batch restarts at the oldest request of that
// direction if it has expired or if there is no cached successor, otherwise
// at the cached successor. Expiry is strict: a request expires once
// now > fifo_time. New arrivals never become next_rq by insertion, only as
// the tree successor of a request just dispatched.
//
// When two queued requests are coalesced, the survivor inherits the earlier
// fifo_time and that fifo position. Front merges are looked up in the sort
// tree when front_merges is set (otherwise they happen only through the
// core's last_merge cache).
//
// The option legacy_2_6_20 selects the 2.6.20 batch rules (§5.4): a batch
// also ends at the first non-sequential candidate, an unexpired restart
// continues from next_rq without starting a new batch, and with no next_rq
// the sweep wraps to the lowest sector (C-SCAN) instead of the fifo head.
//
// Tunables (sysfs queue/iosched/, out-of-range values clamped as sysfs does):
//   read_expire     500 ms (HZ/2)  [0, INT_MAX]  fifo expiry of reads
//   write_expire   5000 ms (5*HZ)  [0, INT_MAX]  fifo expiry of writes
//   fifo_batch       16 requests   [0, INT_MAX]  requests per batch
//   writes_starved    2 choices    [INT_MIN, INT_MAX]  read batches chosen
//                                                in a row while writes wait
//   front_merges      1 bool       [0, 1]        look up front merges
//   legacy_2_6_20     0 bool       [0, 1]        2.6.20 batch rules (option)
//
// Counters: expired_served (units moved to the dispatch list whose fifo_time
// had passed at that moment; a unit counts once however many requests were
// merged into it), batches (batch starts), alias_dispatches.
//
// The sort lists are SortedIndex B+ trees of (start sector, Request*) rather
// than intrusive rb-trees: the same order (unique starts, so ties never
// arise), but a lookup reads a few small cached nodes instead of a dozen
// requests scattered over memory. A request remembers the start it is indexed
// under in Request::index_sector (a front merge moves start() before the core asks for
// the request's neighbours and re-sorts it).
//
// Nothing here allocates per request in steady state: requests are linked
// through their intrusive fifo_hook, and the index recycles its nodes.

#include <boost/intrusive/list.hpp>
#include <limits>

#include "builtin_elevators.h"
#include "elv_core.h"
#include "sorted_index.h"

namespace iosched {
namespace {

namespace bi = boost::intrusive;

constexpr int kRead = 0;
constexpr int kWrite = 1;

// Unique keys: the 2.6 rbtree refuses a second request with the same start
// (AddRqRb moves the alias out before inserting).
using SortTree = SortedIndex<Request>;
using FifoList = bi::list<Request, bi::member_hook<Request, ListHook, &Request::fifo_hook>,
                          bi::constant_time_size<false>>;

class DeadlineElevator final : public ElvCore {
 public:
  explicit DeadlineElevator(const ElevatorEnv& env);
  ~DeadlineElevator() override {
    for (int d : {kRead, kWrite}) fifo_list_[d].clear();
  }

  std::string_view Name() const override { return "deadline"; }

  std::vector<std::pair<std::string, int64_t>> Counters() const override {
    return {{"expired_served", expired_served_},
            {"batches", batches_},
            {"alias_dispatches", alias_dispatches_}};
  }

 protected:
  Request* ElvMerge(const Request& bio) override;
  void ElvMerged(Request& rq, MergeType type) override;
  void ElvMergeRequests(Request& rq, Request& next) override;
  void ElvAddRequest(Request& rq, Time now) override;
  int ElvDispatch(Time now, bool force) override;
  Request* ElvFormer(Request& rq) override;
  Request* ElvLatter(Request& rq) override;

 private:
  static int DataDir(const Request& rq) { return rq.op == Op::kWrite ? kWrite : kRead; }
  // The start sector `rq` is indexed under in its sort list.
  static uint64_t SortKey(const Request& rq) { return rq.index_sector; }
  // The tick of the event being handled (the core records its time).
  int64_t jiffies() const { return Jiffies(now()); }

  // Starts loading the cache lines of `rq` (a hint; no effect on behaviour).
  static void Prefetch(const Request& rq);
  // Tree successor of `rq` in its direction's sort tree (deadline_latter_request).
  Request* Latter(Request& rq);
  // deadline_add_rq_rb: insert into the sort tree, first moving any alias
  // (same start sector) to the dispatch list.
  void AddRqRb(Request& rq);
  // deadline_del_rq_rb: unlink from the tree, advancing next_rq past `rq`.
  void DelRqRb(Request& rq);
  // deadline_remove_request: off the fifo and the tree.
  void RemoveRequest(Request& rq);
  // deadline_move_request: reset next_rq to rq's successor, remember the
  // head position, and put `rq` on the dispatch list.
  void MoveRequest(Request& rq);
  // deadline_check_fifo: has the oldest request of `dir` expired?
  bool CheckFifo(int dir) const { return jiffies() > fifo_list_[dir].front().fifo_time; }
  // Picks the request that starts a batch of `dir` (step 5).
  Request* FindRequest(int dir);
  Request* FindRequestLegacy(int dir);

  SortTree sort_list_[2];
  // ElvMerge looked up commit_key_ in sort_list_[commit_dir_] and found no
  // alias; nothing changed since (cleared whenever either list changes). The
  // index remembers where that lookup ended, so AddRqRb inserts there.
  uint64_t commit_key_ = 0;
  int commit_dir_ = 0;
  bool commit_valid_ = false;
  FifoList fifo_list_[2];
  Request* next_rq_[2] = {nullptr, nullptr};
  int64_t batching_ = 0;  // requests dispatched in the current batch
  int64_t starved_ = 0;   // times reads were chosen while writes waited
  uint64_t last_sector_ = 0;

  // Tunables. fifo_expire_ is in ticks (sysfs shows ms).
  int64_t fifo_expire_[2];
  int64_t fifo_batch_ = 16;
  int64_t writes_starved_ = 2;
  int64_t front_merges_ = 1;
  int64_t legacy_2_6_20_ = 0;

  int64_t expired_served_ = 0;
  int64_t batches_ = 0;
  int64_t alias_dispatches_ = 0;
};

DeadlineElevator::DeadlineElevator(const ElevatorEnv& env) : ElvCore(env) {
  const int64_t hz = ticks().hz();
  fifo_expire_[kRead] = hz / 2;   // read_expire: HZ/2
  fifo_expire_[kWrite] = 5 * hz;  // write_expire: 5*HZ
  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
  constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
  using K = TunableSet::Kind;
  constexpr auto kClamp = TunableSet::OutOfRange::kClamp;
  tunables().Add("read_expire", K::kMillis, &fifo_expire_[kRead], 0, kIntMax, kClamp, "ms",
                 "fifo expiry of reads (kernel default HZ/2 = 500 ms)");
  tunables().Add("write_expire", K::kMillis, &fifo_expire_[kWrite], 0, kIntMax, kClamp, "ms",
                 "fifo expiry of writes (kernel default 5*HZ = 5000 ms)");
  tunables().Add("writes_starved", K::kInt, &writes_starved_, kIntMin, kIntMax, kClamp, "choices",
                 "read batches that may be chosen in a row while writes wait (2)");
  tunables().Add("front_merges", K::kBool, &front_merges_, 0, 1, kClamp, "bool",
                 "look up front merges in the sort tree (1)");
  tunables().Add("fifo_batch", K::kInt, &fifo_batch_, 0, kIntMax, kClamp, "requests",
                 "requests dispatched per batch (16)");
  tunables().Add("legacy_2_6_20", K::kBool, &legacy_2_6_20_, 0, 1, kClamp, "bool",
                 "2.6.20 batch rules: end batches on seeks, wrap to the lowest sector (0)");
}

void DeadlineElevator::Prefetch(const Request& rq) {
  const char* p = reinterpret_cast<const char*>(&rq);
  for (size_t off = 0; off < sizeof(Request); off += 64) __builtin_prefetch(p + off);
  __builtin_prefetch(p + sizeof(Request) - 1);
}

Request* DeadlineElevator::Latter(Request& rq) {
  return sort_list_[DataDir(rq)].Next(SortKey(rq), &rq);
}

Request* DeadlineElevator::ElvLatter(Request& rq) { return Latter(rq); }

Request* DeadlineElevator::ElvFormer(Request& rq) {
  return sort_list_[DataDir(rq)].Prev(SortKey(rq), &rq);
}

void DeadlineElevator::AddRqRb(Request& rq) {
  const int dir = DataDir(rq);
  SortTree& tree = sort_list_[dir];
  const uint64_t start = rq.start();
  // Unless ElvMerge just looked this start sector up and found no alias:
  // an alias goes straight to the dispatch list, through the normal move
  // (next_rq and last_sector reset, batching kept), and we look again.
  if (!(commit_valid_ && commit_dir_ == dir && commit_key_ == start)) {
    uint64_t key = 0;
    for (Request* alias = tree.Seek(start, &key); alias != nullptr && key == start;
         alias = tree.Seek(start, &key)) {
      ++alias_dispatches_;
      MoveRequest(*alias);
    }
  }
  commit_valid_ = false;
  rq.index_sector = start;
  tree.Insert(start, &rq);  // right after the Seek: no second walk
}

void DeadlineElevator::DelRqRb(Request& rq) {
  const int dir = DataDir(rq);
  commit_valid_ = false;
  Request* next = nullptr;
  sort_list_[dir].Erase(SortKey(rq), &rq, &next);
  if (next_rq_[dir] == &rq) next_rq_[dir] = next;
}

void DeadlineElevator::RemoveRequest(Request& rq) {
  fifo_list_[DataDir(rq)].erase(fifo_list_[DataDir(rq)].iterator_to(rq));
  DelRqRb(rq);
}

void DeadlineElevator::MoveRequest(Request& rq) {
  const int dir = DataDir(rq);
  next_rq_[kRead] = nullptr;
  next_rq_[kWrite] = nullptr;
  // DelRqRb advances it to rq's successor, found by the same walk as rq.
  next_rq_[dir] = &rq;
  last_sector_ = rq.end();
  if (jiffies() > rq.fifo_time) ++expired_served_;
  RemoveRequest(rq);
  DispatchAddTail(rq);
  // The next dispatch most likely moves next_rq (or, when the batch ends,
  // the oldest request): start loading them while the caller does other
  // work. Moving touches most of a request, and its fifo neighbours.
  if (const Request* next = next_rq_[dir]; next != nullptr) Prefetch(*next);
}

void DeadlineElevator::ElvAddRequest(Request& rq, Time now) {
  const int dir = DataDir(rq);
  AddRqRb(rq);
  rq.fifo_time = Jiffies(now) + fifo_expire_[dir];
  fifo_list_[dir].push_back(rq);
}

Request* DeadlineElevator::ElvMerge(const Request& bio) {
  if (!front_merges_) return nullptr;
  const int dir = DataDir(bio);
  SortTree& tree = sort_list_[dir];
  const uint64_t start = bio.sector;
  const uint64_t end = bio.sector + bio.sectors;
  // One lookup of `start` gives both the first request at or above it and
  // where a request starting there would be inserted. The front-merge
  // candidate (the first request at or above `end`, if it starts at `end`)
  // is that one unless a queued request starts in [start, end).
  uint64_t first_start = 0;
  Request* const first = tree.Seek(start, &first_start);
  // An alias (same start) is moved out by AddRqRb's own lookup.
  commit_valid_ = first == nullptr || first_start != start;
  commit_key_ = start;
  commit_dir_ = dir;
  if (first == nullptr || first_start > end) return nullptr;
  if (first_start == end) return first;
  // Rare: something starts inside [start, end); look `end` up on its own.
  commit_valid_ = false;
  uint64_t at_end = 0;
  Request* const f = tree.Seek(end, &at_end);
  return f != nullptr && at_end == end ? f : nullptr;
}

void DeadlineElevator::ElvMerged(Request& rq, MergeType type) {
  if (type != MergeType::kFront) return;
  // The start sector moved: re-sort (which may meet an alias).
  commit_valid_ = false;
  sort_list_[DataDir(rq)].Erase(SortKey(rq), &rq);
  AddRqRb(rq);
}

void DeadlineElevator::ElvMergeRequests(Request& rq, Request& next) {
  // `next` is going away: if it expires earlier, `rq` takes over its fifo
  // position and expiry. Both are queued in the same direction's fifo.
  if (next.fifo_time < rq.fifo_time) {
    FifoList& fifo = fifo_list_[DataDir(rq)];
    fifo.erase(fifo.iterator_to(rq));
    fifo.insert(fifo.iterator_to(next), rq);
    rq.fifo_time = next.fifo_time;
  }
  RemoveRequest(next);
}

Request* DeadlineElevator::FindRequest(int dir) {
  // 2.6.32: restart at the oldest request if it has expired or if the
  // sweep has nowhere to continue; either way a new batch begins.
  Request* rq = nullptr;
  if (CheckFifo(dir) || next_rq_[dir] == nullptr) {
    rq = &fifo_list_[dir].front();
  } else {
    rq = next_rq_[dir];
  }
  batching_ = 0;
  ++batches_;
  return rq;
}

Request* DeadlineElevator::FindRequestLegacy(int dir) {
  // 2.6.20: an expired fifo head starts a new batch; otherwise keep going
  // from next_rq without resetting the batch count; with no next_rq, wrap
  // to the lowest sector (one-way elevator) and start a new batch.
  if (CheckFifo(dir)) {
    batching_ = 0;
    ++batches_;
    return &fifo_list_[dir].front();
  }
  if (next_rq_[dir] != nullptr) return next_rq_[dir];
  batching_ = 0;
  ++batches_;
  return sort_list_[dir].Front();
}

int DeadlineElevator::ElvDispatch(Time /*now*/, bool /*force*/) {
  // `force` changes nothing: each call moves one request, and a drain keeps
  // calling until the elevator is empty.
  const bool reads = !fifo_list_[kRead].empty();
  const bool writes = !fifo_list_[kWrite].empty();

  // Batches are reads XOR writes: at most one next_rq is set.
  Request* rq = next_rq_[kWrite] != nullptr ? next_rq_[kWrite] : next_rq_[kRead];
  bool continue_batch = false;
  if (rq != nullptr) {
    if (legacy_2_6_20_ && last_sector_ != rq->start()) {
      batching_ += fifo_batch_;  // 2.6.20: a seek ends the batch
    }
    continue_batch = batching_ < fifo_batch_;
  }

  if (!continue_batch) {
    int dir;
    if (reads) {
      // starved moves only while writes wait: compare, then increment.
      if (writes && starved_++ >= writes_starved_) {
        dir = kWrite;
        starved_ = 0;
      } else {
        dir = kRead;
      }
    } else if (writes) {
      dir = kWrite;
      starved_ = 0;
    } else {
      return 0;
    }
    rq = legacy_2_6_20_ ? FindRequestLegacy(dir) : FindRequest(dir);
  }

  ++batching_;
  MoveRequest(*rq);
  return 1;
}

}  // namespace

std::unique_ptr<Elevator> NewDeadlineElevator(const ElevatorEnv& env) {
  return std::make_unique<DeadlineElevator>(env);
}

}  // namespace iosched
