// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/registry.h"

#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builtin_elevators.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

struct Entry {
  std::string name;
  std::vector<std::string> aliases;
  ElevatorFactory factory;
};

struct Registry {
  std::vector<Entry> entries;
  Registry() { RegisterBuiltinElevators(*this); }
  static void RegisterBuiltinElevators(Registry& r) {
    for (BuiltinElevator& b : BuiltinElevators()) {
      r.entries.push_back(Entry{b.name, b.aliases, b.factory});
    }
  }
  const Entry* Find(std::string_view name) const {
    for (const Entry& e : entries) {
      if (e.name == name) return &e;
      for (const std::string& a : e.aliases) {
        if (a == name) return &e;
      }
    }
    return nullptr;
  }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t comma = s.find(',', pos);
    out.push_back(
        s.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Elevator>> MakeElevator(std::string_view spec,
                                                       const ElevatorEnv& env) {
  std::string_view s = Trim(spec);
  std::string_view name = s;
  std::string_view args;
  if (size_t colon = s.find(':'); colon != std::string_view::npos) {
    name = s.substr(0, colon);
    args = s.substr(colon + 1);
  }
  const Entry* e = GetRegistry().Find(name);
  if (e == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown elevator '", Sv(name), "' in spec '", Sv(spec),
                     "' (known: ", absl::StrJoin(KnownElevators(), ", "), ")"));
  }
  std::unique_ptr<Elevator> elevator = e->factory(env);
  if (args.empty() && s.find(':') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("elevator spec '", Sv(spec), "': expected tunable=value after ':'"));
  }
  if (!args.empty()) {
    for (std::string_view kv : Split(args)) {
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "elevator spec '", Sv(spec), "': expected tunable=value, got '", Sv(kv), "'"));
      }
      std::string_view key = Trim(kv.substr(0, eq));
      absl::Status st = elevator->SetTunable(key, kv.substr(eq + 1));
      if (!st.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(e->name, ": ", st.message(), " (in spec '", Sv(spec), "')"));
      }
    }
  }
  return elevator;
}

std::vector<std::string> KnownElevators() {
  std::vector<std::string> out;
  for (const Entry& e : GetRegistry().entries) out.push_back(e.name);
  return out;
}

std::vector<std::string> SplitElevatorList(std::string_view list) {
  // A piece starts a new spec when it is a bare name ("cfq") or carries a
  // ':' ("deadline:fifo_batch=8"); a "key=value" piece continues the spec
  // before it.
  std::vector<std::string> out;
  for (std::string_view piece : Split(list)) {
    piece = Trim(piece);
    if (piece.empty()) continue;
    bool continues = piece.find('=') != std::string_view::npos &&
                     piece.find(':') == std::string_view::npos && !out.empty();
    if (continues) {
      absl::StrAppend(&out.back(), ",", Sv(piece));
    } else {
      out.emplace_back(piece);
    }
  }
  return out;
}

void RegisterElevator(std::string name, std::vector<std::string> aliases, ElevatorFactory factory) {
  GetRegistry().entries.push_back(Entry{std::move(name), std::move(aliases), std::move(factory)});
}

}  // namespace iosched
