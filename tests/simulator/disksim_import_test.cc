// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// LoadDiskSimParv: the bundled HP C2247A files give exactly the hp-c2247a
// preset, every parameter is either modelled or named in a warning, seek
// curves from .seek files, and path:line errors for bad input.

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include "disksim_parser.h"
#include "disksim_test_util.h"
#include "iosched/disksim.h"
#include "iosched/hdd_params.h"

namespace iosched {
namespace {

using testing_util::BundledDiskSim;
using testing_util::CopyHp;
using testing_util::Edit;
using testing_util::Message;
using testing_util::ReadFile;
using testing_util::TempDir;

bool HaveBundled() { return std::filesystem::exists(BundledDiskSim(".parv")); }

// 1-based line of the first occurrence of `needle` in `text`.
int LineOf(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

TEST(DiskSimImportTest, HpPresetEqualsTheImportedModel) {
  if (!HaveBundled()) GTEST_SKIP() << "traces/data/disksim-hp_c2247a.* not available";
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(BundledDiskSim(".parv"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.name, "HP_C2247A_validate");
  EXPECT_EQ(m->instance, "disk0");
  HddParams imported = m->params;
  const HddParams preset = HpC2247AParams();
  imported.name = preset.name;
  imported.description = preset.description;
  // Field groups first, for a readable failure.
  EXPECT_TRUE(imported.zones == preset.zones);
  EXPECT_TRUE(imported.seek == preset.seek);
  EXPECT_TRUE(imported.overheads == preset.overheads);
  EXPECT_TRUE(imported.cache == preset.cache);
  EXPECT_EQ(imported.bus_read_sector_ms, 0.17010);
  EXPECT_EQ(imported.bus_write_sector_ms, 0.18686);
  EXPECT_EQ(imported.expected_capacity_sectors, 2054864u);
  EXPECT_TRUE(imported == preset);
}

TEST(DiskSimImportTest, SharedCopiesImportTheSameModel) {
  const std::string parv = testing_util::SharedTrace("disksim-hp_c2247a.parv");
  if (!std::filesystem::exists(parv)) GTEST_SKIP() << parv << " not available";
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  HddParams preset = HpC2247AParams();
  preset.name = m->params.name;
  preset.description = m->params.description;
  EXPECT_TRUE(m->params == preset);
}

// Every parameter of the three files is either one the model uses or named in
// a warning.
TEST(DiskSimImportTest, EveryParameterIsModelledOrWarned) {
  if (!HaveBundled()) GTEST_SKIP() << "traces/data/disksim-hp_c2247a.* not available";
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(BundledDiskSim(".parv"));
  ASSERT_TRUE(m.ok()) << m.status();
  absl::StatusOr<disksim::ParameterFile> f = disksim::ParseParameterFile(BundledDiskSim(".parv"));
  ASSERT_TRUE(f.ok()) << f.status();
  const std::set<std::string> modelled = {
      // disksim_disk
      "Model", "Bulk sector transfer time", "Number of buffer segments", "Segment size (in blks)",
      "Maximum number of write segments", "Per-request overhead time", "Time scale for overheads",
      "Hold bus entire read xfer", "Allow almost read hits", "Allow sneaky full read hits",
      "Allow sneaky partial read hits", "Allow read hits on write data", "Allow write prebuffering",
      "Never disconnect", "High (read) water mark", "Set watermark by reqsize",
      "Enable caching in buffer", "Buffer continuous read", "Minimum read-ahead (blks)",
      "Maximum read-ahead (blks)", "Read-ahead over requested", "Read-ahead on idle hit",
      "Fast write level", "Stop prefetch in sector", "Disconnect write if seek",
      "Read directly to buffer", "Immed transfer partial hit", "Read hit over. after read",
      "Read hit over. after write", "Read miss over. after read", "Read miss over. after write",
      "Write hit over. after read", "Write hit over. after write", "Write miss over. after read",
      "Write miss over. after write", "Read completion overhead", "Write completion overhead",
      "Data preparation overhead", "First reselect overhead", "Other reselect overhead",
      "Read disconnect afterread", "Read disconnect afterwrite", "Write disconnect overhead",
      "Extra write disconnect", "Extradisc command overhead", "Extradisc disconnect overhead",
      "Extradisc inter-disconnect delay", "Extradisc 2nd disconnect overhead",
      "Extradisc seek delta", "Minimum seek delay",
      // dm_disk, dm_layout_g1, zones, dm_mech_g1
      "Number of data surfaces", "Number of cylinders", "Block count", "Layout Model",
      "Mechanical Model", "LBN-to-PBN mapping scheme", "Sparing scheme used",
      "Rangesize for sparing", "Zones", "First cylinder number", "Last cylinder number",
      "Blocks per track", "Offset of first block", "Empty space at zone front",
      "Skew for track switch", "Skew for cylinder switch", "Number of spares", "slips", "defects",
      "Access time type", "Seek type", "HPL seek equation values", "First ten seek times",
      "Add. write settling delay", "Head switch time", "Rotation speed (in rpms)",
      // the disk's bus and controller (BUS1, CTLR0)
      "Read block transfer time", "Write block transfer time", "Arbitration time", "type",
      "Scale for delays"};
  std::string all;
  for (const std::string& w : m->warnings) all += w + "\n";
  std::function<void(const disksim::Block&)> walk = [&](const disksim::Block& b) {
    for (const disksim::Param& p : b.params) {
      if (modelled.count(p.name) == 0) {
        EXPECT_NE(all.find(p.name), std::string::npos)
            << p.loc.Prefix() << "'" << p.name << "' neither modelled nor warned";
      }
      std::function<void(const disksim::Value&)> value = [&](const disksim::Value& v) {
        if (v.kind == disksim::Value::Kind::kBlock) walk(*v.block);
        for (const disksim::Value& e : v.list) value(e);
      };
      value(p.value);
    }
  };
  for (const auto& b : f->blocks) walk(*b);
  // A few that must be there, with their reason.
  EXPECT_NE(all.find("disksim_global Global: "), std::string::npos) << all;
  EXPECT_NE(all.find("Init Seed"), std::string::npos);
  EXPECT_NE(all.find("Scheduler {Scheduling policy"), std::string::npos);
  EXPECT_NE(all.find("Use separate write segment"), std::string::npos);
  EXPECT_NE(all.find("disksim_bus BUS0"), std::string::npos);
  // Warnings name file:line.
  EXPECT_NE(all.find("disksim-hp_c2247a.diskspecs:1: disksim_disk HP_C2247A_validate"),
            std::string::npos);
}

TEST(DiskSimImportTest, MalformedNumberNamesFileAndLine) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  const std::string parv = CopyHp(dir);
  const std::string specs = dir.path() + "/disksim-hp_c2247a.diskspecs";
  const std::string text = ReadFile(specs);
  const int line = LineOf(text, "Segment size (in blks) = 256");
  dir.Write("disksim-hp_c2247a.diskspecs",
            Edit(text, "Segment size (in blks) = 256", "Segment size (in blks) = 25x6"));
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(m.status()), specs + ":" + std::to_string(line) +
                                     ": expected a number for 'Segment size (in blks)', got "
                                     "'25x6'");
}

TEST(DiskSimImportTest, UnknownBlockTypeInTheModelFile) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  const std::string parv = CopyHp(dir);
  const std::string model = dir.path() + "/disksim-hp_c2247a_validate.model";
  const std::string text = ReadFile(model);
  const int line = LineOf(text, "Mechanical Model = dm_mech_g1");
  dir.Write("disksim-hp_c2247a_validate.model",
            Edit(text, "Mechanical Model = dm_mech_g1", "Mechanical Model = dm_mech_g9"));
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(Message(m.status()),
            model + ":" + std::to_string(line) + ": unknown block type 'dm_mech_g9'");
}

TEST(DiskSimImportTest, MissingReferencedFile) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  const std::string parv = CopyHp(dir);
  std::filesystem::remove(dir.path() + "/disksim-hp_c2247a_validate.model");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(m.status()), dir.path() +
                                     "/disksim-hp_c2247a.diskspecs:2: cannot open source file "
                                     "'hp_c2247a_validate.model' (tried " +
                                     dir.path() + "/hp_c2247a_validate.model, " + dir.path() +
                                     "/disksim-hp_c2247a_validate.model)");
}

