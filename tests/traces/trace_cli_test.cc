// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// End-to-end tests of `iosched convert`, `info` and `generate`, and of the
// shared trace options in `compare`: exit codes (0 ok, 1 runtime, 2 usage),
// one error line, and what the output contains.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::ReadAll;
using ::iosched::testing::ReadResult;
using ::iosched::testing::TempFile;
using ::testing::HasSubstr;

using testing_util::CliRun;

std::string Binary() { return testing_util::IoschedBinary(); }

CliRun Iosched(const std::string& args, const std::string& stdin_file = "") {
  return testing_util::RunIosched(args, stdin_file);
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

const std::string kMsr = testing_util::BundledTrace("msr_hm0-msr-cambridge1-sample.csv");

class TraceCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(Binary().c_str(), X_OK) != 0) GTEST_SKIP() << "iosched not built: " << Binary();
  }
  std::string Tmp(const std::string& name) {
    return ::testing::TempDir() + "/iosched_cli_" + std::to_string(::getpid()) + "_" + name;
  }
};

TEST_F(TraceCliTest, InfoReportsCountsAndTimeUnit) {
  CliRun r = Iosched("info " + kMsr + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"format\":\"msr\""));
  EXPECT_THAT(r.out, HasSubstr("\"time_unit\":\"100ns\""));
  EXPECT_THAT(r.out, HasSubstr("\"records\":1000"));
  EXPECT_THAT(r.out, HasSubstr("\"reads\":508"));
  EXPECT_THAT(r.out, HasSubstr("\"duration_ns\":127233494100"));
  CliRun text = Iosched("info " + kMsr);
  ASSERT_EQ(text.code, 0);
  EXPECT_THAT(text.out, HasSubstr("time unit as read: 100ns"));
  EXPECT_THAT(text.out, HasSubstr("[4 KiB, 8 KiB)"));
  // Standard input, auto-detected.
  CliRun in = Iosched("info - --format json", kMsr);
  ASSERT_EQ(in.code, 0) << in.err;
  EXPECT_THAT(in.out, HasSubstr("\"records\":1000"));
}

TEST_F(TraceCliTest, MalformedLinesFailOrAreSkippedAndCounted) {
  TempFile f("0,8,512,r,0.5\n0,8,512,x,0.6\n0,9,512,w,0.7\n");
  CliRun bad = Iosched("info " + f.path() + " --trace-format spc");
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err, "iosched: " + f.path() + ":2: expected Opcode r or w, got 'x'\n");
  // Auto-detection names what each format found wrong.
  CliRun detect = Iosched("info " + f.path());
  EXPECT_EQ(detect.code, 1);
  EXPECT_THAT(detect.err, HasSubstr("spc (line 2: expected Opcode r or w, got 'x')"));
  EXPECT_EQ(Lines(detect.err), 1);
  EXPECT_TRUE(bad.out.empty());
  CliRun skip = Iosched("info " + f.path() + " --skip-bad-lines --format json");
  ASSERT_EQ(skip.code, 0) << skip.err;
  EXPECT_THAT(skip.out, HasSubstr("\"records\":2"));
  EXPECT_THAT(skip.out, HasSubstr("\"bad_lines\":1"));
  EXPECT_THAT(skip.err, HasSubstr("skipped 1 malformed line(s) (first: " + f.path() + ":2:"));
}

TEST_F(TraceCliTest, ConvertRoundTripsThroughEveryWritableFormat) {
  for (const char* to : {"iosched-csv", "iosched-bin", "spc", "blkparse", "disksim", "fio-v3"}) {
    SCOPED_TRACE(to);
    const std::string out = Tmp(std::string("conv.") + to);
    CliRun c = Iosched("convert " + kMsr + " " + out + " --to " + to);
    ASSERT_EQ(c.code, 0) << c.err;
    ReadResult r = ReadAll(out, "auto");
    std::remove(out.c_str());
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_EQ(r.format, to);
    ASSERT_EQ(r.records.size(), 1000u);
    EXPECT_EQ(r.records[999].offset, ReadAll(kMsr, "msr").records[999].offset);
  }
  // Format from the name, compressed output.
  const std::string gz = Tmp("conv.iosb.gz");
  ASSERT_EQ(Iosched("convert " + kMsr + " " + gz).code, 0);
  ReadResult r = ReadAll(gz, "auto");
  std::remove(gz.c_str());
  EXPECT_EQ(r.format, "iosched-bin");
  EXPECT_EQ(r.records.size(), 1000u);
}

