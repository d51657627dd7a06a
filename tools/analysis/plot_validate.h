// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The chart of `iosched validate --plot DIR`: the cumulative distribution of
// the simulated and of the measured per-request access times on one chart,
// drawn by gnuplot (through gnuplot-iostream) as DIR/validate_cdf.png
// (pngcairo) and DIR/validate_cdf.svg, with a title naming the trace, the
// drive model, the two means and the RMS, and axis units. The curves are
// the empirical CDFs of the per-request values (at most 2,000 points each:
// the 1/2000 quantiles).
//
// Errors: FailedPrecondition when gnuplot is not installed, Internal when it
// fails or leaves an incomplete file (the message names the file), the
// filesystem error when the directory cannot be created.
//
// Thread-safety: reentrant; each call runs its own gnuplot processes.

#ifndef IOSCHED_TOOLS_PLOT_VALIDATE_H_
#define IOSCHED_TOOLS_PLOT_VALIDATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "iosched/disksim.h"

namespace iosched {

struct ValidatePlotInfo {
  std::string trace;  // path as given
  std::string disk;   // model name
};

// Writes validate_cdf.png and validate_cdf.svg into `dir` (created if
// missing); appends the two paths to *written when not null.
absl::Status WriteValidatePlot(const ValidationResult& result, const ValidatePlotInfo& info,
                               const std::string& dir, std::vector<std::string>* written = nullptr);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_PLOT_VALIDATE_H_
