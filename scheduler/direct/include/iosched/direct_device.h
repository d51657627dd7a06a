// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DirectDevice: the design's Device for real files and block devices
// (docs/architecture.md#request-life). The Dispatcher hands it units; it
// turns each unit into one vectored read or write (readv/writev shape: one
// iovec per member, members in ascending offset order) and hands the unit
// back with Dispatcher::Complete(unit) once the transfer is over.
//
// Back ends:
//   io_uring  liburing: each transfer goes to the kernel as it is issued
//             (Options::submit_batch; 0 batches them into the one
//             io_uring_enter per loop turn that also waits for
//             completions), completions are reaped in batches.
//             The ring is set up, when the kernel allows, with
//             SINGLE_ISSUER | DEFER_TASKRUN (as fio does): completions are
//             processed only when the dispatcher thread enters the kernel,
//             with no task-work interrupts; older kernels get COOP_TASKRUN
//             or plain rings. Single-segment I/O whose buffer lies in a
//             registered BufferPool uses READ_FIXED/WRITE_FIXED.
//   psync     a pool of worker threads calling preadv/pwritev (or pread/
//             pwrite for one segment). The portable fallback.
// IoBackendKind::kAuto tries io_uring and falls back to psync when
// io_uring_queue_init fails with ENOSYS, EPERM or ENOMEM (kernel without
// io_uring, io_uring disabled by sysctl or a seccomp profile, locked-memory
// limit); fallback_reason() then says why. kIoUring and kPsync force one
// back end (kIoUring fails instead of falling back).
//
// Transfers:
//   - A unit with more members than IOV_MAX is sent as several consecutive
//     vectored transfers of at most IOV_MAX segments each.
//   - A short transfer continues with the rest of the unit (the kernel caps
//     one transfer near 2 GiB). A read that stops early because the file
//     ends (a 0-byte read, a short read ending off a 512-byte boundary, or
//     EINVAL right after a short read) ends the unit without error: each
//     member gets the bytes that landed in its own range (bytes_done < length;
//     0 for a member wholly past the end). A write that transfers 0 bytes is
//     EIO.
//   - EINTR and EAGAIN are retried (up to Options::max_retries times per
//     unit); any other error ends the unit: members wholly transferred before
//     the failure complete without error, the others get the errno (EIO,
//     ENOSPC, EFBIG, …) and the bytes of theirs that did transfer.
//   - Dispatcher::Complete treats "error 0, bytes_done 0" as a full transfer,
//     so a member wholly past the end of the file is also reported to the
//     on_past_eof hook, which can record the truth (the Scheduler does).
//
// Timers: ArmTimer(t) records the deadline; Poll() never sleeps past it and
// calls Dispatcher::TimerFired() once it has passed. With io_uring the wait
// is io_uring_submit_and_wait_timeout (a kernel timeout; no SQE on kernels
// with IORING_FEAT_EXT_ARG); with psync a condition-variable deadline. This
// is what anticipatory and CFQ idling need.
//
// Thread-safety: everything except Wake() must be called on one thread, the
// one that drives the Dispatcher (the "dispatcher thread"); with io_uring
// the first thread that calls Issue, Poll or RegisterBuffers becomes the
// ring's single issuer, so Create() may run elsewhere. Wake() may be called
// from any thread.
// Ownership: the device owns its ring / worker threads; it never owns
// requests, buffers or file descriptors.

#ifndef IOSCHED_DIRECT_DEVICE_H_
#define IOSCHED_DIRECT_DEVICE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/buffer_pool.h"
#include "iosched/dispatcher.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched {

enum class IoBackendKind : uint8_t { kAuto, kIoUring, kPsync };

// See DirectDevice::Options::fault_injector.
using FaultInjector = std::function<int(Op op, uint64_t offset, uint64_t length)>;

// "auto", "io_uring", "psync".
std::string_view IoBackendName(IoBackendKind kind);
// Parses a name as printed by IoBackendName. InvalidArgument otherwise.
absl::StatusOr<IoBackendKind> ParseIoBackend(std::string_view name);

// The real clock: std::chrono::steady_clock (CLOCK_MONOTONIC), as
// nanoseconds since construction. Thread-safe.
class SteadyClock final : public Clock {
 public:
  SteadyClock() : epoch_(std::chrono::steady_clock::now()) {}
  Time Now() const override {
    return std::chrono::duration_cast<Time>(std::chrono::steady_clock::now() - epoch_);
  }

 private:
  std::chrono::steady_clock::time_point epoch_;
};

namespace internal {
class IoBackend;
struct IoEvent;
}  // namespace internal

