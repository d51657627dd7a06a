// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Request: one I/O as an elevator sees it.
//
// Units: positions and sizes are 512-byte sectors, whatever the device's
// logical block size (docs/elevators.md#positions). Times are nanoseconds (time.h).
//
// Ownership: the submitter owns every Request and must keep it alive, and not
// touch it, from Submit until its completion has been delivered. Elevators and
// the dispatcher only link requests into intrusive containers; nothing inside
// an elevator allocates per request.
//
// Merging: a queued request may absorb others. The request that stays in the
// elevator's containers is the *unit*; its `start()`/`nr_sectors()` grow to
// cover every member, while each member keeps its own `sector`/`sectors`.
// Members are chained in ascending sector order (`first_member()`,
// `next_member()`), the unit itself among them. When the unit completes, the
// dispatcher completes every member exactly once.
//
// Thread-safety: none. A Request belongs to one dispatcher at a time, and the
// dispatcher is single-threaded (see dispatcher.h).

#ifndef IOSCHED_REQUEST_H_
#define IOSCHED_REQUEST_H_

#include <sys/uio.h>

#include <boost/intrusive/list_hook.hpp>
#include <boost/intrusive/set_hook.hpp>
#include <boost/intrusive/unordered_set_hook.hpp>
#include <cstdint>
#include <string_view>

#include "iosched/time.h"

namespace iosched {

enum class Op : uint8_t { kRead = 0, kWrite = 1 };

inline constexpr std::string_view OpName(Op op) { return op == Op::kRead ? "read" : "write"; }

// I/O priority, as the kernel's ioprio: a class and a level 0 (highest) … 7.
enum class IoClass : uint8_t { kNone = 0, kRealTime = 1, kBestEffort = 2, kIdle = 3 };

struct IoPrio {
  IoClass io_class = IoClass::kBestEffort;
  uint8_t level = 4;  // IOPRIO_NORM
  // BFQ only: the cgroup weight (io.bfq.weight, kMinBfqWeight ..
  // kMaxBfqWeight) of a group holding this stream alone, flattened: BFQ
  // schedules the stream's sync queue with this weight instead of the one
  // derived from class and level (docs/elevators-mq.md §4). 0 = none, the
  // level's weight. Every other elevator ignores it; the class and level
  // keep their meaning (BFQ's class, mq-deadline's and CFQ's levels).
  uint16_t weight = 0;
};
inline constexpr uint16_t kMinBfqWeight = 1;
inline constexpr uint16_t kMaxBfqWeight = 1000;

// Where a request stands in its life (docs/elevators.md#hooks).
enum class RequestState : uint8_t {
  kNew,         // built, not yet submitted
  kQueued,      // owned by the elevator (or merged into a unit that is)
  kDispatched,  // moved to the core dispatch list, not yet taken by the device
  kInFlight,    // the device owns it
  kCompleted,   // its completion has been delivered
};

// Intrusive hook types. Auto-unlink is off: the owners unlink explicitly.
using ListHook = boost::intrusive::list_member_hook<>;
using SetHook = boost::intrusive::set_member_hook<>;
using HashHook = boost::intrusive::unordered_set_member_hook<>;

class Request {
 public:
  Request() = default;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  // ---- Filled in by the submitter --------------------------------------
  uint64_t id = 0;  // caller's identifier; reported in errors and traces
  Op op = Op::kRead;
  bool sync = true;      // reads and O_DIRECT/O_SYNC writes are sync
  uint64_t sector = 0;   // first 512-byte sector of this request
  uint32_t sectors = 0;  // length in 512-byte sectors (> 0)
  uint32_t stream = 0;   // submitting process / io context (AS, CFQ)
  IoPrio prio;
  Time arrival{0};  // set by the dispatcher on Submit

  // Real path only: target, exact byte range and buffer. The scheduling
  // position above is derived from them (sector = offset >> 9).
  int fd = -1;
  uint64_t offset = 0;  // bytes
  uint32_t length = 0;  // bytes
  void* buffer = nullptr;

  // Opaque pointer for the submitter (callbacks, bookkeeping). Never read.
  void* user = nullptr;

  // ---- Outcome, set before completion is delivered -----------------------
  int32_t error = 0;        // 0 or a positive errno
  uint32_t bytes_done = 0;  // bytes transferred for this member

  // ---- Unit view (valid while queued or dispatched) --------------------
  uint64_t start() const { return unit_start_; }
  uint32_t nr_sectors() const { return unit_sectors_; }
  uint64_t end() const { return unit_start_ + unit_sectors_; }  // exclusive
  RequestState state() const { return state_; }
  // Number of requests in this unit (1 if nothing merged into it).
  uint32_t member_count() const { return member_count_; }
  Request* first_member() { return first_member_; }
  const Request* first_member() const { return first_member_; }
  Request* next_member() const { return next_member_; }
  Request* last_member() const { return last_member_; }
  // When the dispatcher handed the unit to the device (valid once in flight).
  Time issued{0};

