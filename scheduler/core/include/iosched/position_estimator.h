// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// PositionEstimator: how long a disk would take to reach a request, asked by
// the positioning-time policies (sptf, aged-sptf, satf) that order requests
// by where the head is rather than by sector number (docs/disk-queueing.md).
//
// Only a disk model can answer: the simulator's HDD model implements it from
// its own state (head cylinder and surface, platter angle, seek curve,
// zoned layout, cache). The real O_DIRECT path has no model, so it refuses
// those policies (Scheduler::Create).
//
// Units: sectors are 512 bytes; times are integer nanoseconds.
//
// Thread-safety: none. An estimator reads the live state of one simulated
// disk and is called on the simulation's thread, between the disk's
// commands, by the elevator or drive queue that holds it.
//
// Ownership: whoever hands an estimator to an elevator keeps it alive for
// the elevator's lifetime.

#ifndef IOSCHED_POSITION_ESTIMATOR_H_
#define IOSCHED_POSITION_ESTIMATOR_H_

#include <cstdint>

#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched {

// Where the platter angle of an estimate comes from.
enum class AngleSource : uint8_t {
  // The angle the platter really has when the arm could start moving: the
  // decision time (what a rotational-position-ordering drive computes).
  kDecisionTime,
  // The angle recorded at the last media event (last sector read, written
  // or read ahead), not advanced since: DiskSim 4.0's behaviour.
  kLastMediaEvent,
};

class PositionEstimator {
 public:
  virtual ~PositionEstimator() = default;

  // Seek (with head switch and, for writes, settle and the minimum seek
  // delay) plus rotational latency to the first sector of
  // [sector, sector + sectors) for a command the arm starts on at `now`,
  // from the head's current position. Excludes command overheads, bus
  // transfer and the media transfer. REQUIRES: the range is within the disk.
  virtual Duration Positioning(Op op, uint64_t sector, uint32_t sectors, Time now) const = 0;

  // Positioning() plus the media transfer of the whole range (what SATF
  // minimises).
  virtual Duration Access(Op op, uint64_t sector, uint32_t sectors, Time now) const = 0;

  // True if a read of the range is wholly in the drive's cache (the
  // cache-aware SPTF variant gives it a zero key). Default: no cache.
  virtual bool Cached(Op /*op*/, uint64_t /*sector*/, uint32_t /*sectors*/) const { return false; }

  // The cylinder that holds `sector`, and the cylinder the head is on
  // (cylinder-distance policies).
  virtual uint32_t Cylinder(uint64_t sector) const = 0;
  virtual uint32_t HeadCylinder() const = 0;
};

}  // namespace iosched

#endif  // IOSCHED_POSITION_ESTIMATOR_H_
