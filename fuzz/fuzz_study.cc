// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// libFuzzer target for the study file (tools/study/study.h ParseStudy):
// TOML parsing, the key and type checks, spec sweeps and cell planning.
// Paths and globs resolve against a folder that does not exist, so no input
// reads a file. Properties checked (a violation aborts):
//   - no crash, hang or sanitizer report on any bytes;
//   - errors are InvalidArgument or NotFound with a one-line message that
//     starts with the file name ("fuzz.toml:LINE:COL: …" or "fuzz.toml: …");
//   - a parsed study has at least one input and one cell, and its plan
//     (FormatStudyPlan) lists every cell's key.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "study.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<iosched::Study> s =
      iosched::ParseStudy(text, "fuzz.toml", "/nonexistent-iosched-fuzz");
  if (!s.ok()) {
    const absl::StatusCode code = s.status().code();
    Check(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kNotFound);
    const std::string msg(s.status().message());
    Check(msg.rfind("fuzz.toml", 0) == 0 && msg.find('\n') == std::string::npos);
    return 0;
  }
  Check(!s->inputs.empty() && !s->cells.empty());
  const std::string plan = iosched::FormatStudyPlan(*s);
  for (const iosched::StudyCell& cell : s->cells) Check(plan.find(cell.key) != std::string::npos);
  return 0;
}
