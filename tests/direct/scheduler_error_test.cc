// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Error paths of the real submission path that a healthy disk never takes:
// EINTR/EAGAIN retries, EIO, ENOSPC, and a failure half-way through a merged
// unit. The kernel results are injected with DirectDevice's fault injector
// (SchedulerOptions::fault_injector) in front of the real back end, so the
// transfers that do run are real O_DIRECT I/O on a real file, with io_uring
// and with psync. Real EOF short reads and EFBIG are in scheduler_test.cc.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "direct/direct_test_util.h"
#include "iosched/buffer_pool.h"
#include "iosched/scheduler.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using testing_direct::PatternByte;
using testing_direct::TempPath;
using testing_direct::WritePatternFile;

struct Outcome {
  absl::Status status;
  uint32_t bytes = 0;
  int calls = 0;
};

class SchedulerErrorTest : public ::testing::TestWithParam<IoBackendKind> {
 protected:
  // A pattern file of `size` bytes; false (and a skip reason) without
  // O_DIRECT in the temp dir.
  bool MakeFile(const std::string& path, uint64_t size, uint32_t seed) {
    WritePatternFile(path, size, seed);
    absl::StatusOr<DirectFile> f = DirectFile::Open(path, DirectFile::Options{});
    if (!f.ok()) {
      skip_ = std::string(f.status().message());
      return false;
    }
    block_ = std::max<uint32_t>(f->alignment().offset, 512);
    return true;
  }

  SchedulerOptions Options(uint32_t depth, FaultInjector inject) {
    SchedulerOptions o;
    o.elevator = "noop";
    o.depth = depth;
    o.backend = GetParam();
    o.target.writable = true;
    o.fault_injector = std::move(inject);
    return o;
  }

  // Submits all of `rqs` under one plug (adjacent ones merge) and drains.
  static std::vector<Outcome> RunBatch(Scheduler& s, std::vector<IoRequest>& rqs) {
    std::vector<Outcome> out(rqs.size());
    s.Plug();
    for (size_t i = 0; i < rqs.size(); ++i) {
      EXPECT_TRUE(s.Submit(rqs[i], [&out, i](IoRequest&, const absl::Status& st, uint32_t b) {
                     out[i].status = st;
                     out[i].bytes = b;
                     ++out[i].calls;
                   }).ok());
    }
    EXPECT_TRUE(s.Drain().ok());
    return out;
  }

  std::string skip_;
  uint32_t block_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerErrorTest,
                         ::testing::Values(IoBackendKind::kIoUring, IoBackendKind::kPsync),
                         [](const ::testing::TestParamInfo<IoBackendKind>& i) {
                           return i.param == IoBackendKind::kIoUring ? std::string("IoUring")
                                                                     : std::string("Psync");
                         });

// Every transfer fails first with EINTR, then with EAGAIN, then runs: the
// callers see only successes, with the right data, once each.
TEST_P(SchedulerErrorTest, EintrAndEagainAreRetriedNotReported) {
  const std::string path = TempPath("retry");
  if (!MakeFile(path, 1 << 20, 11)) GTEST_SKIP() << skip_;
  std::map<uint64_t, int> attempts;  // by transfer offset (dispatcher thread only)
  auto inject = [&attempts](Op, uint64_t offset, uint64_t) {
    const int n = attempts[offset]++;
    return n == 0 ? -EINTR : n == 1 ? -EAGAIN : 0;
  };
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options(4, inject));
  ASSERT_TRUE(s.ok()) << s.status();
  constexpr int kN = 64;
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(size_t{kN} * block_, 4096);
  ASSERT_TRUE(buf.ok());
  std::memset(buf->data(), 0, buf->size());
  std::vector<IoRequest> rq(kN);
  for (int i = 0; i < kN; ++i) {
    // Pairs of adjacent blocks (they merge), pairs far apart.
    rq[i].id = i;
    rq[i].offset = uint64_t{block_} * (4 * (i / 2) + i % 2);
    rq[i].length = block_;
    rq[i].buffer = buf->bytes() + size_t{block_} * i;
  }
  std::vector<Outcome> out = RunBatch(**s, rq);
  for (int i = 0; i < kN; ++i) {
    ASSERT_EQ(out[i].calls, 1) << i;
    ASSERT_TRUE(out[i].status.ok()) << i << ": " << out[i].status;
    ASSERT_EQ(out[i].bytes, block_) << i;
    const uint8_t* p = buf->bytes() + size_t{block_} * i;
    for (uint32_t j = 0; j < block_; ++j) ASSERT_EQ(p[j], PatternByte(rq[i].offset + j, 11));
  }
  const DirectDevice::Stats& st = (*s)->device_stats();
  EXPECT_EQ(st.retries, 2 * st.units) << "each unit: one EINTR, one EAGAIN";
  EXPECT_EQ(st.injected, st.retries);
  EXPECT_LT(st.units, static_cast<uint64_t>(kN)) << "nothing merged";
  EXPECT_EQ((*s)->completed(), static_cast<uint64_t>(kN));
  ::unlink(path.c_str());
}

