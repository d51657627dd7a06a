// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "drive_queue.h"

#include <cassert>

namespace iosched::sim {

DriveQueue::DriveQueue(const HddQueueParams& params, const PositionEstimator* estimator)
    : depth_(params.depth),
      policy_(ParseDiskPolicy(params.policy).value_or(DiskPolicyKind::kFcfs),
              params.aging_weight) {
  policy_.set_estimator(estimator);
  assert(!policy_.NeedsEstimator() || estimator != nullptr);
  waiting_.reserve(depth_);
  candidates_.reserve(depth_);
}

void DriveQueue::Add(Request& unit, Time now) {
  waiting_.push_back(&unit);
  candidates_.push_back(DiskCandidate{unit.op, unit.start(), unit.nr_sectors(), now});
}

Request& DriveQueue::Take(Time now) {
  assert(!waiting_.empty());
  const size_t i = policy_.Choose(candidates_, now);  // also moves its position
  Request& unit = *waiting_[i];
  waiting_.erase(waiting_.begin() + static_cast<ptrdiff_t>(i));
  candidates_.erase(candidates_.begin() + static_cast<ptrdiff_t>(i));
  return unit;
}

}  // namespace iosched::sim
