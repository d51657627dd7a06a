// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Replay (replay.h): the trace side of a simulation. The engine (engine.h)
// runs events; this file decides when each record arrives, per mode, and
// checks that every request completes exactly once.

#include "iosched/replay.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine.h"
#include "iosched/dispatcher.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"
#include "record_fit.h"
#include "request_pool.h"

namespace iosched {
namespace {

using sim::RequestSlot;

absl::Status ValidateOptions(const ReplayOptions& o) {
  if (o.depth == 0) return absl::InvalidArgumentError("replay: depth must be >= 1");
  if (!(o.time_scale > 0) || !std::isfinite(o.time_scale)) {
    return absl::InvalidArgumentError(
        absl::StrCat("replay: time_scale must be > 0, got ", o.time_scale));
  }
  if (o.think_cap < Duration{0}) {
    return absl::InvalidArgumentError("replay: think_cap must be >= 0");
  }
  if (o.closed_async_writes > (1u << 20)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "replay: closed_async_writes must be <= 1048576, got ", o.closed_async_writes));
  }
  if (o.closed_window == 0) {
    return absl::InvalidArgumentError("replay: closed_window must be >= 1");
  }
  return absl::OkStatus();
}

// Closed mode: one stream's state.
struct StreamState {
  RequestSlot* head = nullptr;  // records read, not yet scheduled (FIFO)
  RequestSlot* tail = nullptr;
  bool scheduled = false;  // the stream's next record has an arrival event
  bool sync_out = false;   // a request the stream waits for is outstanding
  uint32_t async_out = 0;  // async writes submitted and not completed
  bool started = false;    // the stream has issued its first record
  Time last_free{0};       // when the stream last became free to issue
  // The latest scheduled record, for the next think time.
  int64_t prev_time_ns = 0;
  std::optional<int64_t> prev_response_ns;
  std::optional<int64_t> prev_think_ns;
};

// The units the host keeps outstanding: the replay's depth, or the drive's
// queue depth if that is larger (the drive holds that many commands).
uint32_t DispatchDepth(const DiskModel& disk, const ReplayOptions& o) {
  const HddQueueParams* q = disk.queue_params();
  return q != nullptr ? std::max(o.depth, q->depth) : o.depth;
}

class Replayer {
 public:
  Replayer(TraceReader& reader, Elevator& elevator, DiskModel& disk, const ReplayOptions& options,
           sim::RecordFitter fitter)
      : reader_(reader),
        elevator_(elevator),
        options_(options),
        fitter_(std::move(fitter)),
        sim_(&disk),
        dispatcher_(&elevator, &sim_.device(), &sim_.clock(),
                    Dispatcher::Options{.depth = DispatchDepth(disk, options),
                                        .sched_tags = options.sched_tags}) {
    // A host elevator that estimates positioning chooses from the model's
    // live state: bring it up to each completion that leaves the disk idle.
    sim_.device().set_advance_when_idle(ElevatorNeedsPositionEstimator(elevator));
  }

  ~Replayer() { DropHeldRequests(); }

  absl::StatusOr<ReplayResult> Run();

 private:
  void Fail(absl::Status s) {
    if (status_.ok()) status_ = std::move(s);
  }
  Time Scaled(int64_t ns) const;
  // Reads and converts the next record; nullptr at the end of the trace, at
  // max_requests, or on error (status_ set).
  RequestSlot* ReadNext();
  void OnArrival(Request& rq);
  void OnCompletion(Request& rq);
  // Open mode: schedules `s` at its (clamped) trace time.
  void ScheduleOpen(RequestSlot* s);
  // Closed mode: reads records while the window has room.
  void Refill();
  // Closed mode: schedules the stream's next queued record if it is free to
  // issue one.
  void MaybeScheduleStream(StreamState& st);
  // Closed mode: whether `rq` leaves its stream free (an async write under
  // the closed_async_writes limit).
  bool IsAsyncWrite(const Request& rq) const {
    return options_.closed_async_writes > 0 && rq.op == Op::kWrite && !rq.sync;
  }
  Duration ThinkTime(const StreamState& st, const RequestSlot& next) const;
  absl::Status CheckEnd();
  // After an error: takes every unit out of the elevator so it holds no
  // pointer into the pool when the pool goes away.
  void DropHeldRequests();

