// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace records and streaming trace readers.
//
// A TraceRecord is one I/O as a trace recorded it, in common units:
//   time      nanoseconds since the first record of the trace (readers
//             subtract the first timestamp and convert their unit);
//   offset    bytes (readers convert sectors ×512, HP SRT blocks × the
//             disk's sector size);
//   length    bytes (> 0);
//   stream    the submitting process id / io context when the format has one;
//   response  the measured response/service time when the format has one;
//   think     the idle gap after this request completed before the same
//             stream's next request, for closed-loop traces.
//
// Readers stream: memory stays bounded whatever the file size. Errors name
// the place: "path:line: expected …, got '…'" (binary formats: "path:
// record N at byte B: expected …, got …"). A reader reports its time unit
// as read from the file ("ns", "100ns", "us", "ms", "s"), so nobody has to
// guess. Any input may be gzip-, xz-, bzip2- or zstd-compressed (recognised by its
// first bytes) and "-" is standard input.
//
// Formats (name → file layout; aliases in parentheses; W = a writer exists,
// see trace_writer.h; samples in traces/data; docs/traces.md#formats):
//   msr       MSR Cambridge CSV "Timestamp,Hostname,DiskNumber,Type,Offset,
//             Size,ResponseTime": FILETIME 100 ns ticks, bytes, device =
//             DiskNumber, response = ResponseTime. Optional "Timestamp…"
//             header line. time_unit "100ns".
//   spc (umass)  SPC / UMass trace repository CSV "ASU,LBA,Size,Opcode,
//             Timestamp[,…]": device = ASU, LBA in 512-byte blocks, Size in
//             bytes, Opcode r/R/w/W, Timestamp decimal seconds; extra
//             columns ignored. time_unit "s". W
//   blkparse  blkparse default text output. One record per Q event with a
//             sector and length > 0 (discards, flushes and all other actions
//             are skipped), stream = pid of the Q line, device =
//             (major << 20) | minor. Records stay in file order (not
//             globally time-sorted across CPUs). time_unit "s". W
//   fio-v2    fio iolog version 2: first line "fio version 2 iolog", then
//             "FILE add|open|close" and "FILE ACTION OFFSET LENGTH" (bytes).
//             read/write are records; trim, sync, datasync are skipped.
//             No timestamps: a record's time is the latest "FILE wait MARK"
//             line before it, MARK being milliseconds since the job started
//             (what fio's code does; its documentation says relative µs).
//             device = index of FILE in the order files were added.
//             time_unit "ms". W
//   fio-v3    fio iolog version 3 (fio >= 3.31): first line "fio version 3
//             iolog", every line prefixed by a timestamp in µs since the log
//             started (submission time): "TS FILE add|open|close",
//             "TS FILE ACTION OFFSET LENGTH". "wait" is an error (fio
//             ignores it). device as fio-v2. time_unit "us". W
//             ("fio" reads either version by its first line; writes v3.)
//   disksim   DiskSim ASCII "time_ms devno blkno bcount flags", flags bit 0 =
//             read. time_unit "ms". W
//   mqsim     MQSim ASCII "arrival_ns device lba size type", type 1 = read,
//             0 = write. time_unit "ns".
//   validate  DiskSim validate "R|W Hit|Miss|Doub|Trip lbn sectors service_us
//             gap_us", a closed-loop trace without timestamps: response_ns =
//             service, think_ns = gap, and issue times are reconstructed as
//             time_0 = 0, time_{i+1} = time_i + response_i + think_i.
//             time_unit "us".
//   hpl-srt (srt)  HP Labs SRT binary ("$$TR_IOREC" ASCII header ended by a
//             form feed 0x0C, then 56-byte records of 14 big-endian int32):
//             time = enqueue sec/µs (words 2, 3), response = stop (word 5, µs
//             after enqueue), length = word 6 bytes, offset = block number
//             (word 7) × the disk's "sectorsize" from the header (512 if the
//             header gives none), device = disk number ((word 8 >> 8) &
//             0xff), read = bit 0 of the flags (word 12). time_unit "us".
//   tencent   Tencent CBS CSV "Timestamp,Offset,Size,IOType,VolumeID":
//             integer seconds, 512-byte sectors, IOType 0 = read, 1 = write,
//             device = VolumeID (filter one volume with the pipeline's
//             device filter, trace_pipeline.h). Rows are not time-sorted
//             (use a sort window). time_unit "s".
//   fiu       FIU "ts_ns pid process lba size R/W major minor md5": stream =
//             pid, device = minor. time_unit "ns".
//   iosched-csv (iosched)  iosched native CSV, written by iosched's
//             recorder, generator and converter. Exactly:
//               line 1  "# iosched trace v1 time_unit=ns"
//               line 2  "time_ns,op,offset,length,stream,think_ns,response_ns"
//                       optionally followed by ",device" (the recorder,
//                       recorder.h, always writes it) and then by further
//                       named columns, which readers ignore (the recorder's
//                       full mode: dispatch_ns,key,error,bytes), except
//                       "ioprio": the request's I/O priority "rt:N",
//                       "be:N" or "idle:N" (N = 0 … 7), optionally
//                       followed by "/wW", a BFQ group weight W in
//                       1 … 1000 ("be:4/w200"; IoPrio::weight in
//                       request.h), empty = absent
//               then one record per line with as many fields as the
//               header, e.g. "1500,R,4096,8192,3,,"
//             time_ns: integer ns (>= 0; made relative to the first record),
//             op: R or W (read/write accepted), offset/length: bytes,
//             stream, think_ns, response_ns: integers, an empty field means
//             absent; device (if the column exists): integer, empty = 0.
//             '#' lines after line 1 are comments (the recorder's "# file N
//             PATH" lines). A file may promise an end line with the
//             comment "# end-marked" (the recorder writes it as line 3);
//             it must then end with "# end records=N" (N = the records
//             above it), so a file cut short (a killed writer) is reported
//             as "path:LAST: expected the end line …" rather than read as
//             complete; --skip-bad-lines still reads what is there.
//             time_unit "ns". W
//   iosched-bin  iosched native binary, for fast re-reading (little-endian):
//             32-byte header: magic "IOSCHEDB", u32 version (1), u32 record
//             size (48), u32 flags (0), u32 reserved (0), u64 record count
//             (0 = unknown, e.g. written to a pipe); then 48-byte records:
//               i64 time_ns, u64 offset, u64 length_flags, i64 think_ns,
//               i64 response_ns, u32 stream, u32 device
//             length_flags: bits 0–47 length in bytes; bit 48 write, bit 49
//             stream present, bit 50 think present, bit 51 response present;
//             bit 52 ioprio present, bits 53-54 its class (1 rt, 2 be,
//             3 idle), bits 55-57 its level; other bits 0 (files written
//             before ioprio existed read unchanged). Absent optional fields are written as 0.
//             It has no room for a BFQ weight: writing a record whose
//             ioprio carries one is an error (use iosched-csv).
//             time_unit "ns". W
//   csv       any CSV, described by a column mapping (see csv_mapping in
//             TraceReadOptions); never auto-detected.
// Sector-based formats use 512-byte sectors.
//
// Every text reader skips blank lines and lines starting with '#', accepts
// CRLF line ends, a UTF-8 byte-order mark and a missing final newline, and
// rejects: malformed fields, unknown op letters, length 0, lengths over
// kMaxTraceRecordLength ("absurd size"), offsets or lengths that overflow
// uint64 as bytes, and negative timestamps. Timestamps that go backwards
// are passed through unchanged (time_ns may then be negative if a record
// precedes the first one); trace_pipeline.h sorts them within a window or
// counts them.
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

