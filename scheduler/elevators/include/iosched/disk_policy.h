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
// for the positioning policies.
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

  // Position state, initially sector 0, moving up.
  void SetPosition(uint64_t sector, bool up) {
    pos_ = sector;
    up_ = up;
  }
  uint64_t position() const { return pos_; }
  bool moving_up() const { return up_; }

  // The key sptf/aged-sptf/satf/spctf give `c` at `now` (tests, reports).
  // REQUIRES: an estimator.
  int64_t PositionKeyNs(const DiskCandidate& c, Time now) const;

 private:
  size_t ChooseLookOrSstf(std::span<const DiskCandidate> waiting, uint64_t penalty);
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
