// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "target_safety.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
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

absl::Status CheckTargetKind(const std::string& target) {
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) return absl::OkStatus();  // Open() names the error
  if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) return absl::OkStatus();
  const char* kind = S_ISDIR(st.st_mode)    ? "a directory"
                     : S_ISFIFO(st.st_mode) ? "a FIFO"
                     : S_ISCHR(st.st_mode)  ? "a character device"
                     : S_ISSOCK(st.st_mode) ? "a socket"
                                            : "not a file";
  return absl::InvalidArgumentError(absl::StrCat("--target ", target, " is ", kind,
                                                 "; expected a regular file or a block device"));
}

absl::Status CheckNotLoopBacking(const std::string& target, const std::string& sys_block) {
  struct stat st;
  if (::stat(target.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return absl::OkStatus();
  DIR* d = ::opendir(sys_block.c_str());
  if (d == nullptr) return absl::OkStatus();
  std::string found, found_dev;
  while (struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind("loop", 0) != 0) continue;
    std::string backing = ReadLine(sys_block + "/" + name + "/loop/backing_file");
    if (backing.empty()) continue;
    constexpr std::string_view kDeleted = " (deleted)";
    if (backing.size() > kDeleted.size() && backing.ends_with(kDeleted)) {
      backing.resize(backing.size() - kDeleted.size());
    }
    struct stat b;
    if (::stat(backing.c_str(), &b) == 0 && b.st_dev == st.st_dev && b.st_ino == st.st_ino) {
      found = name;
      found_dev = ReadLine(sys_block + "/" + name + "/dev");
      break;
    }
  }
  ::closedir(d);
  if (found.empty()) return absl::OkStatus();
  std::string use = "attached";
  unsigned maj = 0, min = 0;
  if (std::sscanf(found_dev.c_str(), "%u:%u", &maj, &min) == 2) {
    if (absl::Status busy = CheckBlockDeviceUnused("/dev/" + found, makedev(maj, min));
        !busy.ok()) {
      use = std::string(busy.message());
      const size_t cut = use.find("; refusing");
      if (cut != std::string::npos) use.resize(cut);
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat(target, " is the backing file of loop device /dev/", found,
                   use == "attached" ? " (attached)" : absl::StrCat(" (", use, ")"),
                   "; writes through both would corrupt it: refusing to replay against it "
                   "(detach it first: losetup -d /dev/",
                   found, ")"));
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
  // Up front, not after filling the disk: the file system's free space and
  // largest file.
  {
    const size_t slash = target.rfind('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
    struct statvfs vfs;
    if (::statvfs(dir.c_str(), &vfs) == 0) {
      const uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
      if (size - have > avail) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "--create ", size, " bytes: ", target, " needs ", size - have,
            " more bytes but its file system has ", avail, " free; choose a smaller size"));
      }
    }
    const long bits = ::pathconf(dir.c_str(), _PC_FILESIZEBITS);
    if (bits > 0 && bits < 64) {
      const uint64_t max_file = (uint64_t{1} << (bits - 1)) - 1;
      if (size > max_file) {
        return absl::ResourceExhaustedError(absl::StrCat("--create ", size,
                                                         " bytes: larger than the largest file ",
                                                         dir, " can hold (", max_file, " bytes)"));
      }
    }
  }
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
    // Progress in tenths for fills that take a while (>= 256 MiB).
    if (log && size - have >= (256u << 20)) {
      const uint64_t step = (size - have) / 10;
      const uint64_t done = off - have;
      if (done / step != (done - std::min<uint64_t>(done, static_cast<uint64_t>(w))) / step) {
        log(absl::StrCat("filling ", target, ": ",
                         std::min<uint64_t>(100, done * 100 / (size - have)), "% (", off, " of ",
                         size, " bytes)"));
      }
    }
  }
  if (::ftruncate(file.fd(), static_cast<off_t>(size)) != 0 || ::fsync(file.fd()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("sizing ", target));
  }
  if (log) log(absl::StrCat("created ", target, " with ", size, " bytes of data"));
  return absl::OkStatus();
}

}  // namespace iosched
