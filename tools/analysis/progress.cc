// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "iosched/input_spool.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"

namespace iosched {
namespace {

// 1234 → "1234", 12345 → "12.3k", 1234567 → "1.23M".
std::string Count(double v) {
  if (v >= 1e9) return absl::StrFormat("%.3gG", v / 1e9);
  if (v >= 1e6) return absl::StrFormat("%.3gM", v / 1e6);
  if (v >= 1e4) return absl::StrFormat("%.3gk", v / 1e3);
  if (v < 1) return absl::StrFormat("%.2g", v);
  return absl::StrFormat("%.0f", v);
}

std::string HoursMinutes(double s) {
  const int64_t t = std::llround(std::max(0.0, s));
  if (t >= 3600) return absl::StrFormat("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  return absl::StrFormat("%d:%02d", t / 60, t % 60);
}

int TerminalWidth(FILE* out) {
  struct winsize ws {};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

constexpr auto kRedraw = std::chrono::milliseconds(100);

}  // namespace

bool ProgressWanted(bool quiet, int fd) { return !quiet && ::isatty(fd) == 1; }

ProgressBar::ProgressBar(FILE* out, bool enabled, Clock clock)
    : out_(out), enabled_(enabled && out != nullptr), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  start_ = clock_();
  last_draw_ = start_ - kRedraw;
  if (enabled_) width_ = TerminalWidth(out_);
}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Render(std::string_view label, uint64_t done, uint64_t total,
                                double elapsed_s, int width) {
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
  std::string tail;
  if (total > 0) {
    const uint64_t d = std::min(done, total);
    absl::StrAppend(&tail, absl::StrFormat(" %3d%%", static_cast<int>(100 * d / total)), "  ",
                    Count(static_cast<double>(d)), "/", Count(static_cast<double>(total)),
                    " records");
  } else {
    absl::StrAppend(&tail, "  ", Count(static_cast<double>(done)), " records");
  }
  if (rate > 0) absl::StrAppend(&tail, "  ", Count(rate), " rec/s");
  if (total > 0) {
    if (rate > 0 && done < total) {
      absl::StrAppend(&tail, "  ETA ", HoursMinutes(static_cast<double>(total - done) / rate));
    } else if (done >= total) {
      absl::StrAppend(&tail, "  ", HoursMinutes(elapsed_s));
    } else {
      absl::StrAppend(&tail, "  ETA --:--");
    }
  }
  std::string head(label);
  if (total == 0) return (head + tail).substr(0, std::max(width - 1, 1));
  // A steady 24 columns, fewer (down to 10) on a narrow line.
  const int room = width - 1 - static_cast<int>(head.size() + tail.size()) - 3;
  const int bar = std::clamp(room, 10, 24);
  const int fill = static_cast<int>(static_cast<double>(std::min(done, total)) / total * bar);
  std::string line =
      absl::StrCat(head, " [", std::string(fill, '#'), std::string(bar - fill, '.'), "]", tail);
  if (static_cast<int>(line.size()) > width - 1) line.resize(std::max(width - 1, 1));
  return line;
}

void ProgressBar::Update(std::string_view label, uint64_t done, uint64_t total, bool force) {
  if (!enabled_) return;
  const auto now = clock_();
  if (!force && now - last_draw_ < kRedraw) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string line = Render(label, done, total, elapsed, width_);
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

CompareProgress::CompareProgress(const CompareOptions& options, uint64_t records_per_run)
    : bar_(stderr, true),
      specs_(options.elevators.empty() ? KnownElevators() : options.elevators),
      per_run_(records_per_run) {}

CompareProgress::~CompareProgress() { bar_.Finish(); }

std::unique_ptr<CompareProgress> CompareProgress::Attach(CompareOptions* options, bool quiet) {
  if (!ProgressWanted(quiet, STDERR_FILENO)) return nullptr;
  // Standard input or a FIFO can be read once only (RunCompare copies it):
  // no counting pass, so no ETA.
  if (IsReadOnceInput(options->trace)) return nullptr;
  for (const std::string& m : options->merge) {
    if (IsReadOnceInput(m)) return nullptr;
  }
  // Count the records so that the bar can show an ETA. Errors are left to
  // the replay, which reports them with their line.
  uint64_t n = 0;
  {
    ProgressBar counting(stderr, true);
    // The same inputs, reader options and transforms as RunCompare.
    TraceReadOptions read = options->read;
    read.format = options->trace_format;
    std::vector<std::string> inputs = {options->trace};
    inputs.insert(inputs.end(), options->merge.begin(), options->merge.end());
    absl::StatusOr<std::unique_ptr<TracePipeline>> reader =
        OpenTracePipeline(inputs, read, options->transform);
    TraceRecord rec;
    while (reader.ok()) {
      absl::StatusOr<bool> more = (*reader)->Next(&rec);
      if (!more.ok() || !*more) break;
      ++n;
      if (options->replay.max_requests != 0 && n >= options->replay.max_requests) break;
      if (n % 65536 == 0) counting.Update("counting records", n, 0);
    }
  }
  std::unique_ptr<CompareProgress> p(new CompareProgress(*options, n));
  CompareProgress* raw = p.get();
  options->on_progress = [raw](size_t run, uint64_t records) { raw->OnProgress(run, records); };
  return p;
}

void CompareProgress::OnProgress(size_t run, uint64_t records) {
  const size_t runs = specs_.size();
  const std::string label =
      absl::StrCat(run < runs ? specs_[run] : "replay", " (", run + 1, "/", runs, ")");
  const uint64_t total = per_run_ * runs;
  const uint64_t done = per_run_ * run + std::min(records, per_run_ ? per_run_ : records);
  // Force a redraw at the end of each run so the last state is visible.
  bar_.Update(label, done, total, /*force=*/per_run_ != 0 && records >= per_run_);
}

}  // namespace iosched
