// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DiskModel: how long a simulated device takes to serve one unit.
//
// A model keeps its own mechanical state (head position, rotational phase,
// cache contents, busy channels) and is asked, in issue order, when a unit
// handed to it at `now` completes. A model that serves one command at a time
// (an HDD without command queueing) starts a unit at max(now, when the
// previous one finished); a model with internal parallelism (SSD channels)
// may overlap them.
//
// Units: sectors are 512 bytes; times are integer nanoseconds. Capacity is in
// sectors.
//
// Thread-safety: none. One model serves one simulation.

#ifndef IOSCHED_DISK_MODEL_H_
#define IOSCHED_DISK_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/hdd_params.h"
#include "iosched/position_estimator.h"
#include "iosched/request.h"
#include "iosched/ssd_params.h"
#include "iosched/time.h"

namespace iosched {

// The breakdown of one unit's service, for metrics and tests.
struct ServiceInfo {
  Time start{0};     // when the device began working on the unit
  Time complete{0};  // when the unit completes (what the dispatcher sees)
  // When a drive queue may start its next command (ServeQueued only): the
  // completion, or earlier if the drive's preseeking level frees the arm as
  // the completion message is sent. kTimeZero: not set, use `complete`.
  Time arm_free{0};
  Duration overhead{0}, seek{0}, rotation{0}, transfer{0};
  uint64_t seek_cylinders = 0;
  bool cache_hit = false;
};

class DiskModel {
 public:
  virtual ~DiskModel() = default;
  // Preset or model name, e.g. "hp-c2247a".
  virtual std::string_view name() const = 0;
  virtual uint64_t capacity_sectors() const = 0;
  virtual bool rotational() const = 0;
  // Serves [sector, sector + sectors). REQUIRES: the range is within
  // capacity, calls come in non-decreasing `now`.
  virtual ServiceInfo Serve(Op op, uint64_t sector, uint32_t sectors, Time now) = 0;
  // Serves a command that reached the drive at `arrived` and waited in the
  // drive's own queue (iosched/hdd_params.h HddQueueParams) until the drive
  // chose it at `now`. A drive that queues runs a waiting command's
  // overheads from its arrival, overlapping the command in service, and
  // charges at `now` only the part not yet elapsed. `arrived` == `now`: a
  // command reaching an idle drive, served as Serve(). REQUIRES: arrived <=
  // now, plus Serve's requirements. Default: Serve(), overheads not
  // overlapped (a model without a queue).
  virtual ServiceInfo ServeQueued(Op op, uint64_t sector, uint32_t sectors, Time now,
                                  Time /*arrived*/) {
    return Serve(op, sector, sectors, now);
  }
  // Seek and rotation estimates from the model's live state, for the
  // positioning policies (sptf, …), or nullptr if the model has none (SSD).
  // Owned by the model.
  virtual const PositionEstimator* position_estimator() const { return nullptr; }
  // The drive's command queue (hdd_params.h), or nullptr for a device
  // without one (served in issue order). Owned by the model.
  virtual const HddQueueParams* queue_params() const { return nullptr; }
  // Brings background media work (read-ahead, write-back) up to `now`, so
  // that estimates see the head and the last media event where they are.
  // Called by a drive queue before it chooses. REQUIRES: `now` is not
  // before the last Serve's `now`, and calls come in non-decreasing `now`.
  virtual void AdvanceTo(Time /*now*/) {}
};

// Built-in presets ("hp-c2247a", "ssd", …), with a one-line description.
struct DiskPresetInfo {
  std::string name;
  std::string description;
};
std::vector<DiskPresetInfo> KnownDiskPresets();

// Builds a preset by name, with options for an HDD's drive queue:
//   "sata-7200:queue_depth=4,queue_policy=clook,aging_weight=30,disksim_exact=1"
// (queue_policy: a name of iosched/disk_policy.h). NotFound lists the known
// presets; InvalidArgument names a bad option and what was expected.
absl::StatusOr<std::unique_ptr<DiskModel>> MakeDiskModel(std::string_view preset);

// The parameters of an HDD preset spec as MakeDiskModel reads it; NotFound
// if the name is not an HDD preset.
absl::StatusOr<HddParams> HddPresetParams(std::string_view spec);

// A mechanical disk from explicit parameters (hdd_params.h): zoned layout,
// seek curve, head switch, write settle, rotational position tracked over
// simulated time, media and host transfer, controller overheads. Serves one
// command at a time. InvalidArgument if ValidateHddParams fails.
absl::StatusOr<std::unique_ptr<DiskModel>> MakeHddModel(const HddParams& params);

// A flash device from explicit parameters (ssd_params.h). InvalidArgument if
// a count, size or bandwidth is zero.
absl::StatusOr<std::unique_ptr<DiskModel>> MakeSsdModel(const SsdParams& params);

}  // namespace iosched

#endif  // IOSCHED_DISK_MODEL_H_
