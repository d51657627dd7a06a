// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DriveQueue: the command queue inside a simulated drive (SATA NCQ, SCSI/SAS
// TCQ), docs/disk-queueing.md. It sits between the engine's SimDevice and
// the DiskModel, which still serves one command at a time:
//
//   a command arrives   it waits in the queue (the host, i.e. the
//                       Dispatcher, never sends more than `depth`);
//   the arm is free     the drive's own policy (iosched/disk_policy.h)
//                       chooses among the waiting commands at that instant,
//                       and the model serves the choice from then on
//                       (DiskModel::ServeQueued with its arrival time: the
//                       command's overheads ran while it waited).
//
// The arm is free when the previous command's completion reaches the host
// (DiskSim's `Preseeking level` 0), or, at HddQueueParams::preseek_level 1,
// when its completion message is sent (the model's ServiceInfo::arm_free;
// SimDevice starts the next then). Positioning policies estimate
// from the model's live state (PositionEstimator), with the angle source
// of HddQueueParams::disksim_exact.
//
// With depth 1 the engine does not use a DriveQueue at all, so a drive
// without queueing gives exactly the results it gave before queues existed.
//
// Cost: Take() is linear in the commands waiting (at most depth − 1 while
// one is in service), one estimate each for positioning policies: a replay
// costs O(requests × depth), never quadratic in the trace.
//
// Thread-safety: none (one simulation). Requests are not owned.

#ifndef IOSCHED_SIMULATOR_DRIVE_QUEUE_H_
#define IOSCHED_SIMULATOR_DRIVE_QUEUE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "iosched/disk_policy.h"
#include "iosched/hdd_params.h"
#include "iosched/position_estimator.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched::sim {

class DriveQueue {
 public:
  // REQUIRES: ValidateHddParams accepted `params` (a known policy name);
  // `estimator` (not owned) is non-null if the policy needs one.
  DriveQueue(const HddQueueParams& params, const PositionEstimator* estimator);

  uint32_t depth() const { return depth_; }
  // The base queue's policy (the only one without the priority scheme).
  const DiskPolicy& policy() const { return base_.policy; }
  DiskPolicy& policy() { return base_.policy; }

  // `unit` arrives at the drive at `now` and waits.
  void Add(Request& unit, Time now);
  bool empty() const { return base_.waiting.empty() && priority_.waiting.empty(); }
  size_t size() const { return base_.waiting.size() + priority_.waiting.size(); }
  // Removes and returns the command the policy chooses at `now`: from the
  // priority sub-queue while it holds any (priority scheme), else from the
  // base queue; sets *arrived to when it reached the drive (Add's `now`).
  // REQUIRES: !empty(), arrived != nullptr.
  Request& Take(Time now, Time* arrived);

 private:
  // One sub-queue: the waiting commands in arrival order, the same as the
  // policy sees them, and the policy with its own position state.
  struct SubQueue {
    explicit SubQueue(DiskPolicy p) : policy(std::move(p)) {}
    DiskPolicy policy;
    std::vector<Request*> waiting;
    std::vector<DiskCandidate> candidates;
  };
  static Request& TakeFrom(SubQueue& q, Time now, Time* arrived);

  uint32_t depth_;
  bool priority_scheme_;
  SubQueue base_;
  SubQueue priority_;  // used only with priority_scheme_
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_DRIVE_QUEUE_H_
