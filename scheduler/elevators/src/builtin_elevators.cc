// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "builtin_elevators.h"

namespace iosched {

std::vector<BuiltinElevator> BuiltinElevators() {
  return {
      // blk-mq's "none" is a FIFO with the core's merges: noop.
      {"noop", {"none"}, NewNoopElevator},
      {"linus", {}, NewLinusElevator},
      {"deadline", {}, NewDeadlineElevator},
      {"anticipatory", {"as"}, NewAnticipatoryElevator},
      {"cfq", {}, NewCfqElevator},
      {"inode", {}, NewInodeElevator},
      {"physical", {}, NewPhysicalElevator},
      {"fibmap", {}, NewFibmapElevator},
      {"mq-deadline", {}, NewMqDeadlineElevator},
      {"kyber", {}, NewKyberElevator},
      {"bfq", {}, NewBfqElevator},
      // The classic disk policies (disk_policy.h), one line each.
      {"fcfs", {}, NewFcfsElevator},
      {"sstf", {}, NewSstfElevator},
      {"look", {}, NewLookElevator},
      {"clook", {"c-look"}, NewClookElevator},
      {"sdf", {"sstf-cyl"}, NewSdfElevator},
      {"sptf", {}, NewSptfElevator},
      {"spctf", {}, NewSpctfElevator},
      {"aged-sptf", {"asptf"}, NewAgedSptfElevator},
      {"satf", {}, NewSatfElevator},
  };
}

}  // namespace iosched
