// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// io_uring back end (direct_backend.h). One ring, driven by the dispatcher
// thread only, so the ring needs no lock. Wake() from other threads writes
// an eventfd that has a read SQE posted whenever the thread waits.

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "direct_backend.h"

#if IOSCHED_HAVE_LIBURING

#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace iosched::internal {
namespace {

// Registered buffers are limited to 1 GiB each (io_uring_register_buffers(3)).
constexpr size_t kMaxFixedBuffer = size_t{1} << 30;

class UringBackend final : public IoBackend {
 public:
  explicit UringBackend(uint32_t submit_batch) : submit_batch_(submit_batch) {}
  ~UringBackend() override {
    if (ring_ok_) io_uring_queue_exit(&ring_);
    if (efd_ >= 0) ::close(efd_);
  }

  absl::Status Init(uint32_t entries, int* init_errno) {
    unsigned n = 8;
    while (n < entries + 8 && n < 32768) n <<= 1;
    // Cheapest completion delivery first, as fio does: with DEFER_TASKRUN
    // completions are run only when the dispatcher thread enters the kernel
    // to wait (no task-work interrupts; IPIs are expensive in VMs). It needs
    // SINGLE_ISSUER; the ring starts disabled so that the thread that first
    // uses it (the dispatcher thread, not the constructing one) becomes its
    // issuer. Older kernels reject the flags with EINVAL: fall back.
    const unsigned kFlagSets[] = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED,
        IORING_SETUP_COOP_TASKRUN,
        0,
    };
    int rc = -EINVAL;
    for (unsigned flags : kFlagSets) {
      struct io_uring_params p;
      std::memset(&p, 0, sizeof(p));
      p.flags = flags;
      rc = io_uring_queue_init_params(n, &ring_, &p);
      if (rc != -EINVAL) {
        disabled_ = rc == 0 && (flags & IORING_SETUP_R_DISABLED) != 0;
        defer_taskrun_ = rc == 0 && (flags & IORING_SETUP_DEFER_TASKRUN) != 0;
        break;
      }
    }
    if (rc < 0) {
      *init_errno = -rc;
      return absl::ErrnoToStatus(-rc, absl::StrCat("io_uring_queue_init(", n, " entries)"));
    }
    ring_ok_ = true;
    efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd_ < 0) {
      *init_errno = errno;
      return absl::ErrnoToStatus(errno, "eventfd");
    }
    return absl::OkStatus();
  }

  IoBackendKind kind() const override { return IoBackendKind::kIoUring; }

  void Submit(const IoOp& op) override {
    Enable();
    struct io_uring_sqe* sqe = GetSqe();
    if (op.buf_index >= 0) {
      if (op.op == Op::kRead) {
        io_uring_prep_read_fixed(sqe, op.fd, op.iov[0].iov_base, op.iov[0].iov_len, op.offset,
                                 op.buf_index);
      } else {
        io_uring_prep_write_fixed(sqe, op.fd, op.iov[0].iov_base, op.iov[0].iov_len, op.offset,
                                  op.buf_index);
      }
    } else if (op.iovcnt == 1) {
      if (op.op == Op::kRead) {
        io_uring_prep_read(sqe, op.fd, op.iov[0].iov_base, op.iov[0].iov_len, op.offset);
      } else {
        io_uring_prep_write(sqe, op.fd, op.iov[0].iov_base, op.iov[0].iov_len, op.offset);
      }
    } else if (op.op == Op::kRead) {
      io_uring_prep_readv(sqe, op.fd, op.iov, op.iovcnt, op.offset);
    } else {
      io_uring_prep_writev(sqe, op.fd, op.iov, op.iovcnt, op.offset);
    }
    io_uring_sqe_set_data(sqe, op.tag);
    if (submit_batch_ > 0 && io_uring_sq_ready(&ring_) >= submit_batch_) {
      ++kernel_submits_;
      Enter(io_uring_submit(&ring_));
    }
  }

  uint64_t kernel_submits() const override { return kernel_submits_; }

  void Poll(int64_t timeout_ns, std::vector<IoEvent>* out) override {
    Enable();
    if (Reap(out) > 0) timeout_ns = 0;
    if (io_uring_sq_ready(&ring_) > 0) ++kernel_submits_;  // the enter below submits them
    if (timeout_ns == 0) {
      if (defer_taskrun_) {
        // Submits and runs the deferred completions, without waiting.
        Enter(io_uring_submit_and_get_events(&ring_));
      } else if (io_uring_sq_ready(&ring_) > 0) {
        Enter(io_uring_submit(&ring_));
      }
    } else {
      if (!efd_armed_) {
        struct io_uring_sqe* sqe = GetSqe();
        io_uring_prep_read(sqe, efd_, &efd_value_, sizeof(efd_value_), 0);
        io_uring_sqe_set_data(sqe, &efd_value_);
        efd_armed_ = true;
      }
      struct io_uring_cqe* cqe = nullptr;
      if (timeout_ns < 0) {
        Enter(io_uring_submit_and_wait(&ring_, 1));
      } else {
        struct __kernel_timespec ts;
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        Enter(io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr));
      }
    }
    Reap(out);
  }

  void Wake() override {
    const uint64_t one = 1;
    ssize_t n;
    do {
      n = ::write(efd_, &one, sizeof(one));
    } while (n < 0 && errno == EINTR);
    // EAGAIN means the counter is saturated: a wake-up is pending anyway.
  }

  int FixedIndex(const void* p, size_t len) const override {
    const auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < fixed_.size(); ++i) {
      const auto* base = static_cast<const uint8_t*>(fixed_[i].iov_base);
      if (b >= base && b + len <= base + fixed_[i].iov_len) return static_cast<int>(i);
    }
    return -1;
  }

  absl::Status RegisterBuffers(void* region, size_t size) override {
    Enable();
    if (!fixed_.empty()) {
      return absl::FailedPreconditionError("buffers are already registered with this ring");
    }
    std::vector<struct iovec> iov;
    auto* p = static_cast<uint8_t*>(region);
    for (size_t off = 0; off < size; off += kMaxFixedBuffer) {
      iov.push_back({p + off, std::min(kMaxFixedBuffer, size - off)});
    }
    const int rc = io_uring_register_buffers(&ring_, iov.data(), static_cast<unsigned>(iov.size()));
    if (rc < 0) {
      return absl::ErrnoToStatus(
          -rc, absl::StrCat("io_uring_register_buffers (", size,
                            " bytes; ENOMEM usually means RLIMIT_MEMLOCK is too low)"));
    }
    fixed_ = std::move(iov);
    return absl::OkStatus();
  }

 private:
  // The first thread to use the ring becomes its single issuer.
  void Enable() {
    if (!disabled_) return;
    disabled_ = false;
    // io_uring_enable_rings() is declared by liburing 2.3 but not exported
    // by its shared library: register directly.
    ::syscall(__NR_io_uring_register, ring_.ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
  }

  struct io_uring_sqe* GetSqe() {
    struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    while (sqe == nullptr) {
      // The SQ ring is full of prepared entries: hand them to the kernel.
      ++kernel_submits_;
      Enter(io_uring_submit(&ring_));
      sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  // io_uring_enter results: -EINTR (a signal), -ETIME (the timeout) and
  // -EBUSY/-EAGAIN (CQ overflow pressure; reaping resolves it) are all
  // "go on"; per-op errors arrive in CQEs.
  static void Enter(int /*rc*/) {}

  size_t Reap(std::vector<IoEvent>* out) {
    size_t total = 0;
    struct io_uring_cqe* cqes[64];
    while (true) {
      const unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, 64);
      if (n == 0) break;
      for (unsigned i = 0; i < n; ++i) {
        void* tag = io_uring_cqe_get_data(cqes[i]);
        if (tag == &efd_value_) {
          efd_armed_ = false;  // drained the eventfd (or it failed): re-arm on next wait
        } else {
          out->push_back(IoEvent{tag, cqes[i]->res});
          ++total;
        }
      }
      io_uring_cq_advance(&ring_, n);
    }
    return total;
  }

  struct io_uring ring_;
  uint32_t submit_batch_ = 1;
  uint64_t kernel_submits_ = 0;
  bool ring_ok_ = false;
  bool disabled_ = false;       // IORING_SETUP_R_DISABLED until Enable()
  bool defer_taskrun_ = false;  // completions run only on GETEVENTS
  int efd_ = -1;
  uint64_t efd_value_ = 0;
  bool efd_armed_ = false;
  std::vector<struct iovec> fixed_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<IoBackend>> NewUringBackend(uint32_t entries, uint32_t submit_batch,
                                                           int* init_errno) {
  *init_errno = 0;
  auto b = std::make_unique<UringBackend>(submit_batch);
  if (absl::Status st = b->Init(entries, init_errno); !st.ok()) return st;
  return std::unique_ptr<IoBackend>(std::move(b));
}

}  // namespace iosched::internal

#else  // !IOSCHED_HAVE_LIBURING

namespace iosched::internal {

absl::StatusOr<std::unique_ptr<IoBackend>> NewUringBackend(uint32_t, uint32_t, int* init_errno) {
  *init_errno = ENOSYS;
  return absl::UnimplementedError("io_uring: iosched was built without liburing");
}

}  // namespace iosched::internal

#endif  // IOSCHED_HAVE_LIBURING
