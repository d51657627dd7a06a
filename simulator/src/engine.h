// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The deterministic discrete-event engine behind Replay.
//
//   EventQueue   min-heap of events ordered by (time, sequence number); the
//                sequence number is assigned at scheduling, so events at the
//                same time run in the order they were scheduled.
//   SimClock     iosched::Clock returning the engine's current time.
//   SimDevice    iosched::Device over a DiskModel: Issue asks the model when
//                the unit completes and schedules a completion event;
//                ArmTimer schedules a timer event tagged with a generation,
//                so a re-armed or cancelled timer's old event is ignored.
//   Simulation   owns the three and runs events: arrivals go to a handler
//                (the replay), completions to Dispatcher::Complete, live
//                timers to Dispatcher::TimerFired.
//
// Time is integer nanoseconds (iosched::Time); it never goes backwards.
// Nothing here allocates per event once the heap has reached its peak size.
//
// Thread-safety: none. One simulation runs on one thread.

#ifndef IOSCHED_SIMULATOR_ENGINE_H_
#define IOSCHED_SIMULATOR_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "drive_queue.h"
#include "iosched/disk_model.h"
#include "iosched/dispatcher.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched::sim {

// kArmFree: a drive queue's arm is released before the unit's completion
// (preseeking, HddQueueParams::preseek_level); the next command starts.
enum class EventKind : uint8_t { kArrival, kCompletion, kTimer, kArmFree };

struct Event {
  Time time{0};
  uint64_t seq = 0;  // scheduling order; breaks ties
  EventKind kind = EventKind::kArrival;
  uint64_t generation = 0;     // timers: the arming this event belongs to
  Request* request = nullptr;  // arrivals and completions
};

class EventQueue {
 public:
  // Adds an event; returns its sequence number.
  uint64_t Push(Time time, EventKind kind, Request* request = nullptr, uint64_t generation = 0);
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // REQUIRES: !empty().
  const Event& top() const { return heap_.front(); }
  Event Pop();

 private:
  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
};

class SimClock final : public Clock {
 public:
  Time Now() const override { return now_; }
  // REQUIRES: t >= Now().
  void AdvanceTo(Time t) { now_ = t; }

 private:
  Time now_{0};
};

// Device-side totals, summed over every unit the model served.
struct DeviceStats {
  uint64_t units = 0;
  uint64_t cache_hits = 0;
  Duration overhead{0}, seek{0}, rotation{0}, transfer{0};
};

class SimDevice final : public Device {
 public:
  // None of the pointers is owned.
  SimDevice(DiskModel* model, EventQueue* events, const SimClock* clock)
      : model_(model), events_(events), clock_(clock) {}

  void Issue(Request& unit) override;
  void ArmTimer(Time at) override;

  // Gives the device a command queue of params.depth (> 1) in front of the
  // model (drive_queue.h): units issued while the model is busy wait there
  // and the queue's policy chooses the next when the model is free.
  void EnableDriveQueue(const HddQueueParams& params, const PositionEstimator* estimator);
  const DriveQueue* drive_queue() const { return queue_.get(); }
  // The engine calls this when `unit`'s completion event runs, before the
  // dispatcher hears of it: with a drive queue the next command starts
  // (unless ArmFree already started it).
  void UnitDone(Request& unit);
  // The engine calls this when `unit`'s arm-free event runs (a drive queue
  // whose model released the arm before the completion): the next starts.
  void ArmFree(Request& unit);

  // With `on`, a device without a drive queue brings the model's background
  // media work up to the completion time whenever a completion leaves it
  // idle (DiskModel::AdvanceTo), so that a host elevator that estimates
  // positioning (sptf, …) and chooses on that completion sees the head and
  // the last media event where they are, as a drive queue's policy does.
  // Off by default: results without such an elevator stay as they were.
  void set_advance_when_idle(bool on) { advance_when_idle_ = on; }

  // True if a timer event of generation `g` is the live one.
  bool TimerLive(uint64_t g) const { return g == timer_generation_ && timer_at_ != kTimeNever; }
  void TimerConsumed() { timer_at_ = kTimeNever; }
  const DeviceStats& stats() const { return stats_; }

  // Called after every served unit (metrics, tests). May be empty.
  using ServiceFn = std::function<void(const Request& unit, const ServiceInfo& info)>;
  void set_service_observer(ServiceFn fn) { on_service_ = std::move(fn); }

 private:
  DiskModel* model_;
  EventQueue* events_;
  const SimClock* clock_;
  uint64_t timer_generation_ = 0;
  Time timer_at_ = kTimeNever;
  DeviceStats stats_;
  ServiceFn on_service_;
  // Drive queueing (nullptr: every unit goes to the model when issued).
  // `arrived`: when a queued unit reached the drive (== now if it did not
  // wait; ignored without a drive queue).
  void Start(Request& unit, Time now, Time arrived);
  void StartNext(Time now);
  std::unique_ptr<DriveQueue> queue_;
  Request* in_service_ = nullptr;
  bool advance_when_idle_ = false;
  uint64_t at_model_ = 0;  // without a queue: units issued, not yet done
};

class Simulation {
 public:
  // `model` is not owned and must outlive the simulation.
  explicit Simulation(DiskModel* model);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Build the Dispatcher with &device() and &clock(), then Attach it.
  void Attach(Dispatcher* dispatcher) { dispatcher_ = dispatcher; }
  using ArrivalFn = std::function<void(Request&)>;
  void set_arrival_handler(ArrivalFn fn) { on_arrival_ = std::move(fn); }

  const SimClock& clock() const { return clock_; }
  SimDevice& device() { return device_; }
  Time now() const { return clock_.Now(); }

  // Schedules `rq`'s arrival. Times before now() are moved to now().
  void ScheduleArrival(Time at, Request* rq);

  // Runs the next event. Returns false, doing nothing, when none is left.
  bool Step();
  uint64_t events_run() const { return events_run_; }
  size_t pending_events() const { return events_.size(); }

 private:
  SimClock clock_;
  EventQueue events_;
  SimDevice device_;
  Dispatcher* dispatcher_ = nullptr;
  ArrivalFn on_arrival_;
  uint64_t events_run_ = 0;
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_ENGINE_H_
