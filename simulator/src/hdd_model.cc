// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "hdd_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "iosched/status_macros.h"

namespace iosched::sim {

absl::StatusOr<std::unique_ptr<HddModel>> HddModel::Create(const HddParams& params) {
  RETURN_IF_ERROR(ValidateHddParams(params));
  return std::unique_ptr<HddModel>(new HddModel(params));
}

HddModel::HddModel(const HddParams& params)
    : params_(params),
      layout_(params),
      seek_(params),
      spindle_(params.rpm),
      host_read_(MsToDuration(std::max({params.bus_read_sector_ms, params.controller_bulk_sector_ms,
                                        params.disk_bulk_sector_ms}))),
      host_write_(
          MsToDuration(std::max({params.bus_write_sector_ms, params.controller_bulk_sector_ms,
                                 params.disk_bulk_sector_ms}))),
      read_completion_(MsToDuration(params.overheads.read_completion_ms)),
      write_completion_(MsToDuration(params.overheads.write_completion_ms)) {}

Duration HddModel::CommandOverhead(Op op) const {
  const HddOverheads& o = params_.overheads;
  const bool after_read = last_op_ == Op::kRead;
  if (op == Op::kRead) {
    return MsToDuration(after_read ? o.read_miss_after_read_ms : o.read_miss_after_write_ms);
  }
  return MsToDuration(after_read ? o.write_miss_after_read_ms : o.write_miss_after_write_ms);
}

double HddModel::PlanMedia(Op op, uint64_t sector, uint32_t n) {
  segments_.clear();
  uint64_t lbn = sector;
  uint32_t left = n;
  uint32_t base = 0;
  while (left > 0) {
    Segment s;
    s.first = layout_.Map(lbn);
    s.count = std::min(left, s.first.sectors_per_track - s.first.sector);
    s.base = base;
    s.angle = layout_.StartAngle(s.first);
    s.sector_ns = spindle_.revolution_ns() / s.first.sectors_per_track;
    segments_.push_back(s);
    lbn += s.count;
    left -= s.count;
    base += s.count;
  }
  // Relative timeline: the first sector starts at 0, at angle segments_[0].angle.
  const double angle0 = segments_[0].angle;
  double rel = 0;
  double end = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    Segment& s = segments_[i];
    s.rel_start = rel;
    end = rel + s.count * s.sector_ns;
    if (i + 1 < segments_.size()) {
      const Segment& next = segments_[i + 1];
      const double arrive =
          end + static_cast<double>(seek_
                                        .Positioning(s.first.cylinder, s.first.head,
                                                     next.first.cylinder, next.first.head, op)
                                        .count());
      const double angle = angle0 + arrive / spindle_.revolution_ns();
      rel = arrive + spindle_.WaitNs(angle - std::floor(angle), next.angle);
    }
  }
  return end;
}

ServiceInfo HddModel::Serve(Op op, uint64_t sector, uint32_t sectors, Time now) {
  assert(sectors > 0 && sector + sectors <= capacity_sectors());
  const Time start = std::max(now, busy_until_);
  // A read cache (later issue) answers hits here and falls through on a miss.
  return ServeMedia(op, sector, sectors, start);
}

ServiceInfo HddModel::ServeMedia(Op op, uint64_t sector, uint32_t n, Time start) {
  ServiceInfo info;
  info.start = start;
  const Duration command = CommandOverhead(op);
  const Time t_cmd = start + command;
  const double media_end = PlanMedia(op, sector, n);
  const Segment& first = segments_.front();

  // Initial positioning.
  const Duration positioning =
      seek_.Positioning(head_cylinder_, head_surface_, first.first.cylinder, first.first.head, op);
  info.seek = positioning;
  info.seek_cylinders = head_cylinder_ > first.first.cylinder
                            ? head_cylinder_ - first.first.cylinder
                            : first.first.cylinder - head_cylinder_;
  const Time positioned = t_cmd + positioning;

  // Earliest moment the first sector may start passing under the head.
  Time earliest = positioned;
  const double host_ns = static_cast<double>(HostSectorTime(op).count());
  if (op == Op::kWrite) {
    // Sector j (1-based) arrives at t_cmd + j·host and is written at
    // t_first + rel_start + (j − base − 1)·sector_ns. The bound is linear in
    // j within a segment, so its ends suffice.
    double need = 0;
    for (const Segment& s : segments_) {
      for (uint32_t j : {s.base + 1, s.base + s.count}) {
        need = std::max(need, j * host_ns - (s.rel_start + (j - s.base - 1) * s.sector_ns));
      }
    }
    earliest = std::max(earliest, t_cmd + Duration{std::llround(need)});
  }
  const Time t_first = earliest + spindle_.WaitFor(earliest, first.angle);
  info.rotation = t_first - positioned;

  Time complete;
  if (op == Op::kRead) {
    // Sector j leaves for the host after it is read and after sector j − 1
    // has been sent: bus end = max over j of (media end of j + (n − j + 1)·host).
    double bus_end = media_end + host_ns;
    for (const Segment& s : segments_) {
      for (uint32_t j : {s.base + 1, s.base + s.count}) {
        const double read_end = s.rel_start + (j - s.base) * s.sector_ns;
        bus_end = std::max(bus_end, read_end + (n - j + 1) * host_ns);
      }
    }
    complete = t_first + Duration{std::llround(bus_end)} + read_completion_;
    info.overhead = command + read_completion_;
  } else {
    complete = t_first + Duration{std::llround(media_end)} + write_completion_;
    info.overhead = command + write_completion_;
  }
  info.complete = complete;
  info.transfer = complete - start - info.overhead - info.seek - info.rotation;

  const Segment& last = segments_.back();
  head_cylinder_ = last.first.cylinder;
  head_surface_ = last.first.head;
  last_op_ = op;
  busy_until_ = complete;
  return info;
}

}  // namespace iosched::sim
