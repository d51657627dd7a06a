// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers for the DiskSim import tests: the bundled HP C2247A parameter
// files, copied into a TempDir (tests/common/test_files.h) to be edited.

#ifndef IOSCHED_TESTS_SIMULATOR_DISKSIM_TEST_UTIL_H_
#define IOSCHED_TESTS_SIMULATOR_DISKSIM_TEST_UTIL_H_

#include <string>

#include "gtest/gtest.h"
#include "test_files.h"

namespace iosched::testing_util {

// The bundled DiskSim files (traces/data/disksim-hp_c2247a.*).
inline std::string BundledDiskSim(const std::string& suffix) {
  return BundledTrace("disksim-hp_c2247a" + suffix);
}

// Copies the bundled HP files into `dir` (same names) and returns the .parv.
inline std::string CopyHp(const TempDir& dir) {
  for (const char* s : {".parv", ".diskspecs", "_validate.model"}) {
    dir.Write("disksim-hp_c2247a" + std::string(s), ReadFile(BundledDiskSim(s)));
  }
  return dir / "disksim-hp_c2247a.parv";
}

// Replaces the first occurrence of `from` in `text` (which must be there).
inline std::string Edit(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_SIMULATOR_DISKSIM_TEST_UTIL_H_
