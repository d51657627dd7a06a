// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ClassicElevator: the host-side form of the classic disk policies
// (iosched/disk_policy.h): fcfs, sstf, look, clook, sdf, sptf, spctf,
// aged-sptf, satf. Each has its own file (fcfs.cc, …) that only names it.
//
// Requests wait in one arrival-ordered list; the core (elv_core.h) merges
// contiguous ones as for noop (former/latter are arrival-order neighbours).
// Dispatch hands the policy's choice to the dispatch list. The positioning
// policies ask a PositionEstimator, given through
// SetElevatorPositionEstimator (registry.h); the simulator passes its disk
// model, the real O_DIRECT path has none and refuses them.
//
// Cost per dispatch, n = requests waiting here:
//   fcfs               O(1): the head of the arrival list.
//   clook, look, sstf  O(log n): an ordered index by (start sector, arrival
//                      number) kept beside the list (an intrusive rb-tree
//                      through Request::sort_hook; no allocation), asked
//                      through DiskPolicy::ChooseOrdered. An add, a merge that
//                      moves a start and a dispatch each cost O(log n) in it.
//   sdf, sptf, spctf,  O(n): DiskPolicy::Choose over a copy of the list, one
//   aged-sptf, satf    estimate per request (disk_policy.h says why). Meant
//                      for a drive's queue depth or a bounded host depth; a
//                      replay with thousands waiting here is quadratic.
// The ordered index picks exactly what Choose() would (ties included);
// tests/elevators/classic_fast_path_test.cc checks it against Choose().
//
// Request fields used while a request waits here: fifo_hook (arrival list);
// for the indexed policies sort_hook, sort_key (the start it is indexed
// under: a front merge moves start() before the index is told) and
// arrival_seq (arrival number, orders equal starts).
//
// Thread-safety: none (see elevator.h).

#ifndef IOSCHED_SRC_CLASSIC_ELEVATOR_H_
#define IOSCHED_SRC_CLASSIC_ELEVATOR_H_

#include <boost/intrusive/list.hpp>
#include <boost/intrusive/set.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "elv_core.h"
#include "iosched/disk_policy.h"

namespace iosched {

class ClassicElevator final : public ElvCore, private OrderedDiskQueue {
 public:
  ClassicElevator(const ElevatorEnv& env, std::string_view name, DiskPolicyKind kind);
  ~ClassicElevator() override;
  std::string_view Name() const override { return name_; }

  DiskPolicy& policy() { return policy_; }
  bool NeedsEstimator() const { return policy_.NeedsEstimator(); }

  // For tests: the requests waiting here (not yet on the dispatch list), in
  // arrival order.
  template <class F>
  void ForEachWaiting(F&& f) const {
    for (const Request& rq : fifo_) f(rq);
  }
  // For tests: true when dispatch goes through the ordered index.
  bool indexed() const { return indexed_; }

 protected:
  void ElvAddRequest(Request& rq, Time) override;
  int ElvDispatch(Time now, bool force) override;
  void ElvMerged(Request& rq, MergeType type) override;
  void ElvMergeRequests(Request&, Request& next) override;
  Request* ElvFormer(Request& rq) override;
  Request* ElvLatter(Request& rq) override;

 private:
  using Fifo =
      boost::intrusive::list<Request,
                             boost::intrusive::member_hook<Request, ListHook, &Request::fifo_hook>>;
  // (sort_key, arrival_seq): unique per waiting request.
  struct ByStart {
    bool operator()(const Request& a, const Request& b) const {
      return a.sort_key != b.sort_key ? a.sort_key < b.sort_key : a.arrival_seq < b.arrival_seq;
    }
  };
  using Index =
      boost::intrusive::set<Request,
                            boost::intrusive::member_hook<Request, SetHook, &Request::sort_hook>,
                            boost::intrusive::compare<ByStart>>;

  // Takes `rq` off the list and the index; returns the index entry that
  // followed it (end() if none or not indexed).
  Index::const_iterator Unlink(Request& rq);
  // index_.lower_bound(sector): the first entry with start >= sector,
  // remembered until the index changes.
  Index::const_iterator LowerBound(uint64_t sector) const;

  // OrderedDiskQueue over fifo_ and index_.
  Handle Oldest() const override;
  Handle Lowest() const override;
  Handle AtOrAbove(uint64_t sector) const override;
  Handle Below(uint64_t sector) const override;
  DiskCandidate Candidate(Handle h) const override;

  std::string_view name_;
  DiskPolicy policy_;
  const bool indexed_;  // clook, look, sstf: index_ is kept
  int64_t weight_ = 0;  // aged-sptf's tunable
  uint64_t next_seq_ = 0;
  Fifo fifo_;
  Index index_;
  mutable Index::const_iterator lb_;
  mutable uint64_t lb_sector_ = 0;
  mutable bool lb_valid_ = false;
  // The index entry that followed the last dispatched request, while that
  // entry is still in the index (a hint for LowerBound, checked before use).
  Index::const_iterator next_;
  bool next_valid_ = false;
  std::vector<DiskCandidate> scratch_;
  std::vector<Request*> scratch_rq_;
};

}  // namespace iosched

#endif  // IOSCHED_SRC_CLASSIC_ELEVATOR_H_
