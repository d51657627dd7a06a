// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Elevator: the policy that orders and merges pending requests.
//
// The hooks are the kernel's, kept small (docs/elevators.md#hooks):
//
//   Add(rq, now)        a request arrives; it may merge into a queued unit.
//   Dispatch(now)       hand out the next unit to issue, or nothing (the
//                       elevator may be idling on purpose: anticipation,
//                       CFQ slice idle). `force` drains, ignoring heuristics.
//   Activate(unit, now) the device has taken the unit.
//   Complete(unit, now) the device has finished the unit.
//   Timer(now)          the time returned by TimerDeadline() has come.
//
// Elevators are made by the registry (registry.h) from a spec string such as
// "deadline:read_expire=250,fifo_batch=8". Tunables carry the kernel's names
// and units: time tunables are milliseconds (sysfs semantics), stored as ticks
// of the elevator's HZ.
//
// Thread-safety: none. An elevator is driven by exactly one Dispatcher, which
// serialises every call. Elevators never sleep, spawn threads or read a clock:
// `now` is passed in, and timers are requested through TimerDeadline().
//
// Ownership: an elevator links requests it is given but never owns them.

#ifndef IOSCHED_ELEVATOR_H_
#define IOSCHED_ELEVATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched {

// What Dispatch() decided.
struct Decision {
  // The unit to issue now, or nullptr.
  Request* unit = nullptr;
  // With no unit: the time the elevator wants to be asked again even if
  // nothing arrives or completes (kTimeNever: only on the next event).
  Time idle_until = kTimeNever;

  static Decision Issue(Request* r) { return Decision{r, kTimeNever}; }
  static Decision None() { return Decision{}; }
  static Decision IdleUntil(Time t) { return Decision{nullptr, t}; }
};

// Properties of the device and queue an elevator is built for.
struct ElevatorEnv {
  int64_t hz = 1000;          // ticks per second for kernel-style timing
  bool rotational = true;     // CFQ/AS heuristics differ on SSDs
  uint32_t device_depth = 1;  // how many units the device may hold at once
  // blk-mq scheduler tags (`nr_requests`): how many requests may exist at
  // once when the dispatcher runs a tag pool (Dispatcher::Options::
  // sched_tags). 0 = the kernel's default, 2 * min(device_depth, 128).
  uint32_t nr_requests = 0;
};

// The scheduler-tag count `env` stands for (never 0).
inline uint32_t NrRequests(const ElevatorEnv& env) {
  if (env.nr_requests != 0) return env.nr_requests;
  return 2 * (env.device_depth < 128 ? (env.device_depth == 0 ? 1 : env.device_depth) : 128);
}

// A named tunable, as listed by Elevator::Tunables().
struct TunableInfo {
  std::string name;
  std::string unit;   // "ms", "requests", "bool", "sectors", "passovers", …
  std::string value;  // current value as text, in `unit`
  std::string help;
};

// The registry of tunables of one elevator: name → storage, unit, range and
// the policy for out-of-range values (clamp like 2.6 sysfs, or reject like
// the 2.4 BLKELVSET ioctl). Not thread-safe.
class TunableSet {
 public:
  enum class Kind { kInt, kBool, kMillis /* stored as ticks */ };
  enum class OutOfRange { kClamp, kReject };

  void Add(std::string name, Kind kind, int64_t* storage, int64_t min, int64_t max,
           OutOfRange policy, std::string unit, std::string help);

  // Parses `text` and stores it. Errors: InvalidArgument naming the tunable,
  // the text and what was expected; NotFound for an unknown name. A value
  // out of range of a kClamp tunable is clamped, as the kernel's sysfs store
  // does, and when `warning` is given it receives a sentence saying so
  // (otherwise it is left unchanged).
  absl::Status Set(std::string_view name, std::string_view text, const TickClock& ticks,
                   std::string* warning = nullptr);
  absl::StatusOr<std::string> Get(std::string_view name, const TickClock& ticks) const;
  std::vector<TunableInfo> List(const TickClock& ticks) const;

 private:
  struct Entry {
    std::string name;
    Kind kind;
    int64_t* storage;
    int64_t min, max;
    OutOfRange policy;
    std::string unit, help;
  };
  const Entry* Find(std::string_view name) const;
  std::string Format(const Entry& e, const TickClock& ticks) const;
  std::vector<Entry> entries_;
};

class Elevator {
 public:
  explicit Elevator(const ElevatorEnv& env);
  virtual ~Elevator() = default;
  Elevator(const Elevator&) = delete;
  Elevator& operator=(const Elevator&) = delete;

  // Registry name, e.g. "deadline".
  virtual std::string_view Name() const = 0;

  // Takes `rq` (state kQueued, unit view reset). Returns the unit `rq` was
  // merged into, or nullptr if `rq` is now queued as a unit of its own.
  virtual Request* Add(Request& rq, Time now) = 0;

