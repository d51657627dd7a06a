// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// RatioReporter: Google Benchmark's console output, plus, once every
// benchmark has run, a caller-supplied summary over the adjusted real time
// (ns per iteration; or CPU time, for single-threaded CPU-bound benchmarks on
// a shared machine, where wall time includes other processes' turns) of each
// benchmark by name — where a benchmark prints its ratios against the
// baseline it ran in the same process.

#ifndef IOSCHED_BENCH_RATIO_REPORTER_H_
#define IOSCHED_BENCH_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace iosched {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  using Times = std::map<std::string, double>;  // benchmark name -> ns
  enum class Clock { kReal, kCpu };
  explicit RatioReporter(std::function<void(const Times&)> summary, Clock clock = Clock::kReal)
      : summary_(std::move(summary)), clock_(clock) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.iterations > 0) {
        ns_[r.benchmark_name()] =
            clock_ == Clock::kCpu ? r.GetAdjustedCPUTime() : r.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    summary_(ns_);
  }

 private:
  std::function<void(const Times&)> summary_;
  Clock clock_;
  Times ns_;
};

}  // namespace iosched

#endif  // IOSCHED_BENCH_RATIO_REPORTER_H_
