// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The table of trace formats (text and binary) behind OpenTrace,
// DetectTraceFormat and TraceFormats(), and detection from the first bytes
// of an input.
//
// Thread-safety: the table is immutable; the functions are pure.

#ifndef IOSCHED_TRACES_FORMATS_H_
#define IOSCHED_TRACES_FORMATS_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "byte_source.h"
#include "iosched/trace.h"
#include "line_format.h"

namespace iosched::traces_internal {

using OpenBinaryFn = absl::StatusOr<std::unique_ptr<TraceReader>> (*)(
    std::unique_ptr<ByteSource> source, bool skip_bad_lines);

struct FormatDef {
  std::string_view name;
  std::string_view aliases;  // comma-separated, may be empty
  std::string_view description;
  std::string_view time_unit;
  const LineFormat* line;    // text formats
  OpenBinaryFn open_binary;  // binary formats
  bool writable;
  bool detected;
};

absl::Span<const FormatDef> AllFormats();
// The definition of a canonical name (not an alias); nullptr if unknown.
const FormatDef* FindFormat(std::string_view name);

// Bytes of the input read to detect its format.
inline constexpr size_t kDetectPrefixBytes = 256 * 1024;

// Reads up to `max` bytes; *eof is true if the source ended within them.
absl::Status ReadPrefix(ByteSource& source, size_t max, std::string* out, bool* eof);

// Detects the format of an input named `path` whose first bytes (already
// decompressed) are `prefix`; `eof` says whether that is the whole input.
// Same rules and messages as DetectTraceFormat. With `tolerate_bad_lines`
// (the reader will skip malformed lines) and no format fits every sampled
// line, a format also fits if it rejects at most one sampled line or a
// quarter of them, whichever is more, as long as it accepts at least one
// record or event.
absl::StatusOr<std::string> DetectFromPrefix(std::string_view path, std::string_view prefix,
                                             bool eof, bool tolerate_bad_lines = false);

// The first line of `prefix` without a byte-order mark and line end.
std::string_view FirstLine(std::string_view prefix);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_FORMATS_H_
