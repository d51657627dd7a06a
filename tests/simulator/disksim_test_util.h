// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers for the DiskSim import tests: a private directory of real files
// (the temp dir is ext4) and the bundled HP C2247A parameter files.

#ifndef IOSCHED_TESTS_SIMULATOR_DISKSIM_TEST_UTIL_H_
#define IOSCHED_TESTS_SIMULATOR_DISKSIM_TEST_UTIL_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace iosched::testing_util {

// The bundled DiskSim files (traces/data/disksim-hp_c2247a.*).
inline std::string BundledDiskSim(const std::string& suffix) {
  return std::string(IOSCHED_SOURCE_DIR) + "/traces/data/disksim-hp_c2247a" + suffix;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A fresh directory for one test; removed with the object.
class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = ::testing::TempDir() + "/disksim_test." + std::to_string(::getpid()) + "." +
            std::to_string(++n);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  // Copies the bundled HP files here (same names) and returns the .parv.
  std::string CopyHp() const {
    for (const char* s : {".parv", ".diskspecs", "_validate.model"}) {
      Write("disksim-hp_c2247a" + std::string(s), ReadText(BundledDiskSim(s)));
    }
    return path_ + "/disksim-hp_c2247a.parv";
  }

 private:
  std::string path_;
};

// Replaces the first occurrence of `from` in `text` (which must be there).
inline std::string Edit(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_SIMULATOR_DISKSIM_TEST_UTIL_H_