// The native CSV format's first two lines (see above), without newlines.
inline constexpr std::string_view kNativeCsvMagic = "# iosched trace v1 time_unit=ns";
inline constexpr std::string_view kNativeCsvHeader =
    "time_ns,op,offset,length,stream,think_ns,response_ns";
// The native CSV's optional end line: promised by kNativeCsvEndMarked,
// written last as kNativeCsvEndPrefix followed by the record count.
inline constexpr std::string_view kNativeCsvEndMarked = "# end-marked";
inline constexpr std::string_view kNativeCsvEndPrefix = "# end records=";

// A request's I/O priority as a trace records it: the kernel's ioprio class
// (values as IOPRIO_CLASS_*, and as iosched::IoClass in request.h) and a
// level 0 (highest) … 7, plus an optional BFQ group weight. Written "rt:0",
// "be:4", "idle:7", "be:4/w200".
enum class TraceIoClass : uint8_t { kRealTime = 1, kBestEffort = 2, kIdle = 3 };
struct TraceIoPrio {
  TraceIoClass io_class = TraceIoClass::kBestEffort;
  uint8_t level = 4;  // 0 … 7
  // BFQ's flattened cgroup weight (io.bfq.weight) 1 … 1000, 0 = none:
  // IoPrio::weight in request.h. Only BFQ uses it.
  uint16_t weight = 0;
  friend bool operator==(const TraceIoPrio&, const TraceIoPrio&) = default;
};
// Parses "rt:N", "be:N" or "idle:N" (class case-insensitive, N a digit
// 0 … 7), optionally followed by "/wW" with W a decimal 1 … 1000 (no sign,
// no leading zero). False on anything else.
bool ParseTraceIoPrio(std::string_view s, TraceIoPrio* out);
// "rt:0", "be:4", "idle:7", "be:4/w200".
std::string FormatTraceIoPrio(TraceIoPrio p);

