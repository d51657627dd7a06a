// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A deterministic, tick-driven harness for elevator conformance tests
// (docs/elevators.md §12.0): a virtual clock, a device with a fixed service time
// and a configurable depth, timers that fire exactly at their tick, and a log
// of every dispatch and completion. It drives the real Dispatcher, so the
// tests exercise the same core the simulator and the O_DIRECT path use.

#ifndef IOSCHED_TESTS_SCHEDULER_HARNESS_H_
#define IOSCHED_TESTS_SCHEDULER_HARNESS_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "iosched/dispatcher.h"
#include "iosched/registry.h"

namespace iosched::testing {

inline Time Tick(int64_t t) { return Time{t * 1000000}; }  // HZ = 1000

class Harness : public Clock, public Device {
 public:
  struct Event {
    int64_t tick;
    uint64_t sector;  // unit start
    uint32_t sectors;
    Op op;
    uint32_t stream;
    uint64_t id;  // id of the unit's request
  };

  // `service_ticks`: how long the device takes per unit (0 = instant at the
  // next Run). `depth`: units in flight at once. `nr_requests` > 0 runs a
  // blk-mq scheduler-tag pool of that many tags (Dispatcher::Options).
  // `rotational` = false builds the elevator for an SSD (ElevatorEnv).
  explicit Harness(const std::string& spec, int64_t service_ticks = 1, uint32_t depth = 1,
                   uint32_t nr_requests = 0, bool rotational = true)
      : service_ticks_(service_ticks) {
    ElevatorEnv env;
    env.rotational = rotational;
    env.device_depth = depth;
    env.nr_requests = nr_requests;
    auto e = MakeElevator(spec, env);
    EXPECT_TRUE(e.ok()) << e.status();
    elevator_ = std::move(e).value();
    dispatcher_ = std::make_unique<Dispatcher>(elevator_.get(), this, this,
                                               Dispatcher::Options{depth, nr_requests > 0});
    dispatcher_->set_completion([this](Request& r) {
      ++completions_[r.id];
      completed_ids_.push_back(r.id);
      if (on_complete_) on_complete_(r);
    });
  }

  // The elevator and the dispatcher go first: requests still queued at the
  // end of a test are unlinked while they are alive.
  ~Harness() override {
    dispatcher_.reset();
    elevator_.reset();
  }

  // Optional hook run after each member's completion is recorded, at the
  // completion tick (closed-loop workloads submit their next request here).
  void set_on_complete(std::function<void(Request&)> fn) { on_complete_ = std::move(fn); }

  // Clock.
  Time Now() const override { return now_; }

  // Device.
  void Issue(Request& unit) override {
    dispatched_.push_back(
        {now_.count() / 1000000, unit.start(), unit.nr_sectors(), unit.op, unit.stream, unit.id});
    // Normally `service_ticks` after the issue; with
    // set_complete_on_next_tick(true), at the first tick boundary after it.
    const Time done = complete_on_next_tick_ ? Tick(now_.count() / 1000000 + 1)
                                             : now_ + Tick(service_ticks_);
    in_service_.push_back({done, &unit});
  }
  void ArmTimer(Time at) override { timer_ = at; }

