// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "byte_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>
#include <cstring>
#include <exception>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iosched/output_file.h"

namespace iosched::traces_internal {
namespace {

namespace bio = boost::iostreams;

class FdSink final : public ByteSink {
 public:
  // Standard output (not owned).
  FdSink(std::string path, int fd) : ByteSink(std::move(path)), fd_(fd) { buf_.reserve(kBuffer); }
  // A file written under a temporary name, renamed into place by Close();
  // removed if the sink is destroyed without a successful Close().
  explicit FdSink(std::unique_ptr<AtomicOutputFile> file)
      : ByteSink(file->path()), fd_(file->fd()), file_(std::move(file)) {
    buf_.reserve(kBuffer);
  }

  absl::Status Write(std::string_view data) override {
    if (!error_.ok()) return error_;
    if (buf_.size() + data.size() > kBuffer) {
      if (absl::Status s = Flush(); !s.ok()) return s;
      if (data.size() >= kBuffer) return WriteAll(data);
    }
    buf_.append(data);
    return absl::OkStatus();
  }

  absl::Status Close() override {
    absl::Status s = Flush();
    if (file_ != nullptr && fd_ >= 0) {
      if (s.ok()) {
        s = file_->Commit();
      } else {
        file_->Abandon();
      }
      fd_ = -1;
    }
    return s;
  }

  absl::Status PatchAt(uint64_t offset, std::string_view data) override {
    if (absl::Status s = Flush(); !s.ok()) return s;
    struct stat st;
    if (fd_ < 0 || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      return absl::UnimplementedError("not a regular file");
    }
    if (::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset)) !=
        static_cast<ssize_t>(data.size())) {
      return absl::ErrnoToStatus(errno, absl::StrCat(path(), ": write error"));
    }
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kBuffer = 1 << 20;

  absl::Status Flush() {
    if (!error_.ok()) return error_;
    absl::Status s = WriteAll(buf_);
    buf_.clear();
    return s;
  }
  absl::Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error_ = absl::ErrnoToStatus(errno, absl::StrCat(path(), ": write error"));
        return error_;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  int fd_;
  std::unique_ptr<AtomicOutputFile> file_;
  std::string buf_;
  absl::Status error_;
};

class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::string* out) : ByteSink("<string>"), out_(out) {}
  absl::Status Write(std::string_view data) override {
    out_->append(data);
    return absl::OkStatus();
  }
  absl::Status Close() override { return absl::OkStatus(); }
  absl::Status PatchAt(uint64_t offset, std::string_view data) override {
    if (offset + data.size() > out_->size()) return absl::OutOfRangeError("patch beyond end");
    std::memcpy(out_->data() + offset, data.data(), data.size());
    return absl::OkStatus();
  }

 private:
  std::string* out_;
};

class SinkAdapter {
 public:
  using char_type = char;
  using category = bio::sink_tag;
  SinkAdapter(ByteSink* sink, absl::Status* error) : sink_(sink), error_(error) {}
  std::streamsize write(const char* s, std::streamsize n) {
    absl::Status st = sink_->Write(std::string_view(s, static_cast<size_t>(n)));
    if (!st.ok()) {
      if (error_->ok()) *error_ = st;
      return -1;
    }
    return n;
  }

 private:
  ByteSink* sink_;
  absl::Status* error_;
};

class CompressingSink final : public ByteSink {
 public:
  CompressingSink(std::unique_ptr<ByteSink> raw, Compression c)
      : ByteSink(raw->path()), raw_(std::move(raw)) {
    switch (c) {
      case Compression::kGzip:
        buf_.push(bio::gzip_compressor());
        break;
      case Compression::kXz:
        buf_.push(bio::lzma_compressor());
        break;
      case Compression::kBzip2:
        buf_.push(bio::bzip2_compressor());
        break;
      case Compression::kZstd:
        buf_.push(bio::zstd_compressor());
        break;
      case Compression::kNone:
        break;
    }
    buf_.push(SinkAdapter(raw_.get(), &raw_error_));
  }
  ~CompressingSink() override {
    try {
      buf_.reset();
    } catch (...) {
    }
  }

  absl::Status Write(std::string_view data) override {
    if (!raw_error_.ok()) return raw_error_;
    try {
      if (buf_.sputn(data.data(), static_cast<std::streamsize>(data.size())) !=
          static_cast<std::streamsize>(data.size())) {
        return raw_error_.ok() ? absl::DataLossError(absl::StrCat(path(), ": compression failed"))
                               : raw_error_;
      }
    } catch (const std::exception& e) {
      return absl::DataLossError(absl::StrCat(path(), ": compression failed: ", e.what()));
    }
    return raw_error_;
  }

  absl::Status Close() override {
    try {
      buf_.pubsync();
      buf_.reset();  // writes the compressed stream's trailer
    } catch (const std::exception& e) {
      return absl::DataLossError(absl::StrCat(path(), ": compression failed: ", e.what()));
    }
    absl::Status s = raw_->Close();
    return raw_error_.ok() ? s : raw_error_;
  }

 private:
  std::unique_ptr<ByteSink> raw_;
  absl::Status raw_error_;
  bio::filtering_streambuf<bio::output> buf_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSink>> OpenByteSink(const std::string& path) {
  std::unique_ptr<ByteSink> raw;
  if (path == "-") {
    raw = std::make_unique<FdSink>("<stdout>", STDOUT_FILENO);
  } else {
    absl::StatusOr<std::unique_ptr<AtomicOutputFile>> file = AtomicOutputFile::Create(path);
    if (!file.ok()) return file.status();
    raw = std::make_unique<FdSink>(*std::move(file));
  }
  Compression c = Compression::kNone;
  if (absl::EndsWith(path, ".gz")) {
    c = Compression::kGzip;
  } else if (absl::EndsWith(path, ".xz")) {
    c = Compression::kXz;
  } else if (absl::EndsWith(path, ".bz2")) {
    c = Compression::kBzip2;
  } else if (absl::EndsWith(path, ".zst")) {
    c = Compression::kZstd;
  }
  if (c == Compression::kNone) return raw;
  return std::unique_ptr<ByteSink>(new CompressingSink(std::move(raw), c));
}

std::unique_ptr<ByteSink> StringByteSink(std::string* out) {
  return std::make_unique<StringSink>(out);
}

}  // namespace iosched::traces_internal
