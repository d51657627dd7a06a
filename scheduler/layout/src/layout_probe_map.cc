// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Whole-file maps (MapFile, MapPath): the chapter's print_blocks() done with
// FIBMAP and with FIEMAP, with errors that say what failed and what to do.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iosched/layout_probe.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

constexpr uint32_t kFiemapFlagSync = 0x1;  // FIEMAP_FLAG_SYNC
constexpr uint32_t kFiemapBatch = 256;     // extents per FS_IOC_FIEMAP call
constexpr int kChangeRetries = 2;
constexpr char kErrnoPayload[] = "iosched/errno";

absl::Status WithErrno(absl::Status s, int error) {
  if (!s.ok() && error != 0) s.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(error)));
  return s;
}

std::string ErrnoName(int error) {
  if (error == 0) return "0";
  const char* name = ::strerrorname_np(error);
  return name != nullptr ? std::string(name) : absl::StrCat("errno ", error);
}

bool SameVersion(const FileStat& a, const FileStat& b) {
  return a.dev == b.dev && a.ino == b.ino && a.size == b.size && a.mtime_ns == b.mtime_ns;
}

absl::Status ProbeFailureStatusNoErrno(ProbeMethod method, ProbeFailure failure, int error) {
  const std::string m(ProbeMethodName(method));
  const std::string err = ErrnoName(error);
  switch (failure) {
    case ProbeFailure::kNone:
      return absl::OkStatus();
    case ProbeFailure::kPermission:
      return absl::PermissionDeniedError(
          absl::StrCat(m, ": not permitted (", err, ")",
                       method == ProbeMethod::kFibmap
                           ? ": FIBMAP needs CAP_SYS_RAWIO (root); fiemap works without privileges"
                           : ""));
    case ProbeFailure::kUnsupported:
      return absl::UnimplementedError(
          absl::StrCat(m, ": not supported by this filesystem (", err, ")"));
    case ProbeFailure::kOutOfRange:
      return absl::OutOfRangeError(
          absl::StrCat(m, ": block number does not fit FIBMAP's int (", err, "); use fiemap"));
    case ProbeFailure::kChanged:
      return absl::AbortedError(
          absl::StrCat(m, ": the file changed (size or mtime) while it was being mapped; retry"));
    case ProbeFailure::kNotRegular:
      return absl::FailedPreconditionError("not a regular file");
    case ProbeFailure::kNoFile:
      return absl::NotFoundError(absl::StrCat(m, ": cannot stat the file (", err, ")"));
    case ProbeFailure::kUnknownExtent:
      return absl::UnavailableError(absl::StrCat(m, ": extent has no known position"));
    case ProbeFailure::kHole:
      return absl::NotFoundError(absl::StrCat(m, ": no block at that offset (hole)"));
    case ProbeFailure::kError:
      break;
  }
  return absl::InternalError(
      absl::StrCat(m, ": ", error != 0 ? std::strerror(error) : "failed", " (", err, ")"));
}

absl::Status MapFibmap(int fd, ProbeOs& os, FileLayout* out) {
  uint32_t bsz = 0;
  if (int e = os.BlockSize(fd, &bsz); e != 0) {
    return ProbeFailureStatus(ProbeMethod::kFibmap, ClassifyProbeErrno(e), e);
  }
  out->block_size = bsz;
  ++out->ioctl_calls;
  const uint64_t blocks = (out->stat.size + bsz - 1) / bsz;
  for (uint64_t l = 0; l < blocks; ++l) {
    uint64_t p = 0;
    ++out->ioctl_calls;
    if (int e = os.Fibmap(fd, l, &p); e != 0) {
      return ProbeFailureStatus(ProbeMethod::kFibmap, ClassifyProbeErrno(e), e);
    }
    if (p == 0) continue;  // hole (or a block the filesystem declined to map)
    if (!out->extents.empty()) {
      Extent& last = out->extents.back();
      if (last.logical + last.length == l * bsz && last.physical + last.length == p * bsz) {
        last.length += bsz;
        continue;
      }
    }
    out->extents.push_back(Extent{l * bsz, p * bsz, bsz, kExtentMerged});
  }
  if (!out->extents.empty()) out->extents.back().flags |= kExtentLast;
  return absl::OkStatus();
}

