// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The iosched native binary trace format (layout in trace.h) and the
// fixed-record block reader shared with the HP SRT reader.

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "binary_formats.h"
#include "parse_util.h"

namespace iosched::traces_internal {

RecordBlockReader::RecordBlockReader(ByteSource* source, size_t record_size)
    : source_(source),
      record_size_(record_size),
      buf_(new char[record_size * 16384]),
      capacity_(record_size * 16384) {}

absl::StatusOr<bool> RecordBlockReader::Next(const char** rec, size_t* partial) {
  *partial = 0;
  if (end_ - pos_ < record_size_) {
    if (eof_) {
      *partial = end_ - pos_;
      return false;
    }
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
    while (end_ < capacity_) {
      absl::StatusOr<size_t> n = source_->Read(buf_.get() + end_, capacity_ - end_);
      if (!n.ok()) return n.status();
      if (*n == 0) {
        eof_ = true;
        break;
      }
      end_ += *n;
    }
    if (end_ - pos_ < record_size_) {
      *partial = end_ - pos_;
      pos_ = end_;
      return false;
    }
  }
  *rec = buf_.get() + pos_;
  pos_ += record_size_;
  return true;
}

absl::Status RecordError(std::string_view path, uint64_t record, uint64_t byte,
                         std::string_view expected, std::string_view got) {
  return absl::InvalidArgumentError(absl::StrCat(AbslView(path), ": record ", record, " at byte ",
                                                 byte, ": expected ", AbslView(expected), ", got ",
                                                 AbslView(got)));
}

void EncodeNativeBinaryHeader(uint64_t record_count, char* out) {
  std::memcpy(out, kNativeBinaryMagic.data(), 8);
  StoreLE32(out + 8, kNativeBinaryVersion);
  StoreLE32(out + 12, kNativeBinaryRecordSize);
  StoreLE32(out + 16, 0);
  StoreLE32(out + 20, 0);
  StoreLE64(out + 24, record_count);
}

void EncodeNativeBinaryRecord(const TraceRecord& rec, char* out) {
  uint64_t lf = rec.length & kNbLengthMask;
  if (rec.op == TraceOp::kWrite) lf |= kNbWrite;
  if (rec.stream.has_value()) lf |= kNbHasStream;
  if (rec.think_ns.has_value()) lf |= kNbHasThink;
  if (rec.response_ns.has_value()) lf |= kNbHasResponse;
  if (rec.ioprio.has_value()) {
    lf |= kNbHasIoprio;
    lf |= static_cast<uint64_t>(rec.ioprio->io_class) << kNbIoprioClassShift;
    lf |= static_cast<uint64_t>(rec.ioprio->level & 7) << kNbIoprioLevelShift;
  }
  StoreLE64(out, static_cast<uint64_t>(rec.time_ns));
  StoreLE64(out + 8, rec.offset);
  StoreLE64(out + 16, lf);
  StoreLE64(out + 24, static_cast<uint64_t>(rec.think_ns.value_or(0)));
  StoreLE64(out + 32, static_cast<uint64_t>(rec.response_ns.value_or(0)));
  StoreLE32(out + 40, rec.stream.value_or(0));
  StoreLE32(out + 44, rec.device);
}

namespace {

class NativeBinaryReader final : public TraceReader {
 public:
  NativeBinaryReader(std::unique_ptr<ByteSource> source, bool skip_bad, uint64_t declared)
      : source_(std::move(source)),
        blocks_(source_.get(), kNativeBinaryRecordSize),
        skip_bad_(skip_bad),
        declared_(declared) {}

  absl::StatusOr<bool> Next(TraceRecord* out) override;
  std::string_view format() const override { return "iosched-bin"; }
  std::string_view time_unit() const override { return "ns"; }
  uint64_t bad_lines() const override { return bad_; }
  std::string_view first_bad_line() const override { return first_bad_; }
  std::string_view compression() const override { return CompressionName(source_->compression()); }

 private:
  // Decodes record `p` into *out; an error names what is wrong.
  absl::Status Decode(const char* p, TraceRecord* out);
  absl::Status Bad(absl::Status s) {
    if (skip_bad_ && s.code() == absl::StatusCode::kInvalidArgument) {
      if (bad_++ == 0) first_bad_ = std::string(s.message());
      return absl::OkStatus();
    }
    error_ = std::move(s);
    return error_;
  }
  uint64_t ByteOf(uint64_t index) const {
    return kNativeBinaryHeaderSize + (index - 1) * kNativeBinaryRecordSize;
  }

