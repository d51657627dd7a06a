// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Replays the bundled real traces end to end through noop and linus, and
// checks their summary against pinned values (see Pinned). Skipped while a
// trace file or its reader is not available.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "iosched/trace.h"
#include "test_files.h"

namespace iosched {
namespace {

struct TraceScan {
  uint64_t records = 0;
  uint64_t max_end = 0;
};

// Opens `file` (under traces/data/) or returns why the test must skip.
absl::StatusOr<std::unique_ptr<TraceReader>> Open(const std::string& path,
                                                  std::string_view format) {
  if (!std::filesystem::exists(path)) return absl::NotFoundError(path + " is missing");
  return OpenTrace(path, format);
}

bool ShouldSkip(const absl::Status& s) {
  return s.code() == absl::StatusCode::kNotFound || s.code() == absl::StatusCode::kUnimplemented;
}

absl::StatusOr<TraceScan> Scan(const std::string& path, std::string_view format) {
  auto reader = Open(path, format);
  if (!reader.ok()) return reader.status();
  TraceScan scan;
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++scan.records;
    scan.max_end = std::max(scan.max_end, rec.offset + rec.length);
  }
  return scan;
}

// Summary values pinned per trace and elevator. Provenance: the values this
// test printed (its "[ info ]" lines) at commit 9a3aacd + this test's
// change, 2026-12-07, `build/bin/simulator_tests
// --gtest_filter='ReplayTracesTest.*'` (RelWithDebInfo, GCC 12, Debian 12).
// The simulator is deterministic: a change here means the replay's results
// changed, and its commit must say why.
struct Pinned {
  const char* elevator;
  int64_t end_ns;             // simulated time of the last event
  double lat_mean_ms;         // all requests
  double lat_p99_ms;          // all requests
  double seek_mean_sectors;   // per issued unit
  int64_t seek_time_total_ns; // summed positioning time
};

void ReplayAll(const std::string& path, std::string_view format, ReplayOptions opt,
               const char* disk_preset, const Pinned (&pinned)[2]) {
  absl::StatusOr<TraceScan> scan = Scan(path, format);
  if (!scan.ok() && ShouldSkip(scan.status())) GTEST_SKIP() << scan.status();
  ASSERT_TRUE(scan.ok()) << scan.status();
  ASSERT_GT(scan->records, 0u);
  opt.trace_max_end = scan->max_end;
  opt.trace_name = path;
  for (const Pinned& pin : pinned) {
    const char* spec = pin.elevator;
    SCOPED_TRACE(spec);
    auto reader = Open(path, format);
    ASSERT_TRUE(reader.ok()) << reader.status();
    auto disk = MakeDiskModel(disk_preset);
    ASSERT_TRUE(disk.ok());
    auto elevator = MakeElevator(spec);
    ASSERT_TRUE(elevator.ok());
    absl::StatusOr<ReplayResult> r = Replay(**reader, **elevator, **disk, opt);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->records, scan->records);
    EXPECT_EQ(r->summary.submitted, scan->records);
    EXPECT_EQ(r->summary.completed, scan->records);
    std::printf(
        "[ info     ] %s %s on %s: %llu requests, mean latency %.3f ms "
        "(read %.3f, write %.3f), seek mean %.0f sectors, simulated %.3f s\n"
        "[ pinned   ] {\"%s\", %lld, %.9g, %.9g, %.9g, %lld}\n",
        std::filesystem::path(path).filename().c_str(), spec, disk_preset,
        static_cast<unsigned long long>(r->summary.completed), r->summary.all.lat_mean_ms,
        r->summary.read.lat_mean_ms, r->summary.write.lat_mean_ms, r->summary.seek_mean_sectors,
        ToMillis(r->end_time - Time{0}) / 1000, spec,
        static_cast<long long>(r->end_time.count()), r->summary.all.lat_mean_ms,
        r->summary.all.lat_p99_ms, r->summary.seek_mean_sectors,
        static_cast<long long>(r->seek_time_total.count()));
    EXPECT_EQ(r->end_time.count(), pin.end_ns);
    EXPECT_EQ(r->seek_time_total.count(), pin.seek_time_total_ns);
    // Doubles printed to 9 significant digits: equal to within 1e-7 relative.
    auto near = [](double expected) { return std::abs(expected) * 1e-7 + 1e-12; };
    EXPECT_NEAR(r->summary.all.lat_mean_ms, pin.lat_mean_ms, near(pin.lat_mean_ms));
    EXPECT_NEAR(r->summary.all.lat_p99_ms, pin.lat_p99_ms, near(pin.lat_p99_ms));
    EXPECT_NEAR(r->summary.seek_mean_sectors, pin.seek_mean_sectors,
                near(pin.seek_mean_sectors));
  }
}

constexpr Pinned kMsrOnHp[2] = {
    {"noop", 131374487311, 1146.71726, 4076.86349, 219102.413, 4688332138},
    {"linus", 131451456097, 1147.83023, 4177.52678, 201978.314, 4387418407},
};
// The SSD has no positioning time; at depth 8 noop and linus give the same
// summary on this trace.
constexpr Pinned kMsrOnSsd[2] = {
    {"noop", 73422422460, 0.06419856, 0.18048, 2449751.8, 0},
    {"linus", 73422422460, 0.06419856, 0.18048, 2449751.8, 0},
};
// One request outstanding: the elevator never has a choice, so both give
// the same result (mean 15.3124 ms, as `iosched validate` reports).
constexpr Pinned kValidateOnHp[2] = {
    {"noop", 294998361088, 15.3124473, 35.913727, 273700.975, 61038067544},
    {"linus", 294998361088, 15.3124473, 35.913727, 273700.975, 61038067544},
};

TEST(ReplayTracesTest, MsrCambridgeScaledOntoTheHpDisk) {
  ReplayOptions opt;
  opt.mode = ReplayMode::kOpen;
  opt.fit = FitPolicy::kScale;
  ReplayAll(testing_util::BundledTrace("msr_hm0-msr-cambridge1-sample.csv"), "msr", opt,
            "hp-c2247a", kMsrOnHp);
}

TEST(ReplayTracesTest, MsrCambridgeOnTheSsd) {
  ReplayOptions opt;
  opt.mode = ReplayMode::kClosed;
  opt.fit = FitPolicy::kScale;
  opt.depth = 8;
  ReplayAll(testing_util::BundledTrace("msr_hm0-msr-cambridge1-sample.csv"), "msr", opt, "ssd",
            kMsrOnSsd);
}

TEST(ReplayTracesTest, DiskSimValidateTraceClosedLoop) {
  // One request outstanding; each issued `gap` after the previous completes.
  ReplayOptions opt;
  opt.mode = ReplayMode::kClosed;
  opt.depth = 1;
  ReplayAll(testing_util::BundledTrace("disksim-hp_c2247a.trace"), "validate", opt,
            "hp-c2247a", kValidateOnHp);
}

}  // namespace
}  // namespace iosched
