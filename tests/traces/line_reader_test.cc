// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "line_reader.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

// The user "nobody" (65534 on Debian): who the permission check runs as
// when the test runs as root, whom file permissions do not bind.
constexpr uid_t kNobody = 65534;

// Opens and reads `path` as the current user, or, when running as root, in
// a forked child that first drops to `nobody` (setresgid, setresuid: no
// capabilities left, so the mode bits apply). The child reports the status
// code and message through a pipe. Returns the status; `*setup_error` is set
// when the child could not drop privileges.
absl::Status ReadAsUnprivileged(const std::string& path, std::string* setup_error) {
  if (::geteuid() != 0) return ReadLines(path).status;
  int fds[2];
  if (::pipe(fds) != 0) {
    *setup_error = std::string("pipe: ") + std::strerror(errno);
    return absl::OkStatus();
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    *setup_error = std::string("fork: ") + std::strerror(errno);
    return absl::OkStatus();
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string report;
    if (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
        ::setresuid(kNobody, kNobody, kNobody) != 0) {
      report = std::string("E") + std::strerror(errno);
    } else {
      const absl::Status st = ReadLines(path).status;
      report = "S" + std::to_string(static_cast<int>(st.code())) + " " + std::string(st.message());
    }
    for (size_t done = 0; done < report.size();) {
      const ssize_t n = ::write(fds[1], report.data() + done, report.size() - done);
      if (n <= 0) ::_exit(2);
      done += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string report;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, n);
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || report.empty()) {
    *setup_error = "child failed (wait status " + std::to_string(wstatus) + ")";
    return absl::OkStatus();
  }
  if (report[0] == 'E') {
    *setup_error = "cannot drop privileges to uid 65534: " + report.substr(1);
    return absl::OkStatus();
  }
  const size_t space = report.find(' ');
  const int code = std::stoi(report.substr(1, space - 1));
  return absl::Status(static_cast<absl::StatusCode>(code), report.substr(space + 1));
}

TEST(LineReaderTest, UnreadableFileIsPermissionDenied) {
  TempFile f("data\n");
  ASSERT_EQ(::chmod(f.path().c_str(), 0), 0);
  std::string setup_error;
  const absl::Status status = ReadAsUnprivileged(f.path(), &setup_error);
  ASSERT_EQ(setup_error, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(status), HasSubstr(f.path()));
  EXPECT_THAT(Message(status), HasSubstr("Permission denied"));
}

}  // namespace
}  // namespace iosched::traces_internal
