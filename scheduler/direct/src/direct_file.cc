// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/direct_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

int OpenRetry(const char* path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

absl::Status Extend(int fd, const std::string& path, uint64_t have, uint64_t want) {
  if (want <= have) return absl::OkStatus();
  if (::fallocate(fd, 0, 0, static_cast<off_t>(want)) == 0) return absl::OkStatus();
  if (errno != EOPNOTSUPP && errno != ENOSYS) {
    return absl::ErrnoToStatus(errno, absl::StrCat("fallocate ", path, " to ", want, " bytes"));
  }
  if (::ftruncate(fd, static_cast<off_t>(want)) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("ftruncate ", path, " to ", want, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DirectFile> DirectFile::Open(std::string path, const Options& options) {
  if ((options.create || options.min_size > 0) && !options.writable) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": create/min_size need a writable open (Options::writable)"));
  }
  int flags = (options.writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  if (options.create) flags |= O_CREAT;
  if (!options.buffered) flags |= O_DIRECT;
  int fd = OpenRetry(path.c_str(), flags, 0644);
  if (fd < 0) {
    const int err = errno;
    if (err == EINVAL && !options.buffered) {
      // Either the file system refuses O_DIRECT or the flags are bad; tell
      // which by trying once without O_DIRECT.
      const int probe = OpenRetry(path.c_str(), flags & ~O_DIRECT & ~O_CREAT, 0);
      if (probe >= 0) {
        ::close(probe);
        return absl::FailedPreconditionError(absl::StrCat(
            path,
            ": the file system does not support O_DIRECT (open returned EINVAL; tmpfs before "
            "Linux 6.6, vfat, …); use buffered mode explicitly if page-cache I/O is acceptable"));
      }
    }
    return absl::ErrnoToStatus(err, absl::StrCat("open ", path));
  }
  DirectFile f;
  f.fd_ = fd;  // closed by ~DirectFile on every error path below
  f.path_ = std::move(path);
  f.buffered_ = options.buffered;
  f.writable_ = options.writable;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("fstat ", f.path_));
  }
  if (S_ISBLK(st.st_mode)) {
    f.block_device_ = true;
    f.device_ = st.st_rdev;
    uint64_t bytes = 0;
    if (::ioctl(fd, BLKGETSIZE64, &bytes) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("ioctl(BLKGETSIZE64) on ", f.path_));
    }
    f.size_ = bytes;
    if (options.min_size > bytes) {
      return absl::InvalidArgumentError(absl::StrCat(f.path_, ": block device has ", bytes,
                                                     " bytes, fewer than the ", options.min_size,
                                                     " asked for"));
    }
  } else if (S_ISREG(st.st_mode)) {
    f.device_ = st.st_dev;
    f.size_ = static_cast<uint64_t>(st.st_size);
    IOSCHED_RETURN_IF_ERROR(Extend(fd, f.path_, f.size_, options.min_size));
    if (options.min_size > f.size_) f.size_ = options.min_size;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(f.path_, ": expected a regular file or a block device"));
  }
  if (options.buffered) {
    f.alignment_ = Alignment{};
  } else {
    IOSCHED_ASSIGN_OR_RETURN(f.alignment_, DiscoverAlignment(fd, f.path_));
  }
  f.rotational_ = DeviceIsRotational(f.device_);
  return f;
}

DirectFile::DirectFile(DirectFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      path_(std::move(o.path_)),
      alignment_(o.alignment_),
      buffered_(o.buffered_),
      writable_(o.writable_),
      block_device_(o.block_device_),
      size_(o.size_),
      device_(o.device_),
      rotational_(o.rotational_) {}

DirectFile& DirectFile::operator=(DirectFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    path_ = std::move(o.path_);
    alignment_ = o.alignment_;
    buffered_ = o.buffered_;
    writable_ = o.writable_;
    block_device_ = o.block_device_;
    size_ = o.size_;
    device_ = o.device_;
    rotational_ = o.rotational_;
  }
  return *this;
}

DirectFile::~DirectFile() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status DirectFile::CheckAligned(uint64_t offset, uint64_t length, const void* buffer,
                                      uint64_t request_id) const {
  if (alignment_.source == AlignmentSource::kBuffered) {
    if (length == 0 || buffer == nullptr) {
      return CheckAlignment(alignment_, offset, length, buffer,
                            absl::StrCat(path_, " (request ", request_id, ")"));
    }
    return absl::OkStatus();
  }
  const uint64_t mask_off = alignment_.offset - 1;
  const uintptr_t mask_mem = alignment_.memory - 1;
  if (length != 0 && buffer != nullptr && ((offset | length) & mask_off) == 0 &&
      (reinterpret_cast<uintptr_t>(buffer) & mask_mem) == 0) {
    return absl::OkStatus();  // fast path: no message built
  }
  return CheckAlignment(alignment_, offset, length, buffer,
                        absl::StrCat(path_, " (request ", request_id, ")"));
}

}  // namespace iosched
