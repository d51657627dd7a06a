// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "ssd_model.h"

#include <algorithm>
#include <cassert>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace iosched::sim {

absl::StatusOr<std::unique_ptr<SsdModel>> SsdModel::Create(const SsdParams& params) {
  if (params.capacity_sectors == 0 || params.channels == 0 || params.page_sectors == 0 ||
      params.channel_bytes_per_s == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(params.name,
                     ": capacity, channels, page size and channel bandwidth must "
                     "all be > 0"));
  }
  if (params.read_latency < Duration{0} || params.write_latency < Duration{0} ||
      params.command_overhead < Duration{0}) {
    return absl::InvalidArgumentError(absl::StrCat(params.name, ": latencies must be >= 0"));
  }
  return std::unique_ptr<SsdModel>(new SsdModel(params));
}

SsdModel::SsdModel(const SsdParams& params) : params_(params), free_(params.channels, Time{0}) {}

ServiceInfo SsdModel::Serve(Op op, uint64_t sector, uint32_t sectors, Time now) {
  assert(sectors > 0 && sector + sectors <= params_.capacity_sectors);
  const uint64_t ps = params_.page_sectors;
  const uint64_t nch = params_.channels;
  const uint64_t p0 = sector / ps;
  const uint64_t end = sector + sectors;
  const uint64_t p1 = (end - 1) / ps;
  const uint64_t pages = p1 - p0 + 1;
  const Duration latency = op == Op::kRead ? params_.read_latency : params_.write_latency;
  // Sectors of the first and last page that the unit does not cover.
  const uint64_t head_gap = sector - p0 * ps;
  const uint64_t tail_gap = (p1 + 1) * ps - end;

  ServiceInfo info;
  info.start = now;
  Time done = now;
  Time earliest_start = kTimeNever;
  const uint64_t used = std::min<uint64_t>(pages, nch);
  for (uint64_t i = 0; i < used; ++i) {
    // Pages p0 + i, p0 + i + nch, … live on channel (p0 + i) mod nch.
    const uint64_t count = (pages - i + nch - 1) / nch;
    uint64_t covered = count * ps;
    if (i == 0) covered -= head_gap;
    if ((pages - 1) % nch == i) covered -= tail_gap;  // the last page is on this channel
    const uint64_t ch = (p0 + i) % nch;
    const Duration xfer{
        static_cast<int64_t>((static_cast<unsigned __int128>(covered) * 512 * 1'000'000'000 +
                              params_.channel_bytes_per_s - 1) /
                             params_.channel_bytes_per_s)};
    const Time begin = std::max(free_[ch], now);
    earliest_start = std::min(earliest_start, begin);
    free_[ch] = begin + latency * static_cast<int64_t>(count) + xfer;
    done = std::max(done, free_[ch]);
  }
  info.start = earliest_start;
  info.complete = done + params_.command_overhead;
  info.overhead = params_.command_overhead;
  info.transfer = info.complete - info.start - info.overhead;
  return info;
}

}  // namespace iosched::sim
