// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// clook: C-LOOK, one-way sweep on sectors (DiskSim policy 3).
// The policy is DiskPolicy's (iosched/disk_policy.h, docs/disk-queueing.md);
// ClassicElevator (classic_elevator.h) holds the queue.

#include "builtin_elevators.h"
#include "classic_elevator.h"

namespace iosched {

std::unique_ptr<Elevator> NewClookElevator(const ElevatorEnv& env) {
  return std::make_unique<ClassicElevator>(env, "clook", DiskPolicyKind::kClook);
}

}  // namespace iosched
