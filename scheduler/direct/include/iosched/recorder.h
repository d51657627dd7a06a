// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Recorder: writes every request a dispatcher handles to trace files, so
// that a production run can be replayed offline in the simulator
// (`iosched compare`, iosched::Replay) and with fio (`--read_iolog`).
// It is a DispatchObserver: attach it to a Scheduler with AttachTo(), or to
// any Dispatcher with set_observer().
//
// ---- Native format: "iosched trace v1" (iosched-csv) ---------------------
// The iosched native CSV that the traces library reads (trace.h,
// "iosched-csv"), one request per line, in ARRIVAL order:
//
//   # iosched trace v1 time_unit=ns
//   time_ns,op,offset,length,stream,think_ns,response_ns,device
//   # file 0 /data/db/000123.sst
//   0,R,1048576,4096,7,,95310,0
//   5210,W,8192,8192,3,,235667,0
//
// Line 1 is exactly kNativeTraceMagic, line 2 exactly the column header
// (kNativeTraceColumns, or kNativeTraceColumnsFull with Options::full),
// line 3 "# end-marked" and the last line "# end records=N" (trace.h): a
// recording cut short by kill -9 is told from a complete one. Lines are
// written whole (buffered, 64 KiB at a time), so a killed run leaves only
// complete lines.
// Other lines starting with '#' are comments; the only structured one is
// "# file <index> <path>" (path to the end of the line, may contain
// spaces), written before the first request on that file. Columns:
//   time_ns      arrival, integer ns since the first recorded arrival (the
//                first line has 0); non-decreasing down the file
//   op           R or W
//   offset       bytes (file offset; sector × 512 for requests without a
//                file descriptor, e.g. from the simulator)
//   length       bytes, > 0
//   stream       Request::stream (the submitting process / io context)
//   think_ns     always empty: a closed-loop replay derives each stream's
//                think time from time_ns and response_ns
//   response_ns  completion − arrival in ns; empty if it never completed
//   device       the file's index in the "# file" lines; empty when the
//                request had no descriptor
// With Options::full four more columns follow (the traces reader skips
// them, so a full trace replays like a plain one; they carry what only a
// real run knows):
//   dispatch_ns  when the request's unit went to the device, ns since the
//                first arrival; -1 if never (cancelled before issue)
//   key          Request::sort_key (the layout probe's position; 0 if none)
//   error        0 or the errno it completed with (125 = ECANCELED, …)
//   bytes        bytes the dispatcher reported transferred (bytes_done)
//
// ---- fio iolog v3 ---------------------------------------------------------
//   fio version 3 iolog
//   0 /data/db/000123.sst add
//   0 /data/db/000123.sst open
//   0 /data/db/000123.sst read 1048576 4096
//   5 /data/db/000123.sst write 8192 8192
//   …
//   240 /data/db/000123.sst close
// Timestamps are microseconds since the first recorded arrival, taken at
// arrival (fio takes them at submission), as fio ≥ 3.31 expects. Paths with
// whitespace cannot be expressed in an iolog; such files are recorded in the
// native trace only (and counted in fio_skipped()). Requests without a
// descriptor are omitted from the iolog.
//
// Memory: a request is held from arrival until every earlier arrival has
// completed, so that lines come out in arrival order: bounded by the number
// of requests in the system; no per-request allocation in steady state.
// Thread-safety: none; all calls on the dispatcher thread (AddFile may also
// be called before the dispatcher starts). Finish() after the dispatcher
// has stopped.

#ifndef IOSCHED_RECORDER_H_
#define IOSCHED_RECORDER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/dispatcher.h"
#include "iosched/request.h"

namespace iosched {

struct SchedulerOptions;

inline constexpr char kNativeTraceMagic[] = "# iosched trace v1 time_unit=ns";
inline constexpr char kNativeTraceColumns[] =
    "time_ns,op,offset,length,stream,think_ns,response_ns,device";
inline constexpr char kNativeTraceColumnsFull[] =
    "time_ns,op,offset,length,stream,think_ns,response_ns,device,dispatch_ns,key,error,bytes";

class Recorder final : public DispatchObserver {
 public:
  struct Options {
    std::string native_path;  // "" = do not write the native trace
    std::string fio_path;     // "" = do not write a fio iolog
    bool full = false;        // add dispatch_ns,key,error,bytes columns
    // Told of each file's first write error (e.g. ENOSPC) when it happens,
    // on the dispatcher thread. May be null.
    std::function<void(const absl::Status&)> on_error;
  };
  // Creates (truncates) the files. At least one path must be given, and
  // not the same one twice. Callers check the paths against their inputs
  // first (CheckOutputPath, iosched/output_file.h).
  static absl::StatusOr<std::unique_ptr<Recorder>> Create(const Options& options);
  // Closes and removes the files (a run that never started). Idempotent.
  void Abandon();
  // Finish() if it was not called.
  ~Recorder() override;

  // Names the file behind descriptor `fd`. Descriptors never named are
  // resolved through /proc/self/fd when first seen.
  void AddFile(int fd, std::string path);

  // Adds this recorder to `options.observers` and chains
  // `options.on_new_file` so that the scheduler names its files.
  void AttachTo(SchedulerOptions& options);

  // Writes what is still held (requests that never completed get
  // an empty response_ns), the iolog's close lines and the native trace's
  // end line, fsyncs and closes the files. Returns DataLoss naming every
  // file that had a write error. Idempotent.
  absl::Status Finish();

  uint64_t recorded() const { return recorded_; }
  uint64_t fio_skipped() const { return fio_skipped_; }

  void OnArrival(const Request& rq, Time now) override;
  void OnComplete(const Request& member, const Request& unit, Time now) override;

 private:
  struct Entry {
    const Request* rq;
    int64_t arrival, dispatch, complete;
    uint64_t offset, key;
    uint32_t length, stream;
    int32_t file, error;
    uint32_t bytes;
    char op;
    bool done;
  };
  struct File {
    std::string path;
    bool fio_ok;  // expressible in an iolog
  };
  Recorder() = default;
  int32_t FileIndex(int fd, int64_t now_us);
  void WriteEntry(const Entry& e);
  void FlushHead();

  // One output file: whole lines are appended to `buf` and written with
  // write(2) when it fills (and by Finish()).
  struct Out {
    int fd = -1;
    std::string path, buf;
    absl::Status error;  // the first write error; later writes are dropped
    bool open() const { return fd >= 0; }
    void Flush(const std::function<void(const absl::Status&)>& on_error);
  };
  void EndLine(Out& o);

  Out native_, fio_;
  std::function<void(const absl::Status&)> on_error_;
  bool started_ = false;
  Time t0_{0};
  int64_t last_us_ = 0;
  std::vector<File> files_;
  absl::flat_hash_map<int, int32_t> fd_to_file_;
  std::vector<Entry> ring_;  // power-of-two capacity
  uint64_t head_ = 0, tail_ = 0;
  absl::flat_hash_map<const Request*, uint64_t> seq_;
  uint64_t recorded_ = 0, fio_skipped_ = 0;
  bool finished_ = false;
  bool full_ = false;
};

}  // namespace iosched

#endif  // IOSCHED_RECORDER_H_
