// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace writers (trace_writer.h). Numbers are formatted with
// std::to_chars into a per-writer line buffer; the sink buffers the output,
// so a record costs no allocation.

#include <charconv>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "binary_formats.h"
#include "byte_sink.h"
#include "iosched/trace_writer.h"
#include "parse_util.h"

namespace iosched {
namespace traces_internal {
namespace {

// A line assembled without allocating.
class LineBuf {
 public:
  void Clear() { n_ = 0; }
  LineBuf& U(uint64_t v) {
    n_ = static_cast<size_t>(std::to_chars(buf_ + n_, buf_ + kCap, v).ptr - buf_);
    return *this;
  }
  LineBuf& I(int64_t v) {
    n_ = static_cast<size_t>(std::to_chars(buf_ + n_, buf_ + kCap, v).ptr - buf_);
    return *this;
  }
  // v padded with zeros to `width` digits (v < 10^width).
  LineBuf& Padded(uint64_t v, int width) {
    char tmp[24];
    const int len = static_cast<int>(std::to_chars(tmp, tmp + sizeof(tmp), v).ptr - tmp);
    for (int i = len; i < width; ++i) buf_[n_++] = '0';
    std::memcpy(buf_ + n_, tmp, static_cast<size_t>(len));
    n_ += static_cast<size_t>(len);
    return *this;
  }
  // Right-aligned in `width` columns.
  LineBuf& Right(uint64_t v, int width) {
    char tmp[24];
    const int len = static_cast<int>(std::to_chars(tmp, tmp + sizeof(tmp), v).ptr - tmp);
    for (int i = len; i < width; ++i) buf_[n_++] = ' ';
    std::memcpy(buf_ + n_, tmp, static_cast<size_t>(len));
    n_ += static_cast<size_t>(len);
    return *this;
  }
  LineBuf& C(char c) {
    buf_[n_++] = c;
    return *this;
  }
  LineBuf& S(std::string_view s) {
    // Long strings (file names) are cut rather than overflowing.
    const size_t room = n_ + 64 < kCap ? kCap - 64 - n_ : 0;
    const size_t k = std::min(s.size(), room);
    std::memcpy(buf_ + n_, s.data(), k);
    n_ += k;
    return *this;
  }
  std::string_view view() const { return std::string_view(buf_, n_); }

 private:
  static constexpr size_t kCap = 1024;
  char buf_[kCap];
  size_t n_ = 0;
};

class WriterBase : public TraceWriter {
 public:
  WriterBase(std::string_view format, std::unique_ptr<ByteSink> sink)
      : format_(format), sink_(std::move(sink)) {}

  absl::Status Write(const TraceRecord& rec) final {
    if (!error_.ok()) return error_;
    ++index_;
    absl::Status s;
    if (rec.time_ns < 0) {
      s = Error(rec,
                "a time >= 0 (records older than the trace's first one: sort the input "
                "first, --sort-window)",
                absl::StrCat(rec.time_ns, " ns"));
    } else if (rec.length == 0 || rec.length > kMaxTraceRecordLength) {
      s = Error(rec, "a length in 1 B .. 1 TiB", absl::StrCat(rec.length));
    } else {
      s = WriteRecord(rec);
    }
    if (!s.ok()) {
      error_ = s;
      return s;
    }
    ++records_;
    return absl::OkStatus();
  }

  absl::Status Finish() final {
    if (finished_) return error_;
    finished_ = true;
    if (error_.ok()) error_ = WriteTrailer();
    absl::Status c = sink_->Close();
    if (error_.ok()) error_ = c;
    return error_;
  }

  std::string_view format() const final { return format_; }

 protected:
  virtual absl::Status WriteRecord(const TraceRecord& rec) = 0;
  virtual absl::Status WriteTrailer() { return absl::OkStatus(); }

  absl::Status Error(const TraceRecord& rec, std::string_view expected, std::string_view got) {
    return absl::InvalidArgumentError(absl::StrCat(sink_->path(), ": record ", index_,
                                                   " (input line ", rec.line, "): expected ",
                                                   AbslView(expected), ", got ", AbslView(got)));
  }
  absl::Status NeedSectors(const TraceRecord& rec) {
    if (rec.offset % kSectorBytes != 0) {
      return Error(rec,
                   absl::StrCat("an offset that is a multiple of 512 bytes (", AbslView(format_),
                                " stores 512-byte sectors)"),
                   absl::StrCat(rec.offset));
    }
    if (rec.length % kSectorBytes != 0 && format_ != "spc") {
      return Error(rec,
                   absl::StrCat("a length that is a multiple of 512 bytes (", AbslView(format_),
                                " stores 512-byte sectors)"),
                   absl::StrCat(rec.length));
    }
    return absl::OkStatus();
  }
  absl::Status Emit(std::string_view s) { return sink_->Write(s); }

