// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The real O_DIRECT path has no disk model, so the elevators that order by
// estimated seek and rotation (sptf, spctf, aged-sptf, satf, sdf) are refused
// with a message that says why; the classic ones that only need sector
// numbers (fcfs, sstf, look, clook) are accepted.

#include <gtest/gtest.h>

#include <string>

#include "iosched/scheduler.h"

namespace iosched {
namespace {

TEST(PositioningRefusal, SptfAndKinAreRefusedOnTheRealPath) {
  for (const char* spec : {"sptf", "spctf", "aged-sptf:weight=30", "satf", "sdf"}) {
    SchedulerOptions o;
    o.elevator = spec;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
    ASSERT_FALSE(s.ok()) << spec;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << spec;
    const std::string msg(s.status().message());
    EXPECT_NE(msg.find(std::string("elevator '") + spec + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("need a disk model"), std::string::npos) << msg;
  }
}

TEST(PositioningRefusal, SectorOrderedClassicsRunOnTheRealPath) {
  for (const char* spec : {"fcfs", "sstf", "look", "clook"}) {
    SchedulerOptions o;
    o.elevator = spec;
    o.depth = 2;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
    EXPECT_TRUE(s.ok()) << spec << ": " << s.status();
  }
}

}  // namespace
}  // namespace iosched
