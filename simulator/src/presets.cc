// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The built-in disk presets and the model factories of disk_model.h.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hdd_model.h"
#include "iosched/disk_model.h"
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
      {"ssd", SsdParams().description},
  };
}

absl::StatusOr<std::unique_ptr<DiskModel>> MakeDiskModel(std::string_view preset) {
  if (preset == "hp-c2247a") return MakeHddModel(HpC2247AParams());
  if (preset == "sata-7200") return MakeHddModel(Sata7200Params());
  if (preset == "ssd") return MakeSsdModel(SsdParams());
  std::vector<std::string> names;
  for (const DiskPresetInfo& p : KnownDiskPresets()) names.push_back(p.name);
  return absl::NotFoundError(absl::StrCat("unknown disk preset '", Sv(preset),
                                          "'; known presets: ", absl::StrJoin(names, ", ")));
}

}  // namespace iosched
