// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RecordFitter: turns a trace record's byte range into the sector range a
// replay submits, and applies the FitPolicy of replay.h to ranges that end
// beyond the disk.
//
//   sector  = offset / 512
//   sectors = ceil((offset + length) / 512) − sector   (at least 1)
//
// A record is out of range when offset + length > capacity × 512. Then:
//   kError  InvalidArgument "TRACE:LINE: request [offset, +length) ends
//           beyond the capacity of DISK (N bytes); use --fit wrap or --fit
//           scale".
//   kWrap   sector = (sector mod capacity) aligned down to 8 sectors; the
//           length is clipped so the request ends at or before capacity.
//           Records in range are untouched.
//   kScale  when the trace's highest end (ReplayOptions::trace_max_end)
//           exceeds the disk, every record's sector is scaled by
//           capacity·512 / trace_max_end and aligned down to 8 sectors, then
//           clipped like kWrap; a trace that fits is replayed unchanged.
//
// Thread-safety: immutable after construction.

#ifndef IOSCHED_SIMULATOR_RECORD_FIT_H_
#define IOSCHED_SIMULATOR_RECORD_FIT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "iosched/replay.h"
#include "iosched/trace.h"

namespace iosched::sim {

class RecordFitter {
 public:
  struct Fitted {
    uint64_t sector = 0;
    uint32_t sectors = 0;
    bool out_of_range = false;  // the original range ended beyond capacity
  };

  // InvalidArgument for kScale without trace_max_end, or a zero capacity.
  static absl::StatusOr<RecordFitter> Create(const ReplayOptions& options,
                                             uint64_t capacity_sectors, std::string disk_name);

  absl::StatusOr<Fitted> Fit(const TraceRecord& rec) const;

 private:
  RecordFitter(FitPolicy policy, uint64_t capacity, uint64_t scale_num, uint64_t scale_den,
               std::string trace_name, std::string disk_name)
      : policy_(policy),
        capacity_(capacity),
        scale_num_(scale_num),
        scale_den_(scale_den),
        trace_name_(std::move(trace_name)),
        disk_name_(std::move(disk_name)) {}

  FitPolicy policy_;
  uint64_t capacity_;  // sectors
  // kScale: sector' = sector · scale_num / scale_den (1/1 when the trace fits).
  uint64_t scale_num_, scale_den_;
  std::string trace_name_;
  std::string disk_name_;
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_RECORD_FIT_H_
