// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// End-to-end tests of the `iosched` program: exit codes (0 ok, 1 runtime,
// 2 usage), one clear error line, and well-formed CSV/JSON on real traces.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_check.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

using testing_util::CliRun;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

const std::string kMsr = testing_util::BundledTrace("msr_hm0-msr-cambridge1-sample.csv");
const std::string kValidate = testing_util::BundledTrace("disksim-hp_c2247a.trace");

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST(Cli, HelpExitsZero) {
  CliRun r = Iosched("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("compare"));
  EXPECT_EQ(Iosched("compare --help").code, 0);
}

TEST(Cli, NoSubcommandIsUsageError) { EXPECT_EQ(Iosched("").code, 2); }

TEST(Cli, UnknownElevatorIsUsageError) {
  CliRun r = Iosched("compare " + kMsr + " --elevators noop,elevat0r --fit scale");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("elevat0r"));
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, BadTunableIsUsageError) {
  CliRun r = Iosched("compare " + kMsr + " --elevators linus:read_latency=-4 --fit scale");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("read_latency"));
  r = Iosched("compare " + kMsr + " --elevators linus:speed=3 --fit scale");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("speed"));
}

TEST(Cli, UnknownDiskIsUsageError) {
  CliRun r = Iosched("compare " + kMsr + " --disk floppy");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("floppy"));
  EXPECT_THAT(r.err, HasSubstr("hp-c2247a"));
}

TEST(Cli, BadOptionValuesAreUsageErrors) {
  EXPECT_EQ(Iosched("compare " + kMsr + " --mode sideways").code, 2);
  EXPECT_EQ(Iosched("compare " + kMsr + " --format xml").code, 2);
  EXPECT_EQ(Iosched("compare " + kMsr + " --depth 0").code, 2);
  EXPECT_EQ(Iosched("compare " + kMsr + " --time-scale -1").code, 2);
}

TEST(Cli, MissingTraceIsRuntimeError) {
  CliRun r = Iosched("compare /nonexistent/trace.csv");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/trace.csv"));
}

TEST(Cli, MalformedTraceNamesFileAndLine) {
  const std::string path = WriteTemp("bad_msr.csv",
                                     "128166385295514663,hm,0,Write,9056014336,2048,2833\n"
                                     "128166385295514878,hm,0,Write,11855351808,512,2617\n"
                                     "128166385295515175,hm,0,Write,55480x77056,4096,2320\n");
  CliRun r = Iosched("compare " + path + " --trace-format msr --fit wrap");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(path + ":3:"));
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
}

TEST(Cli, TraceBeyondCapacityNeedsFit) {
  CliRun r = Iosched("compare " + kMsr + " --elevators noop");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("--fit"));
}

TEST(Cli, CompareCsvHasOneRowPerElevator) {
  CliRun r = Iosched("compare " + kMsr + " --elevators noop,linus --fit scale --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(CountLines(r.out), 3) << r.out;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n'))
                .find("schema_version,iosched_version,mode,depth,async_writes,time_scale,fit,"
                      "disk,trace_sha256,tunables,elevator,spec,requests,completed,iops,mb_s,"
                      "lat_mean_ms,lat_p50_ms"),
            0u);
  EXPECT_THAT(r.out, HasSubstr("\n1,"));
  EXPECT_THAT(r.out, HasSubstr(",noop,noop,1000,1000,"));
  EXPECT_THAT(r.out, HasSubstr(",linus,linus,1000,1000,"));
}

TEST(Cli, CompareJsonIsWellFormed) {
  CliRun r =
      Iosched("compare " + kValidate + " --elevators noop,linus:read_latency=8 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string error;
  EXPECT_TRUE(testing_util::IsValidJson(r.out, &error)) << error << "\n" << r.out;
  for (const char* key :
       {"\"trace\":", "\"disk\":\"hp-c2247a\"", "\"mode\":\"open\"", "\"results\":[",
        "\"elevator\":\"noop\"", "\"spec\":\"linus:read_latency=8\"", "\"lat_p99_ms\":",
        "\"seek_mean_sectors\":", "\"merges\":", "\"requests\":9999", "\"completed\":9999"}) {
    EXPECT_THAT(r.out, HasSubstr(key));
  }
}

TEST(Cli, AsyncWritesNeedClosedMode) {
  CliRun r = Iosched("compare " + kMsr + " --fit scale --async-writes 16");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--async-writes applies to --mode closed only"));
}

// --sched-tags runs the blk-mq tag pool: at device depth 1 only
// nr_requests = 2 requests exist at once, so mq-deadline, which sorts 1,000
// queued requests without it, is left almost nothing to sort. The setting is
// recorded in the results.
TEST(Cli, SchedTagsBoundWhatTheElevatorHoldsAndAreRecorded) {
  const std::string base =
      "compare " + kMsr + " --fit scale --mode batch --elevators mq-deadline --format json";
  CliRun off = Iosched(base);
  CliRun on = Iosched(base + " --sched-tags");
  ASSERT_EQ(off.code, 0) << off.err;
  ASSERT_EQ(on.code, 0) << on.err;
  EXPECT_THAT(off.out, HasSubstr("\"sched_tags\":false"));
  EXPECT_THAT(on.out, HasSubstr("\"sched_tags\":true"));
  auto seek = [](const std::string& json) {
    const size_t at = json.find("\"seek_mean_sectors\":");
    return at == std::string::npos ? -1.0 : std::stod(json.substr(at + 20));
  };
  ASSERT_GT(seek(off.out), 0);
  // Sorting 1,000 requests seeks far less than serving them two at a time.
  EXPECT_GT(seek(on.out), 2 * seek(off.out));
}

TEST(Cli, ClosedModeWithoutStreamIdsSaysSo) {
  // MSR records carry no process id: the whole trace is one closed loop.
  CliRun r = Iosched("compare " + kMsr + " --fit scale --mode closed --elevators noop");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: closed mode: 1000 of 1000 records carry no stream id"));
}

TEST(Cli, ClosedLoopScenarioJsonCarriesHeadlineCounters) {
  const std::string trace = WriteTemp("drw.csv", "");
  ASSERT_EQ(Iosched("generate dependent-readers-vs-writer --requests 600 -o " + trace).code, 0);
  CliRun r = Iosched("compare " + trace +
                     " --mode closed --async-writes 64 --elevators noop,deadline,as --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string error;
  EXPECT_TRUE(testing_util::IsValidJson(r.out, &error)) << error;
  for (const char* key : {"\"mode\":\"closed\"", "\"antic_hits\":", "\"antic_timeouts\":",
                          "\"expired_served\":", "\"read_mb_s\":", "\"fairness\":"}) {
    EXPECT_THAT(r.out, HasSubstr(key));
  }
}

TEST(Cli, ListsElevatorsDisksAndFormats) {
  CliRun e = Iosched("elevators");
  EXPECT_EQ(e.code, 0);
  EXPECT_THAT(e.out, HasSubstr("read_latency"));
  CliRun d = Iosched("disks");
  EXPECT_EQ(d.code, 0);
  EXPECT_THAT(d.out, HasSubstr("hp-c2247a"));
  EXPECT_THAT(d.out, HasSubstr("ssd"));
  CliRun f = Iosched("formats");
  EXPECT_EQ(f.code, 0);
  EXPECT_THAT(f.out, HasSubstr("msr"));
}

}  // namespace
}  // namespace iosched
