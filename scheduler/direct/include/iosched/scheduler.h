// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Scheduler: what an application links. Elevators in front of real direct
// I/O: a thread-safe Submit() in front of the shared Dispatcher, an elevator
// from the registry and a DirectDevice (io_uring, or psync threads).
//
//   auto s = iosched::Scheduler::Open("/data/big.db", {.elevator = "deadline", .depth = 32});
//   iosched::IoRequest rq;           // caller-owned, alive until its callback
//   rq.op = iosched::Op::kRead;
//   rq.offset = 1 << 20;  rq.length = 4096;  rq.buffer = aligned_buffer;
//   (*s)->Submit(rq, [](iosched::IoRequest& r, const absl::Status& st, uint32_t bytes) {…});
//   (*s)->Drain();
//
// Threading: one dispatcher thread per Scheduler owns the Dispatcher, the
// elevator and the device. Submit() from any thread pushes the request on a
// lock-free multi-producer queue (an intrusive Treiber stack the dispatcher
// thread empties in one exchange and reverses, so arrival order is kept) and
// wakes the dispatcher thread only if it is asleep. The dispatcher thread
// adds each batch of arrivals to the elevator under a plug (so requests
// submitted together are sorted and merged together, like blk_plug), issues
// units up to the depth, submits them to the kernel in one call, reaps
// completions and fires elevator timers.
//   Why one thread and not one mutex: the Dispatcher and the elevators are
//   single-threaded by design, an io_uring submission queue has a single
//   producer, and completions must run Elevator::Complete anyway; a
//   dedicated thread serialises all of it without lock hand-offs between
//   submitters and a reaper, batches requests into the elevator naturally, and lets a
//   completion callback resubmit with no wake-up at all (the "fast path":
//   Submit() from a callback is a push onto the queue the thread is about
//   to empty).
//
// Completion: the callback runs on the dispatcher thread, exactly once for
// every Submit() that returned OK, never for one that did not. It gets the
// status and the bytes transferred:
//   OK            bytes == length, or fewer for a read that reached the end
//                 of the file (0 if it starts past the end);
//   error         absl::ErrnoToStatus(errno, …) — EIO, ENOSPC, EFBIG, …;
//                 the message names the op, length, offset, path and
//                 request id; rq.error holds the errno; bytes = what did
//                 transfer;
//   Cancelled     ECANCELED: the request was still queued when
//                 Shutdown(kCancel) ran.
// EINTR and EAGAIN are retried (up to SchedulerOptions::max_retries times per
// unit), not reported. Callbacks must be short and must not block on the
// scheduler (no Drain/Shutdown/destructor from a callback); they may Submit,
// including the same request again.
//
// Requests: the caller owns each IoRequest and must neither touch nor free
// it between Submit() and the start of its callback. The scheduler derives
// the scheduling position from the byte range (sector = offset / 512,
// sectors = ceil((offset + length) / 512) − sector), sets `file` (to the
// target when it was null) and fd. Offsets, lengths and buffers must satisfy
// the file's alignment (direct_file.h); Submit() checks before anything is
// queued. A read wholly past the end of the file completes with 0 bytes;
// observers (RunMetrics, Recorder) see it as fully transferred, because
// Dispatcher::Complete takes "error 0, bytes_done 0" to mean "all of it".
//
// Memory: no heap allocation per request on the submission or completion
// path (a callback whose captures exceed std::function's small buffer —
// two pointers in libstdc++ — allocates when it is stored).

#ifndef IOSCHED_SCHEDULER_H_
#define IOSCHED_SCHEDULER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/buffer_pool.h"
#include "iosched/direct_device.h"
#include "iosched/direct_file.h"
#include "iosched/elevator.h"
#include "iosched/layout_probe.h"
#include "iosched/request.h"

namespace iosched {

class Scheduler;

// One I/O submitted through a Scheduler: the submitter's part of a Request
// (fill op, offset, length, buffer, and optionally id, stream, prio, sync)
// plus the file it targets. The rest of the Request (the elevators' hooks
// and private fields, the merge chain) is a private base: only the
// scheduler reaches it, so it costs no allocation and no indirection.
class IoRequest : private Request {
 public:
  using Callback = std::function<void(IoRequest& rq, const absl::Status& status, uint32_t bytes)>;

