// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Inputs that can be read only once — standard input ("-"), a FIFO, a
// character device, a socket — copied once to a temporary file, so that
// every pass over the trace (each elevator of `compare`, the real replay's
// checking passes) reads the same bytes. Regular files and block devices
// pass through untouched.
//
// The copies live in $TMPDIR (else /tmp) as "iosched-spool-XXXXXX", unlinked
// when the SpooledInputs is destroyed. Units: bytes.
// Thread-safety: a SpooledInputs is not shared between threads while it is
// being created; afterwards paths() may be read from any thread.

#ifndef IOSCHED_INPUT_SPOOL_H_
#define IOSCHED_INPUT_SPOOL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace iosched {

// True for "-" and for paths naming a FIFO, a character device or a socket.
bool IsReadOnceInput(const std::string& path);

class SpooledInputs {
 public:
  // Copies every read-once input of `paths` (in order; "-" at most once).
  // `max_bytes` bounds each copy (0: no bound): a larger input is
  // ResourceExhausted naming it. Other errors: the input cannot be read,
  // the temporary cannot be written (both named).
  static absl::StatusOr<SpooledInputs> Spool(const std::vector<std::string>& paths,
                                             uint64_t max_bytes = 0);
  SpooledInputs() = default;
  SpooledInputs(SpooledInputs&& other) noexcept;
  SpooledInputs& operator=(SpooledInputs&& other) noexcept;
  SpooledInputs(const SpooledInputs&) = delete;
  SpooledInputs& operator=(const SpooledInputs&) = delete;
  ~SpooledInputs();

  // `paths` with each read-once input replaced by its copy.
  const std::vector<std::string>& paths() const { return paths_; }
  // True if any input was copied.
  bool spooled() const { return !temps_.empty(); }

 private:
  std::vector<std::string> paths_, temps_;
};

}  // namespace iosched

#endif  // IOSCHED_INPUT_SPOOL_H_
