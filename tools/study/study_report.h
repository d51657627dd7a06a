// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched report DIR` for a study folder (a `study run` output or a
// `study merge` result). Writes into `out_dir`:
//
//   study.md, study.html  self-contained (plots inline as SVG in the HTML,
//                         linked PNGs in the Markdown)
//   sweep_N.png/.svg      one per swept elevator pattern: x = tunable value,
//                         y = the study's metric, one line per trace × disk
//   heatmap.png/.svg      elevator setting × trace: metric / baseline's
//                         (geometric mean over disks and replay settings)
//
// Sections: per (trace, disk, mode, depth, async_writes) the settings ranked
// by the metric (lower is better for latencies, waits and seeks, higher for
// throughput), mean and p99 latency and MB/s beside it; a summary across
// groups: wins per setting and the geometric-mean ratio against the
// baseline; the reproduce commands. Without gnuplot the documents are
// written without plots and the reason is in the notes.
//
// Thread-safety: reentrant; runs gnuplot processes.

#ifndef IOSCHED_TOOLS_STUDY_REPORT_H_
#define IOSCHED_TOOLS_STUDY_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace iosched {

struct StudyReportFiles {
  std::string md, html;
  std::vector<std::string> plots;  // stems
  std::vector<std::string> notes;
};

absl::Status WriteStudyReport(const std::string& study_dir, const std::string& out_dir,
                              StudyReportFiles* files = nullptr);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_STUDY_REPORT_H_