  TraceReader& reader_;
  Elevator& elevator_;
  const ReplayOptions& options_;
  sim::RecordFitter fitter_;
  sim::Simulation sim_;
  Dispatcher dispatcher_;
  sim::RequestPool pool_;
  RunMetrics metrics_;
  absl::Status status_;

  // Records read ahead (TraceReader::NextBatch: one call per batch rather
  // than per record), and the next one to use.
  std::vector<TraceRecord> batch_ = std::vector<TraceRecord>(64);
  size_t batch_next_ = 0, batch_size_ = 0;
  bool eof_ = false;
  uint64_t records_ = 0;
  uint64_t out_of_range_ = 0;
  uint64_t clamped_ = 0;
  uint64_t drains_ = 0;
  uint64_t without_stream_ = 0;
  uint64_t max_queued_ = 0;
  Time first_arrival_{kTimeNever};
  Time last_submit_{0};
  Time last_arrival_{0};
  // Closed mode. std::unordered_map: references stay valid across inserts.
  std::unordered_map<uint32_t, StreamState> streams_;
  uint64_t window_ = 0;  // records read and not yet submitted
};

Time Replayer::Scaled(int64_t ns) const {
  if (options_.time_scale == 1.0) return Time{ns};
  return Time{std::llround(static_cast<double>(ns) * options_.time_scale)};
}

RequestSlot* Replayer::ReadNext() {
  if (eof_ || !status_.ok()) return nullptr;
  if (options_.max_requests != 0 && records_ >= options_.max_requests) {
    eof_ = true;
    return nullptr;
  }
  if (batch_next_ == batch_size_) {
    // Refill, never past max_requests (a record beyond it is not read, as
    // one that is bad must not fail the run).
    size_t want = batch_.size();
    if (options_.max_requests != 0) {
      want = std::min<uint64_t>(want, options_.max_requests - records_);
    }
    absl::StatusOr<size_t> got = reader_.NextBatch(batch_.data(), want);
    if (!got.ok()) {
      eof_ = true;
      Fail(got.status());
      return nullptr;
    }
    if (*got == 0) {
      eof_ = true;
      return nullptr;
    }
    batch_next_ = 0;
    batch_size_ = *got;
  }
  const TraceRecord& rec = batch_[batch_next_++];
  absl::StatusOr<sim::RecordFitter::Fitted> fit = fitter_.Fit(rec);
  if (!fit.ok()) {
    eof_ = true;
    Fail(fit.status());
    return nullptr;
  }
  if (fit->out_of_range) ++out_of_range_;
  RequestSlot* s = pool_.Acquire();
  Request& rq = s->rq;
  rq.id = records_++;
  if (options_.on_progress && records_ % 1024 == 0) options_.on_progress(records_);
  rq.op = rec.op == TraceOp::kRead ? Op::kRead : Op::kWrite;
  rq.sync = rq.op == Op::kRead;
  rq.sector = fit->sector;
  rq.sectors = fit->sectors;
  rq.stream = rec.stream.value_or(0);
  // The trace's ioprio, or the kernel's default BE 4 (slots are reused).
  rq.prio = rec.ioprio.has_value() ? IoPrio{static_cast<IoClass>(rec.ioprio->io_class),
                                            rec.ioprio->level, rec.ioprio->weight}
                                   : IoPrio{};
  if (!rec.stream.has_value()) ++without_stream_;
  s->trace_time_ns = rec.time_ns;
  s->response_ns = rec.response_ns;
  s->think_ns = rec.think_ns;
  return s;
}

void Replayer::ScheduleOpen(RequestSlot* s) {
  Time t = Scaled(s->trace_time_ns);
  if (t < last_arrival_) {
    t = last_arrival_;
    ++clamped_;
  }
  last_arrival_ = t;
  sim_.ScheduleArrival(t, &s->rq);
}

Duration Replayer::ThinkTime(const StreamState& st, const RequestSlot& next) const {
  double think;
  if (st.prev_think_ns.has_value()) {
    think = static_cast<double>(*st.prev_think_ns);
  } else {
    think = static_cast<double>(next.trace_time_ns - st.prev_time_ns);
    if (st.prev_response_ns.has_value()) think -= static_cast<double>(*st.prev_response_ns);
  }
  think *= options_.time_scale;
  const double cap = static_cast<double>(options_.think_cap.count());
  return Duration{std::llround(std::clamp(think, 0.0, cap))};
}

