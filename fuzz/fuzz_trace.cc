// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// libFuzzer target for one trace reader. One object file serves every
// target: the format comes from the program's name, fuzz_<format> with
// dashes written as underscores (fuzz_fio_v3 → "fio-v3"; fuzz_auto fuzzes
// detection too), read in LLVMFuzzerInitialize.
// For "csv" the input's first line is the column mapping and the rest the
// trace, so the mapping parser is fuzzed as well.
//
// Each input is read twice (strict and with skip_bad_lines). Properties
// checked (a violation aborts, which libFuzzer reports as a crash):
//   - no crash, hang or sanitizer report on any bytes;
//   - every record has 0 < length <= 1 TiB and offset + length <= 2^64;
//   - stream names (blkparse, FIU) are at most kMaxStreamNameLength bytes,
//     on one line;
//   - errors are InvalidArgument, DataLoss or FailedPrecondition with a
//     one-line message;
//   - records survive a write/read round trip through iosched-bin.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "iosched/trace.h"
#include "iosched/trace_writer.h"

namespace {

std::string g_format;  // set once by LLVMFuzzerInitialize

constexpr size_t kMaxRecords = 20000;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckError(const absl::Status& s) {
  Check(s.code() == absl::StatusCode::kInvalidArgument || s.code() == absl::StatusCode::kDataLoss ||
        s.code() == absl::StatusCode::kFailedPrecondition);
  const std::string msg(s.message());
  Check(!msg.empty() && msg.find('\n') == std::string::npos);
}

void ReadOnce(std::string_view trace, const std::string& mapping, bool skip) {
  iosched::TraceReadOptions o;
  o.format = g_format;
  o.csv_mapping = mapping;
  o.skip_bad_lines = skip;
  absl::StatusOr<std::unique_ptr<iosched::TraceReader>> reader =
      iosched::OpenTraceFromMemory("fuzz", trace, o);
  if (!reader.ok()) {
    CheckError(reader.status());
    return;
  }
  std::vector<iosched::TraceRecord> records;
  iosched::TraceRecord rec;
  while (records.size() < kMaxRecords) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) {
      CheckError(more.status());
      // Sticky: the same error again.
      absl::StatusOr<bool> again = (*reader)->Next(&rec);
      Check(!again.ok() && again.status() == more.status());
      break;
    }
    if (!*more) break;
    Check(rec.length > 0 && rec.length <= iosched::kMaxTraceRecordLength);
    Check(rec.offset <= UINT64_MAX - rec.length);
    if (rec.stream) {
      const std::string_view name = (*reader)->stream_name(*rec.stream);
      Check(name.size() <= iosched::kMaxStreamNameLength && name.find('\n') == name.npos);
    }
    records.push_back(rec);
  }
  // Round trip through the native binary format.
  std::string bytes;
  iosched::TraceWriterOptions wo;
  wo.format = "iosched-bin";
  auto w = iosched::OpenTraceWriterToString(&bytes, wo);
  Check(w.ok());
  std::vector<const iosched::TraceRecord*> written;
  for (const iosched::TraceRecord& r : records) {
    if (r.time_ns < 0 || r.think_ns.value_or(0) < 0 || r.response_ns.value_or(0) < 0) continue;
    Check((*w)->Write(r).ok());
    written.push_back(&r);
  }
  Check((*w)->Finish().ok());
  iosched::TraceReadOptions ro;
  auto back = iosched::OpenTraceFromMemory("bin", bytes, ro);
  Check(back.ok());
  const int64_t base = written.empty() ? 0 : written.front()->time_ns;
  for (const iosched::TraceRecord* r : written) {
    absl::StatusOr<bool> more = (*back)->Next(&rec);
    Check(more.ok() && *more);
    Check(rec.time_ns == r->time_ns - base && rec.offset == r->offset && rec.length == r->length &&
          rec.op == r->op && rec.device == r->device && rec.stream == r->stream &&
          rec.think_ns == r->think_ns && rec.response_ns == r->response_ns);
  }
  absl::StatusOr<bool> end = (*back)->Next(&rec);
  Check(end.ok() && !*end);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  std::string name = (*argv)[0];
  name = name.substr(name.find_last_of('/') + 1);
  if (name.rfind("fuzz_", 0) != 0) {
    std::fprintf(stderr, "fuzz target must be named fuzz_<format>, got %s\n", name.c_str());
    std::abort();
  }
  g_format = name.substr(5);
  for (char& c : g_format) c = c == '_' ? '-' : c;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string mapping;
  if (g_format == "csv") {
    const size_t nl = input.find('\n');
    mapping = std::string(input.substr(0, nl));
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    const absl::Status valid = iosched::ValidateCsvMapping(mapping);
    if (!valid.ok()) {
      Check(valid.code() == absl::StatusCode::kInvalidArgument);
      return 0;
    }
  }
  ReadOnce(input, mapping, /*skip=*/false);
  ReadOnce(input, mapping, /*skip=*/true);
  return 0;
}
