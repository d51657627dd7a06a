// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// iosched::Scheduler on real files with real io_uring and the psync
// fallback: data integrity through every elevator, merged units (including
// ones wider than IOV_MAX), short reads at EOF, errors, cancellation,
// draining, timers for idling elevators, and the automatic fallback.

#include "iosched/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "direct/direct_test_util.h"
#include "direct/seccomp_util.h"
#include "iosched/buffer_pool.h"
#include "iosched/metrics.h"
#include "iosched/registry.h"

namespace iosched {
namespace {

#if IOSCHED_HAVE_SECCOMP_UTIL
using testing_direct::FailSyscall;
using testing_direct::InstallSeccompFilter;
#endif

using ::testing::HasSubstr;
using testing_direct::CompletionCounter;
using testing_direct::Fnv1a;
using testing_direct::PatternByte;
using testing_direct::TempPath;
using testing_direct::WritePatternFile;

// Block size for a file: the offset alignment, at least 512.
uint32_t BlockOf(const DirectFile& f) { return std::max<uint32_t>(f.alignment().offset, 512); }

struct Outcome {
  absl::Status status;
  uint32_t bytes = 0;
  int calls = 0;
};

class SchedulerTest : public ::testing::TestWithParam<IoBackendKind> {
 protected:
  SchedulerOptions Options(std::string elevator = "noop", uint32_t depth = 8) {
    SchedulerOptions o;
    o.elevator = std::move(elevator);
    o.depth = depth;
    o.backend = GetParam();
    return o;
  }

  // Opens (creating and sizing) a writable target, or skips.
  std::unique_ptr<Scheduler> OpenWritable(const std::string& path, uint64_t size,
                                          SchedulerOptions o) {
    o.target.writable = true;
    o.target.create = true;
    o.target.min_size = size;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    if (!s.ok() && s.status().code() == absl::StatusCode::kFailedPrecondition) {
      skip_reason_ = std::string(s.status().message());
      return nullptr;
    }
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return nullptr;
    EXPECT_EQ((*s)->backend(), GetParam());
    return std::move(*s);
  }

  // Submits every request in `rqs` (order as given) under one plug, then
  // drains. Outcomes are indexed like `rqs`.
  std::vector<Outcome> RunBatch(Scheduler& s, std::vector<IoRequest>& rqs,
                                const std::vector<size_t>& order) {
    std::vector<Outcome> out(rqs.size());
    s.Plug();
    for (size_t i : order) {
      absl::Status st =
          s.Submit(rqs[i], [&out, i](IoRequest&, const absl::Status& status, uint32_t bytes) {
            out[i].status = status;
            out[i].bytes = bytes;
            ++out[i].calls;
          });
      EXPECT_TRUE(st.ok()) << st;
    }
    EXPECT_TRUE(s.Drain().ok());
    return out;
  }