struct TraceRecord {
  int64_t time_ns = 0;  // since the trace's first record
  TraceOp op = TraceOp::kRead;
  // I/O priority, if recorded (iosched-csv's ioprio column, iosched-bin's
  // bits 52-57, the generator's scenarios). Absent means the replay's
  // default (BE 4).
  std::optional<TraceIoPrio> ioprio;
  uint64_t offset = 0;                 // bytes
  uint64_t length = 0;                 // bytes
  uint32_t device = 0;                 // disk / volume / ASU number, 0 if none
  std::optional<uint32_t> stream;      // pid or io context, if recorded
  std::optional<int64_t> response_ns;  // measured response/service time
  // Idle time after this request completed before the same stream's next
  // one was issued, for closed-loop traces (DiskSim validate, generated
  // workloads). Otherwise unset.
  std::optional<int64_t> think_ns;
  uint64_t line = 0;  // source line (1-based), or record number in binary formats
};

class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Reads the next record into *out (every field is overwritten). Returns
  // false at the end of the trace, or an error naming path:line. Errors are
  // sticky: once Next() has failed, it returns the same error again.
  virtual absl::StatusOr<bool> Next(TraceRecord* out) = 0;
  // Reads up to `max` records into out[0], out[1], …; returns how many, 0
  // at the end of the trace. The records, their order and the errors are
  // those of calling Next() that many times: an error after some records
  // returns those records first, and the error on the next call. For a
  // reader in a hot loop: readers override it to save a call per record.
  virtual absl::StatusOr<size_t> NextBatch(TraceRecord* out, size_t max) {
    return BatchOf([this](TraceRecord* r) { return Next(r); }, out, max);
  }
  // Format name as accepted by OpenTrace ("msr", "blkparse", …).
  virtual std::string_view format() const = 0;
  // Unit of the timestamps in the file ("100ns", "ns", "us", "ms", "s").
  virtual std::string_view time_unit() const = 0;
  // Lines skipped on purpose (headers, comments, non-I/O events).
  virtual uint64_t skipped() const { return 0; }
  // Malformed lines or records skipped (TraceReadOptions::skip_bad_lines),
  // and the error message of the first one ("" if none).
  virtual uint64_t bad_lines() const { return 0; }
  virtual std::string_view first_bad_line() const { return {}; }
  // Compression of the input: "none", "gzip", "xz", "bzip2" or "zstd".
  virtual std::string_view compression() const { return "none"; }
  // The name the trace gives `stream` (blkparse: the command of its Q
  // events; FIU: the process name), the latest seen for it among the records
  // returned so far; empty if none. Memory stays bounded: at most
  // kMaxStreamNames streams are named per reader, names are cut to
  // kMaxStreamNameLength bytes. The view is valid until the next Next().
  virtual std::string_view stream_name(uint32_t stream) const {
    (void)stream;
    return {};
  }

 protected:
  // NextBatch from a `next` with Next's contract (an override passes its
  // own record reader, called without a virtual call).
  template <class NextFn>
  static absl::StatusOr<size_t> BatchOf(NextFn next, TraceRecord* out, size_t max) {
    size_t n = 0;
    while (n < max) {
      absl::StatusOr<bool> more = next(&out[n]);
      if (!more.ok()) {
        if (n > 0) return n;  // the error is sticky: the next call returns it
        return more.status();
      }
      if (!*more) break;
      ++n;
    }
    return n;
  }
};

inline constexpr size_t kMaxStreamNames = 16384;
inline constexpr size_t kMaxStreamNameLength = 64;

