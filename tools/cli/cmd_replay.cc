// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched replay TRACE --target PATH …`: replays a trace through one
// elevator against a real file or block device with O_DIRECT (the
// Scheduler: io_uring, or psync threads), and reports the same metrics as
// the simulator, formatted like `iosched compare`. Without --target the
// replay runs on a simulated disk (--disk), exactly as `compare` with one
// elevator.
//
// Safety: a trace with writes is refused unless --allow-writes (the target
// is otherwise opened read-only); a block device that is mounted, has a
// mounted partition or is held by another device (device mapper, md) is
// refused; --create SIZE creates a regular file (or extends a shorter one,
// never shrinking it) and fills the new space with data so that reads reach
// the disk.
//
// Modes: open (arrivals at trace time × --time-scale, in real time),
// closed (per stream: next request after the previous one completed plus
// the recorded think time, capped at 1 s), batch (everything queued under
// one plug, then released).
//
// Offsets: a request beyond the target is an error (--offsets error, the
// message names TRACE:LINE) or wraps (--offsets wrap: offset modulo the
// target size). Offsets and lengths are aligned to the target's direct-I/O
// alignment (offset down, length up, then clipped to the target); requests
// that needed it are counted and reported on stderr.

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "compare.h"
#include "iosched/buffer_pool.h"
#include "iosched/direct_file.h"
#include "iosched/metrics.h"
#include "iosched/recorder.h"
#include "iosched/registry.h"
#include "iosched/scheduler.h"
#include "iosched/status_macros.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"
#include "trace_options.h"

namespace iosched {
namespace {

// Largest single request the real replay accepts.
constexpr uint64_t kMaxRequestBytes = 64ull << 20;

struct ReplayFlags {
  std::string trace, target, elevator = "noop", disk = "hp-c2247a";
  std::string mode = "open", format = "table", offsets = "error", create, backend = "auto";
  std::string record, record_fio;
  uint32_t depth = 1;
  uint32_t submit_batch = 1;
  double time_scale = 1.0;
  uint64_t max_requests = 0;
  bool allow_writes = false;
  // Shared trace options (--trace-format, --csv, --skip-bad-lines, --merge,
  // filters, offset remaps; tools/cli/trace_options.h), built by BuildTraceOptions.
  TraceFlags trace_flags;
  TraceReadOptions read;
  TraceTransform transform;
};

// The trace with the shared read options and transforms applied.
absl::StatusOr<std::unique_ptr<TracePipeline>> OpenReplayTrace(const ReplayFlags& f) {
  return OpenTracePipeline(TraceInputs(f.trace, f.trace_flags), f.read, f.transform);
}

ReplayMode ModeOf(const std::string& m) {
  return m == "closed"  ? ReplayMode::kClosed
         : m == "batch" ? ReplayMode::kBatch
                        : ReplayMode::kOpen;
}

// "4096", "64K", "512M", "1G", "2GiB", "1T" (binary multiples).
absl::StatusOr<uint64_t> ParseSize(const std::string& text) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (v > (UINT64_MAX - d) / 10) break;
    v = v * 10 + d;
    ++i;
  }
  std::string suffix = text.substr(i);
  for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = -1;
  if (suffix.empty() || suffix == "B") shift = 0;
  if (suffix == "K" || suffix == "KB" || suffix == "KIB") shift = 10;
  if (suffix == "M" || suffix == "MB" || suffix == "MIB") shift = 20;
  if (suffix == "G" || suffix == "GB" || suffix == "GIB") shift = 30;
  if (suffix == "T" || suffix == "TB" || suffix == "TIB") shift = 40;
  if (i == 0 || shift < 0 || v == 0 || (shift > 0 && v > (UINT64_MAX >> shift))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--create: expected a size such as 1G, 512M or 4096 (bytes), got '", text, "'"));
  }
  return v << shift;
}