  // Filled in by the submitter (request.h documents each field).
  using Request::buffer;
  using Request::id;
  using Request::length;
  using Request::offset;
  using Request::op;
  using Request::prio;
  using Request::stream;
  using Request::sync;
  using Request::user;
  // Outcome, set before the callback runs: a positive errno or 0, and the
  // bytes transferred.
  using Request::bytes_done;
  using Request::error;
  // Set by Submit() (see "Requests" above): the open file's descriptor and
  // the scheduling position in 512-byte sectors. Read-only for the caller.
  using Request::fd;
  using Request::sector;
  using Request::sectors;
  // Where the request stands (RequestState); kCompleted inside its callback.
  using Request::state;

  // The target. nullptr means the scheduler's own target (Scheduler::Open).
  // Not owned; must outlive the request's completion.
  const DirectFile* file = nullptr;

 private:
  friend class Scheduler;
  Callback callback_;
  IoRequest* next_pending_ = nullptr;  // submission queue link
  bool past_eof_ = false;
};

enum class ShutdownMode {
  kDrain,   // complete everything already submitted, then stop
  kCancel,  // requests not yet issued complete with ECANCELED; in-flight
            // ones finish normally
};

struct SchedulerOptions {
  // Elevator spec for the registry, e.g. "deadline:read_expire=100". The
  // positioning policies (sptf, spctf, aged-sptf, satf, sdf) need a disk
  // model and are refused here (InvalidArgument).
  std::string elevator = "noop";
  // Units in flight at the device (>= 1).
  uint32_t depth = 32;
  // blk-mq scheduler tags (Dispatcher::Options::sched_tags, tag_pool.h):
  // at most `nr_requests` requests exist at once in the elevator and the
  // device (0: the kernel's 2 * min(depth, 128)); a request submitted with
  // none free waits, in arrival order, outside the elevator until a unit
  // completes (or one is absorbed by a merge), and the elevator's admission
  // limits apply (Kyber: async requests 75 % of each tag word; mq-deadline:
  // async_depth). A request's `created` time (Kyber's TOTAL latency) starts
  // when it gets its tag. Off by default: every request goes into the
  // elevator at once, as the 2.6 elevators expect.
  bool sched_tags = false;
  uint32_t nr_requests = 0;
  IoBackendKind backend = IoBackendKind::kAuto;
  uint32_t psync_threads = 0;  // 0: min(depth, 64)
  // io_uring submission batching (DirectDevice::Options::submit_batch):
  // 1, the default, submits each transfer as it is issued; 0 submits once
  // per dispatcher turn; n, every n transfers.
  uint32_t submit_batch = 1;
  // EINTR/EAGAIN resubmissions of one unit before its requests complete
  // with that errno (DirectDevice::Options::max_retries).
  uint32_t max_retries = 1000;
  // Tests only: DirectDevice::Options::fault_injector.
  FaultInjector fault_injector;
  // Optional: a pool whose buffers the requests will use, registered with
  // the io_uring ring as fixed buffers (DirectDevice::RegisterBuffers) by
  // the dispatcher thread before it takes any request. Single-segment
  // transfers whose buffer lies in the pool then use READ_FIXED /
  // WRITE_FIXED. Best effort: when it cannot be registered (psync back end,
  // RLIMIT_MEMLOCK) I/O works unregistered and registered_buffers() says
  // why. Not owned; must outlive the scheduler.
  const BufferPool* register_pool = nullptr;
  // ElevatorEnv::rotational; unset: sysfs of the target's disk, else true.
  std::optional<bool> rotational;
  // How Open() opens its target (read-only O_DIRECT by default).
  DirectFile::Options target;
  // Extra observers (metrics, a Recorder), called on the dispatcher thread
  // in this order. Not owned; must outlive the scheduler.
  std::vector<DispatchObserver*> observers;
  // Called on the dispatcher thread when a file is seen for the first time
  // (a Recorder's AddFile, for example). Optional.
  std::function<void(const DirectFile&)> on_new_file;
  // The layout probe of the elevators that sort file requests (inode,
  // physical, fibmap; layout_probe.h), e.g. a warmed SystemLayoutProbe
  // shared by several schedulers, or a model. Null: the elevator makes its
  // own SystemLayoutProbe on the first file request.
  //   Ownership: shared; the scheduler's elevator holds a reference until
  //   the scheduler is destroyed.
  //   Threading: the elevator calls Query() from Add(), i.e. only on this
  //   scheduler's dispatcher thread, one call at a time, with the fd of the
  //   request's DirectFile and its byte offset. A probe shared with other
  //   threads or schedulers must be thread-safe itself (SystemLayoutProbe
  //   is); Query() should be quick, as dispatch waits for it.
  // Create()/Open() fail with InvalidArgument when a probe is given and the
  // elevator does not sort file requests (noop, deadline, …).
  std::shared_ptr<LayoutProbe> layout_probe;
  // The fallback chain those elevators walk for each file request (see
  // SetElevatorProbeChain in layout_probe.h), e.g. {kFiemap, kFibmap,
  // kInode}; ParseProbeChain("fiemap,fibmap,inode") makes one from text.
  // Empty: the chain of the elevator spec's tunables (`physical`: fibmap ->
  // fiemap -> inode; `physical:fibmap=0`: fiemap -> inode; `fibmap`: fibmap
  // -> inode; `inode`: inode). Create()/Open() fail with InvalidArgument
  // when the chain is invalid or the elevator does not take it.
  std::vector<ProbeMethod> probe_chain;
};

class Scheduler {
 public:
  // Opens `target` with options.target and starts a scheduler whose
  // requests default to it.
  static absl::StatusOr<std::unique_ptr<Scheduler>> Open(const std::string& target,
                                                         const SchedulerOptions& options);
  // A scheduler without a default target: every request names its file.
  static absl::StatusOr<std::unique_ptr<Scheduler>> Create(const SchedulerOptions& options);

