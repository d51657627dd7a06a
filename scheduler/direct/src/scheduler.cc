// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/scheduler.h"

#include <atomic>
#include <cassert>
#include <cerrno>
#include <future>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "iosched/dispatcher.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

// Fans dispatcher events out to several observers.
class Observers final : public DispatchObserver {
 public:
  explicit Observers(std::vector<DispatchObserver*> list) : list_(std::move(list)) {}
  void OnArrival(const Request& rq, Time now) override {
    for (DispatchObserver* o : list_) o->OnArrival(rq, now);
  }
  void OnMerge(const Request& rq, const Request& unit, Time now) override {
    for (DispatchObserver* o : list_) o->OnMerge(rq, unit, now);
  }
  void OnIssue(const Request& unit, Time now) override {
    for (DispatchObserver* o : list_) o->OnIssue(unit, now);
  }
  void OnComplete(const Request& member, const Request& unit, Time now) override {
    for (DispatchObserver* o : list_) o->OnComplete(member, unit, now);
  }

  absl::flat_hash_set<const DirectFile*> seen;  // files seen (dispatcher thread)

 private:
  std::vector<DispatchObserver*> list_;
};

}  // namespace

struct Scheduler::Impl {
  absl::Status Start(const SchedulerOptions& options);
  absl::Status Submit(IoRequest& rq, IoRequest::Callback callback);
  absl::Status Drain();
  void Shutdown(ShutdownMode mode);
  void Plug();
  void Unplug();
  void EndStream(uint32_t stream);
  bool OnDispatcherThread() const { return std::this_thread::get_id() == thread_id_; }

  // The dispatcher thread's body, and what only that thread calls.
  void Loop(const BufferPool* register_pool,
            std::shared_ptr<std::promise<absl::Status>> registered);
  bool TakeSubmissions();
  void OnComplete(Request& r);
  void WakeLoop();

  std::unique_ptr<DirectFile> target_;
  SteadyClock clock_;
  std::unique_ptr<Elevator> elevator_;
  std::unique_ptr<DirectDevice> device_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Observers> observers_;
  std::function<void(const DirectFile&)> on_new_file_;
  // Set by Start() before it returns; read-only afterwards.
  absl::Status registered_ = absl::FailedPreconditionError("no buffer pool was registered");

  // Submission queue (Treiber stack) and the sleeping flag of the loop.
  std::atomic<IoRequest*> head_{nullptr};
  std::atomic<bool> sleeping_{false};
  std::atomic<uint64_t> control_seq_{0};  // bumped by every control call
  std::atomic<bool> accepting_{true};
  std::atomic<int> submitters_{0};  // Submit() calls past the accepting_ check
  std::atomic<bool> user_plug_{false};
  // Dispatcher thread only: the control_seq_ value and user_plug_ as last
  // handled by the loop.
  uint64_t seen_control_ = ~uint64_t{0};
  bool loop_plugged_ = false;
  std::atomic<uint64_t> submitted_{0}, completed_{0};

  // Drain / Shutdown hand-shake with the loop.
  absl::Mutex mu_;
  absl::CondVar cv_;  // signalled when idle_epoch_ or exited_ changes
  int drain_waiters_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t idle_epoch_ ABSL_GUARDED_BY(mu_) = 0;  // bumped when idle with waiters
  bool stop_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool exited_ ABSL_GUARDED_BY(mu_) = false;  // the loop has ended
  ShutdownMode stop_mode_ ABSL_GUARDED_BY(mu_) = ShutdownMode::kDrain;
  std::vector<uint32_t> ended_streams_ ABSL_GUARDED_BY(mu_);  // EndStream() not yet handled
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;

