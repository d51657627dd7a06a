// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// I/O priorities on the real path (issue 20): requests carrying an ioprio
// (IoRequest::prio, per request or the same for all of a stream's requests)
// go through iosched::Scheduler to real O_DIRECT reads of a file in the test
// temp dir, with io_uring and with the psync back end. With one unit in the
// device and every request queued before the first dispatch (a plug held
// until Drain), the order in which units reach the device is decided by the
// priorities alone:
//   mq-deadline  RT strictly before BE before IDLE (per-request classes);
//   bfq          the RT stream's queue before the BE stream's (B-WF2Q+ serves
//                the RT class first).
// Also: every request completes exactly once, with all its bytes, and the
// bytes are the file's. No timing assertions; the only clock-dependent
// rules (mq-deadline's prio_aging_expire, BFQ's 200 ms IDLE-class turn) are
// kept out: the first is set to an hour, the second needs an IDLE-class
// queue, and the BFQ case has none.

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
constexpr uint32_t kSeed = 20;

struct Planned {
  IoClass io_class;
  uint32_t stream;
  uint64_t block;  // offset / kBlock
};

struct Outcome {
  absl::Status status;
  uint32_t bytes = 0;
  int calls = 0;
};

class IoprioScheduler : public ::testing::TestWithParam<IoBackendKind> {
 protected:
  // Submits `plan` in order under a plug, one unit in the device, drains,
  // and checks every request: one callback, OK, all bytes, the file's data.
  // Returns the classes in the order their units reached the device.
  std::vector<IoClass> Run(const std::string& elevator, const std::vector<Planned>& plan) {
    const std::string path = TempPath("ioprio");
    WritePatternFile(path, uint64_t{1} << 20, kSeed);
    SchedulerOptions o;
    o.elevator = elevator;
    o.depth = 1;
    o.backend = GetParam();
    o.rotational = false;
    IssueOrder order;
    o.observers = {&order};
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    if (!s.ok() && s.status().code() == absl::StatusCode::kFailedPrecondition) {
      skip_ = std::string(s.status().message());
      ::unlink(path.c_str());
      return {};
    }
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return {};
    EXPECT_EQ((*s)->backend(), GetParam());

    const size_t n = plan.size();
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(n * kBlock, kBlock);
    EXPECT_TRUE(buf.ok()) << buf.status();
    if (!buf.ok()) return {};
    std::vector<IoRequest> rqs(n);
    std::vector<Outcome> out(n);
    (*s)->Plug();
    for (size_t i = 0; i < n; ++i) {
      IoRequest& rq = rqs[i];
      rq.id = i;
      rq.op = Op::kRead;
      rq.sync = true;
      rq.stream = plan[i].stream;
      rq.prio.io_class = plan[i].io_class;
      rq.prio.level = 4;
      rq.offset = plan[i].block * kBlock;
      rq.length = kBlock;
      rq.buffer = buf->bytes() + i * kBlock;
      absl::Status st =
          (*s)->Submit(rq, [&out, i](IoRequest&, const absl::Status& status, uint32_t bytes) {
            out[i].status = status;
            out[i].bytes = bytes;
            ++out[i].calls;
          });
      EXPECT_TRUE(st.ok()) << st;
    }
    // Drain releases the plug only once every request above is queued.
    EXPECT_TRUE((*s)->Drain().ok());
    EXPECT_EQ((*s)->completed(), n);

    for (size_t i = 0; i < n; ++i) {
      SCOPED_TRACE("request " + std::to_string(i));
      EXPECT_EQ(out[i].calls, 1);
      EXPECT_TRUE(out[i].status.ok()) << out[i].status;
      EXPECT_EQ(out[i].bytes, kBlock);
      const uint8_t* got = buf->bytes() + i * kBlock;
      uint32_t wrong = 0;
      for (uint32_t j = 0; j < kBlock; ++j) {
        wrong += got[j] != PatternByte(plan[i].block * kBlock + j, kSeed);
      }
      EXPECT_EQ(wrong, 0u);
    }
    // No two requests are contiguous: one unit per request.
    const std::vector<uint64_t> ids = order.ids();
    EXPECT_EQ(ids.size(), n);
    for (uint32_t m : order.members()) EXPECT_EQ(m, 1u);
    std::vector<IoClass> classes;
    for (uint64_t id : ids) {
      EXPECT_LT(id, n);
      if (id < n) classes.push_back(plan[id].io_class);
    }
    counters_ = (*s)->elevator().Counters();
    s->reset();
    ::unlink(path.c_str());
    return classes;
  }

