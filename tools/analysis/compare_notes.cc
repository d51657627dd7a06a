// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "compare_notes.h"

#include <chrono>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "iosched/registry.h"

namespace iosched {
namespace {

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::vector<std::string> CompareNotes(const CompareResult& r) {
  std::vector<std::string> out;
  // Clamped tunables: the specs are rebuilt (cheap, no I/O) to read them.
  std::set<std::string> seen;
  for (const CompareRun& run : r.runs) {
    if (!seen.insert(run.spec).second) continue;
    absl::StatusOr<std::unique_ptr<Elevator>> e = MakeElevator(run.spec);
    if (!e.ok()) continue;  // the run was made from it; cannot happen
    for (const std::string& w : (*e)->tunable_warnings()) {
      out.push_back(absl::StrCat(w, " (in spec '", run.spec, "')"));
    }
  }
  if (r.runs.empty()) return out;

  // Nothing to reorder, and no elevator made a difference otherwise (an
  // idling elevator such as bfq or anticipatory changes the timing with a
  // single request queued, by waiting before it dispatches).
  bool never_queued = true, same_timing = true;
  for (const CompareRun& run : r.runs) {
    never_queued &= run.result.max_queued <= 1;
    same_timing &=
        run.result.end_time == r.runs.front().result.end_time &&
        run.result.summary.all.lat_mean_ms == r.runs.front().result.summary.all.lat_mean_ms;
  }
  if (r.runs.size() > 1 && never_queued && same_timing && r.runs.front().result.records > 1) {
    out.push_back(absl::StrCat(
        "the elevator never held more than one request in any run (",
        ModeName(r.options.replay.mode), " loop, depth ", r.options.replay.depth,
        "): there was nothing to reorder, so the elevators cannot differ; replay the arrivals "
        "faster (a smaller --time-scale) or use --mode closed"));
  }

  if (r.options.replay.mode == ReplayMode::kOpen) {
    // The run whose backlog took longest to drain, relative to the span.
    const CompareRun* worst = nullptr;
    double worst_ratio = 0;
    size_t overloaded = 0;
    for (const CompareRun& run : r.runs) {
      const ReplayResult& x = run.result;
      const double span = Seconds(x.last_arrival - x.first_arrival);
      const double drain = Seconds(x.end_time - x.last_arrival);
      if (span <= 0 || drain <= 0.5 * span) continue;
      ++overloaded;
      if (drain / span > worst_ratio) {
        worst_ratio = drain / span;
        worst = &run;
      }
    }
    if (worst != nullptr) {
      const ReplayResult& x = worst->result;
      out.push_back(absl::StrFormat(
          "the trace overloads the disk (%u of %u elevators): with %s the last request "
          "completes %.3g s after the last arrival (arrivals span %.3g s), so latencies measure "
          "the backlog; slow the arrivals down (a larger --time-scale) or use --mode closed",
          overloaded, r.runs.size(), worst->spec, Seconds(x.end_time - x.last_arrival),
          Seconds(x.last_arrival - x.first_arrival)));
    }
  }
  return out;
}

}  // namespace iosched
