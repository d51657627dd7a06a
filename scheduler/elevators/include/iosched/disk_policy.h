// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DiskPolicy: the classic disk-scheduling choices (docs/disk-queueing.md),
// written once and used in two places: as host elevators in the registry
// ("fcfs", "sstf", "look", "clook", "sdf", "sptf", "spctf", "aged-sptf",
// "satf") and inside a simulated drive's command queue (the simulator's
// DriveQueue).
//
// A policy chooses one of a list of waiting commands and remembers where it
// is (the last position P and, for LOOK/SSTF, a direction and a tie flag):
//
//   fcfs       the oldest command.
//   clook      the lowest start >= P, else wrap to the lowest start.
//              P := the chosen start.
//   look       the nearest start at/above P while moving up (below P while
//              moving down), reversing when nothing lies ahead.
//              P := the chosen start.
//   sstf       the nearest start to P = one past the end of the last
//              command, either side; equal distances alternate between the
//              upper and the lower side (DiskSim's tie flag).
//   sdf        the smallest cylinder distance from the cylinder of the last
//              block of the last command; ties: lowest start.
//   sptf       the smallest estimated positioning time (seek + rotation,
//              PositionEstimator); ties: lowest start.
//   spctf      sptf, with reads wholly in the drive's cache at key 0.
//   aged-sptf  sptf key − weight × age / 1000 (weight W: W ms of credit per
//              second waited), so no command waits unboundedly.
//   satf       the smallest estimated access time (positioning + transfer).
//
// Every tie not named above goes to the older command. sdf, sptf, spctf,
// aged-sptf and satf need an estimator (NeedsEstimator()).
//
// Cost: Choose() is linear in the number of candidates, one estimate each
// for the positioning policies. fcfs, clook, look and sstf also have
// ChooseOrdered(), which asks a caller-kept ordered index (OrderedDiskQueue)
// a constant number of questions instead: O(log n) with a balanced tree, for
// a host queue of thousands. sdf, sptf, spctf, aged-sptf and satf stay
// linear (O(n) per choice, one estimate per candidate): a positioning
// estimate has no order to search, and sdf's cylinder is not monotonic in
// the LBA once the layout remaps defective tracks or sectors to spares. Use
// them with a drive's queue depth or a bounded host depth.
//
// Thread-safety: none; one owner.

#ifndef IOSCHED_DISK_POLICY_H_
#define IOSCHED_DISK_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/position_estimator.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched {

enum class DiskPolicyKind : uint8_t {
  kFcfs,
  kClook,
  kLook,
  kSstf,
  kSdf,
  kSptf,
  kSpctf,
  kAgedSptf,
  kSatf,
};

// "fcfs", "clook", … as listed above.
std::string_view DiskPolicyName(DiskPolicyKind kind);
// The inverse; InvalidArgument listing the known names.
absl::StatusOr<DiskPolicyKind> ParseDiskPolicy(std::string_view name);
// DiskSim 4.0's `Scheduling policy` code → ours (1 FCFS, 2 LOOK, 3 C-LOOK,
// 4 and 17 SSTF, 7 and 22 and 23 SDF, 8 and 24–26 SPTF, 9 SPCTF,
// 10 SATF, 14 aged SPTF), or nullopt for codes without an equivalent.
std::optional<DiskPolicyKind> DiskPolicyFromDiskSimCode(int code);

// One waiting command as a policy sees it.
struct DiskCandidate {
  Op op = Op::kRead;
  uint64_t start = 0;    // first sector
  uint32_t sectors = 0;  // > 0
  Time arrival{0};       // when it started waiting (aging)
};

