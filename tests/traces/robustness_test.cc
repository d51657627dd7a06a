// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Every reader against hostile input: empty files, absurd sizes (0,
// > 1 TiB), negative times, non-UTF-8 bytes, binary junk, --skip-bad-lines,
// and compressed input (gzip, xz, bzip2, corrupt and truncated).

#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_writer.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadAll;
using ::iosched::testing::ReadMemory;
using ::iosched::testing::ReadResult;
using ::iosched::testing::TempFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Case {
  const char* format;
  const char* good;       // one valid line (with its header lines, if any)
  const char* zero_size;  // the same record with length 0
  const char* huge_size;  // … with a length over 1 TiB
  const char* negative;   // … with a negative time (nullptr: no time field)
};

const Case kCases[] = {
    {"msr", "128166385295514663,hm,0,Write,4096,512,10\n",
     "128166385295514663,hm,0,Write,4096,0,10\n",
     "128166385295514663,hm,0,Write,4096,1099511627777,10\n",
     "-128166385295514663,hm,0,Write,4096,512,10\n"},
    {"spc", "0,8,512,r,0.5\n", "0,8,0,r,0.5\n", "0,8,1099511627777,r,0.5\n", "0,8,512,r,-0.5\n"},
    {"blkparse", "  8,16   5   2   0.000001850 18615  Q   R 16 + 8 [java]\n",
     nullptr,  // length 0 Q events are skipped, not errors
     "  8,16   5   2   0.000001850 18615  Q   R 16 + 2147483649 [java]\n",
     "  8,16   5   2   -0.000001850 18615  Q   R 16 + 8 [java]\n"},
    {"fio-v3", "fio version 3 iolog\n1 f add\n2 f read 0 512\n",
     "fio version 3 iolog\n1 f add\n2 f read 0 0\n",
     "fio version 3 iolog\n1 f add\n2 f read 0 1099511627777\n",
     "fio version 3 iolog\n1 f add\n-2 f read 0 512\n"},
    {"fio-v2", "fio version 2 iolog\nf add\nf read 0 512\n",
     "fio version 2 iolog\nf add\nf read 0 0\n",
     "fio version 2 iolog\nf add\nf read 0 1099511627777\n", nullptr},
    {"disksim", "0.5 0 16 8 1\n", "0.5 0 16 0 1\n", "0.5 0 16 2147483649 1\n", "-0.5 0 16 8 1\n"},
    {"mqsim", "5 0 16 8 1\n", "5 0 16 0 1\n", "5 0 16 2147483649 1\n", "-5 0 16 8 1\n"},
    {"validate", "R Miss 16 8 100.5 20.25\n", "R Miss 16 0 100.5 20.25\n",
     "R Miss 16 2147483649 100.5 20.25\n", "R Miss 16 8 -100.5 20.25\n"},
    {"tencent", "1538323200,16,8,0,7\n", "1538323200,16,0,0,7\n", "1538323200,16,2147483649,0,7\n",
     "-1538323200,16,8,0,7\n"},
    {"fiu", "89966527996712 4253 nfsd 508516680 8 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n",
     "89966527996712 4253 nfsd 508516680 0 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n",
     "89966527996712 4253 nfsd 508516680 2147483649 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n",
     "-89966527996712 4253 nfsd 508516680 8 W 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n"},
    {"iosched-csv",
     "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length,stream,think_ns,response_ns\n"
     "5,R,0,512,,,\n",
     "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length,stream,think_ns,response_ns\n"
     "5,R,0,0,,,\n",
     "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length,stream,think_ns,response_ns\n"
     "5,R,0,1099511627777,,,\n",
     "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length,stream,think_ns,response_ns\n"
     "-5,R,0,512,,,\n"},
};

class ReaderRobustnessTest : public ::testing::TestWithParam<Case> {};

TEST_P(ReaderRobustnessTest, GoodLineParses) {
  ReadResult r = ReadMemory(GetParam().good, GetParam().format);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records.size(), 1u);
}

