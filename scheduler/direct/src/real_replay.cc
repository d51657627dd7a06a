// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/real_replay.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "iosched/buffer_pool.h"
#include "iosched/direct_file.h"
#include "iosched/output_file.h"
#include "iosched/recorder.h"
#include "iosched/registry.h"
#include "iosched/scheduler.h"
#include "iosched/status_macros.h"
#include "target_safety.h"

namespace iosched {
namespace {

// One trace record, fitted to the target.
struct Prepared {
  int64_t time_ns = 0;
  Op op = Op::kRead;
  uint64_t offset = 0;
  uint32_t length = 0;
  uint32_t stream = 0;
  IoPrio prio;  // the trace's ioprio, or the default BE 4
  std::optional<int64_t> response_ns, think_ns;
  uint64_t line = 0;
};

struct TraceScan {
  uint64_t records = 0, writes = 0, first_write_line = 0, max_length = 0;
  // The farthest byte any record reaches (saturated at 2^64 - 1).
  uint64_t max_end = 0;
  std::string format, time_unit;
};

absl::StatusOr<TraceScan> ScanTrace(const TraceOpener& open, uint64_t max_requests) {
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, open());
  TraceScan s;
  s.format = std::string(reader->format());
  s.time_unit = std::string(reader->time_unit());
  TraceRecord rec;
  while (max_requests == 0 || s.records < max_requests) {
    IOSCHED_ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    ++s.records;
    if (rec.op == TraceOp::kWrite && s.writes++ == 0) s.first_write_line = rec.line;
    s.max_length = std::max<uint64_t>(s.max_length, rec.length);
    const uint64_t end =
        rec.offset + rec.length < rec.offset ? UINT64_MAX : rec.offset + rec.length;
    s.max_end = std::max(s.max_end, end);
  }
  return s;
}

// Fits records to the target: wrap or error, then alignment.
class Fitter {
 public:
  Fitter(std::string trace, const RealReplayOptions& o, const DirectFile& file)
      : trace_(std::move(trace)),
        target_(o.target),
        wrap_(o.wrap_offsets),
        size_(file.size()),
        align_(std::max<uint32_t>(file.alignment().offset, 1)) {}

  absl::Status Fit(const TraceRecord& r, Prepared* p) {
    p->time_ns = r.time_ns;
    p->op = r.op == TraceOp::kRead ? Op::kRead : Op::kWrite;
    p->stream = r.stream.value_or(0);
    p->prio = r.ioprio.has_value() ? IoPrio{static_cast<IoClass>(r.ioprio->io_class),
                                            r.ioprio->level, r.ioprio->weight}
                                   : IoPrio{};
    p->response_ns = r.response_ns;
    p->think_ns = r.think_ns;
    p->line = r.line;
    uint64_t off = r.offset, len = r.length;
    if (len > kRealReplayMaxRequestBytes) {
      return absl::InvalidArgumentError(absl::StrCat(trace_, ":", r.line, ": request of ", len,
                                                     " bytes; the real replay takes at most ",
                                                     kRealReplayMaxRequestBytes));
    }
    if (off + len > size_ || off + len < off) {
      if (!wrap_) {
        return absl::InvalidArgumentError(absl::StrCat(
            trace_, ":", r.line, ": request [", off, ", +", len, ") ends beyond ", target_, " (",
            size_, " bytes); use --fit wrap or a bigger target (--create SIZE)"));
      }
      ++out_of_range;
      off %= size_;
    }
    const uint64_t a_off = off / align_ * align_;
    uint64_t a_end = (off + len + align_ - 1) / align_ * align_;
    const uint64_t cap = size_ / align_ * align_;
    if (a_end > cap) a_end = cap;
    uint64_t a_len = a_end > a_off ? a_end - a_off : 0;
    uint64_t start = a_off;
    if (a_len == 0) {  // at the very end: take the last aligned block
      start = cap >= align_ ? cap - align_ : 0;
      a_len = std::min<uint64_t>(align_, cap);
    }
    if (a_len == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(target_, " is smaller than its alignment (", align_, " bytes)"));
    }
    if (start != off || a_len != len) ++realigned;
    p->offset = start;
    p->length = static_cast<uint32_t>(a_len);
    return absl::OkStatus();
  }