  const std::string_view format_;
  std::unique_ptr<ByteSink> sink_;
  LineBuf line_;
  uint64_t index_ = 0;

 private:
  absl::Status error_;
  bool finished_ = false;
};

// ---- iosched-csv ----

class NativeCsvWriter final : public WriterBase {
 public:
  NativeCsvWriter(std::unique_ptr<ByteSink> sink, bool device_column, bool ioprio_column)
      : WriterBase("iosched-csv", std::move(sink)),
        device_column_(device_column),
        ioprio_column_(ioprio_column) {}

 protected:
  absl::Status WriteRecord(const TraceRecord& r) override {
    if (index_ == 1) {
      // The ioprio column follows the device column (the header's rule).
      if (r.ioprio.has_value()) ioprio_column_ = true;
      if (ioprio_column_) device_column_ = true;
      if (absl::Status s = Emit(Head()); !s.ok()) return s;
    }
    line_.Clear();
    line_.I(r.time_ns).C(',').C(r.op == TraceOp::kRead ? 'R' : 'W').C(',');
    line_.U(r.offset).C(',').U(r.length).C(',');
    if (r.stream) line_.U(*r.stream);
    line_.C(',');
    if (r.think_ns) line_.I(*r.think_ns);
    line_.C(',');
    if (r.response_ns) line_.I(*r.response_ns);
    if (device_column_) line_.C(',').U(r.device);
    if (ioprio_column_) {
      line_.C(',');
      if (r.ioprio) {
        line_.S(FormatTraceIoPrio(*r.ioprio));
      }
    }
    line_.C('\n');
    return Emit(line_.view());
  }
  absl::Status WriteTrailer() override {
    if (index_ > 0) return absl::OkStatus();
    // An empty trace still has its header lines.
    if (ioprio_column_) device_column_ = true;
    return Emit(Head());
  }

 private:
  std::string Head() const {
    return absl::StrCat(AbslView(kNativeCsvMagic), "\n", AbslView(kNativeCsvHeader),
                        device_column_ ? ",device" : "", ioprio_column_ ? ",ioprio" : "", "\n");
  }
  bool device_column_;
  bool ioprio_column_;
};

// ---- iosched-bin ----

class NativeBinaryWriter final : public WriterBase {
 public:
  explicit NativeBinaryWriter(std::unique_ptr<ByteSink> sink)
      : WriterBase("iosched-bin", std::move(sink)) {}

 protected:
  absl::Status WriteRecord(const TraceRecord& r) override {
    if (index_ == 1) {
      if (absl::Status s = WriteHeader(0); !s.ok()) return s;
    }
    if (r.think_ns.value_or(0) < 0 || r.response_ns.value_or(0) < 0) {
      return Error(r, "think and response times >= 0", "a negative one");
    }
    if (r.ioprio.has_value() && r.ioprio->weight != 0) {
      return Error(
          r, "an ioprio without a BFQ weight (iosched-bin has no room for one; use iosched-csv)",
          FormatTraceIoPrio(*r.ioprio));
    }
    char rec[kNativeBinaryRecordSize];
    EncodeNativeBinaryRecord(r, rec);
    return Emit(std::string_view(rec, sizeof(rec)));
  }
  absl::Status WriteTrailer() override {
    if (index_ == 0) return WriteHeader(0);
    // Fill in the record count when the output is a seekable plain file.
    char header[kNativeBinaryHeaderSize];
    EncodeNativeBinaryHeader(records_, header);
    absl::Status s = sink_->PatchAt(0, std::string_view(header, sizeof(header)));
    return s.code() == absl::StatusCode::kUnimplemented ? absl::OkStatus() : s;
  }

 private:
  absl::Status WriteHeader(uint64_t count) {
    char header[kNativeBinaryHeaderSize];
    EncodeNativeBinaryHeader(count, header);
    return Emit(std::string_view(header, sizeof(header)));
  }
};

// Seconds (or ms, …) as "S.ffffff" or, when the ns digits are not zero,
// "S.fffffffff": exact, and short for µs-resolution times.
void AppendFraction(LineBuf* b, int64_t ns, int64_t unit_ns, int digits) {
  b->I(ns / unit_ns).C('.');
  const int64_t frac = ns % unit_ns;
  b->Padded(static_cast<uint64_t>(frac), digits);
}

// ---- spc ----

class SpcWriter final : public WriterBase {
 public:
  explicit SpcWriter(std::unique_ptr<ByteSink> sink) : WriterBase("spc", std::move(sink)) {}