  std::thread thread_;
  std::thread::id thread_id_;
};

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Open(const std::string& target,
                                                           const SchedulerOptions& options) {
  IOSCHED_ASSIGN_OR_RETURN(DirectFile file, DirectFile::Open(target, options.target));
  std::unique_ptr<Scheduler> s(new Scheduler(std::make_unique<Impl>()));
  s->impl_->target_ = std::make_unique<DirectFile>(std::move(file));
  IOSCHED_RETURN_IF_ERROR(s->impl_->Start(options));
  return s;
}

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(const SchedulerOptions& options) {
  std::unique_ptr<Scheduler> s(new Scheduler(std::make_unique<Impl>()));
  IOSCHED_RETURN_IF_ERROR(s->impl_->Start(options));
  return s;
}

Scheduler::Scheduler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::Status Scheduler::Impl::Start(const SchedulerOptions& options) {
  if (options.depth == 0 || options.depth > 65536) {
    return absl::InvalidArgumentError(
        absl::StrCat("scheduler depth must be in [1, 65536], got ", options.depth));
  }
  ElevatorEnv env;
  env.device_depth = options.depth;
  env.nr_requests = options.nr_requests;
  env.rotational =
      options.rotational.value_or(target_ != nullptr ? target_->rotational().value_or(true) : true);
  IOSCHED_ASSIGN_OR_RETURN(elevator_, MakeElevator(options.elevator, env));
  if (ElevatorNeedsPositionEstimator(*elevator_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "elevator '", options.elevator,
        "' orders requests by estimated seek and rotation times, which need a disk model; "
        "the real O_DIRECT path has none (use it in the simulator, or sstf, look or clook here)"));
  }
  if (options.layout_probe != nullptr) {
    if (absl::Status st = SetElevatorLayoutProbe(*elevator_, options.layout_probe); !st.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("SchedulerOptions::layout_probe: ", st.message()));
    }
  }
  if (!options.probe_chain.empty()) {
    if (absl::Status st = SetElevatorProbeChain(*elevator_, options.probe_chain); !st.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("SchedulerOptions::probe_chain: ", st.message()));
    }
  }
  DirectDevice::Options dev;
  dev.backend = options.backend;
  dev.depth = options.depth;
  dev.psync_threads = options.psync_threads;
  dev.submit_batch = options.submit_batch;
  dev.max_retries = options.max_retries;
  dev.fault_injector = options.fault_injector;
  IOSCHED_ASSIGN_OR_RETURN(device_, DirectDevice::Create(dev, &clock_));
  dispatcher_ = std::make_unique<Dispatcher>(
      elevator_.get(), device_.get(), &clock_,
      Dispatcher::Options{.depth = options.depth, .sched_tags = options.sched_tags});
  device_->set_dispatcher(dispatcher_.get());
  device_->set_on_past_eof([](Request& m) { static_cast<IoRequest&>(m).past_eof_ = true; });
  dispatcher_->set_completion([this](Request& r) { OnComplete(r); });
  observers_ = std::make_unique<Observers>(options.observers);
  if (options.observers.size() == 1) {
    dispatcher_->set_observer(options.observers[0]);
  } else if (!options.observers.empty()) {
    dispatcher_->set_observer(observers_.get());
  }
  on_new_file_ = options.on_new_file;
  // Shared, so that the promise outlives set_value() on the other thread.
  auto registered = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> registered_future = registered->get_future();
  const BufferPool* pool = options.register_pool;
  thread_ = std::thread([this, pool, registered]() mutable { Loop(pool, std::move(registered)); });
  // The ring's single issuer is the dispatcher thread, so it registers; the
  // promise is set before the loop looks at any request, and after it has
  // recorded thread_id_ (so every later OnDispatcherThread() sees it).
  registered_ = registered_future.get();
  return absl::OkStatus();
}

Scheduler::~Scheduler() { Shutdown(ShutdownMode::kDrain); }