  uint64_t out_of_range = 0, realigned = 0;

 private:
  std::string trace_, target_;
  bool wrap_;
  uint64_t size_;
  uint64_t align_;
};

// Requests in flight, recycled; completions reported to the driver thread.
class Driver {
 public:
  // With `track`, completions are kept for Wait() (closed loop).
  // `on_first_error` (may be empty) is called once, on the completing
  // thread, with the first failed transfer (its trace line and status), so
  // that the error is reported as soon as it happens.
  Driver(Scheduler* s, void* buffer, bool track,
         std::function<void(uint64_t line, const absl::Status&)> on_first_error = {})
      : s_(s), buffer_(buffer), track_(track), on_first_error_(std::move(on_first_error)) {}

  absl::Status Submit(const Prepared& p) {
    IoRequest* rq = Take();
    rq->id = p.line;
    rq->op = p.op;
    rq->offset = p.offset;
    rq->length = p.length;
    rq->stream = p.stream;
    rq->prio = p.prio;
    rq->sync = true;
    rq->buffer = buffer_;
    absl::Status st = s_->Submit(
        *rq, [this](IoRequest& r, const absl::Status& status, uint32_t) { Done(r, status); });
    if (!st.ok()) Give(rq);
    return st;
  }

  // Waits until a completion is reported or `deadline`; returns the streams
  // completed since the last call (with their completion times).
  std::vector<std::pair<uint32_t, std::chrono::steady_clock::time_point>> Wait(
      std::optional<std::chrono::steady_clock::time_point> deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    auto ready = [&] { return !done_.empty(); };
    if (deadline) {
      cv_.wait_until(lock, *deadline, ready);
    } else {
      cv_.wait(lock, ready);
    }
    std::vector<std::pair<uint32_t, std::chrono::steady_clock::time_point>> out;
    out.swap(done_);
    return out;
  }

  absl::Status first_error() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_error_;
  }

 private:
  IoRequest* Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) {
      pool_.emplace_back();
      return &pool_.back();
    }
    IoRequest* r = free_.back();
    free_.pop_back();
    return r;
  }
  void Give(IoRequest* r) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(r);
  }
  void Done(IoRequest& r, const absl::Status& status) {
    const auto now = std::chrono::steady_clock::now();
    bool first = false;
    const uint64_t line = r.id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!status.ok() && first_error_.ok()) {
        first_error_ = status;
        first = true;
      }
      if (track_) done_.emplace_back(r.stream, now);
      free_.push_back(&r);
      cv_.notify_one();
    }
    if (first && on_first_error_) on_first_error_(line, status);
  }

  Scheduler* s_;
  void* buffer_;
  bool track_;
  std::function<void(uint64_t, const absl::Status&)> on_first_error_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<IoRequest> pool_ ABSL_GUARDED_BY(mu_);  // stable addresses
  std::vector<IoRequest*> free_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<uint32_t, std::chrono::steady_clock::time_point>> done_
      ABSL_GUARDED_BY(mu_);
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