  std::string skip_reason_;
};

std::string BackendName(const ::testing::TestParamInfo<IoBackendKind>& info) {
  return info.param == IoBackendKind::kIoUring ? "IoUring" : "Psync";
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest,
                         ::testing::Values(IoBackendKind::kIoUring, IoBackendKind::kPsync),
                         BackendName);

// Cuts [0, size) into pieces of 1..max_blocks blocks, in random order.
std::vector<std::pair<uint64_t, uint32_t>> RandomPieces(uint64_t size, uint32_t block,
                                                        uint32_t max_blocks, std::mt19937& rng) {
  std::vector<std::pair<uint64_t, uint32_t>> pieces;
  for (uint64_t off = 0; off < size;) {
    uint32_t n = std::uniform_int_distribution<uint32_t>(1, max_blocks)(rng);
    const uint64_t len = std::min<uint64_t>(uint64_t{n} * block, size - off);
    pieces.emplace_back(off, static_cast<uint32_t>(len));
    off += len;
  }
  std::shuffle(pieces.begin(), pieces.end(), rng);
  return pieces;
}

TEST_P(SchedulerTest, DataIntegrityThroughEveryElevator) {
  const uint64_t kSize = 1 << 20;
  for (const std::string& spec : KnownElevators()) {
    SCOPED_TRACE(spec);
    // sptf and kin need a disk model; RefusesPositioningElevators checks
    // that the real path says so.
    if (auto e = MakeElevator(spec); e.ok() && ElevatorNeedsPositionEstimator(**e)) continue;
    const std::string path = TempPath(spec);
    RunMetrics metrics;
    SchedulerOptions o = Options(spec, 8);
    o.observers.push_back(&metrics);
    std::unique_ptr<Scheduler> s = OpenWritable(path, kSize, o);
    if (!s) {
      if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
      return;
    }
    const uint32_t block = BlockOf(*s->target());
    ASSERT_LE(s->target()->alignment().memory, block);
    absl::StatusOr<AlignedBuffer> expected = AlignedBuffer::Allocate(kSize, 4096);
    absl::StatusOr<AlignedBuffer> got = AlignedBuffer::Allocate(kSize, 4096);
    ASSERT_TRUE(expected.ok() && got.ok());
    const uint32_t seed = static_cast<uint32_t>(std::hash<std::string>()(spec));
    for (uint64_t i = 0; i < kSize; ++i) expected->bytes()[i] = PatternByte(i, seed);
    std::mt19937 rng(seed);

    // Random writes, plugged so that neighbours merge into vectored units.
    auto pieces = RandomPieces(kSize, block, 8, rng);
    std::vector<IoRequest> writes(pieces.size());
    for (size_t i = 0; i < pieces.size(); ++i) {
      writes[i].id = i;
      writes[i].op = Op::kWrite;
      writes[i].offset = pieces[i].first;
      writes[i].length = pieces[i].second;
      writes[i].buffer = expected->bytes() + pieces[i].first;
    }
    std::vector<size_t> order(writes.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<Outcome> w = RunBatch(*s, writes, order);
    for (size_t i = 0; i < w.size(); ++i) {
      ASSERT_EQ(w[i].calls, 1) << "write " << i;
      ASSERT_TRUE(w[i].status.ok()) << w[i].status;
      ASSERT_EQ(w[i].bytes, writes[i].length);
    }
    const uint64_t write_merges = metrics.Summarize(nullptr).merges;

    // Read back with a different cut, also merged.
    auto rpieces = RandomPieces(kSize, block, 8, rng);
    std::vector<IoRequest> reads(rpieces.size());
    for (size_t i = 0; i < rpieces.size(); ++i) {
      reads[i].id = 100000 + i;
      reads[i].offset = rpieces[i].first;
      reads[i].length = rpieces[i].second;
      reads[i].buffer = got->bytes() + rpieces[i].first;
    }
    order.resize(reads.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<Outcome> r = RunBatch(*s, reads, order);
    for (size_t i = 0; i < r.size(); ++i) {
      ASSERT_EQ(r[i].calls, 1) << "read " << i;
      ASSERT_TRUE(r[i].status.ok()) << r[i].status;
      ASSERT_EQ(r[i].bytes, reads[i].length);
    }
    EXPECT_EQ(Fnv1a(got->bytes(), kSize), Fnv1a(expected->bytes(), kSize));
    EXPECT_EQ(std::memcmp(got->data(), expected->data(), kSize), 0);
    const Summary sum = metrics.Summarize(nullptr);
    EXPECT_EQ(sum.completed, writes.size() + reads.size());
    EXPECT_GT(write_merges, 0u) << "no write merged: the vectored path was not exercised";
    EXPECT_GT(sum.merges, write_merges) << "no read merged";
    EXPECT_LT(sum.issued, sum.completed);
    s.reset();
    ::unlink(path.c_str());
  }
}

TEST_P(SchedulerTest, UnitWiderThanIovMaxIsSplitAndStillCorrect) {
  const std::string path = TempPath("wide");
  // Probe the block size first to size the elevator's max_sectors.
  {
    DirectFile::Options po;
    po.writable = true;
    po.create = true;
    IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, po);
  }
  absl::StatusOr<DirectFile> probe = DirectFile::Open(path, DirectFile::Options{});
  ASSERT_TRUE(probe.ok());
  const uint32_t block = BlockOf(*probe);
  const uint32_t kMembers = 2100;  // > IOV_MAX (1024) on Linux
  const uint64_t size = uint64_t{kMembers} * block;
  const std::string spec = "noop:max_sectors=" + std::to_string(size / 512);
  std::unique_ptr<Scheduler> s = OpenWritable(path, size, Options(spec, 4));
  ASSERT_NE(s, nullptr);
  absl::StatusOr<AlignedBuffer> data = AlignedBuffer::Allocate(size, 4096);
  absl::StatusOr<AlignedBuffer> back = AlignedBuffer::Allocate(size, 4096);
  ASSERT_TRUE(data.ok() && back.ok());
  for (uint64_t i = 0; i < size; ++i) data->bytes()[i] = PatternByte(i, 77);
  std::vector<IoRequest> w(kMembers), r(kMembers);
  for (uint32_t i = 0; i < kMembers; ++i) {
    w[i].op = Op::kWrite;
    w[i].offset = r[i].offset = uint64_t{i} * block;
    w[i].length = r[i].length = block;
    w[i].buffer = data->bytes() + w[i].offset;
    r[i].buffer = back->bytes() + r[i].offset;
    w[i].id = i;
    r[i].id = kMembers + i;
  }
  std::vector<size_t> order(kMembers);
  std::iota(order.begin(), order.end(), 0);
  const uint64_t transfers0 = s->device_stats().transfers;
  for (const Outcome& o : RunBatch(*s, w, order)) ASSERT_TRUE(o.status.ok() && o.calls == 1);
  const uint64_t units_w = s->device_stats().units;
  // Ascending back merges: at most a handful of units, each wider than
  // IOV_MAX, hence more transfers than units.
  EXPECT_LT(units_w, 4u);
  EXPECT_GT(s->device_stats().transfers - transfers0, units_w);
  for (const Outcome& o : RunBatch(*s, r, order)) {
    ASSERT_TRUE(o.status.ok());
    ASSERT_EQ(o.bytes, block);
  }
  EXPECT_EQ(std::memcmp(data->data(), back->data(), size), 0);
  s.reset();
  ::unlink(path.c_str());
}

TEST_P(SchedulerTest, ShortReadAtEndOfFileIsSplitAmongMembers) {
  const std::string path = TempPath("eof");
  WritePatternFile(path, 4096, 5);  // placeholder; rewritten below once the block is known
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  const uint64_t size = 2 * uint64_t{block} + block / 2;
  WritePatternFile(path, size, 5);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("noop", 4));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(8 * block, 4096);
  ASSERT_TRUE(buf.ok());
  std::memset(buf->data(), 0xEE, buf->size());
  // Four adjacent reads merge into one unit covering [0, 4 blocks); the
  // file ends half-way through the third. A fifth, alone, starts past EOF.
  std::vector<IoRequest> rq(5);
  for (int i = 0; i < 4; ++i) {
    rq[i].offset = uint64_t{block} * i;
    rq[i].length = block;
    rq[i].buffer = buf->bytes() + uint64_t{block} * i;
    rq[i].id = i;
  }
  rq[4].offset = 6 * uint64_t{block};
  rq[4].length = block;
  rq[4].buffer = buf->bytes() + 6 * uint64_t{block};
  rq[4].id = 4;
  std::vector<Outcome> out = RunBatch(**s, rq, {0, 1, 2, 3, 4});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(out[i].calls, 1) << i;
    EXPECT_TRUE(out[i].status.ok()) << i << ": " << out[i].status;
    EXPECT_EQ(rq[i].bytes_done, out[i].bytes) << i;
  }
  EXPECT_EQ(out[0].bytes, block);
  EXPECT_EQ(out[1].bytes, block);
  EXPECT_EQ(out[2].bytes, block / 2);
  EXPECT_EQ(out[3].bytes, 0u);
  EXPECT_EQ(out[4].bytes, 0u);
  for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(buf->bytes()[i], PatternByte(i, 5)) << i;
  ::unlink(path.c_str());
}

// Issue 18, defect 9: an offset + length that wraps past 2^64 was accepted.
TEST_P(SchedulerTest, OffsetPlusLengthThatWrapsIsRefused) {
  const std::string path = TempPath("wrap");
  WritePatternFile(path, 1 << 16, 3);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("noop", 1));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block, 4096);
  ASSERT_TRUE(buf.ok());
  IoRequest rq;
  rq.id = 9;
  rq.offset = (UINT64_MAX / block) * block;  // aligned, the last block below 2^64
  rq.length = block;
  rq.buffer = buf->bytes();
  absl::Status st = (*s)->Submit(rq, [](IoRequest&, const absl::Status&, uint32_t) {});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), ::testing::HasSubstr("wraps past 2^64"));
  ::unlink(path.c_str());
}

