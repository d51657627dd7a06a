// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// aged-sptf: aged SPTF, tunable weight (DiskSim policy 14); needs a disk model.
// The policy is DiskPolicy's (iosched/disk_policy.h, docs/disk-queueing.md);
// ClassicElevator (classic_elevator.h) holds the queue.

#include "builtin_elevators.h"
#include "classic_elevator.h"

namespace iosched {

std::unique_ptr<Elevator> NewAgedSptfElevator(const ElevatorEnv& env) {
  return std::make_unique<ClassicElevator>(env, "aged-sptf", DiskPolicyKind::kAgedSptf);
}

}  // namespace iosched