struct TraceReadOptions {
  // A format name or alias (any case), or "auto" / "" to detect.
  std::string format = "auto";
  // Column mapping for the generic "csv" format; setting it implies "csv"
  // when format is "auto". Comma-separated key=value pairs:
  //   header=N        lines to skip before the data (N >= 0, default 0); with
  //                   N >= 1, columns may be named by line N's titles
  //   sep=C           field separator: a character, or "tab", "space"
  //                   (runs of blanks), "comma" (default ',')
  //   time=COL:UNIT   UNIT one of ns, us, ms, s, 100ns (decimals allowed)
  //   op=COL:R/W      the read value(s) / the write value(s), alternatives
  //                   separated by '|', compared ignoring case, e.g.
  //                   op=Type:Read|R/Write|W or op=IOType:0/1
  //   offset=COL:U    U: B (bytes), S (512-byte sectors), K (KiB) or a block
  //                   size in bytes, e.g. offset=LBA:4096
  //   size=COL:U      as offset (length is an accepted alias of size)
  //   stream=COL, device=COL      integers (optional)
  //   response=COL:UNIT, think=COL:UNIT   times as time= (optional)
  // COL is a 1-based column number or a header title. time, op, offset and
  // size are required. Fields may be enclosed in double quotes (no
  // separators inside quotes). Example:
  //   header=1,time=Timestamp:s,op=IOType:R/W,offset=Offset:B,size=Size:B,stream=LUN
  std::string csv_mapping;
  // Malformed lines/records are skipped and counted (bad_lines()) instead of
  // ending the read with an error. Errors of the file itself (unreadable,
  // corrupt compression, over-long lines) still end it.
  bool skip_bad_lines = false;
};

// A trace format, for `iosched formats`, --help and error messages.
struct TraceFormatInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::string description;  // one line
  std::string time_unit;    // unit of the file's timestamps
  bool writable = false;    // OpenTraceWriter supports it
  bool detected = true;     // DetectTraceFormat can recognise it
};

// Every format, in listing order.
const std::vector<TraceFormatInfo>& TraceFormats();

// Names of the formats OpenTrace understands (TraceFormats() order).
std::vector<std::string> KnownTraceFormats();

// Resolves a name or alias (any case) to the canonical format name;
// InvalidArgument listing the known names otherwise. "fio" resolves to
// "fio" (the version comes from the file's first line).
absl::StatusOr<std::string> CanonicalTraceFormat(std::string_view name);

// Checks a TraceReadOptions::csv_mapping without opening a file:
// InvalidArgument "--csv mapping: …" naming the bad key or value.
absl::Status ValidateCsvMapping(std::string_view mapping);

// Guesses the format of `path` from its content. Error if none fits: the
// message lists what was tried.
//
// Rule: compressed input is decompressed first. Magic first lines decide
// first: "IOSCHEDB" → iosched-bin, "$$TR_IOREC" → hpl-srt, "# iosched
// trace v1" → iosched-csv, "fio version 2|3 iolog" → fio-v2|fio-v3. Else
// take the first 20 data lines (not blank, not starting with '#'; at most
// 10,000 lines are scanned) and return the first format, in the order
// validate, msr, spc, tencent, blkparse, fiu, mqsim, disksim, whose parser
// accepts every one of them and finds at least one record or event (a
// header alone is not enough). mqsim and disksim both have five numeric
// columns; mqsim wins only if every sampled time is an integer (no '.' or
// exponent) and every type is exactly 0 or 1, so a DiskSim trace with float
// ms times is "disksim". An all-integer DiskSim trace with 0/1 flags is
// indistinguishable and is reported as "mqsim": name the format explicitly
// (--trace-format disksim).
// Errors: unreadable file (NotFound, PermissionDenied, … with the path and
// strerror); empty file ("PATH: empty file, cannot detect format");
// nothing fits (InvalidArgument listing each format tried and why).
absl::StatusOr<std::string> DetectTraceFormat(const std::string& path);

// Opens `path` ("-" = standard input) with the reader for options.format
// ("auto": detected from the first 256 KiB as DetectTraceFormat does, read
// once; with skip_bad_lines, detection tolerates one malformed sampled
// line, or a quarter of them, so that the reader can skip it). An empty
// file opened with an explicit format gives a reader whose first Next()
// returns false; with "auto" it is the detection error. Unknown format
// names and bad CSV mappings are InvalidArgument. The returned reader owns
// the open file.
absl::StatusOr<std::unique_ptr<TraceReader>> OpenTrace(const std::string& path,
                                                       const TraceReadOptions& options);
absl::StatusOr<std::unique_ptr<TraceReader>> OpenTrace(const std::string& path,
                                                       std::string_view format = "auto");

// Same, reading `data` (not copied; must outlive the reader) as a file
// named `name`. For tests and fuzzers.
absl::StatusOr<std::unique_ptr<TraceReader>> OpenTraceFromMemory(std::string name,
                                                                 std::string_view data,
                                                                 const TraceReadOptions& options);

}  // namespace iosched

#endif  // IOSCHED_TRACE_H_
