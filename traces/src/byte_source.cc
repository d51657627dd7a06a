// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "byte_source.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>
#include <cstring>
#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "parse_util.h"

namespace iosched::traces_internal {
namespace {

namespace bio = boost::iostreams;

constexpr size_t kSniffBytes = 6;

// A raw byte stream (file descriptor or memory) with room to push back the
// few bytes read to recognise compression.
class RawSource : public ByteSource {
 public:
  using ByteSource::ByteSource;

  // Reads up to kSniffBytes without consuming them.
  absl::StatusOr<std::string_view> Peek() {
    while (head_len_ < kSniffBytes && !head_eof_) {
      absl::StatusOr<size_t> n = ReadRaw(head_ + head_len_, kSniffBytes - head_len_);
      if (!n.ok()) return n.status();
      if (*n == 0) head_eof_ = true;
      head_len_ += *n;
    }
    return std::string_view(head_ + head_pos_, head_len_ - head_pos_);
  }

  absl::StatusOr<size_t> Read(char* buf, size_t n) final {
    if (head_pos_ < head_len_) {
      const size_t k = std::min(n, head_len_ - head_pos_);
      std::memcpy(buf, head_ + head_pos_, k);
      head_pos_ += k;
      return k;
    }
    return ReadRaw(buf, n);
  }

 protected:
  virtual absl::StatusOr<size_t> ReadRaw(char* buf, size_t n) = 0;

 private:
  char head_[kSniffBytes];
  size_t head_len_ = 0;
  size_t head_pos_ = 0;
  bool head_eof_ = false;
};

class FdSource final : public RawSource {
 public:
  FdSource(std::string path, int fd, bool owned)
      : RawSource(std::move(path), Compression::kNone), fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }

 protected:
  absl::StatusOr<size_t> ReadRaw(char* buf, size_t n) override {
    if (!error_.ok()) return error_;
    ssize_t got;
    do {
      got = ::read(fd_, buf, n);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      error_ = absl::ErrnoToStatus(errno, absl::StrCat(path(), ": read error"));
      return error_;
    }
    return static_cast<size_t>(got);
  }

 private:
  int fd_;
  bool owned_;
  absl::Status error_;
};

class MemorySource final : public RawSource {
 public:
  MemorySource(std::string name, std::string_view data)
      : RawSource(std::move(name), Compression::kNone), data_(data) {}

 protected:
  absl::StatusOr<size_t> ReadRaw(char* buf, size_t n) override {
    const size_t k = std::min(n, data_.size() - pos_);
    if (k > 0) std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Adapts a ByteSource to a Boost.Iostreams Source device. Errors are
// stored, not thrown, and reported by the owner.
class DeviceAdapter {
 public:
  using char_type = char;
  using category = bio::source_tag;
  DeviceAdapter(ByteSource* source, absl::Status* error) : source_(source), error_(error) {}
  std::streamsize read(char* s, std::streamsize n) {
    absl::StatusOr<size_t> got = source_->Read(s, static_cast<size_t>(n));
    if (!got.ok()) {
      *error_ = got.status();
      return -1;
    }
    return *got == 0 ? -1 : static_cast<std::streamsize>(*got);
  }

 private:
  ByteSource* source_;
  absl::Status* error_;
};

class DecompressingSource final : public ByteSource {
 public:
  DecompressingSource(std::unique_ptr<ByteSource> raw, Compression c)
      : ByteSource(raw->path(), c), raw_(std::move(raw)) {
    constexpr std::streamsize kBuffer = 64 * 1024;
    switch (c) {
      case Compression::kGzip:
        buf_.push(bio::gzip_decompressor(bio::gzip::default_window_bits, kBuffer), kBuffer);
        break;
      case Compression::kXz:
        buf_.push(bio::lzma_decompressor(kBuffer), kBuffer);
        break;
      case Compression::kBzip2:
        buf_.push(bio::bzip2_decompressor(false, kBuffer), kBuffer);
        break;
      case Compression::kZstd:  // ZstdSource
      case Compression::kNone:
        break;
    }
    buf_.push(DeviceAdapter(raw_.get(), &raw_error_), kBuffer);
  }

  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!error_.ok()) return error_;
    std::streamsize got = 0;
    try {
      got = buf_.sgetn(buf, static_cast<std::streamsize>(n));
    } catch (const std::exception& e) {
      error_ = absl::DataLossError(absl::StrCat(path(), ": corrupt or truncated ",
                                                AbslView(CompressionName(compression())),
                                                " data: ", e.what()));
      return error_;
    }
    if (!raw_error_.ok()) {
      error_ = raw_error_;
      return error_;
    }
    return got < 0 ? 0 : static_cast<size_t>(got);
  }

