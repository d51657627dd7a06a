// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "iosched/scheduler.h"
#include "iosched/status_macros.h"
#include "iosched/trace.h"

namespace iosched {
namespace {

// Lines are buffered and written whole: the file only ever ends between
// two lines, even when the process is killed (a write(2) of a regular file
// is not cut by a signal short of the disk filling).
constexpr size_t kFileBuffer = 64 << 10;

bool FioSafe(const std::string& path) {
  if (path.empty()) return false;
  for (char c : path) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  }
  return true;
}

std::string ResolveFd(int fd) {
  char link[64];
  std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  char buf[4096];
  const ssize_t n = ::readlink(link, buf, sizeof(buf) - 1);
  if (n <= 0) return absl::StrCat("fd", fd);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Recorder>> Recorder::Create(const Options& options) {
  if (options.native_path.empty() && options.fio_path.empty()) {
    return absl::InvalidArgumentError(
        "recorder: give a native trace path, a fio iolog path or both");
  }
  if (options.native_path == options.fio_path) {
    return absl::InvalidArgumentError(
        absl::StrCat("recorder: the native trace and the fio iolog are both ", options.fio_path));
  }
  std::unique_ptr<Recorder> r(new Recorder());
  r->on_error_ = options.on_error;
  for (auto [path, out] :
       {std::pair{&options.native_path, &r->native_}, std::pair{&options.fio_path, &r->fio_}}) {
    if (path->empty()) continue;
    int fd;
    do {
      fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      const absl::Status st =
          absl::ErrnoToStatus(errno, absl::StrCat("cannot create trace ", *path));
      r->Abandon();
      return st;
    }
    out->fd = fd;
    out->path = *path;
    out->buf.reserve(kFileBuffer + 4096);
  }
  if (r->native_.open()) {
    r->full_ = options.full;
    absl::StrAppend(&r->native_.buf, kNativeTraceMagic, "\n",
                    options.full ? kNativeTraceColumnsFull : kNativeTraceColumns, "\n",
                    Sv(kNativeCsvEndMarked), "\n");
  }
  if (r->fio_.open()) r->fio_.buf.append("fio version 3 iolog\n");
  r->ring_.resize(1024);
  return r;
}

void Recorder::Out::Flush(const std::function<void(const absl::Status&)>& on_error) {
  std::string_view data = buf;
  while (!data.empty() && error.ok()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = absl::ErrnoToStatus(errno, absl::StrCat("write error on ", path));
      if (on_error) on_error(error);  // reported when it happens, not at the end
      break;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  buf.clear();
}

void Recorder::EndLine(Out& o) {
  if (o.buf.size() >= kFileBuffer) o.Flush(on_error_);
}

void Recorder::Abandon() {
  finished_ = true;
  for (Out* o : {&native_, &fio_}) {
    if (!o->open()) continue;
    ::close(o->fd);
    o->fd = -1;
    ::unlink(o->path.c_str());
  }
}

Recorder::~Recorder() { Finish().IgnoreError(); }

void Recorder::AttachTo(SchedulerOptions& options) {
  options.observers.push_back(this);
  std::function<void(const DirectFile&)> prev = std::move(options.on_new_file);
  options.on_new_file = [this, prev = std::move(prev)](const DirectFile& f) {
    AddFile(f.fd(), f.path());
    if (prev) prev(f);
  };
}

void Recorder::AddFile(int fd, std::string path) {
  auto it = fd_to_file_.find(fd);
  if (it != fd_to_file_.end() && files_[it->second].path == path) return;
  const int32_t index = static_cast<int32_t>(files_.size());
  const bool ok = FioSafe(path);
  files_.push_back(File{std::move(path), ok});
  fd_to_file_[fd] = index;
  const File& f = files_.back();
  if (native_.open()) {
    absl::StrAppend(&native_.buf, "# file ", index, " ", f.path, "\n");
    EndLine(native_);
  }
  if (fio_.open() && f.fio_ok) {
    absl::StrAppend(&fio_.buf, last_us_, " ", f.path, " add\n", last_us_, " ", f.path, " open\n");
    EndLine(fio_);
  }
}

int32_t Recorder::FileIndex(int fd, int64_t now_us) {
  if (fd < 0) return -1;
  auto it = fd_to_file_.find(fd);
  if (it != fd_to_file_.end()) return it->second;
  last_us_ = now_us;
  AddFile(fd, ResolveFd(fd));
  return fd_to_file_[fd];
}

void Recorder::OnArrival(const Request& rq, Time now) {
  if (finished_) return;
  if (!started_) {
    started_ = true;
    t0_ = now;
  }
  const int64_t rel = (now - t0_).count();
  const int64_t us = rel / 1000;
  last_us_ = us;
  if (tail_ - head_ == ring_.size()) {  // grow: keep sequence → slot mapping
    std::vector<Entry> bigger(ring_.size() * 2);
    for (uint64_t s = head_; s < tail_; ++s)
      bigger[s & (bigger.size() - 1)] = ring_[s & (ring_.size() - 1)];
    ring_ = std::move(bigger);
  }
  const uint64_t seq = tail_++;
  Entry& e = ring_[seq & (ring_.size() - 1)];
  e.rq = &rq;
  e.arrival = rel;
  e.dispatch = -1;
  e.complete = -1;
  e.offset = rq.fd >= 0 ? rq.offset : rq.sector * 512;
  e.length = rq.fd >= 0 ? rq.length : rq.sectors * 512u;
  e.stream = rq.stream;
  e.key = 0;
  e.file = FileIndex(rq.fd, us);
  e.error = 0;
  e.bytes = 0;
  e.op = rq.op == Op::kRead ? 'R' : 'W';
  e.done = false;
  seq_[&rq] = seq;
  if (fio_.open() && e.file >= 0) {
    const File& f = files_[e.file];
    if (f.fio_ok) {
      absl::StrAppend(&fio_.buf, us, " ", f.path, rq.op == Op::kRead ? " read " : " write ",
                      e.offset, " ", e.length, "\n");
      EndLine(fio_);
    } else {
      ++fio_skipped_;
    }
  }
}

void Recorder::OnComplete(const Request& member, const Request& /*unit*/, Time now) {
  auto it = seq_.find(&member);
  if (it == seq_.end()) return;  // arrived before the recorder was attached
  Entry& e = ring_[it->second & (ring_.size() - 1)];
  seq_.erase(it);
  // A cancelled request went to DirectDevice::Issue only to be refused.
  e.dispatch = member.error == ECANCELED ? -1 : (member.issued - t0_).count();
  e.complete = (now - t0_).count();
  last_us_ = e.complete / 1000;
  e.key = member.sort_key;
  e.error = member.error;
  e.bytes = member.bytes_done;
  e.done = true;
  FlushHead();
}

void Recorder::FlushHead() {
  while (head_ < tail_) {
    Entry& e = ring_[head_ & (ring_.size() - 1)];
    if (!e.done) break;
    WriteEntry(e);
    ++head_;
  }
}

void Recorder::WriteEntry(const Entry& e) {
  ++recorded_;
  if (!native_.open()) return;
  char line[256];
  char response[24] = "", device[16] = "";
  if (e.done) std::snprintf(response, sizeof(response), "%" PRId64, e.complete - e.arrival);
  if (e.file >= 0) std::snprintf(device, sizeof(device), "%d", e.file);
  int n = std::snprintf(line, sizeof(line), "%" PRId64 ",%c,%" PRIu64 ",%u,%u,,%s,%s", e.arrival,
                        e.op, e.offset, e.length, e.stream, response, device);
  if (full_) {
    n += std::snprintf(line + n, sizeof(line) - static_cast<size_t>(n),
                       ",%" PRId64 ",%" PRIu64 ",%d,%u", e.dispatch, e.key, e.error, e.bytes);
  }
  native_.buf.append(line, static_cast<size_t>(n));
  native_.buf.push_back('\n');
  EndLine(native_);
}

absl::Status Recorder::Finish() {
  if (finished_) return absl::OkStatus();
  for (; head_ < tail_; ++head_) WriteEntry(ring_[head_ & (ring_.size() - 1)]);
  finished_ = true;
  seq_.clear();
  if (fio_.open()) {
    for (const File& f : files_) {
      if (f.fio_ok) absl::StrAppend(&fio_.buf, last_us_, " ", f.path, " close\n");
    }
  }
  if (native_.open()) absl::StrAppend(&native_.buf, Sv(kNativeCsvEndPrefix), recorded_, "\n");
  // Both files' errors, the native trace's first.
  std::string errors;
  for (Out* o : {&native_, &fio_}) {
    if (!o->open()) continue;
    o->Flush(on_error_);
    if (o->error.ok() && ::fsync(o->fd) != 0 && errno != EINVAL) {
      o->error = absl::ErrnoToStatus(errno, absl::StrCat("fsync of ", o->path));
    }
    if (::close(o->fd) != 0 && o->error.ok()) {
      o->error = absl::ErrnoToStatus(errno, absl::StrCat("closing ", o->path));
    }
    o->fd = -1;
    if (!o->error.ok()) {
      absl::StrAppend(&errors, errors.empty() ? "" : "; ", o->error.message());
    }
  }
  if (!errors.empty()) return absl::DataLossError(errors);
  return absl::OkStatus();
}

}  // namespace iosched
