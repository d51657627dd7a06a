// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// LineReader: a buffered, streaming reader of text lines with line numbers.
//
// The bytes come from a ByteSource (a plain file read with read(2) straight
// into the buffer, standard input, or a compressed file decompressed on the
// fly) into one buffer that is reused for the whole file, so memory stays
// bounded (buffer_size, growing up to max_line_length
// only when a single line needs it) whatever the file size. Lines end at
// '\n'; a '\r' immediately before it (CRLF files) is dropped, and so is a
// UTF-8 byte-order mark at the very start of the file. The last line is
// returned even when the file does not end with a newline.
//
// Ownership: the reader owns its ByteSource and buffer. A line returned
// by Next() points into the buffer and stays valid only until the next call.
//
// Thread-safety: not thread-safe; use one reader from one thread at a time.

#ifndef IOSCHED_TRACES_LINE_READER_H_
#define IOSCHED_TRACES_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "byte_source.h"

namespace iosched::traces_internal {

class LineReader {
 public:
  struct Options {
    // Initial buffer size in bytes.
    size_t buffer_size = 256 * 1024;
    // Longest accepted line in bytes (without its terminator). Longer lines
    // are an error, so that a binary or corrupt file cannot make memory grow
    // without bound.
    size_t max_line_length = 1024 * 1024;
  };

  // Opens `path` for reading ("-" is standard input; compressed files are
  // decompressed, see byte_source.h). Errors (NotFound, PermissionDenied, …)
  // name the path and the system's reason (strerror).
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path, Options options);
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path) {
    return Open(path, Options());
  }
  // Reads lines from `source`.
  static std::unique_ptr<LineReader> FromSource(std::unique_ptr<ByteSource> source,
                                                Options options);

  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line (without its "\n" or "\r\n") into *line. Returns
  // false at the end of the file. Errors: read failures and over-long lines
  // ("path:line: expected a line of at most N bytes, got '…'"). After an
  // error every further call returns the same error.
  absl::StatusOr<bool> Next(std::string_view* line);

  // 1-based number of the line last returned by Next(); 0 before the first.
  uint64_t line_number() const { return line_number_; }
  // False when the line last returned by Next() is the last of the file and
  // has no newline after it (a file cut short, or written by hand).
  bool last_line_terminated() const { return last_terminated_; }
  // Total bytes read from the file so far (decompressed bytes for a
  // compressed file).
  uint64_t bytes_read() const { return bytes_read_; }
  const std::string& path() const { return source_->path(); }
  Compression compression() const { return source_->compression(); }

 private:
  LineReader(std::unique_ptr<ByteSource> source, Options options);
  // Moves unconsumed bytes to the front of the buffer and reads more. Sets
  // eof_ when the file is exhausted.
  absl::Status Refill();

  std::unique_ptr<ByteSource> source_;
  Options options_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last valid byte
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  bool last_terminated_ = true;
  absl::Status error_;
};

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_LINE_READER_H_
