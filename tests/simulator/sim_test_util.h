// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers shared by the simulator tests: small record builders, synthetic
// workloads and a recording disk.

#ifndef IOSCHED_TESTS_SIMULATOR_SIM_TEST_UTIL_H_
#define IOSCHED_TESTS_SIMULATOR_SIM_TEST_UTIL_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "iosched/disk_model.h"
#include "iosched/trace.h"
#include "vector_trace_reader.h"

namespace iosched::testing {

// Replays a fixed vector of records (tests/common/vector_trace_reader.h).
using testing_util::VectorTraceReader;

inline TraceRecord Rec(int64_t time_ns, TraceOp op, uint64_t sector, uint64_t sectors,
                       std::optional<uint32_t> stream = std::nullopt) {
  TraceRecord r;
  r.time_ns = time_ns;
  r.op = op;
  r.offset = sector * 512;
  r.length = sectors * 512;
  r.stream = stream;
  return r;
}

// A deterministic mixed workload: `n` records, 1 ms apart, scattered over
// `span` sectors, 2 streams, reads and writes, some sequential neighbours.
inline std::vector<TraceRecord> SyntheticTrace(int n, uint64_t span) {
  std::vector<TraceRecord> out;
  uint64_t x = 12345;
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t sector = ((x >> 20) % (span / 8)) * 8;
    if (i % 5 == 4) sector = out.back().offset / 512 + out.back().length / 512;  // sequential
    const TraceOp op = (x >> 60) % 3 == 0 ? TraceOp::kWrite : TraceOp::kRead;
    out.push_back(Rec(int64_t{i} * 1'000'000, op, sector % span, 8 + 8 * ((x >> 40) % 4),
                      static_cast<uint32_t>(i % 2)));
  }
  return out;
}

// A disk of `capacity` sectors that serves one unit at a time in a fixed
// `service` time and records what it was asked.
class RecordingDisk final : public DiskModel {
 public:
  struct Call {
    Op op;
    uint64_t sector;
    uint32_t sectors;
    Time now;
  };
  RecordingDisk(uint64_t capacity, Duration service) : capacity_(capacity), service_(service) {}
  std::string_view name() const override { return "recording"; }
  uint64_t capacity_sectors() const override { return capacity_; }
  bool rotational() const override { return true; }
  ServiceInfo Serve(Op op, uint64_t sector, uint32_t sectors, Time now) override {
    calls.push_back(Call{op, sector, sectors, now});
    ServiceInfo info;
    info.start = now > busy_ ? now : busy_;
    info.complete = info.start + service_;
    info.transfer = service_;
    busy_ = info.complete;
    return info;
  }
  std::vector<Call> calls;

 private:
  uint64_t capacity_;
  Duration service_;
  Time busy_{0};
};

}  // namespace iosched::testing

#endif  // IOSCHED_TESTS_SIMULATOR_SIM_TEST_UTIL_H_
