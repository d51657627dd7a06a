// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadAll;
using ::iosched::testing::ReadResult;
using ::iosched::testing::TempFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Detect(std::string_view contents) {
  TempFile f(contents);
  absl::StatusOr<std::string> format = DetectTraceFormat(f.path());
  return format.ok() ? *format : "error: " + Message(format.status());
}

TEST(KnownTraceFormatsTest, ListsEveryReader) {
  EXPECT_THAT(KnownTraceFormats(), ElementsAre("msr", "spc", "blkparse", "fio-v2", "fio-v3",
                                               "disksim", "mqsim", "validate", "hpl-srt", "tencent",
                                               "fiu", "iosched-csv", "iosched-bin", "csv"));
}

TEST(KnownTraceFormatsTest, AliasesResolve) {
  EXPECT_EQ(*CanonicalTraceFormat("UMass"), "spc");
  EXPECT_EQ(*CanonicalTraceFormat("srt"), "hpl-srt");
  EXPECT_EQ(*CanonicalTraceFormat("iosched"), "iosched-csv");
  EXPECT_EQ(*CanonicalTraceFormat("fio"), "fio");
  EXPECT_THAT(Message(CanonicalTraceFormat("nope").status()),
              HasSubstr("unknown trace format 'nope'; known formats: auto, msr, spc"));
}

TEST(DetectTraceFormatTest, RecognisesEachFormat) {
  EXPECT_EQ(Detect("128166385295514663,hm,0,Write,9056014336,2048,2833\n"), "msr");
  EXPECT_EQ(Detect("Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\r\n"
                   "128166385295514663,hm,0,Write,9056014336,2048,2833\r\n"),
            "msr");
  EXPECT_EQ(Detect("#Maj,Mn CPU   SeqNo\n"
                   "  8,16   5        1     0.000000000 18615  A   R 1 + 256 <- (8,17) 1\n"
                   "  8,16   5        4     0.000008750 18615  P   N [java]\n"),
            "blkparse");
  EXPECT_EQ(Detect("R Miss  564347     2     14095.370     13876.270\n"), "validate");
  EXPECT_EQ(Detect("89966527996712 4253 nfsd 508516680 8 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3"),
            "fiu");
  EXPECT_EQ(Detect("11413000 0 657728 16 1\n11565000 1 31244784 64 0\n"), "mqsim");
  EXPECT_EQ(Detect("0.000000 0 657728 16 1\n1.5 0 31244784 64 0\n"), "disksim");
  EXPECT_EQ(Detect("0,20941264,8192,R,0.551706\n1,20939840,8192,r,0.554041\n"), "spc");
  EXPECT_EQ(Detect("1538323200,4247200,128,1,1058\n1538323199,13896880,128,0,1063\n"), "tencent");
  EXPECT_EQ(Detect("fio version 3 iolog\n30 /dev/null add\n"), "fio-v3");
  EXPECT_EQ(Detect("fio version 2 iolog\n/dev/null add\n"), "fio-v2");
  EXPECT_EQ(Detect("# iosched trace v1 time_unit=ns\n"
                   "time_ns,op,offset,length,stream,think_ns,response_ns\n0,R,0,512,,,\n"),
            "iosched-csv");
  EXPECT_EQ(Detect(std::string("IOSCHEDB\1\0\0\0", 12)), "iosched-bin");
  EXPECT_EQ(Detect("$$TR_IOREC-1.3 header\f"), "hpl-srt");
}

TEST(DetectTraceFormatTest, DiskSimWhenAnyTimeIsFractionalOrFlagIsNotZeroOrOne) {
  // One float time anywhere in the sample is enough.
  EXPECT_EQ(Detect("0 0 1 8 1\n10 0 2 8 0\n20.25 0 3 8 1\n"), "disksim");
  // Flags other than 0/1 (DiskSim reads them as hex).
  EXPECT_EQ(Detect("0 0 1 8 1\n10 0 2 8 3\n"), "disksim");
  // All-integer times and 0/1 flags cannot be told apart: mqsim wins.
  EXPECT_EQ(Detect("0 0 1 8 1\n10 0 2 8 0\n"), "mqsim");
}

TEST(DetectTraceFormatTest, LooksOnlyAtTheFirstTwentyDataLines) {
  std::string contents = "# comment\n\n";
  for (int i = 0; i < 20; ++i) contents += std::to_string(i * 1000) + " 0 8 8 1\n";
  contents += "20000.5 0 8 8 1\n";  // line 23: never sampled
  EXPECT_EQ(Detect(contents), "mqsim");
  // And the mqsim reader then rejects it, naming the line.
  TempFile f(contents);
  ReadResult r = ReadAll(f.path(), "auto");
  EXPECT_EQ(r.records.size(), 20u);
  EXPECT_EQ(Message(r.status),
            f.path() + ":23: expected an integer arrival time in ns, got '20000.5'");
}

