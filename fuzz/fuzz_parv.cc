// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// libFuzzer target for the DiskSim 4.0 parameter-file import
// (simulator/include/iosched/disksim.h LoadDiskSimParv): libparam syntax,
// `source` resolution, block and parameter checks. The reader takes a path,
// so each input is written to a file of its own in the temp folder first
// ($TMPDIR or /tmp). Properties checked (a violation aborts):
//   - no crash, hang or sanitizer report on any bytes;
//   - errors are InvalidArgument, NotFound or FailedPrecondition with a
//     one-line message;
//   - an imported drive either builds (MakeHddModel) and serves a one-sector
//     read at LBN 0 in finite, non-negative time, or is refused with a status.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "iosched/disk_model.h"
#include "iosched/disksim.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckError(const absl::Status& s) {
  Check(s.code() == absl::StatusCode::kInvalidArgument || s.code() == absl::StatusCode::kNotFound ||
        s.code() == absl::StatusCode::kFailedPrecondition);
  const std::string msg(s.message());
  Check(!msg.empty() && msg.find('\n') == std::string::npos);
}

std::string InputPath() {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/iosched-fuzz-parv-" +
         std::to_string(::getpid()) + ".parv";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  static const std::string path = InputPath();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();  // the temp folder must be writable
  Check(std::fwrite(data, 1, size, f) == size);
  std::fclose(f);
  absl::StatusOr<iosched::DiskSimImport> imp = iosched::LoadDiskSimParv(path);
  if (!imp.ok()) {
    CheckError(imp.status());
    return 0;
  }
  absl::StatusOr<std::unique_ptr<iosched::DiskModel>> disk = iosched::MakeHddModel(imp->params);
  if (!disk.ok()) {
    CheckError(disk.status());
    return 0;
  }
  if ((*disk)->capacity_sectors() == 0) return 0;
  const iosched::ServiceInfo info = (*disk)->Serve(iosched::Op::kRead, 0, 1, iosched::Time{0});
  Check(info.complete >= iosched::Time{0});
  return 0;
}