  // Builds a request (owned by the harness) without submitting it.
  Request& Make(Op op, uint64_t sector, uint32_t sectors = 8, uint32_t stream = 1) {
    auto r = std::make_unique<Request>();
    r->id = next_id_++;
    r->op = op;
    r->sync = op == Op::kRead;
    r->sector = sector;
    r->sectors = sectors;
    r->stream = stream;
    requests_.push_back(std::move(r));
    return *requests_.back();
  }
  // Submits at the current time. Returns the request.
  Request& Submit(Op op, uint64_t sector, uint32_t sectors = 8, uint32_t stream = 1) {
    Request& r = Make(op, sector, sectors, stream);
    dispatcher_->Submit(r);
    return r;
  }
  Request& Read(uint64_t sector, uint32_t sectors = 8, uint32_t stream = 1) {
    return Submit(Op::kRead, sector, sectors, stream);
  }
  Request& Write(uint64_t sector, uint32_t sectors = 8, uint32_t stream = 1) {
    return Submit(Op::kWrite, sector, sectors, stream);
  }
  // A write flagged synchronous (O_DIRECT / O_SYNC): sync class for AS/CFQ.
  Request& SyncWrite(uint64_t sector, uint32_t sectors = 8, uint32_t stream = 1) {
    Request& r = Make(Op::kWrite, sector, sectors, stream);
    r.sync = true;
    dispatcher_->Submit(r);
    return r;
  }
  // The io context `stream` exits (process exit) at the current time.
  void ContextExit(uint32_t stream) { elevator_->ContextExit(stream, now_); }

  // Advances time to `tick`, delivering completions and timers in order.
  void RunUntil(int64_t tick) { RunUntilTime(Tick(tick)); }
  // The same to any nanosecond `limit` (for tests of sub-tick arrivals).
  void RunUntilTime(Time limit) {
    while (true) {
      Time next = kTimeNever;
      for (auto& [t, u] : in_service_) next = std::min(next, t);
      next = std::min(next, timer_);
      if (next > limit) break;
      now_ = std::max(now_, next);
      // Completions first (in issue order), then the timer.
      bool did = false;
      for (auto it = in_service_.begin(); it != in_service_.end(); ++it) {
        if (it->first <= now_) {
          Request* u = it->second;
          in_service_.erase(it);
          dispatcher_->Complete(*u);
          did = true;
          break;
        }
      }
      if (!did && timer_ <= now_) {
        timer_ = kTimeNever;
        dispatcher_->TimerFired();
      }
    }
    now_ = std::max(now_, limit);
  }
  // Runs until nothing is in service or timed (bounded by `max_tick`).
  void RunToEnd(int64_t max_tick = 1000000) { RunUntil(max_tick); }

  std::vector<uint64_t> DispatchedSectors() const {
    std::vector<uint64_t> out;
    for (const Event& e : dispatched_) out.push_back(e.sector);
    return out;
  }
  const std::vector<Event>& dispatched() const { return dispatched_; }
  const std::vector<uint64_t>& completed_ids() const { return completed_ids_; }
  // Every request made completed exactly once.
  void ExpectAllCompletedOnce() const {
    for (const auto& r : requests_) {
      auto it = completions_.find(r->id);
      EXPECT_TRUE(it != completions_.end() && it->second == 1)
          << "request " << r->id << " completed " << (it == completions_.end() ? 0 : it->second)
          << " times";
    }
  }

  Dispatcher& dispatcher() { return *dispatcher_; }
  Elevator& elevator() { return *elevator_; }
  Time timer() const { return timer_; }
  void set_now(int64_t tick) { now_ = Tick(tick); }
  // When true, every unit issued from now on completes at the first tick
  // boundary after its issue (instead of `service_ticks` later): completions
  // stay tick-aligned while arrivals fall between ticks.
  void set_complete_on_next_tick(bool on) { complete_on_next_tick_ = on; }
  void Plug() { dispatcher_->Plug(); }
  void Unplug() { dispatcher_->Unplug(); }

 private:
  int64_t service_ticks_;
  bool complete_on_next_tick_ = false;
  Time now_{0};
  Time timer_ = kTimeNever;
  std::unique_ptr<Elevator> elevator_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::vector<std::unique_ptr<Request>> requests_;
  std::deque<std::pair<Time, Request*>> in_service_;
  std::vector<Event> dispatched_;
  std::vector<uint64_t> completed_ids_;
  std::map<uint64_t, int> completions_;
  std::function<void(Request&)> on_complete_;
  uint64_t next_id_ = 1;
};

}  // namespace iosched::testing

#endif  // IOSCHED_TESTS_SCHEDULER_HARNESS_H_