// /proc/self/mounts escapes blanks and backslashes as \ooo.
std::string UnescapeMount(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string oct = s.substr(i + 1, 3);
      if (oct.size() == 3 &&
          std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The whole disk a partition belongs to (itself when it is not a partition).
dev_t WholeDisk(dev_t dev) {
  const std::string base = absl::StrCat("/sys/dev/block/", major(dev), ":", minor(dev));
  if (::access((base + "/partition").c_str(), F_OK) != 0) return dev;
  const std::string parent = ReadLine(base + "/../dev");
  unsigned maj = 0, min = 0;
  if (std::sscanf(parent.c_str(), "%u:%u", &maj, &min) == 2) return makedev(maj, min);
  return dev;
}

// OK, or FailedPrecondition naming what uses the block device `dev`.
absl::Status CheckBlockDeviceUnused(const std::string& target, dev_t dev) {
  std::ifstream mounts("/proc/self/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream in(line);
    std::string src, dir;
    in >> src >> dir;
    if (src.empty() || src[0] != '/') continue;
    src = UnescapeMount(src);
    struct stat st;
    if (::stat(src.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) continue;
    if (st.st_rdev == dev) {
      return absl::FailedPreconditionError(absl::StrCat(
          target, " is mounted on ", UnescapeMount(dir), "; refusing to replay against it"));
    }
    if (WholeDisk(st.st_rdev) == dev) {
      return absl::FailedPreconditionError(absl::StrCat(target, " has a mounted partition (", src,
                                                        " on ", UnescapeMount(dir),
                                                        "); refusing to replay against it"));
    }
  }
  const std::string holders =
      absl::StrCat("/sys/dev/block/", major(dev), ":", minor(dev), "/holders");
  if (DIR* d = ::opendir(holders.c_str())) {
    std::string holder;
    while (struct dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') holder = e->d_name;
    }
    ::closedir(d);
    if (!holder.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(target, " is in use by ", holder,
                       " (device mapper / md); refusing to replay against it"));
    }
  }
  return absl::OkStatus();
}

// One trace record, fitted to the target.
struct Prepared {
  int64_t time_ns = 0;
  Op op = Op::kRead;
  uint64_t offset = 0;
  uint32_t length = 0;
  uint32_t stream = 0;
  std::optional<int64_t> response_ns, think_ns;
  uint64_t line = 0;
};

struct TraceScan {
  uint64_t records = 0, writes = 0, first_write_line = 0, max_length = 0;
  std::string format, time_unit;
};

absl::StatusOr<TraceScan> ScanTrace(const ReplayFlags& f) {
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TracePipeline> reader, OpenReplayTrace(f));
  TraceScan s;
  s.format = std::string(reader->format());
  s.time_unit = std::string(reader->time_unit());
  TraceRecord rec;
  while (f.max_requests == 0 || s.records < f.max_requests) {
    IOSCHED_ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    ++s.records;
    if (rec.op == TraceOp::kWrite && s.writes++ == 0) s.first_write_line = rec.line;
    s.max_length = std::max<uint64_t>(s.max_length, rec.length);
  }
  return s;
}

// Fits records to the target: wrap or error, then alignment.
class Fitter {
 public:
  Fitter(const ReplayFlags& f, const DirectFile& file)
      : trace_(f.trace),
        target_(f.target),
        wrap_(f.offsets == "wrap"),
        size_(file.size()),
        align_(std::max<uint32_t>(file.alignment().offset, 1)) {}

  absl::Status Fit(const TraceRecord& r, Prepared* p) {
    p->time_ns = r.time_ns;
    p->op = r.op == TraceOp::kRead ? Op::kRead : Op::kWrite;
    p->stream = r.stream.value_or(0);
    p->response_ns = r.response_ns;
    p->think_ns = r.think_ns;
    p->line = r.line;
    uint64_t off = r.offset, len = r.length;
    if (len > kMaxRequestBytes) {
      return absl::InvalidArgumentError(absl::StrCat(trace_, ":", r.line, ": request of ", len,
                                                     " bytes; the real replay takes at most ",
                                                     kMaxRequestBytes));
    }
    if (off + len > size_ || off + len < off) {
      if (!wrap_) {
        return absl::InvalidArgumentError(absl::StrCat(
            trace_, ":", r.line, ": request [", off, ", +", len, ") ends beyond ", target_, " (",
            size_, " bytes); use --offsets wrap or a bigger target (--create SIZE)"));
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

// Creates or extends the target and writes data into the new space.
absl::Status PrepareTarget(const ReplayFlags& f, uint64_t size) {
  struct stat st;
  uint64_t have = 0;
  if (::stat(f.target.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--create works on regular files; ", f.target, " is not one"));
    }
    have = static_cast<uint64_t>(st.st_size);
  }
  if (have >= size) return absl::OkStatus();
  DirectFile::Options o;
  o.writable = true;
  o.create = true;
  IOSCHED_ASSIGN_OR_RETURN(DirectFile file, DirectFile::Open(f.target, o));
  const uint64_t chunk = 1 << 20;
  IOSCHED_ASSIGN_OR_RETURN(
      AlignedBuffer buf,
      AlignedBuffer::Allocate(chunk, std::max<uint32_t>(4096, file.alignment().memory)));
  for (size_t i = 0; i < chunk; ++i) buf.bytes()[i] = static_cast<uint8_t>(i * 131 + 7);
  const uint64_t align = std::max<uint32_t>(file.alignment().offset, 1);
  uint64_t off = have / align * align;
  while (off < size) {
    uint64_t n = std::min(chunk, size - off);
    n = (n + align - 1) / align * align;
    const ssize_t w = ::pwrite(file.fd(), buf.data(), n, static_cast<off_t>(off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("filling ", f.target));
    }
    off += static_cast<uint64_t>(w);
  }
  if (::ftruncate(file.fd(), static_cast<off_t>(size)) != 0 || ::fsync(file.fd()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("sizing ", f.target));
  }
  std::fprintf(stderr, "iosched: created %s with %llu bytes of data\n", f.target.c_str(),
               static_cast<unsigned long long>(size));
  return absl::OkStatus();
}

// Requests in flight, recycled; completions reported to the driver thread.
class Driver {
 public:
  // With `track`, completions are kept for Wait() (closed loop).
  Driver(Scheduler* s, void* buffer, bool track) : s_(s), buffer_(buffer), track_(track) {}

  absl::Status Submit(const Prepared& p) {
    IoRequest* rq = Take();
    rq->id = p.line;
    rq->op = p.op;
    rq->offset = p.offset;
    rq->length = p.length;
    rq->stream = p.stream;
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
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok() && first_error_.ok()) first_error_ = status;
    if (track_) done_.emplace_back(r.stream, now);
    free_.push_back(&r);
    cv_.notify_one();
  }

  Scheduler* s_;
  void* buffer_;
  bool track_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<IoRequest> pool_;  // stable addresses
  std::vector<IoRequest*> free_;
  std::vector<std::pair<uint32_t, std::chrono::steady_clock::time_point>> done_;
  absl::Status first_error_;
};

// Reads, fits and submits the trace in the chosen mode.
absl::Status Drive(const ReplayFlags& f, TraceReader& reader, Fitter& fit, Scheduler& s, Driver& d,
                   uint64_t* records) {
  using Clock = std::chrono::steady_clock;
  const ReplayMode mode = ModeOf(f.mode);
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

int RunSimulated(const ReplayFlags& f) {
  CompareOptions o;
  o.trace = f.trace;
  o.trace_format = f.trace_flags.trace_format;
  o.read = f.read;
  o.transform = f.transform;
  o.merge = f.trace_flags.merge;
  o.disk = f.disk;
  o.elevators = {f.elevator};
  o.replay.mode = ModeOf(f.mode);
  o.replay.depth = f.depth;
  o.replay.time_scale = f.time_scale;
  o.replay.max_requests = f.max_requests;
  o.replay.fit = f.offsets == "wrap" ? FitPolicy::kWrap : FitPolicy::kError;
  if (absl::Status st = ValidateCompare(o); !st.ok()) {
    return Fail(kExitUsage, std::string(st.message()));
  }
  absl::StatusOr<CompareResult> r = RunCompare(o);
  if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
  std::cout << (f.format == "json"  ? FormatCompareJson(*r)
                : f.format == "csv" ? FormatCompareCsv(*r)
                                    : FormatCompareTable(*r));
  return kExitOk;
}

int RunReal(ReplayFlags& f) {
  // ---- Usage checks (exit 2) ----
  if (absl::StatusOr<std::unique_ptr<Elevator>> e = MakeElevator(f.elevator); !e.ok()) {
    return Fail(kExitUsage, std::string(e.status().message()));
  }
  if (f.depth == 0 || f.depth > 4096) {
    return Fail(kExitUsage, absl::StrCat("--depth must be in [1, 4096], got ", f.depth));
  }
  if (!(f.time_scale > 0)) {
    return Fail(kExitUsage, absl::StrCat("--time-scale must be > 0, got ", f.time_scale));
  }
  absl::StatusOr<IoBackendKind> backend = ParseIoBackend(f.backend);
  if (!backend.ok()) return Fail(kExitUsage, std::string(backend.status().message()));
  std::optional<uint64_t> create_size;
  if (!f.create.empty()) {
    absl::StatusOr<uint64_t> sz = ParseSize(f.create);
    if (!sz.ok()) return Fail(kExitUsage, std::string(sz.status().message()));
    create_size = *sz;
  }
  // ---- The trace: writes? (a first pass) ----
  absl::StatusOr<TraceScan> scan = ScanTrace(f);
  if (!scan.ok()) return Fail(kExitRuntime, std::string(scan.status().message()));
  if (scan->writes > 0 && !f.allow_writes) {
    return Fail(kExitUsage, absl::StrCat(f.trace, " has ", scan->writes,
                                         " write requests (first at line ", scan->first_write_line,
                                         "); pass --allow-writes to let them modify ", f.target));
  }
  // ---- The target ----
  struct stat st;
  if (::stat(f.target.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
    if (create_size) {
      return Fail(kExitUsage, absl::StrCat("--create works on regular files; ", f.target,
                                           " is a block device"));
    }
    if (absl::Status u = CheckBlockDeviceUnused(f.target, st.st_rdev); !u.ok()) {
      return Fail(kExitRuntime, std::string(u.message()));
    }
  }
  if (create_size) {
    if (absl::Status c = PrepareTarget(f, *create_size); !c.ok()) {
      return Fail(kExitRuntime, std::string(c.message()));
    }
  }
  SchedulerOptions so;
  so.elevator = f.elevator;
  so.depth = f.depth;
  so.backend = *backend;
  so.submit_batch = f.submit_batch;
  so.target.writable = scan->writes > 0;  // read-only unless the trace writes
  RunMetrics metrics;
  so.observers.push_back(&metrics);
  std::unique_ptr<Recorder> recorder;
  if (!f.record.empty() || !f.record_fio.empty()) {
    Recorder::Options ro;
    ro.native_path = f.record;
    ro.fio_path = f.record_fio;
    ro.full = true;  // dispatch_ns, key, error, bytes too: the reader skips them
    absl::StatusOr<std::unique_ptr<Recorder>> r = Recorder::Create(ro);
    if (!r.ok()) return Fail(kExitRuntime, std::string(r.status().message()));
    recorder = std::move(*r);
    recorder->AttachTo(so);
  }
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(f.target, so);
  if (!s.ok()) return Fail(kExitRuntime, std::string(s.status().message()));
  Scheduler& sched = **s;
  const DirectFile& file = *sched.target();
  if (file.size() == 0) return Fail(kExitRuntime, absl::StrCat(f.target, " is empty"));
  const uint64_t align = std::max<uint32_t>(file.alignment().offset, 1);
  const uint64_t buf_len = std::max<uint64_t>(
      align, (std::min(scan->max_length, kMaxRequestBytes) + 2 * align) / align * align);
  absl::StatusOr<AlignedBuffer> buffer =
      AlignedBuffer::Allocate(buf_len, std::max<uint32_t>(4096, file.alignment().memory));
  if (!buffer.ok()) return Fail(kExitRuntime, std::string(buffer.status().message()));
  // Every request shares one buffer: the data is not looked at.
  std::fprintf(
      stderr, "iosched: replaying %s against %s (O_DIRECT, %s%s%s, alignment %u from %s)\n",
      f.trace.c_str(), f.target.c_str(), std::string(IoBackendName(sched.backend())).c_str(),
      sched.fallback_reason().empty() ? "" : "; io_uring unavailable: ",
      sched.fallback_reason().c_str(), file.alignment().offset,
      std::string(AlignmentSourceName(file.alignment().source)).c_str());

  absl::StatusOr<std::unique_ptr<TracePipeline>> reader = OpenReplayTrace(f);
  if (!reader.ok()) return Fail(kExitRuntime, std::string(reader.status().message()));
  Fitter fit(f, file);
  Driver driver(&sched, buffer->data(), ModeOf(f.mode) == ReplayMode::kClosed);
  uint64_t records = 0;
  absl::Status run = Drive(f, **reader, fit, sched, driver, &records);
  const absl::Status drained = sched.Drain();
  if (!run.ok()) {
    sched.Shutdown(ShutdownMode::kCancel);
    return Fail(kExitRuntime, std::string(run.message()));
  }
  if (!drained.ok()) return Fail(kExitRuntime, std::string(drained.message()));
  for (const std::string& note : PipelineNotes(**reader)) {
    std::fprintf(stderr, "%s\n", note.c_str());
  }
  if (absl::Status e = driver.first_error(); !e.ok()) {
    std::fprintf(stderr, "iosched: first I/O error: %s\n", std::string(e.message()).c_str());
  }
  CompareResult out;
  out.trace = f.trace;
  out.trace_format = scan->format;
  out.time_unit = scan->time_unit;
  out.bad_lines = (*reader)->bad_lines();
  out.first_bad_line = std::string((*reader)->first_bad_line());
  out.trace_stats = (*reader)->stats();
  out.disk = f.target;
  out.disk_capacity_sectors = file.size() / 512;
  out.options.trace = f.trace;
  out.options.replay.mode = ModeOf(f.mode);
  out.options.replay.depth = f.depth;
  out.options.replay.time_scale = f.time_scale;
  out.options.replay.fit = f.offsets == "wrap" ? FitPolicy::kWrap : FitPolicy::kError;
  CompareRun run_out;
  run_out.spec = f.elevator;
  run_out.elevator = std::string(sched.elevator().Name());
  run_out.result.summary = metrics.Summarize(&sched.elevator());
  run_out.result.records = records;
  run_out.result.out_of_range = fit.out_of_range;
  run_out.result.latency[0] = metrics.latency(Op::kRead);
  run_out.result.latency[1] = metrics.latency(Op::kWrite);
  out.runs.push_back(std::move(run_out));
  sched.Shutdown();
  if (recorder) {
    if (absl::Status r = recorder->Finish(); !r.ok()) {
      return Fail(kExitRuntime, std::string(r.message()));
    }
  }
  if (fit.realigned > 0) {
    std::fprintf(stderr, "iosched: %llu requests were aligned to %llu bytes\n",
                 static_cast<unsigned long long>(fit.realigned),
                 static_cast<unsigned long long>(align));
  }
  std::cout << (f.format == "json"  ? FormatCompareJson(out)
                : f.format == "csv" ? FormatCompareCsv(out)
                                    : FormatCompareTable(out));
  std::cout.flush();
  return run_out.result.summary.errors > 0 ? kExitRuntime : kExitOk;
}

}  // namespace

Command SetupReplay(CLI::App& app) {
  auto f = std::make_shared<ReplayFlags>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Replay a trace through one elevator, against a real file or block device with O_DIRECT "
      "(--target) or on a simulated disk");
  cmd->add_option("trace", f->trace, "Trace file")->required();
  cmd->add_option("--target", f->target,
                  "File or block device to replay against with O_DIRECT (omit to simulate)");
  cmd->add_option("--elevator", f->elevator, "Elevator spec, e.g. deadline:fifo_batch=8")
      ->capture_default_str();
  cmd->add_option("--depth", f->depth, "Units in flight at the device")->capture_default_str();
  cmd->add_option("--mode", f->mode, "Replay mode")
      ->check(CLI::IsMember({"open", "closed", "batch"}))
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--time-scale", f->time_scale, "Multiplies trace times (arrivals, think times)")
      ->capture_default_str();
  cmd->add_option("--max-requests", f->max_requests, "Replay only the first N records (0: all)");
  cmd->add_option("--offsets", f->offsets,
                  "Requests beyond the target (or simulated disk): error or wrap")
      ->check(CLI::IsMember({"error", "wrap"}))
      ->capture_default_str();
  cmd->add_flag("--allow-writes", f->allow_writes,
                "Let the trace's write requests modify the target (refused otherwise)");
  cmd->add_option("--create", f->create,
                  "Create (or extend) the target file to SIZE (e.g. 1G) and fill it with data");
  cmd->add_option("--backend", f->backend, "auto, io_uring or psync")
      ->check(CLI::IsMember({"auto", "io_uring", "psync"}))
      ->capture_default_str();
  cmd->add_option("--submit-batch", f->submit_batch,
                  "io_uring: transfers per io_uring_enter (1: each as it is issued; 0: all "
                  "issued in one dispatcher turn together; SchedulerOptions::submit_batch)")
      ->capture_default_str();
  cmd->add_option("--record", f->record,
                  "Record the real run as an iosched native trace (with the dispatch_ns, key, "
                  "error and bytes columns)");
  cmd->add_option("--record-fio", f->record_fio, "Record the real run as a fio iolog v3");
  cmd->add_option("--disk", f->disk, "Disk preset when simulating (no --target)")
      ->capture_default_str();
  AddTraceOptions(cmd, &f->trace_flags, {.time_scale = false, .max_records = false});
  return {cmd, [f] {
            if (absl::Status st = BuildTraceOptions(f->trace_flags, &f->read, &f->transform);
                !st.ok()) {
              return Fail(kExitUsage, std::string(st.message()));
            }
            return f->target.empty() ? RunSimulated(*f) : RunReal(*f);
          }};
}

}  // namespace iosched
