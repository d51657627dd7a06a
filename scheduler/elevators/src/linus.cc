// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The 2.4 "Linus elevator" (elevator_linus_merge, 2.4.22 … 2.4.37;
// docs/elevators.md#linus), on the 2.4 block core (§2.7 there).
//
// One list holds reads and writes together; the device always takes its
// head. The elevator only decides where a new request is inserted and
// whether it merges. Each request carries `passovers` (the 2.4
// elevator_sequence, "passovers remaining"), set to read_latency or
// write_latency when it is created and decremented each time a request is
// inserted or merged ahead of it. A request whose passovers has reached 0 is
// a barrier: nothing is inserted before it and it can no longer be a
// front-merge target (it can still grow at its back).
//
// The 2.4 core treats the head as active while the driver works on it; here a
// unit leaves the list when the device takes it, which is the same thing.
//
// Tunables (BLKELVGET/BLKELVSET names; negative values rejected, as EINVAL):
//   read_latency       128 passovers
//   write_latency      512 passovers
//   max_bomb_segments  0, accepted and ignored (2.4.22 reports 0)

#include <boost/intrusive/list.hpp>
#include <limits>

#include "builtin_elevators.h"

namespace iosched {
namespace {

// ELV_LINUS_SEEK_COST in 2.4.22+: an insertion costs the requests behind it
// one passover, the same as a merge.
constexpr int64_t kSeekCost = 1;

class LinusElevator final : public Elevator {
 public:
  explicit LinusElevator(const ElevatorEnv& env) : Elevator(env) {
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
    using K = TunableSet::Kind;
    using R = TunableSet::OutOfRange;
    tunables().Add("read_latency", K::kInt, &read_latency_, 0, kMax, R::kReject, "passovers",
                   "times a read may be passed before it becomes a barrier");
    tunables().Add("write_latency", K::kInt, &write_latency_, 0, kMax, R::kReject, "passovers",
                   "times a write may be passed before it becomes a barrier");
    tunables().Add("max_bomb_segments", K::kInt, &max_bomb_segments_, 0, kMax, R::kReject,
                   "segments", "2.4.18 read promotion; ignored since 2.4.22 (kept for elvtune)");
  }
  ~LinusElevator() override { queue_.clear(); }

  std::string_view Name() const override { return "linus"; }

  Request* Add(Request& bio, Time now) override;

  Decision Dispatch(Time, bool) override {
    if (queue_.empty()) return Decision::None();
    Request& rq = queue_.front();
    queue_.pop_front();
    rq.set_state(RequestState::kDispatched);
    return Decision::Issue(&rq);
  }

  void Requeue(Request& unit, Time) override {
    unit.set_state(RequestState::kQueued);
    queue_.push_front(unit);
  }

  bool Empty() const override { return queue_.empty(); }
  size_t Pending() const override { return queue_.size(); }

 private:
  using List =
      boost::intrusive::list<Request,
                             boost::intrusive::member_hook<Request, ListHook, &Request::fifo_hook>,
                             boost::intrusive::constant_time_size<true>>;

  // bh_rq_in_between: does a new request at `s` fit right after `rq`, whose
  // successor in the queue is `next` (nullptr: rq is the tail)?
  static bool InBetween(uint64_t s, const Request& rq, const Request* next);
  // After a merge into `rq`, coalesce `rq` with `next` if they now touch.
  Request* AttemptMerge(Request& rq, Request& next);

  List queue_;
  int64_t read_latency_ = 128;
  int64_t write_latency_ = 512;
  int64_t max_bomb_segments_ = 0;
};

bool LinusElevator::InBetween(uint64_t s, const Request& rq, const Request* next) {
  if (next == nullptr) return false;  // a lone tail offers no gap
  if (next->fd != rq.fd) return s > rq.start();
  if (s < next->start() && s > rq.start()) return true;
  if (next->start() > rq.start()) return false;  // ascending pair, s outside
  return s > rq.start() || s < next->start();    // wrap point between runs
}

Request* LinusElevator::AttemptMerge(Request& rq, Request& next) {
  if (!Contiguous(rq, next)) return nullptr;
  // elevator_linus_merge_req: the survivor keeps the smaller passover count.
  rq.passovers = std::min(rq.passovers, next.passovers);
  queue_.erase(queue_.iterator_to(next));
  rq.AbsorbUnit(next);
  return &rq;
}

Request* LinusElevator::Add(Request& bio, Time) {
  Request* anchor = nullptr;  // insert right after it
  Request* target = nullptr;  // merge target
  bool back = false;
  bool stop = false;  // "backmerge_only": a starved request was seen
  // Scan from the tail toward the head; `later` is the request visited
  // before (ri's successor in the queue).
  const Request* later = nullptr;
  for (auto it = queue_.rbegin(); it != queue_.rend(); later = &*it, ++it) {
    Request& ri = *it;
    if (ri.passovers <= 0) stop = true;
    if (ri.fd == bio.fd) {
      if (anchor == nullptr && !stop && InBetween(bio.sector, ri, later)) anchor = &ri;
      if (merges_enabled()) {
        if (ri.end() == bio.sector && Contiguous(ri, bio)) {
          target = &ri;
          back = true;
          break;
        }
        if (!stop && ri.start() == bio.sector + bio.sectors && Contiguous(bio, ri)) {
          ri.passovers -= 1;
          target = &ri;
          break;
        }
      }
    }
    if (stop) break;
  }
  // Accounting: everything behind the merge target or the anchor was passed.
  if (Request* x = target ? target : anchor) {
    const int64_t cost = target ? 1 : kSeekCost;
    for (auto it = std::next(queue_.iterator_to(*x)); it != queue_.end(); ++it)
      it->passovers -= cost;
  }
  if (target != nullptr) {
    if (back) {
      target->BackMerge(bio);
      auto next = std::next(queue_.iterator_to(*target));
      if (next != queue_.end()) AttemptMerge(*target, *next);
      return target;
    }
    target->FrontMerge(bio);
    auto it = queue_.iterator_to(*target);
    if (it != queue_.begin()) {
      Request& prev = *std::prev(it);
      if (AttemptMerge(prev, *target)) return &prev;
    }
    return target;
  }
  bio.passovers = bio.op == Op::kRead ? read_latency_ : write_latency_;
  bio.elv_flags = 0;
  if (anchor != nullptr) {
    queue_.insert(std::next(queue_.iterator_to(*anchor)), bio);
  } else {
    queue_.push_back(bio);
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<Elevator> NewLinusElevator(const ElevatorEnv& env) {
  return std::make_unique<LinusElevator>(env);
}

}  // namespace iosched