absl::Status Scheduler::Submit(IoRequest& rq, IoRequest::Callback callback) {
  return impl_->Submit(rq, std::move(callback));
}
absl::Status Scheduler::Drain() { return impl_->Drain(); }
void Scheduler::Shutdown(ShutdownMode mode) { impl_->Shutdown(mode); }
void Scheduler::Plug() { impl_->Plug(); }
void Scheduler::Unplug() { impl_->Unplug(); }
void Scheduler::EndStream(uint32_t stream) { impl_->EndStream(stream); }
const DirectFile* Scheduler::target() const { return impl_->target_.get(); }
IoBackendKind Scheduler::backend() const { return impl_->device_->backend(); }
const std::string& Scheduler::fallback_reason() const { return impl_->device_->fallback_reason(); }
const absl::Status& Scheduler::registered_buffers() const { return impl_->registered_; }
uint64_t Scheduler::submitted() const { return impl_->submitted_.load(std::memory_order_relaxed); }
uint64_t Scheduler::completed() const { return impl_->completed_.load(std::memory_order_relaxed); }
const Elevator& Scheduler::elevator() const { return *impl_->elevator_; }
const DirectDevice::Stats& Scheduler::device_stats() const { return impl_->device_->stats(); }
uint64_t Scheduler::tag_waits() const { return impl_->dispatcher_->tag_waits(); }
bool Scheduler::OnDispatcherThread() const { return impl_->OnDispatcherThread(); }

absl::Status Scheduler::Impl::Submit(IoRequest& rq, IoRequest::Callback callback) {
  const DirectFile* f = rq.file != nullptr ? rq.file : target_.get();
  if (f == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request ", rq.id, ": no file (IoRequest::file is null and the scheduler has no target)"));
  }
  if (rq.op == Op::kWrite && !f->writable()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request ", rq.id, ": write to ", f->path(), ", which is open read-only"));
  }
  IOSCHED_RETURN_IF_ERROR(f->CheckAligned(rq.offset, rq.length, rq.buffer, rq.id));
  if (rq.offset + rq.length < rq.offset) {  // wraps past 2^64 (issue 18)
    return absl::InvalidArgumentError(absl::StrCat("request ", rq.id, ": offset ", rq.offset,
                                                   " + length ", rq.length, " wraps past 2^64"));
  }
  if (rq.prio.weight > kMaxBfqWeight) {
    return absl::InvalidArgumentError(
        absl::StrCat("request ", rq.id, ": prio.weight ", rq.prio.weight,
                     " is not a BFQ weight (0 = none, ", kMinBfqWeight, "..", kMaxBfqWeight, ")"));
  }
  const RequestState st = rq.state();
  if (st == RequestState::kQueued || st == RequestState::kDispatched ||
      st == RequestState::kInFlight) {
    return absl::FailedPreconditionError(
        absl::StrCat("request ", rq.id, " is still queued or in flight"));
  }
  if (!callback) {
    return absl::InvalidArgumentError(absl::StrCat("request ", rq.id, ": empty callback"));
  }
  submitters_.fetch_add(1, std::memory_order_seq_cst);
  if (!accepting_.load(std::memory_order_seq_cst)) {
    submitters_.fetch_sub(1, std::memory_order_seq_cst);
    return absl::FailedPreconditionError(
        absl::StrCat("request ", rq.id, " not queued: the scheduler is shut down"));
  }
  rq.fd = f->fd();
  rq.file = f;
  rq.sector = rq.offset >> 9;
  rq.sectors = static_cast<uint32_t>(((rq.offset + rq.length + 511) >> 9) - rq.sector);
  rq.callback_ = std::move(callback);
  rq.past_eof_ = false;
  IoRequest* old = head_.load(std::memory_order_relaxed);
  do {
    rq.next_pending_ = old;
  } while (
      !head_.compare_exchange_weak(old, &rq, std::memory_order_seq_cst, std::memory_order_relaxed));
  submitted_.fetch_add(1, std::memory_order_relaxed);
  // From a completion callback the loop is awake and takes the queue before
  // it waits again: no wake-up needed (the fast path).
  if (!OnDispatcherThread()) WakeLoop();
  submitters_.fetch_sub(1, std::memory_order_seq_cst);
  return absl::OkStatus();
}

