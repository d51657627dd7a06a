// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RunRealReplay (iosched/real_replay.h) called directly, without the
// command line: real O_DIRECT files in the test temp dir, real traces
// written as MSR CSV, every mode, the safety rules and the offset policy.

#include "iosched/real_replay.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "direct/direct_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace_pipeline.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using testing_direct::MsrTrace;
using testing_direct::TempPath;

TraceOpener OpenerFor(const std::string& path) {
  return [path] { return OpenTracePipeline({path}, TraceReadOptions{}, TraceTransform{}); };
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

class RealReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target_ = TempPath("target");
    testing_direct::WritePatternFile(target_, 4 << 20, 7);
    // Skip (with the reason) where the temp dir has no O_DIRECT.
    IOSCHED_OPEN_DIRECT_OR_SKIP(probe, target_, DirectFile::Options{});
  }
  RealReplayOptions Options(const std::string& trace) {
    RealReplayOptions o;
    o.target = target_;
    o.trace_name = trace;
    o.time_scale = 0.001;
    return o;
  }
  std::string target_;
};

TEST_F(RealReplayTest, EveryModeCompletesEveryRecordExactlyOnce) {
  const std::string trace = MsrTrace("reads.csv", 150, 0);
  for (ReplayMode mode : {ReplayMode::kOpen, ReplayMode::kClosed, ReplayMode::kBatch}) {
    RealReplayOptions o = Options(trace);
    o.mode = mode;
    o.elevator = "deadline";
    o.depth = 4;
    absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor(trace), o);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->records, 150u);
    EXPECT_EQ(r->summary.submitted, 150u);
    EXPECT_EQ(r->summary.completed, 150u);
    EXPECT_EQ(r->summary.errors, 0u);
    EXPECT_EQ(r->summary.read.count, 150u);
    EXPECT_EQ(r->latency[0].count(), 150u);
    EXPECT_EQ(r->elevator, "deadline");
    EXPECT_EQ(r->target_bytes, 4u << 20);
    EXPECT_TRUE(r->first_io_error.ok());
    ASSERT_NE(r->trace, nullptr);
    EXPECT_EQ(r->trace->format(), "msr");
  }
}

TEST_F(RealReplayTest, WritesAreRefusedBeforeAnyIoUnlessAllowed) {
  const std::string trace = MsrTrace("writes.csv", 30, 3);
  absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor(trace), Options(trace));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(r.status().message(), HasSubstr("10 write requests (first at line 3)"));
  EXPECT_THAT(r.status().message(), HasSubstr("--allow-writes"));

  RealReplayOptions o = Options(trace);
  o.allow_writes = true;
  r = RunRealReplay(OpenerFor(trace), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.write.count, 10u);
  EXPECT_EQ(r->summary.completed, 30u);
}

TEST_F(RealReplayTest, ARecordBeyondTheTargetIsAnErrorNamingTheLineOrWraps) {
  // Line 3 starts at 4 MiB - 4 KiB + 2 * 12 KiB: beyond the 4 MiB target.
  const std::string trace = MsrTrace("far.csv", 5, 0, (4 << 20) - 4096);
  absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor(trace), Options(trace));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(trace + ":2:"));
  EXPECT_THAT(r.status().message(), HasSubstr("--fit wrap"));

  RealReplayOptions o = Options(trace);
  o.wrap_offsets = true;
  r = RunRealReplay(OpenerFor(trace), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->records, 5u);
  EXPECT_EQ(r->out_of_range, 4u);
  EXPECT_EQ(r->summary.completed, 5u);
}

TEST_F(RealReplayTest, CreateExtendsTheTargetAndLogsIt) {
  const std::string trace = MsrTrace("reads.csv", 20, 0);
  const std::string fresh = TempPath("fresh");
  RealReplayOptions o = Options(trace);
  o.target = fresh;
  o.create_size = 2 << 20;
  std::vector<std::string> log;
  o.log = [&log](std::string_view line) { log.emplace_back(line); };
  absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor(trace), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(FileSize(fresh), 2u << 20);
  EXPECT_EQ(r->summary.completed, 20u);
  ASSERT_GE(log.size(), 2u);
  EXPECT_THAT(log[0], HasSubstr("created " + fresh + " with 2097152 bytes"));
  EXPECT_THAT(log[1], HasSubstr("replaying " + trace + " against " + fresh));
  // Never shrinks: a smaller --create leaves the file as it is.
  o.create_size = 1 << 20;
  ASSERT_TRUE(RunRealReplay(OpenerFor(trace), o).ok());
  EXPECT_EQ(FileSize(fresh), 2u << 20);
}

