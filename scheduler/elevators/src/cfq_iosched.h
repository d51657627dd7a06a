// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// CfqElevator: the 2.6.32 CFQ elevator (block/cfq-iosched.c, docs/elevators.md#cfq).
// The algorithm is described at the top of cfq.cc; this header exists so
// that conformance tests (and reports) can look at CFQ's per-queue and
// per-context state by its kernel field names. Applications build the
// elevator through the registry ("cfq") and never need this header.
//
// Thread-safety: none (see elevator.h).

#ifndef IOSCHED_SRC_CFQ_IOSCHED_H_
#define IOSCHED_SRC_CFQ_IOSCHED_H_

#include <array>
#include <boost/intrusive/list.hpp>
#include <boost/intrusive/set.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "elv_core.h"

namespace iosched {

// One CFQ queue (struct cfq_queue). Sync queues belong to a context (or to
// several, after cooperating-queue merging); async queues are shared per
// priority. Allocated per context / priority, never per request.
struct CfqQueue;
// Per-context state (struct cfq_io_context, "cic").
struct CfqContext;

// What may_queue answers (ELV_MQUEUE_*).
enum class CfqMayQueue { kMay, kMust, kNo };

// A snapshot of one queue, for tests and reports. Times are ticks.
struct CfqQueueState {
  bool sync = false;
  IoClass io_class = IoClass::kBestEffort;
  int ioprio = 4;
  bool active = false;
  bool on_rr = false;  // in the service tree (busy)
  int64_t rb_key = 0;
  int64_t slice_end = 0;
  int64_t slice_resid = 0;
  bool slice_new = false;
  bool idle_window = false;
  bool wait_request = false;
  bool coop = false;  // shared by merged contexts
  int dispatched = 0;
  size_t queued = 0;
  uint64_t seek_samples = 0;
  uint64_t seek_mean = 0;
};

// A snapshot of one context.
struct CfqContextState {
  int64_t ttime_samples = 0;
  int64_t ttime_mean = 0;
  int64_t last_end_request = 0;
  bool exited = false;
};

class CfqElevator final : public ElvCore {
 public:
  explicit CfqElevator(const ElevatorEnv& env);
  ~CfqElevator() override;

  std::string_view Name() const override { return "cfq"; }

  void Complete(Request& unit, Time now) override;
  void ContextExit(uint32_t stream, Time now) override;
  Time TimerDeadline() const override;
  void Timer(Time now) override;
  std::vector<std::pair<std::string, int64_t>> Counters() const override;

  // elevator_may_queue_fn. The 2.6 core here has no request-slot admission
  // control, so nothing calls this on the submit path; it is exposed so a
  // caller that models nr_requests can ask (and for tests).
  CfqMayQueue MayQueue(uint32_t stream, bool sync, Time now);

  // ---- Introspection ---------------------------------------------------
  std::optional<CfqQueueState> SyncQueueState(uint32_t stream) const;
  std::optional<CfqQueueState> AsyncQueueState(IoPrio prio) const;
  std::optional<CfqQueueState> ActiveQueueState() const;
  std::optional<CfqContextState> ContextState(uint32_t stream) const;
  // True if `a` and `b` currently submit sync I/O to the same queue.
  bool SharesSyncQueue(uint32_t a, uint32_t b) const;
  bool hw_tag() const { return hw_tag_; }
  int busy_queues() const { return busy_queues_; }
  uint64_t last_position() const { return last_position_; }

 protected:
  Request* ElvMerge(const Request& bio) override;
  bool ElvAllowMerge(const Request& unit, const Request& bio) const override;
  void ElvMerged(Request& unit, MergeType type) override;
  void ElvMergeRequests(Request& unit, Request& next) override;
  void ElvAddRequest(Request& rq, Time now) override;
  int ElvDispatch(Time now, bool force) override;
  Request* ElvFormer(Request& rq) override;
  Request* ElvLatter(Request& rq) override;
  void ElvActivate(Request& unit, Time now) override;
  void ElvDeactivate(Request& unit, Time now) override;

 private:
  // ---- Contexts and queues ----------------------------------------------
  CfqContext* FindContext(uint32_t stream) const;
  CfqContext* GetContext(const Request& rq);
  void ChangedIoprio(CfqContext& cic);
  CfqQueue* NewSyncQueue(const CfqContext& cic);
  CfqQueue* AsyncQueue(IoPrio prio);
  const CfqQueue* FindAsyncQueue(IoPrio prio) const;
  CfqQueue* SetRequest(CfqContext& cic, bool sync);
  void InitPrioData(CfqQueue& q, const CfqContext& cic);
  void SetupMerge(CfqQueue* q, CfqQueue* new_q);
  CfqQueue* MergeCfqqs(CfqContext& cic, CfqQueue* q);
  void PutCooperator(CfqQueue* q);
  void MaybeFree(CfqQueue* q);
  CfqQueueState StateOf(const CfqQueue& q) const;

