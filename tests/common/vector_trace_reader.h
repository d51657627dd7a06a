// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// VectorTraceReader: a TraceReader over a fixed vector of records, for the
// suites that feed readers, pipelines or replays without a file. Records
// whose `line` is 0 get their 1-based index as line number.
//
// Thread-safety: none, like every TraceReader.

#ifndef IOSCHED_TESTS_COMMON_VECTOR_TRACE_READER_H_
#define IOSCHED_TESTS_COMMON_VECTOR_TRACE_READER_H_

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "iosched/trace.h"

namespace iosched::testing_util {

class VectorTraceReader final : public TraceReader {
 public:
  explicit VectorTraceReader(std::vector<TraceRecord> records) : records_(std::move(records)) {
    for (size_t i = 0; i < records_.size(); ++i) {
      if (records_[i].line == 0) records_[i].line = i + 1;
    }
  }
  absl::StatusOr<bool> Next(TraceRecord* out) override {
    if (pos_ >= records_.size()) return false;
    *out = records_[pos_++];
    return true;
  }
  std::string_view format() const override { return "vector"; }
  std::string_view time_unit() const override { return "ns"; }

 private:
  std::vector<TraceRecord> records_;
  size_t pos_ = 0;
};

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_COMMON_VECTOR_TRACE_READER_H_
