// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// HddModel: a mechanical disk with DiskSim 4.0's disk controller semantics
// (disksim_diskctlr.c), serving one command at a time.
//
// A command handed over at `now` starts at max(now, completion of the
// previous one) and reaches the disk after the per-request overhead. What
// follows is DiskSim's protocol between host and disk, with the overheads
// of HddOverheads (all × overhead_scale except the extradisc inter-
// disconnect delay and the minimum seek delay, as in DiskSim):
//
// Read. The buffer is searched (hdd_cache.h). A whole hit — or a partial
// hit with "Immed transfer partial hit" — is served at once: after the read
// hit overhead + data preparation the disk sends what the buffer holds over
// the bus and the rest as the media delivers it. Otherwise the disk
// disconnects (read miss overhead + read disconnect overhead), positions
// the head (starting when the read miss overhead ends), reads, and
// reconnects once the high water mark's worth of sectors is buffered
// (reselect + data preparation), then streams the data. With "Hold bus
// entire read xfer" the bus waits for further sectors; without it the disk
// disconnects and reselects each time the buffer runs dry. The completion
// reaches the host a read completion overhead after the last sector.
// After the last requested sector the media goes on reading ahead into the
// segment ("Buffer continuous read", up to the maximum read-ahead) until it
// is full, the target is reached, or the next command stops it. A read hit
// on the segment being read ahead lets the read-ahead run on for it; any
// other command stops it (a seek in progress completes first: the next
// positioning starts no earlier than the read miss overhead plus the rest
// of that seek, DiskSim's disk_seek_stoptime). A whole hit with "Read-ahead
// on idle hit" restarts the read-ahead where the segment ends.
//
// Write (fast write level 0). After the write miss overhead + data
// preparation the host sends the data (bus write time per sector) while the
// head positions; positioning takes at least the minimum seek delay. A
// sector is written in the first pass of its angle at which its data is in
// the buffer (with "Extra write disconnect" set, also only once
// min(size, 10) — or 15 for writes of 45+ sectors — sectors are buffered,
// DiskSim disk_buffer_block_available). After the data the disk disconnects
// (write disconnect overhead); once the media write ends it reconnects
// (first reselect) and sends the completion (write completion overhead). A
// write to the most recently used segment that last held write data,
// not sequential to it, takes DiskSim's extra write disconnect: command +
// extradisc disconnect, the inter-disconnect delay, a first reselect before
// the data, the extradisc second disconnect after it, an "other" reselect
// before the completion; its positioning starts after command + seek delta.
// Fast write levels 1/2 complete after the data phase and write the media
// in the background (the next command's media work waits for it);
// write-back appends and prepends are not modelled.
//
// Queued commands (ServeQueued; the drive's queue is the engine's
// DriveQueue in front of this model): a command that waited in the drive's
// queue reached the controller at its arrival + per-request overhead +
// controller message (ta), and its command overhead ran from then,
// overlapping the command in service, as DiskSim's disk_request_arrive
// does. When the queue chooses it (t0, the previous completion) the model
// charges only what is left: a read miss positions at max(t0, ta + read miss
// overhead), having disconnected at ta + miss + read disconnect overhead, and
// reconnects once the data is buffered; a hit sends at max(t0, ta + hit
// overhead) + data preparation; a write sends its data after the overhead
// but not before a reselection after t0 (it disconnected while it waited,
// no write prebuffering), and positions at max(t0, overhead done). A
// command reaching an idle drive is served as Serve() serves it.
//
// Transfers: media time per sector = 1/spt revolution; the head follows
// MediaWalk (hdd_mechanics.h). Host transfer per sector = max(bus block
// time, controller bulk time, disk bulk time) per direction.
//
// Where iosched simplifies DiskSim (none of it matters for the validated
// drives' single-outstanding-request runs unless noted):
//   - one command at a time: a waiting command's overheads overlap the one
//     in service (above), but there are no sneaky intermediate hits, write
//     prebuffering of queued writes or preseeking;
//   - a read-ahead that cannot stop at once (minimum read-ahead not reached,
//     "Stop prefetch in sector" off, "Disconnect write if seek" on) runs
//     until it can, and the new command then starts as if it had stopped;
//   - a write larger than a segment streams its data without the buffer
//     stalls and low-water-mark reconnections DiskSim models;
//   - zero-latency access ("Immediate buffer read/write") and "Read any
//     free blocks" are not modelled (sectors are transferred in LBN order).
//
// ServiceInfo: seek and rotation are the command's own first positioning
// and rotational wait (0 for a buffer hit); overhead the command and
// completion overheads; transfer the rest. cache_hit = whole read hit.
//
// Thread-safety: none (one simulation).

