// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "engine.h"

#include <algorithm>
#include <cassert>

namespace iosched::sim {
namespace {

// std::push_heap builds a max-heap; "later" events compare greater-than so the
// earliest (time, seq) is on top.
struct Later {
  bool operator()(const Event& a, const Event& b) const {
    if (a.time != b.time) return a.time > b.time;
    return a.seq > b.seq;
  }
};

}  // namespace

uint64_t EventQueue::Push(Time time, EventKind kind, Request* request, uint64_t generation) {
  const uint64_t seq = next_seq_++;
  heap_.push_back(Event{time, seq, kind, generation, request});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return seq;
}

Event EventQueue::Pop() {
  assert(!heap_.empty());
  // std::pop_heap, without its detour: it swaps the top to the back, sifts
  // the old back down from the root and leaves the copy at the back to be
  // dropped. Here the top is read first (long since written, so the load
  // does not wait on recent stores) and the back goes straight to its
  // place. (time, seq) is a total order, so the events come out in the
  // same order.
  const Event top = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n > 0) {
    size_t i = 0;
    for (size_t c = 1; c < n; c = 2 * i + 1) {
      if (c + 1 < n && Later{}(heap_[c], heap_[c + 1])) ++c;  // the earlier child
      if (!Later{}(last, heap_[c])) break;
      heap_[i] = heap_[c];
      i = c;
    }
    heap_[i] = last;
  }
  return top;
}

// GCC compiles Issue's four sums into stats_ as two 16-byte loads of the
// ServiceInfo that Serve has just written with 8-byte stores, loads the CPU
// cannot forward from its store buffer: a stall per request, 1.5 % of a
// replay (bench/README.md). Scalar additions avoid it.
#if defined(__GNUC__) && !defined(__clang__)
#define IOSCHED_SCALAR_SUMS __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define IOSCHED_SCALAR_SUMS
#endif

void SimDevice::EnableDriveQueue(const HddQueueParams& params, const PositionEstimator* estimator) {
  queue_ = std::make_unique<DriveQueue>(params, estimator);
}

void SimDevice::Issue(Request& unit) {
  const Time now = clock_->Now();
  if (queue_ == nullptr) {
    ++at_model_;
    Start(unit, now, now);
    return;
  }
  queue_->Add(unit, now);
  if (in_service_ == nullptr) StartNext(now);
}

void SimDevice::UnitDone(Request& unit) {
  if (queue_ == nullptr) {
    --at_model_;
    if (advance_when_idle_ && at_model_ == 0) model_->AdvanceTo(clock_->Now());
    return;
  }
  if (in_service_ != &unit) return;
  in_service_ = nullptr;
  if (!queue_->empty()) StartNext(clock_->Now());
}

void SimDevice::ArmFree(Request& unit) {
  if (queue_ == nullptr || in_service_ != &unit) return;
  in_service_ = nullptr;
  if (!queue_->empty()) StartNext(clock_->Now());
}

void SimDevice::StartNext(Time now) {
  model_->AdvanceTo(now);  // the choice sees the head where it is now
  Time arrived = now;
  Request& unit = queue_->Take(now, &arrived);
  Start(unit, now, arrived);
}

IOSCHED_SCALAR_SUMS void SimDevice::Start(Request& unit, Time now, Time arrived) {
  ServiceInfo info;
  if (queue_ == nullptr) {
    info = model_->Serve(unit.op, unit.start(), unit.nr_sectors(), now);
  } else {
    in_service_ = &unit;
    info = model_->ServeQueued(unit.op, unit.start(), unit.nr_sectors(), now, arrived);
  }
  assert(info.complete >= now);
  ++stats_.units;
  if (info.cache_hit) ++stats_.cache_hits;
  stats_.overhead += info.overhead;
  stats_.seek += info.seek;
  stats_.rotation += info.rotation;
  stats_.transfer += info.transfer;
  if (on_service_) on_service_(unit, info);
  events_->Push(std::max(info.complete, now), EventKind::kCompletion, &unit);
  if (queue_ != nullptr && info.arm_free > Time{0} && info.arm_free < info.complete) {
    events_->Push(std::max(info.arm_free, now), EventKind::kArmFree, &unit);
  }
}

void SimDevice::ArmTimer(Time at) {
  ++timer_generation_;
  timer_at_ = at;
  if (at == kTimeNever) return;
  events_->Push(std::max(at, clock_->Now()), EventKind::kTimer, nullptr, timer_generation_);
}

Simulation::Simulation(DiskModel* model) : device_(model, &events_, &clock_) {
  const HddQueueParams* q = model->queue_params();
  if (q != nullptr && q->depth > 1) device_.EnableDriveQueue(*q, model->position_estimator());
}

void Simulation::ScheduleArrival(Time at, Request* rq) {
  events_.Push(std::max(at, clock_.Now()), EventKind::kArrival, rq);
}

bool Simulation::Step() {
  if (events_.empty()) return false;
  const Event e = events_.Pop();
  assert(e.time >= clock_.Now());
  clock_.AdvanceTo(e.time);
  ++events_run_;
  switch (e.kind) {
    case EventKind::kArrival:
      if (on_arrival_) on_arrival_(*e.request);
      break;
    case EventKind::kCompletion:
      assert(dispatcher_ != nullptr);
      device_.UnitDone(*e.request);
      dispatcher_->Complete(*e.request);
      break;
    case EventKind::kArmFree:
      device_.ArmFree(*e.request);
      break;
    case EventKind::kTimer:
      if (device_.TimerLive(e.generation)) {
        device_.TimerConsumed();
        assert(dispatcher_ != nullptr);
        dispatcher_->TimerFired();
      }
      break;
  }
  return true;
}

}  // namespace iosched::sim
