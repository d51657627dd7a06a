// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// psync back end (direct_backend.h): worker threads run pread/pwrite (one
// segment) or preadv/pwritev. Jobs go to the workers in one batch per Poll;
// results come back through a mutex-protected list and wake the dispatcher
// thread with a condition variable, which also carries the timer deadline.

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "direct_backend.h"

namespace iosched::internal {
namespace {

class PsyncBackend final : public IoBackend {
 public:
  PsyncBackend(uint32_t threads, uint32_t depth) {
    staged_.reserve(depth + 1);
    jobs_.resize(depth + 1);
    done_.reserve(depth + 1);
    workers_.reserve(threads);
    for (uint32_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  ~PsyncBackend() override {
    {
      std::lock_guard<std::mutex> lock(jobs_mu_);
      stop_ = true;
    }
    jobs_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  IoBackendKind kind() const override { return IoBackendKind::kPsync; }

  void Submit(const IoOp& op) override { staged_.push_back(op); }

  void Poll(int64_t timeout_ns, std::vector<IoEvent>* out) override {
    if (!staged_.empty()) {
      {
        std::lock_guard<std::mutex> lock(jobs_mu_);
        for (const IoOp& op : staged_) Push(op);
      }
      if (staged_.size() == 1) {
        jobs_cv_.notify_one();
      } else {
        jobs_cv_.notify_all();
      }
      staged_.clear();
    }
    std::unique_lock<std::mutex> lock(done_mu_);
    auto ready = [this] { return !done_.empty() || woken_; };
    if (timeout_ns < 0) {
      done_cv_.wait(lock, ready);
    } else if (timeout_ns > 0) {
      done_cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), ready);
    }
    out->insert(out->end(), done_.begin(), done_.end());
    done_.clear();
    woken_ = false;
  }

  void Wake() override {
    {
      std::lock_guard<std::mutex> lock(done_mu_);
      woken_ = true;
    }
    done_cv_.notify_one();
  }

 private:
  // A ring of jobs, grown (rarely) when more than depth are queued.
  void Push(const IoOp& op) {
    if (count_ == jobs_.size()) {
      std::vector<IoOp> bigger(jobs_.size() * 2);
      for (size_t i = 0; i < count_; ++i) bigger[i] = jobs_[(head_ + i) % jobs_.size()];
      jobs_ = std::move(bigger);
      head_ = 0;
    }
    jobs_[(head_ + count_) % jobs_.size()] = op;
    ++count_;
  }

  static int Run(const IoOp& op) {
    ssize_t n;
    do {
      if (op.iovcnt == 1) {
        n = op.op == Op::kRead ? ::pread(op.fd, op.iov[0].iov_base, op.iov[0].iov_len,
                                         static_cast<off_t>(op.offset))
                               : ::pwrite(op.fd, op.iov[0].iov_base, op.iov[0].iov_len,
                                          static_cast<off_t>(op.offset));
      } else {
        n = op.op == Op::kRead ? ::preadv(op.fd, op.iov, op.iovcnt, static_cast<off_t>(op.offset))
                               : ::pwritev(op.fd, op.iov, op.iovcnt, static_cast<off_t>(op.offset));
      }
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : static_cast<int>(n);
  }

  void Work() {
    while (true) {
      IoOp op;
      {
        std::unique_lock<std::mutex> lock(jobs_mu_);
        jobs_cv_.wait(lock, [this] { return stop_ || count_ > 0; });
        if (count_ == 0) return;  // stop_ and nothing left
        op = jobs_[head_];
        head_ = (head_ + 1) % jobs_.size();
        --count_;
      }
      const int res = Run(op);
      {
        std::lock_guard<std::mutex> lock(done_mu_);
        done_.push_back(IoEvent{op.tag, res});
      }
      done_cv_.notify_one();
    }
  }

  std::vector<IoOp> staged_;  // dispatcher thread only

  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::vector<IoOp> jobs_;  // ring: head_, count_
  size_t head_ = 0, count_ = 0;
  bool stop_ = false;

  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::vector<IoEvent> done_;
  bool woken_ = false;

  std::vector<std::thread> workers_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<IoBackend>> NewPsyncBackend(uint32_t threads, uint32_t depth) {
  if (threads == 0) threads = 1;
  return std::unique_ptr<IoBackend>(new PsyncBackend(threads, depth == 0 ? 1 : depth));
}

}  // namespace iosched::internal