// Issue 20: a BFQ group weight over 1000 is refused before anything is
// queued; a valid one reaches BFQ and the read completes.
TEST_P(SchedulerTest, BfqWeightOutOfRangeIsRefused) {
  const std::string path = TempPath("weight");
  WritePatternFile(path, 1 << 16, 3);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("bfq", 1));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block, 4096);
  ASSERT_TRUE(buf.ok());
  IoRequest rq;
  rq.id = 7;
  rq.offset = 0;
  rq.length = block;
  rq.buffer = buf->bytes();
  rq.prio.weight = 1001;
  absl::Status st = (*s)->Submit(rq, [](IoRequest&, const absl::Status&, uint32_t) {});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), ::testing::HasSubstr("prio.weight 1001 is not a BFQ weight"));
  EXPECT_EQ((*s)->submitted(), 0u);
  rq.prio.weight = 200;
  absl::Status done = absl::UnknownError("no callback");
  ASSERT_TRUE(
      (*s)->Submit(rq, [&](IoRequest&, const absl::Status& c, uint32_t) { done = c; }).ok());
  ASSERT_TRUE((*s)->Drain().ok());
  EXPECT_TRUE(done.ok()) << done;
  ::unlink(path.c_str());
}

TEST_P(SchedulerTest, ShutdownCancelCompletesQueuedRequestsWithCancelled) {
  const std::string path = TempPath("cancel");
  WritePatternFile(path, 1 << 20, 3);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("deadline", 4));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block, 4096);
  ASSERT_TRUE(buf.ok());
  constexpr int kN = 50;
  std::vector<IoRequest> rq(kN);
  std::vector<Outcome> out(kN);
  (*s)->Plug();  // nothing is issued: everything is still queued at shutdown
  for (int i = 0; i < kN; ++i) {
    rq[i].offset = uint64_t{block} * (2 * i);  // not adjacent: no merges
    rq[i].length = block;
    rq[i].buffer = buf->data();
    ASSERT_TRUE((*s)->Submit(rq[i],
                             [&out, i](IoRequest&, const absl::Status& st, uint32_t b) {
                               out[i].status = st;
                               out[i].bytes = b;
                               ++out[i].calls;
                             })
                    .ok());
  }
  (*s)->Shutdown(ShutdownMode::kCancel);
  for (int i = 0; i < kN; ++i) {
    EXPECT_EQ(out[i].calls, 1) << i;
    EXPECT_EQ(out[i].status.code(), absl::StatusCode::kCancelled) << out[i].status;
    EXPECT_THAT(std::string(out[i].status.message()), HasSubstr("cancelled"));
    EXPECT_EQ(rq[i].error, ECANCELED);
    EXPECT_EQ(out[i].bytes, 0u);
  }
  EXPECT_EQ((*s)->device_stats().cancelled, static_cast<uint64_t>(kN));
  // After shutdown nothing is accepted, and a refused request never calls back.
  IoRequest late;
  late.length = block;
  late.buffer = buf->data();
  bool called = false;
  absl::Status st =
      (*s)->Submit(late, [&](IoRequest&, const absl::Status&, uint32_t) { called = true; });
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  s->reset();
  EXPECT_FALSE(called);
  ::unlink(path.c_str());
}

