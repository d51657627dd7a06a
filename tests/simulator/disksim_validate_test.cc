// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DiskSim-style validation: the quantile RMS, the closed-loop issue rule,
// errors, and the HP C2247A validation run against the measured trace.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "disksim_test_util.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/trace.h"
#include "sim_test_util.h"

namespace iosched {
namespace {

using testing::RecordingDisk;
using testing::VectorTraceReader;
using testing_util::BundledDiskSim;

constexpr int64_t kMs = 1'000'000;

std::vector<Duration> Ms(std::initializer_list<double> v) {
  std::vector<Duration> out;
  for (double x : v) out.push_back(Duration{std::llround(x * kMs)});
  return out;
}

TEST(QuantileRmsTest, ShiftedDistributionsDifferByTheShift) {
  EXPECT_DOUBLE_EQ(QuantileRmsMs(Ms({1, 2, 3, 4}), Ms({2, 3, 4, 5})), 1.0);
  // Order does not matter: quantiles come from the sorted values.
  EXPECT_DOUBLE_EQ(QuantileRmsMs(Ms({4, 1, 3, 2}), Ms({5, 2, 4, 3})), 1.0);
  EXPECT_DOUBLE_EQ(QuantileRmsMs(Ms({7, 7}), Ms({7, 7, 7})), 0.0);
}

TEST(QuantileRmsTest, QuantileIsTheCeilIndex) {
  // n = 2: q <= 0.5 picks the first value, q > 0.5 the second; 5,000 of the
  // 10,000 quantiles differ by 2 ms: sqrt(0.5 · 4).
  EXPECT_NEAR(QuantileRmsMs(Ms({1, 1}), Ms({1, 3})), std::sqrt(2.0), 1e-12);
  // Different sizes: {1, 3} against {1, 1, 3}: quantiles i = 5001..6666
  // (q in (1/2, 2/3)) pick 3 from the first and 1 from the second.
  const double frac = 1666.0 / 10000.0;
  EXPECT_NEAR(QuantileRmsMs(Ms({1, 3}), Ms({1, 1, 3})), std::sqrt(frac * 4), 1e-12);
  EXPECT_EQ(QuantileRmsMs({}, Ms({1})), 0.0);
}

// DiskSim 4.0 valid/statdefs "Physical access time": Start 0 step 1 grow 1
// over µs, 1750 buckets: 1 µs wide to 100, then +1 + floor(s / 100).
TEST(DiskSimBucketRmsTest, BucketBoundsFollowStatdefs) {
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(0), 0);
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(1), 1);
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(100), 100);
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(101), 102);
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(150), 200);
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(151), 203);
  EXPECT_EQ(DiskSimAccessTimeBucketStartUs(1749), 2049165458);
}

TEST(DiskSimBucketRmsTest, PrintedRowsAreTheCdfBelowTheBound) {
  // 50 µs counts in the bucket [50, 51): DiskSim's row 51 (x = 0.051 ms).
  const std::vector<DiskSimCdfRow> rows = DiskSimAccessTimeCdf(Ms({0.050, 0.050, 0.0505, 0.150}));
  ASSERT_EQ(rows.size(), 1750u);
  EXPECT_EQ(rows[0].cdf, 0.0);
  EXPECT_EQ(rows[50].cdf, 0.0);
  EXPECT_DOUBLE_EQ(rows[51].x_ms, 0.051);
  EXPECT_DOUBLE_EQ(rows[51].cdf, 0.75);
  // 150 µs: in [150, 152), the row with x = 0.152.
  EXPECT_DOUBLE_EQ(rows[125].x_ms, 0.150);
  EXPECT_DOUBLE_EQ(rows[125].cdf, 0.75);
  EXPECT_DOUBLE_EQ(rows[126].x_ms, 0.152);
  EXPECT_DOUBLE_EQ(rows[126].cdf, 1.0);
  // Printed with "%f": 1/3 is read back as 0.333333.
  EXPECT_EQ(DiskSimAccessTimeCdf(Ms({0.001, 0.002, 0.003}))[2].cdf, 0.333333);
  EXPECT_TRUE(DiskSimAccessTimeCdf({}).empty());
}

