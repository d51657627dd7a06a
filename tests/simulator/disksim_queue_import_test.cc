// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// What LoadDiskSimParv accepts beyond the validated HP C2247A files: a drive
// queue (`Max queue length` > 1 and its `Scheduler` block), a negative
// `Add. write settling delay`, and a last zone ending at the cylinder count
// (docs/disk-queueing.md#import).

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "disksim_test_util.h"
#include "iosched/disksim.h"
#include "iosched/hdd_params.h"

namespace iosched {
namespace {

using testing_util::BundledDiskSim;
using testing_util::CopyHp;
using testing_util::Edit;
using testing_util::ReadFile;
using testing_util::TempDir;

bool HaveBundled() { return std::filesystem::exists(BundledDiskSim(".parv")); }

bool AnyWarningHas(const DiskSimImport& m, const std::string& needle) {
  for (const std::string& w : m.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Edits the copied file `suffix` (".diskspecs" or "_validate.model").
std::string EditCopy(const TempDir& dir, const std::string& suffix, const std::string& from,
                     const std::string& to) {
  const std::string parv = CopyHp(dir);
  const std::string name = "disksim-hp_c2247a" + suffix;
  dir.Write(name, Edit(ReadFile(dir.path() + "/" + name), from, to));
  return parv;
}

TEST(DiskSimQueueImportTest, ValidatedDriveHasNoQueue) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(BundledDiskSim(".parv"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.queue, HddQueueParams{});
}

TEST(DiskSimQueueImportTest, MaxQueueLengthAndSchedulerBlock) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  std::string parv = EditCopy(dir, ".diskspecs", "Max queue length = 1", "Max queue length = 16");
  const std::string specs = dir.path() + "/disksim-hp_c2247a.diskspecs";
  std::string text = ReadFile(specs);
  text = Edit(text, "Scheduling policy = 1", "Scheduling policy = 14");
  text = Edit(text, "Timeout time/weight = 0", "Timeout time/weight = 30");
  dir.Write("disksim-hp_c2247a.diskspecs", text);
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.queue.depth, 16u);
  EXPECT_EQ(m->params.queue.policy, "aged-sptf");
  EXPECT_EQ(m->params.queue.aging_weight, 30);
}

TEST(DiskSimQueueImportTest, PolicyDiskSimCrashesOnRunsWithAWarning) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  std::string parv = EditCopy(dir, ".diskspecs", "Max queue length = 1", "Max queue length = 8");
  const std::string specs = dir.path() + "/disksim-hp_c2247a.diskspecs";
  dir.Write("disksim-hp_c2247a.diskspecs",
            Edit(ReadFile(specs), "Scheduling policy = 1", "Scheduling policy = 4"));
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.queue.policy, "sstf");
  EXPECT_TRUE(AnyWarningHas(*m, "DiskSim 4.0 crashes with this policy"));
}

// `Preseeking level` matters only with a queue: 1 is read, 2 runs as 1
// with a warning, and at depth 1 it stays a no-effect parameter.
TEST(DiskSimQueueImportTest, PreseekingLevelWithAQueue) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  for (int level : {0, 1, 2}) {
    TempDir dir;
    std::string parv = EditCopy(dir, ".diskspecs", "Max queue length = 1", "Max queue length = 4");
    const std::string specs = dir.path() + "/disksim-hp_c2247a.diskspecs";
    dir.Write("disksim-hp_c2247a.diskspecs", Edit(ReadFile(specs), "Preseeking level = 0",
                                                  "Preseeking level = " + std::to_string(level)));
    absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->params.queue.preseek_level, level == 0 ? 0u : 1u) << level;
    EXPECT_EQ(AnyWarningHas(*m, "level 2 runs as 1"), level == 2) << level;
  }
  TempDir dir;
  std::string parv = EditCopy(dir, ".diskspecs", "Preseeking level = 0", "Preseeking level = 1");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.queue.preseek_level, 0u);
  EXPECT_TRUE(AnyWarningHas(*m, "Preseeking level"));
}

TEST(DiskSimQueueImportTest, OverlongQueueIsRefusedWithFileAndLine) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  std::string parv = EditCopy(dir, ".diskspecs", "Max queue length = 1", "Max queue length = 1000");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("disksim-hp_c2247a.diskspecs:18: expected 'Max queue "
                                      "length' <= 256"),
            std::string::npos)
      << m.status();
}

TEST(DiskSimQueueImportTest, NegativeWriteSettleLoadsWithAWarning) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  std::string parv = EditCopy(dir, "_validate.model", "Add. write settling delay = 0.650000",
                              "Add. write settling delay = -0.25");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.write_settle_ms, -0.25);
  EXPECT_TRUE(AnyWarningHas(*m, "Add. write settling delay -0.25 ms is negative"));
  EXPECT_TRUE(ValidateHddParams(m->params).ok());
}

TEST(DiskSimQueueImportTest, LastZoneEndingAtTheCylinderCountLoads) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  // The last zone ends at cylinder 2050; a count of 2050 makes that "at the
  // count", which DiskSim accepts: the drive gets its 2051 cylinders back.
  std::string parv =
      EditCopy(dir, "_validate.model", "Number of cylinders = 2051", "Number of cylinders = 2050");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.cylinders, 2051u);
  EXPECT_TRUE(AnyWarningHas(*m, "the last zone ends at cylinder 2050, the cylinder count"));
  HddParams preset = HpC2247AParams();
  preset.name = m->params.name;
  preset.description = m->params.description;
  EXPECT_TRUE(m->params == preset);
}

TEST(DiskSimQueueImportTest, ZoneBeyondTheCylinderCountIsStillRefused) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  std::string parv =
      EditCopy(dir, "_validate.model", "Number of cylinders = 2051", "Number of cylinders = 2049");
  EXPECT_FALSE(LoadDiskSimParv(parv).ok());
}

}  // namespace
}  // namespace iosched
