// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ElvCore: the 2.6 block-layer elevator framework (docs/elevators.md#core), written
// once and shared by the 2.6 elevators (noop, deadline, anticipatory, cfq).
//
// It owns what `block/elevator.c` owns:
//   - the merge lookup order (§2.2): the one-entry `last_merge` cache, the
//     back-merge hash keyed by end sector, then the elevator's own front-merge
//     lookup; a merge refused for size falls through to a new request;
//   - post-merge coalescing with the elevator's former/latter neighbour;
//   - the core dispatch list with dispatch_sort / dispatch_add_tail and the
//     boundary (`end_sector`) they sort against (§2.3);
//   - requeue to the head of the dispatch list (§2.5).
//
// An elevator derives from ElvCore and implements the kernel hooks named
// Elv*; it moves requests to the dispatch list with DispatchSort() or
// DispatchAddTail(). Dispatch() hands out the head of the dispatch list and
// calls ElvDispatch() only when that list is empty.
//
// Thread-safety: none (see elevator.h).

#ifndef IOSCHED_SRC_ELV_CORE_H_
#define IOSCHED_SRC_ELV_CORE_H_

#include <boost/intrusive/list.hpp>
#include <boost/intrusive/unordered_set.hpp>
#include <vector>

#include "iosched/elevator.h"

namespace iosched {

enum class MergeType { kFront, kBack };

// Bits of Request::elv_flags owned by the core. Elevators use bits >= 8.
inline constexpr uint32_t kRqSorted = 1u << 0;       // held by the elevator (REQ_SORTED)
inline constexpr uint32_t kRqSoftBarrier = 1u << 1;  // requeued: not passable

class ElvCore : public Elevator {
 public:
  explicit ElvCore(const ElevatorEnv& env);
  ~ElvCore() override;

  Request* Add(Request& rq, Time now) final;
  Decision Dispatch(Time now, bool force) final;
  void Activate(Request& unit, Time now) final { ElvActivate(unit, now); }
  void Requeue(Request& unit, Time now) final;
  bool Empty() const final { return dispatch_.empty() && sorted_ == 0; }
  size_t Pending() const final { return dispatch_.size() + sorted_; }

  // For tests: the core's one-entry merge cache.
  const Request* last_merge() const { return last_merge_; }

 protected:
  // ---- Hooks (kernel elevator_ops) ------------------------------------
  // Front-merge lookup: a queued unit whose start() == bio.sector +
  // bio.sectors, or nullptr. The core checks validity and size.
  virtual Request* ElvMerge(const Request& /*bio*/) { return nullptr; }
  // Veto a bio merge into `unit` (CFQ).
  virtual bool ElvAllowMerge(const Request& /*unit*/, const Request& /*bio*/) const { return true; }
  // A bio was merged into `unit` (unit's start moved on a front merge).
  virtual void ElvMerged(Request& /*unit*/, MergeType /*type*/) {}
  // `next` (which started at unit's old end) was coalesced into `unit` and
  // must leave every container of the elevator.
  virtual void ElvMergeRequests(Request& unit, Request& next) = 0;
  // Sorted insertion of a new unit.
  virtual void ElvAddRequest(Request& rq, Time now) = 0;
  // Move requests to the dispatch list; return how many moved (0: nothing,
  // perhaps on purpose).
  virtual int ElvDispatch(Time now, bool force) = 0;
  // Neighbours in the elevator's order, for coalescing.
  virtual Request* ElvFormer(Request& rq) = 0;
  virtual Request* ElvLatter(Request& rq) = 0;
  // blk-mq (docs/elevators-mq.md): `gone` was absorbed by a neighbour in a
  // coalescing merge, after ElvMergeRequests; the kernel frees it
  // (finish_request). The dispatcher is told as well.
  virtual void ElvAbsorbed(Request& /*gone*/, Time /*now*/) {}
  // blk-mq requeue: return true after taking `unit` back as an at-head
  // insert into the elevator's own lists (the core then counts it as held
  // again, not merge-able); false (the 2.6 default) puts it at the head of
  // the core dispatch list.
  virtual bool ElvRequeueAtHead(Request& /*unit*/, Time /*now*/) { return false; }
  virtual void ElvActivate(Request& /*unit*/, Time /*now*/) {}
  virtual void ElvDeactivate(Request& /*unit*/, Time /*now*/) {}

  // ---- Primitives for elevators ---------------------------------------
  // Moves `rq` (held by the elevator, already unlinked from the elevator's
  // own containers) to the dispatch list, sorted against the boundary.
  void DispatchSort(Request& rq);
  // Appends `rq` to the dispatch list and makes it the boundary.
  void DispatchAddTail(Request& rq);
  bool DispatchListEmpty() const { return dispatch_.empty(); }
  // Time of the event being handled (Add/Dispatch/Complete callers set it).
  Time now() const { return now_; }
  void set_now(Time t) { now_ = t; }

 private:
  struct EndKey {
    using type = uint64_t;
    uint64_t operator()(const Request& r) const { return r.end(); }
  };
  // The kernel hashes the end sector with hash_long (multiplicative). An
  // identity hash under power-of-two buckets would use 1/8 of the buckets
  // for 4 KiB-aligned requests (ends are multiples of 8 sectors) and make
  // every erase walk a long chain: mix the bits the same way.
  struct EndHash {
    size_t operator()(uint64_t end) const {
      const uint64_t x = end * 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio
      return static_cast<size_t>(x ^ (x >> 32));
    }
  };
  using HashSet = boost::intrusive::unordered_multiset<
      Request, boost::intrusive::member_hook<Request, HashHook, &Request::hash_hook>,
      boost::intrusive::key_of_value<EndKey>, boost::intrusive::hash<EndHash>,
      boost::intrusive::store_hash<true>, boost::intrusive::power_2_buckets<true>>;
  using DispatchList =
      boost::intrusive::list<Request,
                             boost::intrusive::member_hook<Request, ListHook, &Request::list_hook>,
                             boost::intrusive::constant_time_size<true>>;

  bool MergeOk(const Request& unit, const Request& bio) const;
  Request* BackMerge(Request& unit, Request& bio);
  Request* FrontMerge(Request& unit, Request& bio);
  // Coalesces `lo` with `hi` (lo.end() == hi.start()); true if done.
  bool AttemptMerge(Request& lo, Request& hi);
  void HashAdd(Request& rq);
  void HashDel(Request& rq);
  Request* HashFind(uint64_t end, const Request& bio);
  void LeaveElevator(Request& rq);

  std::vector<HashSet::bucket_type> buckets_;
  HashSet hash_;
  DispatchList dispatch_;
  Request* last_merge_ = nullptr;
  Request* boundary_ = nullptr;
  uint64_t end_sector_ = 0;
  size_t sorted_ = 0;
  Time now_{0};
};

}  // namespace iosched

#endif  // IOSCHED_SRC_ELV_CORE_H_