  // Returns the next unit to issue (removed from the elevator), or a decision
  // to wait. With `force`, never idles: returns a unit while any is held.
  virtual Decision Dispatch(Time now, bool force = false) = 0;

  // The device took `unit` (first time, or again after a requeue).
  virtual void Activate(Request& /*unit*/, Time /*now*/) {}
  // The device gives back a started unit; it must be the next one handed out.
  virtual void Requeue(Request& unit, Time now) = 0;
  // The device finished `unit`.
  virtual void Complete(Request& /*unit*/, Time /*now*/) {}
  // The stream (io context) `stream` exited: stop anticipating it.
  virtual void ContextExit(uint32_t /*stream*/, Time /*now*/) {}

  // When the elevator needs Timer() called even without another event, or
  // kTimeNever. The dispatcher arms the device's timer with it.
  virtual Time TimerDeadline() const { return kTimeNever; }
  virtual void Timer(Time /*now*/) {}

  // True when no unit is held (queued or on the dispatch list).
  virtual bool Empty() const = 0;
  // Number of units held.
  virtual size_t Pending() const = 0;

  // ---- blk-mq frame (docs/elevators-mq.md) ------------------------------
  // The 2.6 elevators keep every default below.
  //
  // True for blk-mq elevators (mq-deadline, kyber): when Dispatch() returns
  // nothing while units are pending and the device has room, the dispatcher
  // asks again 3 ms later (BLK_MQ_BUDGET_DELAY), since such elevators keep
  // no timer of their own for it.
  virtual bool MultiQueue() const { return false; }
  // Admission (the kernel's limit_depth): the number of tags per word of the
  // dispatcher's tag pool (tag_pool.h) `rq` may take, or TagPool::kNoLimit.
  // Only consulted when the dispatcher runs a tag pool.
  virtual uint32_t AdmitDepth(const Request& /*rq*/) const { return UINT32_MAX; }
  // The merge-absorbed notice: `fn(gone, now)` runs whenever a queued unit
  // is absorbed by a neighbouring unit (its members now belong to the
  // other; `gone` is freed as a request, as blk-mq frees a merged-away
  // request). The dispatcher installs it to give back the unit's tag.
  void set_on_absorbed(std::function<void(Request&, Time)> fn) { on_absorbed_ = std::move(fn); }

  // Policy counters for reports, e.g. {"antic_hits", 12}. Names are stable.
  virtual std::vector<std::pair<std::string, int64_t>> Counters() const { return {}; }

  // Tunables by kernel name. Set() text: an integer, optionally with a unit
  // suffix for time tunables ("250", "250ms", "1s"); booleans 0/1.
  // A value the kernel would clamp is clamped and noted in
  // tunable_warnings(), one sentence per clamped value, in order.
  absl::Status SetTunable(std::string_view name, std::string_view value);
  absl::StatusOr<std::string> GetTunable(std::string_view name) const;
  const std::vector<std::string>& tunable_warnings() const { return tunable_warnings_; }
  std::vector<TunableInfo> Tunables() const;

  // Queue limits, common to every elevator (tunables "max_sectors",
  // "max_sectors_kb", "nomerges").
  uint32_t max_sectors() const { return static_cast<uint32_t>(max_sectors_); }
  bool merges_enabled() const { return nomerges_ == 0; }

  const ElevatorEnv& env() const { return env_; }
  const TickClock& ticks() const { return ticks_; }

 protected:
  TunableSet& tunables() { return tunables_; }
  // Runs after SetTunable() stored a new value of `name` (already
  // clamped), for tunables whose store has side effects in the kernel
  // (BFQ: slice_idle and slice_idle_us share one value, max_budget 0
  // re-derives the automatic budget, ...). Default: nothing.
  virtual void TunableChanged(std::string_view /*name*/) {}
  int64_t Jiffies(Time now) const { return ticks_.ToTicks(now); }
  Time TimeOfTick(int64_t tick) const { return ticks_.FromTicks(tick); }

  // Merge validity common to all elevators: same op, same target, byte ranges
  // contiguous on the real path, combined size within max_sectors. `lo` ends
  // where `hi` starts.
  bool Contiguous(const Request& lo, const Request& hi) const;
  // Elevators call this when `gone` has been absorbed (see set_on_absorbed).
  void NotifyAbsorbed(Request& gone, Time now) {
    if (on_absorbed_) on_absorbed_(gone, now);
  }

 private:
  ElevatorEnv env_;
  TickClock ticks_;
  TunableSet tunables_;
  std::vector<std::string> tunable_warnings_;
  int64_t max_sectors_ = 255;  // SAFE_MAX_SECTORS
  int64_t nomerges_ = 0;
  std::function<void(Request&, Time)> on_absorbed_;
};

}  // namespace iosched

#endif  // IOSCHED_ELEVATOR_H_
