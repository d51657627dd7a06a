// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ClassicElevator: the host-side form of the classic disk policies
// (iosched/disk_policy.h): fcfs, sstf, look, clook, sdf, sptf, spctf,
// aged-sptf, satf. Each has its own file (fcfs.cc, …) that only names it.
//
// Requests wait in one arrival-ordered list; the core (elv_core.h) merges
// contiguous ones as for noop. Dispatch hands the policy's choice to the
// dispatch list. The positioning policies ask a PositionEstimator, given
// through SetElevatorPositionEstimator (registry.h); the simulator passes
// its disk model, the real O_DIRECT path has none and refuses them.
//
// Thread-safety: none (see elevator.h).

#ifndef IOSCHED_SRC_CLASSIC_ELEVATOR_H_
#define IOSCHED_SRC_CLASSIC_ELEVATOR_H_

#include <boost/intrusive/list.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "elv_core.h"
#include "iosched/disk_policy.h"

namespace iosched {

class ClassicElevator final : public ElvCore {
 public:
  ClassicElevator(const ElevatorEnv& env, std::string_view name, DiskPolicyKind kind);
  ~ClassicElevator() override { fifo_.clear(); }
  std::string_view Name() const override { return name_; }

  DiskPolicy& policy() { return policy_; }
  bool NeedsEstimator() const { return policy_.NeedsEstimator(); }

 protected:
  void ElvAddRequest(Request& rq, Time) override { fifo_.push_back(rq); }
  int ElvDispatch(Time now, bool force) override;
  void ElvMergeRequests(Request&, Request& next) override { fifo_.erase(fifo_.iterator_to(next)); }
  Request* ElvFormer(Request& rq) override;
  Request* ElvLatter(Request& rq) override;

 private:
  using Fifo =
      boost::intrusive::list<Request,
                             boost::intrusive::member_hook<Request, ListHook, &Request::fifo_hook>>;
  std::string_view name_;
  DiskPolicy policy_;
  int64_t weight_ = 0;  // aged-sptf's tunable
  Fifo fifo_;
  std::vector<DiskCandidate> scratch_;
  std::vector<Request*> scratch_rq_;
};

}  // namespace iosched

#endif  // IOSCHED_SRC_CLASSIC_ELEVATOR_H_
