// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The format table, OpenTrace and friends.

#include "formats.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "binary_formats.h"
#include "csv_mapping.h"
#include "line_reader.h"
#include "text_trace_reader.h"

namespace iosched {
namespace traces_internal {
namespace {

// Listing order (TraceFormats()).
const FormatDef kFormatTable[] = {
    {"msr", "", "MSR Cambridge CSV (SNIA IOTTA)", "100ns", &kMsrFormat, nullptr, false, true},
    {"spc", "umass", "SPC / UMass CSV ASU,LBA,Size,Opcode,Timestamp", "s", &kSpcFormat, nullptr,
     true, true},
    {"blkparse", "", "blkparse default text output (Q events)", "s", &kBlkparseFormat, nullptr,
     true, true},
    {"fio-v2", "", "fio iolog version 2 (times from wait lines)", "ms", &kFioV2Format, nullptr,
     true, true},
    {"fio-v3", "fio", "fio iolog version 3 (µs timestamps)", "us", &kFioV3Format, nullptr, true,
     true},
    {"disksim", "", "DiskSim ASCII time_ms devno blkno bcount flags", "ms", &kDiskSimFormat,
     nullptr, true, true},
    {"mqsim", "", "MQSim ASCII arrival_ns device lba size type", "ns", &kMqSimFormat, nullptr,
     false, true},
    {"validate", "", "DiskSim validate trace (closed loop)", "us", &kValidateFormat, nullptr, false,
     true},
    {"hpl-srt", "srt", "HP Labs SRT binary (DiskSim ajw.1week.srt)", "us", nullptr, &OpenHplSrt,
     false, true},
    {"tencent", "tencent-cbs", "Tencent CBS CSV Timestamp,Offset,Size,IOType,VolumeID", "s",
     &kTencentFormat, nullptr, false, true},
    {"fiu", "", "FIU SyLab ts pid process lba size rw major minor md5", "ns", &kFiuFormat, nullptr,
     false, true},
    {"iosched-csv", "iosched,native", "iosched native CSV (time_ns,op,offset,length,stream,...)",
     "ns", &kNativeCsvFormat, nullptr, true, true},
    {"iosched-bin", "", "iosched native binary, 48-byte records", "ns", nullptr, &OpenNativeBinary,
     true, true},
    {"csv", "", "any CSV, columns mapped with --csv", "(mapping)", &kGenericCsvFormat, nullptr,
     false, false},
};

}  // namespace

absl::Span<const FormatDef> AllFormats() { return kFormatTable; }

const FormatDef* FindFormat(std::string_view name) {
  for (const FormatDef& f : kFormatTable) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

namespace {

std::string KnownList() {
  std::vector<std::string> names = {"auto"};
  for (const FormatDef& f : kFormatTable) names.emplace_back(f.name);
  return absl::StrJoin(names, ", ");
}

// Opens `source` as `name` (canonical, "fio" or "auto").
absl::StatusOr<std::unique_ptr<TraceReader>> OpenSource(std::unique_ptr<ByteSource> source,
                                                        std::string name,
                                                        const TraceReadOptions& options) {
  if (name == "auto" || name == "fio") {
    std::string prefix;
    bool eof = false;
    if (absl::Status s = ReadPrefix(*source, kDetectPrefixBytes, &prefix, &eof); !s.ok()) return s;
    if (name == "auto") {
      absl::StatusOr<std::string> detected =
          DetectFromPrefix(source->path(), prefix, eof, options.skip_bad_lines);
      if (!detected.ok()) return detected.status();
      name = *std::move(detected);
    } else {
      const std::string_view first = StripBlanks(FirstLine(prefix));
      if (first == "fio version 2 iolog") {
        name = "fio-v2";
      } else if (first == "fio version 3 iolog") {
        name = "fio-v3";
      } else if (prefix.empty()) {
        name = "fio-v3";  // an empty file is an empty trace
      } else {
        return LineError(source->path(), 1, "'fio version 2 iolog' or 'fio version 3 iolog'",
                         first);
      }
    }
    source = PrefixedByteSource(std::move(prefix), std::move(source));
  }
  const FormatDef* f = FindFormat(name);
  if (f == nullptr) return absl::InternalError(absl::StrCat("no reader for ", name));
  if (f->open_binary != nullptr) return f->open_binary(std::move(source), options.skip_bad_lines);
  LineFormatArgs args;
  args.csv_mapping = options.csv_mapping;
  absl::StatusOr<std::unique_ptr<LineParser>> parser = MakeLineParser(*f->line, args);
  if (!parser.ok()) return parser.status();
  return std::unique_ptr<TraceReader>(new TextTraceReader(
      f->line, *std::move(parser), LineReader::FromSource(std::move(source), LineReader::Options()),
      options.skip_bad_lines));
}

// Resolves options.format (and the csv mapping) to a canonical name, "fio"
// or "auto".
absl::StatusOr<std::string> ResolveName(const TraceReadOptions& options) {
  std::string name = absl::AsciiStrToLower(AbslView(options.format));
  if (name.empty()) name = "auto";
  if (name == "auto" && !options.csv_mapping.empty()) name = "csv";
  if (name != "auto" && name != "fio") {
    absl::StatusOr<std::string> canonical = CanonicalTraceFormat(name);
    if (!canonical.ok()) return canonical.status();
    name = *std::move(canonical);
  }
  if (name == "csv" && options.csv_mapping.empty()) {
    return absl::InvalidArgumentError(
        "trace format 'csv' needs a column mapping (--csv "
        "'time=1:s,op=2:R/W,offset=3:B,size=4:B')");
  }
  return name;
}

}  // namespace
}  // namespace traces_internal

const std::vector<TraceFormatInfo>& TraceFormats() {
  static const std::vector<TraceFormatInfo>* formats = [] {
    auto* v = new std::vector<TraceFormatInfo>;
    for (const traces_internal::FormatDef& f : traces_internal::AllFormats()) {
      TraceFormatInfo info;
      info.name = std::string(f.name);
      for (absl::string_view a :
           absl::StrSplit(traces_internal::AbslView(f.aliases), ',', absl::SkipEmpty())) {
        info.aliases.emplace_back(a);
      }
      info.description = std::string(f.description);
      info.time_unit = std::string(f.time_unit);
      info.writable = f.writable;
      info.detected = f.detected;
      v->push_back(std::move(info));
    }
    return v;
  }();
  return *formats;
}

std::vector<std::string> KnownTraceFormats() {
  std::vector<std::string> names;
  for (const TraceFormatInfo& f : TraceFormats()) names.push_back(f.name);
  return names;
}

absl::StatusOr<std::string> CanonicalTraceFormat(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(traces_internal::AbslView(name));
  if (lower == "fio") return std::string("fio");
  for (const TraceFormatInfo& f : TraceFormats()) {
    if (f.name == lower) return f.name;
    for (const std::string& a : f.aliases) {
      if (a == lower) return f.name;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown trace format '", traces_internal::AbslView(name),
                   "'; known formats: ", traces_internal::KnownList()));
}

absl::Status ValidateCsvMapping(std::string_view mapping) {
  return traces_internal::ParseCsvMapping(mapping).status();
}

absl::StatusOr<std::string> DetectTraceFormat(const std::string& path) {
  absl::StatusOr<std::unique_ptr<traces_internal::ByteSource>> source =
      traces_internal::OpenByteSource(path);
  if (!source.ok()) return source.status();
  std::string prefix;
  bool eof = false;
  if (absl::Status s =
          traces_internal::ReadPrefix(**source, traces_internal::kDetectPrefixBytes, &prefix, &eof);
      !s.ok()) {
    return s;
  }
  return traces_internal::DetectFromPrefix(path, prefix, eof);
}

absl::StatusOr<std::unique_ptr<TraceReader>> OpenTrace(const std::string& path,
                                                       const TraceReadOptions& options) {
  absl::StatusOr<std::string> name = traces_internal::ResolveName(options);
  if (!name.ok()) return name.status();
  absl::StatusOr<std::unique_ptr<traces_internal::ByteSource>> source =
      traces_internal::OpenByteSource(path);
  if (!source.ok()) return source.status();
  return traces_internal::OpenSource(*std::move(source), *std::move(name), options);
}

absl::StatusOr<std::unique_ptr<TraceReader>> OpenTrace(const std::string& path,
                                                       std::string_view format) {
  TraceReadOptions options;
  options.format = std::string(format);
  return OpenTrace(path, options);
}

absl::StatusOr<std::unique_ptr<TraceReader>> OpenTraceFromMemory(std::string name,
                                                                 std::string_view data,
                                                                 const TraceReadOptions& options) {
  absl::StatusOr<std::string> format = traces_internal::ResolveName(options);
  if (!format.ok()) return format.status();
  return traces_internal::OpenSource(traces_internal::MemoryByteSource(std::move(name), data),
                                     *std::move(format), options);
}

}  // namespace iosched