  // ---- Requests within a queue ------------------------------------------
  Request* ChooseReq(Request* rq1, Request* rq2, uint64_t last) const;
  Request* FindNextRq(CfqQueue& q, Request& last);
  void AddRqRb(Request& rq);
  void DelRqRb(Request& rq);
  void RemoveRequest(Request& rq);
  void DispatchInsert(Request& rq);
  Request* CheckFifo(CfqQueue& q);

  // ---- Service tree and prio trees --------------------------------------
  int64_t PrioSlice(bool sync, int prio) const;
  int64_t PrioToSlice(const CfqQueue& q) const;
  int64_t PrioToMaxRq(const CfqQueue& q) const;
  void ServiceTreeAdd(CfqQueue& q, bool add_front);
  void ResortRrList(CfqQueue& q);
  void AddCfqqRr(CfqQueue& q);
  void DelCfqqRr(CfqQueue& q);
  void PrioTreeAdd(CfqQueue& q);
  void PrioTreeDel(CfqQueue& q);
  CfqQueue* CfqqClose(CfqQueue& cur);
  CfqQueue* CloseCooperator(CfqQueue& cur);
  bool RqClose(const CfqQueue& active, uint64_t pos) const;

  // ---- Slices, dispatch, idling -----------------------------------------
  bool SliceUsed(const CfqQueue& q) const;
  void SetActiveQueue(CfqQueue* q);
  void SliceExpired(bool timed_out);
  CfqQueue* SelectQueue();
  bool MayDispatch(CfqQueue& q) const;
  void DispatchRequest(CfqQueue& q);
  int ForcedDispatch();
  void RqEnqueued(CfqQueue& q, Request& rq, CfqContext& cic);
  bool ShouldPreempt(CfqQueue& new_q, const Request& rq) const;
  void PreemptQueue(CfqQueue& q);
  void UpdateThinkTime(CfqContext& cic);
  void UpdateSeekTime(CfqQueue& q, const Request& rq);
  void UpdateIdleWindow(CfqQueue& q, const CfqContext& cic);
  void UpdateHwTag();
  void ArmSliceTimer();
  void DelTimer() { timer_tick_ = -1; }
  bool TimerPending() const { return timer_tick_ >= 0; }
  int RqInDriver() const { return rq_in_driver_[0] + rq_in_driver_[1]; }

  // ---- Tunables (sysfs names; time tunables stored in ticks) -------------
  int64_t quantum_ = 4;
  int64_t fifo_expire_[2];  // [async, sync]
  int64_t back_seek_max_ = 16 * 1024;
  int64_t back_seek_penalty_ = 2;
  int64_t slice_[2];  // [async, sync]
  int64_t slice_async_rq_ = 2;
  int64_t slice_idle_;
  int64_t low_latency_ = 1;
  // Library options (not kernel tunables).
  int64_t queue_merging_ = 1;         // cfq_queue_merging
  int64_t idle_timer_timed_out_ = 0;  // 1 fixes the idle-timer timed_out quirk

  // ---- Device state (struct cfq_data) ------------------------------------
  struct Impl;  // contexts, queues, service tree, prio trees
  std::unique_ptr<Impl> impl_;

  int64_t jiffies_ = 0;
  CfqQueue* active_ = nullptr;
  CfqContext* active_cic_ = nullptr;
  int busy_queues_ = 0;
  int rq_in_driver_[2] = {0, 0};
  int sync_flight_ = 0;
  int64_t rq_queued_ = 0;
  bool hw_tag_ = true;
  int hw_tag_samples_ = 0;
  int rq_in_driver_peak_ = 0;
  uint64_t last_position_ = 0;
  int64_t last_end_sync_rq_ = 0;
  int64_t timer_tick_ = -1;  // idle_slice_timer expiry, -1: not pending

  // Counters.
  int64_t n_slices_ = 0;
  int64_t n_idle_hits_ = 0;
  int64_t n_idle_timeouts_ = 0;
  int64_t n_preemptions_ = 0;
  int64_t n_expired_served_ = 0;
  int64_t n_cooperators_ = 0;
  int64_t n_queue_merges_ = 0;
  int64_t n_queue_splits_ = 0;
  int64_t n_aliases_ = 0;
  int64_t n_forced_ = 0;
  int64_t n_async_cap_ = 0;
};

}  // namespace iosched

#endif  // IOSCHED_SRC_CFQ_IOSCHED_H_
