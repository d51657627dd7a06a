// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RequestPool: the Requests a replay submits, recycled through a free list.
// The pool grows in chunks of `chunk` slots and never shrinks; a completed
// request goes back to the free list, so a replay in steady state allocates
// nothing per request. Slots never move (chunks are stable arrays), so
// pointers to them stay valid for the pool's life.
//
// A slot carries, next to its Request, what the replay needs to know about
// the trace record it came from, and a completion count used to prove that
// every request completes exactly once. `Request::user` points back at the
// slot.
//
// Thread-safety: none.

#ifndef IOSCHED_SIMULATOR_REQUEST_POOL_H_
#define IOSCHED_SIMULATOR_REQUEST_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "iosched/request.h"

namespace iosched::sim {

struct RequestSlot {
  Request rq;
  RequestSlot* next = nullptr;  // free list, or a replay queue
  // From the trace record (closed-loop think times).
  int64_t trace_time_ns = 0;
  std::optional<int64_t> response_ns;
  std::optional<int64_t> think_ns;
  uint32_t completions = 0;
  bool live = false;  // handed out and not yet released

  static RequestSlot* Of(Request& rq) { return static_cast<RequestSlot*>(rq.user); }
};

class RequestPool {
 public:
  explicit RequestPool(size_t chunk = 256) : chunk_(chunk == 0 ? 1 : chunk) {}
  RequestPool(const RequestPool&) = delete;
  RequestPool& operator=(const RequestPool&) = delete;

  // A slot with a Request reset to its defaults (state kNew, user = slot).
  RequestSlot* Acquire();
  // Returns a slot to the free list. REQUIRES: slot->live.
  void Release(RequestSlot* slot);

  size_t live() const { return live_; }
  size_t capacity() const { return chunks_.size() * chunk_; }
  size_t chunks() const { return chunks_.size(); }
  // The first live slot, or nullptr (for error reports; O(capacity)).
  const RequestSlot* FirstLive() const;

 private:
  size_t chunk_;
  std::vector<std::unique_ptr<RequestSlot[]>> chunks_;
  RequestSlot* free_ = nullptr;
  size_t live_ = 0;
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_REQUEST_POOL_H_
