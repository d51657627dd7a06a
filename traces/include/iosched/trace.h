// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace records and streaming trace readers.
//
// A TraceRecord is one I/O as a trace recorded it, in common units:
//   time      nanoseconds since the first record of the trace (readers
//             subtract the first timestamp and convert their unit);
//   offset    bytes (readers convert sectors ×512);
//   length    bytes (> 0);
//   stream    the submitting process id when the format has one;
//   response  the measured response/service time when the format has one.
//
// Readers stream: memory stays bounded whatever the file size. Errors name
// the place: "path:line: expected …, got …". A reader reports its time unit
// as read from the file ("ns", "100ns", "us", "ms", "s"), so nobody has to
// guess.
//
// Formats (name → file layout; see traces/data/README.md for samples):
//   msr       MSR Cambridge CSV "Timestamp,Hostname,DiskNumber,Type,Offset,
//             Size,ResponseTime": FILETIME 100 ns ticks, bytes, device =
//             DiskNumber, response = ResponseTime. Optional "Timestamp…"
//             header line. time_unit "100ns".
//   blkparse  blkparse default text output. One record per Q event with a
//             sector and length > 0 (discards, flushes and all other actions
//             are skipped), stream = pid of the Q line, device =
//             (major << 20) | minor. Records stay in file order (not
//             globally time-sorted across CPUs). time_unit "s".
//   disksim   DiskSim ASCII "time_ms devno blkno bcount flags", flags bit 0 =
//             read. time_unit "ms".
//   mqsim     MQSim ASCII "arrival_ns device lba size type", type 1 = read,
//             0 = write. time_unit "ns".
//   validate  DiskSim validate "R|W Hit|Miss|Doub|Trip lbn sectors service_us
//             gap_us", a closed-loop trace without timestamps: response_ns =
//             service, think_ns = gap, and issue times are reconstructed as
//             time_0 = 0, time_{i+1} = time_i + response_i + think_i.
//             time_unit "us".
//   fiu       FIU "ts_ns pid process lba size R/W major minor md5": stream =
//             pid, device = minor. time_unit "ns".
// Sector-based formats use 512-byte sectors.
//
// Every reader skips blank lines and lines starting with '#', accepts CRLF
// line ends and a missing final newline, and rejects: malformed fields,
// unknown op letters, length 0, lengths over kMaxTraceRecordLength ("absurd
// size"), offsets or lengths that overflow uint64 as bytes, and negative
// timestamps. Timestamps that go backwards are passed through unchanged
// (time_ns may then be negative if a record precedes the first one).
//
// Thread-safety: a reader is used by one thread at a time. The free
// functions are thread-safe.

#ifndef IOSCHED_TRACE_H_
#define IOSCHED_TRACE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace iosched {

enum class TraceOp : uint8_t { kRead = 0, kWrite = 1 };

// "read" or "write".
constexpr std::string_view TraceOpName(TraceOp op) {
  return op == TraceOp::kRead ? "read" : "write";
}

// Largest request length a reader accepts (1 TiB); larger is an error
// ("absurd size"), as it almost certainly means a misread unit.
inline constexpr uint64_t kMaxTraceRecordLength = uint64_t{1} << 40;

struct TraceRecord {
  int64_t time_ns = 0;  // since the trace's first record
  TraceOp op = TraceOp::kRead;
  uint64_t offset = 0;                 // bytes
  uint64_t length = 0;                 // bytes
  uint32_t device = 0;                 // disk / volume / ASU number, 0 if none
  std::optional<uint32_t> stream;      // pid or io context, if recorded
  std::optional<int64_t> response_ns;  // measured response/service time
  // Idle time after this request completed before the next one was issued,
  // for closed-loop traces (DiskSim validate). Otherwise unset.
  std::optional<int64_t> think_ns;
  uint64_t line = 0;  // source line (1-based) (or record number)
};

class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Reads the next record into *out (every field is overwritten). Returns
  // false at the end of the trace, or an error naming path:line. Errors are
  // sticky: once Next() has failed, it returns the same error again.
  virtual absl::StatusOr<bool> Next(TraceRecord* out) = 0;
  // Format name as accepted by OpenTrace ("msr", "blkparse", …).
  virtual std::string_view format() const = 0;
  // Unit of the timestamps in the file ("100ns", "ns", "us", "ms", "s").
  virtual std::string_view time_unit() const = 0;
  // Lines skipped on purpose (headers, comments, non-I/O events).
  virtual uint64_t skipped() const { return 0; }
};

// Formats OpenTrace understands, for --help and error messages.
std::vector<std::string> KnownTraceFormats();

// Guesses the format of `path` from its first lines. Error if none fits:
// the message lists what was tried.
//
// Rule: take the first 20 data lines (not blank, not starting with '#'; at
// most 10,000 lines are scanned) and return the first format, in the order
// validate, msr, blkparse, fiu, mqsim, disksim, whose parser accepts every
// one of them and finds at least one record or event (a header alone is not
// enough). mqsim and disksim both have five numeric columns; mqsim wins only
// if every sampled time is an integer (no '.' or exponent) and every type is
// exactly 0 or 1, so a DiskSim trace with float ms times is "disksim". An
// all-integer DiskSim trace with 0/1 flags is indistinguishable and is
// reported as "mqsim": name the format explicitly (--trace-format disksim).
// Errors: unreadable file (NotFound, PermissionDenied, … with the path and
// strerror); empty file ("PATH: empty file, cannot detect format");
// nothing fits (InvalidArgument listing each format tried and why).
absl::StatusOr<std::string> DetectTraceFormat(const std::string& path);

// Opens `path` with the reader for `format` (a KnownTraceFormats() name, any
// case; "auto" or "" detects with DetectTraceFormat). An empty file opened
// with an explicit format gives a reader whose first Next() returns false;
// with "auto" it is the detection error. Unknown format names are
// InvalidArgument listing the known ones. The returned reader owns the open
// file.
absl::StatusOr<std::unique_ptr<TraceReader>> OpenTrace(const std::string& path,
                                                       std::string_view format = "auto");

}  // namespace iosched

#endif  // IOSCHED_TRACE_H_
