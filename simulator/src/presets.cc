// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The built-in disk presets and the model factories of disk_model.h.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hdd_model.h"
#include "iosched/disk_model.h"
#include "iosched/disk_policy.h"
#include "iosched/status_macros.h"
#include "ssd_model.h"

namespace iosched {

absl::StatusOr<std::unique_ptr<DiskModel>> MakeHddModel(const HddParams& params) {
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<sim::HddModel> model, sim::HddModel::Create(params));
  return std::unique_ptr<DiskModel>(std::move(model));
}

absl::StatusOr<std::unique_ptr<DiskModel>> MakeSsdModel(const SsdParams& params) {
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<sim::SsdModel> model, sim::SsdModel::Create(params));
  return std::unique_ptr<DiskModel>(std::move(model));
}

std::vector<DiskPresetInfo> KnownDiskPresets() {
  return {
      {"hp-c2247a", HpC2247AParams().description},
      {"sata-7200", Sata7200Params().description},
      {"sas-15k", Sas15kParams().description},
      {"ssd", SsdParams().description},
  };
}

namespace {

// Applies "key=value,…" to an HDD preset's drive queue.
absl::Status ApplyDiskOptions(std::string_view spec, std::string_view options, HddParams* p) {
  constexpr std::string_view kKnown =
      "queue_depth, queue_policy, aging_weight, disksim_exact, priority_policy, preseek_level";
  for (absl::string_view piece : absl::StrSplit(Sv(options), ',')) {
    const std::string_view kv = StdSv(piece);
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == kv.size()) {
      return absl::InvalidArgumentError(absl::StrCat("disk '", Sv(spec),
                                                     "': expected option=value, got '", Sv(kv),
                                                     "' (options: ", Sv(kKnown), ")"));
    }
    const std::string_view key = kv.substr(0, eq), value = kv.substr(eq + 1);
    int64_t n = 0;
    const bool is_int = absl::SimpleAtoi(Sv(value), &n);
    auto bad_value = [&](std::string_view expected) {
      return absl::InvalidArgumentError(absl::StrCat("disk '", Sv(spec), "': ", Sv(key), "='",
                                                     Sv(value), "': expected ", Sv(expected)));
    };
    if (key == "queue_depth") {
      if (!is_int || n < 1 || n > 256) return bad_value("an integer in [1, 256]");
      p->queue.depth = static_cast<uint32_t>(n);
    } else if (key == "queue_policy") {
      if (absl::StatusOr<DiskPolicyKind> k = ParseDiskPolicy(value); !k.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("disk '", Sv(spec), "': ", k.status().message()));
      }
      p->queue.policy = std::string(value);
    } else if (key == "priority_policy") {
      // DiskSim's "Scheduling priority scheme = 1" with this "Priority
      // scheduling" policy: synchronous commands first.
      if (absl::StatusOr<DiskPolicyKind> k = ParseDiskPolicy(value); !k.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("disk '", Sv(spec), "': ", k.status().message()));
      }
      p->queue.priority_scheme = true;
      p->queue.priority_policy = std::string(value);
    } else if (key == "aging_weight") {
      if (!is_int || n < 0) return bad_value("an integer >= 0 (ms of credit per second waited)");
      p->queue.aging_weight = n;
    } else if (key == "disksim_exact") {
      if (!is_int || (n != 0 && n != 1)) return bad_value("0 or 1");
      p->queue.disksim_exact = n == 1;
    } else if (key == "preseek_level") {
      if (!is_int || (n != 0 && n != 1)) return bad_value("0 or 1 (level 2 is not modelled)");
      p->queue.preseek_level = static_cast<uint32_t>(n);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("disk '", Sv(spec), "': unknown option '",
                                                     Sv(key), "' (options: ", Sv(kKnown), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HddParams> HddPresetParams(std::string_view spec) {
  std::string_view name = spec, options;
  if (const size_t colon = spec.find(':'); colon != std::string_view::npos) {
    name = spec.substr(0, colon);
    options = spec.substr(colon + 1);
  }
  HddParams p;
  if (name == "hp-c2247a") {
    p = HpC2247AParams();
  } else if (name == "sata-7200") {
    p = Sata7200Params();
  } else if (name == "sas-15k") {
    p = Sas15kParams();
  } else {
    return absl::NotFoundError(absl::StrCat("'", Sv(name), "' is not an HDD preset"));
  }
  if (spec.find(':') != std::string_view::npos) {
    IOSCHED_RETURN_IF_ERROR(ApplyDiskOptions(spec, options, &p));
  }
  return p;
}

absl::StatusOr<std::unique_ptr<DiskModel>> MakeDiskModel(std::string_view preset) {
  const std::string_view name = preset.substr(0, preset.find(':'));
  if (name == "ssd" && name.size() == preset.size()) return MakeSsdModel(SsdParams());
  if (name == "ssd") {
    return absl::InvalidArgumentError(
        absl::StrCat("disk '", Sv(preset), "': the ssd preset takes no options"));
  }
  absl::StatusOr<HddParams> p = HddPresetParams(preset);
  if (p.ok()) return MakeHddModel(*p);
  if (!absl::IsNotFound(p.status())) return p.status();
  std::vector<std::string> names;
  for (const DiskPresetInfo& info : KnownDiskPresets()) names.push_back(info.name);
  return absl::NotFoundError(absl::StrCat("unknown disk preset '", Sv(name),
                                          "'; known presets: ", absl::StrJoin(names, ", ")));
}

}  // namespace iosched
