// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Factories of the built-in elevators, one per file (noop.cc, linus.cc, …).
// Private to the scheduler library: applications use MakeElevator().

#ifndef IOSCHED_SRC_BUILTIN_ELEVATORS_H_
#define IOSCHED_SRC_BUILTIN_ELEVATORS_H_

#include <memory>
#include <string>
#include <vector>

#include "iosched/elevator.h"
#include "iosched/registry.h"

namespace iosched {

std::unique_ptr<Elevator> NewNoopElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewLinusElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewDeadlineElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewAnticipatoryElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewCfqElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewInodeElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewPhysicalElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewFibmapElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewMqDeadlineElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewKyberElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewBfqElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewFcfsElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewSstfElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewLookElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewClookElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewSdfElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewSptfElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewSpctfElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewAgedSptfElevator(const ElevatorEnv& env);
std::unique_ptr<Elevator> NewSatfElevator(const ElevatorEnv& env);

struct BuiltinElevator {
  std::string name;
  std::vector<std::string> aliases;
  ElevatorFactory factory;
};

// In the order reports list them.
std::vector<BuiltinElevator> BuiltinElevators();

}  // namespace iosched

#endif  // IOSCHED_SRC_BUILTIN_ELEVATORS_H_