#ifndef IOSCHED_SIMULATOR_HDD_MODEL_H_
#define IOSCHED_SIMULATOR_HDD_MODEL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hdd_cache.h"
#include "hdd_layout.h"
#include "hdd_mechanics.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"
#include "iosched/position_estimator.h"

namespace iosched::sim {

class HddModel final : public DiskModel, public PositionEstimator {
 public:
  // InvalidArgument if ValidateHddParams(params) fails.
  static absl::StatusOr<std::unique_ptr<HddModel>> Create(const HddParams& params);

  std::string_view name() const override { return params_.name; }
  uint64_t capacity_sectors() const override { return layout_.capacity_sectors(); }
  bool rotational() const override { return true; }
  ServiceInfo Serve(Op op, uint64_t sector, uint32_t sectors, Time now) override;
  // A command that waited in the drive's queue since `arrived` (see the
  // header comment, "Queued commands").
  ServiceInfo ServeQueued(Op op, uint64_t sector, uint32_t sectors, Time now,
                          Time arrived) override;
  const PositionEstimator* position_estimator() const override { return this; }
  const HddQueueParams* queue_params() const override { return &params_.queue; }
  void AdvanceTo(Time now) override { AdvanceBackground(now); }

  // ---- PositionEstimator (docs/disk-queueing.md#estimate) ------------------
  // Seek from the head's track (HeadNow) with head switch, write settle and,
  // for writes, the minimum seek delay as a floor; then the rotational wait
  // for the first sector, from the angle the angle source gives: at
  // kDecisionTime the platter's angle when the command's positioning would
  // start (`now`, plus the per-request, controller and miss overheads on a
  // drive without a queue; with one they ran while the command waited), at
  // kLastMediaEvent the angle at the end of the last sector read, written or
  // read ahead (DiskSim 4.0), nothing added. Reads only what the model
  // holds; never moves the head or the read-ahead (the caller brings it up
  // to `now` with AdvanceTo first).
  Duration Positioning(Op op, uint64_t sector, uint32_t sectors, Time now) const override;
  Duration Access(Op op, uint64_t sector, uint32_t sectors, Time now) const override;
  bool Cached(Op op, uint64_t sector, uint32_t sectors) const override;
  uint32_t Cylinder(uint64_t sector) const override { return layout_.Map(sector).cylinder; }
  uint32_t HeadCylinder() const override { return HeadNow().cylinder; }
  void set_angle_source(AngleSource a) { angle_source_ = a; }
  AngleSource angle_source() const { return angle_source_; }

  // ---- Introspection (tests, tools) ---------------------------------------
  const HddParams& params() const { return params_; }
  const ZonedLayout& layout() const { return layout_; }
  const SeekModel& seek() const { return seek_; }
  const Spindle& spindle() const { return spindle_; }
  const SegmentCache& cache() const { return cache_; }
  // The track the head is on (or moving to) at the end of the last command's
  // media work; a read-ahead still running moves it on later (initially
  // cylinder 0, head 0).
  uint32_t head_cylinder() const { return HeadNow().cylinder; }
  uint32_t head_surface() const { return HeadNow().head; }
  // Moves the head without simulating it and stops any read-ahead (tests).
  void SetHeadPosition(uint32_t cylinder, uint32_t head);
  // When the command in progress completes, or frees the arm for the next
  // queued one if the preseeking level frees it earlier (kTimeZero if none
  // yet).
  Time busy_until() const { return busy_until_; }
  // Host transfer time per sector for `op`.
  Duration HostSectorTime(Op op) const { return op == Op::kRead ? host_read_ : host_write_; }

  // What the last command did (tests and validation reports).
  struct LastCommand {
    HitType hit = HitType::kNoMatch;  // reads: buffer outcome
    bool served_at_once = false;      // read hit path (no disconnect)
    bool extra_write_disconnect = false;
    bool read_ahead_continued = false;  // hit on the segment being read ahead
  };
  const LastCommand& last_command() const { return last_; }

 private:
  explicit HddModel(const HddParams& params);

  // The overheads in nanoseconds, each scaled (× overhead_scale) and
  // rounded once here rather than per command. Pairs are indexed by
  // "the previous command was a read" ([0]: after a write, [1]: after a read).
  struct OverheadNs {
    explicit OverheadNs(const HddParams& params);
    Duration per_request;
    Duration read_miss[2], read_hit[2], read_disconnect[2];
    Duration write_hit[2], write_miss[2];
    Duration data_prep, reselect_first_and_prep, reselect_first, reselect_other;
    Duration read_completion, write_completion, write_disconnect;
    Duration extradisc_command, extradisc_command_and_seek_delta, extradisc_command_and_disconnect,
        extradisc_second_disconnect;
    Duration extradisc_inter_disconnect, minimum_seek_delay;  // not scaled
  };