// `csv` without its trace_sha256 column: the fingerprint hashes the file's
// bytes, which differ between a trace and its compressed copy, and a trace
// read from standard input has none.
std::string WithoutTraceHash(const std::string& csv) {
  std::string out;
  size_t col = std::string::npos;
  size_t start = 0;
  while (start < csv.size()) {
    size_t end = csv.find('\n', start);
    if (end == std::string::npos) end = csv.size();
    std::vector<std::string> fields;
    for (size_t a = start;;) {
      const size_t b = csv.find(',', a);
      if (b == std::string::npos || b > end) {
        fields.push_back(csv.substr(a, end - a));
        break;
      }
      fields.push_back(csv.substr(a, b - a));
      a = b + 1;
    }
    if (col == std::string::npos) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "trace_sha256") col = i;
      }
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i == col) continue;
      if (!out.empty() && out.back() != '\n') out += ',';
      out += fields[i];
    }
    out += '\n';
    start = end + 1;
  }
  return out;
}

// zstd: `convert in out.zst` writes a zstd stream (magic 28 b5 2f fd), and
// compare reads it back to the same results as the original.
TEST_F(TraceCliTest, ZstdRoundTripsThroughConvertAndCompare) {
  const std::string zst = Tmp("conv.csv.zst");
  CliRun c = Iosched("convert " + kMsr + " " + zst + " --to iosched-csv");
  ASSERT_EQ(c.code, 0) << c.err;
  std::string head(4, '\0');
  {
    std::ifstream in(zst, std::ios::binary);
    in.read(head.data(), 4);
  }
  EXPECT_EQ(head, std::string("\x28\xb5\x2f\xfd", 4)) << "not a zstd stream";
  ReadResult r = ReadAll(zst, "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "iosched-csv");
  ASSERT_EQ(r.records.size(), 1000u);
  const std::string args =
      " --disk hp-c2247a --fit scale --elevators noop,deadline,cfq --format csv";
  CliRun plain = Iosched("compare " + kMsr + args);
  CliRun packed = Iosched("compare " + zst + args);
  std::remove(zst.c_str());
  ASSERT_EQ(plain.code, 0) << plain.err;
  ASSERT_EQ(packed.code, 0) << packed.err;
  EXPECT_EQ(Lines(plain.out), 4);
  EXPECT_EQ(WithoutTraceHash(packed.out), WithoutTraceHash(plain.out));
}

TEST_F(TraceCliTest, InfoAndConvertKeepStreamNames) {
  TempFile f(
      "  8,16   5   2   0.000001850 18615  Q   R 16 + 8 [java]\n"
      "  8,16   5   3   0.100000000    77  Q   W 64 + 8 [jbd2/sdb1-8]\n");
  CliRun json = Iosched("info " + f.path() + " --format json");
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"id\":18615,\"name\":\"java\""));
  CliRun text = Iosched("info " + f.path());
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("(jbd2/sdb1-8)"));
  const std::string out = Tmp("names.blkparse");
  CliRun c = Iosched("convert " + f.path() + " " + out);
  ASSERT_EQ(c.code, 0) << c.err;
  std::ifstream in(out);
  const std::string written((std::istreambuf_iterator<char>(in)), {});
  std::remove(out.c_str());
  EXPECT_THAT(written, HasSubstr("Q   R 16 + 8 [java]\n"));
  EXPECT_THAT(written, HasSubstr("Q   W 64 + 8 [jbd2/sdb1-8]\n"));
}

