// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Format detection from the first bytes of an input.

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "binary_formats.h"
#include "byte_source.h"
#include "formats.h"
#include "line_reader.h"

namespace iosched::traces_internal {
namespace {

// Text formats without a magic first line, most distinctive first; mqsim
// (integer ns, type 0/1) before disksim, which accepts any five numeric
// columns.
const LineFormat* const kDetectionOrder[] = {
    &kValidateFormat, &kMsrFormat, &kSpcFormat,   &kTencentFormat,
    &kBlkparseFormat, &kFiuFormat, &kMqSimFormat, &kDiskSimFormat,
};

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
absl::Status MatchFormat(const LineFormat& format, std::string_view path,
                         const std::vector<SampleLine>& sample, bool tolerate_bad_lines) {
  absl::StatusOr<std::unique_ptr<LineParser>> parser = MakeLineParser(format, {});
  if (!parser.ok()) return parser.status();
  bool evidence = false;
  size_t bad = 0;
  absl::Status first_error;
  for (size_t i = 0; i < sample.size(); ++i) {
    LineContext ctx{path, sample[i].line, i == 0};
    TraceRecord rec;
    LineKind kind = LineKind::kForeign;
    absl::Status s = (*parser)->Parse(sample[i].text, ctx, &rec, &kind);
    if (s.ok() && kind == LineKind::kForeign) {
      s = LineError(ctx, absl::StrCat("a ", AbslView(format.name), " line"), sample[i].text);
    }
    if (!s.ok()) {
      if (!tolerate_bad_lines) return s;
      if (first_error.ok()) first_error = s;
      ++bad;
      continue;
    }
    if (kind == LineKind::kRecord || kind == LineKind::kEvent) evidence = true;
  }
  if (bad > std::max<size_t>(1, sample.size() / 4) || (!evidence && !first_error.ok())) {
    return first_error;
  }
  if (!evidence) return absl::InvalidArgumentError("only header lines");
  return absl::OkStatus();
}

// How many sample lines `format` accepts, and its first rejection.
struct FormatFit {
  size_t good = 0;
  bool evidence = false;
  absl::Status first_error;
};

FormatFit FitFormat(const LineFormat& format, std::string_view path,
                    const std::vector<SampleLine>& sample) {
  FormatFit fit;
  absl::StatusOr<std::unique_ptr<LineParser>> parser = MakeLineParser(format, {});
  if (!parser.ok()) {
    fit.first_error = parser.status();
    return fit;
  }
  for (size_t i = 0; i < sample.size(); ++i) {
    LineContext ctx{path, sample[i].line, i == 0};
    TraceRecord rec;
    LineKind kind = LineKind::kForeign;
    absl::Status s = (*parser)->Parse(sample[i].text, ctx, &rec, &kind);
    if (s.ok() && kind == LineKind::kForeign) {
      s = LineError(ctx, absl::StrCat("a ", AbslView(format.name), " line"), sample[i].text);
    }
    if (!s.ok()) {
      if (fit.first_error.ok()) fit.first_error = s;
      continue;
    }
    ++fit.good;
    if (kind == LineKind::kRecord || kind == LineKind::kEvent) fit.evidence = true;
  }
  return fit;
}

}  // namespace

absl::Status ReadPrefix(ByteSource& source, size_t max, std::string* out, bool* eof) {
  // Grow as the input proves long enough: a tiny file costs a tiny buffer.
  out->clear();
  *eof = false;
  size_t want = std::min<size_t>(max, 4096);
  while (!*eof && out->size() < max) {
    const size_t have = out->size();
    out->resize(want);
    absl::StatusOr<size_t> n = ReadFully(source, out->data() + have, want - have);
    if (!n.ok()) return n.status();
    out->resize(have + *n);
    *eof = have + *n < want;
    want = std::min(max, want * 4);
  }
  return absl::OkStatus();
}

std::string_view FirstLine(std::string_view prefix) {
  if (prefix.starts_with("\xEF\xBB\xBF")) prefix.remove_prefix(3);
  const size_t nl = prefix.find('\n');
  std::string_view line = prefix.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Up to the first 8 bytes of `data` in hex ("04 22 4d 18").
std::string HexHead(std::string_view data) {
  std::string out;
  for (size_t i = 0; i < std::min<size_t>(8, data.size()); ++i) {
    absl::StrAppend(&out, i ? " " : "",
                    absl::Hex(static_cast<unsigned char>(data[i]), absl::kZeroPad2));
  }
  return out;
}

// Binary input that no reader takes (the binary formats were recognised by
// their magic before): an unsupported compression or archive is named by
// its magic bytes, anything else with NUL bytes or mostly control bytes
// near its start is "binary data"; never quoted into the message.
absl::Status RejectBinary(std::string_view path, std::string_view prefix) {
  const std::string_view kind = UnsupportedCompressionName(prefix);
  if (!kind.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(path), ": ", AbslView(kind), " data (first bytes ", HexHead(prefix),
        "), which iosched cannot read; decompress or extract it first (gzip, xz, bzip2 and "
        "zstd input is read directly)"));
  }
  const std::string_view head = prefix.substr(0, 1024);
  size_t control = 0;
  for (char c : head) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0) {
      control = head.size();
      break;
    }
    if (u < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
  }
  if (control * 10 > head.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(path), ": binary data (first bytes ", HexHead(prefix),
                     ") of no known trace format or compression; name the format explicitly "
                     "(--trace-format, see `iosched formats`)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DetectFromPrefix(std::string_view path, std::string_view prefix,
                                             bool eof, bool tolerate_bad_lines) {
  if (prefix.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(path), ": empty file, cannot detect format"));
  }
  if (prefix.starts_with(kNativeBinaryMagic)) return std::string("iosched-bin");
  if (prefix.starts_with(kSrtMagic)) return std::string("hpl-srt");
  const std::string_view first = StripBlanks(FirstLine(prefix));
  if (first.starts_with("# iosched trace v1")) return std::string("iosched-csv");
  if (first == "fio version 2 iolog") return std::string("fio-v2");
  if (first == "fio version 3 iolog") return std::string("fio-v3");
  if (absl::Status s = RejectBinary(path, prefix); !s.ok()) return s;

  // A line cut by the end of the prefix is not sampled.
  if (!eof) {
    const size_t nl = prefix.rfind('\n');
    prefix = nl == std::string_view::npos ? std::string_view() : prefix.substr(0, nl + 1);
  }
  std::unique_ptr<LineReader> lines =
      LineReader::FromSource(MemoryByteSource(std::string(path), prefix, /*sniff=*/false), {});
  std::vector<SampleLine> sample;
  std::string_view line;
  while (sample.size() < kSampleLines && lines->line_number() < kMaxScanLines) {
    absl::StatusOr<bool> more = lines->Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (IsBlankOrComment(line)) continue;
    sample.push_back({lines->line_number(), std::string(line)});
  }
  if (sample.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(path), ": no data lines (only blank or '#' lines), cannot detect format"));
  }
  // Tolerance only when no format fits strictly: a DiskSim trace with one
  // fractional time must stay "disksim", not become "mqsim" minus a line.
  if (tolerate_bad_lines) {
    bool strict_fit = false;
    for (const LineFormat* f : kDetectionOrder) {
      if (MatchFormat(*f, path, sample, false).ok()) {
        strict_fit = true;
        break;
      }
    }
    tolerate_bad_lines = !strict_fit;
  }
  std::vector<std::string> tried;
  for (const LineFormat* f : kDetectionOrder) {
    absl::Status s = MatchFormat(*f, path, sample, tolerate_bad_lines);
    if (s.ok()) return std::string(f->name);
    // "path:12: expected …" → "line 12: expected …".
    absl::string_view reason = s.message();
    const std::string prefix_text = absl::StrCat(AbslView(path), ":");
    const bool has_line = absl::StartsWith(reason, prefix_text);
    if (has_line) reason.remove_prefix(prefix_text.size());
    tried.push_back(absl::StrCat(AbslView(f->name), " (", has_line ? "line " : "", reason, ")"));
  }
  // A few bad lines among lines that one format reads (at most a quarter of
  // the sample, at least 3 good lines with records): report the first bad
  // line as that format's reader would, "path:line: expected …".
  {
    const LineFormat* best = nullptr;
    FormatFit best_fit;
    for (const LineFormat* f : kDetectionOrder) {
      FormatFit fit = FitFormat(*f, path, sample);
      if (fit.evidence && fit.good > best_fit.good) {
        best = f;
        best_fit = std::move(fit);
      }
    }
    const size_t bad = sample.size() - best_fit.good;
    if (best != nullptr && bad > 0 && best_fit.good >= 3 &&
        bad <= std::max<size_t>(1, sample.size() / 4) &&
        best_fit.first_error.code() == absl::StatusCode::kInvalidArgument &&
        absl::StartsWith(best_fit.first_error.message(), absl::StrCat(AbslView(path), ":"))) {
      return absl::InvalidArgumentError(absl::StrCat(
          best_fit.first_error.message(), " (the other ", best_fit.good, " of the first ",
          sample.size(), " data lines read as ", AbslView(best->name),
          "; --skip-bad-lines skips bad lines, --trace-format names the format)"));
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat(AbslView(path), ": cannot detect the trace format from its first ",
                   sample.size(), " data lines; tried ", absl::StrJoin(tried, "; "),
                   ". Name the format explicitly (--trace-format)"));
}

}  // namespace iosched::traces_internal
