// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched replay TRACE --target PATH`: the real O_DIRECT replay end to end,
// with its safety rules (no writes without --allow-writes, no mounted block
// device), --create, --fit (old spelling --offsets) and the three modes.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "direct/direct_test_util.h"
#include "target_safety.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using testing_direct::MsrTrace;
using testing_direct::TempPath;

const std::string kIosched = testing_util::IoschedBinary();

using testing_util::CliRun;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Issue 18, defect 1: --record and --record-fio wrote anywhere: onto the
// target, the trace (also through a hard link or a symlink), a device. Each
// is refused before anything is opened for writing, as a usage error.
TEST_F(ReplayCliTest, RecordingsNeverOverwriteTheTargetTheTraceOrADevice) {
  const std::string trace = MsrTrace("rec_self.csv", 50, 5);
  const std::string target = TempPath("target");
  {
    std::ofstream t(target, std::ios::binary);
    t << std::string(1 << 20, 'T');
  }
  const std::string trace_before = ReadFile(trace);
  const std::string hard = TempPath("hard.csv"), soft = TempPath("soft.csv");
  ASSERT_EQ(::link(trace.c_str(), hard.c_str()), 0);
  ASSERT_EQ(::symlink(target.c_str(), soft.c_str()), 0);
  const std::string base = "replay " + trace + " --target " + target + " --allow-writes ";
  for (const std::string& flags :
       std::vector<std::string>{"--record " + target, "--record-fio " + target, "--record " + trace,
        "--record-fio " + hard, "--record " + soft, "--record /dev/zero"}) {
    CliRun r = Iosched(base + flags);
    EXPECT_EQ(r.code, 2) << flags << ": " << r.err;
    EXPECT_THAT(r.err, ::testing::AnyOf(HasSubstr("is the same file as"),
                                        HasSubstr("is a character device")))
        << flags;
  }
  EXPECT_EQ(ReadFile(trace), trace_before);
  EXPECT_EQ(ReadFile(target), std::string(1 << 20, 'T'));
  CliRun same = Iosched(base + "--record " + TempPath("x") + " --record-fio " + TempPath("x"));
  EXPECT_EQ(same.code, 2) << same.err;
  for (const std::string& p : {trace, target, hard, soft}) ::unlink(p.c_str());
}

// Issue 18, defect 5: a record beyond the target at line 703 was found
// after 700 writes had landed. Every record is checked before the first
// I/O: the target is untouched and the error names the line.
TEST_F(ReplayCliTest, ARecordBeyondTheTargetIsFoundBeforeAnyWrite) {
  const std::string trace = TempPath("late_bad.csv");
  {
    std::ofstream out(trace);
    for (int i = 0; i < 703; ++i) {
      const uint64_t off = i == 702 ? (uint64_t{1} << 30) : uint64_t(i % 256) * 4096;
      out << 128166385295514663ull + uint64_t(i) * 10 << ",hm,0,Write," << off << ",4096,100\n";
    }
  }
  const std::string target = TempPath("target");
  const std::string pattern(1 << 20, '\xab');
  {
    std::ofstream t(target, std::ios::binary);
    t << pattern;
  }
  const std::string rec = TempPath("rec.csv");
  CliRun r = Iosched("replay " + trace + " --target " + target +
                     " --allow-writes --mode batch --depth 8 --record " + rec);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr(trace + ":703: request [1073741824, +4096) ends beyond"));
  EXPECT_EQ(ReadFile(target), pattern) << "writes landed before the bad record was found";
  EXPECT_NE(::access(rec.c_str(), F_OK), 0) << "a recording of a run that never started";
  for (const std::string& p : {trace, target}) ::unlink(p.c_str());
}

