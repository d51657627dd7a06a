// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "line_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "traces/test_util.h"

namespace iosched::traces_internal {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::TempFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Lines {
  std::vector<std::string> text;
  std::vector<uint64_t> numbers;
  absl::Status status;
};

Lines ReadLines(const std::string& path, LineReader::Options options = {}) {
  Lines out;
  auto reader = LineReader::Open(path, options);
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  std::string_view line;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&line);
    if (!more.ok()) {
      out.status = more.status();
      break;
    }
    if (!*more) break;
    out.text.emplace_back(line);
    out.numbers.push_back((*reader)->line_number());
  }
  return out;
}

TEST(LineReaderTest, SplitsLinesAndNumbersThem) {
  TempFile f("a\nbb\n\nccc\n");
  Lines lines = ReadLines(f.path());
  ASSERT_TRUE(lines.status.ok()) << lines.status;
  EXPECT_THAT(lines.text, ElementsAre("a", "bb", "", "ccc"));
  EXPECT_THAT(lines.numbers, ElementsAre(1, 2, 3, 4));
}

TEST(LineReaderTest, LastLineWithoutNewline) {
  TempFile f("one\ntwo");
  Lines lines = ReadLines(f.path());
  ASSERT_TRUE(lines.status.ok());
  EXPECT_THAT(lines.text, ElementsAre("one", "two"));
}

TEST(LineReaderTest, StripsCrlfAndFinalCr) {
  TempFile f("one\r\ntwo\r\nthree\r");
  Lines lines = ReadLines(f.path());
  ASSERT_TRUE(lines.status.ok());
  EXPECT_THAT(lines.text, ElementsAre("one", "two", "three"));
}

TEST(LineReaderTest, StripsUtf8ByteOrderMarkOnFirstLineOnly) {
  TempFile f("\xEF\xBB\xBFx\n\xEF\xBB\xBFy\n");
  Lines lines = ReadLines(f.path());
  ASSERT_TRUE(lines.status.ok());
  EXPECT_THAT(lines.text, ElementsAre("x", "\xEF\xBB\xBFy"));
}

TEST(LineReaderTest, EmptyFileHasNoLines) {
  TempFile f("");
  auto reader = LineReader::Open(f.path());
  ASSERT_TRUE(reader.ok());
  std::string_view line;
  absl::StatusOr<bool> more = (*reader)->Next(&line);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ((*reader)->bytes_read(), 0u);
}

TEST(LineReaderTest, LinesSpanningRefillsWithATinyBuffer) {
  // A 16-byte buffer forces compaction and growth on almost every line.
  std::string contents;
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    expected.push_back(std::string(static_cast<size_t>(i % 37), 'a' + i % 26) + std::to_string(i));
    contents += expected.back() + (i % 3 == 0 ? "\r\n" : "\n");
  }
  TempFile f(contents);
  Lines lines = ReadLines(f.path(), {.buffer_size = 16, .max_line_length = 64});
  ASSERT_TRUE(lines.status.ok()) << lines.status;
  EXPECT_EQ(lines.text, expected);
  EXPECT_EQ(lines.numbers.back(), 200u);
}

TEST(LineReaderTest, OverlongLineIsAnErrorWithItsLineNumber) {
  TempFile f("short\n" + std::string(100, 'x') + "\nafter\n");
  Lines lines = ReadLines(f.path(), {.buffer_size = 16, .max_line_length = 70});
  EXPECT_THAT(lines.text, ElementsAre("short"));
  EXPECT_EQ(lines.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(lines.status), f.path() + ":2: expected a line of at most 70 bytes, got '" +
                                       std::string(60, 'x') + "...'");
}

TEST(LineReaderTest, OverlongLastLineWithoutNewlineIsAnError) {
  TempFile f("ok\n" + std::string(80, 'y'));
  Lines lines = ReadLines(f.path(), {.buffer_size = 1024, .max_line_length = 50});
  EXPECT_THAT(Message(lines.status), HasSubstr(":2: expected a line of at most 50 bytes"));
}

TEST(LineReaderTest, MissingFileIsNotFoundNamingPathAndReason) {
  const std::string path = ::testing::TempDir() + "/iosched_no_such_file.trace";
  Lines lines = ReadLines(path);
  EXPECT_EQ(lines.status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(lines.status), HasSubstr(path));
  EXPECT_THAT(Message(lines.status), HasSubstr("No such file or directory"));
}

TEST(LineReaderTest, DirectoryIsAnErrorNamingPath) {
  Lines lines = ReadLines(::testing::TempDir());
  EXPECT_FALSE(lines.status.ok());
  EXPECT_THAT(Message(lines.status), HasSubstr("Is a directory"));
}

TEST(LineReaderTest, UnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: file permissions are not enforced";
  TempFile f("data\n");
  ASSERT_EQ(::chmod(f.path().c_str(), 0), 0);
  Lines lines = ReadLines(f.path());
  EXPECT_EQ(lines.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(lines.status), HasSubstr(f.path()));
  EXPECT_THAT(Message(lines.status), HasSubstr("Permission denied"));
}

}  // namespace
}  // namespace iosched::traces_internal
