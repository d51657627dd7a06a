// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched fsbench` end to end: a small tree, CSV rows per (fragmentation,
// order), usage errors (exit 2) for bad orders and fragmentation levels, and
// the plot files.

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

using FsbenchRun = testing_util::CliRun;

FsbenchRun Fsbench(const std::string& args) { return testing_util::RunIosched("fsbench " + args); }

const char kSmall[] = "--files 150 --dirs 15 --max-file-kb 128 ";

TEST(FsbenchCli, CsvHasOneRowPerLevelAndOrder) {
  FsbenchRun r = Fsbench(std::string(kSmall) + "--fragmentation 0,1 --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  // The result metadata first (as in compare's CSV), then the measurements.
  EXPECT_EQ(line.rfind("schema_version,iosched_version,disk,seed,files,dirs,", 0), 0u) << line;
  EXPECT_THAT(line, HasSubstr(",tunables,fragmentation,extents_per_file,order,elevator,requests,"
                              "total_s"));
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 2 * 4);  // default orders: random, path, inode, physical
  EXPECT_THAT(r.out, HasSubstr(",physical,physical,"));
  EXPECT_THAT(r.out, HasSubstr(",path,noop,"));
  // Every row names the disk, the tree and the effective tunables.
  EXPECT_THAT(r.out, HasSubstr(",hp-c2247a,1,150,15,"));
  EXPECT_THAT(r.out, HasSubstr("max_sectors=255|nomerges=0"));
}

TEST(FsbenchCli, TableNamesTheSetup) {
  FsbenchRun r = Fsbench(std::string(kSmall) + "--fragmentation 0.5 --order inode,physical-first");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("150 files"));
  EXPECT_THAT(r.out, HasSubstr("physical-first"));
  EXPECT_THAT(r.out, HasSubstr("0.50"));
}

TEST(FsbenchCli, UsageErrors) {
  FsbenchRun bad_order = Fsbench(std::string(kSmall) + "--orders random,lba");
  EXPECT_EQ(bad_order.code, 2);
  EXPECT_THAT(bad_order.err, HasSubstr("'lba'"));
  FsbenchRun bad_frag = Fsbench(std::string(kSmall) + "--fragmentation 0,1.5");
  EXPECT_EQ(bad_frag.code, 2);
  EXPECT_THAT(bad_frag.err, HasSubstr("'1.5'"));
  FsbenchRun bad_disk = Fsbench(std::string(kSmall) + "--disk floppy");
  EXPECT_EQ(bad_disk.code, 2);
  FsbenchRun too_big = Fsbench("--files 5000 --min-file-kb 1024 --max-file-kb 1024");
  EXPECT_EQ(too_big.code, 2);
  EXPECT_THAT(too_big.err, HasSubstr("do not fit"));
  EXPECT_EQ(std::count(too_big.err.begin(), too_big.err.end(), '\n'), 1);
}

TEST(FsbenchCli, WritesPlots) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) GTEST_SKIP() << "no gnuplot";
  const std::string dir = ::testing::TempDir() + "/fsbench_plots";
  FsbenchRun r = Fsbench(std::string(kSmall) + "--fragmentation 0,0.5 --plot " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* ext : {"png", "svg"}) {
    struct stat st;
    const std::string path = dir + "/fsbench." + ext;
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_GT(st.st_size, 1000) << path;
  }
}

}  // namespace
}  // namespace iosched