  // ---- Elevator-private fields -----------------------------------------
  // Only the elevator that holds the request reads or writes these.
  ListHook fifo_hook;     // FIFO / arrival list / 2.4 request list
  ListHook list_hook;     // core dispatch list, or a second list
  HashHook hash_hook;     // back-merge hash keyed by end()
  int64_t fifo_time = 0;  // deadline in ticks (deadline, AS, CFQ)
  // One word, three meanings: each elevator uses only its own name, writes it
  // before reading it, and a request is held by one elevator at a time.
  union {
    // Linus (2.4 "elevator_sequence"): passovers remaining, i.e. how many
    // more requests may still be inserted or merged ahead of this one;
    // 0 or less makes it a barrier.
    int64_t passovers = 0;
    // User sorts (inode, physical, fibmap): arrival number, 0, 1, 2, … in
    // the order the elevator received the requests; breaks ties between
    // equal keys.
    uint64_t arrival_seq;
    // Deadline: the start sector (512-byte sectors) the request is indexed
    // under in its sort list (start() may have moved since, by a front
    // merge).
    uint64_t index_sector;
  };
  uint64_t sort_key = 0;      // position used by inode/physical sorts
  void* elv_queue = nullptr;  // per-stream queue / context (AS, CFQ)
  uint32_t elv_flags = 0;
  // Sector-ordered tree. Declared last, just before the unit's start (the
  // key every tree walk compares), so that a walk touches one cache line per
  // node more often than two.
  SetHook sort_hook;

  // ---- blk-mq frame (mq-deadline, kyber; docs/elevators-mq.md) ---------
  // Kept together on purpose: the 2.6 elevators never read these.
  //
  // The scheduler-tag the unit holds in the dispatcher's tag pool, or -1
  // (no pool, not yet allocated, or given back). Owned by the dispatcher.
  int32_t sched_tag = -1;
  // REQ_OP_DISCARD: a write for direction purposes (deadline FIFOs), its
  // own domain under Kyber, never merged with a plain write.
  bool discard = false;
  // Per-unit times in ns, the kernel's start_time_ns and the completion
  // stamp (issue time is `issued` above). `created` is set on Submit, or,
  // under a scheduler-tag pool, when the request gets its tag (a wait for
  // one is not counted, as blk_mq_rq_ctx_init stamps after the tag); when a
  // queued unit absorbs another it becomes the earlier of the two;
  // `completed_at` is set by the dispatcher just before Elevator::Complete.
  Time created{0};
  Time completed_at{0};
  // Elevator-private for blk-mq elevators: the sector the unit is indexed
  // under in a sort tree (a front merge moves start() before the re-sort),
  // and a domain token (Kyber) or -1.
  uint64_t mq_sort_pos = 0;
  int32_t mq_token = -1;

  // ---- Merge helpers, used by the core --------------------------------
  // Resets the unit view to this request alone. Called on submit.
  void ResetUnit() {
    unit_start_ = sector;
    unit_sectors_ = sectors;
    member_count_ = 1;
    first_member_ = this;
    last_member_ = this;
    next_member_ = nullptr;
  }
  // Appends `r` (a fresh request starting at end()) to this unit.
  void BackMerge(Request& r) {
    unit_sectors_ += r.sectors;
    last_member_->next_member_ = &r;
    last_member_ = &r;
    r.next_member_ = nullptr;
    member_count_ += 1;
    r.state_ = RequestState::kQueued;
  }
  // Prepends `r` (a fresh request ending at start()) to this unit.
  void FrontMerge(Request& r) {
    unit_start_ = r.sector;
    unit_sectors_ += r.sectors;
    r.next_member_ = first_member_;
    first_member_ = &r;
    member_count_ += 1;
    r.state_ = RequestState::kQueued;
  }
  // Absorbs the whole unit `next`, which starts at end(). `next` stops being
  // a unit; its members now belong to this one.
  void AbsorbUnit(Request& next) {
    unit_sectors_ += next.unit_sectors_;
    last_member_->next_member_ = next.first_member_;
    last_member_ = next.last_member_;
    member_count_ += next.member_count_;
  }
  void set_state(RequestState s) { state_ = s; }

 private:
  uint64_t unit_start_ = 0;
  uint32_t unit_sectors_ = 0;
  uint32_t member_count_ = 1;
  Request* first_member_ = this;
  Request* last_member_ = this;
  Request* next_member_ = nullptr;
  RequestState state_ = RequestState::kNew;
};

// Iterates a unit's members in ascending sector order:
//   for (Request* m = unit.first_member(); m; m = m->next_member()) …
// The unit itself is one of them.

}  // namespace iosched

#endif  // IOSCHED_REQUEST_H_
