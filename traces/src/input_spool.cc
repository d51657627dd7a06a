// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/input_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace iosched {
namespace {

absl::Status Copy(int in, const std::string& name, int out, const std::string& temp,
                  uint64_t max_bytes) {
  char buf[1 << 16];
  uint64_t total = 0;
  while (true) {
    const ssize_t n = ::read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat(name, ": read error"));
    if (n == 0) return absl::OkStatus();
    total += static_cast<uint64_t>(n);
    if (max_bytes != 0 && total > max_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          name, ": more than ", max_bytes, " bytes; it is read more than once, so it is copied "
          "first: write it to a file instead"));
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        return absl::ErrnoToStatus(errno, absl::StrCat("copying ", name, " to ", temp));
      }
      done += w;
    }
  }
}

}  // namespace

bool IsReadOnceInput(const std::string& path) {
  if (path == "-") return true;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode);
}

absl::StatusOr<SpooledInputs> SpooledInputs::Spool(const std::vector<std::string>& paths,
                                                   uint64_t max_bytes) {
  SpooledInputs s;
  s.paths_ = paths;
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  for (std::string& p : s.paths_) {
    if (!IsReadOnceInput(p)) continue;
    const std::string name = p == "-" ? "<stdin>" : p;
    std::string temp = dir + "/iosched-spool-XXXXXX";
    const int out = ::mkostemp(temp.data(), O_CLOEXEC);
    if (out < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", temp));
    s.temps_.push_back(temp);
    int in = STDIN_FILENO;
    if (p != "-") {
      do {
        in = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
      } while (in < 0 && errno == EINTR);
      if (in < 0) {
        ::close(out);
        return absl::ErrnoToStatus(errno, absl::StrCat(p, ": cannot open"));
      }
    }
    absl::Status st = Copy(in, name, out, temp, max_bytes);
    if (in != STDIN_FILENO) ::close(in);
    if (::close(out) != 0 && st.ok()) {
      st = absl::ErrnoToStatus(errno, absl::StrCat("copying ", name, " to ", temp));
    }
    if (!st.ok()) return st;
    p = temp;
  }
  return s;
}

SpooledInputs::SpooledInputs(SpooledInputs&& other) noexcept
    : paths_(std::move(other.paths_)), temps_(std::move(other.temps_)) {
  other.temps_.clear();
}

SpooledInputs& SpooledInputs::operator=(SpooledInputs&& other) noexcept {
  if (this != &other) {
    for (const std::string& t : temps_) ::unlink(t.c_str());
    paths_ = std::move(other.paths_);
    temps_ = std::move(other.temps_);
    other.temps_.clear();
  }
  return *this;
}

SpooledInputs::~SpooledInputs() {
  for (const std::string& t : temps_) ::unlink(t.c_str());
}

}  // namespace iosched
