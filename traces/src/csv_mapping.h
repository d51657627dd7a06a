// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The generic CSV reader's column mapping (grammar in trace.h,
// TraceReadOptions::csv_mapping), parsed once per reader.
//
// Thread-safety: immutable after parsing.

#ifndef IOSCHED_TRACES_CSV_MAPPING_H_
#define IOSCHED_TRACES_CSV_MAPPING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace iosched::traces_internal {

struct CsvColumn {
  bool used = false;
  std::string title;   // when named by title; resolved to `index` at the header
  int32_t index = -1;  // 0-based; -1 until resolved
};

struct CsvMapping {
  uint32_t header_lines = 0;
  char sep = ',';
  bool blank_sep = false;  // "space": runs of spaces/tabs
  CsvColumn time, op, offset, size, stream, device, response, think;
  int time_scale = 9;  // power of ten turning the time unit into ns (for 100ns: 2)
  int response_scale = 9, think_scale = 9;
  std::string time_unit = "s";
  std::vector<std::string> read_values, write_values;
  uint64_t offset_unit = 1, size_unit = 1;  // bytes per unit
};

// Parses a mapping; InvalidArgument naming the offending key or value.
absl::StatusOr<CsvMapping> ParseCsvMapping(std::string_view spec);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_CSV_MAPPING_H_
