// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "target_safety.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "iosched/buffer_pool.h"
#include "iosched/direct_file.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

// /proc/self/mounts escapes blanks and backslashes as \ooo.
std::string UnescapeMount(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string oct = s.substr(i + 1, 3);
      if (oct.size() == 3 &&
          std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The whole disk a partition belongs to (itself when it is not a partition).
dev_t WholeDisk(dev_t dev) {
  const std::string base = absl::StrCat("/sys/dev/block/", major(dev), ":", minor(dev));
  if (::access((base + "/partition").c_str(), F_OK) != 0) return dev;
  const std::string parent = ReadLine(base + "/../dev");
  unsigned maj = 0, min = 0;
  if (std::sscanf(parent.c_str(), "%u:%u", &maj, &min) == 2) return makedev(maj, min);
  return dev;
}

}  // namespace

absl::Status CheckBlockDeviceUnused(const std::string& target, dev_t dev) {
  std::ifstream mounts("/proc/self/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream in(line);
    std::string src, dir;
    in >> src >> dir;
    if (src.empty() || src[0] != '/') continue;
    src = UnescapeMount(src);
    struct stat st;
    if (::stat(src.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) continue;
    if (st.st_rdev == dev) {
      return absl::FailedPreconditionError(absl::StrCat(
          target, " is mounted on ", UnescapeMount(dir), "; refusing to replay against it"));
    }
    if (WholeDisk(st.st_rdev) == dev) {
      return absl::FailedPreconditionError(absl::StrCat(target, " has a mounted partition (", src,
                                                        " on ", UnescapeMount(dir),
                                                        "); refusing to replay against it"));
    }
  }
  const std::string holders =
      absl::StrCat("/sys/dev/block/", major(dev), ":", minor(dev), "/holders");
  if (DIR* d = ::opendir(holders.c_str())) {
    std::string holder;
    while (struct dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') holder = e->d_name;
    }
    ::closedir(d);
    if (!holder.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(target, " is in use by ", holder,
                       " (device mapper / md); refusing to replay against it"));
    }
  }
  return absl::OkStatus();
}

absl::Status PrepareTargetFile(const std::string& target, uint64_t size,
                               const std::function<void(std::string_view)>& log) {
  struct stat st;
  uint64_t have = 0;
  if (::stat(target.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--create works on regular files; ", target, " is not one"));
    }
    have = static_cast<uint64_t>(st.st_size);
  }
  if (have >= size) return absl::OkStatus();
  DirectFile::Options o;
  o.writable = true;
  o.create = true;
  IOSCHED_ASSIGN_OR_RETURN(DirectFile file, DirectFile::Open(target, o));
  const uint64_t chunk = 1 << 20;
  IOSCHED_ASSIGN_OR_RETURN(
      AlignedBuffer buf,
      AlignedBuffer::Allocate(chunk, std::max<uint32_t>(4096, file.alignment().memory)));
  for (size_t i = 0; i < chunk; ++i) buf.bytes()[i] = static_cast<uint8_t>(i * 131 + 7);
  const uint64_t align = std::max<uint32_t>(file.alignment().offset, 1);
  uint64_t off = have / align * align;
  while (off < size) {
    uint64_t n = std::min(chunk, size - off);
    n = (n + align - 1) / align * align;
    const ssize_t w = ::pwrite(file.fd(), buf.data(), n, static_cast<off_t>(off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("filling ", target));
    }
    off += static_cast<uint64_t>(w);
  }
  if (::ftruncate(file.fd(), static_cast<off_t>(size)) != 0 || ::fsync(file.fd()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("sizing ", target));
  }
  if (log) log(absl::StrCat("created ", target, " with ", size, " bytes of data"));
  return absl::OkStatus();
}

}  // namespace iosched
