// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The DiskSim 4.0 parameter-file reader: syntax, `source` resolution (with
// the bundled files' "disksim-" prefix), and path:line errors.

#include "disksim_parser.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "disksim_test_util.h"

namespace iosched::disksim {
namespace {

using testing_util::BundledDiskSim;
using testing_util::Message;
using testing_util::TempDir;

TEST(DiskSimParserTest, ReadsTheBundledHpFiles) {
  if (!std::filesystem::exists(BundledDiskSim(".parv"))) {
    GTEST_SKIP() << "traces/data/disksim-hp_c2247a.parv not available";
  }
  absl::StatusOr<ParameterFile> f = ParseParameterFile(BundledDiskSim(".parv"));
  ASSERT_TRUE(f.ok()) << f.status();
  // The .parv defines global, stats, driver, 2 buses, a controller, the
  // logorg, pf and synthio blocks; `source hp_c2247a.diskspecs` (found as
  // disksim-hp_c2247a.diskspecs) adds the disk.
  const Block* disk = f->FindBlock("HP_C2247A_validate");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->type, "disksim_disk");
  EXPECT_NE(disk->loc.file.find("disksim-hp_c2247a.diskspecs"), std::string::npos);
  EXPECT_EQ(disk->loc.line, 1);
  const Param* model = disk->Find("Model");
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(model->value.kind, Value::Kind::kBlock);
  EXPECT_EQ(model->value.block->type, "dm_disk");
  EXPECT_EQ(model->value.block->name, "HP_C2247A_validate_model");
  const Param* seg = disk->Find("Segment size (in blks)");
  ASSERT_NE(seg, nullptr);
  EXPECT_EQ(seg->value.text, "256");
  EXPECT_NE(disk->Find("Read hit over. after read"), nullptr);
  EXPECT_NE(disk->Find("Extradisc 2nd disconnect overhead"), nullptr);
  // Zones: a list of 8 nested blocks.
  const Block& m = *model->value.block;
  const Param* layout = m.Find("Layout Model");
  ASSERT_NE(layout, nullptr);
  const Param* zones = layout->value.block->Find("Zones");
  ASSERT_NE(zones, nullptr);
  ASSERT_EQ(zones->value.list.size(), 8u);
  EXPECT_EQ(zones->value.list[0].block->type, "dm_layout_g1_zone");
  // instantiate and topology.
  ASSERT_EQ(f->instantiations.size(), 6u);
  EXPECT_EQ(f->instantiations[3].instances, std::vector<std::string>{"disk0"});
  EXPECT_EQ(f->instantiations[3].spec, "HP_C2247A_validate");
  ASSERT_EQ(f->topology.size(), 1u);
  const TopologyNode& driver = f->topology[0];
  EXPECT_EQ(driver.type, "disksim_iodriver");
  ASSERT_EQ(driver.children.size(), 1u);
  ASSERT_EQ(driver.children[0].children.size(), 1u);  // ctlr0
  const TopologyNode& bus1 = driver.children[0].children[0].children.at(0);
  EXPECT_EQ(bus1.name, "bus1");
  ASSERT_EQ(bus1.children.size(), 1u);
  EXPECT_EQ(bus1.children[0].name, "disk0");
}

TEST(DiskSimParserTest, SyntaxOfNamesValuesListsAndComments) {
  TempDir dir;
  const std::string path = dir.Write("a.parv",
                                     "# a comment\n"
                                     "disksim_bus B { type = 1, Read block transfer time = 0.5,\n"
                                     "  Name with (parens) and dots. = some words here, # note\n"
                                     "  L = [ 1, 2.5, [3] ], Q = disksim_ioqueue { x = 1 } }\n"
                                     "instantiate [ d0 .. d2, e ] as B\n"
                                     "topology disksim_bus b [ disksim_disk d0 [] ]\n");
  absl::StatusOr<ParameterFile> f = ParseParameterFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  const Block* b = f->FindBlock("B");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->Find("Read block transfer time")->value.text, "0.5");
  const Param* p = b->Find("Name with (parens) and dots.");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->value.text, "some words here");
  EXPECT_EQ(p->loc.line, 3);
  const Param* l = b->Find("L");
  ASSERT_EQ(l->value.list.size(), 3u);
  EXPECT_EQ(l->value.list[2].kind, Value::Kind::kList);
  EXPECT_EQ(b->Find("Q")->value.block->type, "disksim_ioqueue");
  EXPECT_EQ(f->instantiations[0].instances, (std::vector<std::string>{"d0", "d1", "d2", "e"}));
  EXPECT_EQ(f->topology[0].children[0].type, "disksim_disk");
}

