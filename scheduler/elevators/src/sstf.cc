// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// sstf: shortest seek (sector distance from the end of the last request; DiskSim policy 4).
// The policy is DiskPolicy's (iosched/disk_policy.h, docs/disk-queueing.md);
// ClassicElevator (classic_elevator.h) holds the queue.

#include "builtin_elevators.h"
#include "classic_elevator.h"

namespace iosched {

std::unique_ptr<Elevator> NewSstfElevator(const ElevatorEnv& env) {
  return std::make_unique<ClassicElevator>(env, "sstf", DiskPolicyKind::kSstf);
}

}  // namespace iosched
