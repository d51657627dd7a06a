// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers for the trace reader tests: temporary trace files and reading a
// whole trace into memory (test-sized files only).

#ifndef IOSCHED_TESTS_TRACES_TEST_UTIL_H_
#define IOSCHED_TESTS_TRACES_TEST_UTIL_H_

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"

namespace iosched::testing {

// A file in ::testing::TempDir() with the given bytes, removed when the
// object goes out of scope. The name is unique (mkstemp), so tests may run
// in parallel.
class TempFile {
 public:
  explicit TempFile(std::string_view contents) {
    std::string tmpl = ::testing::TempDir() + "/iosched_trace_XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    EXPECT_GE(fd, 0) << "mkstemp " << tmpl;
    path_ = tmpl;
    size_t done = 0;
    while (fd >= 0 && done < contents.size()) {
      ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    EXPECT_EQ(done, contents.size());
    if (fd >= 0) ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ReadResult {
  absl::Status status;  // OK if the whole file was read
  std::vector<TraceRecord> records;
  uint64_t skipped = 0;
  uint64_t bad_lines = 0;
  std::string first_bad_line;
  std::string format;
  std::string time_unit;
};

// Reads every record of an open reader (or keeps its opening error).
inline ReadResult Drain(absl::StatusOr<std::unique_ptr<TraceReader>> reader) {
  ReadResult result;
  if (!reader.ok()) {
    result.status = reader.status();
    return result;
  }
  result.format = std::string((*reader)->format());
  result.time_unit = std::string((*reader)->time_unit());
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) {
      result.status = more.status();
      break;
    }
    if (!*more) break;
    result.records.push_back(rec);
  }
  result.skipped = (*reader)->skipped();
  result.bad_lines = (*reader)->bad_lines();
  result.first_bad_line = std::string((*reader)->first_bad_line());
  return result;
}

inline ReadResult ReadAll(const std::string& path, std::string_view format) {
  return Drain(OpenTrace(path, format));
}

inline ReadResult ReadAll(const std::string& path, const TraceReadOptions& options) {
  return Drain(OpenTrace(path, options));
}

// Reads `data` as a trace without a file.
inline ReadResult ReadMemory(std::string_view data, std::string_view format,
                             bool skip_bad_lines = false) {
  TraceReadOptions options;
  options.format = std::string(format);
  options.skip_bad_lines = skip_bad_lines;
  return Drain(OpenTraceFromMemory("mem", data, options));
}

// Reads `contents` as a trace of `format` from a temporary file.
inline ReadResult ReadText(std::string_view contents, std::string_view format,
                           std::string* path_out = nullptr) {
  TempFile file(contents);
  if (path_out != nullptr) *path_out = file.path();
  return ReadAll(file.path(), format);
}

// The status message as a std::string (absl::string_view may be a distinct
// type from std::string_view).
inline std::string Message(const absl::Status& status) { return std::string(status.message()); }

// Shared fixtures (../shared/traces) and bundled data (traces/data).
inline std::string SharedTrace(std::string_view name) {
  return std::string(IOSCHED_SHARED_DIR) + "/traces/" + std::string(name);
}
inline std::string BundledTrace(std::string_view name) {
  return std::string(IOSCHED_SOURCE_DIR) + "/traces/data/" + std::string(name);
}

inline bool FileExists(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

}  // namespace iosched::testing

#endif  // IOSCHED_TESTS_TRACES_TEST_UTIL_H_