  int64_t Counter(const std::string& name) const {
    for (const auto& [k, v] : counters_) {
      if (k == name) return v;
    }
    ADD_FAILURE() << "no counter " << name;
    return -1;
  }

  std::string skip_;
  std::vector<std::pair<std::string, int64_t>> counters_;
};

// 24 reads submitted IDLE, BE, RT in turn (the lowest class first), at
// scattered, never adjacent blocks, so that neither arrival nor sector
// order favours the RT ones.
std::vector<Planned> MixedClasses(bool per_stream) {
  std::vector<Planned> plan;
  const IoClass order[3] = {IoClass::kIdle, IoClass::kBestEffort, IoClass::kRealTime};
  for (uint64_t i = 0; i < 24; ++i) {
    const IoClass c = order[i % 3];
    const uint32_t stream = per_stream ? static_cast<uint32_t>(c) : 0;
    plan.push_back({c, stream, ((i * 37) % 24) * 2 * 3 + 1});  // 1..139, odd gaps
  }
  return plan;
}

int Rank(IoClass c) { return c == IoClass::kRealTime ? 0 : c == IoClass::kIdle ? 2 : 1; }

TEST_P(IoprioScheduler, MqDeadlineDispatchesRtThenBeThenIdle) {
  // Per-request classes, all from one stream.
  const std::vector<IoClass> got =
      Run("mq-deadline:prio_aging_expire=3600000", MixedClasses(/*per_stream=*/false));
  if (!skip_.empty()) GTEST_SKIP() << skip_;
  ASSERT_EQ(got.size(), 24u);
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_LE(Rank(got[i - 1]), Rank(got[i])) << "unit " << i << " went out of class order";
  }
  EXPECT_EQ(got.front(), IoClass::kRealTime);
  EXPECT_EQ(got.back(), IoClass::kIdle);
  EXPECT_EQ(Counter("dispatched_rt"), 8);
  EXPECT_EQ(Counter("dispatched_be"), 8);
  EXPECT_EQ(Counter("dispatched_idle"), 8);
  EXPECT_EQ(Counter("aged_dispatches"), 0);
}

TEST_P(IoprioScheduler, BfqServesTheRtStreamBeforeTheBeStream) {
  // Per-stream classes: stream 1 is RT, stream 2 BE, submitted BE first.
  std::vector<Planned> plan;
  for (uint64_t i = 0; i < 16; ++i) {
    const bool rt = i % 2 == 1;
    plan.push_back(
        {rt ? IoClass::kRealTime : IoClass::kBestEffort, rt ? 1u : 2u, ((i * 7) % 16) * 4 + 2});
  }
  const std::vector<IoClass> got = Run("bfq", plan);
  if (!skip_.empty()) GTEST_SKIP() << skip_;
  ASSERT_EQ(got.size(), 16u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(got[i], IoClass::kRealTime) << "unit " << i;
  for (size_t i = 8; i < 16; ++i) EXPECT_EQ(got[i], IoClass::kBestEffort) << "unit " << i;
}

std::string BackendName(const ::testing::TestParamInfo<IoBackendKind>& info) {
  return info.param == IoBackendKind::kIoUring ? "IoUring" : "Psync";
}
INSTANTIATE_TEST_SUITE_P(Backends, IoprioScheduler,
                         ::testing::Values(IoBackendKind::kIoUring, IoBackendKind::kPsync),
                         BackendName);

}  // namespace
}  // namespace iosched
