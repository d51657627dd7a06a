// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "user_sort.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

constexpr uint32_t kClassShift = 8;  // elv_flags bits 8–9: KeyClass
constexpr uint32_t kClassMask = 3u << kClassShift;

}  // namespace

UserSortElevator::UserSortElevator(const ElevatorEnv& env, UserSortPolicy policy)
    : ElvCore(env), policy_(std::move(policy)) {
  fibmap_ = policy_.fibmap ? 1 : 0;
  fiemap_ = policy_.fiemap ? 1 : 0;
  if (policy_.position_keys) {
    using K = TunableSet::Kind;
    constexpr auto kClamp = TunableSet::OutOfRange::kClamp;
    if (!policy_.fibmap_forced) {
      tunables().Add("fibmap", K::kBool, &fibmap_, 0, 1, kClamp, "bool",
                     "try ioctl(FIBMAP) first (needs CAP_SYS_RAWIO)");
    }
    tunables().Add("fiemap", K::kBool, &fiemap_, 0, 1, kClamp, "bool",
                   "then try ioctl(FS_IOC_FIEMAP) (unprivileged); inode is the last resort");
    tunables().Add("first_block", K::kBool, &first_block_, 0, 1, kClamp, "bool",
                   "key by the file's logical block 0 (the book's choice) instead of the "
                   "block holding each request's offset");
  }
}

UserSortElevator::~UserSortElevator() { tree_.clear(); }

const std::vector<ProbeMethod>& UserSortElevator::chain() {
  if (!custom_chain_.empty()) return custom_chain_;
  const int64_t want = fibmap_ * 2 + fiemap_;
  if (want != chain_for_) {
    chain_.clear();
    if (policy_.position_keys && fibmap_) chain_.push_back(ProbeMethod::kFibmap);
    if (policy_.position_keys && fiemap_) chain_.push_back(ProbeMethod::kFiemap);
    chain_.push_back(ProbeMethod::kInode);
    chain_for_ = want;
  }
  return chain_;
}

UserSortElevator::SortPos UserSortElevator::PosOf(const Request& r) {
  const Request* first = r.first_member();
  SortPos p;
  p.dev = std::bit_cast<uint64_t>(r.fifo_time);
  p.cls = static_cast<uint8_t>((r.elv_flags & kClassMask) >> kClassShift);
  p.value = r.sort_key;
  p.offset = first->fd >= 0 ? first->offset : r.start();
  p.arrival = r.arrival_seq;
  return p;
}

void UserSortElevator::KeyUnit(Request& unit) {
  const Request& m = *unit.first_member();
  KeyClass cls = KeyClass::kPosition;
  uint64_t dev = 0, value = 0;
  if (m.fd < 0) {
    value = unit.start() * 512;
    ++keyed_sector_;
  } else {
    if (probe_ == nullptr) probe_ = std::make_shared<SystemLayoutProbe>();
    const LayoutKey k = ComputeLayoutKey(*probe_, chain(), m.fd, m.offset, first_block_ != 0);
    for (uint8_t i = 0; i < k.failed; ++i) ++fallback_[static_cast<int>(k.steps[i].failure)];
    cls = k.cls;
    dev = k.dev;
    value = k.value;
    ++keyed_[static_cast<int>(cls)];
  }
  unit.sort_key = value;
  unit.fifo_time = std::bit_cast<int64_t>(dev);
  unit.elv_flags = (unit.elv_flags & ~kClassMask) | (static_cast<uint32_t>(cls) << kClassShift);
}

void UserSortElevator::ElvAddRequest(Request& rq, Time) {
  rq.arrival_seq = next_seq_++;
  KeyUnit(rq);
  tree_.insert(rq);
}

void UserSortElevator::ElvMerged(Request& unit, MergeType type) {
  if (type != MergeType::kFront) return;  // a back merge keeps the first member
  tree_.erase(tree_.iterator_to(unit));
  KeyUnit(unit);
  tree_.insert(unit);
}

void UserSortElevator::ElvMergeRequests(Request&, Request& next) {
  tree_.erase(tree_.iterator_to(next));
}

int UserSortElevator::ElvDispatch(Time, bool) {
  if (tree_.empty()) return 0;
  auto it = have_head_ ? tree_.lower_bound(head_, Less{}) : tree_.begin();
  if (it == tree_.end()) {
    it = tree_.begin();  // C-LOOK: wrap to the lowest key
    ++sweeps_;
  }
  Request& rq = *it;
  head_ = PosOf(rq);
  have_head_ = true;
  tree_.erase(it);
  DispatchAddTail(rq);
  return 1;
}

Request* UserSortElevator::ElvFormer(Request& rq) {
  auto it = tree_.iterator_to(rq);
  return it == tree_.begin() ? nullptr : &*std::prev(it);
}

Request* UserSortElevator::ElvLatter(Request& rq) {
  auto it = std::next(tree_.iterator_to(rq));
  return it == tree_.end() ? nullptr : &*it;
}

std::vector<std::pair<std::string, int64_t>> UserSortElevator::Counters() const {
  std::vector<std::pair<std::string, int64_t>> out = {
      {"keyed_position", keyed_[0]},   {"keyed_inode", keyed_[1]}, {"keyed_none", keyed_[2]},
      {"keyed_sector", keyed_sector_}, {"sweeps", sweeps_},
  };
  for (int f = 1; f < kNumProbeFailures; ++f) {
    out.emplace_back(absl::StrCat("fallback_", Sv(ProbeFailureName(static_cast<ProbeFailure>(f)))),
                     fallback_[f]);
  }
  return out;
}

namespace {

// The elevator as a UserSortElevator, or InvalidArgument saying what `what`
// needs.
absl::StatusOr<UserSortElevator*> AsUserSort(Elevator& elevator, std::string_view what) {
  auto* e = dynamic_cast<UserSortElevator*>(&elevator);
  if (e == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("elevator '", Sv(elevator.Name()),
                                                   "' does not sort file requests and takes no ",
                                                   Sv(what), "; use inode, physical or fibmap"));
  }
  return e;
}

}  // namespace

absl::Status SetElevatorLayoutProbe(Elevator& elevator, std::shared_ptr<LayoutProbe> probe) {
  IOSCHED_ASSIGN_OR_RETURN(UserSortElevator * e, AsUserSort(elevator, "layout probe"));
  e->set_probe(std::move(probe));
  return absl::OkStatus();
}

absl::Status SetElevatorProbeChain(Elevator& elevator, std::vector<ProbeMethod> chain) {
  IOSCHED_ASSIGN_OR_RETURN(UserSortElevator * e, AsUserSort(elevator, "probe chain"));
  if (!chain.empty()) {
    IOSCHED_RETURN_IF_ERROR(CheckProbeChain(chain));
    const UserSortPolicy& p = e->policy();
    const std::string name = ProbeChainName(chain);
    if (!p.position_keys && chain != std::vector<ProbeMethod>{ProbeMethod::kInode}) {
      return absl::InvalidArgumentError(absl::StrCat("elevator '", p.name,
                                                     "' keys by inode only; probe chain '", name,
                                                     "' needs physical (fibmap and fiemap steps)"));
    }
    if (p.fibmap_forced && chain.front() != ProbeMethod::kFibmap) {
      return absl::InvalidArgumentError(
          absl::StrCat("elevator '", p.name, "' always tries FIBMAP first; probe chain '", name,
                       "' does not start with fibmap (use physical)"));
    }
  }
  e->set_chain(std::move(chain));
  return absl::OkStatus();
}

}  // namespace iosched
