// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// UserSortElevator: the core of the user-space orderings of Love's chapter 4
// (docs/elevators.md#user-sorts), shared by the `inode`, `physical` and `fibmap`
// elevators (inode_sort.cc, physical_sort.cc).
//
// Key. Each unit is keyed on arrival, in Add(), from its first member:
//   - a file request (fd >= 0) asks the elevator's LayoutProbe along the
//     fallback chain (layout_probe.h: ComputeLayoutKey) for
//       (st_dev, key class, value) — value is the device byte position of
//       the block holding the request's offset (or of the file's block 0
//       with first_block=1), or st_ino; the walk records why each step
//       failed;
//   - a block request (fd < 0: block traces, the simulator without a file
//     model) is keyed by its own position: (0, position, start × 512).
// The order is (st_dev, class, value, file offset [or sector], arrival):
// grouped by device first (U4), positions before inode numbers before
// unkeyable requests (U3), equal keys in arrival order (U1), requests of one
// file by offset. The key is stored in the request: sort_key = value,
// fifo_time = st_dev, elv_flags bits 8–9 = class, arrival_seq = arrival number.
// Probing happens in Add(), on the dispatcher's thread: one fstat per
// request plus, on first contact with a file or block, the ioctls (cached by
// the probe). Applications that want no syscalls there attach a warmed or
// model probe with SetElevatorLayoutProbe() (SchedulerOptions::layout_probe);
// SetElevatorProbeChain() (SchedulerOptions::probe_chain) replaces the chain
// the tunables give.
//
// Dispatch: a one-way sweep (C-LOOK) over that order: the next unit is the
// first one after the last dispatched key; past the end, the sweep wraps to
// the lowest key. No deadlines and no starvation control: a unit waits at
// most until the sweep comes round, and a stream of arrivals just ahead of
// the head can keep it waiting (as the chapter's batch orderings would).
//
// Merging: the core's rules (elv_core.h): back merges through the hash and
// the last_merge cache, front merges through last_merge only (noop's rule;
// the tree is not ordered by sector), coalescing with the neighbours in key
// order, only within one file and byte-contiguous (Elevator::Contiguous). A
// front merge re-keys the unit from its new first member.
//
// Thread-safety: none (see elevator.h). The probe may be shared.

#ifndef IOSCHED_SRC_USER_SORT_H_
#define IOSCHED_SRC_USER_SORT_H_

#include <boost/intrusive/set.hpp>
#include <compare>
#include <memory>
#include <string>
#include <vector>

#include "elv_core.h"
#include "iosched/layout_probe.h"

namespace iosched {

// What distinguishes the three registry entries.
struct UserSortPolicy {
  std::string name;            // registry name
  bool position_keys = false;  // offer the fibmap/fiemap steps (and tunables)
  bool fibmap = false;         // default of tunable "fibmap"
  bool fiemap = false;         // default of tunable "fiemap"
  bool fibmap_forced = false;  // no "fibmap" tunable: the FIBMAP step is always tried
};

class UserSortElevator final : public ElvCore {
 public:
  UserSortElevator(const ElevatorEnv& env, UserSortPolicy policy);
  ~UserSortElevator() override;

  std::string_view Name() const override { return policy_.name; }
  std::vector<std::pair<std::string, int64_t>> Counters() const override;

  // Not owned exclusively; null restores the default (a SystemLayoutProbe
  // made on the first file request).
  void set_probe(std::shared_ptr<LayoutProbe> probe) { probe_ = std::move(probe); }

  // Replaces the chain the tunables give (SetElevatorProbeChain checks it);
  // empty restores the tunables' chain.
  void set_chain(std::vector<ProbeMethod> chain) { custom_chain_ = std::move(chain); }
  const UserSortPolicy& policy() const { return policy_; }

  // The fallback chain in use: set_chain's, else from the tunables.
  const std::vector<ProbeMethod>& chain();

 protected:
  void ElvAddRequest(Request& rq, Time now) override;
  void ElvMerged(Request& unit, MergeType type) override;
  void ElvMergeRequests(Request& unit, Request& next) override;
  int ElvDispatch(Time now, bool force) override;
  Request* ElvFormer(Request& rq) override;
  Request* ElvLatter(Request& rq) override;

 private:
  // The sort order, most significant first.
  struct SortPos {
    uint64_t dev = 0;
    uint8_t cls = 0;
    uint64_t value = 0;
    uint64_t offset = 0;
    uint64_t arrival = 0;
    auto operator<=>(const SortPos&) const = default;
  };
  static SortPos PosOf(const Request& r);
  struct Less {
    bool operator()(const Request& a, const Request& b) const { return PosOf(a) < PosOf(b); }
    bool operator()(const SortPos& a, const Request& b) const { return a < PosOf(b); }
    bool operator()(const Request& a, const SortPos& b) const { return PosOf(a) < b; }
  };
  using Tree = boost::intrusive::set<
      Request, boost::intrusive::member_hook<Request, SetHook, &Request::sort_hook>,
      boost::intrusive::compare<Less>, boost::intrusive::constant_time_size<false>>;

  // Computes and stores the key of `unit` from its first member.
  void KeyUnit(Request& unit);

  UserSortPolicy policy_;
  std::shared_ptr<LayoutProbe> probe_;
  Tree tree_;
  SortPos head_;
  bool have_head_ = false;
  uint64_t next_seq_ = 0;

  // Tunables (bools as 0/1).
  int64_t fibmap_ = 0, fiemap_ = 0, first_block_ = 0;
  // The chain built for (fibmap_, fiemap_); rebuilt when they change.
  std::vector<ProbeMethod> chain_;
  int64_t chain_for_ = -1;
  std::vector<ProbeMethod> custom_chain_;  // set_chain(); wins when not empty

  // Counters.
  int64_t keyed_[3] = {0, 0, 0};  // by KeyClass, file requests
  int64_t keyed_sector_ = 0;      // block requests keyed by their sector
  int64_t fallback_[kNumProbeFailures] = {};
  int64_t sweeps_ = 0;  // wraps to the lowest key
};

}  // namespace iosched

#endif  // IOSCHED_SRC_USER_SORT_H_
