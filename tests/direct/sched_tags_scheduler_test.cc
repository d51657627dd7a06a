// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The blk-mq scheduler-tag pool on the real path (SchedulerOptions::
// sched_tags, issue 20): real O_DIRECT reads through iosched::Scheduler
// (io_uring and psync) with one unit in the device. With `nr_requests` tags,
// a request submitted when none is free waits outside the elevator until a
// unit completes, so the elevator can only choose among the requests that
// hold a tag: before the k-th unit (from 0) is issued, k units have
// completed, so only the first nr_requests + k submitted requests can have
// had a tag. Submitted in descending sector order, mq-deadline's ascending
// sweep would otherwise start with the last one submitted. Every request
// completes exactly once with the file's bytes. No timing assertions (the
// read deadline is set to an hour so that no FIFO expiry can interfere).

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "direct/direct_test_util.h"
#include "iosched/buffer_pool.h"
#include "iosched/scheduler.h"

namespace iosched {
namespace {

using testing_direct::IssueOrder;
using testing_direct::PatternByte;
using testing_direct::TempPath;
using testing_direct::WritePatternFile;

constexpr uint32_t kBlock = 4096;
constexpr uint32_t kSeed = 21;
constexpr uint64_t kRequests = 12;
constexpr uint32_t kTags = 4;

struct Result {
  std::vector<uint64_t> issued;  // submission index of each unit, in issue order
  uint64_t tag_waits = 0;
  bool skipped = false;
  std::string skip_reason;
};

class SchedTagsScheduler : public ::testing::TestWithParam<IoBackendKind> {
 protected:
  // kRequests reads at blocks 2·kRequests, …, 4, 2 (descending, never
  // adjacent), submitted under a plug that Drain releases.
  Result Run(bool sched_tags) {
    Result res;
    const std::string path = TempPath(sched_tags ? "tags" : "notags");
    WritePatternFile(path, uint64_t{1} << 20, kSeed);
    SchedulerOptions o;
    // read_expire of an hour: a slow machine must not expire the FIFO head
    // and start the sweep there.
    o.elevator = "mq-deadline:read_expire=3600000";
    o.depth = 1;
    o.backend = GetParam();
    o.sched_tags = sched_tags;
    o.nr_requests = kTags;
    IssueOrder order;
    o.observers = {&order};
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    if (!s.ok() && s.status().code() == absl::StatusCode::kFailedPrecondition) {
      res.skipped = true;
      res.skip_reason = std::string(s.status().message());
      ::unlink(path.c_str());
      return res;
    }
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return res;
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(kRequests * kBlock, kBlock);
    EXPECT_TRUE(buf.ok()) << buf.status();
    if (!buf.ok()) return res;
    std::vector<IoRequest> rqs(kRequests);
    std::vector<int> calls(kRequests, 0);
    std::vector<uint32_t> bytes(kRequests, 0);
    std::vector<absl::Status> status(kRequests);
    auto block_of = [](uint64_t i) { return (kRequests - i) * 2; };
    (*s)->Plug();
    for (uint64_t i = 0; i < kRequests; ++i) {
      IoRequest& rq = rqs[i];
      rq.id = i;
      rq.op = Op::kRead;
      rq.sync = true;
      rq.offset = block_of(i) * kBlock;
      rq.length = kBlock;
      rq.buffer = buf->bytes() + i * kBlock;
      absl::Status st = (*s)->Submit(rq, [&, i](IoRequest&, const absl::Status& st, uint32_t n) {
        status[i] = st;
        bytes[i] = n;
        ++calls[i];
      });
      EXPECT_TRUE(st.ok()) << st;
    }
    EXPECT_TRUE((*s)->Drain().ok());
    EXPECT_EQ((*s)->completed(), kRequests);
    for (uint64_t i = 0; i < kRequests; ++i) {
      SCOPED_TRACE("request " + std::to_string(i));
      EXPECT_EQ(calls[i], 1);
      EXPECT_TRUE(status[i].ok()) << status[i];
      EXPECT_EQ(bytes[i], kBlock);
      uint32_t wrong = 0;
      for (uint32_t j = 0; j < kBlock; ++j) {
        wrong += buf->bytes()[i * kBlock + j] != PatternByte(block_of(i) * kBlock + j, kSeed);
      }
      EXPECT_EQ(wrong, 0u);
    }
    res.issued = order.ids();
    res.tag_waits = (*s)->tag_waits();
    s->reset();
    ::unlink(path.c_str());
    return res;
  }
};

TEST_P(SchedTagsScheduler, RequestsBeyondNrRequestsWaitForATag) {
  const Result r = Run(/*sched_tags=*/true);
  if (r.skipped) GTEST_SKIP() << r.skip_reason;
  ASSERT_EQ(r.issued.size(), kRequests);
  EXPECT_EQ(r.tag_waits, kRequests - kTags);
  for (size_t k = 0; k < r.issued.size(); ++k) {
    EXPECT_LT(r.issued[k], kTags + k) << "unit " << k << " was issued before it could hold a tag";
  }
  // The elevator first chose among the first four submitted: the lowest of
  // those is the fourth.
  EXPECT_EQ(r.issued[0], kTags - 1);
}

TEST_P(SchedTagsScheduler, WithoutThePoolTheWholeBatchIsSorted) {
  const Result r = Run(/*sched_tags=*/false);
  if (r.skipped) GTEST_SKIP() << r.skip_reason;
  ASSERT_EQ(r.issued.size(), kRequests);
  EXPECT_EQ(r.tag_waits, 0u);
  // Ascending sectors: the reverse of the submission order.
  for (size_t k = 0; k < r.issued.size(); ++k) EXPECT_EQ(r.issued[k], kRequests - 1 - k);
}

std::string BackendName(const ::testing::TestParamInfo<IoBackendKind>& info) {
  return info.param == IoBackendKind::kIoUring ? "IoUring" : "Psync";
}
INSTANTIATE_TEST_SUITE_P(Backends, SchedTagsScheduler,
                         ::testing::Values(IoBackendKind::kIoUring, IoBackendKind::kPsync),
                         BackendName);

}  // namespace
}  // namespace iosched