// The waiting commands as a caller-kept ordered index, for
// DiskPolicy::ChooseOrdered(): ordered by start sector, equal starts in
// arrival order. Each query names one of the caller's commands by an opaque
// handle (the policy only passes it back to Candidate()), or returns nullptr
// if there is none. Each query should cost O(log n) or less.
class OrderedDiskQueue {
 public:
  using Handle = const void*;
  virtual ~OrderedDiskQueue() = default;
  // The oldest command (first in arrival order).
  virtual Handle Oldest() const = 0;
  // The lowest start; the oldest of those with that start.
  virtual Handle Lowest() const = 0;
  // The lowest start >= `sector`; the oldest of those with that start.
  virtual Handle AtOrAbove(uint64_t sector) const = 0;
  // The highest start < `sector`; the oldest of those with that start.
  virtual Handle Below(uint64_t sector) const = 0;
  // The command `h` names. REQUIRES: h != nullptr.
  virtual DiskCandidate Candidate(Handle h) const = 0;
};

class DiskPolicy {
 public:
  // `aging_weight`: W of aged-sptf (ignored by the others), >= 0.
  explicit DiskPolicy(DiskPolicyKind kind, int64_t aging_weight = 0);

  DiskPolicyKind kind() const { return kind_; }
  bool NeedsEstimator() const;
  // Not owned; must outlive the policy's use. Required before Choose() if
  // NeedsEstimator().
  void set_estimator(const PositionEstimator* e) { estimator_ = e; }
  const PositionEstimator* estimator() const { return estimator_; }
  int64_t aging_weight() const { return weight_; }
  void set_aging_weight(int64_t w) { weight_ = w; }

  // The index of the command to serve next among `waiting`, which is in
  // arrival order (oldest first), and records it as the last position.
  // REQUIRES: !waiting.empty().
  size_t Choose(std::span<const DiskCandidate> waiting, Time now);

  // True for the policies ChooseOrdered() serves: fcfs, clook, look, sstf.
  bool HasOrderedChoice() const;
  // Choose() over an ordered index: the same command Choose() picks when
  // given the same commands in arrival order (ties included), the same
  // state afterwards. O(1) queries of `waiting`. REQUIRES:
  // HasOrderedChoice() and at least one waiting command.
  OrderedDiskQueue::Handle ChooseOrdered(const OrderedDiskQueue& waiting);

  // Position state, initially sector 0, moving up.
  void SetPosition(uint64_t sector, bool up) {
    pos_ = sector;
    up_ = up;
  }
  uint64_t position() const { return pos_; }
  bool moving_up() const { return up_; }
  // LOOK/SSTF: which side the next equal-distance tie goes to (true: lower).
  bool tie_flag() const { return tie_flag_; }

  // The key sptf/aged-sptf/satf/spctf give `c` at `now` (tests, reports).
  // REQUIRES: an estimator.
  int64_t PositionKeyNs(const DiskCandidate& c, Time now) const;

 private:
  size_t ChooseLookOrSstf(std::span<const DiskCandidate> waiting, uint64_t penalty);
  // LOOK/SSTF between the nearest start at/above P (`top`) and the nearest
  // below (`bottom`), both present: true to take `top`. Flips the tie flag on
  // a tie.
  bool TakeTop(uint64_t top, uint64_t bottom, uint64_t penalty);
  // LOOK/SSTF: the direction after moving to `start`.
  void Turn(uint64_t start) {
    if (start > pos_) up_ = true;
    if (start < pos_) up_ = false;
  }
  // Records `c` as the last position (after any Turn()).
  void Record(const DiskCandidate& c);
  size_t ChooseClook(std::span<const DiskCandidate> waiting) const;
  size_t ChooseSdf(std::span<const DiskCandidate> waiting) const;
  size_t ChooseByKey(std::span<const DiskCandidate> waiting, Time now) const;

  DiskPolicyKind kind_;
  int64_t weight_;
  const PositionEstimator* estimator_ = nullptr;
  uint64_t pos_ = 0;
  bool up_ = true;
  bool tie_flag_ = false;
};

}  // namespace iosched

#endif  // IOSCHED_DISK_POLICY_H_
