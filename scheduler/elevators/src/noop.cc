// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// noop (2.6.32 block/noop-iosched.c, docs/elevators.md#noop): one FIFO, no
// tunables, no timers. Merges happen only through the core (back merges via
// the hash and the last_merge cache, front merges only via last_merge), and
// coalescing only with FIFO neighbours. Dispatch takes the FIFO head and
// dispatch_sorts it, which cannot reorder when the device pulls one unit at
// a time.

#include <boost/intrusive/list.hpp>

#include "builtin_elevators.h"
#include "elv_core.h"

namespace iosched {
namespace {

class NoopElevator final : public ElvCore {
 public:
  explicit NoopElevator(const ElevatorEnv& env) : ElvCore(env) {}
  ~NoopElevator() override { fifo_.clear(); }
  std::string_view Name() const override { return "noop"; }

 protected:
  void ElvAddRequest(Request& rq, Time) override { fifo_.push_back(rq); }

  int ElvDispatch(Time, bool) override {
    if (fifo_.empty()) return 0;
    Request& rq = fifo_.front();
    fifo_.pop_front();
    DispatchSort(rq);
    return 1;
  }

  void ElvMergeRequests(Request&, Request& next) override { fifo_.erase(fifo_.iterator_to(next)); }

  Request* ElvFormer(Request& rq) override {
    auto it = fifo_.iterator_to(rq);
    return it == fifo_.begin() ? nullptr : &*std::prev(it);
  }
  Request* ElvLatter(Request& rq) override {
    auto it = std::next(fifo_.iterator_to(rq));
    return it == fifo_.end() ? nullptr : &*it;
  }

 private:
  using Fifo =
      boost::intrusive::list<Request,
                             boost::intrusive::member_hook<Request, ListHook, &Request::fifo_hook>>;
  Fifo fifo_;
};

}  // namespace

std::unique_ptr<Elevator> NewNoopElevator(const ElevatorEnv& env) {
  return std::make_unique<NoopElevator>(env);
}

}  // namespace iosched