TEST(DiskSimParserTest, UnknownBlockTypeNamesFileAndLine) {
  TempDir dir;
  const std::string path =
      dir.Write("x.parv", "disksim_bus B { type = 1 }\n\ndisksim_frobnicator F { a = 1 }\n");
  absl::StatusOr<ParameterFile> f = ParseParameterFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()), path + ":3: unknown block type 'disksim_frobnicator'");
  // Nested blocks are checked too.
  const std::string nested =
      dir.Write("y.parv", "disksim_disk D {\n  Scheduler = my_queue { a = 1 }\n}\n");
  f = ParseParameterFile(nested);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()), nested + ":2: unknown block type 'my_queue'");
}

TEST(DiskSimParserTest, SyntaxErrorsSayWhatWasExpected) {
  TempDir dir;
  std::string path = dir.Write("a.parv", "disksim_bus B {\n  type 1,\n}\n");
  absl::StatusOr<ParameterFile> f = ParseParameterFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()), path + ":2: expected '=' after 'type 1', got ','");
  path = dir.Write("b.parv", "disksim_bus B { type = 1\n");
  f = ParseParameterFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()), path + ":2: expected ',' or '}', got end of file");
  path = dir.Write("c.parv", "disksim_bus B { L = [ 1, 2 }\n");
  f = ParseParameterFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()), path + ":1: expected ',' or ']', got '}'");
}

TEST(DiskSimParserTest, SourceFallsBackToTheIncludingFilesPrefix) {
  TempDir dir;
  dir.Write("disksim-drive.diskspecs", "disksim_bus B { type = 1 }\n");
  const std::string parv = dir.Write("disksim-x.parv", "source drive.diskspecs\n");
  absl::StatusOr<ParameterFile> f = ParseParameterFile(parv);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_NE(f->FindBlock("B"), nullptr);
  EXPECT_EQ(f->FindBlock("B")->loc.file, dir.path() + "/disksim-drive.diskspecs");
  // The exact name wins when it exists.
  dir.Write("drive.diskspecs", "disksim_bus C { type = 1 }\n");
  f = ParseParameterFile(parv);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_NE(f->FindBlock("C"), nullptr);
  EXPECT_EQ(f->FindBlock("B"), nullptr);
}

TEST(DiskSimParserTest, MissingSourceFileListsWhatWasTried) {
  TempDir dir;
  const std::string parv = dir.Write("disksim-x.parv", "# header\nsource missing.diskspecs\n");
  absl::StatusOr<ParameterFile> f = ParseParameterFile(parv);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(f.status()), parv + ":2: cannot open source file 'missing.diskspecs' (tried " +
                                     dir.path() + "/missing.diskspecs, " + dir.path() +
                                     "/disksim-missing.diskspecs)");
  // A name without '-' has no fallback; `source` as a value says the same.
  const std::string plain =
      dir.Write("plain.parv", "disksim_disk D {\n Model = source m.model\n}\n");
  f = ParseParameterFile(plain);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()),
            plain + ":2: cannot open source file 'm.model' (tried " + dir.path() + "/m.model)");
}

TEST(DiskSimParserTest, SourceCyclesAreErrors) {
  TempDir dir;
  dir.Write("a.parv", "source b.parv\n");
  dir.Write("b.parv", "disksim_bus B { type = 1 }\nsource a.parv\n");
  absl::StatusOr<ParameterFile> f = ParseParameterFile(dir.path() + "/a.parv");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(Message(f.status()).find("b.parv:2: source files include each other"),
            std::string::npos)
      << f.status();
}

// A parameter file that is a device or a FIFO (`iosched validate --parv
// /dev/zero`) used to be read until memory ran out, or to block forever;
// `source` already took regular files only.
TEST(DiskSimParserTest, DevicesAndFifosAreRefusedWithoutReading) {
  absl::StatusOr<ParameterFile> f = ParseParameterFile("/dev/zero");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(f.status()), "'/dev/zero' is not a regular file");
  TempDir dir;
  const std::string fifo = dir.path() + "/pipe.parv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  f = ParseParameterFile(fifo);  // no writer: would block in open()
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Message(f.status()), "'" + fifo + "' is not a regular file");
  const std::string parv = dir.Write("zero.parv", "source /dev/zero\n");
  f = ParseParameterFile(parv);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(Message(f.status()).find("cannot open source file '/dev/zero'"), std::string::npos)
      << f.status();
}

TEST(DiskSimParserTest, MissingTopLevelFileIsNotFound) {
  absl::StatusOr<ParameterFile> f = ParseParameterFile("/nonexistent/dir/x.parv");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(Message(f.status()).find("/nonexistent/dir/x.parv"), std::string::npos);
}

}  // namespace
}  // namespace iosched::disksim
