// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Checks and preparation of a real replay's target (real_replay.cc).
// Thread-compatible free functions; they read /proc and /sys.

#ifndef IOSCHED_DIRECT_TARGET_SAFETY_H_
#define IOSCHED_DIRECT_TARGET_SAFETY_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace iosched {

// OK, or FailedPrecondition naming what uses the block device `dev` (a
// mount of it or of one of its partitions, a device-mapper or md holder).
// `target` is the name used in the message.
absl::Status CheckBlockDeviceUnused(const std::string& target, dev_t dev);

// OK for a regular file, a block device or a path that does not exist;
// InvalidArgument naming the kind otherwise (a FIFO would block the open, a
// directory or /dev/null cannot take O_DIRECT transfers).
absl::Status CheckTargetKind(const std::string& target);

// OK unless the regular file `target` backs a loop device (found through
// `sys_block`/loop*/loop/backing_file, compared by device and inode):
// FailedPrecondition naming the loop device and its mount, if any.
absl::Status CheckNotLoopBacking(const std::string& target,
                                 const std::string& sys_block = "/sys/block");

// Creates the regular file `target`, or extends a shorter one (never
// shrinks it), to `size` bytes, writing data into the new space with
// O_DIRECT so that later reads reach the disk, then fsyncs it. Refused up
// front (ResourceExhausted) when the growth exceeds the file system's free
// space or `size` its largest file. `log` hears progress in tenths for
// fills of 256 MiB or more.
// InvalidArgument if `target` exists and is not a regular file. `log`
// (may be null) is told what was created.
absl::Status PrepareTargetFile(const std::string& target, uint64_t size,
                               const std::function<void(std::string_view)>& log);

}  // namespace iosched

#endif  // IOSCHED_DIRECT_TARGET_SAFETY_H_