// A transfer that keeps failing with EAGAIN is reported after max_retries.
TEST_P(SchedulerErrorTest, EndlessEagainIsReportedAfterMaxRetries) {
  const std::string path = TempPath("eagain");
  if (!MakeFile(path, 1 << 16, 12)) GTEST_SKIP() << skip_;
  SchedulerOptions o = Options(1, [](Op, uint64_t, uint64_t) { return -EAGAIN; });
  o.max_retries = 5;
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block_, 4096);
  ASSERT_TRUE(buf.ok());
  std::vector<IoRequest> rq(1);
  rq[0].length = block_;
  rq[0].buffer = buf->data();
  std::vector<Outcome> out = RunBatch(**s, rq);
  EXPECT_EQ(out[0].calls, 1);
  EXPECT_FALSE(out[0].status.ok());
  EXPECT_EQ(rq[0].error, EAGAIN);
  EXPECT_EQ(out[0].bytes, 0u);
  EXPECT_EQ((*s)->device_stats().retries, 5u);
  ::unlink(path.c_str());
}

// ENOSPC on one merged write unit and EIO on one merged read unit reach
// every member of that unit, with the errno and a message naming the file;
// the neighbouring unit is unaffected and its data lands.
TEST_P(SchedulerErrorTest, EioAndEnospcReachEveryMemberOfTheFailedUnit) {
  const std::string path = TempPath("eio");
  if (!MakeFile(path, 1 << 20, 13)) GTEST_SKIP() << skip_;
  auto inject = [](Op op, uint64_t offset, uint64_t) {
    if (offset != 0) return 0;
    return op == Op::kWrite ? -ENOSPC : -EIO;
  };
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options(4, inject));
  ASSERT_TRUE(s.ok()) << s.status();
  constexpr int kPerUnit = 4;
  absl::StatusOr<AlignedBuffer> data = AlignedBuffer::Allocate(2 * kPerUnit * block_, 4096);
  absl::StatusOr<AlignedBuffer> back = AlignedBuffer::Allocate(2 * kPerUnit * block_, 4096);
  ASSERT_TRUE(data.ok() && back.ok());
  for (size_t i = 0; i < data->size(); ++i) data->bytes()[i] = static_cast<uint8_t>(i * 7 + 1);
  std::memset(back->data(), 0, back->size());
  // Unit A: blocks [0, 4); unit B: blocks [16, 20).
  auto offset_of = [&](int i) { return uint64_t{block_} * (i < kPerUnit ? i : 16 + i - kPerUnit); };
  std::vector<IoRequest> w(2 * kPerUnit), r(2 * kPerUnit);
  for (int i = 0; i < 2 * kPerUnit; ++i) {
    w[i].op = Op::kWrite;
    w[i].id = i;
    w[i].offset = r[i].offset = offset_of(i);
    w[i].length = r[i].length = block_;
    w[i].buffer = data->bytes() + size_t{block_} * i;
    r[i].id = 100 + i;
    r[i].buffer = back->bytes() + size_t{block_} * i;
  }
  std::vector<Outcome> wo = RunBatch(**s, w);
  std::vector<Outcome> ro = RunBatch(**s, r);
  for (int i = 0; i < 2 * kPerUnit; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(wo[i].calls, 1);
    ASSERT_EQ(ro[i].calls, 1);
    if (i < kPerUnit) {
      EXPECT_EQ(w[i].error, ENOSPC);
      EXPECT_FALSE(wo[i].status.ok());
      EXPECT_THAT(std::string(wo[i].status.message()), HasSubstr(std::strerror(ENOSPC)));
      EXPECT_THAT(std::string(wo[i].status.message()), HasSubstr(path));
      EXPECT_THAT(std::string(wo[i].status.message()), HasSubstr("write"));
      EXPECT_EQ(wo[i].bytes, 0u);
      EXPECT_EQ(r[i].error, EIO);
      EXPECT_FALSE(ro[i].status.ok());
      EXPECT_THAT(std::string(ro[i].status.message()), HasSubstr(std::strerror(EIO)));
      EXPECT_EQ(ro[i].bytes, 0u);
    } else {
      EXPECT_TRUE(wo[i].status.ok()) << wo[i].status;
      EXPECT_TRUE(ro[i].status.ok()) << ro[i].status;
      EXPECT_EQ(ro[i].bytes, block_);
      EXPECT_EQ(std::memcmp(back->bytes() + size_t{block_} * i, data->bytes() + size_t{block_} * i,
                            block_),
                0);
    }
  }
  EXPECT_EQ((*s)->device_stats().units, 4u) << "expected two merged units per batch";
  ::unlink(path.c_str());
}