  std::unique_ptr<ByteSource> source_;
  RecordBlockReader blocks_;
  const bool skip_bad_;
  const uint64_t declared_;
  uint64_t index_ = 0;  // records consumed (good or bad)
  bool seen_record_ = false;
  int64_t first_time_ = 0;
  uint64_t bad_ = 0;
  std::string first_bad_;
  absl::Status error_;
  bool done_ = false;
};

absl::Status NativeBinaryReader::Decode(const char* p, TraceRecord* out) {
  const int64_t time = static_cast<int64_t>(LoadLE64(p));
  const uint64_t offset = LoadLE64(p + 8);
  const uint64_t lf = LoadLE64(p + 16);
  const uint64_t length = lf & kNbLengthMask;
  auto fail = [&](std::string_view expected, std::string_view got) {
    return RecordError(source_->path(), index_, ByteOf(index_), expected, got);
  };
  if (time < 0) return fail("time_ns >= 0", absl::StrCat(time));
  if ((lf & ~kNbLengthMask & ~kNbKnownFlags) != 0) {
    return fail("flag bits 58-63 zero", absl::StrCat("0x", absl::Hex(lf >> 48)));
  }
  if (length == 0) return fail("a length > 0", "0");
  if (length > kMaxTraceRecordLength) {
    return fail("a length of at most 1 TiB (absurd size)", absl::StrCat(length));
  }
  if (offset > UINT64_MAX - length) {
    return fail("an offset whose request ends below 2^64 bytes", absl::StrCat(offset));
  }
  out->op = (lf & kNbWrite) != 0 ? TraceOp::kWrite : TraceOp::kRead;
  out->offset = offset;
  out->length = length;
  out->device = LoadLE32(p + 44);
  if ((lf & kNbHasStream) != 0) {
    out->stream = LoadLE32(p + 40);
  } else {
    out->stream.reset();
  }
  if ((lf & kNbHasThink) != 0) {
    const int64_t v = static_cast<int64_t>(LoadLE64(p + 24));
    if (v < 0) return fail("think_ns >= 0", absl::StrCat(v));
    out->think_ns = v;
  } else {
    out->think_ns.reset();
  }
  if ((lf & kNbHasResponse) != 0) {
    const int64_t v = static_cast<int64_t>(LoadLE64(p + 32));
    if (v < 0) return fail("response_ns >= 0", absl::StrCat(v));
    out->response_ns = v;
  } else {
    out->response_ns.reset();
  }
  if ((lf & kNbHasIoprio) != 0) {
    const uint64_t cls = (lf >> kNbIoprioClassShift) & 3;
    if (cls == 0) return fail("an ioprio class 1-3 (rt, be, idle) in bits 53-54", "0");
    out->ioprio = TraceIoPrio{static_cast<TraceIoClass>(cls),
                              static_cast<uint8_t>((lf >> kNbIoprioLevelShift) & 7)};
  } else if ((lf & kNbIoprioBits) != 0) {
    return fail("ioprio bits 53-57 zero when bit 52 (ioprio present) is clear",
                absl::StrCat("0x", absl::Hex(lf >> 48)));
  } else {
    out->ioprio.reset();
  }
  if (!seen_record_) {
    seen_record_ = true;
    first_time_ = time;
  }
  out->time_ns = time - first_time_;  // both >= 0: no overflow
  out->line = index_;
  return absl::OkStatus();
}

absl::StatusOr<bool> NativeBinaryReader::Next(TraceRecord* out) {
  if (!error_.ok()) return error_;
  if (done_) return false;
  while (true) {
    const char* p = nullptr;
    size_t partial = 0;
    absl::StatusOr<bool> more = blocks_.Next(&p, &partial);
    if (!more.ok()) {
      error_ = more.status();
      return error_;
    }
    if (!*more) {
      if (partial > 0) {
        ++index_;
        absl::Status s =
            Bad(RecordError(source_->path(), index_, ByteOf(index_),
                            absl::StrCat("a ", kNativeBinaryRecordSize, "-byte record"),
                            absl::StrCat(partial, " bytes (truncated file)")));
        if (!s.ok()) return s;
      }
      if (declared_ != 0 && declared_ != index_) {
        absl::Status s = Bad(absl::InvalidArgumentError(
            absl::StrCat(source_->path(), ": expected ", declared_,
                         " records (as the header says), got ", index_, " (truncated file?)")));
        if (!s.ok()) return s;
      }
      done_ = true;
      return false;
    }
    ++index_;
    absl::Status s = Decode(p, out);
    if (s.ok()) return true;
    if (absl::Status b = Bad(std::move(s)); !b.ok()) return b;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<TraceReader>> OpenNativeBinary(std::unique_ptr<ByteSource> source,
                                                              bool skip_bad_lines) {
  char header[kNativeBinaryHeaderSize];
  absl::StatusOr<size_t> n = ReadFully(*source, header, sizeof(header));
  if (!n.ok()) return n.status();
  const std::string& path = source->path();
  if (*n == 0) {
    // An empty file is an empty trace.
    return std::unique_ptr<TraceReader>(new NativeBinaryReader(std::move(source), false, 0));
  }
  auto bad_header = [&](std::string_view expected, std::string_view got) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": expected ", AbslView(expected),
                                                   " in the iosched-bin header, got ",
                                                   AbslView(got)));
  };
  if (*n < sizeof(header)) {
    return bad_header(absl::StrCat(sizeof(header), " bytes"),
                      absl::StrCat(*n, " bytes (truncated file)"));
  }
  if (std::string_view(header, 8) != kNativeBinaryMagic) {
    return bad_header("magic 'IOSCHEDB'",
                      absl::StrCat("'", absl::CHexEscape(absl::string_view(header, 8)), "'"));
  }
  if (LoadLE32(header + 8) != kNativeBinaryVersion) {
    return bad_header("version 1", absl::StrCat(LoadLE32(header + 8)));
  }
  if (LoadLE32(header + 12) != kNativeBinaryRecordSize) {
    return bad_header("record size 48", absl::StrCat(LoadLE32(header + 12)));
  }
  if (LoadLE32(header + 16) != 0 || LoadLE32(header + 20) != 0) {
    return bad_header("zero flags",
                      absl::StrCat(LoadLE32(header + 16), ",", LoadLE32(header + 20)));
  }
  return std::unique_ptr<TraceReader>(
      new NativeBinaryReader(std::move(source), skip_bad_lines, LoadLE64(header + 24)));
}

}  // namespace iosched::traces_internal
