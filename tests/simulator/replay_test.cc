// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "request_pool.h"
#include "sim_test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Rec;
using ::iosched::testing::RecordingDisk;
using ::iosched::testing::SyntheticTrace;
using ::iosched::testing::VectorTraceReader;

constexpr int64_t kMs = 1'000'000;

std::unique_ptr<Elevator> Elv(const char* spec) {
  auto e = MakeElevator(spec);
  EXPECT_TRUE(e.ok()) << e.status();
  return std::move(*e);
}

std::unique_ptr<DiskModel> Disk(const char* preset) {
  auto d = MakeDiskModel(preset);
  EXPECT_TRUE(d.ok()) << d.status();
  return std::move(*d);
}

const char* ModeName(ReplayMode m) {
  switch (m) {
    case ReplayMode::kOpen:
      return "open";
    case ReplayMode::kClosed:
      return "closed";
    case ReplayMode::kBatch:
      return "batch";
  }
  return "?";
}

TEST(ReplayTest, EveryRequestCompletesExactlyOnce) {
  for (const char* preset : {"hp-c2247a", "ssd"}) {
    for (const char* spec : {"noop", "linus"}) {
      for (ReplayMode mode : {ReplayMode::kOpen, ReplayMode::kClosed, ReplayMode::kBatch}) {
        for (uint32_t depth : {1u, 4u}) {
          SCOPED_TRACE(::testing::Message()
                       << preset << " " << spec << " " << ModeName(mode) << " depth " << depth);
          auto disk = Disk(preset);
          auto elevator = Elv(spec);
          VectorTraceReader reader(SyntheticTrace(250, 1'500'000));
          ReplayOptions opt;
          opt.mode = mode;
          opt.depth = depth;
          absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, opt);
          ASSERT_TRUE(r.ok()) << r.status();
          EXPECT_EQ(r->records, 250u);
          EXPECT_EQ(r->summary.submitted, 250u);
          EXPECT_EQ(r->summary.completed, 250u);
          EXPECT_EQ(r->summary.errors, 0u);
          EXPECT_EQ(r->summary.read.count + r->summary.write.count, 250u);
          EXPECT_LE(r->summary.issued, 250u);
          EXPECT_EQ(r->summary.issued + r->summary.merges, 250u);
          EXPECT_TRUE(elevator->Empty());
          EXPECT_GT(r->end_time, Time{0});
          EXPECT_EQ(r->forced_drains, 0u);
          if (std::string_view(preset) == "hp-c2247a") {
            EXPECT_GT(r->seek_time_total, Duration{0});
          }
        }
      }
    }
  }
}

TEST(ReplayTest, CapacityErrorNamesTraceLineAndDisk) {
  auto disk = Disk("hp-c2247a");
  auto elevator = Elv("noop");
  VectorTraceReader reader({Rec(0, TraceOp::kRead, 0, 8), Rec(1, TraceOp::kRead, 16, 8),
                            Rec(2, TraceOp::kWrite, 2054864 - 4, 8)});
  ReplayOptions opt;
  opt.trace_name = "t.trace";
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "t.trace:3: request [1052088320, +4096) ends beyond the capacity of hp-c2247a "
            "(1052090368 bytes); use --fit wrap or --fit scale");
}