absl::Status MapFiemap(int fd, bool sync, ProbeOs& os, FileLayout* out) {
  uint32_t bsz = 0;
  ++out->ioctl_calls;
  if (os.BlockSize(fd, &bsz) == 0) out->block_size = bsz;  // for display only
  uint64_t start = 0;
  while (true) {
    const size_t before = out->extents.size();
    ++out->ioctl_calls;
    if (int e = os.Fiemap(fd, start, std::numeric_limits<uint64_t>::max() - start,
                          sync ? kFiemapFlagSync : 0, kFiemapBatch, &out->extents);
        e != 0) {
      return ProbeFailureStatus(ProbeMethod::kFiemap, ClassifyProbeErrno(e), e);
    }
    if (out->extents.size() == before) break;  // nothing (more) mapped
    const Extent& last = out->extents.back();
    if (last.flags & kExtentLast) break;
    const uint64_t next = last.logical + last.length;
    if (next <= start) {
      return absl::InternalError(
          absl::StrCat("fiemap: the extent map did not advance past byte ", start));
    }
    start = next;
  }
  // Extents may start before the asked range on a second batch; keep them
  // unique and ordered.
  for (size_t i = 1; i < out->extents.size();) {
    const Extent& prev = out->extents[i - 1];
    if (out->extents[i].logical < prev.logical + prev.length) {
      out->extents.erase(out->extents.begin() + static_cast<ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int ProbeErrnoOf(const absl::Status& status) {
  auto p = status.GetPayload(kErrnoPayload);
  int e = 0;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &e)) return 0;
  return e;
}

absl::Status ProbeFailureStatus(ProbeMethod method, ProbeFailure failure, int error) {
  return WithErrno(ProbeFailureStatusNoErrno(method, failure, error), error);
}

absl::StatusOr<FileLayout> MapFile(int fd, ProbeMethod method, bool sync, ProbeOs& os) {
  for (int attempt = 0;; ++attempt) {
    FileLayout layout;
    layout.method = method;
    if (int e = os.Stat(fd, &layout.stat); e != 0) {
      return ProbeFailureStatus(method,
                                ClassifyProbeErrno(e) == ProbeFailure::kNoFile
                                    ? ProbeFailure::kNoFile
                                    : ProbeFailure::kError,
                                e);
    }
    if (layout.stat.directory()) {
      return absl::FailedPreconditionError("is a directory, expected a regular file");
    }
    if (!layout.stat.regular()) {
      return absl::FailedPreconditionError("not a regular file");
    }
    switch (method) {
      case ProbeMethod::kPath:
        if (int e = os.PathOf(fd, &layout.path); e != 0) {
          return ProbeFailureStatus(method, ProbeFailure::kError, e);
        }
        return layout;
      case ProbeMethod::kInode:
        return layout;
      case ProbeMethod::kFibmap:
        IOSCHED_RETURN_IF_ERROR(MapFibmap(fd, os, &layout));
        break;
      case ProbeMethod::kFiemap:
        IOSCHED_RETURN_IF_ERROR(MapFiemap(fd, sync, os, &layout));
        break;
    }
    FileStat after;
    if (int e = os.Stat(fd, &after); e != 0) {
      return ProbeFailureStatus(method, ProbeFailure::kNoFile, e);
    }
    if (SameVersion(layout.stat, after)) return layout;
    if (attempt >= kChangeRetries) {
      return ProbeFailureStatus(method, ProbeFailure::kChanged, 0);
    }
  }
}

absl::StatusOr<FileLayout> MapPath(const std::string& path, ProbeMethod method, bool sync,
                                   ProbeOs& os) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int e = errno;
    const std::string what = absl::StrCat(path, ": ", std::strerror(e));
    if (e == ENOENT || e == ENOTDIR) return WithErrno(absl::NotFoundError(what), e);
    if (e == EACCES || e == EPERM) return WithErrno(absl::PermissionDeniedError(what), e);
    return WithErrno(absl::UnavailableError(what), e);
  }
  absl::StatusOr<FileLayout> layout = MapFile(fd, method, sync, os);
  ::close(fd);
  if (!layout.ok()) {
    return WithErrno(
        absl::Status(layout.status().code(), absl::StrCat(path, ": ", layout.status().message())),
        ProbeErrnoOf(layout.status()));
  }
  return layout;
}

}  // namespace iosched
