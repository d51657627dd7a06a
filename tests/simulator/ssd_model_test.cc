// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "ssd_model.h"

#include <gtest/gtest.h>

#include "iosched/disk_model.h"

namespace iosched::sim {
namespace {

// 4 KiB at 400 MB/s: 4096 / 4e8 s = 10,240 ns.
constexpr int64_t kPageXfer = 10'240;
constexpr int64_t kRead = 80'000;
constexpr int64_t kWrite = 20'000;

std::unique_ptr<SsdModel> Ssd() {
  auto m = SsdModel::Create(SsdParams{});
  EXPECT_TRUE(m.ok());
  return std::move(*m);
}

TEST(SsdModelTest, PresetBasics) {
  auto disk = MakeDiskModel("ssd");
  ASSERT_TRUE(disk.ok()) << disk.status();
  EXPECT_FALSE((*disk)->rotational());
  EXPECT_EQ((*disk)->capacity_sectors(), uint64_t{256} * 1024 * 1024 * 1024 / 512);
  EXPECT_EQ((*disk)->name(), "ssd");
}

TEST(SsdModelTest, UnitsOnDifferentChannelsOverlap) {
  auto m = Ssd();
  // Page 0 → channel 0, page 1 → channel 1: both finish together.
  const ServiceInfo a = m->Serve(Op::kRead, 0, 8, Time{0});
  const ServiceInfo b = m->Serve(Op::kRead, 8, 8, Time{0});
  EXPECT_EQ(a.complete.count(), kRead + kPageXfer);
  EXPECT_EQ(b.complete.count(), kRead + kPageXfer);
  EXPECT_EQ(b.start.count(), 0);
}

TEST(SsdModelTest, UnitsOnTheSameChannelQueue) {
  auto m = Ssd();
  // Page 8 is on channel 0 again (8 channels).
  const ServiceInfo a = m->Serve(Op::kRead, 0, 8, Time{0});
  const ServiceInfo b = m->Serve(Op::kRead, 64, 8, Time{0});
  EXPECT_EQ(a.complete.count(), kRead + kPageXfer);
  EXPECT_EQ(b.start, a.complete);
  EXPECT_EQ(b.complete.count(), 2 * (kRead + kPageXfer));
}

TEST(SsdModelTest, LargeUnitsStripeOverChannels) {
  auto m = Ssd();
  // 64 KiB = 16 pages over 8 channels: two pages per channel.
  const ServiceInfo a = m->Serve(Op::kWrite, 0, 128, Time{0});
  EXPECT_EQ(a.complete.count(), 2 * (kWrite + kPageXfer));
  for (uint32_t c = 0; c < 8; ++c) EXPECT_EQ(m->channel_free(c), a.complete);
}

TEST(SsdModelTest, PartialPagesTransferOnlyTheirSectors) {
  auto m = Ssd();
  // One sector: latency plus 512 bytes at 400 MB/s = 1,280 ns.
  const ServiceInfo a = m->Serve(Op::kRead, 3, 1, Time{0});
  EXPECT_EQ(a.complete.count(), kRead + 1'280);
  // Sectors 6..9 straddle pages 0 (channel 0) and 1 (channel 1): 2 sectors each.
  auto m2 = Ssd();
  const ServiceInfo b = m2->Serve(Op::kRead, 6, 4, Time{0});
  EXPECT_EQ(b.complete.count(), kRead + 2'560);
}

TEST(SsdModelTest, RejectsZeroChannels) {
  SsdParams p;
  p.channels = 0;
  EXPECT_EQ(MakeSsdModel(p).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DiskPresetsTest, KnownPresetsAndUnknownName) {
  std::vector<std::string> names;
  for (const DiskPresetInfo& p : KnownDiskPresets()) {
    names.push_back(p.name);
    EXPECT_FALSE(p.description.empty());
    EXPECT_TRUE(MakeDiskModel(p.name).ok()) << p.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"hp-c2247a", "sata-7200", "sas-15k", "ssd"}));
  auto bad = MakeDiskModel("floppy");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(bad.status().message(),
            "unknown disk preset 'floppy'; known presets: hp-c2247a, sata-7200, sas-15k, ssd");
}

}  // namespace
}  // namespace iosched::sim
