// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "drive_queue.h"

#include <cassert>

namespace iosched::sim {

namespace {

DiskPolicy MakePolicy(const std::string& name, int64_t weight, const PositionEstimator* e) {
  DiskPolicy p(ParseDiskPolicy(name).value_or(DiskPolicyKind::kFcfs), weight);
  p.set_estimator(e);
  assert(!p.NeedsEstimator() || e != nullptr);
  return p;
}

}  // namespace

DriveQueue::DriveQueue(const HddQueueParams& params, const PositionEstimator* estimator)
    : depth_(params.depth),
      priority_scheme_(params.priority_scheme),
      base_(MakePolicy(params.policy, params.aging_weight, estimator)),
      priority_(MakePolicy(params.priority_scheme ? params.priority_policy : "fcfs",
                           params.aging_weight, estimator)) {
  for (SubQueue* q : {&base_, &priority_}) {
    q->waiting.reserve(depth_);
    q->candidates.reserve(depth_);
  }
}

void DriveQueue::Add(Request& unit, Time now) {
  SubQueue& q = priority_scheme_ && unit.sync ? priority_ : base_;
  q.waiting.push_back(&unit);
  q.candidates.push_back(DiskCandidate{unit.op, unit.start(), unit.nr_sectors(), now});
}

Request& DriveQueue::TakeFrom(SubQueue& q, Time now, Time* arrived) {
  const size_t i = q.policy.Choose(q.candidates, now);  // also moves its position
  Request& unit = *q.waiting[i];
  *arrived = q.candidates[i].arrival;
  q.waiting.erase(q.waiting.begin() + static_cast<ptrdiff_t>(i));
  q.candidates.erase(q.candidates.begin() + static_cast<ptrdiff_t>(i));
  return unit;
}

Request& DriveQueue::Take(Time now, Time* arrived) {
  assert(!empty());
  return TakeFrom(priority_.waiting.empty() ? base_ : priority_, now, arrived);
}

}  // namespace iosched::sim