TEST_P(SchedulerTest, ShutdownDrainFinishesEverything) {
  const std::string path = TempPath("drain");
  WritePatternFile(path, 1 << 20, 3);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("cfq", 2));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(64 * block, 4096);
  ASSERT_TRUE(buf.ok());
  std::vector<IoRequest> rq(64);
  std::atomic<int> ok{0};
  for (int i = 0; i < 64; ++i) {
    rq[i].offset = uint64_t{block} * ((i * 37) % 64);
    rq[i].length = block;
    rq[i].buffer = buf->bytes() + rq[i].offset;
    rq[i].stream = i % 3;
    ASSERT_TRUE((*s)->Submit(rq[i],
                             [&](IoRequest& r, const absl::Status& st, uint32_t b) {
                               if (st.ok() && b == r.length) ok.fetch_add(1);
                             })
                    .ok());
  }
  (*s)->Shutdown(ShutdownMode::kDrain);  // the destructor would do the same
  EXPECT_EQ(ok.load(), 64);
  EXPECT_EQ((*s)->completed(), 64u);
  for (uint64_t i = 0; i < 64 * uint64_t{block}; ++i) {
    ASSERT_EQ(buf->bytes()[i], PatternByte(i, 3)) << i;
  }
  ::unlink(path.c_str());
}