// Issue 18, defect 8: a `replay --record` killed with SIGKILL left a cut
// last line. Lines are written whole, and the recording's missing end line
// tells a cut file from a complete one: `info` says so by path and line,
// --skip-bad-lines reads every complete record.
TEST_F(ReplayCliTest, ARecordingKilledWithSigkillIsWholeLinesAndKnownCut) {
  const std::string trace = MsrTrace("long.csv", 30000, 0);  // 30 s at 1 ms apart
  const std::string target = TempPath("target");
  const std::string rec = TempPath("killed.csv");
  CliRun c = Iosched("replay " + trace + " --target " + target + " --create 1M --max-requests 1");
  if (c.code == 1 && c.err.find("does not support O_DIRECT") != std::string::npos)
    GTEST_SKIP() << c.err;
  ASSERT_EQ(c.code, 0) << c.err;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(kIosched.c_str(), kIosched.c_str(), "replay", trace.c_str(), "--target",
            target.c_str(), "--offsets", "wrap", "--record", rec.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait (bounded) until the recording has some bytes on disk.
  struct stat st {};
  bool grew = false;
  for (int i = 0; i < 3000 && !grew; ++i) {
    grew = ::stat(rec.c_str(), &st) == 0 && st.st_size > 0;
    if (!grew) ::usleep(10'000);
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(grew) << "the recording never grew";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the replay ended before it was killed";
  const std::string text = ReadFile(rec);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "a cut last line";
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  CliRun info = Iosched("info " + rec);
  EXPECT_EQ(info.code, 1);
  EXPECT_THAT(info.err, HasSubstr(rec + ":" + std::to_string(lines) + ": expected the end line"));
  CliRun salvage = Iosched("info " + rec + " --skip-bad-lines --format json");
  EXPECT_EQ(salvage.code, 0) << salvage.err;
  int records = 0;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) records += !l.empty() && l[0] >= '0' && l[0] <= '9';
  EXPECT_THAT(salvage.out, HasSubstr("\"records\":" + std::to_string(records)));
  for (const std::string& p : {trace, target, rec}) ::unlink(p.c_str());
}

// Issue 18, defect 7: the backing file of a (mounted) loop device was
// replayed against. Found through sysfs (here a fake /sys/block with one
// loop device backed by the target), compared by device and inode.
TEST_F(ReplayCliTest, RefusesTheBackingFileOfALoopDevice) {
  const std::string target = TempPath("fs.img");
  std::ofstream(target) << std::string(4096, 'x');
  const std::string sys = TempPath("sys_block");
  ASSERT_EQ(::mkdir(sys.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((sys + "/loop7").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((sys + "/loop7/loop").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((sys + "/sda").c_str(), 0755), 0);
  std::ofstream(sys + "/loop7/dev") << "7:7\n";
  EXPECT_TRUE(CheckNotLoopBacking(target, sys).ok());  // not attached yet
  const std::string hard = TempPath("fs_hard.img");
  ASSERT_EQ(::link(target.c_str(), hard.c_str()), 0);
  std::ofstream(sys + "/loop7/loop/backing_file") << hard << " (deleted)\n";
  absl::Status st = CheckNotLoopBacking(target, sys);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr(target + " is the backing file of loop device /dev/loop7"));
  EXPECT_THAT(st.message(), HasSubstr("losetup -d /dev/loop7"));
  for (const std::string& p : {sys + "/loop7/loop/backing_file", sys + "/loop7/dev"}) {
    ::unlink(p.c_str());
  }
  for (const std::string& p : {sys + "/loop7/loop", sys + "/loop7", sys + "/sda", sys}) {
    ::rmdir(p.c_str());
  }
  ::unlink(hard.c_str());
  ::unlink(target.c_str());
}

// Issue 18, defect 4 (targets) and 9: a FIFO target blocked the open
// forever; a directory or /dev/null got "does not support O_DIRECT". Each
// is refused by kind before it is opened.
TEST_F(ReplayCliTest, RefusesTargetsThatAreNotFilesOrBlockDevices) {
  const std::string trace = MsrTrace("kind.csv", 10, 0);
  const std::string fifo = TempPath("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (auto [target, kind] : {std::pair<std::string, std::string>{fifo, "a FIFO"},
                              {"/dev/null", "a character device"},
                              {::testing::TempDir(), "a directory"}}) {
    CliRun r = Iosched("replay " + trace + " --target " + target);
    EXPECT_EQ(r.code, 1) << target;
    EXPECT_THAT(r.err, HasSubstr("--target " + target + " is " + kind)) << r.err;
  }
  ::unlink(fifo.c_str());
  ::unlink(trace.c_str());
}

// Issue 18, defect 6: --create 1024T wrote at disk speed until the disk
// filled. Refused up front, nothing created.
TEST_F(ReplayCliTest, CreateBeyondTheFreeSpaceIsRefusedUpFront) {
  const std::string trace = MsrTrace("huge.csv", 10, 0);
  const std::string target = TempPath("huge");
  CliRun r = Iosched("replay " + trace + " --target " + target + " --create 1024T");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, ::testing::AnyOf(HasSubstr("free; choose a smaller size"),
                                      HasSubstr("larger than the largest file")));
  struct stat st;
  EXPECT_TRUE(::stat(target.c_str(), &st) != 0 || st.st_size == 0);
  ::unlink(target.c_str());
  ::unlink(trace.c_str());
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
