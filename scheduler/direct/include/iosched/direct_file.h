// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DirectFile: a regular file or a block device opened for direct I/O
// (O_DIRECT), together with the alignment rules the kernel enforces on it.
//
// Alignment is discovered once, at open, from the most authoritative source
// that answers (docs/architecture.md#direct-io-alignment), and never defaults silently to 512:
//
//   1. statx(STATX_DIOALIGN) (Linux 6.1+): stx_dio_mem_align for buffer
//      addresses, stx_dio_offset_align for file offsets and lengths. A file
//      whose statx reports both as 0 does not support direct I/O at all
//      (e.g. ext4 with data=journal, encryption, verity or inline data);
//      opening it for direct I/O is an error that says so.
//   2. Block devices: BLKSSZGET (logical sector: offsets, lengths and, to be
//      safe, buffer addresses); BLKPBSZGET gives the physical block.
//   3. The file system's block size (st_blksize) for offsets, lengths and
//      buffers: larger than needed on most file systems, but safe wherever
//      direct I/O works at all.
//
// A file system without O_DIRECT (open fails with EINVAL, e.g. tmpfs before
// Linux 6.6) is a FailedPrecondition error naming the path. Page-cache
// ("buffered") I/O happens only when the caller asks for it with
// Options::buffered; it has no alignment rules (everything is 1).
//
// Units: bytes everywhere.
// Thread-safety: a DirectFile is immutable after Open() and may be shared by
// any number of threads (the kernel serialises nothing on its behalf: two
// overlapping concurrent writes have no defined order).
// Ownership: the object owns its file descriptor and closes it on
// destruction. Move-only.

#ifndef IOSCHED_DIRECT_FILE_H_
#define IOSCHED_DIRECT_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace iosched {

// Where an alignment rule came from.
enum class AlignmentSource : uint8_t {
  kStatx,            // statx(STATX_DIOALIGN)
  kBlockDevice,      // ioctl BLKSSZGET / BLKPBSZGET
  kFilesystemBlock,  // st_blksize of the file system
  kBuffered,         // page-cache I/O: no rule
};

// "statx(STATX_DIOALIGN)", "BLKSSZGET", "st_blksize", "buffered".
std::string_view AlignmentSourceName(AlignmentSource source);

struct Alignment {
  uint32_t memory = 1;    // buffer addresses must be multiples of this (bytes)
  uint32_t offset = 1;    // file offsets and lengths must be multiples of this
  uint32_t physical = 0;  // device physical block (the write unit that avoids
                          // read-modify-write); 0 when unknown
  AlignmentSource source = AlignmentSource::kBuffered;
};

// Checks one transfer of `length` bytes at `offset` into/from `buffer`.
// InvalidArgument naming the value, the required alignment, its source and
// `what` (e.g. "/data/f (request 12)"); length 0 and a null buffer are
// rejected too. Makes no system call.
absl::Status CheckAlignment(const Alignment& alignment, uint64_t offset, uint64_t length,
                            const void* buffer, std::string_view what);

// Discovers the direct-I/O alignment of an open descriptor (steps 1–3 above).
// `path` is only used in messages. FailedPrecondition when statx says the
// file cannot do direct I/O.
absl::StatusOr<Alignment> DiscoverAlignment(int fd, std::string_view path);

class DirectFile {
 public:
  struct Options {
    // O_RDWR instead of O_RDONLY.
    bool writable = false;
    // O_CREAT (mode 0644) for a regular file that does not exist. Requires
    // writable.
    bool create = false;
    // Regular files: if the file is shorter than this many bytes, extend it
    // (fallocate, else ftruncate). Never shrinks. Requires writable. The new
    // space reads as zeros and, for fallocate, is allocated but unwritten:
    // reading it does not reach the disk.
    uint64_t min_size = 0;
    // Page-cache I/O instead of O_DIRECT (explicit opt-in; no alignment).
    bool buffered = false;
  };

  // Opens `path`. Errors: NotFound/PermissionDenied/… from open(2) with the
  // path and strerror; InvalidArgument if it is neither a regular file nor a
  // block device; FailedPrecondition when the file system refuses O_DIRECT.
  static absl::StatusOr<DirectFile> Open(std::string path, const Options& options);

  DirectFile(DirectFile&& other) noexcept;
  DirectFile& operator=(DirectFile&& other) noexcept;
  DirectFile(const DirectFile&) = delete;
  DirectFile& operator=(const DirectFile&) = delete;
  ~DirectFile();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  const Alignment& alignment() const { return alignment_; }
  bool direct() const { return !buffered_; }
  bool writable() const { return writable_; }
  bool block_device() const { return block_device_; }
  // Size in bytes when opened (st_size, or BLKGETSIZE64 for a device).
  uint64_t size() const { return size_; }
  // The block device the data lives on: st_rdev for a device, st_dev for a
  // file.
  dev_t device() const { return device_; }
  // From /sys/dev/block/MAJ:MIN/queue/rotational (or the parent disk's for a
  // partition), when the kernel says.
  std::optional<bool> rotational() const { return rotational_; }

  // CheckAlignment() against this file's rules; messages name the path and
  // `request_id`.
  absl::Status CheckAligned(uint64_t offset, uint64_t length, const void* buffer,
                            uint64_t request_id) const;

 private:
  DirectFile() = default;

  int fd_ = -1;
  std::string path_;
  Alignment alignment_;
  bool buffered_ = false;
  bool writable_ = false;
  bool block_device_ = false;
  uint64_t size_ = 0;
  dev_t device_ = 0;
  std::optional<bool> rotational_;
};

// Reads /sys/dev/block/MAJ:MIN/queue/rotational for `device` (or its parent
// disk's, for a partition). nullopt when sysfs does not say.
std::optional<bool> DeviceIsRotational(dev_t device);

}  // namespace iosched

#endif  // IOSCHED_DIRECT_FILE_H_
