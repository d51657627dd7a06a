// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/registry.h"

#include "gtest/gtest.h"

namespace iosched {
namespace {

bool Contains(absl::string_view haystack, std::string_view needle) {
  return std::string_view(haystack.data(), haystack.size()).find(needle) != std::string_view::npos;
}

TEST(Registry, BuildsEveryKnownElevator) {
  for (const std::string& name : KnownElevators()) {
    auto e = MakeElevator(name);
    ASSERT_TRUE(e.ok()) << name << ": " << e.status();
    EXPECT_EQ((*e)->Name(), name);
    EXPECT_TRUE((*e)->Empty());
  }
}

// The names a user of another tool types: the kernel's blk-mq "none", the
// 2.6 "as" (anticipatory), DiskSim's "c-look".
TEST(Registry, AliasesBuildTheirElevator) {
  const std::pair<const char*, const char*> aliases[] = {
      {"none", "noop"}, {"as", "anticipatory"}, {"c-look", "clook"}, {"asptf", "aged-sptf"}};
  for (const auto& [alias, name] : aliases) {
    auto e = MakeElevator(alias);
    ASSERT_TRUE(e.ok()) << alias << ": " << e.status();
    EXPECT_EQ((*e)->Name(), name) << alias;
  }
}

TEST(Registry, UnknownElevatorListsKnownOnes) {
  auto e = MakeElevator("elevat0r");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(e.status().message(), "elevat0r"));
  EXPECT_TRUE(Contains(e.status().message(), "noop"));
}

TEST(Registry, UnknownTunableNamesItAndTheKnownOnes) {
  auto e = MakeElevator("linus:read_latancy=5");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(e.status().message(), "read_latancy"));
  EXPECT_TRUE(Contains(e.status().message(), "read_latency"));
}

TEST(Registry, BadValueQuotesTheText) {
  auto e = MakeElevator("linus:read_latency=fast");
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(Contains(e.status().message(), "'fast'"));
  EXPECT_FALSE(MakeElevator("noop:max_sectors").ok());
  EXPECT_FALSE(MakeElevator("noop:").ok());
  EXPECT_FALSE(MakeElevator("noop:=3").ok());
}

TEST(Registry, AppliesTunablesInOrder) {
  auto e = MakeElevator("linus:read_latency=7,write_latency=9,read_latency=8");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->GetTunable("read_latency").value(), "8");
  EXPECT_EQ((*e)->GetTunable("write_latency").value(), "9");
}

TEST(Registry, QueueLimits) {
  auto e = MakeElevator("noop:max_sectors_kb=512");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->max_sectors(), 1024u);
  EXPECT_EQ((*e)->GetTunable("max_sectors").value(), "1024");
  auto d = MakeElevator("noop");
  EXPECT_EQ((*d)->max_sectors(), 255u);  // SAFE_MAX_SECTORS
  EXPECT_FALSE(MakeElevator("noop:max_sectors=0").ok());
}

TEST(Registry, SplitElevatorList) {
  EXPECT_EQ(SplitElevatorList("noop,linus"), (std::vector<std::string>{"noop", "linus"}));
  EXPECT_EQ(SplitElevatorList("noop, linus:read_latency=8,write_latency=16 ,noop"),
            (std::vector<std::string>{"noop", "linus:read_latency=8,write_latency=16", "noop"}));
}

TEST(Tunables, MillisecondsAcceptUnits) {
  int64_t ticks = 0;
  TunableSet t;
  t.Add("expire", TunableSet::Kind::kMillis, &ticks, 0, 1 << 30, TunableSet::OutOfRange::kClamp,
        "ms", "");
  TickClock hz1000(1000), hz250(250);
  ASSERT_TRUE(t.Set("expire", "250", hz1000).ok());
  EXPECT_EQ(ticks, 250);
  ASSERT_TRUE(t.Set("expire", "2s", hz1000).ok());
  EXPECT_EQ(ticks, 2000);
  ASSERT_TRUE(t.Set("expire", "10ms", hz250).ok());
  EXPECT_EQ(ticks, 3);  // msecs_to_jiffies rounds up
  EXPECT_EQ(t.Get("expire", hz250).value(), "12");
  ASSERT_TRUE(t.Set("expire", "-5", hz1000).ok());  // clamped like sysfs
  EXPECT_EQ(ticks, 0);
  EXPECT_FALSE(t.Set("expire", "5 min", hz1000).ok());
  EXPECT_FALSE(t.Set("expire", "", hz1000).ok());
  EXPECT_FALSE(t.Set("expire", "99999999999999999999", hz1000).ok());
}

}  // namespace
}  // namespace iosched
