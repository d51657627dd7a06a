// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/buffer_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace iosched {

absl::StatusOr<AlignedBuffer> AlignedBuffer::Allocate(size_t size, size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("buffer alignment must be a power of two, got ", alignment));
  }
  if (size == 0) return absl::InvalidArgumentError("buffer size 0");
  size = (size + alignment - 1) / alignment * alignment;
  AlignedBuffer b;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  if (alignment <= page) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      return absl::ErrnoToStatus(errno, absl::StrCat("mmap of ", size, " bytes"));
    }
    b.data_ = p;
    b.mapped_ = true;
  } else {
    void* p = nullptr;
    const int rc = ::posix_memalign(&p, alignment, size);
    if (rc != 0) {
      return absl::ErrnoToStatus(rc, absl::StrCat("posix_memalign of ", size, " bytes"));
    }
    std::memset(p, 0, size);
    b.data_ = p;
    b.mapped_ = false;
  }
  b.size_ = size;
  return b;
}

AlignedBuffer::AlignedBuffer(AlignedBuffer&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      mapped_(o.mapped_) {}

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& o) noexcept {
  if (this != &o) {
    Free();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    mapped_ = o.mapped_;
  }
  return *this;
}

AlignedBuffer::~AlignedBuffer() { Free(); }

void AlignedBuffer::Free() {
  if (data_ == nullptr) return;
  if (mapped_) {
    ::munmap(data_, size_);
  } else {
    std::free(data_);
  }
  data_ = nullptr;
  size_ = 0;
}

absl::StatusOr<std::unique_ptr<BufferPool>> BufferPool::Create(size_t count, size_t buffer_size,
                                                               size_t alignment) {
  if (count == 0 || count > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("buffer pool count must be >= 1, got ", count));
  }
  if (buffer_size == 0) return absl::InvalidArgumentError("buffer pool buffer size 0");
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("buffer alignment must be a power of two, got ", alignment));
  }
  buffer_size = (buffer_size + alignment - 1) / alignment * alignment;
  std::unique_ptr<BufferPool> pool(new BufferPool());
  absl::StatusOr<AlignedBuffer> mem = AlignedBuffer::Allocate(count * buffer_size, alignment);
  if (!mem.ok()) return mem.status();
  pool->memory_ = std::move(*mem);
  pool->count_ = count;
  pool->buffer_size_ = buffer_size;
  pool->free_.reserve(count);
  for (size_t i = count; i-- > 0;) pool->free_.push_back(static_cast<uint32_t>(i));
  return pool;
}

void* BufferPool::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.empty()) return nullptr;
  const uint32_t i = free_.back();
  free_.pop_back();
  return memory_.bytes() + size_t{i} * buffer_size_;
}

void* BufferPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  const uint32_t i = free_.back();
  free_.pop_back();
  return memory_.bytes() + size_t{i} * buffer_size_;
}

void BufferPool::Release(void* buffer) {
  const size_t i = (static_cast<uint8_t*>(buffer) - memory_.bytes()) / buffer_size_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(static_cast<uint32_t>(i));
  }
  cv_.notify_one();
}

size_t BufferPool::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return free_.size();
}

}  // namespace iosched
