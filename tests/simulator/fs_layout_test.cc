// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The simulated filesystem layout (fs_layout.h): determinism, the shape the
// fragmentation knob gives (one extent per file at 0, scattered chunks at
// 1), no overlapping or metadata-covering extents, the probe's answers, and
// the "read every file" workload in each order on the HP C2247A model.

#include "iosched/fs_layout.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kCapacity = 2054864;  // HP C2247A, sectors

FsLayoutOptions Small(double fragmentation, uint64_t seed = 7) {
  FsLayoutOptions o;
  o.seed = seed;
  o.files = 300;
  o.dirs = 30;
  o.dir_fanout = 4;
  o.fragmentation = fragmentation;
  return o;
}

TEST(FsLayout, DeterministicForASeed) {
  auto a = FsLayout::Build(Small(0.3), kCapacity);
  auto b = FsLayout::Build(Small(0.3), kCapacity);
  auto c = FsLayout::Build(Small(0.3, 8), kCapacity);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->files().size(), 300u);
  bool differs = false;
  for (size_t i = 0; i < a->files().size(); ++i) {
    EXPECT_EQ(a->files()[i].path, b->files()[i].path);
    EXPECT_EQ(a->files()[i].ino, b->files()[i].ino);
    ASSERT_EQ(a->files()[i].extents.size(), b->files()[i].extents.size());
    EXPECT_EQ(a->files()[i].extents[0].physical, b->files()[i].extents[0].physical);
    differs |= a->files()[i].extents[0].physical != c->files()[i].extents[0].physical;
  }
  EXPECT_TRUE(differs) << "another seed must give another layout";
}

TEST(FsLayout, NoFragmentationMeansOneExtentInCreationOrder) {
  auto l = FsLayout::Build(Small(0.0), kCapacity);
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_DOUBLE_EQ(l->extents_per_file(), 1.0);
  // Inode order is data order (no group overflows in this small tree).
  std::vector<std::pair<uint64_t, uint64_t>> by_ino;
  for (const FsFile& f : l->files()) by_ino.emplace_back(f.ino, f.extents[0].physical);
  std::sort(by_ino.begin(), by_ino.end());
  for (size_t i = 1; i < by_ino.size(); ++i) {
    EXPECT_LT(by_ino[i - 1].second, by_ino[i].second) << "inode " << by_ino[i].first;
  }
}

TEST(FsLayout, FragmentationScattersChunksWithoutOverlap) {
  auto l = FsLayout::Build(Small(1.0), kCapacity);
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_GT(l->extents_per_file(), 2.0);
  const FsLayoutOptions& o = l->options();
  const uint64_t group_bytes = uint64_t{o.blocks_per_group} * o.block_bytes;
  std::vector<std::pair<uint64_t, uint64_t>> all;  // physical ranges
  uint64_t bytes = 0;
  for (const FsFile& f : l->files()) {
    uint64_t logical = 0;
    for (const Extent& x : f.extents) {
      EXPECT_EQ(x.logical, logical) << f.path << ": no holes in a written file";
      logical += x.length;
      EXPECT_GE(x.physical % group_bytes, uint64_t{o.meta_blocks} * o.block_bytes)
          << "data inside a group's metadata";
      EXPECT_LE(x.physical + x.length, l->capacity_bytes());
      all.emplace_back(x.physical, x.physical + x.length);
    }
    EXPECT_EQ(logical, f.size);
    EXPECT_TRUE(f.extents.back().flags & kExtentLast);
    bytes += f.size;
  }
  EXPECT_EQ(bytes, l->total_bytes());
  std::sort(all.begin(), all.end());
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].second, all[i].first);
}

// Mean distance between consecutive extents of a file, in bytes.
double MeanJump(const FsLayout& l) {
  double sum = 0;
  uint64_t n = 0;
  for (const FsFile& f : l.files()) {
    for (size_t i = 1; i < f.extents.size(); ++i) {
      const uint64_t a = f.extents[i - 1].physical + f.extents[i - 1].length;
      const uint64_t b = f.extents[i].physical;
      sum += static_cast<double>(a > b ? a - b : b - a);
      ++n;
    }
  }
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

TEST(FsLayout, JumpGroupsKeepFragmentsNear) {
  FsLayoutOptions near = Small(0.5);
  near.jump_groups = 1;
  auto far = FsLayout::Build(Small(0.5), kCapacity);
  auto local = FsLayout::Build(near, kCapacity);
  ASSERT_TRUE(far.ok() && local.ok());
  EXPECT_GT(local->extents_per_file(), 1.5) << "still fragmented";
  const double group = 8192.0 * 4096;
  EXPECT_LT(MeanJump(*local), 1.5 * group);
  EXPECT_GT(MeanJump(*far), 4 * MeanJump(*local));
}

TEST(FsLayout, BadOptions) {
  FsLayoutOptions o = Small(1.5);
  EXPECT_EQ(FsLayout::Build(o, kCapacity).status().code(), absl::StatusCode::kInvalidArgument);
  o = Small(0);
  o.files = 20000;
  o.min_file_bytes = o.max_file_bytes = 1 << 20;
  auto big = FsLayout::Build(o, kCapacity);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(big.status().message()), HasSubstr("do not fit"));
  o = Small(0);
  o.min_file_bytes = 8192;
  o.max_file_bytes = 4096;
  EXPECT_FALSE(FsLayout::Build(o, kCapacity).ok());
  EXPECT_FALSE(FsLayout::Build(Small(0), 1000).ok()) << "no whole block group";
}