TEST_F(RealReplayTest, UnalignedRequestsAreAlignedAndCounted) {
  const std::string trace = TempPath("unaligned.csv");
  {
    std::ofstream out(trace);
    out << "128166385295514663,hm,0,Read,1000,3000,100\n"
        << "128166385295524663,hm,0,Read,8192,4096,100\n";
  }
  absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor(trace), Options(trace));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->realigned, 1u);
  EXPECT_GE(r->alignment, 512u);
  EXPECT_EQ(r->summary.completed, 2u);
}

TEST_F(RealReplayTest, ValidateNamesTheBadOption) {
  RealReplayOptions o = Options("t");
  o.depth = 0;
  EXPECT_THAT(ValidateRealReplay(o).message(), HasSubstr("--depth must be in [1, 4096]"));
  o = Options("t");
  o.time_scale = 0;
  EXPECT_THAT(ValidateRealReplay(o).message(), HasSubstr("--time-scale must be > 0"));
  o = Options("t");
  o.elevator = "nosuch";
  EXPECT_EQ(ValidateRealReplay(o).code(), absl::StatusCode::kInvalidArgument);
  o = Options("t");
  o.target.clear();
  EXPECT_EQ(ValidateRealReplay(o).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateRealReplay(Options("t")).ok());
}

TEST_F(RealReplayTest, ATraceThatCannotBeReadFailsBeforeAnyIo) {
  RealReplayOptions o = Options("/nonexistent/trace.csv");
  absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor("/nonexistent/trace.csv"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("/nonexistent/trace.csv"));
}

// Issue 18: an I/O error is reported when it happens (through the log,
// naming the trace line), and the run goes on to a full result.
TEST_F(RealReplayTest, FirstIoErrorIsLoggedWhenItHappens) {
  const std::string trace = MsrTrace("eio.csv", 60, 0);
  RealReplayOptions o = Options(trace);
  // Line 21 reads offset 20 * 12288.
  o.fault_injector = [](Op, uint64_t offset, uint64_t) { return offset == 20 * 12288 ? -EIO : 0; };
  std::mutex mu;
  std::vector<std::string> log;
  o.log = [&](std::string_view line) {
    std::lock_guard<std::mutex> lock(mu);
    log.emplace_back(line);
  };
  absl::StatusOr<RealReplayResult> r = RunRealReplay(OpenerFor(trace), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->aborted.ok()) << r->aborted;
  EXPECT_EQ(r->records, 60u);
  EXPECT_EQ(r->summary.errors, 1u);
  EXPECT_FALSE(r->first_io_error.ok());
  bool logged = false;
  for (const std::string& line : log) {
    if (line.find("I/O error (" + trace + ":21): ") == 0) logged = true;
  }
  EXPECT_TRUE(logged) << ::testing::PrintToString(log);
}

// Issue 18: a run that stops after I/O started still returns what it
// measured (the CLI prints the partial table, then the error). The trace
// turns bad between the checking passes and the replay, as a trace that
// is rewritten under a running replay would.
TEST_F(RealReplayTest, ARunStoppedMidwayReturnsThePartialResult) {
  const std::string good = MsrTrace("midway.csv", 80, 0);
  const std::string bad = TempPath("midway-bad.csv");
  {
    std::ifstream in(good);
    std::ofstream out(bad);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) out << (n == 50 ? "not,a,record" : line) << "\n";
  }
  int opened = 0;
  TraceOpener opener = [&]() -> absl::StatusOr<std::unique_ptr<TracePipeline>> {
    ++opened;
    TraceReadOptions msr;
    msr.format = "msr";
    return OpenTracePipeline({opened >= 2 ? bad : good}, msr, TraceTransform{});
  };
  RealReplayOptions o = Options(good);
  o.mode = ReplayMode::kBatch;
  absl::StatusOr<RealReplayResult> r = RunRealReplay(opener, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->aborted.ok());
  EXPECT_THAT(r->aborted.message(), HasSubstr(":50: "));
  EXPECT_EQ(r->records, 49u);
  EXPECT_EQ(r->summary.completed, 49u);
  EXPECT_FALSE(r->elevator.empty());
}

}  // namespace
}  // namespace iosched
