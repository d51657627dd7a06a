// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ProbeOs::Real(): the Linux system calls behind the layout probes (fstat,
// FIGETBSZ, FIBMAP, FS_IOC_FIEMAP, readlink of /proc/self/fd/N). Every call
// retries on EINTR and returns 0 or a positive errno.

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

#include "iosched/layout_probe.h"

namespace iosched {
namespace {

template <typename Fn>
int Retry(Fn fn) {
  while (true) {
    if (fn() == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

class RealProbeOs final : public ProbeOs {
 public:
  int Stat(int fd, FileStat* out) override {
    struct stat st;
    if (int e = Retry([&] { return ::fstat(fd, &st); }); e != 0) return e;
    out->dev = st.st_dev;
    out->ino = st.st_ino;
    out->rdev = st.st_rdev;
    out->size = static_cast<uint64_t>(st.st_size);
    out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out->mode = st.st_mode;
    return 0;
  }

  int BlockSize(int fd, uint32_t* bytes) override {
    int bsz = 0;
    if (int e = Retry([&] { return ::ioctl(fd, FIGETBSZ, &bsz); }); e != 0) return e;
    if (bsz <= 0) return EINVAL;
    *bytes = static_cast<uint32_t>(bsz);
    return 0;
  }

  int Fibmap(int fd, uint64_t logical, uint64_t* physical) override {
    // FIBMAP takes and returns an int: logical blocks beyond INT_MAX cannot
    // be asked for at all.
    if (logical > static_cast<uint64_t>(INT_MAX)) return ERANGE;
    int block = static_cast<int>(logical);
    if (int e = Retry([&] { return ::ioctl(fd, FIBMAP, &block); }); e != 0) return e;
    *physical = static_cast<uint32_t>(block);
    return 0;
  }

  int Fiemap(int fd, uint64_t start, uint64_t length, uint32_t flags, uint32_t max_extents,
             std::vector<Extent>* out) override {
    std::vector<char> buf(sizeof(struct fiemap) + max_extents * sizeof(struct fiemap_extent));
    auto* fm = reinterpret_cast<struct fiemap*>(buf.data());
    fm->fm_start = start;
    fm->fm_length = length;
    fm->fm_flags = flags;
    fm->fm_extent_count = max_extents;
    if (int e = Retry([&] { return ::ioctl(fd, FS_IOC_FIEMAP, fm); }); e != 0) return e;
    for (uint32_t i = 0; i < fm->fm_mapped_extents && i < max_extents; ++i) {
      const struct fiemap_extent& x = fm->fm_extents[i];
      out->push_back(Extent{x.fe_logical, x.fe_physical, x.fe_length, x.fe_flags});
    }
    return 0;
  }

  int PathOf(int fd, std::string* out) override {
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    std::vector<char> buf(PATH_MAX + 1);
    const ssize_t n = ::readlink(link, buf.data(), buf.size() - 1);
    if (n < 0) return errno;
    out->assign(buf.data(), static_cast<size_t>(n));
    return 0;
  }
};

}  // namespace

ProbeOs& ProbeOs::Real() {
  static RealProbeOs* os = new RealProbeOs();
  return *os;
}

}  // namespace iosched
