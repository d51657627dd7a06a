// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The elevators that need a disk model's estimates (sdf, sptf, spctf,
// aged-sptf, satf) through Replay: on the HDD model every request of a
// mixed trace completes exactly once, at host depth 1 and 8 and behind a
// queueing drive; on the SSD, which has no estimates, Replay refuses them.

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "sim_test_util.h"

namespace iosched {
namespace {

using testing::SyntheticTrace;
using testing::VectorTraceReader;

TEST(PositioningElevators, EveryRequestCompletesOnceOnTheHddModel) {
  for (const char* spec : {"sdf", "sptf", "spctf", "aged-sptf:weight=30", "satf", "fcfs", "sstf",
                           "look", "clook"}) {
    for (const char* disk : {"hp-c2247a", "hp-c2247a:queue_depth=8,queue_policy=sptf"}) {
      for (uint32_t depth : {1u, 8u}) {
        SCOPED_TRACE(std::string(spec) + " on " + disk + " depth " + std::to_string(depth));
        auto model = MakeDiskModel(disk);
        ASSERT_TRUE(model.ok()) << model.status();
        auto elevator = MakeElevator(spec);
        ASSERT_TRUE(elevator.ok()) << elevator.status();
        VectorTraceReader trace(SyntheticTrace(2000, (*model)->capacity_sectors() - 64));
        ReplayOptions o;
        o.depth = depth;
        absl::StatusOr<ReplayResult> r = Replay(trace, **elevator, **model, o);
        ASSERT_TRUE(r.ok()) << r.status();
        EXPECT_EQ(r->summary.completed, 2000u);
        EXPECT_EQ(r->summary.errors, 0u);
      }
    }
  }
}

TEST(PositioningElevators, SptfOnTheSsdIsRefused) {
  auto model = MakeDiskModel("ssd");
  ASSERT_TRUE(model.ok());
  auto elevator = MakeElevator("sptf");
  ASSERT_TRUE(elevator.ok());
  VectorTraceReader trace(SyntheticTrace(10, 1 << 20));
  absl::StatusOr<ReplayResult> r = Replay(trace, **elevator, **model, ReplayOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("elevator 'sptf' needs seek and rotation estimates"),
            std::string::npos)
      << r.status();
}

}  // namespace
}  // namespace iosched
