// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `physical` and `fibmap`: Love's "sorting by physical block" as elevators
// (docs/elevators.md#physical).
//
// Each file request is keyed by the device position of the filesystem block
// that holds its own offset (per-request keys: a fragmented file's requests
// go where their blocks are). With first_block=1 the key is the position of
// the file's logical block 0 instead — the book's choice, one FIBMAP per
// file — and the requests of a file then follow each other by offset.
//
// The position comes from the fallback chain fibmap -> fiemap -> inode
// (tunables fibmap, fiemap): FIBMAP needs CAP_SYS_RAWIO and fails with EPERM
// without it, EINVAL on filesystems without a block map (tmpfs, btrfs);
// FIEMAP is unprivileged but fails with EOPNOTSUPP on some filesystems and
// has no position for delayed-allocation, encoded or inline data; a hole has
// no position either. A file request that gets no position is keyed by its
// inode and sorts after every positioned request of its device (U3); each
// failed step is counted (fallback_eperm, fallback_unsupported,
// fallback_unknown_extent, fallback_hole, …).
//
// `fibmap` is `physical` with the FIBMAP probe forced and the FIEMAP step
// off by default (fiemap=0): FIBMAP, else the inode — the chapter's method
// exactly. It has no "fibmap" tunable (FIBMAP cannot be switched off). It is
// a registry entry of its own rather than a registry alias because an alias
// shares the factory and so the defaults.
//
// Block requests (fd < 0) are keyed by their sector: a C-LOOK elevator.

#include "builtin_elevators.h"
#include "user_sort.h"

namespace iosched {

std::unique_ptr<Elevator> NewPhysicalElevator(const ElevatorEnv& env) {
  return std::make_unique<UserSortElevator>(
      env,
      UserSortPolicy{.name = "physical", .position_keys = true, .fibmap = true, .fiemap = true});
}

std::unique_ptr<Elevator> NewFibmapElevator(const ElevatorEnv& env) {
  return std::make_unique<UserSortElevator>(env, UserSortPolicy{.name = "fibmap",
                                                                .position_keys = true,
                                                                .fibmap = true,
                                                                .fiemap = false,
                                                                .fibmap_forced = true});
}

}  // namespace iosched
