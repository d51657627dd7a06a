// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "trace_options.h"

#include <charconv>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

// "123.45" × 10^scale exactly (no floating point); false on bad syntax.
bool ScaledDecimal(std::string_view s, int scale, int64_t* out) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  const size_t dot = digits.find('.');
  std::string_view ip = digits.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view() : digits.substr(dot + 1);
  if (ip.empty() && fp.empty()) return false;
  __int128 v = 0;
  for (char c : ip) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
    if (v > (__int128{1} << 80)) return false;
  }
  int used = 0;
  bool round_up = false;
  for (char c : fp) {
    if (c < '0' || c > '9') return false;
    if (used < scale) {
      v = v * 10 + (c - '0');
      ++used;
    } else if (used == scale) {
      round_up = c >= '5';
      ++used;
    }
  }
  for (; used < scale; ++used) v *= 10;
  if (round_up) ++v;
  if (neg) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

absl::Status Usage(std::string_view option, std::string_view value, std::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(option), ": expected ", Sv(expected), ", got '", Sv(value), "'"));
}

absl::Status ParseIdList(std::string_view option, const std::vector<std::string>& items,
                         std::vector<uint32_t>* out) {
  for (const std::string& item : items) {
    for (absl::string_view part : absl::StrSplit(item, ',', absl::SkipEmpty())) {
      uint32_t v;
      if (!absl::SimpleAtoi(part, &v) || absl::StrContains(part, "-") ||
          absl::StrContains(part, "+")) {
        return Usage(option, StdSv(part), "a non-negative integer id (comma-separated list)");
      }
      out->push_back(v);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseDurationNs(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  struct Unit {
    std::string_view suffix;
    int scale;         // power of ten to ns
    int64_t multiply;  // for min / h
  };
  static constexpr Unit kUnits[] = {{"ns", 0, 1},   {"us", 3, 1},   {"ms", 6, 1},
                                    {"min", 9, 60}, {"h", 9, 3600}, {"s", 9, 1}};
  int scale = 9;
  int64_t multiply = 1;
  for (const Unit& u : kUnits) {
    if (s.size() > u.suffix.size() && s.ends_with(u.suffix)) {
      s.remove_suffix(u.suffix.size());
      scale = u.scale;
      multiply = u.multiply;
      break;
    }
  }
  int64_t v;
  if (!ScaledDecimal(s, scale, &v) || __builtin_mul_overflow(v, multiply, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a duration such as 250ms, 10s, 1.5us or 2min, got '", Sv(text), "'"));
  }
  return v;
}

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  std::string_view s = text;
  uint64_t multiply = 1;
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"K", 10},
      {"M", 20},   {"G", 30},   {"T", 40},   {"k", 10},   {"B", 0}};
  for (const auto& [suffix, shift] : kUnits) {
    if (s.size() > suffix.size() && s.ends_with(suffix)) {
      s.remove_suffix(suffix.size());
      multiply = uint64_t{1} << shift;
      break;
    }
  }
  uint64_t v;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() ||
      __builtin_mul_overflow(v, multiply, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a size such as 4096, 4K, 1M or 1G, got '", Sv(text), "'"));
  }
  return v;
}

absl::StatusOr<uint64_t> ParseCount(std::string_view text) {
  std::string_view s = text;
  uint64_t multiply = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'k':
      case 'K':
        multiply = 1000;
        break;
      case 'm':
      case 'M':
        multiply = 1000'000;
        break;
      case 'g':
      case 'G':
        multiply = 1000'000'000;
        break;
      default:
        break;
    }
    if (multiply != 1) s.remove_suffix(1);
  }
  uint64_t v;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() ||
      __builtin_mul_overflow(v, multiply, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a count such as 1000, 10k or 1M, got '", Sv(text), "'"));
  }
  return v;
}

CLI::Validator CountSuffix() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        absl::StatusOr<uint64_t> n = ParseCount(value);
        if (!n.ok()) return std::string(n.status().message());
        value = std::to_string(*n);
        return "";
      },
      "COUNT (k, M, G: x1000)");
}

CLI::Validator SizeSuffix() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        absl::StatusOr<uint64_t> n = ParseByteSize(value);
        if (!n.ok()) return std::string(n.status().message());
        value = std::to_string(*n);
        return "";
      },
      "SIZE (K, M, G: x1024)");
}