TEST(DetectTraceFormatTest, EmptyFileIsAnError) {
  TempFile f("");
  absl::StatusOr<std::string> format = DetectTraceFormat(f.path());
  EXPECT_EQ(format.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(format.status()), f.path() + ": empty file, cannot detect format");
}

TEST(DetectTraceFormatTest, OnlyCommentsIsAnError) {
  TempFile f("# nothing\n\n   \n");
  absl::StatusOr<std::string> format = DetectTraceFormat(f.path());
  EXPECT_THAT(Message(format.status()), HasSubstr("no data lines"));
}

TEST(DetectTraceFormatTest, HeaderAloneIsNotEnough) {
  EXPECT_THAT(Detect("Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n"),
              HasSubstr("msr (only header lines)"));
}

TEST(DetectTraceFormatTest, UnknownFormatListsWhatWasTried) {
  TempFile f("fio version 4 iolog\n/dev/null add\n");
  absl::StatusOr<std::string> format = DetectTraceFormat(f.path());
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg = Message(format.status());
  EXPECT_THAT(msg, HasSubstr(f.path() + ": cannot detect the trace format"));
  for (const char* name :
       {"validate (line 1: expected", "msr (line 1:", "spc (line 1:", "tencent (line 1:",
        "blkparse (line 1:", "fiu (line 1:", "mqsim (line 1:", "disksim (line 1:"}) {
    EXPECT_THAT(msg, HasSubstr(name));
  }
  EXPECT_THAT(msg, HasSubstr("--trace-format"));
}

TEST(DetectTraceFormatTest, MixedFormatsAreRejected) {
  // Line 2 breaks mqsim's type rule and disksim's field count.
  EXPECT_THAT(Detect("11413000 0 657728 16 1\nR Hit 1 1 1 1\n"), HasSubstr("cannot detect"));
  // Free text inside a blkparse sample rejects blkparse.
  EXPECT_THAT(Detect("  8,16   5        4     0.000008750 18615  P   N [java]\nhello world\n"),
              HasSubstr("blkparse (line 2: expected a blkparse line, got 'hello world')"));
}

TEST(DetectTraceFormatTest, MissingFileIsNotFound) {
  absl::StatusOr<std::string> format =
      DetectTraceFormat(::testing::TempDir() + "/iosched_missing.trace");
  EXPECT_EQ(format.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(format.status()), HasSubstr("iosched_missing.trace: cannot open"));
}

TEST(OpenTraceTest, AutoDetectsAndExplicitFormatOverrides) {
  TempFile f("0 0 1 8 1\n10 0 2 8 0\n");
  ReadResult detected = ReadAll(f.path(), "auto");
  ASSERT_TRUE(detected.status.ok());
  EXPECT_EQ(detected.format, "mqsim");
  EXPECT_EQ(detected.records[1].time_ns, 10);

  ReadResult forced = ReadAll(f.path(), "DiskSim");  // any case
  ASSERT_TRUE(forced.status.ok());
  EXPECT_EQ(forced.format, "disksim");
  EXPECT_EQ(forced.time_unit, "ms");
  EXPECT_EQ(forced.records[1].time_ns, 10000000);
}

TEST(OpenTraceTest, UnknownFormatNameListsKnownOnes) {
  TempFile f("x\n");
  absl::StatusOr<std::unique_ptr<TraceReader>> reader = OpenTrace(f.path(), "spx");
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(reader.status()),
            "unknown trace format 'spx'; known formats: auto, msr, spc, blkparse, fio-v2, "
            "fio-v3, disksim, mqsim, validate, hpl-srt, tencent, fiu, iosched-csv, iosched-bin, "
            "csv");
}

TEST(OpenTraceTest, EmptyFileWithExplicitFormatReadsNothing) {
  TempFile f("");
  for (const std::string& name : KnownTraceFormats()) {
    if (name == "csv") continue;  // needs a mapping; see GenericCsvTest
    ReadResult r = ReadAll(f.path(), name);
    EXPECT_TRUE(r.status.ok()) << name << ": " << r.status;
    EXPECT_TRUE(r.records.empty()) << name;
    EXPECT_EQ(r.format, name);
  }
  // With "auto" the detection error surfaces.
  ReadResult r = ReadAll(f.path(), "auto");
  EXPECT_EQ(Message(r.status), f.path() + ": empty file, cannot detect format");
}

TEST(OpenTraceTest, MissingFileNamesPathAndReason) {
  const std::string path = ::testing::TempDir() + "/iosched_missing.csv";
  ReadResult r = ReadAll(path, "msr");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(r.status), path + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace iosched
