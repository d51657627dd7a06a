// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The anticipatory elevator's internal interface (anticipatory.cc,
// ELEVATORS.md §6): its pure kernel rules and read-only views of its state,
// for the conformance tests and reports. Applications build the elevator
// through the registry ("anticipatory" or "as") and never need this header.
//
// Units: sectors are 512-byte sectors; times and counts in the state views
// are ticks (HZ = 1000) and plain counts, under the kernel's field names.
//
// Thread-safety: none (see elevator.h). The views read the elevator, so they
// run where the elevator's other calls run (the dispatcher's thread).

#ifndef IOSCHED_SRC_AS_IOSCHED_H_
#define IOSCHED_SRC_AS_IOSCHED_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "iosched/elevator.h"

namespace iosched {

// as_may_queue for io context `stream`: 0 (ELV_MQUEUE_MAY) or 2
// (ELV_MQUEUE_MUST, the elevator is anticipating that context's next
// request). 0 for an elevator that is not anticipatory.
int AnticipatoryMayQueue(Elevator& e, uint32_t stream);

// Per-context state of `stream` (think time and seek statistics, io_running, …) as
// (kernel field name, value) pairs; empty for an unknown stream or an
// elevator that is not anticipatory.
std::vector<std::pair<std::string, int64_t>> AnticipatoryContextState(const Elevator& e,
                                                                      uint32_t stream);

// Elevator-wide state (antic_status, batch_data_dir, write_batch_count, …)
// as (kernel field name, value) pairs; empty for an elevator that is not
// anticipatory.
std::vector<std::pair<std::string, int64_t>> AnticipatoryState(const Elevator& e);

// Pure kernel rules, shared with the conformance tests.
namespace as_internal {

// as_choose_req on start sectors: returns 1 if `s1` is preferred, 2 if `s2`,
// with the head at sector `last`.
int ChooseRequest(uint64_t last, uint64_t s1, uint64_t s2);

// update_write_batch: the next write_batch_count given how long the write
// batch took (`write_time`, ticks), the target `batch` (write_batch_expire,
// ticks), whether the batch idled, and what was left of its count.
int64_t UpdateWriteBatchCount(int64_t count, int64_t write_time, int64_t batch, bool idled,
                              int64_t current_write_count);

}  // namespace as_internal
}  // namespace iosched

#endif  // IOSCHED_SRC_AS_IOSCHED_H_
