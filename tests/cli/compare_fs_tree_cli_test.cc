// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched compare --fs-tree` end to end: the file-tree experiment of Love's
// chapter 4 reached through compare. The table has a row per fragmentation
// level and a column per order; the CSV numbers keep the chapter's order
// (physical <= inode <= random) on a fragmented tree and are those of
// `iosched fsbench` (one experiment); the JSON parses; the plot is a PNG
// and an SVG; bad input is a usage error (exit 2) with one clear line.
// Small trees (200 files) keep it fast.

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_io.h"
#include "plot_test_util.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_util::CliRun;

const char kTree[] = "compare --fs-tree --files 200 --dirs 20 --max-file-kb 128 ";
const std::string& kMsr = testing_util::kMsrSample;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// total_s by (fragmentation, order) from the CSV output.
std::map<std::pair<double, std::string>, double> TotalsFromCsv(const std::string& csv) {
  std::map<std::pair<double, std::string>, double> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = absl::StrSplit(line, ',');
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << "no column " << name << " in " << line;
    return static_cast<size_t>(it - header.begin());
  };
  const size_t frag = col("fragmentation"), order = col("order"), total = col("total_s");
  while (std::getline(in, line)) {
    const std::vector<std::string> f = absl::StrSplit(line, ',');
    EXPECT_EQ(f.size(), header.size()) << line;
    if (f.size() != header.size()) continue;
    double level, seconds;
    EXPECT_TRUE(absl::SimpleAtod(f[frag], &level)) << line;
    EXPECT_TRUE(absl::SimpleAtod(f[total], &seconds)) << line;
    EXPECT_GT(seconds, 0) << line;
    EXPECT_TRUE(out.emplace(std::pair(level, f[order]), seconds).second) << "duplicate: " << line;
  }
  return out;
}

TEST(CompareFsTree, TableHasARowPerLevelAndAColumnPerOrder) {
  CliRun r =
      Iosched(std::string(kTree) + "--fragmentation 0,0.3,1 --order random,path,inode,physical");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("compare --fs-tree: 200 files"));
  EXPECT_THAT(r.out, HasSubstr("on hp-c2247a"));
  std::istringstream in(r.out);
  std::string line;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (!words.empty() && words[0] == "fragmentation") {
      header = words;
    } else if (!header.empty() && !words.empty()) {
      rows.push_back(words);
    }
  }
  EXPECT_EQ(header, (std::vector<std::string>{"fragmentation", "extents/file", "random", "path",
                                              "inode", "physical"}));
  ASSERT_EQ(rows.size(), 3u) << r.out;
  const char* levels[] = {"0.00", "0.30", "1.00"};
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), header.size()) << r.out;
    EXPECT_EQ(rows[i][0], levels[i]);
    for (size_t c = 1; c < rows[i].size(); ++c) {
      double v;
      EXPECT_TRUE(absl::SimpleAtod(rows[i][c], &v) && v > 0) << rows[i][c];
    }
  }
  // --elevators names the orders too (compare's usual option).
  CliRun e = Iosched(std::string(kTree) + "--fragmentation 0.5 --elevators inode,physical-first");
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_THAT(e.out, HasSubstr("physical-first"));
  EXPECT_THAT(e.out, Not(HasSubstr("random")));
}