// Reads, fits and submits the trace in the chosen mode.
absl::Status Drive(const RealReplayOptions& f, TraceReader& reader, Fitter& fit, Scheduler& s,
                   Driver& d, uint64_t* records) {
  using Clock = std::chrono::steady_clock;
  const ReplayMode mode = f.mode;
  const auto start = Clock::now();
  auto at = [&](int64_t trace_ns) {
    const double scaled = static_cast<double>(std::max<int64_t>(trace_ns, 0)) * f.time_scale;
    return start + std::chrono::nanoseconds(static_cast<int64_t>(scaled));
  };
  TraceRecord rec;
  Prepared p;
  auto next = [&]() -> absl::StatusOr<bool> {
    if (f.max_requests != 0 && *records >= f.max_requests) return false;
    IOSCHED_ASSIGN_OR_RETURN(bool more, reader.Next(&rec));
    if (!more) return false;
    IOSCHED_RETURN_IF_ERROR(fit.Fit(rec, &p));
    ++*records;
    return true;
  };
  if (mode == ReplayMode::kBatch || mode == ReplayMode::kOpen) {
    if (mode == ReplayMode::kBatch) s.Plug();
    while (true) {
      IOSCHED_ASSIGN_OR_RETURN(bool more, next());
      if (!more) break;
      if (mode == ReplayMode::kOpen) std::this_thread::sleep_until(at(p.time_ns));
      IOSCHED_RETURN_IF_ERROR(d.Submit(p));
    }
    s.Unplug();
    return absl::OkStatus();
  }
  // Closed loop, as iosched::Replay: per stream, the next record arrives when
  // the previous completed plus its think time.
  struct Stream {
    std::deque<Prepared> queue;
    bool busy = false, scheduled = false, started = false;
    Prepared last;
    Clock::time_point last_done;
  };
  std::map<uint32_t, Stream> streams;
  using Due = std::pair<Clock::time_point, uint32_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> heap;
  const int64_t cap_ns = 1'000'000'000;
  auto think_of = [&](const Prepared& prev, const Prepared& cur) {
    int64_t t;
    if (prev.think_ns) {
      t = *prev.think_ns;
    } else if (prev.response_ns) {
      t = (cur.time_ns - prev.time_ns) - *prev.response_ns;
    } else {
      t = cur.time_ns - prev.time_ns;
    }
    const double scaled = static_cast<double>(std::max<int64_t>(t, 0)) * f.time_scale;
    return std::chrono::nanoseconds(std::min<int64_t>(static_cast<int64_t>(scaled), cap_ns));
  };
  auto schedule = [&](uint32_t id, Stream& st) {
    if (st.busy || st.scheduled || st.queue.empty()) return;
    const Prepared& cur = st.queue.front();
    Clock::time_point when = st.started ? st.last_done + think_of(st.last, cur) : at(cur.time_ns);
    heap.push({when, id});
    st.scheduled = true;
  };
  constexpr size_t kWindow = 4096;  // records read ahead, not yet submitted
  size_t waiting = 0;
  bool eof = false;
  uint64_t in_flight = 0;
  while (true) {
    while (!eof && waiting < kWindow) {
      IOSCHED_ASSIGN_OR_RETURN(bool more, next());
      if (!more) {
        eof = true;
        break;
      }
      Stream& st = streams[p.stream];
      st.queue.push_back(p);
      ++waiting;
      schedule(p.stream, st);
    }
    const auto now = Clock::now();
    while (!heap.empty() && heap.top().first <= now) {
      const uint32_t id = heap.top().second;
      heap.pop();
      Stream& st = streams[id];
      st.scheduled = false;
      st.last = st.queue.front();
      st.queue.pop_front();
      --waiting;
      st.busy = true;
      st.started = true;
      ++in_flight;
      IOSCHED_RETURN_IF_ERROR(d.Submit(st.last));
    }
    if (eof && waiting == 0 && in_flight == 0) break;
    std::optional<Clock::time_point> deadline;
    if (!heap.empty()) deadline = heap.top().first;
    if (in_flight == 0 && !deadline) {
      return absl::InternalError("closed-loop replay stalled with requests left");
    }
    for (const auto& [id, when] : d.Wait(deadline)) {
      Stream& st = streams[id];
      st.busy = false;
      st.last_done = when;
      --in_flight;
      schedule(id, st);
    }
  }
  return absl::OkStatus();
}

}  // namespace

namespace {
absl::Status CheckRecordPaths(const RealReplayOptions& o);
}  // namespace

absl::Status ValidateRealReplay(const RealReplayOptions& o) {
  if (o.target.empty()) return absl::InvalidArgumentError("the replay needs a target");
  if (absl::StatusOr<std::unique_ptr<Elevator>> e = MakeElevator(o.elevator); !e.ok()) {
    return e.status();
  }
  if (o.depth == 0 || o.depth > 4096) {
    return absl::InvalidArgumentError(absl::StrCat("--depth must be in [1, 4096], got ", o.depth));
  }
  if (!TimeScaleInRange(o.time_scale)) {
    return absl::InvalidArgumentError(absl::StrCat("--time-scale must be > 0 (a finite factor in [",
                                                   kMinTimeScale, ", ", kMaxTimeScale, "]), got ",
                                                   o.time_scale));
  }
  return CheckRecordPaths(o);
}