// Anticipatory idles after a read, betting on the same stream; only the
// device timer (ArmTimer → Dispatcher::TimerFired) ends a wait that nobody
// breaks. Stream 1 reads a chain (each read submitted from the previous
// one's callback, the fast path); stream 2's one read must still complete
// without Drain().
TEST_P(SchedulerTest, IdlingElevatorsAreWokenByTheDeviceTimer) {
  const std::string path = TempPath("antic");
  WritePatternFile(path, 1 << 20, 9);
  // Sparse up to 64 MiB: the other stream reads far away (more than AS's
  // 8192-sector "close" window), so it cannot break the anticipation.
  ASSERT_EQ(::truncate(path.c_str(), 64 << 20), 0);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  for (const char* spec : {"anticipatory", "cfq"}) {
    SCOPED_TRACE(spec);
    SchedulerOptions o = Options(spec, 1);
    o.rotational = true;  // idling is for rotational disks
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    ASSERT_TRUE(s.ok()) << s.status();
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(2 * block, 4096);
    ASSERT_TRUE(buf.ok());
    CompletionCounter done;
    constexpr int kChain = 20;
    IoRequest chain, other;
    int chain_left = kChain;
    std::function<void(IoRequest&, const absl::Status&, uint32_t)> next;
    next = [&](IoRequest& r, const absl::Status& st, uint32_t) {
      EXPECT_TRUE(st.ok()) << st;
      done.Add();
      if (--chain_left > 0) {
        r.offset += block;
        EXPECT_TRUE((*s)->Submit(r, next).ok());
      }
    };
    chain.stream = 1;
    chain.length = block;
    chain.buffer = buf->data();
    other.stream = 2;
    other.offset = 48 << 20;
    other.length = block;
    other.buffer = buf->bytes() + block;
    ASSERT_TRUE((*s)->Submit(chain, next).ok());
    ASSERT_TRUE((*s)->Submit(other,
                             [&](IoRequest&, const absl::Status& st, uint32_t b) {
                               EXPECT_TRUE(st.ok());
                               EXPECT_EQ(b, block);
                               done.Add();
                             })
                    .ok());
    ASSERT_TRUE(done.Wait(kChain + 1)) << "a request never completed: timer not delivered?";
    ASSERT_TRUE((*s)->Drain().ok());
    if (std::string(spec) == "anticipatory") {
      // Stream 1's chain keeps breaking the anticipation (antic_hits); when
      // it ends, AS waits for it in vain and only the timer lets stream 2's
      // request go (antic_timeouts).
      std::map<std::string, int64_t> c;
      for (const auto& [k, v] : (*s)->elevator().Counters()) c[k] = v;
      EXPECT_GT(c["antic_hits"], 0);
      EXPECT_GT(c["antic_timeouts"], 0) << "no anticipation ended by the timer";
    }
  }
  ::unlink(path.c_str());
}

// EndStream() reaches the elevator on the dispatcher thread after the
// stream's earlier submissions (bfq drops the stream's queue; cfq and
// anticipatory forget the io context), from any thread including a
// completion callback; a later request of the same stream starts fresh
// state; nothing is lost or completed twice. (The elevator-side effect, the
// idle wait ending at once, is BFQ18_ExitThroughTheDispatcherEndsTheIdleWait.)
TEST_P(SchedulerTest, EndStreamReachesTheElevatorAndLosesNothing) {
  const std::string path = TempPath("endstream");
  WritePatternFile(path, 1 << 20, 5);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  for (const char* spec : {"bfq", "cfq", "anticipatory"}) {
    SCOPED_TRACE(spec);
    SchedulerOptions o = Options(spec, 2);
    o.rotational = true;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    ASSERT_TRUE(s.ok()) << s.status();
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(8 * block, 4096);
    ASSERT_TRUE(buf.ok());
    CompletionCounter done;
    std::vector<IoRequest> rqs(8);
    std::vector<int> completions(rqs.size(), 0);
    for (size_t i = 0; i < rqs.size(); ++i) {
      rqs[i].id = i;
      rqs[i].stream = 1 + static_cast<uint32_t>(i % 2);
      rqs[i].offset = static_cast<uint64_t>(i) * 8 * block;
      rqs[i].length = block;
      rqs[i].buffer = buf->bytes() + i * block;
    }
    auto cb = [&](IoRequest& r, const absl::Status& st, uint32_t) {
      EXPECT_TRUE(st.ok()) << st;
      ++completions[r.id];
      // From a callback, on the dispatcher thread: must not deadlock.
      if (r.id == 2) (*s)->EndStream(2);
      done.Add();
    };
    for (size_t i = 0; i < 4; ++i) ASSERT_TRUE((*s)->Submit(rqs[i], cb).ok());
    (*s)->EndStream(1);  // after stream 1's requests 0 and 2
    ASSERT_TRUE(done.Wait(4));
    // The ended streams submit again: new state, served as usual.
    for (size_t i = 4; i < rqs.size(); ++i) ASSERT_TRUE((*s)->Submit(rqs[i], cb).ok());
    ASSERT_TRUE(done.Wait(rqs.size()));
    ASSERT_TRUE((*s)->Drain().ok());
    for (size_t i = 0; i < rqs.size(); ++i) EXPECT_EQ(completions[i], 1) << "request " << i;
  }
  ::unlink(path.c_str());
}

TEST_P(SchedulerTest, CallbacksMayResubmitButNotDrain) {
  const std::string path = TempPath("cb");
  WritePatternFile(path, 1 << 20, 4);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  const uint32_t block = BlockOf(probe);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("noop", 1));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block, 4096);
  ASSERT_TRUE(buf.ok());
  IoRequest rq;
  rq.length = block;
  rq.buffer = buf->data();
  int left = 200;
  absl::Status drain_from_callback;
  CompletionCounter done;
  std::function<void(IoRequest&, const absl::Status&, uint32_t)> cb =
      [&](IoRequest& r, const absl::Status& st, uint32_t) {
        ASSERT_TRUE(st.ok());
        EXPECT_TRUE((*s)->OnDispatcherThread());
        if (left == 200) drain_from_callback = (*s)->Drain();
        if (--left > 0) {
          r.offset = (r.offset + block) % (1 << 20);
          ASSERT_TRUE((*s)->Submit(r, cb).ok());
        } else {
          done.Add();
        }
      };
  ASSERT_TRUE((*s)->Submit(rq, cb).ok());
  ASSERT_TRUE(done.Wait(1));
  EXPECT_EQ(drain_from_callback.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*s)->completed(), 200u);
  ::unlink(path.c_str());
}