// A unit wider than IOV_MAX goes out as several transfers; when the second
// one fails, the members the first one carried complete successfully and
// the rest get the error.
TEST_P(SchedulerErrorTest, FailureHalfWayThroughAUnitKeepsWhatTransferred) {
  const std::string path = TempPath("half");
  long iov_max = ::sysconf(_SC_IOV_MAX);
  if (iov_max <= 0) iov_max = 1024;
  const uint32_t members = static_cast<uint32_t>(iov_max) + 200;
  if (!MakeFile(path, 4096, 14)) GTEST_SKIP() << skip_;
  const uint64_t size = uint64_t{members} * block_;
  WritePatternFile(path, size, 14);
  uint64_t first_offset = ~uint64_t{0};
  auto inject = [&first_offset](Op, uint64_t offset, uint64_t) {
    if (first_offset == ~uint64_t{0}) first_offset = offset;
    return offset != first_offset ? -EIO : 0;
  };
  SchedulerOptions o = Options(2, inject);
  o.elevator = "noop:max_sectors=" + std::to_string(size / 512);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(size, 4096);
  ASSERT_TRUE(buf.ok());
  std::vector<IoRequest> rq(members);
  for (uint32_t i = 0; i < members; ++i) {
    rq[i].id = i;
    rq[i].offset = uint64_t{i} * block_;
    rq[i].length = block_;
    rq[i].buffer = buf->bytes() + rq[i].offset;
  }
  std::vector<Outcome> out = RunBatch(**s, rq);
  ASSERT_EQ((*s)->device_stats().units, 1u) << "the reads did not merge into one unit";
  for (uint32_t i = 0; i < members; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(out[i].calls, 1);
    if (i < static_cast<uint32_t>(iov_max)) {
      ASSERT_TRUE(out[i].status.ok()) << out[i].status;
      ASSERT_EQ(out[i].bytes, block_);
      ASSERT_EQ(buf->bytes()[rq[i].offset], PatternByte(rq[i].offset, 14));
    } else {
      ASSERT_EQ(rq[i].error, EIO);
      ASSERT_EQ(out[i].bytes, 0u);
    }
  }
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace iosched
