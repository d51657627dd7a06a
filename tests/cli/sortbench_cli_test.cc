// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched sortbench` end to end on a small real tree (O_DIRECT through the
// Scheduler): every order reads every byte once, the file-sorting elevators
// report how they keyed the requests, and bad input gets one clear line.
// No timing is asserted.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_io.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

using SortbenchRun = testing_util::CliRun;

SortbenchRun Sortbench(const std::string& args) {
  return testing_util::RunIosched("sortbench " + args);
}

// order -> CSV fields
std::map<std::string, std::vector<std::string>> Rows(const std::string& csv) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "order,elevator,files,requests,bytes,seconds,mb_s,errors,keys,rep,keys_s");
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    if (f.size() == 10) f.emplace_back();  // no keys_s (random, path)
    EXPECT_EQ(f.size(), 11u) << line;
    rows[f[0]] = f;
  }
  return rows;
}

// Makes `files` files of 100 KiB in two subdirectories of `dir`.
uint64_t MakeTree(const std::string& dir, int files) {
  std::system(("mkdir -p '" + dir + "/a' '" + dir + "/b/c'").c_str());
  uint64_t total = 0;
  for (int i = 0; i < files; ++i) {
    const std::string path = dir + (i % 2 ? "/a/f" : "/b/c/g") + std::to_string(i);
    std::ofstream out(path);
    const std::string data(100 * 1024 + i * 4096, static_cast<char>('a' + i % 26));
    out << data;
    total += data.size();
  }
  std::system("sync");
  return total;
}

TEST(SortbenchCli, EveryOrderReadsEveryByte) {
  const std::string dir = ::testing::TempDir() + "/sortbench_tree";
  std::system(("rm -rf '" + dir + "'").c_str());
  const uint64_t total = MakeTree(dir, 12);
  SortbenchRun r = Sortbench(dir + " --format csv --request-kb 64");
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = Rows(r.out);
  ASSERT_EQ(rows.size(), 4u) << r.out;
  for (const char* order : {"random", "path", "inode", "physical"}) {
    ASSERT_TRUE(rows.count(order)) << order;
    const std::vector<std::string>& f = rows[order];
    EXPECT_EQ(f[2], "12") << order;
    EXPECT_EQ(std::stoull(f[4]), total) << order << ": every byte read once";
    EXPECT_EQ(f[7], "0") << order;
  }
  EXPECT_EQ(rows["random"][1], "noop");
  EXPECT_EQ(rows["random"][10], "") << "random order computes no keys";
  EXPECT_GT(std::stod(rows["physical"][10]), 0.0) << "the keying pass was timed";
  EXPECT_THAT(rows["inode"][8], HasSubstr("keyed_inode="));
  // Physical keys come from FIBMAP (root) or FIEMAP: ext4 answers either way.
  EXPECT_THAT(rows["physical"][8], HasSubstr("keyed_position="));
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(SortbenchCli, JsonHasEveryRun) {
  const std::string dir = ::testing::TempDir() + "/sortbench_tree_json";
  std::system(("rm -rf '" + dir + "'").c_str());
  const uint64_t total = MakeTree(dir, 6);
  SortbenchRun r = Sortbench(dir + " --order random,physical --format json --request-kb 64");
  ASSERT_EQ(r.code, 0) << r.err;
  absl::StatusOr<JsonDocument> doc = ParseJson(r.out, "sortbench.json");
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  const Json& root = doc->root();
  EXPECT_EQ(root["files"], 6);
  EXPECT_EQ(root["total_bytes"].get<uint64_t>(), total);
  ASSERT_EQ(root["runs"].size(), 2u);
  for (const Json& run : root["runs"]) {
    EXPECT_EQ(run["bytes"].get<uint64_t>(), total) << run["order"];
    EXPECT_EQ(run["errors"], 0);
    EXPECT_GT(run["mb_s"].get<double>(), 0.0);
  }
  EXPECT_EQ(root["runs"][0]["order"], "random");
  EXPECT_TRUE(root["runs"][0]["keys_s"].is_null()) << "random order computes no keys";
  EXPECT_EQ(root["runs"][1]["order"], "physical");
  EXPECT_GT(root["runs"][1]["keys_s"].get<double>(), 0.0);
  EXPECT_TRUE(root["runs"][1]["counters"].contains("keyed_position"));
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(SortbenchCli, TmpfsFallsBackToInodeKeysOrSaysWhy) {
  if (::access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no writable /dev/shm";
  const std::string dir = "/dev/shm/iosched_sortbench_" + std::to_string(::getpid());
  MakeTree(dir, 3);
  SortbenchRun r = Sortbench(dir + " --orders physical --format csv");
  std::system(("rm -rf '" + dir + "'").c_str());
  if (r.code == 1) {  // a kernel whose tmpfs has no O_DIRECT
    EXPECT_THAT(r.err, HasSubstr(dir));
    return;
  }
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = Rows(r.out);
  EXPECT_THAT(rows["physical"][8], HasSubstr("keyed_inode=3"));
  EXPECT_THAT(rows["physical"][8], HasSubstr("fallback_unsupported=6"));  // FIBMAP and FIEMAP
}

TEST(SortbenchCli, BadInput) {
  SortbenchRun missing = Sortbench("/nonexistent/iosched/dir");
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("/nonexistent/iosched/dir"));
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
  SortbenchRun file = Sortbench(std::string(IOSCHED_SOURCE_DIR) + "/README.md");
  EXPECT_EQ(file.code, 1);
  EXPECT_THAT(file.err, HasSubstr("expected a directory"));
  EXPECT_EQ(Sortbench(::testing::TempDir() + " --orders random,lba").code, 2);
  SortbenchRun twice = Sortbench(::testing::TempDir() + " --order inode,path,inode");
  EXPECT_EQ(twice.code, 2);
  EXPECT_THAT(twice.err, HasSubstr("'inode' appears twice"));
}

TEST(SortbenchCli, RepetitionsRotateTheOrderAndSummarize) {
  const std::string dir = ::testing::TempDir() + "/sortbench_rotate";
  std::system(("rm -rf '" + dir + "'").c_str());
  MakeTree(dir, 4);
  // --order is the spelling; --orders the older one.
  SortbenchRun csv = Sortbench(dir + " --order path,inode,physical --repeat 3 --format csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  std::vector<std::string> sequence;
  std::istringstream in(csv.out);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    ASSERT_GE(f.size(), 10u) << line;
    sequence.push_back(f[0] + "/" + f[9]);
  }
  EXPECT_THAT(sequence, ::testing::ElementsAre("path/1", "inode/1", "physical/1",  //
                                               "inode/2", "physical/2", "path/2",  //
                                               "physical/3", "path/3", "inode/3"));
  SortbenchRun table = Sortbench(dir + " --order path,inode --repeat 2");
  std::system(("rm -rf '" + dir + "'").c_str());
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("median_s"));
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 2 + 4 + 2 + 2) << table.out;
}

}  // namespace
}  // namespace iosched