class DirectDevice final : public Device {
 public:
  struct Options {
    IoBackendKind backend = IoBackendKind::kAuto;
    // Most units in flight at once (the dispatcher's depth). Sizes the ring
    // and the psync job queue; more is allowed but allocates.
    uint32_t depth = 32;
    // psync worker threads; 0 means min(depth, 64).
    uint32_t psync_threads = 0;
    // io_uring: how many issued transfers may wait in the submission ring
    // before one io_uring_enter hands them to the kernel. 1 (the default,
    // as fio's iodepth_batch_submit=1) submits each as it is issued; 0
    // waits for the dispatcher's next poll, so that everything issued in
    // one turn goes in one call. Batches save system calls (CPU per I/O),
    // but the kernel plugs a batch of three or more, so its first transfer
    // reaches the disk only with its last: on a virtio disk at depth 32,
    // 0 gave 0.81-0.87 of fio's IOPS and 1 gave 0.96-0.98
    // (bench/direct_bench.cc, bench/README.md). Ignored by psync.
    uint32_t submit_batch = 1;
    // EINTR/EAGAIN resubmissions per unit before the error is reported.
    uint32_t max_retries = 1000;
    // Fault injection, for tests of the error paths. When set, it is called
    // on the dispatcher thread for every transfer about to start (first
    // attempts and retries alike) with the transfer's op, byte offset and
    // byte length. Returning 0 lets the transfer run; returning −errno
    // (e.g. -EIO, -ENOSPC, -EINTR, -EAGAIN) completes it with that result
    // instead, as if the kernel had returned it, without a system call.
    FaultInjector fault_injector;
  };

  struct Stats {
    uint64_t units = 0;             // units issued
    uint64_t transfers = 0;         // read/write operations started
    uint64_t retries = 0;           // EINTR/EAGAIN resubmissions
    uint64_t short_transfers = 0;   // transfers that moved fewer bytes than asked
    uint64_t fixed_buffer_ios = 0;  // transfers that used a registered buffer
    uint64_t cancelled = 0;         // units completed with ECANCELED
    uint64_t injected = 0;          // transfers completed by the fault injector
    uint64_t kernel_submits = 0;    // io_uring_enter calls that submitted transfers
  };

  // `clock` is not owned and must outlive the device.
  static absl::StatusOr<std::unique_ptr<DirectDevice>> Create(const Options& options,
                                                              const Clock* clock);
  // REQUIRES: nothing in flight (the dispatcher is idle).
  ~DirectDevice() override;

  IoBackendKind backend() const { return kind_; }
  // Why kAuto did not get io_uring ("" when it did, or when psync was forced).
  const std::string& fallback_reason() const { return fallback_reason_; }

  // io_uring only: registers the pool's memory as fixed buffers. On psync,
  // or when the kernel refuses (RLIMIT_MEMLOCK → ENOMEM), returns the error
  // and I/O keeps working unregistered. The pool must outlive the device.
  absl::Status RegisterBuffers(const BufferPool& pool);

  // The dispatcher to hand completions and timer expiries to (not owned).
  void set_dispatcher(Dispatcher* dispatcher) { dispatcher_ = dispatcher; }
  // Called for each member that completes with neither error nor bytes (it
  // lies wholly past the end of the file), just before Dispatcher::Complete.
  void set_on_past_eof(std::function<void(Request&)> fn) { on_past_eof_ = std::move(fn); }
  // While true, Issue() does not start units: they complete (on the next
  // Poll) with ECANCELED on every member. Used for cancelling shutdowns.
  void set_cancel_issues(bool on) { cancel_issues_ = on; }

  // Device interface (dispatcher thread).
  void Issue(Request& unit) override;
  void ArmTimer(Time at) override { timer_at_ = at; }

  // Dispatcher thread: sends queued transfers, then delivers every
  // completion that is ready (Dispatcher::Complete) and a due timer
  // (Dispatcher::TimerFired). With `block`, first waits until something
  // completes, the armed timer is due, or Wake() is called.
  void Poll(bool block);
  // Any thread: makes a blocked Poll() return soon.
  void Wake();

  // Units started and not yet completed.
  uint32_t in_flight() const { return busy_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Slot;
  DirectDevice(const Options& options, const Clock* clock);
  void StartTransfer(Slot& s);
  void SubmitOp(Slot& s);
  void OnEvent(Slot& s, int res);
  void Finish(Slot& s);
  void Distribute(Request& unit, uint64_t base, uint64_t done, int error);
  Slot& TakeSlot();

  Options options_;
  const Clock* clock_;
  IoBackendKind kind_ = IoBackendKind::kPsync;
  std::string fallback_reason_;
  std::unique_ptr<internal::IoBackend> backend_;
  Dispatcher* dispatcher_ = nullptr;
  std::function<void(Request&)> on_past_eof_;
  bool cancel_issues_ = false;
  Time timer_at_ = kTimeNever;
  uint32_t max_segments_ = 1024;
  uint32_t busy_ = 0;
  std::vector<std::unique_ptr<Slot>> slots_;
  Slot* free_ = nullptr;
  // Units that end without a transfer (cancelled, bad descriptor): completed
  // on the next Poll, never from inside Issue().
  std::vector<std::pair<Request*, int>> deferred_, deferred_work_;
  // Transfers the fault injector completed: delivered on the next Poll.
  std::vector<internal::IoEvent> injected_, injected_work_;
  std::vector<internal::IoEvent> events_;
  Stats stats_;
};

}  // namespace iosched

#endif  // IOSCHED_DIRECT_DEVICE_H_
