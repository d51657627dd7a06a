// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `inode`: Love's "sorting by inode" (docs/elevators.md#inode) as an elevator.
//
// File requests are ordered by (st_dev, st_ino, file offset), arrival order
// breaking ties; the key costs one fstat per request and no privileges. On
// ext2/3/4 inodes are allocated in the block group of their directory and
// data goes near them, so inode order approximates disk order until the
// filesystem fragments. Requests that cannot be stat'ed go last, in arrival
// order (counter fallback_no_file). Block requests (no file: block traces in
// the simulator) are ordered by sector, so the elevator is a plain C-LOOK
// there.
//
// Dispatch, merging and counters: user_sort.h. Tunables: only the queue
// limits (max_sectors, max_sectors_kb, nomerges).

#include "builtin_elevators.h"
#include "user_sort.h"

namespace iosched {

std::unique_ptr<Elevator> NewInodeElevator(const ElevatorEnv& env) {
  return std::make_unique<UserSortElevator>(
      env, UserSortPolicy{.name = "inode", .position_keys = false});
}

}  // namespace iosched
