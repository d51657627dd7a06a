// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Format registry, format detection and OpenTrace.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iosched/trace.h"
#include "line_format.h"
#include "line_reader.h"
#include "text_trace_reader.h"

namespace iosched {
namespace {

using traces_internal::LineContext;
using traces_internal::LineFormat;
using traces_internal::LineKind;
using traces_internal::LineReader;

// Listing order (KnownTraceFormats).
const LineFormat* const kFormats[] = {
    &traces_internal::kMsrFormat,      &traces_internal::kBlkparseFormat,
    &traces_internal::kDiskSimFormat,  &traces_internal::kMqSimFormat,
    &traces_internal::kValidateFormat, &traces_internal::kFiuFormat,
};

// Detection order: most distinctive first; mqsim (integer ns, type 0/1)
// before disksim, which accepts any five numeric columns.
const LineFormat* const kDetectionOrder[] = {
    &traces_internal::kValidateFormat, &traces_internal::kMsrFormat,
    &traces_internal::kBlkparseFormat, &traces_internal::kFiuFormat,
    &traces_internal::kMqSimFormat,    &traces_internal::kDiskSimFormat,
};

const LineFormat* FindFormat(std::string_view name) {
  for (const LineFormat* f : kFormats) {
    if (f->name == name) return f;
  }
  return nullptr;
}

// Detection reads the first kSampleLines data lines (not blank, not '#'),
// looking at no more than kMaxScanLines lines in all.
constexpr size_t kSampleLines = 20;
constexpr uint64_t kMaxScanLines = 10000;

struct SampleLine {
  uint64_t line;
  std::string text;
};

// Checks every sample line against `format`. Returns OK if all are accepted
// and at least one is a record or event; otherwise the reason.
absl::Status MatchFormat(const LineFormat& format, const std::string& path,
                         const std::vector<SampleLine>& sample) {
  bool evidence = false;
  for (size_t i = 0; i < sample.size(); ++i) {
    LineContext ctx{path, sample[i].line, i == 0};
    TraceRecord rec;
    LineKind kind = LineKind::kForeign;
    if (absl::Status s = format.parse(sample[i].text, ctx, &rec, &kind); !s.ok()) return s;
    if (kind == LineKind::kForeign) {
      return traces_internal::LineError(
          ctx, absl::StrCat("a ", traces_internal::AbslView(format.name), " line"), sample[i].text);
    }
    if (kind == LineKind::kRecord || kind == LineKind::kEvent) evidence = true;
  }
  if (!evidence) {
    return absl::InvalidArgumentError("only header lines");
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> KnownTraceFormats() {
  std::vector<std::string> names;
  for (const LineFormat* f : kFormats) names.emplace_back(f->name);
  return names;
}

absl::StatusOr<std::string> DetectTraceFormat(const std::string& path) {
  absl::StatusOr<std::unique_ptr<LineReader>> lines = LineReader::Open(path);
  if (!lines.ok()) return lines.status();
  std::vector<SampleLine> sample;
  std::string_view line;
  while (sample.size() < kSampleLines && (*lines)->line_number() < kMaxScanLines) {
    absl::StatusOr<bool> more = (*lines)->Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (traces_internal::IsBlankOrComment(line)) continue;
    sample.push_back({(*lines)->line_number(), std::string(line)});
  }
  if ((*lines)->bytes_read() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty file, cannot detect format"));
  }
  if (sample.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no data lines (only blank or '#' lines), cannot detect format"));
  }
  std::vector<std::string> tried;
  for (const LineFormat* f : kDetectionOrder) {
    absl::Status s = MatchFormat(*f, path, sample);
    if (s.ok()) return std::string(f->name);
    // "path:12: expected …" → "line 12: expected …".
    absl::string_view reason = s.message();
    const std::string prefix = absl::StrCat(path, ":");
    const bool has_line = absl::StartsWith(reason, prefix);
    if (has_line) reason.remove_prefix(prefix.size());
    tried.push_back(absl::StrCat(traces_internal::AbslView(f->name), " (", has_line ? "line " : "",
                                 reason, ")"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": cannot detect the trace format from its first ", sample.size(),
                   " data lines; tried ", absl::StrJoin(tried, "; "),
                   ". Name the format explicitly (--trace-format)"));
}

absl::StatusOr<std::unique_ptr<TraceReader>> OpenTrace(const std::string& path,
                                                       std::string_view format) {
  std::string name = absl::AsciiStrToLower(traces_internal::AbslView(format));
  if (name.empty() || name == "auto") {
    absl::StatusOr<std::string> detected = DetectTraceFormat(path);
    if (!detected.ok()) return detected.status();
    name = *std::move(detected);
  }
  const LineFormat* f = FindFormat(name);
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown trace format '", traces_internal::AbslView(format),
                     "'; known formats: auto, ", absl::StrJoin(KnownTraceFormats(), ", ")));
  }
  absl::StatusOr<std::unique_ptr<LineReader>> lines = LineReader::Open(path);
  if (!lines.ok()) return lines.status();
  return std::unique_ptr<TraceReader>(new traces_internal::TextTraceReader(f, *std::move(lines)));
}

}  // namespace iosched