TEST(DiskSimBucketRmsTest, InterpolatesInsideTheBuckets) {
  // Both in 1 µs buckets: x(p) = 0.050 + 0.001 p against 0.060 + 0.001 p.
  EXPECT_NEAR(DiskSimBucketRmsMs(Ms({0.050}), Ms({0.060})), 0.010, 1e-12);
  EXPECT_EQ(DiskSimBucketRmsMs({}, Ms({0.060})), 0.0);
  // 150 µs sits in a 2 µs bucket: x(p) = 0.150 + 0.002 p against
  // 0.050 + 0.001 p; DiskSim samples p = 0.0001, 0.0002, … (10,000 points).
  double squares = 0;
  int n = 0;
  for (double p = 0.0001; p <= 1.0; p += 0.0001) {
    const double d = 0.100 + 0.001 * p;
    squares += d * d;
    ++n;
  }
  EXPECT_EQ(n, 10000);
  EXPECT_NEAR(DiskSimBucketRmsMs(Ms({0.150}), Ms({0.050})), std::sqrt(squares / n), 1e-12);
  // Unlike the quantile RMS, values inside one bucket are not told apart.
  EXPECT_EQ(DiskSimBucketRmsMs(Ms({0.1500, 0.1510}), Ms({0.1515, 0.1500})), 0.0);
  EXPECT_GT(QuantileRmsMs(Ms({0.1500, 0.1510}), Ms({0.1515, 0.1500})), 0.0);
}

TraceRecord Validate(TraceOp op, uint64_t sector, uint64_t sectors, int64_t service_ns,
                     int64_t gap_ns, uint64_t line) {
  TraceRecord r = testing::Rec(0, op, sector, sectors);
  r.response_ns = service_ns;
  r.think_ns = gap_ns;
  r.line = line;
  return r;
}

TEST(RunValidationTest, NextRequestIsIssuedGapAfterTheCompletion) {
  RecordingDisk disk(1000, Duration{2 * kMs});
  VectorTraceReader reader({Validate(TraceOp::kRead, 0, 8, 3 * kMs, 5 * kMs, 1),
                            Validate(TraceOp::kWrite, 100, 8, 1 * kMs, 7 * kMs, 2),
                            Validate(TraceOp::kRead, 200, 1, 2 * kMs, 0, 3)});
  absl::StatusOr<ValidationResult> r = RunValidation(reader, disk);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(disk.calls.size(), 3u);
  EXPECT_EQ(disk.calls[0].now, Time{0});
  EXPECT_EQ(disk.calls[1].now, Time{(2 + 5) * kMs});      // completion 2 ms + gap 5
  EXPECT_EQ(disk.calls[2].now, Time{(7 + 2 + 7) * kMs});  // + service 2 + gap 7
  EXPECT_EQ(disk.calls[1].op, Op::kWrite);
  EXPECT_EQ(r->requests, 3u);
  EXPECT_EQ(r->reads, 2u);
  EXPECT_DOUBLE_EQ(r->sim_mean_ms, 2.0);
  EXPECT_DOUBLE_EQ(r->real_mean_ms, 2.0);
  EXPECT_DOUBLE_EQ(r->real_read_mean_ms, 2.5);
  EXPECT_DOUBLE_EQ(r->rms_ms, QuantileRmsMs(Ms({2, 2, 2}), Ms({3, 1, 2})));
}

TEST(RunValidationTest, RequestBeyondTheCapacityNamesTheLine) {
  RecordingDisk disk(1000, Duration{kMs});
  VectorTraceReader reader(
      {Validate(TraceOp::kRead, 0, 8, kMs, kMs, 1), Validate(TraceOp::kRead, 996, 8, kMs, kMs, 2)});
  absl::StatusOr<ValidationResult> r = RunValidation(reader, disk, {.trace_name = "x.trace"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()),
            "x.trace:2: request [996, +8 sectors) ends beyond the capacity of recording "
            "(1000 sectors)");
}

TEST(RunValidationTest, TraceWithoutServiceTimesIsAnError) {
  RecordingDisk disk(1000, Duration{kMs});
  TraceRecord rec = testing::Rec(0, TraceOp::kRead, 0, 8);
  rec.line = 4;
  VectorTraceReader reader({rec});
  absl::StatusOr<ValidationResult> r = RunValidation(reader, disk, {.trace_name = "y"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()).rfind("y:4: no measured service time", 0), 0u)
      << r.status();
}

