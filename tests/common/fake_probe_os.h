// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// FakeProbeOs: a scripted ProbeOs for layout-probe and user-sort tests.
// Files are made-up descriptors (any int) with a FileStat, a FIBMAP answer
// per logical block or an errno, and a FIEMAP extent list or an errno. Every
// FIBMAP call is logged so tests can check which logical block was asked.

#ifndef IOSCHED_TESTS_SCHEDULER_FAKE_PROBE_OS_H_
#define IOSCHED_TESTS_SCHEDULER_FAKE_PROBE_OS_H_

#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "iosched/layout_probe.h"

namespace iosched::testing {

class FakeProbeOs : public ProbeOs {
 public:
  struct File {
    FileStat stat;
    uint32_t block_size = 4096;
    int block_size_error = 0;
    int fibmap_error = 0;                 // returned for every block if set
    std::map<uint64_t, uint64_t> blocks;  // logical -> physical (missing: 0)
    int fiemap_error = 0;
    std::vector<Extent> extents;
    // Each Stat() adds this to mtime (a file being written while probed).
    int64_t mtime_step = 0;
  };

  // Adds a regular file of `size` bytes; returns it for further setup.
  File& Add(int fd, uint64_t dev, uint64_t ino, uint64_t size = 1 << 20) {
    File& f = files_[fd];
    f.stat.dev = dev;
    f.stat.ino = ino;
    f.stat.size = size;
    f.stat.mtime_ns = 1;
    f.stat.mode = S_IFREG | 0644;
    return f;
  }
  File& file(int fd) { return files_.at(fd); }

  int Stat(int fd, FileStat* out) override {
    auto it = files_.find(fd);
    if (it == files_.end()) return EBADF;
    ++stats_;
    it->second.stat.mtime_ns += it->second.mtime_step;
    *out = it->second.stat;
    return 0;
  }
  int BlockSize(int fd, uint32_t* bytes) override {
    File& f = files_.at(fd);
    if (f.block_size_error) return f.block_size_error;
    *bytes = f.block_size;
    return 0;
  }
  int Fibmap(int fd, uint64_t logical, uint64_t* physical) override {
    fibmap_calls_.emplace_back(fd, logical);
    File& f = files_.at(fd);
    if (f.fibmap_error) return f.fibmap_error;
    auto it = f.blocks.find(logical);
    *physical = it == f.blocks.end() ? 0 : it->second;
    return 0;
  }
  int Fiemap(int fd, uint64_t start, uint64_t, uint32_t, uint32_t max_extents,
             std::vector<Extent>* out) override {
    ++fiemap_calls_;
    File& f = files_.at(fd);
    if (f.fiemap_error) return f.fiemap_error;
    uint32_t n = 0;
    for (const Extent& e : f.extents) {
      if (e.logical + e.length <= start) continue;
      if (n++ == max_extents) break;
      out->push_back(e);
    }
    return 0;
  }
  int PathOf(int fd, std::string* out) override {
    *out = "/fake/" + std::to_string(fd);
    return 0;
  }

  const std::vector<std::pair<int, uint64_t>>& fibmap_calls() const { return fibmap_calls_; }
  int fiemap_calls() const { return fiemap_calls_; }
  int stats() const { return stats_; }

 private:
  std::map<int, File> files_;
  std::vector<std::pair<int, uint64_t>> fibmap_calls_;
  int fiemap_calls_ = 0;
  int stats_ = 0;
};

}  // namespace iosched::testing

#endif  // IOSCHED_TESTS_SCHEDULER_FAKE_PROBE_OS_H_
