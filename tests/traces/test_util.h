// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Helpers for the trace reader tests: reading a whole trace into memory
// (test-sized files only), from a temporary file or from memory.

#ifndef IOSCHED_TESTS_TRACES_TEST_UTIL_H_
#define IOSCHED_TESTS_TRACES_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "test_files.h"

namespace iosched::testing {

// Shared helpers (tests/common/test_files.h).
using testing_util::BundledTrace;
using testing_util::FileExists;
using testing_util::Message;
using testing_util::SharedTrace;
using testing_util::TempFile;

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

}  // namespace iosched::testing

#endif  // IOSCHED_TESTS_TRACES_TEST_UTIL_H_