// The HP C2247A validation of DiskSim 4.0 (valid/runvalid): the imported
// drive replays the 9,999 measured requests of hp_c2247a.trace.
//
// Issue target: simulated mean within 1% of the measured 15.298 ms and RMS
// <= 0.10 ms. DiskSim 4.0's valid/runvalid says "rms should be about 0.090"
// for this drive: that figure is DiskSim's `rms` utility on its bucketed
// access time distributions, so it is compared with rms_disksim_ms, the same
// computation (issue 22 item 3), not with the per-request quantile RMS.
// Reached: mean 15.312 ms (+0.09%); rms (DiskSim buckets) 0.0893 ms against
// DiskSim's 0.090; rms (quantile, iosched) 0.0931 ms. The bands below are
// around those numbers, so that a change to the model that moves them shows
// up here.
TEST(HpC2247AValidationTest, ReachesDiskSimAccuracy) {
  const std::string trace = BundledDiskSim(".trace");
  if (!std::filesystem::exists(trace) || !std::filesystem::exists(BundledDiskSim(".parv"))) {
    GTEST_SKIP() << "traces/data/disksim-hp_c2247a.* not available";
  }
  absl::StatusOr<DiskSimImport> model = LoadDiskSimParv(BundledDiskSim(".parv"));
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeHddModel(model->params);
  ASSERT_TRUE(disk.ok()) << disk.status();
  absl::StatusOr<std::unique_ptr<TraceReader>> reader = OpenTrace(trace, "validate");
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<ValidationResult> r = RunValidation(**reader, **disk, {.trace_name = trace});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->requests, 9999u);
  EXPECT_EQ(r->reads, 5115u);
  EXPECT_NEAR(r->real_mean_ms, 15.298, 0.0005);
  // Achieved values, with a tolerance.
  EXPECT_NEAR(r->sim_mean_ms, 15.312, 0.01);
  EXPECT_NEAR(r->rms_ms, 0.0931, 0.003);
  EXPECT_NEAR(r->rms_disksim_ms, 0.0893, 0.003);
  EXPECT_NEAR(r->sim_read_mean_ms, 14.701, 0.02);
  EXPECT_NEAR(r->sim_write_mean_ms, 15.953, 0.02);
  EXPECT_NEAR(static_cast<double>(r->cache_hits), 1556, 10);
  // The target itself.
  EXPECT_LT(std::abs(r->sim_mean_ms - 15.298) / 15.298, 0.01);
  EXPECT_LE(r->rms_disksim_ms, 0.10);
  // Like with like: DiskSim's own figure for its model of this drive, the
  // same metric; iosched's model is as close to the measurements.
  constexpr double kDiskSimPublishedRms = 0.090;
  EXPECT_LE(r->rms_disksim_ms, kDiskSimPublishedRms + 0.005);
  std::printf(
      "[ info     ] HP C2247A validation: %llu requests, simulated mean %.4f ms, "
      "measured %.4f ms, rms (DiskSim buckets) %.4f ms (DiskSim 4.0: %.3f), "
      "rms (quantile, iosched) %.4f ms\n",
      static_cast<unsigned long long>(r->requests), r->sim_mean_ms, r->real_mean_ms,
      r->rms_disksim_ms, kDiskSimPublishedRms, r->rms_ms);
}

// The preset equals the import, so it validates identically.
TEST(HpC2247AValidationTest, PresetGivesTheSameRun) {
  const std::string trace = BundledDiskSim(".trace");
  if (!std::filesystem::exists(trace)) GTEST_SKIP() << trace << " not available";
  absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeDiskModel("hp-c2247a");
  ASSERT_TRUE(disk.ok());
  absl::StatusOr<std::unique_ptr<TraceReader>> reader = OpenTrace(trace, "validate");
  ASSERT_TRUE(reader.ok());
  absl::StatusOr<ValidationResult> r =
      RunValidation(**reader, **disk, {.trace_name = trace, .max_requests = 2000});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->requests, 2000u);
  EXPECT_LT(std::abs(r->sim_mean_ms - r->real_mean_ms) / r->real_mean_ms, 0.02);
}

}  // namespace
}  // namespace iosched
