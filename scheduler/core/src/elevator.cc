// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/elevator.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

// Parses a decimal integer, optionally negative. Rejects trailing text.
bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;
  auto [p, ec] = std::from_chars(first, last, *out);
  return ec == std::errc() && p == last;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void TunableSet::Add(std::string name, Kind kind, int64_t* storage, int64_t min, int64_t max,
                     OutOfRange policy, std::string unit, std::string help) {
  entries_.push_back(
      Entry{std::move(name), kind, storage, min, max, policy, std::move(unit), std::move(help)});
}

const TunableSet::Entry* TunableSet::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

absl::Status TunableSet::Set(std::string_view name, std::string_view text, const TickClock& ticks,
                             std::string* warning) {
  const Entry* e = Find(name);
  if (e == nullptr) {
    std::vector<std::string> names;
    for (const Entry& x : entries_) names.push_back(x.name);
    return absl::NotFoundError(
        absl::StrCat("unknown tunable '", Sv(name), "' (known: ", absl::StrJoin(names, ", "), ")"));
  }
  std::string_view v = Trim(text);
  int64_t value = 0;
  if (e->kind == Kind::kMillis) {
    // Accept "250", "250ms", "1s". Milliseconds are the sysfs unit.
    int64_t scale = 1;
    if (v.ends_with("ms")) {
      v.remove_suffix(2);
    } else if (v.ends_with("s")) {
      v.remove_suffix(1);
      scale = 1000;
    }
    if (!ParseInt(v, &value) || value > std::numeric_limits<int64_t>::max() / 1000 / scale ||
        value < std::numeric_limits<int64_t>::min() / 1000 / scale) {
      return absl::InvalidArgumentError(
          absl::StrCat("tunable ", Sv(name), ": expected milliseconds (e.g. 250, 250ms, 1s), got '",
                       Sv(text), "'"));
    }
    value *= scale;
  } else if (!ParseInt(v, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("tunable ", Sv(name), ": expected ",
                                                   e->kind == Kind::kBool ? "0 or 1" : "an integer",
                                                   ", got '", Sv(text), "'"));
  }
  if (value < e->min || value > e->max) {
    if (e->policy == OutOfRange::kReject) {
      return absl::InvalidArgumentError(absl::StrCat("tunable ", Sv(name), ": ", value,
                                                     " is out of range [", e->min, ", ", e->max,
                                                     "] ", e->unit));
    }
    const int64_t clamped = std::clamp(value, e->min, e->max);
    if (warning != nullptr) {
      *warning = absl::StrCat("tunable ", Sv(name), "=", Sv(Trim(text)), " is out of range [",
                              e->min, ", ", e->max, "] ", e->unit, "; clamped to ", clamped,
                              " as the kernel does");
    }
    value = clamped;
  }
  *e->storage = e->kind == Kind::kMillis ? ticks.MsToTicks(value) : value;
  return absl::OkStatus();
}

std::string TunableSet::Format(const Entry& e, const TickClock& ticks) const {
  int64_t v = *e.storage;
  if (e.kind == Kind::kMillis) v = ticks.TicksToMs(v);
  return absl::StrCat(v);
}

absl::StatusOr<std::string> TunableSet::Get(std::string_view name, const TickClock& ticks) const {
  const Entry* e = Find(name);
  if (e == nullptr) return absl::NotFoundError(absl::StrCat("unknown tunable '", Sv(name), "'"));
  return Format(*e, ticks);
}

std::vector<TunableInfo> TunableSet::List(const TickClock& ticks) const {
  std::vector<TunableInfo> out;
  for (const Entry& e : entries_) out.push_back({e.name, e.unit, Format(e, ticks), e.help});
  return out;
}

Elevator::Elevator(const ElevatorEnv& env) : env_(env), ticks_(env.hz) {
  tunables_.Add("max_sectors", TunableSet::Kind::kInt, &max_sectors_, 1, 1 << 22,
                TunableSet::OutOfRange::kReject, "sectors",
                "largest unit a merge may build (queue limit; kernel default 255)");
  tunables_.Add("nomerges", TunableSet::Kind::kBool, &nomerges_, 0, 1,
                TunableSet::OutOfRange::kClamp, "bool", "1 disables every merge");
}

absl::Status Elevator::SetTunable(std::string_view name, std::string_view value) {
  if (name == "max_sectors_kb") {
    // Queue attribute in KiB; stored as sectors.
    int64_t kb = 0;
    if (!ParseInt(Trim(value), &kb) || kb < 1 || kb > (1 << 21)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tunable max_sectors_kb: expected KiB in [1, 2097152], got '", Sv(value), "'"));
    }
    max_sectors_ = kb * 2;
    return absl::OkStatus();
  }
  std::string warning;
  IOSCHED_RETURN_IF_ERROR(tunables_.Set(name, value, ticks_, &warning));
  if (!warning.empty()) tunable_warnings_.push_back(absl::StrCat(Sv(Name()), ": ", warning));
  TunableChanged(name);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Elevator::GetTunable(std::string_view name) const {
  if (name == "max_sectors_kb") return absl::StrCat(max_sectors_ / 2);
  return tunables_.Get(name, ticks_);
}

std::vector<TunableInfo> Elevator::Tunables() const { return tunables_.List(ticks_); }

bool Elevator::Contiguous(const Request& lo, const Request& hi) const {
  if (lo.end() != hi.start() || lo.op != hi.op || lo.fd != hi.fd || lo.discard != hi.discard) {
    return false;
  }
  if (static_cast<uint64_t>(lo.nr_sectors()) + hi.nr_sectors() > max_sectors()) return false;
  if (lo.fd >= 0) {
    // Real path: the exact byte ranges must touch, not only the sectors.
    const Request* last = lo.last_member();
    const Request* first = hi.first_member();
    if (last->offset + last->length != first->offset) return false;
  }
  return true;
}

}  // namespace iosched