void Replayer::MaybeScheduleStream(StreamState& st) {
  if (st.head == nullptr || st.scheduled || st.sync_out ||
      (st.async_out > 0 && st.async_out >= options_.closed_async_writes)) {
    return;
  }
  RequestSlot* s = st.head;
  st.head = s->next;
  if (st.head == nullptr) st.tail = nullptr;
  s->next = nullptr;
  const Time t = st.started ? st.last_free + ThinkTime(st, *s) : Scaled(s->trace_time_ns);
  st.started = true;
  st.scheduled = true;
  st.prev_time_ns = s->trace_time_ns;
  st.prev_response_ns = s->response_ns;
  st.prev_think_ns = s->think_ns;
  sim_.ScheduleArrival(t, &s->rq);
}

void Replayer::Refill() {
  while (window_ < options_.closed_window) {
    RequestSlot* s = ReadNext();
    if (s == nullptr) return;
    ++window_;
    StreamState& st = streams_[s->rq.stream];
    if (st.tail == nullptr) {
      st.head = st.tail = s;
    } else {
      st.tail->next = s;
      st.tail = s;
    }
    MaybeScheduleStream(st);
  }
}

void Replayer::OnArrival(Request& rq) {
  if (options_.mode == ReplayMode::kClosed) {
    // Before Submit: the stream's state must be current when rq completes.
    --window_;
    StreamState& st = streams_[rq.stream];
    st.scheduled = false;
    if (IsAsyncWrite(rq)) {
      ++st.async_out;
      st.last_free = sim_.now();
    } else {
      st.sync_out = true;
    }
  }
  if (first_arrival_ == kTimeNever) first_arrival_ = sim_.now();
  last_submit_ = sim_.now();
  dispatcher_.Submit(rq);
  // Requests the elevator holds (outstanding minus the units at the device;
  // a merged unit counts once, so this is an upper bound).
  const uint64_t outstanding = dispatcher_.submitted() - dispatcher_.completed();
  const uint64_t queued = outstanding - std::min<uint64_t>(outstanding, dispatcher_.in_flight());
  max_queued_ = std::max(max_queued_, queued);
  switch (options_.mode) {
    case ReplayMode::kOpen:
      if (RequestSlot* next = ReadNext()) ScheduleOpen(next);
      break;
    case ReplayMode::kClosed:
      MaybeScheduleStream(streams_[rq.stream]);
      break;
    case ReplayMode::kBatch:
      break;
  }
}

void Replayer::OnCompletion(Request& rq) {
  RequestSlot* s = RequestSlot::Of(rq);
  if (s == nullptr || !s->live || s->completions != 0) {
    Fail(absl::InternalError(absl::StrCat("replay: request ", rq.id, " completed twice")));
    return;
  }
  ++s->completions;
  if (options_.mode == ReplayMode::kClosed) {
    StreamState& st = streams_[rq.stream];
    if (IsAsyncWrite(rq)) {
      // A stream blocked at the limit is free again.
      if (st.async_out-- == options_.closed_async_writes) st.last_free = sim_.now();
    } else {
      st.sync_out = false;
      st.last_free = sim_.now();
    }
    MaybeScheduleStream(st);
  }
  pool_.Release(s);
}

absl::Status Replayer::CheckEnd() {
  if (const RequestSlot* s = pool_.FirstLive()) {
    const bool submitted = s->rq.state() != RequestState::kNew;
    return absl::InternalError(absl::StrCat("replay: request ", s->rq.id,
                                            submitted ? " never completed" : " was never submitted",
                                            " (", pool_.live(), " requests outstanding)"));
  }
  if (dispatcher_.submitted() != records_ || dispatcher_.completed() != records_) {
    return absl::InternalError(absl::StrCat("replay: ", records_, " records, ",
                                            dispatcher_.submitted(), " submitted, ",
                                            dispatcher_.completed(), " completed"));
  }
  if (!elevator_.Empty() || dispatcher_.in_flight() != 0) {
    return absl::InternalError(absl::StrCat("replay: elevator ", Sv(elevator_.Name()),
                                            " still holds ", elevator_.Pending(),
                                            " units at the end"));
  }
  return absl::OkStatus();
}

void Replayer::DropHeldRequests() {
  const Time now = sim_.now();
  while (!elevator_.Empty()) {
    if (elevator_.Dispatch(now, /*force=*/true).unit == nullptr) break;
  }
}

