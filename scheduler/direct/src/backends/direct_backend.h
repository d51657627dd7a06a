// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Private: the back ends behind DirectDevice (direct_device.h). A back end
// moves bytes; DirectDevice decides what to move and what a result means.
//
// Thread-safety: Submit and Poll on the dispatcher thread only; Wake from
// any thread.

#ifndef IOSCHED_SCHEDULER_SRC_DIRECT_BACKEND_H_
#define IOSCHED_SCHEDULER_SRC_DIRECT_BACKEND_H_

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/direct_device.h"
#include "iosched/request.h"

namespace iosched::internal {

// One read or write. `iov` must stay valid until its IoEvent is delivered.
struct IoOp {
  void* tag = nullptr;  // returned in IoEvent::tag
  int fd = -1;
  Op op = Op::kRead;
  uint64_t offset = 0;
  const struct iovec* iov = nullptr;
  int iovcnt = 0;
  int buf_index = -1;  // io_uring fixed buffer (iovcnt == 1 only), or -1
};

struct IoEvent {
  void* tag;
  int res;  // bytes transferred, or −errno
};

class IoBackend {
 public:
  virtual ~IoBackend() = default;
  virtual IoBackendKind kind() const = 0;
  // Queues `op`; it starts at the latest on the next Poll.
  virtual void Submit(const IoOp& op) = 0;
  // Starts queued ops, then appends every ready completion to *out. If none
  // is ready and `timeout_ns` != 0, first waits up to `timeout_ns`
  // nanoseconds (< 0: no limit) for a completion or a Wake().
  virtual void Poll(int64_t timeout_ns, std::vector<IoEvent>* out) = 0;
  virtual void Wake() = 0;
  // io_uring_enter calls that handed transfers to the kernel (0 for psync).
  virtual uint64_t kernel_submits() const { return 0; }
  // Fixed-buffer index covering [p, p + len), or -1.
  virtual int FixedIndex(const void* /*p*/, size_t /*len*/) const { return -1; }
  virtual absl::Status RegisterBuffers(void* region, size_t size) {
    return absl::FailedPreconditionError("registered buffers need the io_uring back end");
  }
};

// io_uring with a ring of at least `entries` SQEs, submitting every
// `submit_batch` queued ops (0: only in Poll; DirectDevice::Options). On
// failure *init_errno is the errno of io_uring_queue_init (ENOSYS when built
// without liburing).
absl::StatusOr<std::unique_ptr<IoBackend>> NewUringBackend(uint32_t entries, uint32_t submit_batch,
                                                           int* init_errno);
// `threads` workers, expecting up to `depth` ops at once.
absl::StatusOr<std::unique_ptr<IoBackend>> NewPsyncBackend(uint32_t threads, uint32_t depth);

}  // namespace iosched::internal

#endif  // IOSCHED_SCHEDULER_SRC_DIRECT_BACKEND_H_