TEST(CompareFsTree, CsvKeepsTheChaptersOrderOnAFragmentedTree) {
  const std::vector<double> levels = {0, 0.25, 0.5, 1};
  CliRun r = Iosched(std::string(kTree) + "--fragmentation 0,0.25,0.5,1 --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 1 + 4 * 4) << r.out;  // header + levels x default orders
  const auto totals = TotalsFromCsv(r.out);
  ASSERT_EQ(totals.size(), 16u) << r.out;
  int holds = 0;
  for (double f : levels) {
    for (const char* order : {"random", "path", "inode", "physical"}) {
      ASSERT_TRUE(totals.count({f, order})) << f << " " << order << "\n" << r.out;
    }
    const double physical = totals.at({f, "physical"}), inode = totals.at({f, "inode"}),
                 random = totals.at({f, "random"});
    // Sorting by each request's physical block is never worse than by inode.
    EXPECT_LE(physical, inode * 1.0001) << "fragmentation " << f << "\n" << r.out;
    if (f > 0 && physical <= inode && inode <= random) ++holds;
  }
  EXPECT_GE(holds, 1) << "physical <= inode <= random at no fragmentation > 0:\n" << r.out;
  // Fragmentation costs: the random order gets slower from 0 to 1.
  EXPECT_LT(totals.at({0, "random"}), totals.at({1, "random"})) << r.out;
  // The same experiment as `iosched fsbench`, number for number.
  CliRun fsbench = Iosched(
      "fsbench --files 200 --dirs 20 --max-file-kb 128 --fragmentation 0,0.25,0.5,1 --format csv");
  ASSERT_EQ(fsbench.code, 0) << fsbench.err;
  EXPECT_EQ(fsbench.out, r.out);
}

TEST(CompareFsTree, JsonHasEveryPointAndRun) {
  CliRun r = Iosched(std::string(kTree) +
                     "--fragmentation 0,1 --order path,physical --seed 3 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  absl::StatusOr<JsonDocument> doc = ParseJson(r.out, "stdout");
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  const Json& root = doc->root();
  ASSERT_TRUE(root.contains("experiment"));
  EXPECT_EQ(root["experiment"].get<std::string>(), "fs-tree");
  EXPECT_EQ(root["seed"].get<double>(), 3);
  ASSERT_TRUE(root.contains("points"));
  const Json& points = root["points"];
  ASSERT_TRUE(points.is_array());
  ASSERT_EQ(points.size(), 2u);
  for (const Json& p : points) {
    ASSERT_TRUE(p.contains("runs"));
    const Json& runs = p["runs"];
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0]["order"].get<std::string>(), "path");
    EXPECT_EQ(runs[1]["order"].get<std::string>(), "physical");
    EXPECT_GT(runs[1]["total_s"].get<double>(), 0);
  }
}

TEST(CompareFsTree, WritesAPngAndAnSvgPlot) {
  if (!testing_util::HaveGnuplot()) GTEST_SKIP() << "no gnuplot (Debian package gnuplot-nox)";
  const std::string dir = testing_util::FreshDir("compare_fs_tree_plot");
  CliRun r = Iosched(std::string(kTree) + "--fragmentation 0,0.5,1 --plot " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("wrote " + dir + "/fs_tree.png"));
  const std::string png = testing_util::ReadAll(dir + "/fs_tree.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.compare(0, 8, "\x89PNG\r\n\x1a\n"), 0) << "not a PNG";
  const std::string svg = testing_util::ReadAll(dir + "/fs_tree.svg");
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("physical"));       // a line title
  EXPECT_THAT(svg, HasSubstr("fragmentation"));  // the x label
  EXPECT_EQ(svg.substr(svg.find_last_not_of(" \n") - 5, 6), "</svg>");
}

// A usage error: exit 2, nothing on stdout, one line on stderr saying what.
void ExpectUsageError(const std::string& args, const std::string& says) {
  CliRun r = Iosched(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out;
  EXPECT_THAT(r.err, HasSubstr(says)) << args;
  EXPECT_EQ(Lines(r.err), 1) << args << "\n" << r.err;
}

TEST(CompareFsTree, BadInputIsAClearUsageError) {
  const std::string tree = kTree;
  ExpectUsageError(tree + "--fragmentation 0,1.5", "'1.5'");
  ExpectUsageError(tree + "--fragmentation -0.25", "'-0.25'");
  ExpectUsageError(tree + "--fragmentation 0,,x", "'x'");
  ExpectUsageError(tree + "--order random,lba", "'lba'");
  ExpectUsageError(tree + "--elevators random,deadline", "--elevators");
  ExpectUsageError(tree + "--elevators inode --order path", "not both");
  ExpectUsageError(tree + "--disk floppy", "floppy");
  ExpectUsageError(tree + "--depth 0", "--depth");
  // A trace and --fs-tree: which one is meant?
  ExpectUsageError(tree + kMsr, "--fs-tree");
  CliRun both = Iosched("compare " + kMsr + " --fs-tree");
  EXPECT_EQ(both.code, 2);
  EXPECT_THAT(both.err, HasSubstr("reads no trace"));
  // Replay options mean nothing without a trace.
  ExpectUsageError(tree + "--mode closed", "--mode does not apply to --fs-tree");
  ExpectUsageError(tree + "--fit scale", "--fit");
  // Tree options without --fs-tree, and compare without either.
  CliRun no_tree = Iosched("compare " + kMsr + " --fit scale --fragmentation 0.5");
  EXPECT_EQ(no_tree.code, 2);
  EXPECT_THAT(no_tree.err, HasSubstr("--fs-tree"));
  ExpectUsageError("compare --elevators noop", "TRACE");
}

}  // namespace
}  // namespace iosched