void Scheduler::Impl::WakeLoop() {
  // Dekker with Loop(): it sets sleeping_ and then looks at the queue and
  // control_seq_; we changed those and then look at sleeping_.
  if (sleeping_.load(std::memory_order_seq_cst) && sleeping_.exchange(false)) device_->Wake();
}

bool Scheduler::Impl::TakeSubmissions() {
  assert(OnDispatcherThread());
  IoRequest* list = head_.exchange(nullptr, std::memory_order_seq_cst);
  if (list == nullptr) return false;
  IoRequest* fifo = nullptr;  // reverse the stack: oldest first
  while (list != nullptr) {
    IoRequest* next = list->next_pending_;
    list->next_pending_ = fifo;
    fifo = list;
    list = next;
  }
  dispatcher_->Plug();
  while (fifo != nullptr) {
    IoRequest* next = fifo->next_pending_;
    fifo->next_pending_ = nullptr;
    if (on_new_file_ && observers_->seen.insert(fifo->file).second) on_new_file_(*fifo->file);
    dispatcher_->Submit(*fifo);
    fifo = next;
  }
  // A Plug() takes effect at once (its flag is set before the requests it
  // covers are pushed); an Unplug()/Drain() only once the loop has handled
  // that control call, after taking every request pushed before it, so
  // that a batch submitted under a plug is sorted and merged as a whole.
  // A control call not handled yet may be the Unplug/Drain that ends
  // this batch: the loop handles it next, after taking the rest.
  if (!loop_plugged_ && !user_plug_.load(std::memory_order_seq_cst) &&
      control_seq_.load(std::memory_order_seq_cst) == seen_control_) {
    dispatcher_->Unplug();
  }
  return true;
}

void Scheduler::Impl::OnComplete(Request& r) {
  assert(OnDispatcherThread());
  IoRequest& io = static_cast<IoRequest&>(r);
  if (io.past_eof_) io.bytes_done = 0;
  IoRequest::Callback cb = std::move(io.callback_);
  io.callback_ = nullptr;
  completed_.fetch_add(1, std::memory_order_relaxed);
  if (io.error == 0) {
    cb(io, absl::OkStatus(), io.bytes_done);
    return;
  }
  const std::string what =
      absl::StrCat(Sv(OpName(io.op)), " of ", io.length, " bytes at offset ", io.offset, " of ",
                   io.file->path(), " (request ", io.id, ")");
  if (io.error == ECANCELED) {
    cb(io, absl::CancelledError(absl::StrCat(what, ": cancelled by Shutdown before it was issued")),
       io.bytes_done);
  } else {
    cb(io, absl::ErrnoToStatus(io.error, what), io.bytes_done);
  }
}

