// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched replay TRACE --target PATH`: the real O_DIRECT replay end to end,
// with its safety rules (no writes without --allow-writes, no mounted block
// device), --create, --fit (old spelling --offsets) and the three modes.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "direct/direct_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using testing_direct::TempPath;

const std::string kIosched = std::string(IOSCHED_BINARY_DIR) + "/bin/iosched";

using testing_util::CliRun;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

// An MSR Cambridge trace: `n` requests of 4 KiB, 1 ms apart, every
// `write_every`-th a write (0: none), offsets stepping by 12 KiB from
// `first_offset`.
std::string MsrTrace(const std::string& name, int n, int write_every, uint64_t first_offset = 0) {
  const std::string path = TempPath(name);
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    const bool w = write_every > 0 && i % write_every == write_every - 1;
    out << 128166385295514663ull + uint64_t(i) * 10000 << ",hm," << (i % 3) << ","
        << (w ? "Write" : "Read") << "," << first_offset + uint64_t(i) * 12288 << ",4096,100\n";
  }
  return path;
}

class ReplayCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kIosched.c_str(), X_OK) != 0) GTEST_SKIP() << kIosched << " not built";
  }
};

TEST_F(ReplayCliTest, ReplaysReadsAgainstACreatedFileAndReportsLikeCompare) {
  const std::string trace = MsrTrace("reads.csv", 200, 0);
  const std::string target = TempPath("target");
  CliRun r = Iosched("replay " + trace + " --target " + target +
                     " --create 4M --elevator deadline --depth 4 --format json --time-scale 0.01");
  if (r.code == 1 && r.err.find("does not support O_DIRECT") != std::string::npos)
    GTEST_SKIP() << r.err;
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"disk\":\"" + target + "\""));
  EXPECT_THAT(r.out, HasSubstr("\"completed\":200"));
  EXPECT_THAT(r.out, HasSubstr("\"elevator\":\"deadline\""));
  EXPECT_THAT(r.err, HasSubstr("created " + target));
  struct stat st;
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 4 << 20);

  // Submissions batched per dispatcher turn: the same requests complete.
  r = Iosched("replay " + trace + " --target " + target +
              " --elevator deadline --depth 4 --submit-batch 0 --format json --time-scale 0.01");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"completed\":200"));

  for (const char* mode : {"closed", "batch"}) {
    r = Iosched("replay " + trace + " --target " + target + " --mode " + mode +
                " --elevator cfq --depth 2 --time-scale 0.01");
    ASSERT_EQ(r.code, 0) << mode << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr(std::string(mode) + " loop"));
    EXPECT_THAT(r.out, HasSubstr("cfq"));
  }
  ::unlink(trace.c_str());
  ::unlink(target.c_str());
}

TEST_F(ReplayCliTest, WritesNeedAllowWritesAndLeaveTheTargetAloneOtherwise) {
  const std::string trace = MsrTrace("writes.csv", 50, 5);
  const std::string target = TempPath("target");
  CliRun r = Iosched("replay " + trace + " --target " + target + " --create 2M");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--allow-writes"));
  EXPECT_THAT(r.err, HasSubstr("10 write requests"));
  EXPECT_NE(::access(target.c_str(), F_OK), 0) << "the target was created before refusing";

  r = Iosched("replay " + trace + " --target " + target +
              " --create 2M --allow-writes --format json --time-scale 0.01");
  if (r.code == 1 && r.err.find("does not support O_DIRECT") != std::string::npos)
    GTEST_SKIP() << r.err;
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"completed\":50"));
  ::unlink(trace.c_str());
  ::unlink(target.c_str());
}

TEST_F(ReplayCliTest, OffsetsBeyondTheTargetErrorOrWrap) {
  const std::string trace = MsrTrace("far.csv", 20, 0, uint64_t{1} << 30);
  const std::string target = TempPath("target");
  CliRun r = Iosched("replay " + trace + " --target " + target + " --create 1M");
  if (r.code == 1 && r.err.find("does not support O_DIRECT") != std::string::npos)
    GTEST_SKIP() << r.err;
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(trace + ":1:"));
  EXPECT_THAT(r.err, HasSubstr("--fit wrap"));
  r = Iosched("replay " + trace + " --target " + target + " --fit wrap --time-scale 0.01");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("noop"));
  ::unlink(trace.c_str());
  ::unlink(target.c_str());
}

