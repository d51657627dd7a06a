// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Files and paths for tests, shared by every suite: the bundled traces and
// optional shared fixtures, the program under test, unique temporary files
// and directories under ::testing::TempDir() (one directory per test
// process, see test_main.cc), and whole-file reads and writes.
//
// Temporary names are unique (mkstemp/mkdtemp), so tests may run in
// parallel. Helpers that cannot do their job fail the current test (EXPECT)
// rather than crash.
//
// Thread-safety: call from the test's thread.

#ifndef IOSCHED_TESTS_COMMON_TEST_FILES_H_
#define IOSCHED_TESTS_COMMON_TEST_FILES_H_

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace iosched::testing_util {

// ---- Paths ---------------------------------------------------------------

// A trace (or model) bundled with the sources: traces/data/`name`.
inline std::string BundledTrace(std::string_view name) {
  return std::string(IOSCHED_SOURCE_DIR) + "/traces/data/" + std::string(name);
}

// An optional fixture next to the checkout (IOSCHED_SHARED_DIR/traces/`name`).
// Tests that use one skip, with a message, when it is absent.
inline std::string SharedTrace(std::string_view name) {
  return std::string(IOSCHED_SHARED_DIR) + "/traces/" + std::string(name);
}

// The `iosched` program under test.
inline std::string IoschedBinary() { return std::string(IOSCHED_BINARY_DIR) + "/bin/iosched"; }

inline bool FileExists(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

// ---- Whole files ---------------------------------------------------------

// The contents of `path`; empty (and a test failure) if it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Replaces `path` with `contents`; a test failure if that fails.
inline void WriteFile(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

// ---- Temporary files and directories -------------------------------------

// A fresh path in the test temp directory, named after the running test and
// `name`, removed first if it exists. Not removed afterwards (the per-process
// temp directory is).
inline std::string TempPath(const std::string& name) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string p = ::testing::TempDir() + "iosched_" + std::to_string(::getpid()) + "_" +
                  (info ? info->name() : "x") + "_" + name;
  std::replace(p.begin() + static_cast<long>(::testing::TempDir().size()), p.end(), '/', '_');
  ::unlink(p.c_str());
  return p;
}

// A file with the given bytes, removed when the object goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string_view contents) {
    std::string tmpl = ::testing::TempDir() + "/iosched_trace_XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    EXPECT_GE(fd, 0) << "mkstemp " << tmpl;
    path_ = tmpl;
    size_t done = 0;
    while (fd >= 0 && done < contents.size()) {
      ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    EXPECT_EQ(done, contents.size());
    if (fd >= 0) ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A fresh, empty directory (under `base`, by default the test temp
// directory), removed with everything in it when the object goes out of
// scope. path() is empty, and the test has failed, if it could not be made.
class TempDir {
 public:
  explicit TempDir(const std::string& base = ::testing::TempDir()) {
    std::string tmpl = base;
    while (tmpl.size() > 1 && tmpl.back() == '/') tmpl.pop_back();
    tmpl += "/iosched_test_XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) {
      path_ = tmpl;
    } else {
      ADD_FAILURE() << "mkdtemp " << tmpl << " failed";
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to `name` inside the directory and returns its path.
  std::string Write(const std::string& name, std::string_view text) const {
    const std::string p = *this / name;
    WriteFile(p, text);
    return p;
  }

 private:
  std::string path_;
};

// The status message as a std::string (absl::string_view may be a distinct
// type from std::string_view).
inline std::string Message(const absl::Status& status) { return std::string(status.message()); }

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_COMMON_TEST_FILES_H_
