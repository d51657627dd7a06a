// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// 8 submitting threads × 100,000 requests through one Scheduler: every
// request completes exactly once, none is lost, none is duplicated. The
// requests are small reads of a sparse file (holes: the kernel answers
// without touching the disk), sequential per thread so that they merge, so
// the test measures the scheduler's bookkeeping, not the disk. The full
// count runs in every build: about 1.5 s per back end in Release and 10-20 s
// under AddressSanitizer on two cores.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "direct/direct_test_util.h"
#include "iosched/buffer_pool.h"
#include "iosched/metrics.h"
#include "iosched/scheduler.h"

namespace iosched {
namespace {

using testing_direct::TempPath;

constexpr int kThreads = 8;
constexpr uint32_t kPerThread = 100000;
constexpr uint32_t kWindow = 64;  // requests each thread keeps in flight

struct ThreadState {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<uint32_t> free_slots;  // guarded by mu
  bool waiting = false;              // guarded by mu
  std::vector<IoRequest> slots = std::vector<IoRequest>(kWindow);
};

class StressTest : public ::testing::TestWithParam<IoBackendKind> {};

TEST_P(StressTest, EightThreadsNoneLostOrDuplicated) {
  const std::string path = TempPath("sparse");
  const uint64_t kRegion = 8 << 20;  // bytes per thread
  {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, kRegion * kThreads), 0);  // all holes
    ::close(fd);
  }
  RunMetrics metrics;
  SchedulerOptions o;
  o.elevator = "deadline";
  o.depth = 32;
  o.backend = GetParam();
  o.observers.push_back(&metrics);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
  if (!s.ok() && s.status().code() == absl::StatusCode::kFailedPrecondition) {
    GTEST_SKIP() << s.status();
  }
  ASSERT_TRUE(s.ok()) << s.status();
  Scheduler& sched = **s;
  const uint32_t block = std::max<uint32_t>(sched.target()->alignment().offset, 512);
  absl::StatusOr<AlignedBuffer> mem =
      AlignedBuffer::Allocate(size_t{kThreads} * kWindow * block,
                              std::max<uint32_t>(4096, sched.target()->alignment().memory));
  ASSERT_TRUE(mem.ok());

  const uint64_t total = uint64_t{kThreads} * kPerThread;
  std::unique_ptr<std::atomic<uint8_t>[]> hits(new std::atomic<uint8_t>[total]);
  for (uint64_t i = 0; i < total; ++i) hits[i].store(0, std::memory_order_relaxed);
  std::atomic<uint64_t> bad{0}, refused{0};
  std::vector<std::unique_ptr<ThreadState>> states;
  for (int t = 0; t < kThreads; ++t) states.push_back(std::make_unique<ThreadState>());

  auto submitter = [&](int t) {
    ThreadState& ts = *states[t];
    for (uint32_t i = 0; i < kWindow; ++i) {
      ts.free_slots.push_back(i);
      ts.slots[i].buffer = mem->bytes() + (static_cast<size_t>(t) * kWindow + i) * block;
      ts.slots[i].length = block;
      ts.slots[i].stream = static_cast<uint32_t>(t);
    }
    for (uint32_t k = 0; k < kPerThread; ++k) {
      uint32_t slot;
      {
        std::unique_lock<std::mutex> lock(ts.mu);
        ts.waiting = true;
        ts.cv.wait(lock, [&] { return !ts.free_slots.empty(); });
        ts.waiting = false;
        slot = ts.free_slots.back();
        ts.free_slots.pop_back();
      }
      IoRequest& rq = ts.slots[slot];
      rq.id = uint64_t{static_cast<uint32_t>(t)} * kPerThread + k;
      rq.offset = uint64_t{static_cast<uint32_t>(t)} * kRegion + (uint64_t{k} * block) % kRegion;
      absl::Status st =
          sched.Submit(rq, [&, slot, t](IoRequest& r, const absl::Status& status, uint32_t bytes) {
            if (!status.ok() || bytes != r.length) bad.fetch_add(1, std::memory_order_relaxed);
            hits[r.id].fetch_add(1, std::memory_order_relaxed);
            ThreadState& owner = *states[t];
            std::lock_guard<std::mutex> lock(owner.mu);
            owner.free_slots.push_back(slot);
            if (owner.waiting) owner.cv.notify_one();
          });
      if (!st.ok()) {
        refused.fetch_add(1);
        std::lock_guard<std::mutex> lock(ts.mu);
        ts.free_slots.push_back(slot);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(submitter, t);
  for (std::thread& th : threads) th.join();
  ASSERT_TRUE(sched.Drain().ok());

  EXPECT_EQ(refused.load(), 0u);
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_EQ(sched.submitted(), total);
  EXPECT_EQ(sched.completed(), total);
  uint64_t lost = 0, dup = 0;
  for (uint64_t i = 0; i < total; ++i) {
    const uint8_t h = hits[i].load();
    lost += h == 0;
    dup += h > 1;
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(dup, 0u);
  const Summary sum = metrics.Summarize(nullptr);
  EXPECT_EQ(sum.submitted, total);
  EXPECT_EQ(sum.completed, total);
  EXPECT_EQ(sum.streams.size(), static_cast<size_t>(kThreads));
  RecordProperty("units", static_cast<int>(sum.issued));
  RecordProperty("merges", static_cast<int>(sum.merges));
  ::unlink(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Backends, StressTest,
                         ::testing::Values(IoBackendKind::kIoUring, IoBackendKind::kPsync),
                         [](const ::testing::TestParamInfo<IoBackendKind>& i) {
                           return i.param == IoBackendKind::kIoUring ? std::string("IoUring")
                                                                     : std::string("Psync");
                         });

}  // namespace
}  // namespace iosched
