// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Issue 18 leftovers on the command line: every command writing results
// refuses to replace a file (or fill a folder) that iosched did not write
// unless --force is given; -o is never one of the command's inputs (its
// trace, a --merge trace); a cut fio iolog is reported as cut, by path and
// line, and --skip-bad-lines salvages it; a bad line inside the
// format-detection window is reported as path:line.

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_files.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::CliRun;
using testing_util::ReadFile;
using testing_util::WriteFile;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

const std::string kMsr =
    std::string(IOSCHED_SOURCE_DIR) + "/traces/data/msr_hm0-msr-cambridge1-sample.csv";

std::string Tmp(const std::string& name) {
  return ::testing::TempDir() + "/outrule_" + std::to_string(::getpid()) + "_" + name;
}

const char kForeign[] = "notes I keep here\n";

TEST(OutputRuleCli, ResultFileThatIsNotOursNeedsForce) {
  const std::string out = Tmp("notes.txt");
  WriteFile(out, kForeign);
  const std::string compare = "compare " + kMsr + " --elevators noop --fit scale --format csv ";
  CliRun r = Iosched(compare + "-o " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("-o " + out + " exists and was not written by iosched"));
  EXPECT_THAT(r.err, HasSubstr("(use --force)"));
  EXPECT_EQ(ReadFile(out), kForeign);
  r = Iosched(compare + "-o " + out + " --force");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(ReadFile(out), HasSubstr("schema_version,"));
  // Now it is ours (compare's CSV carries schema_version): no --force.
  r = Iosched(compare + "-o " + out);
  EXPECT_EQ(r.code, 0) << r.err;
  std::remove(out.c_str());
}

TEST(OutputRuleCli, ConvertGenerateAndRecordNeedForceOverForeignFiles) {
  const std::string out = Tmp("foreign.csv");
  WriteFile(out, kForeign);
  CliRun r = Iosched("convert " + kMsr + " " + out + " --to iosched-csv");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("OUT " + out + " exists and was not written by iosched"));
  EXPECT_EQ(ReadFile(out), kForeign);
  r = Iosched("generate mixed --requests 10 -o " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("-o " + out + " exists and was not written by iosched"));
  EXPECT_EQ(ReadFile(out), kForeign);
  // replay --record / --record-fio: refused before the target is opened.
  r = Iosched("replay " + kMsr + " --target " + Tmp("no-target") + " --record " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--record " + out + " exists and was not written by iosched"));
  r = Iosched("replay " + kMsr + " --target " + Tmp("no-target") + " --record-fio " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--record-fio " + out + " exists and was not written by iosched"));
  EXPECT_EQ(ReadFile(out), kForeign);
  // With --force convert replaces it; an iosched trace is ours afterwards.
  r = Iosched("convert " + kMsr + " " + out + " --to iosched-csv --force");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Iosched("convert " + kMsr + " " + out + " --to iosched-csv");
  EXPECT_EQ(r.code, 0) << r.err;
  std::remove(out.c_str());
}

TEST(OutputRuleCli, FoldersWithForeignFilesNeedForce) {
  const std::string dir = Tmp("photos");
  ASSERT_EQ(::mkdir(dir.c_str(), 0777), 0);
  WriteFile(dir + "/holiday.jpg", "jpg");
  CliRun r = Iosched("compare " + kMsr + " --elevators noop --fit scale --plot " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--plot " + dir + " holds files iosched did not write"));
  EXPECT_TRUE(r.out.empty()) << r.out;  // refused before the run
  r = Iosched("plot " + Tmp("none.json") + " -o " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--output " + dir + " holds files iosched did not write"));
  r = Iosched("report " + kMsr + " --elevators noop -o " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("holds files iosched did not write"));
  r = Iosched("study merge " + Tmp("none") + " --out " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--out " + dir + " holds files iosched did not write"));
  EXPECT_EQ(::access((dir + "/.iosched-output").c_str(), F_OK), -1);
}

// Issue 18 (smaller ones): the -o refusal names the file the run reads,
// here a --merge trace.
TEST(OutputRuleCli, OutputThatIsAMergedTraceIsRefusedByName) {
  const std::string merged = Tmp("merged.csv");
  ASSERT_EQ(Iosched("convert " + kMsr + " " + merged + " --to iosched-csv").code, 0);
  const std::string before = ReadFile(merged);
  CliRun r = Iosched("compare " + kMsr + " --merge " + merged +
                     " --elevators noop --fit scale --format csv -o " + merged);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("-o " + merged + " is the same file as " + merged +
                               ", which this run reads"));
  EXPECT_EQ(ReadFile(merged), before);
  // The same through a symlink: the message names the input as given.
  const std::string link = Tmp("link.csv");
  ASSERT_EQ(::symlink(merged.c_str(), link.c_str()), 0);
  r = Iosched("info " + merged + " -o " + link);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("-o " + link + " is the same file as " + merged));
  EXPECT_EQ(ReadFile(merged), before);
  std::remove(link.c_str());
  std::remove(merged.c_str());
}

// Issue 18 defect 8: a fio iolog cut inside a line (its writer killed) is
// reported as cut, not read as a short record; --skip-bad-lines keeps the
// complete records.
TEST(OutputRuleCli, CutFioIologIsReportedAndSalvageable) {
  const std::string log = Tmp("cut.iolog");
  WriteFile(log,
            "fio version 3 iolog\n1 /dev/sdz add\n1 /dev/sdz open\n5 /dev/sdz read 0 4096\n"
            "9 /dev/sdz write 577536 4");  // cut from "… 4096\n"
  CliRun r = Iosched("info " + log);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(log + ":5: expected a complete line ending in a newline (the file "
                                     "was cut short"));
  r = Iosched("info " + log + " --skip-bad-lines --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"records\":1,"));
  EXPECT_THAT(r.out, HasSubstr("\"bad_lines\":1,"));
  std::remove(log.c_str());
}

// Issue 18 (smaller ones): a bad line among the first lines, which format
// detection reads, is reported as path:line for the format the other lines
// are, not inside a list of every format tried.
TEST(OutputRuleCli, BadLineInTheDetectionWindowIsPathLine) {
  const std::string trace = Tmp("bad3.csv");
  std::ifstream in(kMsr);
  std::ofstream out(trace);
  std::string line;
  for (int n = 1; n <= 30 && std::getline(in, line); ++n) {
    out << (n == 3 ? "128166372003061629,hm,0,Read,oops,4096,100" : line) << "\n";
  }
  out.close();
  CliRun r = Iosched("info " + trace);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(trace + ":3: expected "));
  EXPECT_THAT(r.err, HasSubstr("read as msr"));
  EXPECT_THAT(r.err, Not(HasSubstr("cannot detect")));
  r = Iosched("info " + trace + " --skip-bad-lines");
  EXPECT_EQ(r.code, 0) << r.err;
  std::remove(trace.c_str());
}

}  // namespace
}  // namespace iosched
