// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The real user-space sorting experiment (Love, "Linux System Programming",
// ch. 4): read every regular file under a directory with O_DIRECT through a
// Scheduler, once per order and repetition, and time each order:
//
//   random    files in a random order, elevator noop (FIFO)
//   path      files sorted by path, noop
//   inode     elevator inode (fstat keys)
//   physical  elevator physical (FIBMAP -> FIEMAP -> inode keys per request)
//   fibmap    elevator fibmap (FIBMAP -> inode; EPERM without CAP_SYS_RAWIO)
//
// inode, physical and fibmap get the files in the random order and sort them
// themselves, as an application would rely on them to. Every request of a run
// is queued (plugged) before the first is issued, so the user-space order is
// the only scheduler in play; the kernel's elevator then sees at most `depth`
// requests at a time. O_DIRECT keeps the page cache out; the device's own
// cache and, in a virtual machine, the host's page cache are NOT bypassed.
// Repetition r starts with order r mod (number of orders), so that no order
// is always the first to touch a cold cache. Every request reads into the
// same aligned buffer. A run's time includes computing the keys (in the
// elevator's Add()), as it would for an application; `key_seconds` is a
// separate pass after the run that keys every request once with a fresh
// probe.
//
// Units: bytes and seconds. Thread-safety: RunSortbench may be called from
// any thread; it starts and joins the Scheduler's threads.

#ifndef IOSCHED_SORTBENCH_H_
#define IOSCHED_SORTBENCH_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/direct_device.h"

namespace iosched {

// One order of the experiment and the elevator that realises it.
struct SortOrder {
  std::string name, elevator;
};

// "random,path,inode,physical" -> orders. InvalidArgument for an unknown or
// repeated order, or an empty list.
absl::StatusOr<std::vector<SortOrder>> ParseSortOrders(const std::string& list);

struct SortbenchOptions {
  std::string dir;
  std::vector<SortOrder> orders;
  IoBackendKind backend = IoBackendKind::kAuto;
  uint64_t request_bytes = 1 << 20;  // rounded to the files' offset alignment
  uint32_t depth = 1, repeat = 1;
  uint64_t seed = 1;  // of the random order
  uint32_t max_files = 20000;
};

struct SortbenchRun {
  std::string order, elevator;
  uint32_t rep = 0;  // 1-based
  uint64_t requests = 0, bytes = 0, errors = 0;
  double seconds = 0;
  double key_seconds = -1;  // the separate keying pass; < 0: none (random, path)
  // The elevator's keyed_* and fallback_* counters that are not zero.
  std::vector<std::pair<std::string, int64_t>> counters;
  std::string first_error;
};

struct SortbenchResult {
  uint64_t files = 0, total_bytes = 0, request_bytes = 0;
  std::vector<SortbenchRun> runs;  // in the order they ran
};

// Runs the experiment. NotFound / InvalidArgument for a missing, empty or
// too large tree (naming `dir`); the first error opening a file or from the
// Scheduler otherwise. Failed reads do not stop it: they are counted per run.
absl::StatusOr<SortbenchResult> RunSortbench(const SortbenchOptions& options);

}  // namespace iosched

#endif  // IOSCHED_SORTBENCH_H_