TEST(DiskSimImportTest, OutOfRangeValueIsAnError) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  const std::string parv = CopyHp(dir);
  const std::string specs = dir.path() + "/disksim-hp_c2247a.diskspecs";
  const std::string text = ReadFile(specs);
  const int line = LineOf(text, "Buffer continuous read = 3");
  dir.Write("disksim-hp_c2247a.diskspecs",
            Edit(text, "Buffer continuous read = 3", "Buffer continuous read = 7"));
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(Message(m.status()), specs + ":" + std::to_string(line) +
                                     ": expected an integer in [0, 4] for 'Buffer continuous "
                                     "read', got 7");
}

TEST(DiskSimImportTest, ExtractedSeekCurveFromASeekFile) {
  if (!HaveBundled()) GTEST_SKIP() << "bundled DiskSim files not available";
  TempDir dir;
  const std::string parv = CopyHp(dir);
  const std::string model = ReadFile(dir.path() + "/disksim-hp_c2247a_validate.model");
  dir.Write("disksim-hp_c2247a_validate.model",
            Edit(model, "Seek type = hplplus10,",
                 "Seek type = extracted,\n      Full seek curve = hp.seek,"));
  // Found through the prefix fallback, like the other bundled files.
  dir.Write("disksim-hp.seek", "Seek distances measured: 3\n1, 2.0, 0.1\n10, 5.0\n2050, 20.0\n");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->params.seek.kind, HddSeekCurve::Kind::kTable);
  const std::vector<std::pair<uint32_t, double>> want = {{1, 2.0}, {10, 5.0}, {2050, 20.0}};
  EXPECT_EQ(m->params.seek.table, want);
  // The hplplus10 fields are now reported as unused.
  std::string all;
  for (const std::string& w : m->warnings) all += w + "\n";
  EXPECT_NE(all.find("unused by this seek type: First ten seek times, HPL seek equation values"),
            std::string::npos)
      << all;

  dir.Write("disksim-hp.seek", "Seek distances measured: 3\n1, 2.0\nten, 5.0\n");
  m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(Message(m.status()), dir.path() +
                                     "/disksim-hp.seek:3: expected 'distance, "
                                     "time_ms[, stddev]', got 'ten, 5.0'");
}

TEST(DiskSimImportTest, ParvWithoutADiskIsAnError) {
  TempDir dir;
  const std::string parv = dir.Write("x.parv", "disksim_bus B { type = 1 }\n");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(Message(m.status()), parv + ": no disksim_disk in the topology");
}

TEST(DiskSimImportTest, ComponentNotInstantiated) {
  TempDir dir;
  const std::string parv = dir.Write(
      "x.parv", "disksim_bus B { type = 1 }\ntopology disksim_bus b0 [\n disksim_disk d0 []\n]\n");
  absl::StatusOr<DiskSimImport> m = LoadDiskSimParv(parv);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(Message(m.status()), parv + ":3: component 'd0' is not instantiated");
}

}  // namespace
}  // namespace iosched
