// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Replays a generated scenario (iosched generate) through one elevator on a
// disk preset, for the simulator's scenario tests. The elevator environment
// follows the disk (rotational) and `o.depth`; every generated request must
// complete. Failures are reported through gtest and give an empty result.

#ifndef IOSCHED_TESTS_COMMON_GENERATED_REPLAY_H_
#define IOSCHED_TESTS_COMMON_GENERATED_REPLAY_H_

#include <string>

#include "gtest/gtest.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/replay.h"
#include "iosched/trace_generator.h"

namespace iosched::testing_util {

inline ReplayResult ReplayGenerated(const std::string& scenario, const GeneratorOptions& g,
                                    const std::string& elevator, const std::string& disk,
                                    const ReplayOptions& o) {
  auto reader = MakeGenerator(scenario, g);
  EXPECT_TRUE(reader.ok()) << reader.status();
  auto d = MakeDiskModel(disk);
  EXPECT_TRUE(d.ok()) << d.status();
  if (!reader.ok() || !d.ok()) return {};
  ElevatorEnv env;
  env.rotational = (*d)->rotational();
  env.device_depth = o.depth;
  auto e = MakeElevator(elevator, env);
  EXPECT_TRUE(e.ok()) << e.status();
  if (!e.ok()) return {};
  absl::StatusOr<ReplayResult> r = Replay(**reader, **e, **d, o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_EQ(r->summary.completed, g.requests);
  return *std::move(r);
}

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_COMMON_GENERATED_REPLAY_H_