  // `start`: when the drive takes the command up; `t0`: when it is
  // activated at the drive (the state of the media and the buffer is taken
  // then); `ta` (<= t0): when it reached the drive's controller, from which
  // its command overhead and disconnection run. A command served as it
  // arrives has ta == t0 == start + per-request overhead + controller
  // message; one that waited in the drive's queue has t0 == start (the
  // moment it is chosen) and an earlier ta.
  // `queued`: from ServeQueued (the preseeking level applies).
  ServiceInfo ServeAt(Op op, uint64_t sector, uint32_t sectors, Time start, Time t0, Time ta,
                      bool queued);
  ServiceInfo ServeRead(uint64_t lbn, uint32_t n, Time start, Time t0, Time ta);
  ServiceInfo ServeWrite(uint64_t lbn, uint32_t n, Time start, Time t0, Time ta);

  // ---- The steps of ServeRead and ServeWrite, in order ---------------------
  // Defined inline in hdd_model.cc and used only there (they run per
  // command); each is documented at its definition.
  struct ReadLookup;
  ReadLookup SearchReadBuffer(uint64_t lbn, uint32_t n, Time t0);
  bool StopMediaForRead(uint64_t lbn, uint32_t n, Time t0, ReadLookup& look, Time* seek_stop,
                        Time* media_free);
  void ClaimReadSegment(uint64_t lbn, uint32_t n, int si, HitType hit, CacheSegment& seg);
  bool StartReadMedia(Time begin, uint64_t have, uint64_t end, int si, CacheSegment& seg,
                      bool continue_reading);
  Duration ReadRestFromMedia(uint64_t lbn, uint64_t have, uint64_t end, bool own_positioning,
                             CacheSegment& seg);
  Time SendReadData(uint64_t lbn, uint32_t n, Time t0, Time ta, bool hit, bool at_once,
                    bool after_read);
  int ChooseWriteSegment(uint64_t lbn, uint32_t n, Time t0, bool* extra, Time* seek_stop,
                         Time* media_free);
  Time WriteMedia(uint64_t lbn, uint32_t n, Time begin, Time data_start, Duration* rotation);
  Time WriteCompletion(int si, bool extra, bool write_back, Time data_end, Time media_end);
  static void SplitTransfer(ServiceInfo& info);

  // ---- Background media activity (read-ahead, write-back flush) -----------
  // Walks the read-ahead forward over every sector that ends by `t`.
  void AdvanceBackground(Time t);
  // Earliest time sector `lbn` may be read into the read-ahead segment
  // (buffer room while the owning read still sends its data).
  Time RoomTime(uint64_t lbn) const;
  // Whether the read-ahead could be stopped at `t` for a command other than
  // a read hit on its segment (DiskSim disk_buffer_stopable_access).
  bool BackgroundStopable(Time t) const;
  // Stops the background activity for a command arriving at `t`: sets the
  // head, and returns through the pointers when the old seek ends (DiskSim
  // disk_seek_stoptime) and when the media becomes free.
  void StopBackground(Time t, Time* seek_stop, Time* media_free);
  // Where positioning for a command may start (DiskSim disk_check_hda).
  static Time MediaStart(Time t0, Time overhead_done, Time seek_stop, Time media_free);
  void FinishBackground();
  Track HeadNow() const;

  HddParams params_;
  ZonedLayout layout_;
  SeekModel seek_;
  Spindle spindle_;
  SegmentCache cache_;
  Duration host_read_, host_write_;
  Duration controller_message_, arbitration_;
  OverheadNs ovh_;

  Track head_;  // valid while no background activity runs
  Op last_op_ = Op::kRead;
  Time busy_until_{0};
  LastCommand last_;

  // The media activity that continues after a command completed.
  MediaWalk walk_;
  AngleSource angle_source_ = AngleSource::kDecisionTime;  // of Positioning()
  bool bg_active_ = false;                                 // read-ahead running on walk_
  int bg_seg_ = -1;                                        // segment it fills
  uint64_t bg_target_ = 0;                                 // reads up to this LBN (exclusive)
  uint64_t bg_min_target_ = 0;                             // may not stop before this LBN
  uint64_t bg_foreground_end_ = 0;                         // LBNs below belong to a request
  // The read that owns the segment: its first LBN, when each of its sectors
  // left over the bus, and when its completion was sent.
  uint64_t owner_first_ = 0;
  std::vector<Time> owner_bus_end_;  // the first owner_sectors_ are valid
  uint32_t owner_sectors_ = 0;
  Time owner_done_{0};
  // Write-back: the media is busy writing until flush_until_, segment
  // flush_seg_ is dirty until then.
  Time flush_until_{0};
  int flush_seg_ = -1;

  std::vector<Time> avail_;  // per-command scratch: when each sector is buffered
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_MODEL_H_
