// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Pins the HDD model's results: the fingerprints hdd_model_bench prints
// (simulator/src/hdd_fingerprint.h: a hash of every ServiceInfo field of
// every request), on the bench's workloads (fewer requests, below). A change to what
// the model computes fails here; a change that means to alter the results
// updates the values below and says why in its commit.
//
// Provenance: printed by this test (the values in its failure message) at
// 9a3aacd + this test, 2026-12-07, RelWithDebInfo, GCC 12, Debian 12, the
// same build in which `build/bin/hdd_model_bench --benchmark_filter=none`
// printed the bench-size fingerprints unchanged from 9a3aacd (they are in
// the commit message that added this test). About 0.06 s in a release build.

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

// A fifth of the bench's requests (20,000 and 5,000), same seed and mix, to
// stay well under 10 s in an ASan Debug build; the first 4,000 random and
// 1,000 sequential commands are the bench's own.
constexpr size_t kTestRandomRequests = 4000;
constexpr size_t kTestSequentialRequests = 1000;

struct Expected {
  const char* model;
  uint64_t random;
  uint64_t sequential;
};

constexpr Expected kExpected[] = {
    {"hp-c2247a", 0x437c0f29c2e4aee8ULL, 0x73fbf1863b8a84fcULL},
    {"hp-c2247a/sect-per-cyl", 0xd421565e905432e4ULL, 0x764ad78646a0929fULL},
    {"hp-c2247a/sect-per-track", 0x4c41e392381983faULL, 0x7ad95feb80a18232ULL},
    {"hp-c2247a/sect-per-zone", 0x6cbb557971454a36ULL, 0xcfb18eed9deca88dULL},
    {"sata-7200", 0xe99cbdb0df9b0ebbULL, 0x1ea73bbddc4bac3fULL},
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
    const auto random = RandomWorkload(cap, kTestRandomRequests, kBenchGapMs, kBenchRandomSeed);
    const auto seq = SequentialWorkload(cap, kTestSequentialRequests);
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
