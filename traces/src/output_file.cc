// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "binary_formats.h"
#include "iosched/trace.h"

namespace iosched {
namespace {

bool IsNullDevice(const struct stat& st) {
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

std::string Folder(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

int OpenRetry(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// The first 4 KiB of a regular file into *head; false when it cannot be read.
bool ReadHead(const std::string& path, std::string* head) {
  const int fd = OpenRetry(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  head->assign(4096, '\0');
  size_t got = 0;
  while (got < head->size()) {
    const ssize_t n = ::read(fd, head->data() + got, head->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  head->resize(got);
  return true;
}

// True for a folder with no entries but "." and "..".
bool FolderIsEmpty(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  bool empty = true;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(d);
  return empty;
}

bool HasMarker(std::string_view head) {
  return head.starts_with(traces_internal::kNativeBinaryMagic) || head.starts_with("# iosched trace v") ||
         head.find("schema_version") != std::string_view::npos;
}

}  // namespace

bool IsOurOutputFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (st.st_size == 0) return true;
  std::string head;
  return ReadHead(path, &head) && HasMarker(head);
}

absl::Status PrepareOutputFolder(std::string_view what_view, const std::string& dir, bool force) {
  const std::string what(what_view);
  if (dir.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": expected a folder"));
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(what, " ", dir, " exists and is not a folder"));
    }
    if (!force) {
      DIR* d = ::opendir(dir.c_str());
      if (d == nullptr) {
        return absl::PermissionDeniedError(
            absl::StrCat(what, " ", dir, ": cannot list: ", std::strerror(errno)));
      }
      bool marked = false;
      std::string foreign;
      while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        if (name == kOutputFolderMarker) {
          marked = true;
          break;
        }
        if (name == "manifest.json" && IsOurOutputFile(dir + "/manifest.json")) {
          marked = true;
          break;
        }
        // An empty folder holds nothing to lose (a caller may have made
        // one to watch, as a study's cells/).
        if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) {
          if (FolderIsEmpty(dir + "/" + std::string(name))) continue;
        }
        if (foreign.empty()) foreign = std::string(name);
      }
      ::closedir(d);
      if (!marked && !foreign.empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            what, " ", dir, " holds files iosched did not write (", foreign,
            ", no ", std::string(kOutputFolderMarker),
            " marker); refusing to write into it (use --force, or an empty or new folder)"));
      }
    }
  } else if (errno != ENOENT) {
    return absl::PermissionDeniedError(
        absl::StrCat(what, " ", dir, ": ", std::strerror(errno)));
  }
  // Create the folder and its parents.
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0777) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(
          absl::StrCat(what, " ", dir, ": cannot create ", part, ": ", std::strerror(errno)));
    }
  }
  const std::string marker = dir + "/" + std::string(kOutputFolderMarker);
  const int fd = OpenRetry(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(what, " ", dir, ": cannot create ", marker, ": ", std::strerror(errno)));
  }
  ::close(fd);
  return absl::OkStatus();
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

absl::Status CheckOutputPath(std::string_view what_view, const std::string& path,
                             const OutputPathRule& rule) {
  if (path == "-") return absl::OkStatus();
  const std::string what(what_view);
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": expected a file name, got ''"));
  }
  for (const std::string& in : rule.inputs) {
    if (in.empty() || in == "-") continue;
    if (in == path || SameFile(in, path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " ", path, " is the same file as ", in,
          ", which this run reads; refusing to overwrite it (choose another output)"));
    }
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return absl::OkStatus();  // a new file
  if (S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " is a directory; expected a file name"));
  }
  if ((S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) && !IsNullDevice(st) && !rule.allow_device) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " is a ", S_ISBLK(st.st_mode) ? "block" : "character",
                     " device; refusing to write a file onto it"));
  }
  if (S_ISREG(st.st_mode) && !rule.force && !IsOurOutputFile(path)) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " ", path,
        " exists and was not written by iosched (no iosched trace header or results "
        "schema_version in its first 4 KiB); refusing to overwrite it (use --force)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AtomicOutputFile>> AtomicOutputFile::Create(
    const std::string& path) {
  std::unique_ptr<AtomicOutputFile> f(new AtomicOutputFile());
  f->path_ = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    f->in_place_ = true;
    f->temp_ = path;
    f->fd_ = OpenRetry(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (f->fd_ < 0) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot open"));
    return f;
  }
  std::string tmpl = path + ".tmp.XXXXXX";
  f->fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (f->fd_ < 0) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot create"));
  f->temp_ = tmpl;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  (void)::fchmod(f->fd_, 0666 & ~mask);
  return f;
}

AtomicOutputFile::~AtomicOutputFile() { Abandon(); }

void AtomicOutputFile::Abandon() {
  if (done_) return;
  done_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!in_place_) ::unlink(temp_.c_str());
}

absl::Status AtomicOutputFile::Commit() {
  if (done_) return absl::FailedPreconditionError(absl::StrCat(path_, ": already closed"));
  absl::Status st;
  if (in_place_) {
    if (::close(fd_) != 0) st = absl::ErrnoToStatus(errno, absl::StrCat(path_, ": close failed"));
    fd_ = -1;
    done_ = true;
    return st;
  }
  if (::fsync(fd_) != 0) {
    st = absl::ErrnoToStatus(errno, absl::StrCat(path_, ": fsync failed"));
  } else if (::close(fd_) != 0) {
    st = absl::ErrnoToStatus(errno, absl::StrCat(path_, ": close failed"));
  }
  fd_ = -1;
  if (st.ok() && ::rename(temp_.c_str(), path_.c_str()) != 0) {
    st = absl::ErrnoToStatus(errno, absl::StrCat(path_, ": cannot rename ", temp_, " into place"));
  }
  if (!st.ok()) {
    Abandon();
    return st;
  }
  done_ = true;
  // The rename itself is durable once the folder is synced.
  const int dir = OpenRetry(Folder(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

}  // namespace iosched
