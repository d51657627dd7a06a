// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Command-line conventions shared by every command (issue 21): git-style
// "unknown command; did you mean", -o/--output, 1M-style counts, the old
// option spellings with a deprecation note, the lists as JSON, and the
// warnings a comparison prints once on stderr.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_check.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::CliRun;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

const std::string kMsr =
    std::string(IOSCHED_SOURCE_DIR) + "/traces/data/msr_hm0-msr-cambridge1-sample.csv";
const std::string kValidate =
    std::string(IOSCHED_SOURCE_DIR) + "/traces/data/disksim-hp_c2247a.trace";

std::string Tmp(const std::string& name) {
  return ::testing::TempDir() + "/conv_" + std::to_string(::getpid()) + "_" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(CliConventions, UnknownCommandSuggestsTheClosestOne) {
  CliRun r = Iosched("compaer " + kMsr);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "iosched: unknown command 'compaer'; did you mean 'compare'?\n");
  r = Iosched("rep");  // a prefix
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("did you mean 're"));
  r = Iosched("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate'; commands: compare, replay,"));
  r = Iosched("");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no command given; commands: compare,"));
  EXPECT_THAT(r.err, Not(HasSubstr("A subcommand is required")));
}

TEST(CliConventions, ListsAsJson) {
  for (const char* cmd : {"elevators", "disks", "formats"}) {
    SCOPED_TRACE(cmd);
    CliRun r = Iosched(std::string(cmd) + " --format json");
    ASSERT_EQ(r.code, 0) << r.err;
    std::string error;
    EXPECT_TRUE(testing_util::IsValidJson(r.out, &error)) << error << "\n" << r.out;
    EXPECT_EQ(r.out.front(), '[');
  }
  EXPECT_THAT(Iosched("elevators --format json").out,
              HasSubstr("{\"name\":\"read_expire\",\"value\":\"500\",\"unit\":\"ms\","));
  EXPECT_THAT(Iosched("disks --format json").out, HasSubstr("{\"name\":\"hp-c2247a\","));
  EXPECT_THAT(Iosched("formats --format json").out,
              HasSubstr("{\"name\":\"msr\",\"writable\":false}"));
  EXPECT_EQ(Iosched("disks --format yaml").code, 2);
}

TEST(CliConventions, OutputOptionWritesTheResultToAFile) {
  const std::string out = Tmp("cmp.csv");
  CliRun r = Iosched("compare " + kMsr + " --elevators noop --fit scale --format csv -o " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_THAT(ReadFile(out), HasSubstr(",noop,noop,1000,1000,"));
  const std::string disks = Tmp("disks.txt");
  ASSERT_EQ(Iosched("disks --output=" + disks).code, 0);
  EXPECT_THAT(ReadFile(disks), HasSubstr("hp-c2247a"));
  std::remove(out.c_str());
  std::remove(disks.c_str());
  // convert: -o is the output file, like the positional OUT.
  const std::string conv = Tmp("conv.spc");
  r = Iosched("convert " + kMsr + " -o " + conv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Count(ReadFile(conv), "\n"), 1000);
  std::remove(conv.c_str());
  EXPECT_EQ(Iosched("convert " + kMsr).code, 2);  // no output at all
  r = Iosched("info " + kMsr + " -o /nonexistent-dir/x");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent-dir/x: cannot create"));
}

TEST(CliConventions, CountsTakeSuffixes) {
  CliRun r = Iosched("compare " + kMsr +
                     " --elevators noop --fit scale --format csv "
                     "--max-requests 0.1k");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("expected a count such as 1000, 10k or 1M, got '0.1k'"));
  const std::string trace = Tmp("gen.csv");
  r = Iosched("generate random-readers --requests 2k -o " + trace);
  ASSERT_EQ(r.code, 0) << r.err;
  CliRun info = Iosched("info " + trace + " --format json");
  EXPECT_THAT(info.out, HasSubstr("\"records\":2000"));
  r = Iosched("compare " + trace + " --elevators noop --fit scale --format csv --max-requests 1k");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(",noop,noop,1000,1000,"));
  std::remove(trace.c_str());
}

TEST(CliConventions, OldSpellingsStillWorkWithANote) {
  CliRun r = Iosched("info " + kMsr + " --max-records 10 --format text");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("iosched: note: --max-records is deprecated; use --max-requests"));
  EXPECT_THAT(r.err, HasSubstr("iosched: note: --format text is deprecated; use --format table"));
  EXPECT_THAT(r.out, HasSubstr("10"));
  CliRun json = Iosched("info " + kMsr + " --max-requests 10 --format json");
  EXPECT_THAT(json.out, HasSubstr("\"records\":10"));
  EXPECT_TRUE(json.err.empty()) << json.err;
}

TEST(CliConventions, ClampedTunableIsWarnedOnce) {
  CliRun r = Iosched("compare " + kMsr +
                     " --elevators deadline:read_expire=-5,noop --fit scale --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("iosched: warning: deadline: tunable read_expire=-5 is out of "
                               "range [0, "));
  EXPECT_THAT(r.err, HasSubstr("clamped to 0 as the kernel does (in spec "
                               "'deadline:read_expire=-5')"));
  EXPECT_EQ(Count(r.err, "read_expire=-5 is out of range"), 1) << r.err;
}

TEST(CliConventions, ElevatorsThatCannotDifferAreWarnedOnce) {
  // The DiskSim validation trace never queues more than one request.
  CliRun r = Iosched("compare " + kValidate + " --elevators noop,deadline,cfq --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Count(r.err, "the elevators cannot differ"), 1) << r.err;
  // A busy trace does not get it.
  CliRun busy = Iosched("compare " + kMsr +
                        " --elevators noop,deadline --fit scale "
                        "--time-scale 0.05 --format csv");
  ASSERT_EQ(busy.code, 0) << busy.err;
  EXPECT_THAT(busy.err, Not(HasSubstr("cannot differ")));
  // Nor does a trace where one request at a time is queued but an idling
  // elevator (bfq, serving its weights) changes the timing.
  const std::string weighted = Tmp("weighted.csv");
  ASSERT_EQ(Iosched("generate weighted-readers --requests 3000 -o " + weighted).code, 0);
  CliRun idle =
      Iosched("compare " + weighted + " --mode closed --elevators bfq,mq-deadline --format csv");
  ASSERT_EQ(idle.code, 0) << idle.err;
  EXPECT_THAT(idle.err, Not(HasSubstr("cannot differ")));
  std::remove(weighted.c_str());
}

TEST(CliConventions, OverloadedDiskIsWarnedOnce) {
  // 1000 requests in about 6 ms of trace time: far more than the drive does.
  CliRun r = Iosched("compare " + kMsr +
                     " --elevators noop,deadline --fit scale "
                     "--time-scale 0.00005 --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Count(r.err, "the trace overloads the disk (2 of 2 elevators)"), 1) << r.err;
}

}  // namespace
}  // namespace iosched
