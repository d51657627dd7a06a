// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Dispatcher: the one state machine shared by the simulator and the real
// O_DIRECT path (docs/architecture.md#dispatcher). It owns no clock and no I/O:
//
//   arrival     → Elevator::Add
//   then, while fewer than `depth` units are in flight → Elevator::Dispatch
//                 → Device::Issue
//   completion  → Elevator::Complete, fan out to every member, dispatch again
//   timer       → Elevator::Timer, dispatch again
//
// blk-mq frame (docs/elevators-mq.md), inert for the 2.6 elevators:
//   - with Options::sched_tags, a tag pool of NrRequests(elevator env)
//     tags (tag_pool.h): a request takes a tag on Submit, limited by the
//     elevator's AdmitDepth(); with none free it waits, in arrival order,
//     outside the elevator until a tag is given back (unit completion, or
//     a unit absorbed by a merge); a request merged on arrival gives its
//     tag back at once (a bio merge needs no request);
//   - every unit carries its creation, issue and completion times;
//   - for an elevator with MultiQueue(), a Dispatch that returns nothing
//     while units are pending and the device has room arms a re-run 3 ms
//     later (kMqRepollDelay), re-armed by every such empty Dispatch.
//
// After every event the dispatcher re-arms the device's timer with the
// elevator's TimerDeadline(), so anticipation and slice idling work the same
// against a simulated disk and a real one.
//
// Thread-safety: none. The owner serialises every call (the simulator is
// single-threaded; the real path funnels submissions and completions through
// one thread or one mutex). Device::Issue and Device::ArmTimer must not call
// back into the dispatcher synchronously. Debug builds check that the entry
// points (Submit, Complete, TimerFired, Drain, Plug, Unplug) all run on one
// owner thread; see BindToCurrentThread().

#ifndef IOSCHED_DISPATCHER_H_
#define IOSCHED_DISPATCHER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "iosched/elevator.h"
#include "iosched/request.h"
#include "iosched/tag_pool.h"
#include "iosched/time.h"

namespace iosched {

// A source of "now". Simulated or real.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
};

// Where units go. Implementations: SimDevice (simulator), DirectDevice.
class Device {
 public:
  virtual ~Device() = default;
  // Starts `unit` (and so all its members). The device later calls
  // Dispatcher::Complete(unit) exactly once. The unit's byte range is
  // start()..end() in sectors; its members give the buffers.
  virtual void Issue(Request& unit) = 0;
  // Asks for Dispatcher::TimerFired() at or after `at`, replacing any
  // earlier request; kTimeNever cancels.
  virtual void ArmTimer(Time at) = 0;
};

// Watches what the dispatcher does; metrics and recorders implement it.
// Every hook has an empty default. Called on the dispatcher's thread.
class DispatchObserver {
 public:
  virtual ~DispatchObserver() = default;
  virtual void OnArrival(const Request& /*rq*/, Time /*now*/) {}
  // `rq` merged into `unit` on arrival.
  virtual void OnMerge(const Request& /*rq*/, const Request& /*unit*/, Time /*now*/) {}
  virtual void OnIssue(const Request& /*unit*/, Time /*now*/) {}
  // The queued unit `gone` was absorbed by a neighbouring unit.
  virtual void OnAbsorbed(const Request& /*gone*/, Time /*now*/) {}
  // One member completes. `unit.issued` is when its unit went to the device.
  virtual void OnComplete(const Request& /*member*/, const Request& /*unit*/, Time /*now*/) {}
};

class Dispatcher {
 public:
  struct Options {
    // Units the device may hold at once (>= 1).
    uint32_t depth = 1;
    // Run a blk-mq scheduler-tag pool of NrRequests(elevator.env()) tags.
    bool sched_tags = false;
  };
  // BLK_MQ_BUDGET_DELAY: the re-run after an empty blk-mq Dispatch.
  static constexpr Time kMqRepollDelay = Time{3000000};
  // Called once per member after the member is completed. The callee may
  // reuse or free the request. Runs on the dispatcher's thread.
  using CompletionFn = std::function<void(Request&)>;