absl::StatusOr<ReplayResult> Replayer::Run() {
  dispatcher_.set_observer(&metrics_);
  metrics_.set_head_trace_limit(options_.head_trace_limit);
  dispatcher_.set_completion([this](Request& rq) { OnCompletion(rq); });
  sim_.Attach(&dispatcher_);
  sim_.set_arrival_handler([this](Request& rq) { OnArrival(rq); });

  switch (options_.mode) {
    case ReplayMode::kOpen:
      if (RequestSlot* s = ReadNext()) ScheduleOpen(s);
      break;
    case ReplayMode::kClosed:
      Refill();
      break;
    case ReplayMode::kBatch:
      while (RequestSlot* s = ReadNext()) sim_.ScheduleArrival(Time{0}, &s->rq);
      break;
  }

  while (status_.ok()) {
    if (sim_.Step()) {
      if (options_.mode == ReplayMode::kClosed) Refill();
      continue;
    }
    if (elevator_.Empty()) break;
    // Nothing will happen any more, yet requests wait: force them out.
    ++drains_;
    dispatcher_.Drain();
    if (sim_.pending_events() == 0) {
      Fail(absl::InternalError(absl::StrCat("replay: elevator ", Sv(elevator_.Name()), " holds ",
                                            elevator_.Pending(),
                                            " units but a forced dispatch issued none")));
    }
  }
  IOSCHED_RETURN_IF_ERROR(status_);
  IOSCHED_RETURN_IF_ERROR(CheckEnd());

  const sim::DeviceStats& dev = sim_.device().stats();
  metrics_.AddCounter("sim_seek_ns", dev.seek.count());
  metrics_.AddCounter("sim_rotation_ns", dev.rotation.count());
  metrics_.AddCounter("sim_transfer_ns", dev.transfer.count());
  metrics_.AddCounter("sim_cache_hits", static_cast<int64_t>(dev.cache_hits));
  metrics_.AddCounter("sim_forced_drains", static_cast<int64_t>(drains_));

  ReplayResult r;
  r.summary = metrics_.Summarize(&elevator_);
  r.end_time = sim_.now();
  r.out_of_range = out_of_range_;
  r.seek_time_total = dev.seek;
  r.cache_hits = dev.cache_hits;
  r.records = records_;
  r.clamped_arrivals = clamped_;
  r.forced_drains = drains_;
  r.rotation_time_total = dev.rotation;
  r.transfer_time_total = dev.transfer;
  r.events = sim_.events_run();
  r.records_without_stream = without_stream_;
  r.max_queued = max_queued_;
  r.first_arrival = first_arrival_ == kTimeNever ? Time{0} : first_arrival_;
  r.last_arrival = last_submit_;
  r.latency[0] = metrics_.latency(Op::kRead);
  r.latency[1] = metrics_.latency(Op::kWrite);
  r.head_trace = metrics_.head_trace();
  metrics_.FinishTimeline(sim_.now());
  r.timeline = metrics_.timeline();
  r.seek_histogram = metrics_.seek_histogram();
  if (options_.on_progress) options_.on_progress(records_);
  return r;
}

}  // namespace

absl::StatusOr<ReplayResult> Replay(TraceReader& reader, Elevator& elevator, DiskModel& disk,
                                    const ReplayOptions& options) {
  IOSCHED_RETURN_IF_ERROR(ValidateOptions(options));
  IOSCHED_ASSIGN_OR_RETURN(
      sim::RecordFitter fitter,
      sim::RecordFitter::Create(options, disk.capacity_sectors(), std::string(disk.name())));
  if (ElevatorNeedsPositionEstimator(elevator)) {
    if (disk.position_estimator() == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "replay: elevator '", Sv(elevator.Name()), "' needs seek and rotation estimates, which ",
          "the disk model '", Sv(disk.name()), "' does not provide (use an HDD model)"));
    }
    IOSCHED_RETURN_IF_ERROR(SetElevatorPositionEstimator(elevator, disk.position_estimator()));
  }
  absl::StatusOr<ReplayResult> result;
  {
    Replayer replayer(reader, elevator, disk, options, std::move(fitter));
    result = replayer.Run();
  }
  // The elevator may outlive the disk: forget the disk's estimator.
  if (ElevatorNeedsPositionEstimator(elevator)) {
    (void)SetElevatorPositionEstimator(elevator, nullptr);
  }
  return result;
}

}  // namespace iosched
