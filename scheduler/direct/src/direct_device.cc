// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/direct_device.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "absl/strings/str_cat.h"
#include "direct_backend.h"
#include "iosched/status_macros.h"

namespace iosched {

using internal::IoEvent;
using internal::IoOp;

// One unit in flight: where its transfer stands.
struct DirectDevice::Slot {
  Request* unit = nullptr;
  Request* cur = nullptr;  // member holding the next byte to transfer
  uint32_t cur_off = 0;    // bytes of `cur` already transferred
  uint64_t base = 0;       // byte offset of the unit's first member
  uint64_t total = 0;      // bytes in the unit
  uint64_t done = 0;       // bytes transferred so far
  uint64_t asked = 0;      // bytes asked by the transfer in flight
  uint32_t retries = 0;
  int error = 0;
  bool short_read = false;  // a read came back short
  IoOp op;
  std::vector<struct iovec> iov;
  Slot* next_free = nullptr;
};

std::string_view IoBackendName(IoBackendKind kind) {
  switch (kind) {
    case IoBackendKind::kAuto:
      return "auto";
    case IoBackendKind::kIoUring:
      return "io_uring";
    case IoBackendKind::kPsync:
      return "psync";
  }
  return "?";
}

absl::StatusOr<IoBackendKind> ParseIoBackend(std::string_view name) {
  for (IoBackendKind k : {IoBackendKind::kAuto, IoBackendKind::kIoUring, IoBackendKind::kPsync}) {
    if (name == IoBackendName(k)) return k;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown I/O back end '", Sv(name), "'; expected auto, io_uring or psync"));
}

DirectDevice::DirectDevice(const Options& options, const Clock* clock)
    : options_(options), clock_(clock) {}

absl::StatusOr<std::unique_ptr<DirectDevice>> DirectDevice::Create(const Options& options,
                                                                   const Clock* clock) {
  if (clock == nullptr) return absl::InvalidArgumentError("DirectDevice needs a clock");
  Options o = options;
  if (o.depth == 0) o.depth = 1;
  std::unique_ptr<DirectDevice> d(new DirectDevice(o, clock));
  if (o.backend != IoBackendKind::kPsync) {
    int err = 0;
    absl::StatusOr<std::unique_ptr<internal::IoBackend>> b =
        internal::NewUringBackend(o.depth, o.submit_batch, &err);
    if (b.ok()) {
      d->backend_ = std::move(*b);
    } else if (o.backend == IoBackendKind::kIoUring) {
      return b.status();
    } else if (err == ENOSYS || err == EPERM || err == ENOMEM) {
      d->fallback_reason_ = std::string(b.status().message());
    } else {
      return b.status();
    }
  }
  if (d->backend_ == nullptr) {
    const uint32_t threads = o.psync_threads ? o.psync_threads : std::min<uint32_t>(o.depth, 64);
    IOSCHED_ASSIGN_OR_RETURN(d->backend_, internal::NewPsyncBackend(threads, o.depth));
  }
  d->kind_ = d->backend_->kind();
  const long iov_max = ::sysconf(_SC_IOV_MAX);
  d->max_segments_ = iov_max > 0 ? static_cast<uint32_t>(std::min<long>(iov_max, 1 << 16)) : 1024;
  d->slots_.reserve(o.depth);
  for (uint32_t i = 0; i < o.depth; ++i) {
    d->slots_.push_back(std::make_unique<Slot>());
    d->slots_.back()->next_free = d->free_;
    d->free_ = d->slots_.back().get();
  }
  d->events_.reserve(o.depth + 8);
  d->deferred_.reserve(o.depth);
  d->deferred_work_.reserve(o.depth);
  return d;
}

DirectDevice::~DirectDevice() = default;

absl::Status DirectDevice::RegisterBuffers(const BufferPool& pool) {
  return backend_->RegisterBuffers(pool.region(), pool.region_size());
}

DirectDevice::Slot& DirectDevice::TakeSlot() {
  if (free_ == nullptr) {  // more in flight than Options::depth: grow
    slots_.push_back(std::make_unique<Slot>());
    free_ = slots_.back().get();
  }
  Slot& s = *free_;
  free_ = s.next_free;
  ++busy_;
  return s;
}

void DirectDevice::Issue(Request& unit) {
  ++stats_.units;
  if (cancel_issues_) {
    deferred_.emplace_back(&unit, ECANCELED);
    return;
  }
  Request* first = unit.first_member();
  // Members must share the descriptor and touch byte for byte (the
  // elevators' Contiguous() guarantees it; checked because a violation
  // would silently move data to the wrong place).
  int bad = first->fd < 0 ? EBADF : 0;
  for (Request* m = first; bad == 0 && m->next_member() != nullptr; m = m->next_member()) {
    const Request* n = m->next_member();
    if (n->fd != m->fd || m->offset + m->length != n->offset || n->op != m->op) bad = EINVAL;
  }
  if (bad != 0) {
    deferred_.emplace_back(&unit, bad);
    return;
  }
  Slot& s = TakeSlot();
  s.unit = &unit;
  s.cur = first;
  s.cur_off = 0;
  s.base = first->offset;
  s.total = unit.last_member()->offset + unit.last_member()->length - s.base;
  s.done = 0;
  s.retries = 0;
  s.error = 0;
  s.short_read = false;
  StartTransfer(s);
}

void DirectDevice::StartTransfer(Slot& s) {
  s.iov.clear();
  uint64_t bytes = 0;
  uint32_t off = s.cur_off;
  for (Request* m = s.cur; m != nullptr && s.iov.size() < max_segments_;
       m = m->next_member(), off = 0) {
    s.iov.push_back({static_cast<char*>(m->buffer) + off, size_t{m->length} - off});
    bytes += m->length - off;
  }
  s.asked = bytes;
  s.op.tag = &s;
  s.op.fd = s.unit->fd;
  s.op.op = s.unit->op;
  s.op.offset = s.base + s.done;
  s.op.iov = s.iov.data();
  s.op.iovcnt = static_cast<int>(s.iov.size());
  s.op.buf_index =
      s.iov.size() == 1 ? backend_->FixedIndex(s.iov[0].iov_base, s.iov[0].iov_len) : -1;
  if (s.op.buf_index >= 0) ++stats_.fixed_buffer_ios;
  SubmitOp(s);
}

void DirectDevice::SubmitOp(Slot& s) {
  ++stats_.transfers;
  if (options_.fault_injector) {
    const int res = options_.fault_injector(s.op.op, s.op.offset, s.asked);
    if (res < 0) {
      ++stats_.injected;
      injected_.push_back(IoEvent{&s, res});
      return;
    }
  }
  backend_->Submit(s.op);
  stats_.kernel_submits = backend_->kernel_submits();
}

void DirectDevice::OnEvent(Slot& s, int res) {
  if ((res == -EINTR || res == -EAGAIN) && s.retries < options_.max_retries) {
    ++s.retries;
    ++stats_.retries;
    SubmitOp(s);  // the same transfer again
    return;
  }
  const bool read = s.unit->op == Op::kRead;
  if (res < 0) {
    // EINVAL right after a short read: the rest lies past the end of the
    // file at an offset the kernel will not accept; that is EOF.
    if (!(read && s.short_read && res == -EINVAL)) s.error = -res;
    Finish(s);
    return;
  }
  if (res == 0) {
    if (!read) s.error = EIO;  // a write that moves nothing would loop forever
    Finish(s);
    return;
  }
  // Advance the member cursor by `res` bytes.
  uint64_t left = static_cast<uint64_t>(res);
  s.done += left;
  while (left > 0 && s.cur != nullptr) {
    const uint64_t room = s.cur->length - s.cur_off;
    if (left < room) {
      s.cur_off += static_cast<uint32_t>(left);
      left = 0;
    } else {
      left -= room;
      s.cur = s.cur->next_member();
      s.cur_off = 0;
    }
  }
  if (s.done >= s.total) {
    Finish(s);
    return;
  }
  if (static_cast<uint64_t>(res) < s.asked) {
    ++stats_.short_transfers;
    if (read) {
      s.short_read = true;
      // A short O_DIRECT read that ends off a sector boundary is the end of
      // the file; one that ends on a boundary may be a capped transfer, and
      // the next read says (0 bytes at EOF).
      if ((s.base + s.done) % 512 != 0) {
        Finish(s);
        return;
      }
    }
  }
  s.retries = 0;
  StartTransfer(s);
}

void DirectDevice::Distribute(Request& unit, uint64_t base, uint64_t done, int error) {
  for (Request* m = unit.first_member(); m != nullptr; m = m->next_member()) {
    const uint64_t moff = m->offset - base;
    const uint64_t got = done > moff ? std::min<uint64_t>(done - moff, m->length) : 0;
    m->bytes_done = static_cast<uint32_t>(got);
    if (error != 0 && got < m->length) {
      m->error = error;
    } else {
      m->error = 0;
      if (got == 0 && on_past_eof_) on_past_eof_(*m);
    }
  }
}

void DirectDevice::Finish(Slot& s) {
  Request* unit = s.unit;
  Distribute(*unit, s.base, s.done, s.error);
  s.unit = nullptr;
  s.next_free = free_;
  free_ = &s;
  --busy_;
  dispatcher_->Complete(*unit);  // may Issue() again
}

void DirectDevice::Poll(bool block) {
  if (!deferred_.empty()) {
    deferred_work_.swap(deferred_);
    for (auto& [unit, err] : deferred_work_) {
      if (err == ECANCELED) ++stats_.cancelled;
      Distribute(*unit, unit->first_member()->offset, 0, err);
      dispatcher_->Complete(*unit);
    }
    deferred_work_.clear();
    block = false;
  }
  if (!injected_.empty()) block = false;
  int64_t timeout = 0;
  if (block && deferred_.empty()) {
    if (timer_at_ == kTimeNever) {
      timeout = -1;
    } else {
      timeout = std::max<int64_t>(0, (timer_at_ - clock_->Now()).count());
    }
  }
  events_.clear();
  backend_->Poll(timeout, &events_);
  stats_.kernel_submits = backend_->kernel_submits();
  for (const IoEvent& e : events_) OnEvent(*static_cast<Slot*>(e.tag), e.res);
  if (!injected_.empty()) {
    injected_work_.swap(injected_);  // OnEvent may inject again: next Poll
    for (const IoEvent& e : injected_work_) OnEvent(*static_cast<Slot*>(e.tag), e.res);
    injected_work_.clear();
  }
  if (timer_at_ != kTimeNever && clock_->Now() >= timer_at_) {
    timer_at_ = kTimeNever;
    dispatcher_->TimerFired();
  }
}

void DirectDevice::Wake() { backend_->Wake(); }

}  // namespace iosched
