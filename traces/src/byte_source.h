// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ByteSource: where a trace reader's bytes come from. A plain file (read(2)
// into the caller's buffer, no copy in between), standard input ("-"), a
// gzip-, xz-, bzip2- or zstd-compressed file decompressed on the fly (recognised by
// its magic bytes, not its name), or a caller's memory (tests, fuzzers).
//
// Compressed input is decompressed with Boost.Iostreams (zlib, liblzma and
// libbz2 filters); memory stays bounded (the filter's buffers plus the
// caller's). Corrupt or truncated compressed data is a DataLoss error naming
// the path and the decompressor's reason.
//
// Ownership: a source owns its file descriptor (except standard input, which
// it leaves open) and its decompressor. A memory source does not own the
// bytes it reads; they must outlive it.
// Thread-safety: one thread at a time.

#ifndef IOSCHED_TRACES_BYTE_SOURCE_H_
#define IOSCHED_TRACES_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace iosched::traces_internal {

enum class Compression : uint8_t { kNone, kGzip, kXz, kBzip2, kZstd };

// "none", "gzip", "xz", "bzip2", "zstd".
std::string_view CompressionName(Compression c);

// Compression recognised from the first bytes of a file (gzip 1f 8b, xz
// fd '7zXZ' 00, bzip2 'BZh', zstd 28 b5 2f fd); kNone otherwise.
Compression SniffCompression(std::string_view head);

// The name of a compression (or archive) format that is recognised from its
// first bytes but cannot be read, e.g. "lz4" or "zip"; empty when `head`
// starts with none of them. Lets "cannot detect the format" name the cause.
std::string_view UnsupportedCompressionName(std::string_view head);

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; returns how many, 0 only at the end.
  // Errors name the path. After an error, further calls return it again.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
  const std::string& path() const { return path_; }
  Compression compression() const { return compression_; }

 protected:
  ByteSource(std::string path, Compression c) : path_(std::move(path)), compression_(c) {}

 private:
  std::string path_;
  Compression compression_;
};

// Opens `path` ("-" is standard input). Compressed files are recognised by
// content and decompressed transparently. Errors: NotFound,
// PermissionDenied, … "PATH: cannot open: <strerror>"; a directory is
// "PATH: cannot read: Is a directory".
absl::StatusOr<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path);

// A source reading `data` (not copied: must outlive the source), named
// `name` in messages. Compressed data is decompressed like a file's unless
// `sniff` is false.
std::unique_ptr<ByteSource> MemoryByteSource(std::string name, std::string_view data,
                                             bool sniff = true);

// A source that yields `prefix` (already read from `rest`, e.g. while
// detecting the format) and then the rest of `rest`.
std::unique_ptr<ByteSource> PrefixedByteSource(std::string prefix,
                                               std::unique_ptr<ByteSource> rest);

// Reads until `n` bytes are in `buf` or the source ends; returns the count.
absl::StatusOr<size_t> ReadFully(ByteSource& source, char* buf, size_t n);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_BYTE_SOURCE_H_