  // Shutdown(kDrain) unless already shut down. Must not run on the
  // dispatcher thread.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Thread-safe. OK: the request is queued and `callback` will run exactly
  // once. Otherwise nothing was queued and the callback never runs:
  // InvalidArgument (misaligned offset/length/buffer — the message names the
  // value and the alignment —, no file, a write to a read-only file,
  // prio.weight over kMaxBfqWeight), FailedPrecondition after Shutdown().
  // prio (class, level, and BFQ's per-stream group weight) may change from
  // one request of a stream to the next, as ioprio_set would (request.h).
  absl::Status Submit(IoRequest& rq, IoRequest::Callback callback);

  // Blocks until nothing is queued or in flight. While a Drain is pending
  // the elevator is drained (no idling, plug released). Requests other
  // threads submit meanwhile are waited for too. FailedPrecondition on the
  // dispatcher thread (it would deadlock).
  absl::Status Drain();

  // Stops accepting requests, then finishes (kDrain) or cancels (kCancel)
  // what is queued, waits for everything in flight, and stops the
  // dispatcher thread. Idempotent; only the first call's mode counts.
  void Shutdown(ShutdownMode mode = ShutdownMode::kDrain);

  // Holds dispatch back: requests queue in the elevator (and merge) until
  // Unplug() (or Drain/Shutdown). For batch submission. Thread-safe.
  // Ordering: requests a thread submits after its Plug() are held; every
  // request submitted before an Unplug()/Drain()/Shutdown() call is in the
  // elevator before that call releases the plug, so a batch is sorted and
  // merged as a whole.
  void Plug();
  void Unplug();

  // The submitter of `stream` (IoRequest::stream) has finished: elevators
  // that keep per-stream state drop it, as the kernel does when a task
  // exits (exit_icq) — bfq stops idling for the stream and frees its queue
  // once its requests are done; cfq and anticipatory forget its io
  // context. Requests of the stream already submitted complete as usual;
  // the exit is handled after them. A later request of the stream starts
  // new state. Thread-safe.
  void EndStream(uint32_t stream);

  // The default target, or nullptr (Create()).
  const DirectFile* target() const;
  IoBackendKind backend() const;
  const std::string& fallback_reason() const;
  // Outcome of registering SchedulerOptions::register_pool: OK when its
  // buffers are fixed buffers of the ring; FailedPrecondition when no pool
  // was given; otherwise why the kernel or back end refused.
  const absl::Status& registered_buffers() const;
  // Requests accepted / completed so far. Thread-safe.
  uint64_t submitted() const;
  uint64_t completed() const;
  // Only while nothing is queued or in flight (after Drain or Shutdown).
  const Elevator& elevator() const;
  const DirectDevice::Stats& device_stats() const;
  // Requests that waited for a scheduler tag (SchedulerOptions::sched_tags)
  // so far. Only while nothing is queued or in flight.
  uint64_t tag_waits() const;
  // True on the scheduler's dispatcher thread (inside callbacks).
  bool OnDispatcherThread() const;

 private:
  // Everything else: the dispatcher thread, its Dispatcher, elevator and
  // device, the submission queue and the Drain/Shutdown hand-shake
  // (scheduler.cc).
  struct Impl;
  explicit Scheduler(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace iosched

#endif  // IOSCHED_SCHEDULER_H_
