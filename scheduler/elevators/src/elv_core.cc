// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "elv_core.h"

#include <cassert>

namespace iosched {
namespace {
// The back-merge hash keeps at least kBucketsPerEntry buckets per hashed
// unit (8 bytes each): an add looks up an end sector that is almost never
// there, and every chain entry it walks is another request's cache line.
// Chains of average length <= 1/4 instead of <= 1 cut the cost of an add +
// dispatch at 4096 pending by about a fifth (elevator_bench).
constexpr size_t kBucketsPerEntry = 4;
// Growth reverses the order of a chain's entries with the same end sector
// (Boost's rehash moves them one by one). It happens when the number of
// hashed units reaches 256, 512, 1024, ..., as it did with one bucket per
// entry and 256 initial buckets: which of two such entries a lookup finds
// first is unchanged.
constexpr size_t kInitialBuckets = 256 * kBucketsPerEntry;
}  // namespace

ElvCore::ElvCore(const ElevatorEnv& env)
    : Elevator(env),
      buckets_(kInitialBuckets),
      hash_(HashSet::bucket_traits(buckets_.data(), buckets_.size())) {}

ElvCore::~ElvCore() {
  // Requests belong to the submitter; just unlink whatever is left.
  hash_.clear();
  dispatch_.clear();
}

bool ElvCore::MergeOk(const Request& unit, const Request& bio) const {
  // elv_rq_merge_ok: target still mergeable, same direction and target, and
  // the elevator does not veto.
  return (unit.elv_flags & kRqSorted) && unit.state() == RequestState::kQueued &&
         unit.op == bio.op && unit.fd == bio.fd && ElvAllowMerge(unit, bio);
}

void ElvCore::HashAdd(Request& rq) {
  if (kBucketsPerEntry * (hash_.size() + 1) > buckets_.size()) {
    // Grow so chains stay short: one allocation per doubling, never per
    // request in steady state.
    std::vector<HashSet::bucket_type> bigger(buckets_.size() * 2);
    hash_.rehash(HashSet::bucket_traits(bigger.data(), bigger.size()));
    buckets_.swap(bigger);
  }
  hash_.insert(rq);
}

void ElvCore::HashDel(Request& rq) {
  if (rq.hash_hook.is_linked()) hash_.erase(hash_.iterator_to(rq));
}

Request* ElvCore::HashFind(uint64_t end, const Request& bio) {
  auto [it, last] = hash_.equal_range(end);
  for (; it != last; ++it) {
    if (MergeOk(*it, bio)) return &*it;
  }
  return nullptr;
}

Request* ElvCore::Add(Request& bio, Time now) {
  now_ = now;
  if (merges_enabled()) {
    Request* target = nullptr;
    bool back = false;
    // 1. One-hit cache: back first, then front.
    if (last_merge_ != nullptr && MergeOk(*last_merge_, bio)) {
      if (last_merge_->end() == bio.sector) {
        target = last_merge_;
        back = true;
      } else if (last_merge_->start() == bio.sector + bio.sectors) {
        target = last_merge_;
      }
    }
    // 2. Back-merge hash by end sector. 3. The elevator's front lookup.
    if (target == nullptr) {
      target = HashFind(bio.sector, bio);
      back = target != nullptr;
    }
    if (target == nullptr) {
      Request* f = ElvMerge(bio);
      if (f != nullptr && MergeOk(*f, bio) && f->start() == bio.sector + bio.sectors) target = f;
    }
    // A merge the size limit refuses falls through to a new request; the
    // kernel does not retry other candidates.
    if (target != nullptr) {
      if (back && Contiguous(*target, bio)) return BackMerge(*target, bio);
      if (!back && Contiguous(bio, *target)) return FrontMerge(*target, bio);
    }
  }
  bio.elv_flags = kRqSorted;
  ++sorted_;
  // The back-merge hash serves only merge lookups: with merges off
  // (nomerges) it is not kept, which saves a hash insert and erase per
  // request (a tenth of a 100,000-request batch replay at depth 32).
  // Requests queued while merges were off are then found only through the
  // one-hit cache and the elevator's own lookup if merges are turned back
  // on while they wait; the order of service is not affected.
  if (merges_enabled()) HashAdd(bio);
  if (last_merge_ == nullptr) last_merge_ = &bio;
  ElvAddRequest(bio, now);
  return nullptr;
}

Request* ElvCore::BackMerge(Request& unit, Request& bio) {
  HashDel(unit);
  unit.BackMerge(bio);
  HashAdd(unit);
  Request* next = ElvLatter(unit);
  if (next != nullptr && AttemptMerge(unit, *next)) return &unit;
  ElvMerged(unit, MergeType::kBack);
  last_merge_ = &unit;
  return &unit;
}

Request* ElvCore::FrontMerge(Request& unit, Request& bio) {
  unit.FrontMerge(bio);  // end unchanged: the hash entry stays valid
  Request* prev = ElvFormer(unit);
  if (prev != nullptr && AttemptMerge(*prev, unit)) return prev;
  ElvMerged(unit, MergeType::kFront);
  last_merge_ = &unit;
  return &unit;
}

bool ElvCore::AttemptMerge(Request& lo, Request& hi) {
  // attempt_merge: both still in the elevator, contiguous, same direction
  // and target, within the size limit.
  if (!(lo.elv_flags & kRqSorted) || !(hi.elv_flags & kRqSorted)) return false;
  if (lo.state() != RequestState::kQueued || hi.state() != RequestState::kQueued) return false;
  if (!Contiguous(lo, hi)) return false;
  ElvMergeRequests(lo, hi);  // hook sees both units intact
  HashDel(lo);
  HashDel(hi);
  lo.AbsorbUnit(hi);
  HashAdd(lo);
  hi.elv_flags = 0;
  --sorted_;
  last_merge_ = &lo;
  // blk-mq frame: the unit keeps the earlier creation time (start_time_ns),
  // and `hi` is freed as a request.
  if (hi.created < lo.created) lo.created = hi.created;
  ElvAbsorbed(hi, now_);
  NotifyAbsorbed(hi, now_);
  return true;
}

void ElvCore::LeaveElevator(Request& rq) {
  if (last_merge_ == &rq) last_merge_ = nullptr;
  HashDel(rq);
  rq.elv_flags &= ~kRqSorted;
  --sorted_;
  rq.set_state(RequestState::kDispatched);
}

void ElvCore::DispatchSort(Request& rq) {
  LeaveElevator(rq);
  const uint64_t boundary = end_sector_;
  // Walk from the tail; stop at a barrier, a change of direction, or the
  // first entry `rq` belongs after in one-way elevator order.
  auto it = dispatch_.end();
  while (it != dispatch_.begin()) {
    auto prev = std::prev(it);
    const Request& pos = *prev;
    if (pos.op != rq.op) break;
    if (pos.elv_flags & kRqSoftBarrier) break;
    if (rq.start() >= boundary) {
      if (pos.start() < boundary) {
        it = prev;
        continue;
      }
    } else {
      if (pos.start() >= boundary) break;
    }
    if (rq.start() >= pos.start()) break;
    it = prev;
  }
  dispatch_.insert(it, rq);
}

void ElvCore::DispatchAddTail(Request& rq) {
  LeaveElevator(rq);
  end_sector_ = rq.end();
  boundary_ = &rq;
  dispatch_.push_back(rq);
}

Decision ElvCore::Dispatch(Time now, bool force) {
  now_ = now;
  if (dispatch_.empty()) ElvDispatch(now, force);
  if (dispatch_.empty()) {
    const Time t = TimerDeadline();
    return (t == kTimeNever || force) ? Decision::None() : Decision::IdleUntil(t);
  }
  Request& rq = dispatch_.front();
  dispatch_.pop_front();
  rq.elv_flags &= ~kRqSoftBarrier;
  // The device fetched the boundary request (or none is set).
  if (boundary_ == nullptr || boundary_ == &rq) {
    end_sector_ = rq.end();
    boundary_ = nullptr;
  }
  return Decision::Issue(&rq);
}

void ElvCore::Requeue(Request& unit, Time now) {
  now_ = now;
  ElvDeactivate(unit, now);
  unit.set_state(RequestState::kQueued);
  unit.elv_flags |= kRqSorted;
  if (ElvRequeueAtHead(unit, now)) {
    ++sorted_;
    return;
  }
  unit.elv_flags &= ~kRqSorted;
  unit.set_state(RequestState::kDispatched);
  unit.elv_flags |= kRqSoftBarrier;
  dispatch_.push_front(unit);
}

}  // namespace iosched
