// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SsdParams: the simple flash device of MakeSsdModel (disk_model.h). Enough
// to show why seek-ordering elevators buy nothing on an SSD: no positioning
// cost, and independent channels that serve pages in parallel.
//
// Model: the address space is striped over `channels` in pages of
// `page_sectors` (page p lives on channel p mod channels). A unit touching
// pages p0..p1 occupies each of their channels, one page after the other:
//   channel busy += latency(op) + bytes of the unit on that page / channel_bw
// starting at max(now, when the channel frees up). The unit completes when
// its last channel finishes, plus `command_overhead`. Units on different
// channels overlap; units on the same channel queue behind each other.
//
// Units: times in nanoseconds, bandwidth in bytes per second, sizes in
// 512-byte sectors. Thread-safety: plain values.

#ifndef IOSCHED_SSD_PARAMS_H_
#define IOSCHED_SSD_PARAMS_H_

#include <cstdint>
#include <string>

#include "iosched/time.h"

namespace iosched {

struct SsdParams {
  std::string name = "ssd";
  std::string description =
      "flash SSD: 256 GiB, 8 channels, 4 KiB pages, read 80 us / write 20 us per page, "
      "400 MB/s per channel";
  uint64_t capacity_sectors = uint64_t{256} << 21;  // 256 GiB
  uint32_t channels = 8;
  uint32_t page_sectors = 8;  // 4 KiB
  // Per page: flash array read (tR) for reads; program into the controller's
  // write buffer for writes (hence much shorter).
  Duration read_latency{80'000};
  Duration write_latency{20'000};
  uint64_t channel_bytes_per_s = 400'000'000;
  // Fixed controller/host cost per unit, after the last channel finishes.
  Duration command_overhead{0};
};

}  // namespace iosched

#endif  // IOSCHED_SSD_PARAMS_H_
