// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// HP Labs SRT binary traces ("$$TR_IOREC" header; e.g. DiskSim's
// valid/ajw.1week.srt, one week of an HP-UX 8.0 workstation, 1992).
//
// Layout: an ASCII header (trace date, machine, per-disk geometry) ended by
// a form feed (0x0C); then records of 14 big-endian int32 words:
//   [0] record length in bytes (56)   [1] type (0x00040001: v4 short I/O)
//   [2] [3] enqueue time: seconds, microseconds since the trace start
//   [4] [5] request start / stop, µs after the enqueue time
//   [6] length in bytes               [7] block number
//   [8] packed device: disk = (v >> 8) & 0xff, section = v & 0xff
//   [9] driver type  [10] cylinder  [11] buffer id
//   [12] HP-UX b_flags: bit 0 = read, 0x100 = async   [13] queue length
// Mapping: time = enqueue (µs), response_ns = stop × 1000 (enqueue to
// done; stop − start is the device service time), offset = block ×
// sectorsize of that disk as the header's "disks = { N -> { … sectorsize =
// S … } }" says (256 in ajw.1week.srt, whose block numbers are absolute
// 256-byte sectors: section starts in the header match), 512 when the
// header gives none. device = disk number. No stream.

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "binary_formats.h"
#include "parse_util.h"

namespace iosched::traces_internal {
namespace {

constexpr size_t kMaxHeader = 1 << 20;
constexpr uint32_t kDefaultSectorSize = 512;

// Tokens of the header: punctuation as single tokens ("->" as one), quoted
// strings dropped, everything else split at blanks and punctuation.
std::vector<std::string_view> Tokenize(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '"') {
      const size_t end = text.find('"', i + 1);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '>') {
      out.push_back(text.substr(i, 2));
      i += 2;
    } else if (std::string_view("{}=;,()").find(c) != std::string_view::npos) {
      out.push_back(text.substr(i, 1));
      ++i;
    } else {
      size_t j = i;
      while (j < text.size() &&
             std::string_view(" \t\n\r\"{}=;,()").find(text[j]) == std::string_view::npos) {
        if (text[j] == '-' && j + 1 < text.size() && text[j + 1] == '>') break;
        ++j;
      }
      out.push_back(text.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

// Sector size per disk number from the header (0 = not given).
absl::Status ParseSectorSizes(const std::string& path, std::string_view header,
                              std::array<uint32_t, 256>* sizes) {
  sizes->fill(0);
  const std::vector<std::string_view> t = Tokenize(header);
  int depth = 0;
  int disks_depth = -1;  // depth inside "disks = {"
  int disk_depth = -1;   // depth inside "N -> {" of one disk
  int64_t disk = -1;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == "{") {
      ++depth;
    } else if (t[i] == "}") {
      if (depth == disk_depth) disk_depth = -1;
      if (depth == disks_depth) disks_depth = -1;
      --depth;
    } else if (t[i] == "disks" && i + 2 < t.size() && t[i + 1] == "=" && t[i + 2] == "{" &&
               disks_depth < 0) {
      disks_depth = depth + 1;
    } else if (depth == disks_depth && i + 2 < t.size() && t[i + 1] == "->" && t[i + 2] == "{") {
      uint32_t n;
      disk = ParseUint32(t[i], &n) && n < 256 ? static_cast<int64_t>(n) : -1;
      disk_depth = depth + 1;
    } else if (depth == disk_depth && disk >= 0 && t[i] == "sectorsize" && i + 2 < t.size() &&
               t[i + 1] == "=") {
      uint32_t v;
      if (!ParseUint32(t[i + 2], &v) || v == 0 || v > 65536) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": expected a sectorsize of 1..65536 bytes in the SRT header, got '",
                         AbslView(t[i + 2]), "'"));
      }
      (*sizes)[static_cast<size_t>(disk)] = v;
    }
  }
  return absl::OkStatus();
}

class SrtReader final : public TraceReader {
 public:
  SrtReader(std::unique_ptr<ByteSource> source, bool skip_bad, uint64_t header_size,
            const std::array<uint32_t, 256>& sector_sizes)
      : source_(std::move(source)),
        blocks_(source_.get(), kSrtRecordSize),
        skip_bad_(skip_bad),
        header_size_(header_size),
        sector_sizes_(sector_sizes) {}

  absl::StatusOr<bool> Next(TraceRecord* out) override;
  std::string_view format() const override { return "hpl-srt"; }
  std::string_view time_unit() const override { return "us"; }
  uint64_t bad_lines() const override { return bad_; }
  std::string_view first_bad_line() const override { return first_bad_; }
  std::string_view compression() const override { return CompressionName(source_->compression()); }

 private:
  absl::Status Decode(const char* p, TraceRecord* out);
  absl::Status Bad(absl::Status s) {
    if (skip_bad_ && s.code() == absl::StatusCode::kInvalidArgument) {
      if (bad_++ == 0) first_bad_ = std::string(s.message());
      return absl::OkStatus();
    }
    error_ = std::move(s);
    return error_;
  }
  uint64_t ByteOf(uint64_t index) const { return header_size_ + (index - 1) * kSrtRecordSize; }