// --record / --record-fio: the real run's trace replays in the simulator
// (`iosched replay` without --target) and fio accepts the iolog.
TEST_F(ReplayCliTest, RecordsTheRunForTheSimulatorAndFio) {
  const std::string trace = MsrTrace("rec.csv", 120, 4);
  const std::string target = TempPath("target");
  const std::string native = TempPath("recorded.csv");
  const std::string iolog = TempPath("recorded.iolog");
  CliRun r = Iosched("replay " + trace + " --target " + target +
                     " --create 2M --allow-writes --elevator deadline --depth 4 --mode batch"
                     " --format json --record " +
                     native + " --record-fio " + iolog);
  if (r.code == 1 && r.err.find("does not support O_DIRECT") != std::string::npos)
    GTEST_SKIP() << r.err;
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"completed\":120"));
  std::ifstream in(native);
  std::string magic, header;
  std::getline(in, magic);
  std::getline(in, header);
  EXPECT_EQ(magic, "# iosched trace v1 time_unit=ns");
  EXPECT_THAT(header, HasSubstr("dispatch_ns,key,error,bytes"));
  // The simulator reads it back: every request, reads and writes alike.
  // (--offsets: the old spelling of --fit, still accepted with a note.)
  r = Iosched("replay " + native + " --disk ssd --offsets wrap --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("iosched: note: --offsets is deprecated; use --fit"));
  EXPECT_THAT(r.out, HasSubstr("\"trace_format\":\"iosched-csv\""));
  EXPECT_THAT(r.out, HasSubstr("\"completed\":120"));
  if (std::system("command -v fio >/dev/null 2>&1") == 0) {
    std::string out;
    FILE* p = ::popen(("fio --name=rec --read_iolog=" + iolog +
                       " --ioengine=psync --direct=1 --replay_no_stall=1 --output-format=json"
                       " 2>&1")
                          .c_str(),
                      "r");
    ASSERT_NE(p, nullptr);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int st = ::pclose(p);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << out;
    // 90 reads and 30 writes of 4 KiB.
    auto io_bytes = [&out](const std::string& dir) -> int64_t {
      size_t at = out.find("\"" + dir + "\" : {");
      if (at == std::string::npos) return -1;
      at = out.find("\"io_bytes\"", at);
      return at == std::string::npos ? -1 : std::stoll(out.substr(out.find(':', at) + 1));
    };
    EXPECT_EQ(io_bytes("read"), 90 * 4096) << out;
    EXPECT_EQ(io_bytes("write"), 30 * 4096) << out;
  }
  for (const std::string& p : {trace, target, native, iolog}) ::unlink(p.c_str());
}

TEST_F(ReplayCliTest, RefusesAMountedBlockDevice) {
  // The block device holding the temp directory is mounted, by definition.
  struct stat tmp;
  ASSERT_EQ(::stat(::testing::TempDir().c_str(), &tmp), 0);
  std::ifstream mounts("/proc/self/mounts");
  std::string device;
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream in(line);
    std::string src;
    in >> src;
    struct stat st;
    if (src.rfind("/dev/", 0) == 0 && ::stat(src.c_str(), &st) == 0 && S_ISBLK(st.st_mode) &&
        st.st_rdev == tmp.st_dev) {
      device = src;
      break;
    }
  }
  if (device.empty()) GTEST_SKIP() << "the temp directory is not on a plain block device";
  const std::string trace = MsrTrace("reads.csv", 5, 0);
  CliRun r = Iosched("replay " + trace + " --target " + device);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("mounted"));
  EXPECT_THAT(r.err, HasSubstr(device));
  ::unlink(trace.c_str());
}

TEST_F(ReplayCliTest, UsageErrorsAndSimulatedReplay) {
  const std::string trace = MsrTrace("reads.csv", 30, 0);
  EXPECT_EQ(Iosched("replay " + trace + " --target /tmp/x --elevator nosuch").code, 2);
  EXPECT_EQ(Iosched("replay " + trace + " --target /tmp/x --create 12Q").code, 2);
  EXPECT_EQ(Iosched("replay " + trace + " --target /tmp/x --offsets scale").code, 2);
  EXPECT_EQ(Iosched("replay " + trace + " --target /tmp/x --submit-batch many").code, 2);
  // No --target: the simulator, as `compare` with one elevator.
  CliRun r = Iosched("replay " + trace + " --elevator deadline --disk ssd");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("on ssd"));
  EXPECT_THAT(r.out, HasSubstr("deadline"));
  ::unlink(trace.c_str());
}

}  // namespace
}  // namespace iosched
