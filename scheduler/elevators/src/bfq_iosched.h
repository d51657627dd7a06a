// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Internals of the BFQ elevator (bfq.cc) that white-box tests reach: the
// B-WF2Q+ engine on its own, and read-only views of a queue and of the
// device-wide state. Private to the elevators library and its tests.
//
// Units: virtual times are the kernel's u64 fixed point (service << 22 /
// weight, compared wrap-safe); service and budgets are 512-byte sectors;
// `*_jiffies` fields are ticks of the elevator's HZ; `*_ns` fields are ns.
//
// Thread-safety: none (see elevator.h).

#ifndef IOSCHED_SRC_BFQ_IOSCHED_H_
#define IOSCHED_SRC_BFQ_IOSCHED_H_

#include <boost/intrusive/list.hpp>
#include <cstdint>
#include <vector>

#include "iosched/elevator.h"

namespace iosched {

// I/O priority classes in lookup order (bfq's ioprio_class - 1).
inline constexpr int kBfqRt = 0;
inline constexpr int kBfqBe = 1;
inline constexpr int kBfqIdle = 2;
inline constexpr int kBfqClasses = 3;

// A schedulable entity (bfq_entity): one per queue, no groups.
struct BfqEntity {
  enum class Where : uint8_t { kNone, kActive, kIdle, kInService };
  uint64_t weight = 40;
  uint64_t budget = 0;   // sectors
  uint64_t service = 0;  // sectors received in the current slot
  uint64_t start = 0, finish = 0;
  int cls = kBfqBe;
  Where where = Where::kNone;
  uint64_t seq = 0;                           // insertion order on the active tree (ties)
  int64_t wr_coeff = 1;                       // divides the back-shift correction
  void* owner = nullptr;                      // the bfq_queue, opaque to the engine
  boost::intrusive::list_member_hook<> hook;  // active or idle tree
};

// B-WF2Q+ over the three class service trees (bfq-wf2q.c without groups).
// The trees are lists scanned linearly: with a queue per stream they hold
// tens of entries, and a scan touches one cache line per entry.
class BfqScheduler {
 public:
  // `on_forget(ctx, e)` runs when `e` leaves every tree (its weight left
  // wsum); the owner may then free it.
  using ForgetFn = void (*)(void* ctx, BfqEntity& e);
  BfqScheduler(ForgetFn on_forget, void* ctx) : on_forget_(on_forget), ctx_(ctx) {}
  ~BfqScheduler();
  BfqScheduler(const BfqScheduler&) = delete;
  // Unlinks every entity from the trees without bookkeeping (no forget
  // callbacks): for an owner about to free its entities.
  void UnlinkAll();
  BfqScheduler& operator=(const BfqScheduler&) = delete;

  // (s << 22) / w.
  static uint64_t Delta(uint64_t service, uint64_t weight);

  // __bfq_activate_entity: `e` (not in service, maybe on the idle tree)
  // becomes active with `weight` in class `cls`. `non_blocking_wait`: it
  // resumes after an idling-type expiry (back-shift allowed).
  void Activate(BfqEntity& e, bool non_blocking_wait, uint64_t weight, int cls);
  // __bfq_requeue_entity: the in-service entity goes back on its active
  // tree (finish from the service received, then a new budget), or an
  // active entity whose budget changed is re-positioned.
  void Requeue(BfqEntity& e, uint64_t weight, int cls);
  // __bfq_deactivate_entity: finish from the service received; onto the
  // idle tree if still ahead of the virtual time (and `to_idle`), else
  // forgotten.
  void Deactivate(BfqEntity& e, bool to_idle);
  // bfq_bfqq_served: charge `s` sectors to `e` and its class's vtime.
  void Served(BfqEntity& e, uint64_t s);
  // The weight of an entity in service or on a tree changes now.
  void SetWeight(BfqEntity& e, uint64_t weight);
  // bfq_get_next_queue: chooses the next entity (the IDLE class first
  // once 200 ms of jiffies passed since the last such check), takes it
  // off its active tree and puts it in service. nullptr if none active.
  BfqEntity* Next(int64_t jiffies, int64_t hz);
  // The in-service entity stops being in service (it must have been
  // requeued or deactivated, or is simply dropped here if neither).
  void ClearInService() { in_service_ = nullptr; }
  BfqEntity* in_service() const { return in_service_; }

