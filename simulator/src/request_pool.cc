// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "request_pool.h"

#include <cassert>

namespace iosched::sim {
namespace {

void ResetRequest(Request& r, void* user) {
  r.id = 0;
  r.op = Op::kRead;
  r.sync = true;
  r.sector = 0;
  r.sectors = 0;
  r.stream = 0;
  r.prio = IoPrio{};
  r.arrival = Time{0};
  r.fd = -1;
  r.offset = 0;
  r.length = 0;
  r.buffer = nullptr;
  r.user = user;
  r.error = 0;
  r.bytes_done = 0;
  r.issued = Time{0};
  r.fifo_time = 0;
  r.passovers = 0;
  r.sort_key = 0;
  r.elv_queue = nullptr;
  r.elv_flags = 0;
  r.ResetUnit();
  r.set_state(RequestState::kNew);
}

}  // namespace

RequestSlot* RequestPool::Acquire() {
  if (free_ == nullptr) {
    chunks_.push_back(std::make_unique<RequestSlot[]>(chunk_));
    RequestSlot* c = chunks_.back().get();
    for (size_t i = chunk_; i-- > 0;) {
      c[i].next = free_;
      free_ = &c[i];
    }
  }
  RequestSlot* s = free_;
  free_ = s->next;
  s->next = nullptr;
  s->trace_time_ns = 0;
  s->response_ns.reset();
  s->think_ns.reset();
  s->completions = 0;
  s->live = true;
  ResetRequest(s->rq, s);
  ++live_;
  return s;
}

void RequestPool::Release(RequestSlot* slot) {
  assert(slot->live);
  slot->live = false;
  slot->next = free_;
  free_ = slot;
  --live_;
}

const RequestSlot* RequestPool::FirstLive() const {
  for (const auto& c : chunks_) {
    for (size_t i = 0; i < chunk_; ++i) {
      if (c[i].live) return &c[i];
    }
  }
  return nullptr;
}

}  // namespace iosched::sim