TEST_P(ReaderRobustnessTest, EmptyInputIsAnEmptyTrace) {
  ReadResult r = ReadMemory("", GetParam().format);
  EXPECT_TRUE(r.status.ok()) << r.status;
  EXPECT_TRUE(r.records.empty());
}

TEST_P(ReaderRobustnessTest, AbsurdSizes) {
  if (GetParam().zero_size != nullptr) {
    EXPECT_THAT(Message(ReadMemory(GetParam().zero_size, GetParam().format).status),
                HasSubstr("expected a length > 0"));
  }
  EXPECT_THAT(Message(ReadMemory(GetParam().huge_size, GetParam().format).status),
              HasSubstr("expected a length of at most 1 TiB (absurd size)"));
}

TEST_P(ReaderRobustnessTest, NonUtf8AndBinaryJunkAreEscapedLineErrors) {
  // The good input, then a line of invalid UTF-8 and control bytes.
  std::string data = GetParam().good;
  data += "\xff\xfe\x80 \x01\x02 \xc3\x28\n";
  ReadResult r = ReadMemory(data, GetParam().format);
  EXPECT_EQ(r.records.size(), 1u);
  const std::string msg = Message(r.status);
  EXPECT_THAT(msg, StartsWith("mem:"));
  EXPECT_THAT(msg, HasSubstr("expected"));
  for (char c : msg) ASSERT_GE(static_cast<unsigned char>(c), 0x20) << msg;  // escaped
  // With skip_bad_lines the junk line is counted and reading goes on.
  data += GetParam().good;
  ReadResult skipped = ReadMemory(data, GetParam().format, /*skip_bad_lines=*/true);
  EXPECT_TRUE(skipped.status.ok()) << skipped.status;
  EXPECT_GE(skipped.bad_lines, 1u);
  EXPECT_GE(skipped.records.size(), 2u);
}

std::string FormatName(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.format;
  for (char& c : n) c = c == '-' ? '_' : c;
  return n;
}

INSTANTIATE_TEST_SUITE_P(Formats, ReaderRobustnessTest, ::testing::ValuesIn(kCases), FormatName);

// Negative times, for the formats that have a time field (all but fio v2,
// whose records carry none).
class NegativeTimeTest : public ::testing::TestWithParam<Case> {};

std::vector<Case> CasesWithTimeField() {
  std::vector<Case> out;
  for (const Case& c : kCases) {
    if (c.negative != nullptr) out.push_back(c);
  }
  return out;
}

TEST_P(NegativeTimeTest, IsALineError) {
  ReadResult r = ReadMemory(GetParam().negative, GetParam().format);
  EXPECT_THAT(Message(r.status), StartsWith("mem:"));
  EXPECT_THAT(Message(r.status), HasSubstr("expected"));
  EXPECT_TRUE(r.records.empty());
}

INSTANTIATE_TEST_SUITE_P(Formats, NegativeTimeTest, ::testing::ValuesIn(CasesWithTimeField()),
                         FormatName);

TEST(RobustnessTest, EveryFormatButFioV2HasANegativeTimeCase) {
  EXPECT_EQ(CasesWithTimeField().size(), std::size(kCases) - 1);
}

TEST(RobustnessTest, AutoDetectionOfBinaryJunkFails) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
  ReadResult r = ReadMemory(junk, "auto");
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.records.empty());
}

// ---- compressed input ----

std::string Compress(const std::string& data, const char* tool) {
  TempFile plain(data);
  const std::string out = plain.path() + ".z";
  const std::string cmd =
      std::string(tool) + " -c '" + plain.path() + "' > '" + out + "' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return "";
  TempFile dummy("");
  std::string bytes;
  if (FILE* f = std::fopen(out.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) bytes.append(buf, n);
    std::fclose(f);
  }
  std::remove(out.c_str());
  return bytes;
}