void AddTraceOptions(CLI::App* cmd, TraceFlags* f, TraceOptionSet set) {
  cmd->add_option("--trace-format", f->trace_format,
                  "Trace format (see `iosched formats`), or auto")
      ->capture_default_str();
  cmd->add_option("--csv", f->csv,
                  "Generic CSV column mapping, e.g. "
                  "'header=1,time=Timestamp:s,op=IOType:R/W,offset=Offset:B,size=Size:B'");
  cmd->add_flag("--skip-bad-lines", f->skip_bad_lines,
                "Skip malformed lines/records (counted) instead of failing");
  cmd->add_option("--merge", f->merge, "Another trace to merge into the timeline (repeatable)");
  cmd->add_option("--sort-window", f->sort_window,
                  "Sort records by time within a window of N records (0: report disorder)")
      ->transform(CountSuffix());
  cmd->add_option("--time-window", f->time_window,
                  "Keep records in [START:END) trace time, e.g. 10s:60s or :500ms");
  if (set.time_scale) {
    cmd->add_option("--time-scale", f->time_scale, "Multiply times (and think times) by X")
        ->capture_default_str();
  }
  cmd->add_option("--skip", f->skip, "Drop reads or writes")
      ->check(CLI::IsMember({"reads", "writes"}));
  cmd->add_option("--device,--volume", f->devices,
                  "Keep only these devices / volumes / ASUs (comma-separated, repeatable)");
  cmd->add_option("--stream", f->streams, "Keep only these streams (comma-separated, repeatable)");
  cmd->add_option("--offset-scale", f->offset_scale, "Multiply offsets by X (> 0)");
  cmd->add_option("--offset-align", f->offset_align, "Align offsets down to a size, e.g. 4K");
  cmd->add_option("--offset-modulo", f->offset_modulo,
                  "Wrap offsets modulo a capacity, e.g. 1G (requests crossing it move back)");
  if (set.max_records) {
    cmd->add_option("--max-requests", f->max_records, "Stop after N requests (0: all)")
        ->transform(CountSuffix());
  }
}

absl::Status BuildTraceOptions(const TraceFlags& f, TraceReadOptions* read, TraceTransform* t) {
  read->format = f.trace_format;
  read->csv_mapping = f.csv;
  read->skip_bad_lines = f.skip_bad_lines;
  if (!f.csv.empty()) {
    if (absl::Status s = ValidateCsvMapping(f.csv); !s.ok()) return s;
    if (f.trace_format != "auto" && absl::AsciiStrToLower(f.trace_format) != "csv") {
      return Usage("--csv", f.csv, "--trace-format csv or auto with a column mapping");
    }
  }
  if (absl::AsciiStrToLower(f.trace_format) != "auto" &&
      absl::AsciiStrToLower(f.trace_format) != "fio") {
    if (absl::StatusOr<std::string> c = CanonicalTraceFormat(f.trace_format); !c.ok()) {
      return c.status();
    }
  }
  t->sort_window = f.sort_window;
  t->time_scale = f.time_scale;
  t->offset_scale = f.offset_scale;
  t->max_records = f.max_records;
  t->skip_reads = f.skip == "reads";
  t->skip_writes = f.skip == "writes";
  if (!f.time_window.empty()) {
    const size_t colon = f.time_window.find(':');
    if (colon == std::string::npos) {
      return Usage("--time-window", f.time_window, "START:END, START: or :END");
    }
    const std::string start = f.time_window.substr(0, colon);
    const std::string end = f.time_window.substr(colon + 1);
    if (!start.empty()) {
      absl::StatusOr<int64_t> v = ParseDurationNs(start);
      if (!v.ok())
        return Usage("--time-window", f.time_window, "START:END durations (e.g. 10s:60s)");
      t->window_start_ns = *v;
    }
    if (!end.empty()) {
      absl::StatusOr<int64_t> v = ParseDurationNs(end);
      if (!v.ok())
        return Usage("--time-window", f.time_window, "START:END durations (e.g. 10s:60s)");
      t->window_end_ns = *v;
    }
  }
  IOSCHED_RETURN_IF_ERROR(ParseIdList("--device", f.devices, &t->devices));
  IOSCHED_RETURN_IF_ERROR(ParseIdList("--stream", f.streams, &t->streams));
  if (!f.offset_align.empty()) {
    absl::StatusOr<uint64_t> v = ParseByteSize(f.offset_align);
    if (!v.ok() || *v == 0) return Usage("--offset-align", f.offset_align, "a size > 0 such as 4K");
    t->offset_align = *v;
  }
  if (!f.offset_modulo.empty()) {
    absl::StatusOr<uint64_t> v = ParseByteSize(f.offset_modulo);
    if (!v.ok() || *v == 0) {
      return Usage("--offset-modulo", f.offset_modulo, "a capacity > 0 such as 1G");
    }
    t->offset_modulo = *v;
  }
  return ValidateTraceTransform(*t);
}

std::vector<std::string> TraceInputs(const std::string& main, const TraceFlags& flags) {
  std::vector<std::string> inputs = {main};
  inputs.insert(inputs.end(), flags.merge.begin(), flags.merge.end());
  return inputs;
}

std::vector<std::string> PipelineNotes(const TracePipeline& p) {
  std::vector<std::string> notes;
  if (p.bad_lines() > 0) {
    notes.push_back(absl::StrCat("iosched: note: skipped ", p.bad_lines(),
                                 " malformed line(s) (first: ", Sv(p.first_bad_line()), ")"));
  }
  const TracePipelineStats& s = p.stats();
  if (s.out_of_order > 0) {
    notes.push_back(absl::StrCat("iosched: note: ", s.out_of_order,
                                 " record(s) older than an earlier record, passed through "
                                 "unsorted (--sort-window N sorts within N records)"));
  }
  if (s.late > 0) {
    notes.push_back(absl::StrCat("iosched: note: ", s.late,
                                 " record(s) out of order beyond the sort window, moved to the "
                                 "last emitted time (use a larger --sort-window)"));
  }
  return notes;
}

}  // namespace iosched