 private:
  std::unique_ptr<ByteSource> raw_;
  absl::Status raw_error_;
  absl::Status error_;
  bio::filtering_streambuf<bio::input> buf_;
};

// zstd through libzstd's streaming API rather than Boost's filter, which
// takes a stream that ends inside a frame for a complete one: here the end
// of the input with a frame still open is a truncation error.
class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> raw)
      : ByteSource(raw->path(), Compression::kZstd),
        raw_(std::move(raw)),
        in_buf_(ZSTD_DStreamInSize()),
        dctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!error_.ok()) return error_;
    if (dctx_ == nullptr) return Fail("out of memory");
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0 && n > 0) {
      if (in_.pos == in_.size && !eof_) {
        absl::StatusOr<size_t> got = raw_->Read(in_buf_.data(), in_buf_.size());
        if (!got.ok()) {
          error_ = got.status();
          return error_;
        }
        if (*got == 0) {
          eof_ = true;
        } else {
          in_ = {in_buf_.data(), *got, 0};
        }
      }
      const bool input_done = eof_ && in_.pos == in_.size;
      if (input_done && !frame_open_) break;
      // With no input left this flushes what the decoder still holds.
      const size_t r = ZSTD_decompressStream(dctx_, &out, &in_);
      if (ZSTD_isError(r)) return Fail(ZSTD_getErrorName(r));
      frame_open_ = r != 0;
      if (input_done && out.pos == 0 && frame_open_) {
        return Fail("the input ends inside a frame");
      }
    }
    return out.pos;
  }

 private:
  absl::Status Fail(std::string_view why) {
    error_ = absl::DataLossError(
        absl::StrCat(path(), ": corrupt or truncated zstd data: ", AbslView(why)));
    return error_;
  }

  std::unique_ptr<ByteSource> raw_;
  std::vector<char> in_buf_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool eof_ = false;
  bool frame_open_ = false;  // the last decode call left a frame unfinished
  absl::Status error_;
};

class PrefixSource final : public ByteSource {
 public:
  PrefixSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : ByteSource(rest->path(), rest->compression()),
        prefix_(std::move(prefix)),
        rest_(std::move(rest)) {}

  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      const size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      if (pos_ == prefix_.size()) {
        std::string().swap(prefix_);  // free it: memory stays bounded
        pos_ = 0;
      }
      return k;
    }
    return rest_->Read(buf, n);
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

absl::StatusOr<std::unique_ptr<ByteSource>> Wrap(std::unique_ptr<RawSource> raw) {
  absl::StatusOr<std::string_view> head = raw->Peek();
  if (!head.ok()) return head.status();
  const Compression c = SniffCompression(*head);
  if (c == Compression::kNone) return std::unique_ptr<ByteSource>(std::move(raw));
  if (c == Compression::kZstd) return std::unique_ptr<ByteSource>(new ZstdSource(std::move(raw)));
  return std::unique_ptr<ByteSource>(new DecompressingSource(std::move(raw), c));
}

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kXz:
      return "xz";
    case Compression::kBzip2:
      return "bzip2";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

Compression SniffCompression(std::string_view head) {
  if (head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b') return Compression::kGzip;
  if (head.size() >= 6 && head.substr(0, 6) == std::string_view("\xfd"
                                                                "7zXZ\0",
                                                                6)) {
    return Compression::kXz;
  }
  if (head.size() >= 4 && head.substr(0, 3) == "BZh" && head[3] >= '1' && head[3] <= '9') {
    return Compression::kBzip2;
  }
  if (head.size() >= 4 && head.substr(0, 4) == "\x28\xb5\x2f\xfd") return Compression::kZstd;
  return Compression::kNone;
}

std::string_view UnsupportedCompressionName(std::string_view head) {
  struct Magic {
    std::string_view bytes;
    std::string_view name;
  };
  static constexpr Magic kMagics[] = {
      {std::string_view("\x04\x22\x4d\x18", 4), "lz4"},
      {std::string_view("\x02\x21\x4c\x18", 4), "lz4 (legacy)"},
      {std::string_view("\x89LZO\0", 5), "lzop"},
      {std::string_view("\x5d\0\0", 3), "lzma (legacy .lzma)"},
      {std::string_view("\x1f\x9d", 2), "compress (.Z)"},
      {std::string_view("\xff\x06\0\0sNaPpY", 10), "snappy (framed)"},
      {std::string_view("7z\xbc\xaf\x27\x1c", 6), "7-zip archive"},
      {std::string_view("PK\x03\x04", 4), "zip archive"},
      {std::string_view("Rar!\x1a\x07", 6), "rar archive"},
      {std::string_view("\x22\xb5\x2f\xfd", 4), "zstd (legacy v0.x frame)"},
  };
  for (const Magic& m : kMagics) {
    if (head.substr(0, m.bytes.size()) == m.bytes) return m.name;
  }
  // A tar archive: "ustar" at offset 257 (only when that much was read).
  if (head.size() >= 262 && head.substr(257, 5) == "ustar") return "tar archive";
  return {};
}

absl::StatusOr<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path) {
  if (path == "-") {
    return Wrap(std::make_unique<FdSource>("<stdin>", STDIN_FILENO, /*owned=*/false));
  }
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot open"));
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::ErrnoToStatus(EISDIR, absl::StrCat(path, ": cannot read"));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return Wrap(std::make_unique<FdSource>(path, fd, /*owned=*/true));
}

std::unique_ptr<ByteSource> MemoryByteSource(std::string name, std::string_view data, bool sniff) {
  auto raw = std::make_unique<MemorySource>(std::move(name), data);
  if (!sniff) return raw;
  absl::StatusOr<std::unique_ptr<ByteSource>> wrapped = Wrap(std::move(raw));
  return *std::move(wrapped);  // memory never fails to read
}

std::unique_ptr<ByteSource> PrefixedByteSource(std::string prefix,
                                               std::unique_ptr<ByteSource> rest) {
  if (prefix.empty()) return rest;
  return std::make_unique<PrefixSource>(std::move(prefix), std::move(rest));
}

absl::StatusOr<size_t> ReadFully(ByteSource& source, char* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    absl::StatusOr<size_t> got = source.Read(buf + done, n - done);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    done += *got;
  }
  return done;
}

}  // namespace iosched::traces_internal
