// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Replays the bundled real traces end to end. Skipped while a trace file or
// its reader is not available.

#include <gtest/gtest.h>

#include <algorithm>
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

void ReplayAll(const std::string& path, std::string_view format, ReplayOptions opt,
               const char* disk_preset) {
  absl::StatusOr<TraceScan> scan = Scan(path, format);
  if (!scan.ok() && ShouldSkip(scan.status())) GTEST_SKIP() << scan.status();
  ASSERT_TRUE(scan.ok()) << scan.status();
  ASSERT_GT(scan->records, 0u);
  opt.trace_max_end = scan->max_end;
  opt.trace_name = path;
  for (const char* spec : {"noop", "linus"}) {
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
        "(read %.3f, write %.3f), seek mean %.0f sectors, simulated %.3f s\n",
        std::filesystem::path(path).filename().c_str(), spec, disk_preset,
        static_cast<unsigned long long>(r->summary.completed), r->summary.all.lat_mean_ms,
        r->summary.read.lat_mean_ms, r->summary.write.lat_mean_ms, r->summary.seek_mean_sectors,
        ToMillis(r->end_time - Time{0}) / 1000);
  }
}

TEST(ReplayTracesTest, MsrCambridgeScaledOntoTheHpDisk) {
  ReplayOptions opt;
  opt.mode = ReplayMode::kOpen;
  opt.fit = FitPolicy::kScale;
  ReplayAll(testing_util::BundledTrace("msr_hm0-msr-cambridge1-sample.csv"), "msr", opt,
            "hp-c2247a");
}

TEST(ReplayTracesTest, MsrCambridgeOnTheSsd) {
  ReplayOptions opt;
  opt.mode = ReplayMode::kClosed;
  opt.fit = FitPolicy::kScale;
  opt.depth = 8;
  ReplayAll(testing_util::BundledTrace("msr_hm0-msr-cambridge1-sample.csv"), "msr", opt, "ssd");
}

TEST(ReplayTracesTest, DiskSimValidateTraceClosedLoop) {
  // One request outstanding; each issued `gap` after the previous completes.
  ReplayOptions opt;
  opt.mode = ReplayMode::kClosed;
  opt.depth = 1;
  ReplayAll(testing_util::BundledTrace("disksim-hp_c2247a.trace"), "validate", opt,
            "hp-c2247a");
}

}  // namespace
}  // namespace iosched