  // None of the pointers is owned; all must outlive the dispatcher. The
  // dispatcher installs the elevator's merge-absorbed notice and removes it
  // again in its destructor, so an elevator may outlive its dispatcher and
  // be driven by another one later.
  Dispatcher(Elevator* elevator, Device* device, const Clock* clock, Options options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void set_observer(DispatchObserver* observer) { observer_ = observer; }
  void set_completion(CompletionFn fn) { on_complete_ = std::move(fn); }

  // A request arrives. REQUIRES: rq.sectors > 0 and rq is not held anywhere.
  void Submit(Request& rq);
  // The device finished `unit`. Set `error`/`bytes_done` on the members
  // before calling (members with error == 0 and bytes_done == 0 are taken as
  // fully transferred).
  void Complete(Request& unit);
  // The device's timer fired.
  void TimerFired();
  // The submitter of `stream` has gone (the kernel's exit_icq when a task
  // exits): the elevator drops its per-stream state (Elevator::ContextExit;
  // bfq stops idling for it, cfq and anticipatory forget the io context),
  // then whatever that unblocks is dispatched. Requests of the stream still
  // queued are served as usual.
  void StreamExit(uint32_t stream);
  // Dispatches everything the elevator holds, ignoring idling, as far as the
  // depth allows (forced drain).
  void Drain();
  // Plugging (the 2.6 core's blk_plug): while plugged, arrivals queue in the
  // elevator but nothing is dispatched, so a batch submitted together is
  // sorted and merged as a whole. Unplug() dispatches. Plugs do not nest.
  // With a blk-mq elevator (Elevator::MultiQueue) the plug is flushed as
  // the kernel's blk_add_rq_to_plug does: once it holds kPlugFlushCount
  // requests, or when a request of kPlugFlushSectors or more arrives, what
  // it holds may be dispatched, and the plug stays on for what follows.
  static constexpr uint32_t kPlugFlushCount = 32;     // BLK_MAX_REQUEST_COUNT
  static constexpr uint32_t kPlugFlushSectors = 256;  // BLK_PLUG_FLUSH_SIZE, 128 KiB
  void Plug();
  void Unplug();

  // Makes the calling thread the owner: the one thread allowed to call the
  // entry points above (the Scheduler's dispatcher thread, for instance).
  // Without it, debug builds take the first thread that calls an entry point.
  // Debug builds (NDEBUG undefined) abort with a message naming the call when
  // an entry point runs on another thread; release builds do not check.
  void BindToCurrentThread();
  // True on the owner thread, and on every thread while there is no owner.
  bool OnOwnerThread() const;

  uint32_t in_flight() const { return in_flight_; }
  uint64_t submitted() const { return submitted_; }
  uint64_t completed() const { return completed_; }
  // True when nothing is queued, waiting for a tag or in flight.
  bool Idle() const { return in_flight_ == 0 && elevator_->Empty() && waiting_.empty(); }
  // Requests waiting for a scheduler tag; tags in use (0 without a pool).
  size_t waiting_for_tag() const { return waiting_.size(); }
  // Requests that had to wait for a tag so far (0 without a pool).
  uint64_t tag_waits() const { return tag_waits_; }
  uint32_t tags_in_use() const { return tags_ ? tags_->in_use() : 0; }
  // When the pending 3 ms re-run fires, or kTimeNever.
  Time repoll_at() const { return repoll_; }
  Elevator& elevator() { return *elevator_; }

 private:
  // Dispatches while the device has room. `arrival`: run for a request that
  // just arrived, which a plug holds even after a blk-mq flush (only the
  // flush itself, completions and timers dispatch what was flushed).
  void Run(bool force, bool arrival = false);
  void Rearm();
  // Debug builds: aborts unless on the owner thread (binding it if unset).
  void CheckOwnerThread(const char* call);
  // Hands `rq` (holding a tag if there is a pool) to the elevator.
  void Insert(Request& rq, Time now);
  void PutTag(Request& rq);
  // Gives freed tags to waiting requests, oldest first.
  void AdmitWaiting(Time now);

  Elevator* elevator_;
  Device* device_;
  const Clock* clock_;
  Options options_;
  DispatchObserver* observer_ = nullptr;
  CompletionFn on_complete_;
  uint32_t in_flight_ = 0;
  uint64_t submitted_ = 0;
  uint64_t tag_waits_ = 0;
  uint64_t completed_ = 0;
  Time armed_ = kTimeNever;
  bool plugged_ = false;
  uint32_t plugged_count_ = 0;  // requests submitted under the current plug (blk-mq flush)
  bool flushed_ = false;        // the current plug has been flushed at least once
  // The owner thread's tag (the address of a thread_local), or null.
  const void* owner_ = nullptr;
  std::unique_ptr<TagPool> tags_;  // null without Options::sched_tags
  std::deque<Request*> waiting_;   // arrived, no tag yet
  Time repoll_ = kTimeNever;
};

}  // namespace iosched

#endif  // IOSCHED_DISPATCHER_H_
