// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/recorder.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "iosched/scheduler.h"

namespace iosched {
namespace {

constexpr size_t kFileBuffer = 1 << 20;

FILE* OpenOut(const std::string& path, absl::Status* st) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *st = absl::ErrnoToStatus(errno, absl::StrCat("cannot create trace ", path));
    return nullptr;
  }
  std::setvbuf(f, nullptr, _IOFBF, kFileBuffer);
  return f;
}

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
  std::unique_ptr<Recorder> r(new Recorder());
  absl::Status st;
  if (!options.native_path.empty()) {
    r->native_ = OpenOut(options.native_path, &st);
    if (!st.ok()) return st;
    r->native_path_ = options.native_path;
    r->full_ = options.full;
    std::fprintf(r->native_, "%s\n%s\n", kNativeTraceMagic,
                 options.full ? kNativeTraceColumnsFull : kNativeTraceColumns);
  }
  if (!options.fio_path.empty()) {
    r->fio_ = OpenOut(options.fio_path, &st);
    if (!st.ok()) return st;
    r->fio_path_ = options.fio_path;
    std::fputs("fio version 3 iolog\n", r->fio_);
  }
  r->ring_.resize(1024);
  return r;
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
  if (native_) std::fprintf(native_, "# file %d %s\n", index, f.path.c_str());
  if (fio_ && f.fio_ok) {
    std::fprintf(fio_, "%" PRId64 " %s add\n%" PRId64 " %s open\n", last_us_, f.path.c_str(),
                 last_us_, f.path.c_str());
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
  if (fio_ != nullptr && e.file >= 0) {
    const File& f = files_[e.file];
    if (f.fio_ok) {
      std::fprintf(fio_, "%" PRId64 " %s %s %" PRIu64 " %u\n", us, f.path.c_str(),
                   rq.op == Op::kRead ? "read" : "write", e.offset, e.length);
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
  if (native_ == nullptr) return;
  char response[24] = "", device[16] = "";
  if (e.done) std::snprintf(response, sizeof(response), "%" PRId64, e.complete - e.arrival);
  if (e.file >= 0) std::snprintf(device, sizeof(device), "%d", e.file);
  std::fprintf(native_, "%" PRId64 ",%c,%" PRIu64 ",%u,%u,,%s,%s", e.arrival, e.op, e.offset,
               e.length, e.stream, response, device);
  if (full_) {
    std::fprintf(native_, ",%" PRId64 ",%" PRIu64 ",%d,%u", e.dispatch, e.key, e.error, e.bytes);
  }
  std::fputc('\n', native_);
}

absl::Status Recorder::Finish() {
  if (finished_) return absl::OkStatus();
  finished_ = true;
  for (; head_ < tail_; ++head_) WriteEntry(ring_[head_ & (ring_.size() - 1)]);
  seq_.clear();
  absl::Status st;
  if (fio_ != nullptr) {
    for (const File& f : files_) {
      if (f.fio_ok) std::fprintf(fio_, "%" PRId64 " %s close\n", last_us_, f.path.c_str());
    }
    if (std::ferror(fio_) && st.ok())
      st = absl::DataLossError(absl::StrCat("write error on ", fio_path_));
    if (std::fclose(fio_) != 0 && st.ok()) {
      st = absl::ErrnoToStatus(errno, absl::StrCat("closing ", fio_path_));
    }
    fio_ = nullptr;
  }
  if (native_ != nullptr) {
    if (std::ferror(native_) && st.ok()) {
      st = absl::DataLossError(absl::StrCat("write error on ", native_path_));
    }
    if (std::fclose(native_) != 0 && st.ok()) {
      st = absl::ErrnoToStatus(errno, absl::StrCat("closing ", native_path_));
    }
    native_ = nullptr;
  }
  return st;
}

}  // namespace iosched