  std::unique_ptr<ByteSource> source_;
  RecordBlockReader blocks_;
  const bool skip_bad_;
  const uint64_t header_size_;
  const std::array<uint32_t, 256> sector_sizes_;
  uint64_t index_ = 0;
  bool seen_record_ = false;
  int64_t first_us_ = 0;
  uint64_t bad_ = 0;
  std::string first_bad_;
  absl::Status error_;
};

absl::Status SrtReader::Decode(const char* p, TraceRecord* out) {
  int32_t w[14];
  for (int i = 0; i < 14; ++i) w[i] = LoadBE32(p + 4 * i);
  auto fail = [&](std::string_view expected, int64_t got) {
    return RecordError(source_->path(), index_, ByteOf(index_), expected, absl::StrCat(got));
  };
  if (w[0] != static_cast<int32_t>(kSrtRecordSize)) {
    return fail("record length 56 (word 0)", w[0]);
  }
  if (w[2] < 0) return fail("enqueue seconds >= 0 (word 2)", w[2]);
  if (w[3] < 0 || w[3] > 999999) return fail("enqueue microseconds 0..999999 (word 3)", w[3]);
  if (w[5] < 0) return fail("a stop time >= 0 us (word 5)", w[5]);
  if (w[6] <= 0) return fail("a length > 0 bytes (word 6)", w[6]);
  if (w[7] < 0) return fail("a block number >= 0 (word 7)", w[7]);
  const uint32_t disk = (static_cast<uint32_t>(w[8]) >> 8) & 0xff;
  const uint32_t sector = sector_sizes_[disk] != 0 ? sector_sizes_[disk] : kDefaultSectorSize;
  const int64_t us = int64_t{w[2]} * 1'000'000 + w[3];
  if (!seen_record_) {
    seen_record_ = true;
    first_us_ = us;
  }
  out->time_ns = (us - first_us_) * 1000;  // |us| < 2^52: no overflow
  out->op = (w[12] & 1) != 0 ? TraceOp::kRead : TraceOp::kWrite;
  out->offset = static_cast<uint64_t>(w[7]) * sector;
  out->length = static_cast<uint64_t>(w[6]);
  out->device = disk;
  out->stream.reset();
  out->think_ns.reset();
  out->ioprio.reset();
  out->response_ns = int64_t{w[5]} * 1000;
  out->line = index_;
  return absl::OkStatus();
}

absl::StatusOr<bool> SrtReader::Next(TraceRecord* out) {
  if (!error_.ok()) return error_;
  while (true) {
    const char* p;
    size_t partial;
    absl::StatusOr<bool> more = blocks_.Next(&p, &partial);
    if (!more.ok()) {
      error_ = more.status();
      return error_;
    }
    if (!*more) {
      if (partial > 0) {
        ++index_;
        absl::Status s =
            Bad(RecordError(source_->path(), index_, ByteOf(index_), "a 56-byte record",
                            absl::StrCat(partial, " bytes (truncated file)")));
        if (!s.ok()) return s;
      }
      return false;
    }
    ++index_;
    absl::Status s = Decode(p, out);
    if (s.ok()) return true;
    if (absl::Status b = Bad(std::move(s)); !b.ok()) return b;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<TraceReader>> OpenHplSrt(std::unique_ptr<ByteSource> source,
                                                        bool skip_bad_lines) {
  const std::string path = source->path();
  std::string header;
  size_t form_feed = std::string::npos;
  char buf[4096];
  while (form_feed == std::string::npos) {
    absl::StatusOr<size_t> n = source->Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    const size_t old = header.size();
    header.append(buf, *n);
    const size_t ff = header.find('\f', old);
    if (ff != std::string::npos) form_feed = ff;
    if (form_feed == std::string::npos && header.size() > kMaxHeader) break;
  }
  std::array<uint32_t, 256> sizes{};
  if (header.empty()) {
    // An empty file is an empty trace.
    return std::unique_ptr<TraceReader>(new SrtReader(std::move(source), false, 0, sizes));
  }
  if (header.compare(0, kSrtMagic.size(), kSrtMagic) != 0) {
    bool truncated;
    // A view into `header` itself: a view into a temporary substr() would
    // dangle by the time it is formatted (issue 18, defect 3).
    std::string_view got = TruncateForMessage(std::string_view(header).substr(0, 16), &truncated);
    return absl::InvalidArgumentError(absl::StrCat(path, ": expected an SRT header starting '",
                                                   AbslView(kSrtMagic), "', got '",
                                                   absl::CHexEscape(AbslView(got)), "'"));
  }
  if (form_feed == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": expected the SRT header to end with a form feed (0x0C) within ",
        std::min(header.size(), kMaxHeader), " bytes, got none (truncated or not an SRT file)"));
  }
  if (absl::Status s =
          ParseSectorSizes(path, std::string_view(header).substr(0, form_feed), &sizes);
      !s.ok()) {
    return s;
  }
  std::string rest = header.substr(form_feed + 1);
  return std::unique_ptr<TraceReader>(
      new SrtReader(PrefixedByteSource(std::move(rest), std::move(source)), skip_bad_lines,
                    form_feed + 1, sizes));
}

}  // namespace iosched::traces_internal
