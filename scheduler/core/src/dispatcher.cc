// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/dispatcher.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace iosched {
namespace {

// A tag unique to the calling thread, for as long as it runs: the address of
// a thread_local. Cheaper than std::this_thread::get_id(), and keeps <thread>
// out of dispatcher.h.
const void* CurrentThreadTag() {
  static thread_local char tag;
  return &tag;
}

}  // namespace

// Entry points check their thread in debug builds only.
#ifdef NDEBUG
#define IOSCHED_CHECK_OWNER_THREAD(call) static_cast<void>(0)
#else
#define IOSCHED_CHECK_OWNER_THREAD(call) CheckOwnerThread(call)
#endif

Dispatcher::Dispatcher(Elevator* elevator, Device* device, const Clock* clock, Options options)
    : elevator_(elevator), device_(device), clock_(clock), options_(options) {
  if (options_.depth == 0) options_.depth = 1;
}

void Dispatcher::BindToCurrentThread() { owner_ = CurrentThreadTag(); }

bool Dispatcher::OnOwnerThread() const {
  return owner_ == nullptr || owner_ == CurrentThreadTag();
}

void Dispatcher::CheckOwnerThread(const char* call) {
  const void* me = CurrentThreadTag();
  if (owner_ == nullptr) owner_ = me;
  if (owner_ != me) {
    std::fprintf(stderr,
                 "iosched::Dispatcher::%s called on a thread that is not the dispatcher's owner "
                 "(a Dispatcher and its elevator are single-threaded; see dispatcher.h)\n",
                 call);
    std::abort();
  }
}

void Dispatcher::Submit(Request& rq) {
  IOSCHED_CHECK_OWNER_THREAD("Submit");
  const Time now = clock_->Now();
  rq.arrival = now;
  rq.error = 0;
  rq.bytes_done = 0;
  rq.ResetUnit();
  rq.set_state(RequestState::kQueued);
  ++submitted_;
  if (observer_) observer_->OnArrival(rq, now);
  Request* unit = elevator_->Add(rq, now);
  if (unit != nullptr && observer_) observer_->OnMerge(rq, *unit, now);
  Run(/*force=*/false);
}

void Dispatcher::Complete(Request& unit) {
  IOSCHED_CHECK_OWNER_THREAD("Complete");
  const Time now = clock_->Now();
  assert(unit.state() == RequestState::kInFlight);
  assert(in_flight_ > 0);
  --in_flight_;
  elevator_->Complete(unit, now);
  // Fan out in two passes: first mark and observe every member while the
  // chain is intact, then run the callbacks, which may recycle a member (so
  // its successor is read before its callback runs).
  const uint32_t n = unit.member_count();
  Request* first = unit.first_member();
  for (Request* m = first; m != nullptr; m = m->next_member()) {
    if (m->error == 0 && m->bytes_done == 0) {
      m->bytes_done = m->fd >= 0 ? m->length : m->sectors * 512u;
    }
    m->issued = unit.issued;
    m->set_state(RequestState::kCompleted);
    if (observer_) observer_->OnComplete(*m, unit, now);
  }
  completed_ += n;
  if (on_complete_) {
    for (Request* m = first; m != nullptr;) {
      Request* next = m->next_member();
      on_complete_(*m);
      m = next;
    }
  }
  Run(/*force=*/false);
}

void Dispatcher::TimerFired() {
  IOSCHED_CHECK_OWNER_THREAD("TimerFired");
  const Time now = clock_->Now();
  armed_ = kTimeNever;
  if (elevator_->TimerDeadline() <= now) elevator_->Timer(now);
  Run(/*force=*/false);
}

void Dispatcher::Drain() {
  IOSCHED_CHECK_OWNER_THREAD("Drain");
  plugged_ = false;
  Run(/*force=*/true);
}

void Dispatcher::Plug() {
  IOSCHED_CHECK_OWNER_THREAD("Plug");
  plugged_ = true;
}

void Dispatcher::Unplug() {
  IOSCHED_CHECK_OWNER_THREAD("Unplug");
  plugged_ = false;
  Run(/*force=*/false);
}

void Dispatcher::Run(bool force) {
  const Time now = clock_->Now();
  while (!plugged_ && in_flight_ < options_.depth) {
    Decision d = elevator_->Dispatch(now, force);
    if (d.unit == nullptr) break;
    Request& unit = *d.unit;
    ++in_flight_;
    unit.issued = now;
    unit.set_state(RequestState::kInFlight);
    elevator_->Activate(unit, now);
    if (observer_) observer_->OnIssue(unit, now);
    device_->Issue(unit);
  }
  Rearm();
}

void Dispatcher::Rearm() {
  Time want = elevator_->TimerDeadline();
  if (want != armed_) {
    armed_ = want;
    device_->ArmTimer(want);
  }
}

}  // namespace iosched
