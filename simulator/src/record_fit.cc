// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "record_fit.h"

#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace iosched::sim {
namespace {

constexpr uint64_t kAlign = 8;  // sectors (4 KiB)

using u128 = unsigned __int128;

}  // namespace

absl::StatusOr<RecordFitter> RecordFitter::Create(const ReplayOptions& options,
                                                  uint64_t capacity_sectors,
                                                  std::string disk_name) {
  if (capacity_sectors == 0) {
    return absl::InvalidArgumentError(absl::StrCat("disk ", disk_name, " has no capacity"));
  }
  uint64_t num = 1, den = 1;
  if (options.fit == FitPolicy::kScale) {
    if (options.trace_max_end == 0) {
      return absl::InvalidArgumentError(
          "FitPolicy::kScale needs ReplayOptions::trace_max_end (the trace's highest byte "
          "offset + length, from a first pass over the trace)");
    }
    const u128 cap_bytes = static_cast<u128>(capacity_sectors) * 512;
    if (options.trace_max_end > cap_bytes) {
      num = capacity_sectors * 512;
      den = options.trace_max_end;
    }
  }
  std::string trace = options.trace_name.empty() ? std::string("trace") : options.trace_name;
  return RecordFitter(options.fit, capacity_sectors, num, den, std::move(trace),
                      std::move(disk_name));
}

absl::StatusOr<RecordFitter::Fitted> RecordFitter::Fit(const TraceRecord& rec) const {
  const u128 end_byte = static_cast<u128>(rec.offset) + rec.length;
  uint64_t sector = rec.offset / 512;
  const u128 end_sector = (end_byte + 511) / 512;
  u128 sectors = end_sector - sector;
  if (sectors == 0) sectors = 1;
  Fitted f;
  f.out_of_range = end_byte > static_cast<u128>(capacity_) * 512;

  bool adjust = false;
  if (f.out_of_range && policy_ == FitPolicy::kError) {
    return absl::InvalidArgumentError(
        absl::StrCat(trace_name_, ":", rec.line, ": request [", rec.offset, ", +", rec.length,
                     ") ends beyond the capacity of ", disk_name_, " (", capacity_ * 512,
                     " bytes); use --fit wrap or --fit scale"));
  }
  if (policy_ == FitPolicy::kScale && scale_num_ != scale_den_) {
    sector = static_cast<uint64_t>(static_cast<u128>(sector) * scale_num_ / scale_den_);
    sector -= sector % kAlign;
    adjust = true;
  } else if (f.out_of_range && policy_ == FitPolicy::kWrap) {
    sector %= capacity_;
    sector -= sector % kAlign;
    adjust = true;
  }
  if (adjust || f.out_of_range) {
    if (sector >= capacity_) sector = capacity_ - 1;  // capacity below 8 sectors
    sectors = std::min<u128>(sectors, capacity_ - sector);
  }
  f.sector = sector;
  f.sectors = static_cast<uint32_t>(
      std::min<u128>(sectors, std::numeric_limits<uint32_t>::max() - kAlign + 1));
  return f;
}

}  // namespace iosched::sim
