// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RunSortbench (iosched/sortbench.h) called directly on a real file tree in
// the test temp dir: every order reads every byte exactly once.

#include "iosched/sortbench.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "direct/direct_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

class SortbenchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_direct::TempPath("tree");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/a/b");
    uint64_t size = 4096;
    for (int i = 0; i < 12; ++i) {
      const std::string p = dir_ + (i % 2 ? "/a/f" : "/a/b/g") + std::to_string(i);
      testing_direct::WritePatternFile(p, size, static_cast<uint32_t>(i));
      total_ += size;
      requests_ += (size + 16383) / 16384;
      size = size * 3 / 2 / 4096 * 4096 + 4096;
    }
    IOSCHED_OPEN_DIRECT_OR_SKIP(probe, dir_ + "/a/f1", DirectFile::Options{});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  uint64_t total_ = 0, requests_ = 0;
};

TEST_F(SortbenchTest, EveryOrderReadsEveryByteOnce) {
  SortbenchOptions o;
  o.dir = dir_;
  absl::StatusOr<std::vector<SortOrder>> orders = ParseSortOrders("random,path,inode,physical");
  ASSERT_TRUE(orders.ok()) << orders.status();
  o.orders = *orders;
  o.request_bytes = 16384;
  o.repeat = 2;
  absl::StatusOr<SortbenchResult> r = RunSortbench(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files, 12u);
  EXPECT_EQ(r->total_bytes, total_);
  EXPECT_EQ(r->request_bytes, 16384u);
  ASSERT_EQ(r->runs.size(), 8u);
  // Repetition 2 starts with the second order.
  EXPECT_EQ(r->runs[0].order, "random");
  EXPECT_EQ(r->runs[4].order, "path");
  EXPECT_EQ(r->runs[4].rep, 2u);
  for (const SortbenchRun& run : r->runs) {
    SCOPED_TRACE(run.order);
    EXPECT_EQ(run.bytes, total_);
    EXPECT_EQ(run.requests, requests_);
    EXPECT_EQ(run.errors, 0u) << run.first_error;
    EXPECT_EQ(run.key_seconds < 0, run.elevator == "noop");
  }
  // The inode order keyed its requests by inode.
  bool keyed = false;
  for (const auto& [name, value] : r->runs[2].counters) keyed |= name == "keyed_inode" && value > 0;
  EXPECT_TRUE(keyed) << "inode run counters: " << r->runs[2].counters.size();
}

TEST_F(SortbenchTest, BadOrdersAndTreesAreNamed) {
  EXPECT_THAT(ParseSortOrders("random,zigzag").status().message(), HasSubstr("'zigzag'"));
  EXPECT_THAT(ParseSortOrders("inode,inode").status().message(), HasSubstr("appears twice"));
  EXPECT_FALSE(ParseSortOrders("").ok());
  SortbenchOptions o;
  o.orders = *ParseSortOrders("random");
  o.dir = dir_ + "/missing";
  EXPECT_EQ(RunSortbench(o).status().code(), absl::StatusCode::kNotFound);
  o.dir = dir_;
  o.max_files = 3;
  EXPECT_THAT(RunSortbench(o).status().message(), HasSubstr("more than 3 files"));
}

}  // namespace
}  // namespace iosched
