// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ByteSink: where a trace writer's bytes go: a file or standard output
// (buffered, written with write(2)), optionally compressed with gzip, xz,
// bzip2 or zstd (Boost.Iostreams), or a caller's string.
//
// Ownership: a sink owns its file descriptor (not standard output) and
// compressor. Thread-safety: one thread at a time.

#ifndef IOSCHED_TRACES_BYTE_SINK_H_
#define IOSCHED_TRACES_BYTE_SINK_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "byte_source.h"

namespace iosched::traces_internal {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Write(std::string_view data) = 0;
  // Flushes and closes; errors name the path.
  virtual absl::Status Close() = 0;
  // Overwrites `data` at byte `offset` of an uncompressed regular file
  // (after Close()'s flush, before the file is closed). Unimplemented
  // elsewhere; callers treat that as "cannot patch".
  virtual absl::Status PatchAt(uint64_t offset, std::string_view data) {
    return absl::UnimplementedError("not seekable");
  }
  const std::string& path() const { return path_; }

 protected:
  explicit ByteSink(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// "-" is standard output. Compression from the name's ending (.gz, .xz,
// .bz2, .zst).
absl::StatusOr<std::unique_ptr<ByteSink>> OpenByteSink(const std::string& path);
std::unique_ptr<ByteSink> StringByteSink(std::string* out);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_BYTE_SINK_H_
