// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// HddModel: a mechanical disk that serves one command at a time.
//
// How one command [sector, sector + n) handed over at `now` is timed (v1, no
// read cache; numbers for the HP C2247A in brackets):
//
//   start      = max(now, completion of the previous command)
//   t_cmd      = start + command overhead            [read miss 0.558 ms,
//                (by op, and by whether the previous   write 0.824 ms]
//                command was a read or a write)
//   positioning: from the head's track to the first sector's track, the
//                rule of hdd_mechanics.h (seek curve, head switch, write
//                settle), starting at t_cmd
//   rotation:  wait until the first sector's start angle is under the head;
//              the angle comes from the absolute simulated time, never an
//              average
//   media:     sectors pass at the zone's rate (1/spt revolution each); at
//              the end of a track the head moves to the next LBN's track
//              (head switch, or a one-cylinder seek at a cylinder boundary,
//              or further across slipped/spare tracks and zones; + settle
//              for writes) and waits for that track's skewed first sector
//   host bus:  per sector max(bus block time, controller bulk, disk bulk)
//              [read 0.1701 ms, write 0.18686 ms]
//     read:    the bus transfer is pipelined behind the media: sector j goes
//              to the host once it is read and the previous sector has been
//              sent. Completion = the later of the media and bus finishing
//              (with a bus slower than the media, the bus finishing), plus
//              the read completion overhead [0.057 ms]. This is "hold bus
//              for entire read"; v1 uses the same pipeline when it is off.
//     write:   the host sends the data from t_cmd on, overlapping the seek;
//              the media write of sector j cannot begin before sector j has
//              arrived, so the first sector is written at the first pass of
//              its angle after both positioning and that constraint.
//              Completion = media end + write completion overhead [0.050 ms]
//              (no write-back caching: DiskSim "fast write level" 0).
//   completion = as above; the head stays on the last track.
//
// Not modelled in v1: the segmented read cache and read-ahead (a later issue
// adds them in front of ServeMedia), SCSI disconnect/reselect overheads,
// command queueing at the disk.
//
// ServiceInfo: overhead = command + completion overhead, seek = initial
// positioning, rotation = wait from the end of positioning to the first
// sector (including, for writes, waiting for data), transfer = the rest; the
// four add up to complete − start.
//
// Thread-safety: none (one simulation).

#ifndef IOSCHED_SIMULATOR_HDD_MODEL_H_
#define IOSCHED_SIMULATOR_HDD_MODEL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hdd_layout.h"
#include "hdd_mechanics.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"

namespace iosched::sim {

class HddModel final : public DiskModel {
 public:
  // InvalidArgument if ValidateHddParams(params) fails.
  static absl::StatusOr<std::unique_ptr<HddModel>> Create(const HddParams& params);

  std::string_view name() const override { return params_.name; }
  uint64_t capacity_sectors() const override { return layout_.capacity_sectors(); }
  bool rotational() const override { return true; }
  ServiceInfo Serve(Op op, uint64_t sector, uint32_t sectors, Time now) override;

  // ---- Introspection (tests, tools) ---------------------------------------
  const HddParams& params() const { return params_; }
  const ZonedLayout& layout() const { return layout_; }
  const SeekModel& seek() const { return seek_; }
  const Spindle& spindle() const { return spindle_; }
  // The track the head is on: where the last transfer ended (initially
  // cylinder 0, head 0).
  uint32_t head_cylinder() const { return head_cylinder_; }
  uint32_t head_surface() const { return head_surface_; }
  // Moves the head without simulating it (tests).
  void SetHeadPosition(uint32_t cylinder, uint32_t head) {
    head_cylinder_ = cylinder;
    head_surface_ = head;
  }
  // When the command in progress completes (kTimeZero if none yet).
  Time busy_until() const { return busy_until_; }
  // Host transfer time per sector for `op`.
  Duration HostSectorTime(Op op) const { return op == Op::kRead ? host_read_ : host_write_; }

 private:
  explicit HddModel(const HddParams& params);

  // One run of sectors on one track, with its time relative to the moment
  // the request's first sector starts passing under the head.
  struct Segment {
    PhysicalSector first;
    uint32_t count = 0;
    uint32_t base = 0;     // sectors of the request before this segment
    double angle = 0;      // start angle of `first`, revolutions
    double rel_start = 0;  // ns from the first sector's start
    double sector_ns = 0;  // media time per sector on this track
  };

  Duration CommandOverhead(Op op) const;
  // Fills segments_ and returns the relative media end (ns).
  double PlanMedia(Op op, uint64_t sector, uint32_t n);
  // Serves from the media (every v1 command; a cache miss later).
  ServiceInfo ServeMedia(Op op, uint64_t sector, uint32_t n, Time start);

  HddParams params_;
  ZonedLayout layout_;
  SeekModel seek_;
  Spindle spindle_;
  Duration host_read_, host_write_;
  Duration read_completion_, write_completion_;

  uint32_t head_cylinder_ = 0;
  uint32_t head_surface_ = 0;
  Op last_op_ = Op::kRead;
  Time busy_until_{0};
  std::vector<Segment> segments_;  // reused across commands
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_MODEL_H_