TEST_F(TraceCliTest, ConvertAppliesTransforms) {
  const std::string out = Tmp("transformed.csv");
  CliRun c = Iosched("convert " + kMsr + " " + out +
                     " --skip writes --time-window 100s: --time-scale 0.5 --offset-modulo 1G "
                     "--offset-align 4K");
  ASSERT_EQ(c.code, 0) << c.err;
  ReadResult r = ReadAll(out, "iosched-csv");
  std::remove(out.c_str());
  ASSERT_TRUE(r.status.ok());
  // 503 of hm_0's 508 reads come 100 s or more after the first record
  // (checked with awk).
  ASSERT_EQ(r.records.size(), 503u);
  for (const TraceRecord& rec : r.records) {
    ASSERT_EQ(rec.op, TraceOp::kRead);
    ASSERT_LT(rec.time_ns, 14'000'000'000);  // (127.2 s - 100 s) × 0.5
    ASSERT_LE(rec.offset + rec.length, uint64_t{1} << 30);
    ASSERT_EQ(rec.offset % 4096, 0u);
  }
}

TEST_F(TraceCliTest, ConvertErrors) {
  CliRun ro = Iosched("convert " + kMsr + " " + Tmp("x") + " --to msr");
  EXPECT_EQ(ro.code, 2);
  EXPECT_THAT(ro.err, HasSubstr("cannot write trace format 'msr'"));
  EXPECT_EQ(Lines(ro.err), 1);
  CliRun missing = Iosched("convert /nonexistent.csv " + Tmp("y"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("/nonexistent.csv: cannot open"));
  // A record the output format cannot hold: the partial output is removed.
  TempFile odd("0,hm,0,Read,100,512,10\n");
  const std::string out = Tmp("odd.blkparse");
  CliRun c = Iosched("convert " + odd.path() + " " + out + " --trace-format msr");
  EXPECT_EQ(c.code, 1);
  EXPECT_THAT(c.err, HasSubstr("expected an offset that is a multiple of 512 bytes"));
  EXPECT_NE(::access(out.c_str(), F_OK), 0);
  EXPECT_EQ(Iosched("convert " + kMsr + " - --time-window 5").code, 2);
  EXPECT_EQ(Iosched("convert " + kMsr + " - --csv 'time=1:s'").code, 2);
  EXPECT_EQ(Iosched("convert " + kMsr + " - --trace-format nope").code, 2);
}

// Issue 18, defect 3: the SRT header error formatted freed heap bytes; the
// read happens inside the (uninstrumented) system Abseil, so ASan and the
// fuzzer miss it and valgrind is what sees it.
TEST_F(TraceCliTest, SrtBadHeaderIsCleanUnderValgrind) {
  if (::access("/usr/bin/valgrind", X_OK) != 0) GTEST_SKIP() << "valgrind not installed";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "this build's iosched carries AddressSanitizer, which cannot run under "
                  "valgrind; the RelWithDebInfo build (make test) runs this test";
#endif
  TempFile zeros(std::string(4096, '\0'));
  CliRun c = testing_util::RunShell("/usr/bin/valgrind -q --error-exitcode=99 " + Binary() +
                                    " info " + zeros.path() + " --trace-format hpl-srt");
  EXPECT_EQ(c.code, 1) << c.err;
  EXPECT_THAT(c.err, HasSubstr("got '\\x00\\x00\\x00"));
}

// Issue 18, defect 4: `compare -` failed with "<stdin>: empty file" (the
// second elevator found stdin drained) and `compare FIFO` hung (the second
// elevator reopened the FIFO). Read once, shared by every elevator.
TEST_F(TraceCliTest, CompareAndReportReadStdinAndFifosOnce) {
  CliRun file = Iosched("compare " + kMsr + " --elevators noop,deadline --disk ssd --format csv");
  ASSERT_EQ(file.code, 0) << file.err;
  CliRun in = Iosched("compare - --elevators noop,deadline --disk ssd --format csv", kMsr);
  ASSERT_EQ(in.code, 0) << in.err;
  // Same numbers; only the trace's name differs.
  auto body = [](const std::string& csv) { return csv.substr(csv.find('\n')); };
  EXPECT_EQ(body(WithoutTraceHash(in.out)), body(WithoutTraceHash(file.out)));
  EXPECT_EQ(Lines(in.out), Lines(file.out));

  const std::string fifo = Tmp("trace.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer is a shell in the background; `timeout` bounds a hang.
  CliRun f = testing_util::RunShell("cat " + kMsr + " > " + fifo + " & timeout 60 " + Binary() +
                                    " compare " + fifo +
                                    " --elevators noop,deadline --disk ssd --format csv");
  EXPECT_EQ(f.code, 0) << f.err;
  EXPECT_EQ(body(WithoutTraceHash(f.out)), body(WithoutTraceHash(file.out)));
  ::unlink(fifo.c_str());

  const std::string out = Tmp("report_stdin");
  CliRun rep = Iosched("report - --elevators noop,deadline --disk ssd --quiet --out " + out, kMsr);
  EXPECT_EQ(rep.code, 0) << rep.err;
  testing_util::RunShell("rm -rf " + out);
}

// Issue 18, defect 9: --time-scale 1e300 saturated silently (same results
// as 1e-300) and inf got another message and exit code than nan and -1.
TEST_F(TraceCliTest, TimeScaleOutOfRangeIsOneUsageError) {
  for (const char* v : {"inf", "nan", "-1", "0", "1e300", "1e-300"}) {
    CliRun c = Iosched("compare " + kMsr + " --elevators noop --time-scale " + v);
    EXPECT_EQ(c.code, 2) << v << ": " << c.err;
    EXPECT_THAT(c.err, HasSubstr("--time-scale must be > 0 (a finite factor in [1e-09, 1e+06])"))
        << v;
  }
}

// Issue 18, defect 8: a convert killed with SIGKILL left a cut file under
// the final name that `info` read as complete. Now the output is a
// temporary until it is complete: after the kill the final name does not
// exist. The input is a FIFO the test holds open, so the kill lands
// mid-conversion without any timing assumption.
TEST_F(TraceCliTest, AKilledConvertLeavesNothingUnderTheFinalName) {
  const std::string fifo = Tmp("convert.fifo"), out = Tmp("killed.iosb");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string bin = Binary();
    ::execl(bin.c_str(), bin.c_str(), "convert", fifo.c_str(), out.c_str(), "--trace-format", "msr",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::signal(SIGPIPE, SIG_IGN);
  // Open the writing end once convert has opened the reading end (bounded).
  int fd = -1;
  for (int i = 0; i < 3000 && fd < 0; ++i) {
    fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd < 0) ::usleep(10'000);
  }
  if (fd < 0) ::kill(pid, SIGKILL);
  ASSERT_GE(fd, 0) << "convert never opened the FIFO";
  ::fcntl(fd, F_SETFL, 0);
  FILE* w = ::fdopen(fd, "w");
  ASSERT_NE(w, nullptr);
  for (int i = 0; i < 50000; ++i) {
    std::fprintf(w, "%d,hm,0,Read,%d,4096,10\n", 1000 + i, i * 4096);
  }
  std::fflush(w);
  // Wait (bounded) for convert's temporary beside OUT, then kill it while
  // the FIFO is still open (convert is blocked reading it).
  bool started = false;
  for (int i = 0; i < 3000 && !started; ++i) {
    started = testing_util::RunShell("ls " + out + ".tmp.* >/dev/null 2>&1").code == 0;
    if (!started) ::usleep(10'000);
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::fclose(w);
  EXPECT_TRUE(started);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_NE(::access(out.c_str(), F_OK), 0) << "a cut file under the final name";
  testing_util::RunShell("rm -f " + out + ".tmp.* " + fifo);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Issue 18, defect 2: `convert IN IN` destroyed the input. The output rule
// compares by device and inode, so a hard link or a symlink to the input
// is refused too, before anything is written.
TEST_F(TraceCliTest, ConvertRefusesToOverwriteItsInput) {
  const std::string in = Tmp("self.csv");
  ASSERT_EQ(Iosched("generate mixed --requests 300 -o " + in).code, 0);
  const std::string before = Slurp(in);
  ASSERT_FALSE(before.empty());
  const std::string hard = Tmp("self_hard.csv"), soft = Tmp("self_soft.csv");
  ASSERT_EQ(::link(in.c_str(), hard.c_str()), 0);
  ASSERT_EQ(::symlink(in.c_str(), soft.c_str()), 0);
  for (const std::string& out : {in, hard, soft}) {
    CliRun c = Iosched("convert " + in + " " + out + " --to iosched-csv");
    EXPECT_EQ(c.code, 2) << out;
    EXPECT_THAT(c.err, HasSubstr("is the same file as " + in)) << out;
    EXPECT_EQ(Slurp(in), before) << out;
  }
  std::remove(hard.c_str());
  std::remove(soft.c_str());
  std::remove(in.c_str());
}

// A failed convert leaves an existing OUT as it was and no temporary file.
TEST_F(TraceCliTest, FailedConvertKeepsTheOldOutput) {
  const std::string out = Tmp("keep.blkparse");
  { std::ofstream(out) << "precious\n"; }
  TempFile odd("0,hm,0,Read,0,512,10\n0,hm,0,Read,100,512,10\n");
  // Not iosched's file: refused outright without --force (issue 18) …
  CliRun c = Iosched("convert " + odd.path() + " " + out + " --trace-format msr");
  EXPECT_EQ(c.code, 2);
  EXPECT_EQ(Slurp(out), "precious\n");
  // … and with --force a convert that fails half-way still leaves it whole.
  c = Iosched("convert " + odd.path() + " " + out + " --trace-format msr --force");
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(Slurp(out), "precious\n");
  CliRun left = testing_util::RunShell("ls " + out + ".tmp.* 2>/dev/null | wc -l");
  EXPECT_EQ(left.out, "0\n");
  std::remove(out.c_str());
}

// Outputs onto devices are refused, except the null device.
TEST_F(TraceCliTest, ConvertRefusesDevicesButNotDevNull) {
  CliRun c = Iosched("convert " + kMsr + " /dev/zero --to iosched-csv");
  EXPECT_EQ(c.code, 2);
  EXPECT_THAT(c.err, HasSubstr("/dev/zero is a character device"));
  EXPECT_EQ(Iosched("convert " + kMsr + " /dev/null --to iosched-csv").code, 0);
}

TEST_F(TraceCliTest, GenerateIsDeterministicAndParses) {
  CliRun a = Iosched("generate dependent-readers-vs-writer --seed 7 --requests 500");
  CliRun b = Iosched("generate dependent-readers-vs-writer --seed 7 --requests 500");
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, Iosched("generate dependent-readers-vs-writer --seed 8 --requests 500").out);
  TempFile f(a.out);
  ReadResult r = ReadAll(f.path(), "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "iosched-csv");
  EXPECT_EQ(r.records.size(), 500u);
  const std::string out = Tmp("gen.iosb");
  ASSERT_EQ(Iosched("generate fair-streams --streams 4 --requests 100 -o " + out +
                    " --format iosched-bin")
                .code,
            0);
  ReadResult bin = ReadAll(out, "auto");
  std::remove(out.c_str());
  EXPECT_EQ(bin.format, "iosched-bin");
  EXPECT_EQ(bin.records.size(), 100u);
}

TEST_F(TraceCliTest, GenerateBadInputIsAUsageErrorNamingTheValue) {
  struct Bad {
    const char* args;
    const char* says;
  } cases[] = {
      {"generate readers-vs-writer", "unknown scenario 'readers-vs-writer'"},
      {"generate mixed --requests -5", "--requests: expected a non-negative integer, got '-5'"},
      {"generate mixed --requests 0", "--requests must be in [1, 10^10], got 0"},
      {"generate mixed --streams 100000", "got '100000'"},
      {"generate mixed --think-us -1", "--think-us: expected microseconds >= 0, got '-1'"},
      {"generate mixed --read-size 3", "--read-size must be a multiple of 512"},
      {"generate mixed --capacity 10T0", "--capacity: expected a size"},
      {"generate mixed --read-percent 150", "got '150'"},
      {"generate weighted-readers --weights 100,0",
       "--weights: expected comma-separated BFQ weights in [1, 1000], e.g. 100,200, got '100,0'"},
      {"generate weighted-readers --weights 100,,200", "got '100,,200'"},
      {"generate weighted-readers --weights 1001", "got '1001'"},
      {"generate mixed --weights 100,200", "--weights applies to weighted-readers only, not mixed"},
  };
  for (const Bad& c : cases) {
    CliRun r = Iosched(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_THAT(r.err, HasSubstr(c.says)) << c.args;
    EXPECT_EQ(Lines(r.err), 1) << c.args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

TEST_F(TraceCliTest, InfoMergesTracesAndFiltersDevices) {
  CliRun m = Iosched("info " + kMsr + " --merge " + kMsr + " --format json");
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_THAT(m.out, HasSubstr("\"records\":2000"));
  EXPECT_THAT(m.out, HasSubstr("\"inputs\":2"));
  EXPECT_THAT(m.out, HasSubstr("\"stream_count\":2"));  // one stream per merged input
  CliRun d = Iosched("info " + kMsr + " --device 1 --format json");
  ASSERT_EQ(d.code, 0);
  EXPECT_THAT(d.out, HasSubstr("\"records\":0"));
  EXPECT_THAT(d.out, HasSubstr("\"dropped\":1000"));
}

TEST_F(TraceCliTest, GenericCsvFromTheCommandLine) {
  TempFile f("Timestamp,IOType,Offset,Size,LUN\n0.5,R,0,4096,1\n0.75,W,4096,4096,2\n");
  CliRun r = Iosched("info " + f.path() +
                     " --format json --csv "
                     "'header=1,time=Timestamp:s,op=IOType:R/W,offset=Offset:B,size=Size:B,"
                     "stream=LUN'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"format\":\"csv\""));
  EXPECT_THAT(r.out, HasSubstr("\"records\":2"));
  EXPECT_THAT(r.out, HasSubstr("\"duration_ns\":250000000"));
  CliRun bad = Iosched("info " + f.path() + " --csv 'time=Timestamp:s'");
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--csv mapping"));
}

// `replay` takes the same trace options as compare, simulated and against a
// real file (O_DIRECT on a temporary file; reads only, so nothing is written).
TEST_F(TraceCliTest, ReplaySharesTheTraceOptions) {
  TempFile f("0,8,4096,r,0.001\n0,8,4096,x,0.002\n0,16,4096,w,0.003\n0,24,4096,r,0.004\n");
  CliRun bad = Iosched("replay " + f.path() + " --format json --trace-format spc");
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr(f.path() + ":2: expected Opcode r or w"));
  CliRun sim = Iosched("replay " + f.path() +
                       " --format json --skip-bad-lines --skip writes --merge " + f.path());
  ASSERT_EQ(sim.code, 0) << sim.err;
  EXPECT_THAT(sim.out, HasSubstr("\"bad_lines\":2"));  // once per input
  EXPECT_THAT(sim.out, HasSubstr("\"requests\":4"));   // 2 reads × 2 inputs
  EXPECT_EQ(Iosched("replay " + f.path() + " --offset-align 0").code, 2);
  const std::string target = Tmp("replay_target");
  CliRun real = Iosched("replay " + f.path() + " --target " + target +
                        " --create 1M --format json --skip-bad-lines --skip writes");
  std::remove(target.c_str());
  ASSERT_EQ(real.code, 0) << real.err;
  EXPECT_THAT(real.out, HasSubstr("\"requests\":2"));
  EXPECT_THAT(real.out, HasSubstr("\"bad_lines\":1"));
  EXPECT_THAT(real.err, HasSubstr("skipped 1 malformed line(s)"));
}

TEST_F(TraceCliTest, CompareReportsOrSortsOutOfOrderRecords) {
  TempFile f("0,8,4096,r,0.003\n0,16,4096,r,0.004\n0,24,4096,r,0.001\n0,32,4096,r,0.002\n");
  CliRun unsorted = Iosched("compare " + f.path() + " --elevators noop");
  ASSERT_EQ(unsorted.code, 0) << unsorted.err;
  EXPECT_THAT(unsorted.out,
              HasSubstr("2 record(s) older than an earlier record, replayed unsorted"));
  CliRun sorted = Iosched("compare " + f.path() + " --elevators noop --sort-window 2");
  ASSERT_EQ(sorted.code, 0) << sorted.err;
  EXPECT_THAT(sorted.out, ::testing::Not(HasSubstr("older than an earlier record")));
  EXPECT_THAT(sorted.out, ::testing::Not(HasSubstr("beyond the sort window")));
  CliRun narrow = Iosched("compare " + f.path() + " --elevators noop --sort-window 1");
  ASSERT_EQ(narrow.code, 0) << narrow.err;
  EXPECT_THAT(narrow.out, HasSubstr("2 record(s) out of order beyond the sort window"));
}

TEST_F(TraceCliTest, CompareSkipsBadLinesAndAppliesTransforms) {
  TempFile f("0,8,4096,r,0.001\n0,8,4096,x,0.002\n0,16,4096,w,0.003\n");
  CliRun bad =
      Iosched("compare " + f.path() + " --elevators noop --format json --trace-format spc");
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr(f.path() + ":2: expected Opcode r or w"));
  CliRun ok = Iosched("compare " + f.path() + " --elevators noop --format json --skip-bad-lines");
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("\"bad_lines\":1"));
  EXPECT_THAT(ok.out, HasSubstr("\"requests\":2"));
  CliRun reads = Iosched("compare " + f.path() +
                         " --elevators noop --format json --skip-bad-lines --skip writes");
  ASSERT_EQ(reads.code, 0) << reads.err;
  EXPECT_THAT(reads.out, HasSubstr("\"requests\":1"));
}

}  // namespace
}  // namespace iosched
