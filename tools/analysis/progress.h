// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A progress bar for long replays, drawn on one terminal line of stderr:
//
//   deadline (3/5) [##########..........]  52%  2.6M/5.0M records  410k rec/s  ETA 0:06
//
// It is drawn only when stderr is a terminal and --quiet was not given
// (ProgressWanted); otherwise every call is a no-op and nothing is written,
// so piped output and logs stay clean. Redraws are throttled to ~10 per
// second; Finish() erases the line.
//
// Thread-safety: none; a bar is driven by one thread (the replay's).

#ifndef IOSCHED_TOOLS_PROGRESS_H_
#define IOSCHED_TOOLS_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compare.h"

namespace iosched {

// True when a bar should be drawn on `fd`: not quiet, and fd is a terminal.
bool ProgressWanted(bool quiet, int fd);

class ProgressBar {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Draws on `out` (not owned) when `enabled`. `clock` defaults to
  // steady_clock::now; tests pass their own.
  ProgressBar(FILE* out, bool enabled, Clock clock = nullptr);
  ~ProgressBar();  // Finish()
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }

  // `done` of `total` units (total 0: unknown, no percentage or ETA), with a
  // label such as "deadline (3/5)". Redraws at most every 100 ms unless
  // `force`.
  void Update(std::string_view label, uint64_t done, uint64_t total, bool force = false);
  // Erases the bar (if one was drawn).
  void Finish();

  // The text of one bar, without "\r" or escapes; `width` is the terminal
  // width in columns. Rate and ETA come from done/elapsed_s.
  static std::string Render(std::string_view label, uint64_t done, uint64_t total, double elapsed_s,
                            int width);

 private:
  FILE* out_;
  bool enabled_;
  Clock clock_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
  int width_ = 80;
};

// Shows the progress of RunCompare: attaches itself to options->on_progress
// and must outlive the RunCompare call. When the bar is wanted and the
// record count is not known (no --max-requests), it first counts the trace's
// records (one extra read pass, only on a terminal) so that it can show an
// ETA. Disabled, it costs nothing and changes nothing.
class CompareProgress {
 public:
  static std::unique_ptr<CompareProgress> Attach(CompareOptions* options, bool quiet);
  ~CompareProgress();

 private:
  CompareProgress(const CompareOptions& options, uint64_t records_per_run);
  void OnProgress(size_t run, uint64_t records);

  ProgressBar bar_;
  std::vector<std::string> specs_;
  uint64_t per_run_;  // records in one run (0: unknown)
};

}  // namespace iosched

#endif  // IOSCHED_TOOLS_PROGRESS_H_
