// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Memory for direct I/O: O_DIRECT needs buffers whose address is a multiple
// of the file's memory alignment (direct_file.h).
//
// AlignedBuffer: one block from an anonymous mmap (page-aligned, zero-filled,
// as the direct-I/O seed shows) or, for alignments above the page size,
// posix_memalign. Move-only; frees on destruction.
//
// BufferPool: `count` buffers of `buffer_size` bytes carved from one
// AlignedBuffer, handed out and returned without allocating. A pool can be
// registered with an io_uring DirectDevice (DirectDevice::RegisterBuffers):
// single-segment I/O whose buffer lies in the pool then uses
// IORING_OP_READ_FIXED / WRITE_FIXED, which saves pinning pages per I/O.
//
// Units: bytes. Thread-safety: AlignedBuffer is a plain value (not
// synchronised). BufferPool::Acquire/TryAcquire/Release are thread-safe;
// the rest is immutable after Create.

#ifndef IOSCHED_BUFFER_POOL_H_
#define IOSCHED_BUFFER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"

namespace iosched {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  // `alignment` must be a power of two. Sizes are rounded up to `alignment`.
  static absl::StatusOr<AlignedBuffer> Allocate(size_t size, size_t alignment = 4096);

  AlignedBuffer(AlignedBuffer&& other) noexcept;
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer();

  void* data() const { return data_; }
  uint8_t* bytes() const { return static_cast<uint8_t*>(data_); }
  size_t size() const { return size_; }

 private:
  void Free();
  void* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;  // munmap (true) or free (false)
};

class BufferPool {
 public:
  // `buffer_size` is rounded up to `alignment`.
  static absl::StatusOr<std::unique_ptr<BufferPool>> Create(size_t count, size_t buffer_size,
                                                            size_t alignment = 4096);

  // A free buffer, or nullptr when all are in use.
  void* TryAcquire();
  // A free buffer; blocks until one is released.
  void* Acquire();
  // Gives back a buffer from Acquire/TryAcquire.
  void Release(void* buffer);

  size_t count() const { return count_; }
  size_t buffer_size() const { return buffer_size_; }
  size_t available() const;
  // The one contiguous region holding every buffer.
  void* region() const { return memory_.data(); }
  size_t region_size() const { return memory_.size(); }
  bool Contains(const void* p) const {
    const auto* b = static_cast<const uint8_t*>(p);
    return b >= memory_.bytes() && b < memory_.bytes() + memory_.size();
  }

 private:
  BufferPool() = default;
  AlignedBuffer memory_;
  size_t count_ = 0;
  size_t buffer_size_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint32_t> free_;  // indexes of free buffers (a stack)
};

}  // namespace iosched

#endif  // IOSCHED_BUFFER_POOL_H_