  uint64_t vtime(int cls) const { return st_[cls].vtime; }
  uint64_t wsum(int cls) const { return st_[cls].wsum; }
  bool ActiveEmpty(int cls) const { return st_[cls].active.empty(); }

 private:
  using List = boost::intrusive::list<
      BfqEntity, boost::intrusive::member_hook<BfqEntity, boost::intrusive::list_member_hook<>,
                                               &BfqEntity::hook>>;
  struct Tree {
    List active, idle;
    uint64_t vtime = 0;
    uint64_t wsum = 0;
  };
  void ActiveInsert(Tree& t, BfqEntity& e);
  void Forget(Tree& t, BfqEntity& e);
  void ForgetIdle(Tree& t);
  void CalcFinish(BfqEntity& e, uint64_t service) { e.finish = e.start + Delta(service, e.weight); }
  void ChangeClassWeight(BfqEntity& e, uint64_t weight, int cls);
  BfqEntity* LookupIn(Tree& t, bool update_vtime);

  Tree st_[kBfqClasses];
  BfqEntity* in_service_ = nullptr;
  uint64_t seq_ = 0;
  int64_t idle_class_last_service_ = 0;  // jiffies
  ForgetFn on_forget_;
  void* ctx_;
};

// Why an in-service queue stopped being served (bfqq_expiration).
enum class BfqExpire : uint8_t {
  kTooIdle,
  kBudgetTimeout,
  kBudgetExhausted,
  kNoMoreRequests,
  kPreempted,
};
const char* BfqExpireName(BfqExpire r);

// One expiry, as logged for tests.
struct BfqExpiry {
  int64_t time_ns;
  uint32_t stream;  // the queue's stream (async queues: UINT32_MAX)
  BfqExpire reason;
  uint64_t charged;     // service charged for the slot, sectors
  uint64_t max_budget;  // the queue's max_budget after the expiry
};

// A view of a stream's sync queue.
struct BfqQueueView {
  bool exists = false;
  uint64_t weight = 0, orig_weight = 0;
  int64_t wr_coeff = 1;
  int64_t wr_cur_max_time_jiffies = 0;
  int64_t soft_rt_next_start_jiffies = 0;
  uint64_t max_budget = 0;
  uint64_t budget = 0, service = 0;
  int64_t budget_timeout_jiffies = 0;
  bool in_service = false;
  bool busy = false;
  bool seeky = false;
  bool has_short_ttime = false;
  int cls = kBfqBe;
};

struct BfqDeviceView {
  uint64_t max_budget = 0;  // bfq_max_budget (sectors)
  uint64_t peak_rate = 0;   // sectors/us << 16
  int32_t hw_tag = -1;
  int64_t budgets_assigned = 0;
  int64_t in_driver = 0;
  int64_t in_service_stream = -1;  // -1 none; async: UINT32_MAX
  int64_t wr_busy_queues = 0;
};

// REQUIRES: `bfq` was made by MakeElevator("bfq…").
BfqQueueView BfqSyncQueue(const Elevator& bfq, uint32_t stream);
BfqQueueView BfqAsyncQueue(const Elevator& bfq, IoClass cls, int level);
BfqDeviceView BfqDevice(const Elevator& bfq);
// Appends every expiry to `log` from now on (nullptr stops).
void BfqSetExpiryLog(Elevator& bfq, std::vector<BfqExpiry>* log);

}  // namespace iosched

#endif  // IOSCHED_SRC_BFQ_IOSCHED_H_