TEST_P(SchedulerTest, BackendCanBeForcedAndIsReported) {
  const std::string path = TempPath("be");
  WritePatternFile(path, 1 << 16, 4);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options());
  if (!s.ok() && s.status().code() == absl::StatusCode::kFailedPrecondition) {
    GTEST_SKIP() << s.status();
  }
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->backend(), GetParam());
  EXPECT_EQ((*s)->fallback_reason(), "");  // forced: nothing fell back
  ::unlink(path.c_str());
}

TEST_P(SchedulerTest, RegisteredBuffersAreUsedWhenAvailable) {
  const std::string path = TempPath("fixed");
  WritePatternFile(path, 1 << 20, 6);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  const uint32_t block = BlockOf(f);
  SteadyClock clock;
  DirectDevice::Options o;
  o.backend = GetParam();
  o.depth = 4;
  absl::StatusOr<std::unique_ptr<DirectDevice>> dev = DirectDevice::Create(o, &clock);
  ASSERT_TRUE(dev.ok()) << dev.status();
  absl::StatusOr<std::unique_ptr<BufferPool>> pool = BufferPool::Create(4, block, 4096);
  ASSERT_TRUE(pool.ok());
  absl::Status reg = (*dev)->RegisterBuffers(**pool);
  if (GetParam() == IoBackendKind::kPsync) {
    EXPECT_FALSE(reg.ok());
    return;
  }
  if (!reg.ok()) GTEST_SKIP() << "kernel refused registered buffers: " << reg;
  // Drive the device with a bare Dispatcher on this thread.
  absl::StatusOr<std::unique_ptr<Elevator>> elv = MakeElevator("noop");
  ASSERT_TRUE(elv.ok());
  Dispatcher d(elv->get(), dev->get(), &clock, {4});
  (*dev)->set_dispatcher(&d);
  int completed = 0;
  d.set_completion([&](Request& r) {
    EXPECT_EQ(r.error, 0);
    EXPECT_EQ(r.bytes_done, block);
    ++completed;
  });
  std::vector<Request> rq(4);
  for (int i = 0; i < 4; ++i) {
    rq[i].fd = f.fd();
    rq[i].offset = uint64_t{block} * (3 * i);
    rq[i].length = block;
    rq[i].sector = rq[i].offset / 512;
    rq[i].sectors = block / 512;
    rq[i].buffer = (*pool)->TryAcquire();
    d.Submit(rq[i]);
  }
  while (completed < 4) (*dev)->Poll(true);
  EXPECT_EQ((*dev)->stats().fixed_buffer_ios, 4u);
  for (int i = 0; i < 4; ++i) {
    const auto* p = static_cast<const uint8_t*>(rq[i].buffer);
    for (uint32_t j = 0; j < block; ++j) ASSERT_EQ(p[j], PatternByte(rq[i].offset + j, 6));
  }
  ::unlink(path.c_str());
}

// Plug(), Submit() × n, Drain() from one thread: the whole batch is in the
// elevator before the plug is released, however the dispatcher thread
// interleaves with the submissions, so adjacent requests always become one
// unit. (Drain/Unplug take effect only after the loop has taken every
// request pushed before them.)
TEST_P(SchedulerTest, PluggedBatchMergesAsAWholeEveryTime) {
  const std::string path = TempPath("plug");
  WritePatternFile(path, 1 << 20, 17);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  const uint32_t block = BlockOf(f);
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, Options("noop", 4));
  ASSERT_TRUE(s.ok()) << s.status();
  constexpr int kRounds = 1000, kBatch = 8;
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(size_t{kBatch} * block, 4096);
  ASSERT_TRUE(buf.ok());
  std::vector<IoRequest> rq(kBatch);
  std::vector<size_t> order(kBatch);
  std::iota(order.begin(), order.end(), 0);
  uint64_t split_rounds = 0;
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t units0 = (*s)->device_stats().units;
    for (int i = 0; i < kBatch; ++i) {
      rq[i].offset = uint64_t{block} * (kBatch * (round % 64) + i);
      rq[i].length = block;
      rq[i].buffer = buf->bytes() + size_t{block} * i;
    }
    for (const Outcome& o : RunBatch(**s, rq, order)) ASSERT_TRUE(o.status.ok() && o.calls == 1);
    split_rounds += (*s)->device_stats().units - units0 != 1;
  }
  EXPECT_EQ(split_rounds, 0u) << "a plugged batch was dispatched before it was complete";
  ::unlink(path.c_str());
}

