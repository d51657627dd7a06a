// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "line_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "parse_util.h"

namespace iosched::traces_internal {

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                             Options options) {
  absl::StatusOr<std::unique_ptr<ByteSource>> source = OpenByteSource(path);
  if (!source.ok()) return source.status();
  return FromSource(*std::move(source), options);
}

std::unique_ptr<LineReader> LineReader::FromSource(std::unique_ptr<ByteSource> source,
                                                   Options options) {
  options.buffer_size = std::max<size_t>(options.buffer_size, 16);
  options.max_line_length = std::max<size_t>(options.max_line_length, 1);
  return std::unique_ptr<LineReader>(new LineReader(std::move(source), options));
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, Options options)
    : source_(std::move(source)),
      options_(options),
      buffer_(new char[options.buffer_size]),
      capacity_(options.buffer_size) {}

LineReader::~LineReader() = default;

absl::Status LineReader::Refill() {
  // Compact: keep the partial line at the front.
  if (begin_ > 0) {
    if (end_ > begin_) std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    // The partial line fills the whole buffer: grow, up to the line limit
    // (+2 for "\r\n").
    const size_t limit = options_.max_line_length + 2;
    if (capacity_ >= limit) {
      return LineError(path(), line_number_ + 1,
                       absl::StrCat("a line of at most ", options_.max_line_length, " bytes"),
                       std::string_view(buffer_.get(), end_));
    }
    const size_t new_capacity = std::min(limit, capacity_ * 2);
    std::unique_ptr<char[]> bigger(new char[new_capacity]);
    std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ = new_capacity;
  }
  absl::StatusOr<size_t> n = source_->Read(buffer_.get() + end_, capacity_ - end_);
  if (!n.ok()) return n.status();
  if (*n == 0) {
    eof_ = true;
  } else {
    end_ += *n;
    bytes_read_ += *n;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> LineReader::Next(std::string_view* line) {
  if (!error_.ok()) return error_;
  size_t scan_from = begin_;  // bytes before this are known to hold no '\n'
  while (true) {
    const char* base = buffer_.get();
    const void* nl = std::memchr(base + scan_from, '\n', end_ - scan_from);
    size_t line_end;
    size_t next_begin;
    if (nl != nullptr) {
      line_end = static_cast<size_t>(static_cast<const char*>(nl) - base);
      next_begin = line_end + 1;
    } else if (eof_) {
      if (begin_ == end_) return false;
      line_end = end_;  // last line without a trailing newline
      next_begin = end_;
    } else {
      const size_t scanned = end_ - begin_;
      if (absl::Status s = Refill(); !s.ok()) {
        error_ = s;
        return s;
      }
      scan_from = begin_ + scanned;
      continue;
    }
    size_t line_begin = begin_;
    last_terminated_ = nl != nullptr;
    begin_ = next_begin;
    ++line_number_;
    if (line_end > line_begin && base[line_end - 1] == '\r') --line_end;
    if (line_end - line_begin > options_.max_line_length) {
      error_ = LineError(path(), line_number_,
                         absl::StrCat("a line of at most ", options_.max_line_length, " bytes"),
                         std::string_view(base + line_begin, line_end - line_begin));
      return error_;
    }
    if (line_number_ == 1 && line_end - line_begin >= 3 &&
        std::memcmp(base + line_begin, "\xEF\xBB\xBF", 3) == 0) {
      line_begin += 3;
    }
    *line = std::string_view(base + line_begin, line_end - line_begin);
    return true;
  }
}

}  // namespace iosched::traces_internal
