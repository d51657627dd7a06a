// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Streaming trace writers: spc, blkparse, fio-v2, fio-v3, disksim, and the
// native iosched-csv and iosched-bin formats (layouts in trace.h). What a
// writer writes, the reader of the same format reads back to the same
// records, except for what the format cannot hold (each writer says what it
// drops below).
//
// A record the format cannot represent is an error naming the record:
// "OUT: record N (input line L): expected …, got …" — e.g. an offset that is
// not a multiple of 512 bytes for a sector-based format, or a negative time
// (a record older than the trace's first one: sort the input first).
//
// Output: a path ("-" is standard output); a path ending in ".gz", ".xz",
// ".bz2" or ".zst" is compressed with gzip, xz, bzip2 or zstd. Writes are
// buffered. A file is written under a temporary name in the same folder and
// renamed into place (after fsync) by a successful Finish(), which must be
// called: a writer destroyed without it, or whose Finish() fails, leaves
// nothing under the path and whatever was there intact
// (iosched/output_file.h). Callers check the path first with
// CheckOutputPath (never an input, never a device).
//
// What each format keeps (all keep time, op, offset, length):
//   iosched-csv  everything; device only with device_column, ioprio only
//                with ioprio_column or when the first record has one
//   iosched-bin  everything
//   spc          device (ASU); time as decimal seconds (exact to the ns)
//   blkparse     device (major << 20 | minor), stream (as pid; 0 if none)
//                and its name (TraceWriterOptions::stream_names);
//                one Q event per record
//   disksim      device; time as decimal ms (exact to the ns)
//   fio-v3       device (as one file per device), time in µs (truncated)
//   fio-v2       device (as above), time as "wait" marks in whole ms
//
// Thread-safety: one thread at a time per writer.

#ifndef IOSCHED_TRACE_WRITER_H_
#define IOSCHED_TRACE_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/trace.h"

namespace iosched {

class TraceWriter {
 public:
  virtual ~TraceWriter() = default;
  // Appends one record.
  virtual absl::Status Write(const TraceRecord& rec) = 0;
  // Flushes and closes the output. Call once, after the last Write().
  virtual absl::Status Finish() = 0;
  // Canonical format name.
  virtual std::string_view format() const = 0;
  uint64_t records_written() const { return records_; }

 protected:
  uint64_t records_ = 0;
};

struct TraceWriterOptions {
  // A writable format name or alias (TraceFormatInfo::writable); "fio"
  // means fio-v3.
  std::string format = "iosched-csv";
  // iosched-csv: write the optional ",device" column.
  bool device_column = false;
  // iosched-csv: write the optional ",ioprio" column (and so ",device"
  // before it). Also written when the first record carries an ioprio.
  bool ioprio_column = false;
  // fio: the file name records of device 0 use; device d > 0 uses
  // "<fio_file>.<d>".
  std::string fio_file = "/dev/iosched0";
  // blkparse: the command written in brackets after each Q event is
  // stream_names->stream_name(stream) when this is set and the name is not
  // empty, else "iosched". Not owned; must outlive the writer (e.g. the
  // reader being converted).
  const TraceReader* stream_names = nullptr;
};

// Names of the writable formats.
std::vector<std::string> WritableTraceFormats();

// Opens `path` for writing (replaced by Finish()). Errors: unknown or read-only
// format (InvalidArgument), cannot create the file.
absl::StatusOr<std::unique_ptr<TraceWriter>> OpenTraceWriter(const std::string& path,
                                                             const TraceWriterOptions& options);

// A writer that appends to *out (which must outlive it). For tests.
absl::StatusOr<std::unique_ptr<TraceWriter>> OpenTraceWriterToString(
    std::string* out, const TraceWriterOptions& options);

}  // namespace iosched

#endif  // IOSCHED_TRACE_WRITER_H_
