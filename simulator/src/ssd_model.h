// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SsdModel: the channel-parallel flash device described in ssd_params.h.
// Per unit the work is O(channels), whatever its size.
//
// Thread-safety: none (one simulation).

#ifndef IOSCHED_SIMULATOR_SSD_MODEL_H_
#define IOSCHED_SIMULATOR_SSD_MODEL_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/disk_model.h"
#include "iosched/ssd_params.h"

namespace iosched::sim {

class SsdModel final : public DiskModel {
 public:
  // InvalidArgument if a count, size or bandwidth is zero.
  static absl::StatusOr<std::unique_ptr<SsdModel>> Create(const SsdParams& params);

  std::string_view name() const override { return params_.name; }
  uint64_t capacity_sectors() const override { return params_.capacity_sectors; }
  bool rotational() const override { return false; }
  ServiceInfo Serve(Op op, uint64_t sector, uint32_t sectors, Time now) override;

  const SsdParams& params() const { return params_; }
  // When channel `c` finishes its queued work.
  Time channel_free(uint32_t c) const { return free_[c]; }

 private:
  explicit SsdModel(const SsdParams& params);

  SsdParams params_;
  std::vector<Time> free_;  // per channel
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_SSD_MODEL_H_
