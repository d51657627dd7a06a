// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "classic_elevator.h"

#include <cassert>

#include "absl/strings/str_cat.h"
#include "builtin_elevators.h"
#include "iosched/status_macros.h"

namespace iosched {

namespace {

// Orders an index entry against a start sector (the lowest arrival number
// of that start comes first).
struct StartAtLeast {
  bool operator()(const Request& r, uint64_t sector) const { return r.sort_key < sector; }
  bool operator()(uint64_t sector, const Request& r) const { return sector < r.sort_key; }
};

}  // namespace

ClassicElevator::ClassicElevator(const ElevatorEnv& env, std::string_view name, DiskPolicyKind kind)
    : ElvCore(env),
      name_(name),
      policy_(kind),
      indexed_(policy_.HasOrderedChoice() && kind != DiskPolicyKind::kFcfs) {
  if (kind == DiskPolicyKind::kAgedSptf) {
    tunables().Add("weight", TunableSet::Kind::kInt, &weight_, 0, int64_t{1} << 30,
                   TunableSet::OutOfRange::kReject, "ms/s",
                   "aging: a waiting request's key falls by this many ms per second waited");
  }
}

ClassicElevator::~ClassicElevator() {
  // Requests belong to the submitter; just unlink whatever is left.
  index_.clear();
  fifo_.clear();
}

void ClassicElevator::ElvAddRequest(Request& rq, Time) {
  fifo_.push_back(rq);
  if (indexed_) {
    rq.sort_key = rq.start();
    rq.arrival_seq = next_seq_++;
    lb_valid_ = false;
    index_.insert(rq);
  }
}

void ClassicElevator::ElvMerged(Request& rq, MergeType type) {
  // A front merge moved the start down: index the unit under its new start,
  // keeping its arrival number (its place in the arrival list is unchanged).
  if (!indexed_ || type != MergeType::kFront || rq.sort_key == rq.start()) return;
  lb_valid_ = false;
  if (next_valid_ && next_ != index_.end() && &*next_ == &rq) next_valid_ = false;
  index_.erase(index_.iterator_to(rq));
  rq.sort_key = rq.start();
  index_.insert(rq);
}

void ClassicElevator::ElvMergeRequests(Request&, Request& next) { Unlink(next); }

ClassicElevator::Index::const_iterator ClassicElevator::Unlink(Request& rq) {
  fifo_.erase(fifo_.iterator_to(rq));
  if (!indexed_) return index_.end();
  lb_valid_ = false;
  if (next_valid_ && next_ != index_.end() && &*next_ == &rq) next_valid_ = false;
  return index_.erase(index_.iterator_to(rq));
}

int ClassicElevator::ElvDispatch(Time now, bool) {
  if (fifo_.empty()) return 0;
  Request* pick = nullptr;
  if (policy_.HasOrderedChoice()) {
    pick = const_cast<Request*>(static_cast<const Request*>(policy_.ChooseOrdered(*this)));
  } else if (policy_.NeedsEstimator() && policy_.estimator() == nullptr) {
    // Replay and Scheduler refuse a positioning policy without an estimate;
    // should one still get here, it serves in arrival order rather than
    // guess.
    pick = &fifo_.front();
  } else {
    // One candidate per waiting request, in arrival order (the buffers keep
    // their capacity: no allocation once the queue has been this long).
    scratch_.clear();
    scratch_rq_.clear();
    for (Request& rq : fifo_) {
      scratch_.push_back(DiskCandidate{rq.op, rq.start(), rq.nr_sectors(), rq.arrival});
      scratch_rq_.push_back(&rq);
    }
    policy_.set_aging_weight(weight_);
    pick = scratch_rq_[policy_.Choose(scratch_, now)];
  }
  const auto after = Unlink(*pick);
  if (indexed_) {
    next_ = after;
    next_valid_ = true;
  }
  DispatchAddTail(*pick);
  return 1;
}

Request* ClassicElevator::ElvFormer(Request& rq) {
  auto it = fifo_.iterator_to(rq);
  return it == fifo_.begin() ? nullptr : &*std::prev(it);
}

Request* ClassicElevator::ElvLatter(Request& rq) {
  auto it = std::next(fifo_.iterator_to(rq));
  return it == fifo_.end() ? nullptr : &*it;
}

OrderedDiskQueue::Handle ClassicElevator::Oldest() const {
  return fifo_.empty() ? nullptr : &fifo_.front();
}

OrderedDiskQueue::Handle ClassicElevator::Lowest() const {
  assert(indexed_);
  return index_.empty() ? nullptr : &*index_.begin();
}

ClassicElevator::Index::const_iterator ClassicElevator::LowerBound(uint64_t sector) const {
  // LOOK and SSTF ask AtOrAbove(P) and Below(P) in a row: one walk serves
  // both (the index does not change between the two).
  if (lb_valid_ && lb_sector_ == sector) return lb_;
  // The entry that followed the last dispatched one is usually where the
  // next search ends (the sweep goes on from there): it is, exactly, if it
  // starts at or above `sector` and the entry before it below. Requests
  // added in between fail the check; then the tree is searched.
  const bool near = next_valid_ && (next_ == index_.end() || next_->sort_key >= sector) &&
                    (next_ == index_.begin() || std::prev(next_)->sort_key < sector);
  lb_ = near ? next_ : index_.lower_bound(sector, StartAtLeast());
  lb_sector_ = sector;
  lb_valid_ = true;
  return lb_;
}

OrderedDiskQueue::Handle ClassicElevator::AtOrAbove(uint64_t sector) const {
  assert(indexed_);
  auto it = LowerBound(sector);
  return it == index_.end() ? nullptr : &*it;
}

OrderedDiskQueue::Handle ClassicElevator::Below(uint64_t sector) const {
  assert(indexed_);
  auto it = LowerBound(sector);
  if (it == index_.begin()) return nullptr;
  // The highest start below `sector` is the entry before; the oldest with
  // that start is the first entry with it: a few steps back when starts
  // repeat a little, else a walk down the tree.
  --it;
  const uint64_t start = it->sort_key;
  for (int steps = 0; steps < 8; ++steps) {
    if (it == index_.begin() || std::prev(it)->sort_key != start) return &*it;
    --it;
  }
  return &*index_.lower_bound(start, StartAtLeast());
}

DiskCandidate ClassicElevator::Candidate(Handle h) const {
  const Request& rq = *static_cast<const Request*>(h);
  return DiskCandidate{rq.op, rq.start(), rq.nr_sectors(), rq.arrival};
}

absl::Status SetElevatorPositionEstimator(Elevator& elevator, const PositionEstimator* estimator) {
  auto* c = dynamic_cast<ClassicElevator*>(&elevator);
  if (c == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("elevator '", Sv(elevator.Name()),
                                                   "' does not use a positioning-time estimate"));
  }
  c->policy().set_estimator(estimator);
  return absl::OkStatus();
}

bool ElevatorNeedsPositionEstimator(const Elevator& elevator) {
  const auto* c = dynamic_cast<const ClassicElevator*>(&elevator);
  return c != nullptr && c->NeedsEstimator();
}

}  // namespace iosched