TEST(FsLayoutProbe, AnswersFromTheExtents) {
  auto l = FsLayout::Build(Small(1.0), kCapacity);
  ASSERT_TRUE(l.ok());
  const FsFile* f = nullptr;
  int fd = 0;
  for (; fd < static_cast<int>(l->files().size()); ++fd) {
    if (l->files()[fd].extents.size() >= 2) {
      f = &l->files()[fd];
      break;
    }
  }
  ASSERT_NE(f, nullptr);
  FsLayoutProbe probe(&*l);
  const Extent& x = f->extents[1];
  ProbeAnswer a = probe.Query(fd, x.logical + 4096 + 5, ProbeMethod::kFibmap, false);
  EXPECT_EQ(a.cls, KeyClass::kPosition);
  EXPECT_EQ(a.value, x.physical + 4096);
  EXPECT_EQ(probe.Query(fd, x.logical, ProbeMethod::kFiemap, true).value, f->extents[0].physical);
  EXPECT_EQ(probe.Query(fd, 0, ProbeMethod::kInode, false).value, f->ino);
  EXPECT_EQ(probe.Query(fd, f->size, ProbeMethod::kFibmap, false).failure, ProbeFailure::kHole);
  EXPECT_EQ(probe.Query(-1, 0, ProbeMethod::kInode, false).failure, ProbeFailure::kNoFile);
  EXPECT_EQ(probe.Query(fd, 0, ProbeMethod::kPath, false).failure, ProbeFailure::kUnsupported);
}

TEST(FsWorkload, OrdersOnTheHpDisk) {
  std::map<std::pair<double, FsOrder>, FsWorkloadResult> r;
  for (double frag : {0.0, 0.5}) {
    auto l = FsLayout::Build(Small(frag), kCapacity);
    ASSERT_TRUE(l.ok());
    for (FsOrder o : {FsOrder::kRandom, FsOrder::kPath, FsOrder::kInode, FsOrder::kPhysical,
                      FsOrder::kPhysicalFirst}) {
      auto disk = MakeDiskModel("hp-c2247a");
      ASSERT_TRUE(disk.ok());
      auto res = RunFsWorkload(*l, o, **disk, FsWorkloadOptions{});
      ASSERT_TRUE(res.ok()) << res.status();
      EXPECT_EQ(res->summary.completed, res->requests);
      EXPECT_EQ(res->summary.submitted, res->requests);
      EXPECT_GT(res->total.count(), 0);
      r[{frag, o}] = *std::move(res);
    }
  }
  auto t = [&](double f, FsOrder o) { return r[{f, o}].total; };
  // Deterministic simulated times: these inequalities are properties of the
  // model and the orders, not of the machine.
  EXPECT_EQ(t(0.0, FsOrder::kInode), t(0.0, FsOrder::kPhysical)) << "f=0: inode is data order";
  for (double f : {0.0, 0.5}) {
    EXPECT_LE(t(f, FsOrder::kPhysical), t(f, FsOrder::kInode)) << f;
    EXPECT_LE(t(f, FsOrder::kPhysical), t(f, FsOrder::kPhysicalFirst)) << f;
    EXPECT_LT(t(f, FsOrder::kPhysical), t(f, FsOrder::kRandom)) << f;
  }
  EXPECT_LT(t(0.0, FsOrder::kPath), t(0.0, FsOrder::kRandom));
  EXPECT_LT(t(0.5, FsOrder::kPhysical), t(0.5, FsOrder::kInode));
  // The elevators really asked the model for keys: every request that did
  // not merge into another was keyed by position.
  const FsWorkloadResult& phys = r[{0.5, FsOrder::kPhysical}];
  std::map<std::string, int64_t> counters(phys.summary.elevator_counters.begin(),
                                          phys.summary.elevator_counters.end());
  EXPECT_EQ(counters["keyed_position"] + static_cast<int64_t>(phys.summary.merges),
            static_cast<int64_t>(phys.requests));
  EXPECT_EQ(counters["keyed_inode"], 0);
  EXPECT_GT(counters["keyed_position"], 0);
}

TEST(FsWorkload, Orders) {
  auto o = ParseFsOrders("random, physical-first,inode");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, (std::vector<FsOrder>{FsOrder::kRandom, FsOrder::kPhysicalFirst, FsOrder::kInode}));
  auto bad = ParseFsOrders("random,lba");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("'lba'"));
}

}  // namespace
}  // namespace iosched
