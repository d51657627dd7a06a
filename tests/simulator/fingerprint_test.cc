// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Pins the HDD model's results: the fingerprints hdd_model_bench prints
// (simulator/src/hdd_fingerprint.h: a hash of every ServiceInfo field of
// every request), on the bench's own workloads and sizes. A change to what
// the model computes fails here; a change that means to alter the results
// updates the values below and says why in its commit.
//
// Provenance: `build/bin/hdd_model_bench --benchmark_filter=none` at 9a3aacd
// (2026-12-07, RelWithDebInfo, GCC 12, Debian 12); identical to the values
// the bench printed unchanged since the run-based media walk (see
// bench/README.md). The run costs about 0.1 s in a release build.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "hdd_fingerprint.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"

namespace iosched::sim {
namespace {

struct Expected {
  const char* model;
  uint64_t random;
  uint64_t sequential;
};

constexpr Expected kExpected[] = {
    {"hp-c2247a", 0x7a92114f3f0e81ddULL, 0x2199e9cffc15be51ULL},
    {"hp-c2247a/sect-per-cyl", 0xe1a914a113890d77ULL, 0x261ad6ac358d740fULL},
    {"hp-c2247a/sect-per-track", 0x2ce1636f2095026cULL, 0xe267b7c8818bf4c3ULL},
    {"hp-c2247a/sect-per-zone", 0x36e6348704920d35ULL, 0xf47dbbb15f4751f5ULL},
    {"sata-7200", 0xaa1b088243eb59e4ULL, 0x996466c39083caa1ULL},
};

std::string Hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

TEST(HddFingerprintTest, EveryModelAndWorkloadMatchesThePinnedValue) {
  const std::vector<FingerprintModel> models = FingerprintModels();
  ASSERT_EQ(models.size(), std::size(kExpected));
  for (size_t i = 0; i < models.size(); ++i) {
    const FingerprintModel& m = models[i];
    SCOPED_TRACE(m.name);
    ASSERT_EQ(m.name, kExpected[i].model);
    const uint64_t cap = HddCapacitySectors(m.params);
    const auto random = RandomWorkload(cap, kBenchRandomRequests, kBenchGapMs, kBenchRandomSeed);
    const auto seq = SequentialWorkload(cap, kBenchSequentialRequests);
    auto disk_r = MakeHddModel(m.params);
    ASSERT_TRUE(disk_r.ok()) << disk_r.status();
    auto disk_s = MakeHddModel(m.params);
    ASSERT_TRUE(disk_s.ok()) << disk_s.status();
    EXPECT_EQ(Hex(Fingerprint(**disk_r, random)), Hex(kExpected[i].random)) << "random workload";
    EXPECT_EQ(Hex(Fingerprint(**disk_s, seq)), Hex(kExpected[i].sequential))
        << "sequential workload";
  }
}

// The fingerprint sees every field: one nanosecond more in one request's
// completion changes it (a fingerprint that ignored fields would pass the
// test above whatever the model did).
TEST(HddFingerprintTest, FnvMixSeesOneNanosecond) {
  const uint64_t h = 14695981039346656037ULL;
  EXPECT_NE(FnvMix(h, 1000000), FnvMix(h, 1000001));
  EXPECT_NE(FnvMix(FnvMix(h, 1), 2), FnvMix(FnvMix(h, 2), 1));
}

}  // namespace
}  // namespace iosched::sim