namespace {

// Refuses targets the replay must not touch, then creates or extends the
// file when asked. Before any I/O.
absl::Status CheckAndPrepareTarget(const RealReplayOptions& o) {
  IOSCHED_RETURN_IF_ERROR(CheckTargetKind(o.target));
  IOSCHED_RETURN_IF_ERROR(CheckNotLoopBacking(o.target));
  struct stat st;
  if (::stat(o.target.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
    if (o.create_size) {
      return absl::PermissionDeniedError(
          absl::StrCat("--create works on regular files; ", o.target, " is a block device"));
    }
    IOSCHED_RETURN_IF_ERROR(CheckBlockDeviceUnused(o.target, st.st_rdev));
  }
  if (o.create_size) IOSCHED_RETURN_IF_ERROR(PrepareTargetFile(o.target, *o.create_size, o.log));
  return absl::OkStatus();
}

// One buffer big enough for the largest request (aligned on both ends),
// shared by every request: the data is not looked at.
absl::StatusOr<AlignedBuffer> SharedBuffer(const DirectFile& file, uint64_t max_length) {
  const uint64_t align = std::max<uint32_t>(file.alignment().offset, 1);
  const uint64_t len = std::max<uint64_t>(
      align, (std::min(max_length, kRealReplayMaxRequestBytes) + 2 * align) / align * align);
  return AlignedBuffer::Allocate(len, std::max<uint32_t>(4096, file.alignment().memory));
}

// The recordings must not overwrite the target, the trace, each other or a
// device (issue 18: `--record` onto the target, the trace, a mounted disk).
absl::Status CheckRecordPaths(const RealReplayOptions& o) {
  OutputPathRule rule;
  rule.inputs = o.trace_paths;
  rule.inputs.push_back(o.target);
  rule.force = o.force_overwrite;
  if (!o.record_path.empty()) {
    IOSCHED_RETURN_IF_ERROR(CheckOutputPath("--record", o.record_path, rule));
    rule.inputs.push_back(o.record_path);
  }
  if (!o.record_fio_path.empty()) {
    IOSCHED_RETURN_IF_ERROR(CheckOutputPath("--record-fio", o.record_fio_path, rule));
  }
  return absl::OkStatus();
}

// Before any I/O: the first record that does not fit the target, if one
// may not (a third pass over the trace, only then).
absl::Status CheckRecordsFit(const TraceOpener& open, const RealReplayOptions& o,
                             const TraceScan& scan, const DirectFile& file) {
  if (o.wrap_offsets || scan.max_end <= file.size()) return absl::OkStatus();
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, open());
  Fitter fit(o.trace_name, o, file);
  TraceRecord rec;
  Prepared p;
  for (uint64_t n = 0; o.max_requests == 0 || n < o.max_requests; ++n) {
    IOSCHED_ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    IOSCHED_RETURN_IF_ERROR(fit.Fit(rec, &p));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RealReplayResult> RunRealReplay(const TraceOpener& open_trace,
                                               const RealReplayOptions& o) {
  IOSCHED_RETURN_IF_ERROR(ValidateRealReplay(o));
  // A first pass over the trace: writes, the largest request.
  IOSCHED_ASSIGN_OR_RETURN(TraceScan scan, ScanTrace(open_trace, o.max_requests));
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, open_trace());
  const std::string& trace_name = o.trace_name;
  if (scan.writes > 0 && !o.allow_writes) {
    return absl::PermissionDeniedError(absl::StrCat(
        trace_name, " has ", scan.writes, " write requests (first at line ", scan.first_write_line,
        "); pass --allow-writes to let them modify ", o.target));
  }
  IOSCHED_RETURN_IF_ERROR(CheckAndPrepareTarget(o));
  IOSCHED_RETURN_IF_ERROR(CheckRecordPaths(o));  // again: --create made the target

  SchedulerOptions so;
  so.elevator = o.elevator;
  so.depth = o.depth;
  so.sched_tags = o.sched_tags;
  so.backend = o.backend;
  so.submit_batch = o.submit_batch;
  so.fault_injector = o.fault_injector;
  so.target.writable = scan.writes > 0;  // read-only unless the trace writes
  RunMetrics metrics;
  so.observers.push_back(&metrics);
  std::unique_ptr<Recorder> recorder;
  if (!o.record_path.empty() || !o.record_fio_path.empty()) {
    Recorder::Options ro;
    ro.native_path = o.record_path;
    ro.fio_path = o.record_fio_path;
    ro.full = true;  // dispatch_ns, key, error, bytes too: the reader skips them
    if (o.log) {
      ro.on_error = [log = o.log](const absl::Status& st) {
        log(absl::StrCat("recording failed: ", st.message()));
      };
    }
    IOSCHED_ASSIGN_OR_RETURN(recorder, Recorder::Create(ro));
    recorder->AttachTo(so);
  }
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<Scheduler> sched, Scheduler::Open(o.target, so));
  const DirectFile& file = *sched->target();
  auto abandon = [&](absl::Status st) {
    if (recorder) recorder->Abandon();  // nothing was replayed: no recording
    return st;
  };
  if (file.size() == 0) {
    return abandon(absl::InvalidArgumentError(absl::StrCat(o.target, " is empty")));
  }
  if (absl::Status st = CheckRecordsFit(open_trace, o, scan, file); !st.ok()) {
    return abandon(st);
  }
  IOSCHED_ASSIGN_OR_RETURN(AlignedBuffer buffer, SharedBuffer(file, scan.max_length));
  if (o.log) {
    o.log(absl::StrCat("replaying ", trace_name, " against ", o.target, " (O_DIRECT, ",
                       Sv(IoBackendName(sched->backend())),
                       sched->fallback_reason().empty() ? "" : "; io_uring unavailable: ",
                       sched->fallback_reason(), ", alignment ", file.alignment().offset, " from ",
                       Sv(AlignmentSourceName(file.alignment().source)), ")"));
  }

  Fitter fit(trace_name, o, file);
  std::function<void(uint64_t, const absl::Status&)> on_first_error;
  if (o.log) {
    on_first_error = [log = o.log, trace_name](uint64_t line, const absl::Status& st) {
      log(absl::StrCat("I/O error (", trace_name, ":", line, "): ", st.message(),
                       "; the replay goes on, errors are counted"));
    };
  }
  Driver driver(sched.get(), buffer.data(), o.mode == ReplayMode::kClosed,
                std::move(on_first_error));
  RealReplayResult out;
  absl::Status run = Drive(o, *reader, fit, *sched, driver, &out.records);
  if (!run.ok() && o.log) {
    o.log(absl::StrCat("the replay stops after ", out.records, " records: ", run.message()));
  }
  const absl::Status drained = sched->Drain();
  if (!run.ok()) {
    // Whatever was submitted completes (cancelled if not yet issued); the
    // results cover the requests that completed.
    sched->Shutdown(ShutdownMode::kCancel);
    out.aborted = run;
  } else if (!drained.ok()) {
    out.aborted = drained;
  }
  out.elevator = std::string(sched->elevator().Name());
  out.summary = metrics.Summarize(&sched->elevator());
  out.latency[0] = metrics.latency(Op::kRead);
  out.latency[1] = metrics.latency(Op::kWrite);
  out.out_of_range = fit.out_of_range;
  out.realigned = fit.realigned;
  out.target_bytes = file.size();
  out.rotational = file.rotational().value_or(true);
  out.alignment = std::max<uint32_t>(file.alignment().offset, 1);
  out.backend = sched->backend();
  out.fallback_reason = sched->fallback_reason();
  out.first_io_error = driver.first_error();
  out.trace = std::move(reader);
  if (out.aborted.ok()) sched->Shutdown();
  if (recorder) {
    if (absl::Status st = recorder->Finish(); !st.ok() && out.aborted.ok()) out.aborted = st;
  }
  return out;
}
}  // namespace iosched
