// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers for the real O_DIRECT tests: a deterministic byte pattern written
// to files in ::testing::TempDir(), and a completion counter to wait on.

#ifndef IOSCHED_TESTS_DIRECT_DIRECT_TEST_UTIL_H_
#define IOSCHED_TESTS_DIRECT_DIRECT_TEST_UTIL_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "iosched/direct_file.h"
#include "iosched/dispatcher.h"
#include "test_files.h"

namespace iosched::testing_direct {

// Shared helpers (tests/common/test_files.h).
using testing_util::TempPath;

// An MSR Cambridge trace in a fresh temp file: `n` requests of 4 KiB, 1 ms
// apart, streams 0..2 in turn, every `write_every`-th a write (0: none),
// offsets stepping by 12 KiB from `first_offset`. Returns its path.
inline std::string MsrTrace(const std::string& name, int n, int write_every,
                            uint64_t first_offset = 0) {
  const std::string path = TempPath(name);
  std::FILE* out = std::fopen(path.c_str(), "w");
  for (int i = 0; i < n; ++i) {
    const bool w = write_every > 0 && i % write_every == write_every - 1;
    std::fprintf(out, "%llu,hm,%d,%s,%llu,4096,100\n",
                 static_cast<unsigned long long>(128166385295514663ull + uint64_t(i) * 10000),
                 i % 3, w ? "Write" : "Read",
                 static_cast<unsigned long long>(first_offset + uint64_t(i) * 12288));
  }
  std::fclose(out);
  return path;
}

// Byte at file offset `i` of pattern `seed`.
inline uint8_t PatternByte(uint64_t i, uint32_t seed) {
  uint64_t x = (i / 8 + 1) * 0x9E3779B97F4A7C15ull ^ (uint64_t{seed} << 32 | seed);
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 32;
  return static_cast<uint8_t>(x >> (8 * (i % 8)));
}

// Writes `size` bytes of pattern `seed` (buffered I/O) and fsyncs.
inline void WritePatternFile(const std::string& path, uint64_t size, uint32_t seed) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  std::vector<uint8_t> buf(1 << 16);
  for (uint64_t off = 0; off < size; off += buf.size()) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - off));
    for (size_t i = 0; i < n; ++i) buf[i] = PatternByte(off + i, seed);
    ASSERT_EQ(::pwrite(fd, buf.data(), n, static_cast<off_t>(off)), static_cast<ssize_t>(n));
  }
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
}

// FNV-1a over a byte range.
inline uint64_t Fnv1a(const uint8_t* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// Opens `path` for direct I/O, or explains why the test cannot run here.
#define IOSCHED_OPEN_DIRECT_OR_SKIP(var, path, options)                                        \
  absl::StatusOr<::iosched::DirectFile> var##_or = ::iosched::DirectFile::Open(path, options); \
  if (!var##_or.ok() && var##_or.status().code() == absl::StatusCode::kFailedPrecondition) {   \
    GTEST_SKIP() << "no O_DIRECT in the test temp dir: " << var##_or.status();                 \
  }                                                                                            \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();                                             \
  ::iosched::DirectFile var = std::move(*var##_or)

// Counts callbacks; Wait() blocks until `n` have arrived (with a generous
// bound so that a lost completion fails the test instead of hanging it).
class CompletionCounter {
 public:
  void Add() {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  bool Wait(uint64_t n, std::chrono::seconds bound = std::chrono::seconds(120)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, bound, [&] { return count_ >= n; });
  }
  uint64_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t count_ = 0;
};

// The order in which units go to the device (id of each unit's first
// member, and how many requests each unit carries), recorded on the
// dispatcher thread; read from the test's thread.
class IssueOrder : public DispatchObserver {
 public:
  void OnIssue(const Request& unit, Time) override {
    std::lock_guard<std::mutex> lock(mu_);
    ids_.push_back(unit.first_member()->id);
    members_.push_back(unit.member_count());
  }
  std::vector<uint64_t> ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_;
  }
  std::vector<uint32_t> members() {
    std::lock_guard<std::mutex> lock(mu_);
    return members_;
  }

 private:
  std::mutex mu_;
  std::vector<uint64_t> ids_;
  std::vector<uint32_t> members_;
};

}  // namespace iosched::testing_direct

#endif  // IOSCHED_TESTS_DIRECT_DIRECT_TEST_UTIL_H_
