// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The one rule for every file iosched writes (trace writers, `convert`,
// `replay --record`/`--record-fio`, reports):
//
//   - never the same file as anything the run reads or writes in place (its
//     input traces, the replay target): compared by device and inode, so a
//     symlink or a hard link to an input is recognised;
//   - never a block or character device, unless the caller allows it; the
//     null device is always allowed (it keeps nothing);
//   - a regular file is written to a temporary file in the same folder and
//     renamed over the final name only when complete (after fsync), so a
//     failed or killed writer never leaves a cut file under the final name
//     and never destroys what was there before; the temporary is removed on
//     failure. FIFOs and allowed devices are written in place.
//
// Thread-safety: the functions are thread-safe; an AtomicOutputFile is used
// by one thread at a time.

#ifndef IOSCHED_OUTPUT_FILE_H_
#define IOSCHED_OUTPUT_FILE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace iosched {

// True when both paths exist and name the same file (same st_dev and
// st_ino after following symlinks; hard links share the inode).
bool SameFile(const std::string& a, const std::string& b);

struct OutputPathRule {
  // Files the run reads or writes in place: input traces, the replay
  // target. "-" (standard input) and empty entries are ignored.
  std::vector<std::string> inputs;
  // Lets the output be a block or character device (written in place).
  bool allow_device = false;
};

// OK when `path` may be written under `rule`; "-" (standard output) is
// always OK. `what` names the option in messages ("--record", "OUT").
// Errors: InvalidArgument naming both paths when the output is an input or
// the target; FailedPrecondition for a device (or a directory).
absl::Status CheckOutputPath(std::string_view what, const std::string& path,
                             const OutputPathRule& rule);

// A file written under a temporary name and renamed into place by Commit().
class AtomicOutputFile {
 public:
  // Creates "<path>.tmp.XXXXXX" beside `path` (mode 0666 less the umask).
  // An existing FIFO or character/block device at `path` is opened for
  // writing in place instead (no temporary; CheckOutputPath decides whether
  // a device may be written).
  static absl::StatusOr<std::unique_ptr<AtomicOutputFile>> Create(const std::string& path);
  // Removes the temporary file unless Commit() succeeded.
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  // The descriptor to write to; owned by this object.
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Where the bytes are until Commit() (path() when written in place).
  const std::string& temp_path() const { return temp_; }

  // fsyncs, closes and renames the temporary over path(), then fsyncs the
  // folder. On error the temporary is removed and path() is untouched.
  absl::Status Commit();
  // Closes and removes the temporary (path() is untouched). Idempotent.
  void Abandon();

 private:
  AtomicOutputFile() = default;
  std::string path_, temp_;
  int fd_ = -1;
  bool in_place_ = false;
  bool done_ = false;
};

}  // namespace iosched

#endif  // IOSCHED_OUTPUT_FILE_H_