// The same through the public API: SchedulerOptions::register_pool.
TEST_P(SchedulerTest, SchedulerRegistersThePoolOnItsDispatcherThread) {
  const std::string path = TempPath("fixed2");
  WritePatternFile(path, 1 << 20, 16);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  const uint32_t block = BlockOf(f);
  constexpr int kN = 16;
  absl::StatusOr<std::unique_ptr<BufferPool>> pool = BufferPool::Create(kN, block, 4096);
  ASSERT_TRUE(pool.ok());
  SchedulerOptions o = Options("noop", 4);
  o.register_pool = pool->get();
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  const absl::Status reg = (*s)->registered_buffers();
  if (GetParam() == IoBackendKind::kPsync) {
    EXPECT_EQ(reg.code(), absl::StatusCode::kFailedPrecondition) << reg;
  } else if (!reg.ok()) {
    GTEST_SKIP() << "kernel refused registered buffers: " << reg;
  }
  std::vector<IoRequest> rq(kN);
  for (int i = 0; i < kN; ++i) {
    rq[i].offset = uint64_t{block} * (2 * i);  // apart: no merging, one segment each
    rq[i].length = block;
    rq[i].buffer = (*pool)->TryAcquire();
    ASSERT_NE(rq[i].buffer, nullptr);
  }
  std::vector<size_t> order(kN);
  std::iota(order.begin(), order.end(), 0);
  for (const Outcome& out : RunBatch(**s, rq, order)) {
    ASSERT_EQ(out.calls, 1);
    ASSERT_TRUE(out.status.ok()) << out.status;
    ASSERT_EQ(out.bytes, block);
  }
  for (int i = 0; i < kN; ++i) {
    const auto* p = static_cast<const uint8_t*>(rq[i].buffer);
    for (uint32_t j = 0; j < block; ++j) ASSERT_EQ(p[j], PatternByte(rq[i].offset + j, 16));
  }
  EXPECT_EQ((*s)->device_stats().fixed_buffer_ios,
            GetParam() == IoBackendKind::kIoUring ? uint64_t{kN} : 0u);
  // Without a pool, nothing is registered and the status says so.
  absl::StatusOr<std::unique_ptr<Scheduler>> plain = Scheduler::Open(path, Options("noop", 4));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)->registered_buffers().code(), absl::StatusCode::kFailedPrecondition);
  ::unlink(path.c_str());
}

// SchedulerOptions::submit_batch: a plugged batch of 16 transfers, issued
// in one dispatcher turn, reaches the kernel in 16 io_uring_enter calls
// with 1 (the default), in 4 with 4, and in one with 0. Every request
// completes once with its own bytes either way.
TEST_P(SchedulerTest, SubmitBatchSetsTransfersPerKernelCall) {
  const std::string path = TempPath("batch");
  WritePatternFile(path, 1 << 20, 9);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  const uint32_t block = BlockOf(f);
  constexpr int kN = 16;
  for (uint32_t batch : {1u, 4u, 0u}) {
    SchedulerOptions o = Options("noop", kN);
    o.submit_batch = batch;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    ASSERT_TRUE(s.ok()) << s.status();
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(size_t{kN} * block, 4096);
    ASSERT_TRUE(buf.ok());
    std::vector<IoRequest> rq(kN);
    std::vector<size_t> order(kN);
    std::iota(order.begin(), order.end(), 0);
    for (int i = 0; i < kN; ++i) {
      rq[i].offset = uint64_t{block} * (2 * i);  // gaps: no two merge
      rq[i].length = block;
      rq[i].buffer = buf->bytes() + size_t{block} * i;
    }
    const uint64_t submits0 = (*s)->device_stats().kernel_submits;
    for (const Outcome& out : RunBatch(**s, rq, order)) {
      ASSERT_TRUE(out.status.ok() && out.calls == 1 && out.bytes == block) << out.status;
    }
    for (int i = 0; i < kN; ++i) {
      const auto* p = reinterpret_cast<const uint8_t*>(rq[i].buffer);
      for (uint32_t j = 0; j < block; ++j) ASSERT_EQ(p[j], PatternByte(rq[i].offset + j, 9));
    }
    EXPECT_EQ((*s)->device_stats().units, uint64_t{kN});
    const uint64_t submits = (*s)->device_stats().kernel_submits - submits0;
    if (GetParam() == IoBackendKind::kPsync) {
      EXPECT_EQ(submits, 0u) << "psync has no submission ring";
    } else if (batch == 1) {
      EXPECT_EQ(submits, uint64_t{kN});
    } else if (batch == 4) {
      EXPECT_EQ(submits, uint64_t{kN / 4});
    } else {
      EXPECT_EQ(submits, 1u);
    }
  }
  ::unlink(path.c_str());
}

