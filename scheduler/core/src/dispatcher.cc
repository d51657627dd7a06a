// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/dispatcher.h"

#include <algorithm>
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
  if (options_.sched_tags) tags_ = std::make_unique<TagPool>(NrRequests(elevator_->env()));
  elevator_->set_on_absorbed([this](Request& gone, Time now) {
    PutTag(gone);
    if (observer_) observer_->OnAbsorbed(gone, now);
  });
}

Dispatcher::~Dispatcher() { elevator_->set_on_absorbed(nullptr); }

void Dispatcher::BindToCurrentThread() { owner_ = CurrentThreadTag(); }

bool Dispatcher::OnOwnerThread() const { return owner_ == nullptr || owner_ == CurrentThreadTag(); }

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
  rq.created = now;
  rq.error = 0;
  rq.bytes_done = 0;
  rq.sched_tag = -1;
  rq.ResetUnit();
  rq.set_state(RequestState::kQueued);
  ++submitted_;
  if (observer_) observer_->OnArrival(rq, now);
  if (tags_) {
    // blk_mq_get_new_requests: the elevator may limit the depth; with no
    // tag free the submitter sleeps.
    rq.sched_tag = tags_->Get(elevator_->AdmitDepth(rq));
    if (rq.sched_tag < 0) {
      waiting_.push_back(&rq);
      ++tag_waits_;
      Rearm();
      return;
    }
  }
  Insert(rq, now);
  if (plugged_ && elevator_->MultiQueue() &&
      (++plugged_count_ >= kPlugFlushCount || rq.sectors >= kPlugFlushSectors)) {
    // Flushed: what the plug held is the scheduler's now, dispatched as the
    // device takes it; the plug stays on for what follows.
    plugged_count_ = 0;
    flushed_ = true;
    Run(/*force=*/false);
    return;
  }
  Run(/*force=*/false, /*arrival=*/true);
}

void Dispatcher::Insert(Request& rq, Time now) {
  Request* unit = elevator_->Add(rq, now);
  if (unit != nullptr) {
    PutTag(rq);  // merged as a bio: no request was needed
    if (observer_) observer_->OnMerge(rq, *unit, now);
  }
}

void Dispatcher::PutTag(Request& rq) {
  if (rq.sched_tag >= 0) {
    tags_->Put(rq.sched_tag);
    rq.sched_tag = -1;
  }
}

void Dispatcher::AdmitWaiting(Time now) {
  // Each waiter may have its own depth limit: a sync read may pass an
  // async write that cannot use the freed tag.
  for (auto it = waiting_.begin(); it != waiting_.end() && tags_->in_use() < tags_->size();) {
    Request& rq = **it;
    const int32_t tag = tags_->Get(elevator_->AdmitDepth(rq));
    if (tag < 0) {
      ++it;
      continue;
    }
    rq.sched_tag = tag;
    // blk_mq_rq_ctx_init: start_time_ns is stamped once the request has its
    // tag, so the time spent waiting for one is no part of the request's
    // latency as the elevator sees it (Kyber's TOTAL histogram).
    rq.created = now;
    it = waiting_.erase(it);
    Insert(rq, now);
  }
}

void Dispatcher::Complete(Request& unit) {
  IOSCHED_CHECK_OWNER_THREAD("Complete");
  const Time now = clock_->Now();
  assert(unit.state() == RequestState::kInFlight);
  assert(in_flight_ > 0);
  --in_flight_;
  unit.completed_at = now;
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
    m->completed_at = now;
    if (tags_) PutTag(*m);
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
  if (tags_ && !waiting_.empty()) AdmitWaiting(now);
  Run(/*force=*/false);
}

void Dispatcher::TimerFired() {
  IOSCHED_CHECK_OWNER_THREAD("TimerFired");
  const Time now = clock_->Now();
  armed_ = kTimeNever;
  if (repoll_ <= now) repoll_ = kTimeNever;
  if (elevator_->TimerDeadline() <= now) elevator_->Timer(now);
  Run(/*force=*/false);
}

void Dispatcher::StreamExit(uint32_t stream) {
  IOSCHED_CHECK_OWNER_THREAD("StreamExit");
  elevator_->ContextExit(stream, clock_->Now());
  Run(/*force=*/false);
}

void Dispatcher::Drain() {
  IOSCHED_CHECK_OWNER_THREAD("Drain");
  plugged_ = false;
  flushed_ = false;
  Run(/*force=*/true);
}

void Dispatcher::Plug() {
  IOSCHED_CHECK_OWNER_THREAD("Plug");
  plugged_ = true;
  plugged_count_ = 0;
  flushed_ = false;
}

void Dispatcher::Unplug() {
  IOSCHED_CHECK_OWNER_THREAD("Unplug");
  plugged_ = false;
  flushed_ = false;
  Run(/*force=*/false);
}

void Dispatcher::Run(bool force, bool arrival) {
  const Time now = clock_->Now();
  bool empty_dispatch = false;
  const bool held = plugged_ && (!flushed_ || arrival);
  while (!held && in_flight_ < options_.depth) {
    Decision d = elevator_->Dispatch(now, force);
    if (d.unit == nullptr) {
      empty_dispatch = true;
      break;
    }
    Request& unit = *d.unit;
    ++in_flight_;
    unit.issued = now;
    unit.set_state(RequestState::kInFlight);
    elevator_->Activate(unit, now);
    if (observer_) observer_->OnIssue(unit, now);
    device_->Issue(unit);
  }
  // blk-mq: an elevator that held back work is asked again 3 ms later
  // (mod_delayed_work: each empty Dispatch pushes the re-run out).
  if (empty_dispatch && elevator_->MultiQueue() && elevator_->Pending() > 0) {
    repoll_ = now + kMqRepollDelay;
  }
  Rearm();
}

void Dispatcher::Rearm() {
  Time want = std::min(elevator_->TimerDeadline(), repoll_);
  if (want != armed_) {
    armed_ = want;
    device_->ArmTimer(want);
  }
}

}  // namespace iosched
