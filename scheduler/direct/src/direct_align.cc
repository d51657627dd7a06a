// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Direct-I/O alignment discovery (direct_file.h): statx(STATX_DIOALIGN), then
// BLKSSZGET/BLKPBSZGET, then st_blksize.

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "iosched/direct_file.h"
#include "iosched/status_macros.h"

// Debian 12's headers have STATX_DIOALIGN (Linux 6.1 uapi); older ones do
// not. The mask bit and the field layout are kernel ABI, so both are spelled
// out here and the call goes through syscall(2), whatever the headers say.
#ifndef STATX_DIOALIGN
#define STATX_DIOALIGN 0x00002000U
#endif

namespace iosched {
namespace {

// struct statx as the kernel lays it out (include/uapi/linux/stat.h, 6.1).
struct KernelStatxTimestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};
struct KernelStatx {
  uint32_t stx_mask;
  uint32_t stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink;
  uint32_t stx_uid;
  uint32_t stx_gid;
  uint16_t stx_mode;
  uint16_t spare0;
  uint64_t stx_ino;
  uint64_t stx_size;
  uint64_t stx_blocks;
  uint64_t stx_attributes_mask;
  KernelStatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major;
  uint32_t stx_rdev_minor;
  uint32_t stx_dev_major;
  uint32_t stx_dev_minor;
  uint64_t stx_mnt_id;
  uint32_t stx_dio_mem_align;
  uint32_t stx_dio_offset_align;
  uint64_t spare3[12];
};
static_assert(sizeof(KernelStatx) == 256, "struct statx is 256 bytes");
static_assert(offsetof(KernelStatx, stx_dio_mem_align) == 152, "statx ABI");
static_assert(offsetof(KernelStatx, stx_dio_offset_align) == 156, "statx ABI");

bool IsPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::string ReadSysfsLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return line;
}

}  // namespace

std::string_view AlignmentSourceName(AlignmentSource source) {
  switch (source) {
    case AlignmentSource::kStatx:
      return "statx(STATX_DIOALIGN)";
    case AlignmentSource::kBlockDevice:
      return "BLKSSZGET";
    case AlignmentSource::kFilesystemBlock:
      return "st_blksize";
    case AlignmentSource::kBuffered:
      return "buffered";
  }
  return "?";
}

absl::Status CheckAlignment(const Alignment& a, uint64_t offset, uint64_t length,
                            const void* buffer, std::string_view what) {
  if (length == 0) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(what), ": length 0; expected > 0 bytes"));
  }
  if (buffer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(what), ": null buffer"));
  }
  const std::string_view src = AlignmentSourceName(a.source);
  if (a.offset > 1 && offset % a.offset != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(what), ": offset ", offset, " is not a multiple of ", a.offset,
                     " bytes (offset/length alignment, from ", Sv(src), ")"));
  }
  if (a.offset > 1 && length % a.offset != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(what), ": length ", length, " is not a multiple of ", a.offset,
                     " bytes (offset/length alignment, from ", Sv(src), ")"));
  }
  const auto addr = reinterpret_cast<uintptr_t>(buffer);
  if (a.memory > 1 && addr % a.memory != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: buffer %p is not aligned to %u bytes (memory alignment, from %s)",
                        Sv(what), buffer, a.memory, Sv(src)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Alignment> DiscoverAlignment(int fd, std::string_view path) {
  Alignment a;
  KernelStatx sx;
  std::memset(&sx, 0, sizeof(sx));
  const long rc =
      ::syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_DIOALIGN, &sx);
  bool is_blk = false;
  uint32_t blksize = 0;
  if (rc == 0) {
    is_blk = S_ISBLK(sx.stx_mode);
    blksize = sx.stx_blksize;
    if (sx.stx_mask & STATX_DIOALIGN) {
      if (sx.stx_dio_mem_align == 0 && sx.stx_dio_offset_align == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            Sv(path),
            ": direct I/O is not supported on this file (statx(STATX_DIOALIGN) reports no "
            "alignment; e.g. ext4 data=journal, encryption, verity or inline data); open it "
            "buffered explicitly if page-cache I/O is acceptable"));
      }
      a.memory = sx.stx_dio_mem_align ? sx.stx_dio_mem_align : 1;
      a.offset = sx.stx_dio_offset_align ? sx.stx_dio_offset_align : 1;
      a.source = AlignmentSource::kStatx;
    }
  } else {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("fstat ", Sv(path)));
    }
    is_blk = S_ISBLK(st.st_mode);
    blksize = static_cast<uint32_t>(st.st_blksize);
  }
  if (is_blk) {
    int logical = 0;
    unsigned int physical = 0;
    if (::ioctl(fd, BLKPBSZGET, &physical) == 0) a.physical = physical;
    if (a.source != AlignmentSource::kStatx) {
      if (::ioctl(fd, BLKSSZGET, &logical) != 0 || logical <= 0) {
        return absl::ErrnoToStatus(errno, absl::StrCat("ioctl(BLKSSZGET) on ", Sv(path)));
      }
      a.offset = static_cast<uint32_t>(logical);
      a.memory = static_cast<uint32_t>(logical);
      a.source = AlignmentSource::kBlockDevice;
    }
  }
  if (a.source != AlignmentSource::kStatx && a.source != AlignmentSource::kBlockDevice) {
    if (blksize == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          Sv(path),
          ": cannot tell the direct-I/O alignment (no statx(STATX_DIOALIGN), not a block "
          "device, st_blksize 0)"));
    }
    a.offset = blksize;
    a.memory = blksize;
    a.source = AlignmentSource::kFilesystemBlock;
  }
  if (!IsPowerOfTwo(a.offset) || !IsPowerOfTwo(a.memory)) {
    return absl::FailedPreconditionError(
        absl::StrCat(Sv(path), ": direct-I/O alignment from ", Sv(AlignmentSourceName(a.source)),
                     " is not a power of two (memory ", a.memory, ", offset ", a.offset, ")"));
  }
  return a;
}

std::optional<bool> DeviceIsRotational(dev_t device) {
  const std::string base = absl::StrCat("/sys/dev/block/", major(device), ":", minor(device));
  for (const char* rel : {"/queue/rotational", "/../queue/rotational"}) {
    const std::string v = ReadSysfsLine(base + rel);
    if (v == "0") return false;
    if (v == "1") return true;
  }
  return std::nullopt;
}

}  // namespace iosched
