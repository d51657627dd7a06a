// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "classic_elevator.h"

#include <cassert>

#include "absl/strings/str_cat.h"
#include "builtin_elevators.h"
#include "iosched/status_macros.h"

namespace iosched {

ClassicElevator::ClassicElevator(const ElevatorEnv& env, std::string_view name, DiskPolicyKind kind)
    : ElvCore(env), name_(name), policy_(kind) {
  if (kind == DiskPolicyKind::kAgedSptf) {
    tunables().Add("weight", TunableSet::Kind::kInt, &weight_, 0, int64_t{1} << 30,
                   TunableSet::OutOfRange::kReject, "ms/s",
                   "aging: a waiting request's key falls by this many ms per second waited");
  }
}

int ClassicElevator::ElvDispatch(Time now, bool) {
  if (fifo_.empty()) return 0;
  // Replay and Scheduler refuse a positioning policy without an estimate;
  // should one still get here, it serves in arrival order rather than
  // guess.
  if (policy_.NeedsEstimator() && policy_.estimator() == nullptr) {
    Request& oldest = fifo_.front();
    fifo_.pop_front();
    DispatchAddTail(oldest);
    return 1;
  }
  scratch_.clear();
  scratch_rq_.clear();
  for (Request& rq : fifo_) {
    scratch_.push_back(DiskCandidate{rq.op, rq.start(), rq.nr_sectors(), rq.arrival});
    scratch_rq_.push_back(&rq);
  }
  policy_.set_aging_weight(weight_);
  Request& pick = *scratch_rq_[policy_.Choose(scratch_, now)];
  fifo_.erase(fifo_.iterator_to(pick));
  DispatchAddTail(pick);
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