std::string ManyMsrLines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += absl::StrCat(128166385295514663 + i * 1000, ",hm,0,Read,", 4096 * i, ",4096,10\n");
  }
  return s;
}

// One instance per compressor. The tools are required (scripts/install-deps.sh
// installs gzip, xz-utils, bzip2 and zstd): a missing one fails its instance.
class CompressedInputTest : public ::testing::TestWithParam<const char*> {
 protected:
  std::string CompressOrFail(const std::string& plain) {
    std::string z = Compress(plain, GetParam());
    EXPECT_FALSE(z.empty()) << GetParam()
                            << " failed or is not installed (scripts/install-deps.sh)";
    return z;
  }
};

TEST_P(CompressedInputTest, IsReadDirectly) {
  const std::string plain = ManyMsrLines(20000);  // spans many decompression buffers
  const std::string z = CompressOrFail(plain);
  ASSERT_FALSE(z.empty());
  TempFile f(z);
  ReadResult r = ReadAll(f.path(), "auto");  // detection sees the decompressed text
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "msr");
  ASSERT_EQ(r.records.size(), 20000u);
  EXPECT_EQ(r.records.back().offset, 4096u * 19999);
  EXPECT_EQ(r.records.back().line, 20000u);
}

TEST_P(CompressedInputTest, TruncatedAndCorruptDataAreErrors) {
  const std::string plain = ManyMsrLines(5000);
  const std::string z = CompressOrFail(plain);
  ASSERT_FALSE(z.empty());
  ReadResult truncated = ReadMemory(z.substr(0, z.size() / 2), "msr");
  EXPECT_FALSE(truncated.status.ok()) << "truncated data read as complete";
  EXPECT_LT(truncated.records.size(), 5000u);
  std::string corrupt = z;
  for (size_t i = z.size() / 3; i < z.size() / 3 + 64; ++i) corrupt[i] ^= 0x5a;
  ReadResult bad = ReadMemory(corrupt, "msr");
  EXPECT_FALSE(bad.status.ok()) << "corrupt data read as valid";
  EXPECT_THAT(Message(bad.status),
              ::testing::AnyOf(HasSubstr("corrupt or truncated"), HasSubstr("mem:")));
}

INSTANTIATE_TEST_SUITE_P(Tools, CompressedInputTest, ::testing::Values("gzip", "xz", "bzip2", "zstd"),
                         [](const auto& info) { return std::string(info.param); });

TEST(CompressedInputTest, UnsupportedCompressionIsNamedByItsMagic) {
  struct Case {
    std::string bytes;
    const char* name;
    const char* hex;
  };
  const std::string junk(2000, '\x97');
  const Case cases[] = {
      {std::string("\x04\x22\x4d\x18", 4) + junk, "lz4 data", "04 22 4d 18 97 97 97 97"},
      {std::string("\x89LZO\0\r\n", 7) + junk, "lzop data", "89 4c 5a 4f 00 0d 0a 97"},
      {std::string("PK\x03\x04", 4) + junk, "zip archive data", "50 4b 03 04"},
      {std::string("\x1f\x9d\x90", 3) + junk, "compress (.Z) data", "1f 9d 90"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ReadResult r = ReadMemory(c.bytes, "auto");
    ASSERT_FALSE(r.status.ok());
    const std::string m = Message(r.status);
    EXPECT_THAT(m, HasSubstr(c.name));
    EXPECT_THAT(m, HasSubstr(c.hex));
    EXPECT_THAT(m, HasSubstr("gzip, xz, bzip2 and zstd input is read directly"));
    EXPECT_LT(m.size(), 300u) << "the binary input leaked into the message";
  }
  // Binary bytes of no known kind: named as binary, not quoted.
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 37) & 0xff));
  ReadResult r = ReadMemory(binary, "auto");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(Message(r.status), HasSubstr("binary data (first bytes 00 25 4a 6f 94 b9 de 03)"));
  EXPECT_LT(Message(r.status).size(), 300u);
}

}  // namespace
}  // namespace iosched