TEST(ReplayTest, WrapKeepsRequestsInRange) {
  RecordingDisk disk(10'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader({Rec(0, TraceOp::kRead, 25'003, 8), Rec(1, TraceOp::kRead, 9'990, 32),
                            Rec(2, TraceOp::kRead, 101, 8), Rec(3, TraceOp::kWrite, 123'456, 40)});
  ReplayOptions opt;
  opt.fit = FitPolicy::kWrap;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, disk, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out_of_range, 3u);
  ASSERT_EQ(disk.calls.size(), 4u);
  for (const auto& c : disk.calls) EXPECT_LE(c.sector + c.sectors, 10'000u);
  EXPECT_EQ(disk.calls[0].sector, 5000u);  // 25003 mod 10000 = 5003 → 5000
  EXPECT_EQ(disk.calls[0].sectors, 8u);
  EXPECT_EQ(disk.calls[1].sector, 9984u);  // 9990 → 9984, clipped to 16
  EXPECT_EQ(disk.calls[1].sectors, 16u);
  EXPECT_EQ(disk.calls[2].sector, 101u);  // in range: untouched
  EXPECT_EQ(disk.calls[3].sector, 3456u);
  EXPECT_EQ(disk.calls[3].sectors, 40u);
}

TEST(ReplayTest, ScaleKeepsRequestsInRange) {
  RecordingDisk disk(10'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader({Rec(0, TraceOp::kRead, 25'000, 8), Rec(1, TraceOp::kRead, 100, 8),
                            Rec(2, TraceOp::kRead, 39'992, 8)});
  ReplayOptions opt;
  opt.fit = FitPolicy::kScale;
  opt.trace_max_end = 40'000 * 512;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, disk, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out_of_range, 2u);
  ASSERT_EQ(disk.calls.size(), 3u);
  for (const auto& c : disk.calls) EXPECT_LE(c.sector + c.sectors, 10'000u);
  EXPECT_EQ(disk.calls[0].sector, 6248u);  // 25000 / 4 = 6250 → 6248
  EXPECT_EQ(disk.calls[1].sector, 24u);    // 100 / 4 = 25 → 24
  EXPECT_EQ(disk.calls[2].sector, 9992u);  // 39992 / 4 = 9998 → 9992
  EXPECT_EQ(disk.calls[2].sectors, 8u);
}

TEST(ReplayTest, ScaleNeedsTheTraceMaximum) {
  RecordingDisk disk(10'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader({Rec(0, TraceOp::kRead, 0, 8)});
  ReplayOptions opt;
  opt.fit = FitPolicy::kScale;
  EXPECT_EQ(Replay(reader, *elevator, disk, opt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReplayTest, UnalignedBytesRoundOutToSectors) {
  RecordingDisk disk(10'000, Duration{kMs});
  auto elevator = Elv("noop");
  TraceRecord rec;
  rec.offset = 1000;  // sector 1, byte 488 of it
  rec.length = 100;   // ends at byte 1100 → inside sector 2
  VectorTraceReader reader({rec});
  ASSERT_TRUE(Replay(reader, *elevator, disk, ReplayOptions{}).ok());
  ASSERT_EQ(disk.calls.size(), 1u);
  EXPECT_EQ(disk.calls[0].sector, 1u);
  EXPECT_EQ(disk.calls[0].sectors, 2u);
}

std::vector<uint64_t> ServedSectors(const char* spec, ReplayMode mode) {
  RecordingDisk disk(1'000'000, Duration{kMs});
  auto elevator = Elv(spec);
  std::vector<TraceRecord> recs;
  for (uint64_t s : {5000, 1000, 9000, 3000, 7000, 2000, 8000, 4000}) {
    recs.push_back(Rec(0, TraceOp::kRead, s, 8));
  }
  VectorTraceReader reader(recs);
  ReplayOptions opt;
  opt.mode = mode;
  opt.depth = 1;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, disk, opt);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<uint64_t> out;
  for (const auto& c : disk.calls) out.push_back(c.sector);
  return out;
}

TEST(ReplayTest, LinusSortsOneWayWhileNoopKeepsArrivalOrder) {
  for (ReplayMode mode : {ReplayMode::kBatch, ReplayMode::kOpen}) {
    SCOPED_TRACE(ModeName(mode));
    EXPECT_EQ(ServedSectors("noop", mode),
              (std::vector<uint64_t>{5000, 1000, 9000, 3000, 7000, 2000, 8000, 4000}));
    // The first request finds an idle disk and goes at once; the rest were
    // sorted while it was served and go in one ascending sweep.
    EXPECT_EQ(ServedSectors("linus", mode),
              (std::vector<uint64_t>{5000, 1000, 2000, 3000, 4000, 7000, 8000, 9000}));
  }
}

TEST(ReplayTest, LinusSeeksLessThanNoopOnTheHpDisk) {
  double seek_mean[2];
  Duration seek_time[2];
  int i = 0;
  for (const char* spec : {"noop", "linus"}) {
    auto disk = Disk("hp-c2247a");
    auto elevator = Elv(spec);
    std::vector<TraceRecord> recs = SyntheticTrace(400, 2'000'000);
    for (TraceRecord& r : recs) r.time_ns = 0;
    VectorTraceReader reader(recs);
    ReplayOptions opt;
    opt.mode = ReplayMode::kBatch;
    absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, opt);
    ASSERT_TRUE(r.ok()) << r.status();
    seek_mean[i] = r->summary.seek_mean_sectors;
    seek_time[i] = r->seek_time_total;
    ++i;
  }
  EXPECT_LT(seek_mean[1], seek_mean[0] / 4);
  EXPECT_LT(seek_time[1], seek_time[0]);
}

TEST(ReplayTest, OpenModeClampsBackwardTimestamps) {
  RecordingDisk disk(10'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader({Rec(0, TraceOp::kRead, 0, 8), Rec(5 * kMs, TraceOp::kRead, 80, 8),
                            Rec(3 * kMs, TraceOp::kRead, 800, 8)});
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, disk, ReplayOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->clamped_arrivals, 1u);
  ASSERT_EQ(disk.calls.size(), 3u);
  EXPECT_EQ(disk.calls[1].now, Time{5 * kMs});
  EXPECT_EQ(disk.calls[2].now, Time{6 * kMs});  // arrived at 5 ms, behind the second
  EXPECT_EQ(r->end_time, Time{7 * kMs});
}

TEST(ReplayTest, OpenModeTimeScale) {
  RecordingDisk disk(10'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader({Rec(0, TraceOp::kRead, 0, 8), Rec(10 * kMs, TraceOp::kRead, 80, 8)});
  ReplayOptions opt;
  opt.time_scale = 0.5;
  ASSERT_TRUE(Replay(reader, *elevator, disk, opt).ok());
  ASSERT_EQ(disk.calls.size(), 2u);
  EXPECT_EQ(disk.calls[1].now, Time{5 * kMs});
}

TEST(ReplayTest, MaxRequestsStopsEarly) {
  auto disk = Disk("ssd");
  auto elevator = Elv("noop");
  VectorTraceReader reader(SyntheticTrace(50, 100'000));
  ReplayOptions opt;
  opt.max_requests = 10;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->records, 10u);
  EXPECT_EQ(r->summary.completed, 10u);
}

// Fails (stickily) when asked for record `bad` (0-based), after the ones
// before it; and counts how many records were asked for.
class BadRecordReader final : public TraceReader {
 public:
  BadRecordReader(std::vector<TraceRecord> records, size_t bad)
      : inner_(std::move(records)), bad_(bad) {}
  absl::StatusOr<bool> Next(TraceRecord* out) override {
    ++asked_;
    if (pos_ == bad_) return absl::InvalidArgumentError("trace.txt:42: bad line");
    ++pos_;
    return inner_.Next(out);
  }
  std::string_view format() const override { return "vector"; }
  std::string_view time_unit() const override { return "ns"; }
  size_t asked() const { return asked_; }

 private:
  VectorTraceReader inner_;
  size_t bad_;
  size_t pos_ = 0, asked_ = 0;
};

TEST(ReplayTest, ReadsNoRecordBeyondMaxRequests) {
  // The replay reads records in batches; one past max_requests is never
  // read, so a bad line there does not fail the run.
  auto disk = Disk("ssd");
  auto elevator = Elv("noop");
  BadRecordReader reader(SyntheticTrace(500, 100'000), /*bad=*/100);
  ReplayOptions opt;
  opt.max_requests = 100;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->records, 100u);
  EXPECT_EQ(r->summary.completed, 100u);
  EXPECT_EQ(reader.asked(), 100u);
  // Without the cap the same record fails the replay, after the 100 before it.
  BadRecordReader again(SyntheticTrace(500, 100'000), /*bad=*/100);
  absl::StatusOr<ReplayResult> failed = Replay(again, *Elv("noop"), *Disk("ssd"), ReplayOptions{});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "trace.txt:42: bad line");
}

// Issue times seen by a serial 1 ms disk for a closed-loop replay.
std::vector<int64_t> ClosedIssueTimes(std::vector<TraceRecord> recs, ReplayOptions opt = {}) {
  RecordingDisk disk(1'000'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader(std::move(recs));
  opt.mode = ReplayMode::kClosed;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, disk, opt);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<int64_t> out;
  for (const auto& c : disk.calls) out.push_back(c.now.count());
  return out;
}

TEST(ReplayClosedTest, RecordedThinkTimeFollowsTheCompletion) {
  // DiskSim validate style: think_ns is the idle gap after the request.
  std::vector<TraceRecord> recs = {Rec(0, TraceOp::kRead, 0, 8), Rec(0, TraceOp::kRead, 80, 8),
                                   Rec(0, TraceOp::kWrite, 800, 8)};
  recs[0].think_ns = 2 * kMs;
  recs[1].think_ns = 0;
  recs[2].think_ns = 7 * kMs;
  EXPECT_EQ(ClosedIssueTimes(recs), (std::vector<int64_t>{0, 3 * kMs, 4 * kMs}));
}

TEST(ReplayClosedTest, ThinkFromTimestampsMinusRecordedResponse) {
  std::vector<TraceRecord> recs = {Rec(0, TraceOp::kRead, 0, 8),
                                   Rec(5 * kMs, TraceOp::kRead, 80, 8)};
  recs[0].response_ns = kMs / 2;
  // think = 5 − 0.5 = 4.5 ms after the simulated completion at 1 ms.
  EXPECT_EQ(ClosedIssueTimes(recs), (std::vector<int64_t>{0, 5 * kMs + kMs / 2}));
  recs[0].response_ns.reset();
  EXPECT_EQ(ClosedIssueTimes(recs), (std::vector<int64_t>{0, 6 * kMs}));
  // A response longer than the gap gives no think time (clamped at 0).
  recs[0].response_ns = 9 * kMs;
  EXPECT_EQ(ClosedIssueTimes(recs), (std::vector<int64_t>{0, kMs}));
}

TEST(ReplayClosedTest, ThinkTimeIsCapped) {
  std::vector<TraceRecord> recs = {Rec(0, TraceOp::kRead, 0, 8),
                                   Rec(10'000 * kMs, TraceOp::kRead, 80, 8)};
  EXPECT_EQ(ClosedIssueTimes(recs), (std::vector<int64_t>{0, 1001 * kMs}));  // 1 s cap
  ReplayOptions opt;
  opt.think_cap = Duration{100 * kMs};
  EXPECT_EQ(ClosedIssueTimes(recs, opt), (std::vector<int64_t>{0, 101 * kMs}));
}

TEST(ReplayClosedTest, StreamsRunTheirOwnLoops) {
  // Stream 1: t = 0, 1 ms. Stream 2: t = 0.5 ms, 0.6 ms. Serial 1 ms disk.
  std::vector<TraceRecord> recs = {
      Rec(0, TraceOp::kRead, 1000, 8, 1), Rec(kMs / 2, TraceOp::kRead, 2000, 8, 2),
      Rec(kMs / 2 + kMs / 10, TraceOp::kRead, 2100, 8, 2), Rec(kMs, TraceOp::kRead, 1100, 8, 1)};
  RecordingDisk disk(1'000'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader(recs);
  ReplayOptions opt;
  opt.mode = ReplayMode::kClosed;
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, disk, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  // 1000 at 0 (done 1 ms); 2000 arrived at 0.5 ms, issued at 1 ms (done 2 ms);
  // 1100 arrives at 1 + 1 = 2 ms, issued at 2 ms; 2100 arrives at
  // 2 + 0.1 ms and waits for the disk until 3 ms.
  std::vector<std::pair<uint64_t, int64_t>> got;
  for (const auto& c : disk.calls) got.emplace_back(c.sector, c.now.count());
  EXPECT_EQ(got, (std::vector<std::pair<uint64_t, int64_t>>{
                     {1000, 0}, {2000, kMs}, {1100, 2 * kMs}, {2100, 3 * kMs}}));
  ASSERT_EQ(r->summary.streams.size(), 2u);
  // Stream 2's second request waited 0.9 ms in the queue.
  EXPECT_NEAR(r->summary.streams[1].lat_max_ms, 1.9, 1e-9);
}

TEST(ReplayClosedTest, WindowOfOneIsOneLookAhead) {
  std::vector<TraceRecord> recs = SyntheticTrace(60, 100'000);
  ReplayOptions opt;
  opt.closed_window = 1;
  std::vector<int64_t> a = ClosedIssueTimes(recs, opt);
  EXPECT_EQ(a.size(), 60u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
}

// A writer stream of `n` writes (think 0, not contiguous, so no merging) and
// a reader stream of 3 reads, on a serial 1 ms disk.
std::vector<TraceRecord> WriterAndReader(int n) {
  std::vector<TraceRecord> recs;
  for (int i = 0; i < n; ++i) {
    recs.push_back(Rec(0, TraceOp::kWrite, 1000 + 100 * i, 8, /*stream=*/1));
    recs.back().think_ns = 0;
  }
  for (int i = 0; i < 3; ++i) {
    recs.push_back(Rec(0, TraceOp::kRead, 90'000 + 100 * i, 8, /*stream=*/2));
    recs.back().think_ns = 0;
  }
  return recs;
}

absl::StatusOr<ReplayResult> ReplayClosed(std::vector<TraceRecord> recs, uint32_t async_writes) {
  RecordingDisk disk(1'000'000, Duration{kMs});
  auto elevator = Elv("noop");
  VectorTraceReader reader(std::move(recs));
  ReplayOptions opt;
  opt.mode = ReplayMode::kClosed;
  opt.closed_async_writes = async_writes;
  return Replay(reader, *elevator, disk, opt);
}

TEST(ReplayClosedTest, StrictClosedLoopHasOneWriteOutstanding) {
  absl::StatusOr<ReplayResult> r = ReplayClosed(WriterAndReader(8), 0);
  ASSERT_TRUE(r.ok()) << r.status();
  // Two streams, one request each at a time on a serial disk: a request
  // waits at most for the other stream's one request.
  EXPECT_EQ(r->summary.completed, 11u);
  EXPECT_LE(r->summary.write.lat_max_ms, 2.0 + 1e-9);
  EXPECT_LE(r->summary.read.lat_max_ms, 2.0 + 1e-9);
}

TEST(ReplayClosedTest, AsyncWritesFloodTheQueueUpToTheLimit) {
  for (uint32_t limit : {1u, 4u, 16u}) {
    SCOPED_TRACE(limit);
    // Writes alone: `limit` writes arrive at once, then one per completion,
    // so under noop's FIFO every write from the limit-th on waits for
    // limit − 1 others: latency = limit ms exactly.
    std::vector<TraceRecord> writes = WriterAndReader(40);
    writes.resize(40);
    absl::StatusOr<ReplayResult> r = ReplayClosed(writes, limit);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->summary.completed, 40u);
    EXPECT_DOUBLE_EQ(r->summary.write.lat_max_ms, static_cast<double>(limit));
  }
}

TEST(ReplayClosedTest, ReadsBehindAsyncWritesWaitForTheQueue) {
  // With 16 writes queued ahead, noop makes the first read wait for them;
  // reads still wait for their own completion (3 reads, each behind the
  // writes queued when it arrives).
  absl::StatusOr<ReplayResult> r = ReplayClosed(WriterAndReader(40), 16);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.completed, 43u);
  EXPECT_EQ(r->summary.read.count, 3u);
  EXPECT_GE(r->summary.read.lat_max_ms, 16.0);
  EXPECT_LE(r->summary.write.lat_max_ms, 18.0 + 1e-9);  // 16 writes + 1 read ahead (+ slack 1)
}

TEST(ReplayClosedTest, RecordsWithoutStreamAreCountedAndShareOneLoop) {
  std::vector<TraceRecord> recs = SyntheticTrace(30, 100'000);
  for (TraceRecord& r : recs) r.stream.reset();
  recs[0].stream = 7;
  absl::StatusOr<ReplayResult> r = ReplayClosed(recs, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->records_without_stream, 29u);
  ASSERT_EQ(r->summary.streams.size(), 2u);  // stream 0 and stream 7
  EXPECT_EQ(r->summary.streams[0].id, 0u);
  EXPECT_EQ(r->summary.streams[0].count, 29u);
}

TEST(ReplayClosedTest, PerOpThroughputIsOverTheOpsOwnSpan) {
  // noop FIFO on the serial 1 ms disk alternates the two loops: w0 0–1,
  // r0 1–2, w1 2–3, r1 3–4, w2 4–5, r2 5–6 ms; the writes run on to 43 ms.
  // read MB/s is over the reads' own span (0–6 ms), the overall MB/s over
  // the whole run.
  absl::StatusOr<ReplayResult> r = ReplayClosed(WriterAndReader(40), 0);
  ASSERT_TRUE(r.ok()) << r.status();
  const Summary& x = r->summary;
  EXPECT_GT(x.span_s, 0.040);
  EXPECT_DOUBLE_EQ(x.read.mb_s, x.read.bytes / 1e6 / 0.006);
  EXPECT_DOUBLE_EQ(x.span_s, 0.043);
  EXPECT_NEAR(x.write.mb_s, x.write.bytes / 1e6 / x.span_s, x.write.mb_s * 0.1);
}

class FailingReader final : public TraceReader {
 public:
  absl::StatusOr<bool> Next(TraceRecord* out) override {
    if (n_ == 3) return absl::InvalidArgumentError("bad.trace:4: expected a number, got 'x'");
    *out = Rec(int64_t{n_} * 1000, TraceOp::kRead, 8 * 1000 * n_, 8);
    ++n_;
    return true;
  }
  std::string_view format() const override { return "failing"; }
  std::string_view time_unit() const override { return "ns"; }

 private:
  int n_ = 0;
};

TEST(ReplayTest, ReaderErrorsStopTheReplay) {
  for (ReplayMode mode : {ReplayMode::kOpen, ReplayMode::kClosed, ReplayMode::kBatch}) {
    auto disk = Disk("hp-c2247a");
    auto elevator = Elv("linus");
    FailingReader reader;
    ReplayOptions opt;
    opt.mode = mode;
    absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, opt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "bad.trace:4: expected a number, got 'x'");
    EXPECT_TRUE(elevator->Empty());
  }
}

TEST(ReplayTest, RejectsBadOptions) {
  auto disk = Disk("ssd");
  auto elevator = Elv("noop");
  VectorTraceReader reader({});
  ReplayOptions opt;
  opt.depth = 0;
  EXPECT_EQ(Replay(reader, *elevator, *disk, opt).status().code(),
            absl::StatusCode::kInvalidArgument);
  opt.depth = 1;
  opt.time_scale = 0;
  EXPECT_EQ(Replay(reader, *elevator, *disk, opt).status().code(),
            absl::StatusCode::kInvalidArgument);
  opt.time_scale = 1;
  opt.closed_async_writes = (1u << 20) + 1;
  EXPECT_EQ(Replay(reader, *elevator, *disk, opt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReplayTest, EmptyTraceIsFine) {
  auto disk = Disk("ssd");
  auto elevator = Elv("noop");
  VectorTraceReader reader({});
  absl::StatusOr<ReplayResult> r = Replay(reader, *elevator, *disk, ReplayOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.completed, 0u);
}

TEST(RequestPoolTest, RecyclesWithoutGrowing) {
  sim::RequestPool pool(64);
  std::vector<sim::RequestSlot*> held;
  for (int i = 0; i < 100; ++i) held.push_back(pool.Acquire());
  EXPECT_EQ(pool.chunks(), 2u);
  EXPECT_EQ(pool.live(), 100u);
  for (sim::RequestSlot* s : held) pool.Release(s);
  EXPECT_EQ(pool.live(), 0u);
  EXPECT_EQ(pool.FirstLive(), nullptr);
  for (int round = 0; round < 10; ++round) {
    held.clear();
    for (int i = 0; i < 100; ++i) {
      sim::RequestSlot* s = pool.Acquire();
      EXPECT_EQ(s->rq.user, s);
      EXPECT_EQ(s->rq.state(), RequestState::kNew);
      held.push_back(s);
    }
    for (sim::RequestSlot* s : held) pool.Release(s);
  }
  EXPECT_EQ(pool.chunks(), 2u);
}

}  // namespace
}  // namespace iosched