// ---- Error paths in a child process (rlimits, seccomp) ----------------------

// A write beyond RLIMIT_FSIZE fails with EFBIG; the error must reach the
// callback with the errno and a message naming the file.
TEST_P(SchedulerTest, PerRequestErrorsReachTheCallback) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string path = TempPath("efbig");
  const IoBackendKind backend = GetParam();
  auto child = [&] {
    ::signal(SIGXFSZ, SIG_IGN);
    SchedulerOptions o;
    o.backend = backend;
    o.target.writable = true;
    o.target.create = true;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    if (!s.ok()) {
      std::fprintf(stderr, "open: %s\n", std::string(s.status().message()).c_str());
      std::_Exit(s.status().code() == absl::StatusCode::kFailedPrecondition ? 0 : 3);
    }
    const uint32_t block = BlockOf(*(*s)->target());
    struct rlimit lim = {8 * block, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) std::_Exit(4);
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block, 4096);
    IoRequest rq;
    rq.op = Op::kWrite;
    rq.offset = 16 * uint64_t{block};
    rq.length = block;
    rq.buffer = buf->data();
    absl::Status got;
    uint32_t bytes = 99;
    if (!(*s)->Submit(rq,
                      [&](IoRequest&, const absl::Status& st, uint32_t b) {
                        got = st;
                        bytes = b;
                      })
             .ok()) {
      std::_Exit(5);
    }
    (*s)->Drain().IgnoreError();
    const std::string msg(got.message());
    std::fprintf(stderr, "status: %s\n", got.ToString().c_str());
    const bool good = rq.error == EFBIG && bytes == 0 && !got.ok() &&
                      msg.find(path) != std::string::npos && msg.find("write") != std::string::npos;
    std::_Exit(good ? 0 : 1);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "");
  ::unlink(path.c_str());
}

#if IOSCHED_HAVE_SECCOMP_UTIL
// Blocks io_uring_setup with `err`, as a container seccomp profile does.
bool BlockIoUring(int err) { return FailSyscall(__NR_io_uring_setup, err); }

class FallbackTest : public ::testing::TestWithParam<int> {};

TEST_P(FallbackTest, AutoFallsBackToPsyncWithTheReason) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const int err = GetParam();
  const std::string path = TempPath("fallback");
  WritePatternFile(path, 1 << 16, 8);
  auto child = [&] {
    if (!BlockIoUring(err)) std::_Exit(6);
    SchedulerOptions o;  // backend kAuto
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
    if (!s.ok()) std::_Exit(s.status().code() == absl::StatusCode::kFailedPrecondition ? 0 : 3);
    std::fprintf(stderr, "reason: %s\n", (*s)->fallback_reason().c_str());
    if ((*s)->backend() != IoBackendKind::kPsync) std::_Exit(1);
    if ((*s)->fallback_reason().find("io_uring") == std::string::npos) std::_Exit(2);
    if ((*s)->fallback_reason().find(std::strerror(err)) == std::string::npos) std::_Exit(7);
    // And I/O works on the fallback.
    const uint32_t block = BlockOf(*(*s)->target());
    absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(block, 4096);
    IoRequest rq;
    rq.length = block;
    rq.buffer = buf->data();
    bool ok = false;
    if (!(*s)->Submit(rq, [&](IoRequest&, const absl::Status& st,
                              uint32_t b) { ok = st.ok() && b == block; })
             .ok()) {
      std::_Exit(8);
    }
    (*s)->Drain().IgnoreError();
    if (!ok || buf->bytes()[0] != PatternByte(0, 8)) std::_Exit(9);
    // Forcing io_uring now fails instead of falling back.
    o.backend = IoBackendKind::kIoUring;
    absl::StatusOr<std::unique_ptr<Scheduler>> forced = Scheduler::Open(path, o);
    std::_Exit(forced.ok() ? 10 : 0);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "reason: io_uring");
  ::unlink(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Errnos, FallbackTest, ::testing::Values(ENOSYS, EPERM, ENOMEM),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return i.param == ENOSYS  ? std::string("ENOSYS")
                                  : i.param == EPERM ? std::string("EPERM")
                                                     : std::string("ENOMEM");
                         });
#endif

}  // namespace
}  // namespace iosched
