// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// sdf: shortest seek by cylinder distance from the head (DiskSim policy 23); needs a disk model.
// The policy is DiskPolicy's (iosched/disk_policy.h, docs/disk-queueing.md);
// ClassicElevator (classic_elevator.h) holds the queue.

#include "builtin_elevators.h"
#include "classic_elevator.h"

namespace iosched {

std::unique_ptr<Elevator> NewSdfElevator(const ElevatorEnv& env) {
  return std::make_unique<ClassicElevator>(env, "sdf", DiskPolicyKind::kSdf);
}

}  // namespace iosched
