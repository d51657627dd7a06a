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
//   - never over an existing regular file that is not ours, unless the
//     caller says to (`--force`). A file is ours when it is empty or when
//     its first 4 KiB carry an iosched marker: the native trace header
//     ("# iosched trace v1" or the "IOSCHEDB" magic), or the results schema
//     key `schema_version` (every JSON result and compare's CSV carry it,
//     docs/results-schema.md). Anything else (a text table, an fio iolog, a
//     foreign trace, a document) needs --force. A folder is ours when it is
//     absent, empty, or holds the marker file ".iosched-output" that
//     PrepareOutputFolder leaves in every folder it writes into, or a study
//     folder (its manifest.json carries `schema_version`);
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
  // Lets the output replace an existing file that is not ours (--force).
  bool force = false;
};

// True when `path` is a regular file iosched may overwrite without --force
// (see above: empty, or an iosched marker in its first 4 KiB). False for a
// missing or unreadable file.
bool IsOurOutputFile(const std::string& path);

// The marker file PrepareOutputFolder leaves in a folder.
inline constexpr std::string_view kOutputFolderMarker = ".iosched-output";

// Checks that iosched may write files into folder `dir` (absent, empty —
// empty subfolders do not count —, or ours; any folder with `force`), creates it if needed and
// leaves the marker file in it. Errors: FailedPrecondition "WHAT DIR holds files iosched did not
// write (…); refusing to write into it (use --force, or an empty or new folder)", or when DIR is
// not a folder; PermissionDenied when it cannot be created.
absl::Status PrepareOutputFolder(std::string_view what, const std::string& dir, bool force);

// OK when `path` may be written under `rule`; "-" (standard output) is
// always OK. `what` names the option in messages ("--record", "OUT").
// Errors: InvalidArgument naming both paths when the output is an input or
// the target; FailedPrecondition for a device (or a directory), and for an
// existing file that is not ours without rule.force ("WHAT PATH exists and
// was not written by iosched (…); refusing to overwrite it (use --force)").
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