void Scheduler::Impl::Loop(const BufferPool* register_pool,
                           std::shared_ptr<std::promise<absl::Status>> registered) {
  thread_id_ = std::this_thread::get_id();
  dispatcher_->BindToCurrentThread();
  if (register_pool != nullptr) {
    registered->set_value(device_->RegisterBuffers(*register_pool));
  } else {
    registered->set_value(absl::FailedPreconditionError("no buffer pool was registered"));
  }
  registered.reset();
  bool draining = false, stopping = false, cancelling = false;
  while (true) {
    TakeSubmissions();
    const uint64_t ctl = control_seq_.load(std::memory_order_seq_cst);
    if (ctl != seen_control_) {
      seen_control_ = ctl;
      bool plug;
      {
        absl::MutexLock lock(&mu_);
        draining = drain_waiters_ > 0;
        stopping = stop_requested_;
        plug = user_plug_.load(std::memory_order_seq_cst);
        if (stopping && stop_mode_ == ShutdownMode::kCancel && !cancelling) {
          cancelling = true;
          device_->set_cancel_issues(true);
        }
      }
      // Every request pushed before the control calls just read belongs to
      // the batch they end: take them, still plugged, and only then apply
      // the new state (reading the state first makes those pushes visible
      // to this exchange).
      loop_plugged_ = true;
      TakeSubmissions();
      loop_plugged_ = plug;
      // Stream exits after the stream's last submissions (taken above).
      std::vector<uint32_t> ended;
      {
        absl::MutexLock lock(&mu_);
        ended.swap(ended_streams_);
      }
      for (uint32_t stream : ended) dispatcher_->StreamExit(stream);
      if (plug) {
        dispatcher_->Plug();
      } else {
        dispatcher_->Unplug();
      }
    }
    if (draining || stopping) dispatcher_->Drain();
    if ((draining || stopping) && dispatcher_->Idle() && device_->in_flight() == 0 &&
        head_.load(std::memory_order_seq_cst) == nullptr) {
      bool exit = false, busy_submitters = false;
      {
        absl::MutexLock lock(&mu_);
        if (head_.load(std::memory_order_seq_cst) == nullptr) {
          if (drain_waiters_ > 0) {
            ++idle_epoch_;
            cv_.SignalAll();
          }
          if (stop_requested_) {
            busy_submitters = submitters_.load(std::memory_order_seq_cst) != 0;
            exit = !busy_submitters && head_.load(std::memory_order_seq_cst) == nullptr;
          }
        }
      }
      if (exit) break;
      if (busy_submitters) {
        // A Submit() racing with Shutdown(): it either pushes (we take it
        // next turn) or backs off; either way within a few instructions.
        std::this_thread::yield();
        continue;
      }
    }
    sleeping_.store(true, std::memory_order_seq_cst);
    const bool pending = head_.load(std::memory_order_seq_cst) != nullptr ||
                         control_seq_.load(std::memory_order_seq_cst) != seen_control_;
    device_->Poll(/*block=*/!pending);
    sleeping_.store(false, std::memory_order_relaxed);
  }
  absl::MutexLock lock(&mu_);
  exited_ = true;
  cv_.SignalAll();
}

absl::Status Scheduler::Impl::Drain() {
  if (OnDispatcherThread()) {
    return absl::FailedPreconditionError(
        "Scheduler::Drain called on the dispatcher thread (from a completion callback)");
  }
  user_plug_.store(false, std::memory_order_relaxed);
  uint64_t epoch;
  {
    absl::MutexLock lock(&mu_);
    if (exited_) return absl::OkStatus();
    ++drain_waiters_;
    epoch = idle_epoch_;
    control_seq_.fetch_add(1, std::memory_order_seq_cst);
  }
  WakeLoop();
  {
    absl::MutexLock lock(&mu_);
    while (idle_epoch_ == epoch && !exited_) cv_.Wait(&mu_);
    --drain_waiters_;
  }
  control_seq_.fetch_add(1, std::memory_order_seq_cst);
  WakeLoop();
  return absl::OkStatus();
}

void Scheduler::Impl::Shutdown(ShutdownMode mode) {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  accepting_.store(false, std::memory_order_seq_cst);
  {
    absl::MutexLock lock(&mu_);
    stop_requested_ = true;
    stop_mode_ = mode;
  }
  control_seq_.fetch_add(1, std::memory_order_seq_cst);
  WakeLoop();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Impl::Plug() {
  user_plug_.store(true, std::memory_order_relaxed);
  control_seq_.fetch_add(1, std::memory_order_seq_cst);
  WakeLoop();
}

void Scheduler::Impl::EndStream(uint32_t stream) {
  {
    absl::MutexLock lock(&mu_);
    ended_streams_.push_back(stream);
  }
  control_seq_.fetch_add(1, std::memory_order_seq_cst);
  WakeLoop();
}

void Scheduler::Impl::Unplug() {
  user_plug_.store(false, std::memory_order_relaxed);
  control_seq_.fetch_add(1, std::memory_order_seq_cst);
  WakeLoop();
}

}  // namespace iosched
