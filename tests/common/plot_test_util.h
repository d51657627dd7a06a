// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers shared by the plot and report tests: the bundled MSR sample, file
// reading, fresh output directories and a small three-process FIU trace.

#ifndef IOSCHED_TESTS_TOOLS_PLOT_TEST_UTIL_H_
#define IOSCHED_TESTS_TOOLS_PLOT_TEST_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "test_files.h"

namespace iosched::testing_util {

inline const std::string kMsrSample = BundledTrace("msr_hm0-msr-cambridge1-sample.csv");

inline bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// An empty directory TempDir()/NAME (removed first if it exists; created by
// the code under test).
inline std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// An FIU trace of `records` requests from three processes, interleaved 1 ms
// apart, each in its own region; every `write_every`-th request is a write.
inline std::string ThreeStreamTrace(const std::string& name, int records, int write_every) {
  const std::string path = ::testing::TempDir() + "/" + name + ".fiu";
  std::ofstream out(path);
  const uint32_t pids[] = {4253, 77, 1200};
  for (int i = 0; i < records; ++i) {
    const int k = i % 3;
    const uint64_t lba = 100000 + k * 600000 + (i / 3) * 8;
    out << 1000000000LL + i * 1000000LL << " " << pids[k] << " proc" << k << " " << lba << " 8 "
        << ((i % write_every == 0) ? "W" : "R") << " 8 0 00000000000000000000000000000000\n";
  }
  return path;
}

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_TOOLS_PLOT_TEST_UTIL_H_