 protected:
  absl::Status WriteRecord(const TraceRecord& r) override {
    if (absl::Status s = NeedSectors(r); !s.ok()) return s;
    line_.Clear();
    line_.U(r.device).C(',').U(r.offset / kSectorBytes).C(',').U(r.length).C(',');
    line_.C(r.op == TraceOp::kRead ? 'r' : 'w').C(',');
    if (r.time_ns % 1000 == 0) {
      line_.I(r.time_ns / 1'000'000'000)
          .C('.')
          .Padded(static_cast<uint64_t>((r.time_ns % 1'000'000'000) / 1000), 6);
    } else {
      AppendFraction(&line_, r.time_ns, 1'000'000'000, 9);
    }
    line_.C('\n');
    return Emit(line_.view());
  }
};

// ---- disksim ----

class DiskSimWriter final : public WriterBase {
 public:
  explicit DiskSimWriter(std::unique_ptr<ByteSink> sink) : WriterBase("disksim", std::move(sink)) {}

 protected:
  absl::Status WriteRecord(const TraceRecord& r) override {
    if (absl::Status s = NeedSectors(r); !s.ok()) return s;
    line_.Clear();
    AppendFraction(&line_, r.time_ns, 1'000'000, 6);
    line_.C(' ').U(r.device).C(' ').U(r.offset / kSectorBytes).C(' ');
    line_.U(r.length / kSectorBytes).C(' ').C(r.op == TraceOp::kRead ? '1' : '0').C('\n');
    return Emit(line_.view());
  }
};

// ---- blkparse ----

class BlkparseWriter final : public WriterBase {
 public:
  BlkparseWriter(std::unique_ptr<ByteSink> sink, const TraceReader* names)
      : WriterBase("blkparse", std::move(sink)), names_(names) {}

 protected:
  absl::Status WriteRecord(const TraceRecord& r) override {
    if (absl::Status s = NeedSectors(r); !s.ok()) return s;
    // "  8,16   0        1     0.000001850 18615  Q   R 1444645666 + 256 [iosched]"
    line_.Clear();
    const uint32_t minor = r.device & 0xFFFFF;
    line_.Right(r.device >> 20, 3).C(',').U(minor);
    line_.S(minor < 10 ? "  " : minor < 100 ? " " : "");
    line_.S("  0 ").Right(index_, 8).C(' ');
    line_.Right(static_cast<uint64_t>(r.time_ns / 1'000'000'000), 5)
        .C('.')
        .Padded(static_cast<uint64_t>(r.time_ns % 1'000'000'000), 9);
    line_.C(' ').Right(r.stream.value_or(0), 5).S("  Q   ").C(r.op == TraceOp::kRead ? 'R' : 'W');
    std::string_view comm;
    if (names_ != nullptr && r.stream) comm = names_->stream_name(*r.stream);
    if (comm.empty()) comm = "iosched";
    line_.C(' ').U(r.offset / kSectorBytes).S(" + ").U(r.length / kSectorBytes).S(" [");
    line_.S(comm).S("]\n");
    return Emit(line_.view());
  }

 private:
  const TraceReader* names_;
};

// ---- fio ----

class FioWriter final : public WriterBase {
 public:
  FioWriter(std::unique_ptr<ByteSink> sink, int version, std::string file)
      : WriterBase(version == 3 ? "fio-v3" : "fio-v2", std::move(sink)),
        version_(version),
        file_(std::move(file)) {}

 protected:
  absl::Status WriteRecord(const TraceRecord& r) override {
    if (index_ == 1) {
      if (absl::Status s = Emit(version_ == 3 ? "fio version 3 iolog\n" : "fio version 2 iolog\n");
          !s.ok()) {
        return s;
      }
    }
    const int64_t us = r.time_ns / 1000;
    last_us_ = us;
    const std::string* name = FileFor(r.device);
    if (name == nullptr) {
      std::string n = r.device == 0 ? file_ : absl::StrCat(file_, ".", r.device);
      name = &files_.emplace(r.device, std::move(n)).first->second;
      order_.push_back(r.device);
      for (std::string_view action : {"add", "open"}) {
        line_.Clear();
        Stamp(us).S(*name).C(' ').S(action).C('\n');
        if (absl::Status s = Emit(line_.view()); !s.ok()) return s;
      }
    }
    if (version_ == 2) {
      const int64_t ms = r.time_ns / 1'000'000;
      if (ms > wait_ms_) {
        wait_ms_ = ms;
        line_.Clear();
        line_.S(*name).S(" wait ").I(ms).S(" 0\n");
        if (absl::Status s = Emit(line_.view()); !s.ok()) return s;
      }
    }
    line_.Clear();
    Stamp(us).S(*name).S(r.op == TraceOp::kRead ? " read " : " write ");
    line_.U(r.offset).C(' ').U(r.length).C('\n');
    return Emit(line_.view());
  }
  absl::Status WriteTrailer() override {
    if (index_ == 0) {
      return Emit(version_ == 3 ? "fio version 3 iolog\n" : "fio version 2 iolog\n");
    }
    for (uint32_t d : order_) {
      line_.Clear();
      Stamp(last_us_).S(files_[d]).S(" close\n");
      if (absl::Status s = Emit(line_.view()); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  LineBuf& Stamp(int64_t us) {
    if (version_ == 3) line_.I(us).C(' ');
    return line_;
  }
  const std::string* FileFor(uint32_t device) {
    if (last_ != nullptr && last_device_ == device) return last_;
    auto it = files_.find(device);
    if (it == files_.end()) return nullptr;
    last_device_ = device;
    last_ = &it->second;
    return last_;
  }

  const int version_;
  const std::string file_;
  std::unordered_map<uint32_t, std::string> files_;  // node-based: pointers stay valid
  std::vector<uint32_t> order_;
  const std::string* last_ = nullptr;
  uint32_t last_device_ = 0;
  int64_t last_us_ = 0;
  int64_t wait_ms_ = 0;
};

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(AbslView(s)); }

absl::StatusOr<std::unique_ptr<TraceWriter>> MakeWriter(std::unique_ptr<ByteSink> sink,
                                                        const TraceWriterOptions& o) {
  std::string name = Lower(o.format);
  if (name != "fio") {
    absl::StatusOr<std::string> canonical = CanonicalTraceFormat(name);
    if (!canonical.ok()) return canonical.status();
    name = *std::move(canonical);
  }
  if (name == "iosched-csv") {
    return std::unique_ptr<TraceWriter>(
        new NativeCsvWriter(std::move(sink), o.device_column, o.ioprio_column));
  }
  if (name == "iosched-bin")
    return std::unique_ptr<TraceWriter>(new NativeBinaryWriter(std::move(sink)));
  if (name == "spc") return std::unique_ptr<TraceWriter>(new SpcWriter(std::move(sink)));
  if (name == "disksim") return std::unique_ptr<TraceWriter>(new DiskSimWriter(std::move(sink)));
  if (name == "blkparse")
    return std::unique_ptr<TraceWriter>(new BlkparseWriter(std::move(sink), o.stream_names));
  if (name == "fio" || name == "fio-v3" || name == "fio-v2") {
    if (o.fio_file.empty() || o.fio_file.find_first_of(" \t\n") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("fio file name must be non-empty without blanks, got '", o.fio_file, "'"));
    }
    return std::unique_ptr<TraceWriter>(
        new FioWriter(std::move(sink), name == "fio-v2" ? 2 : 3, o.fio_file));
  }
  std::vector<std::string> writable = WritableTraceFormats();
  return absl::InvalidArgumentError(absl::StrCat(
      "cannot write trace format '", name, "'; writable formats: ", absl::StrJoin(writable, ", ")));
}

}  // namespace
}  // namespace traces_internal

std::vector<std::string> WritableTraceFormats() {
  std::vector<std::string> out;
  for (const TraceFormatInfo& f : TraceFormats()) {
    if (f.writable) out.push_back(f.name);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<TraceWriter>> OpenTraceWriter(const std::string& path,
                                                             const TraceWriterOptions& options) {
  // Check the format before creating (and truncating) the file.
  std::string probe;
  if (absl::StatusOr<std::unique_ptr<TraceWriter>> w =
          traces_internal::MakeWriter(traces_internal::StringByteSink(&probe), options);
      !w.ok()) {
    return w.status();
  }
  absl::StatusOr<std::unique_ptr<traces_internal::ByteSink>> sink =
      traces_internal::OpenByteSink(path);
  if (!sink.ok()) return sink.status();
  return traces_internal::MakeWriter(*std::move(sink), options);
}

absl::StatusOr<std::unique_ptr<TraceWriter>> OpenTraceWriterToString(
    std::string* out, const TraceWriterOptions& options) {
  return traces_internal::MakeWriter(traces_internal::StringByteSink(out), options);
}

}  // namespace iosched
