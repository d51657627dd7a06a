// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/disk_policy.h"

#include <cassert>
#include <limits>

#include "absl/strings/str_cat.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

struct NamedPolicy {
  DiskPolicyKind kind;
  std::string_view name;
};
constexpr NamedPolicy kPolicies[] = {
    {DiskPolicyKind::kFcfs, "fcfs"},   {DiskPolicyKind::kClook, "clook"},
    {DiskPolicyKind::kLook, "look"},   {DiskPolicyKind::kSstf, "sstf"},
    {DiskPolicyKind::kSdf, "sdf"},     {DiskPolicyKind::kSptf, "sptf"},
    {DiskPolicyKind::kSpctf, "spctf"}, {DiskPolicyKind::kAgedSptf, "aged-sptf"},
    {DiskPolicyKind::kSatf, "satf"},
};

// LOOK's reversal penalty: larger than any distance on a disk, so the side
// ahead always wins while it has a candidate.
constexpr uint64_t kLookPenalty = uint64_t{1} << 62;

}  // namespace

std::string_view DiskPolicyName(DiskPolicyKind kind) {
  for (const NamedPolicy& p : kPolicies) {
    if (p.kind == kind) return p.name;
  }
  return "?";
}

absl::StatusOr<DiskPolicyKind> ParseDiskPolicy(std::string_view name) {
  std::string known;
  for (const NamedPolicy& p : kPolicies) {
    if (p.name == name) return p.kind;
    absl::StrAppend(&known, known.empty() ? "" : ", ", Sv(p.name));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown disk policy '", Sv(name), "' (known: ", known, ")"));
}

std::optional<DiskPolicyKind> DiskPolicyFromDiskSimCode(int code) {
  switch (code) {
    case 1:
      return DiskPolicyKind::kFcfs;
    case 2:
      return DiskPolicyKind::kLook;
    case 3:
    case 5:
    case 6:
      return DiskPolicyKind::kClook;
    case 4:
    case 17:
      return DiskPolicyKind::kSstf;
    case 7:
    case 22:
    case 23:
      return DiskPolicyKind::kSdf;
    case 8:
    case 24:
    case 25:
    case 26:
      return DiskPolicyKind::kSptf;
    case 9:
      return DiskPolicyKind::kSpctf;
    case 10:
      return DiskPolicyKind::kSatf;
    case 14:
      return DiskPolicyKind::kAgedSptf;
    default:
      return std::nullopt;
  }
}

DiskPolicy::DiskPolicy(DiskPolicyKind kind, int64_t aging_weight)
    : kind_(kind), weight_(aging_weight) {}

bool DiskPolicy::NeedsEstimator() const {
  switch (kind_) {
    case DiskPolicyKind::kSdf:
    case DiskPolicyKind::kSptf:
    case DiskPolicyKind::kSpctf:
    case DiskPolicyKind::kAgedSptf:
    case DiskPolicyKind::kSatf:
      return true;
    default:
      return false;
  }
}

size_t DiskPolicy::Choose(std::span<const DiskCandidate> waiting, Time now) {
  assert(!waiting.empty());
  size_t pick = 0;
  switch (kind_) {
    case DiskPolicyKind::kFcfs:
      pick = 0;
      break;
    case DiskPolicyKind::kClook:
      pick = ChooseClook(waiting);
      break;
    case DiskPolicyKind::kLook:
      pick = ChooseLookOrSstf(waiting, kLookPenalty);
      break;
    case DiskPolicyKind::kSstf:
      pick = ChooseLookOrSstf(waiting, 0);
      break;
    case DiskPolicyKind::kSdf:
      pick = ChooseSdf(waiting);
      break;
    default:
      pick = ChooseByKey(waiting, now);
      break;
  }
  Record(waiting[pick]);
  return pick;
}

void DiskPolicy::Record(const DiskCandidate& c) {
  switch (kind_) {
    case DiskPolicyKind::kClook:
    case DiskPolicyKind::kLook:
      pos_ = c.start;
      break;
    case DiskPolicyKind::kSstf:
      pos_ = c.start + c.sectors;
      break;
    default:
      pos_ = c.start + c.sectors - 1;
      break;
  }
}

bool DiskPolicy::HasOrderedChoice() const {
  switch (kind_) {
    case DiskPolicyKind::kFcfs:
    case DiskPolicyKind::kClook:
    case DiskPolicyKind::kLook:
    case DiskPolicyKind::kSstf:
      return true;
    default:
      return false;
  }
}

OrderedDiskQueue::Handle DiskPolicy::ChooseOrdered(const OrderedDiskQueue& waiting) {
  assert(HasOrderedChoice());
  OrderedDiskQueue::Handle pick = nullptr;
  switch (kind_) {
    case DiskPolicyKind::kFcfs:
      pick = waiting.Oldest();
      break;
    case DiskPolicyKind::kClook:
      // Choose(): the lowest start >= P (oldest among equals), else wrap.
      pick = waiting.AtOrAbove(pos_);
      if (pick == nullptr) pick = waiting.Lowest();
      break;
    default: {  // look, sstf
      OrderedDiskQueue::Handle top = waiting.AtOrAbove(pos_);
      OrderedDiskQueue::Handle bottom = waiting.Below(pos_);
      if (top == nullptr || bottom == nullptr) {
        pick = top != nullptr ? top : bottom;
      } else {
        const uint64_t penalty = kind_ == DiskPolicyKind::kLook ? kLookPenalty : 0;
        pick = TakeTop(waiting.Candidate(top).start, waiting.Candidate(bottom).start, penalty)
                   ? top
                   : bottom;
      }
      Turn(waiting.Candidate(pick).start);
      break;
    }
  }
  assert(pick != nullptr);
  Record(waiting.Candidate(pick));
  return pick;
}

size_t DiskPolicy::ChooseClook(std::span<const DiskCandidate> waiting) const {
  size_t ahead = waiting.size(), lowest = 0;
  for (size_t i = 0; i < waiting.size(); ++i) {
    const uint64_t s = waiting[i].start;
    if (s < waiting[lowest].start) lowest = i;
    if (s >= pos_ && (ahead == waiting.size() || s < waiting[ahead].start)) ahead = i;
  }
  return ahead != waiting.size() ? ahead : lowest;
}

size_t DiskPolicy::ChooseLookOrSstf(std::span<const DiskCandidate> waiting, uint64_t penalty) {
  const size_t none = waiting.size();
  size_t top = none, bottom = none;
  for (size_t i = 0; i < waiting.size(); ++i) {
    const uint64_t s = waiting[i].start;
    if (s >= pos_) {
      if (top == none || s < waiting[top].start) top = i;
    } else if (bottom == none || s > waiting[bottom].start) {
      bottom = i;
    }
  }
  size_t pick;
  if (top == none) {
    pick = bottom;
  } else if (bottom == none) {
    pick = top;
  } else {
    pick = TakeTop(waiting[top].start, waiting[bottom].start, penalty) ? top : bottom;
  }
  Turn(waiting[pick].start);
  return pick;
}

bool DiskPolicy::TakeTop(uint64_t top, uint64_t bottom, uint64_t penalty) {
  uint64_t d_up = top - pos_;
  uint64_t d_dn = pos_ - bottom;
  if (up_ && d_dn != 0) d_dn += penalty;
  if (!up_ && d_up != 0) d_up += penalty;
  if (d_up != d_dn) return d_up < d_dn;
  const bool take_top = !tie_flag_;
  tie_flag_ = !tie_flag_;
  return take_top;
}

size_t DiskPolicy::ChooseSdf(std::span<const DiskCandidate> waiting) const {
  const uint32_t ref = estimator_->HeadCylinder();
  size_t best = 0;
  uint64_t best_d = UINT64_MAX;
  for (size_t i = 0; i < waiting.size(); ++i) {
    const uint32_t c = estimator_->Cylinder(waiting[i].start);
    const uint64_t d = c > ref ? c - ref : ref - c;
    if (d < best_d || (d == best_d && waiting[i].start < waiting[best].start)) {
      best = i;
      best_d = d;
    }
  }
  return best;
}

int64_t DiskPolicy::PositionKeyNs(const DiskCandidate& c, Time now) const {
  if (kind_ == DiskPolicyKind::kSpctf && c.op == Op::kRead &&
      estimator_->Cached(c.op, c.start, c.sectors)) {
    return 0;
  }
  int64_t key = kind_ == DiskPolicyKind::kSatf
                    ? estimator_->Access(c.op, c.start, c.sectors, now).count()
                    : estimator_->Positioning(c.op, c.start, c.sectors, now).count();
  if (kind_ == DiskPolicyKind::kAgedSptf && weight_ > 0 && now > c.arrival) {
    // W ms of credit per second waited = W ns per ms = W × age_ns / 1000.
    key -= weight_ * ((now - c.arrival).count() / 1000);
  }
  return key;
}

size_t DiskPolicy::ChooseByKey(std::span<const DiskCandidate> waiting, Time now) const {
  size_t best = 0;
  int64_t best_key = std::numeric_limits<int64_t>::max();
  for (size_t i = 0; i < waiting.size(); ++i) {
    const int64_t key = PositionKeyNs(waiting[i], now);
    if (key < best_key || (key == best_key && waiting[i].start < waiting[best].start)) {
      best = i;
      best_key = key;
    }
  }
  return best;
}

}  // namespace iosched
