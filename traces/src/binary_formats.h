// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Binary trace formats (layouts in trace.h): the iosched native binary
// format and the HP Labs SRT format, plus the fixed-record block reader
// they share.
//
// Errors name the record and its byte position: "PATH: record N at byte B:
// expected …, got …". A file that ends inside a record is an error
// ("truncated"); with skip_bad_lines the partial record is counted as one
// bad record and the trace ends there.
//
// Thread-safety: one thread at a time per reader.

#ifndef IOSCHED_TRACES_BINARY_FORMATS_H_
#define IOSCHED_TRACES_BINARY_FORMATS_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "byte_source.h"
#include "iosched/trace.h"

namespace iosched::traces_internal {

inline constexpr std::string_view kNativeBinaryMagic = "IOSCHEDB";
inline constexpr size_t kNativeBinaryHeaderSize = 32;
inline constexpr size_t kNativeBinaryRecordSize = 48;
inline constexpr uint32_t kNativeBinaryVersion = 1;
// length_flags bits.
inline constexpr uint64_t kNbLengthMask = (uint64_t{1} << 48) - 1;
inline constexpr uint64_t kNbWrite = uint64_t{1} << 48;
inline constexpr uint64_t kNbHasStream = uint64_t{1} << 49;
inline constexpr uint64_t kNbHasThink = uint64_t{1} << 50;
inline constexpr uint64_t kNbHasResponse = uint64_t{1} << 51;
// Bit 52: an ioprio is present; bits 53-54 its class (1 rt, 2 be, 3 idle);
// bits 55-57 its level.
inline constexpr uint64_t kNbHasIoprio = uint64_t{1} << 52;
inline constexpr int kNbIoprioClassShift = 53;
inline constexpr int kNbIoprioLevelShift = 55;
inline constexpr uint64_t kNbIoprioBits = uint64_t{0x3F} << 52;
inline constexpr uint64_t kNbKnownFlags =
    kNbWrite | kNbHasStream | kNbHasThink | kNbHasResponse | kNbIoprioBits;

inline constexpr std::string_view kSrtMagic = "$$TR_IOREC";
inline constexpr size_t kSrtRecordSize = 56;

inline uint64_t LoadLE64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
inline uint32_t LoadLE32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}
inline int32_t LoadBE32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return static_cast<int32_t>(v);
}
inline void StoreLE64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
inline void StoreLE32(char* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

// Hands out fixed-size records from a ByteSource, reading large blocks.
class RecordBlockReader {
 public:
  RecordBlockReader(ByteSource* source, size_t record_size);
  // Points *rec at the next record. Returns false at the end; *partial is
  // then the size of a trailing incomplete record (0 if none).
  absl::StatusOr<bool> Next(const char** rec, size_t* partial);

 private:
  ByteSource* source_;
  size_t record_size_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

// Error "PATH: record N at byte B: expected …, got …".
absl::Status RecordError(std::string_view path, uint64_t record, uint64_t byte,
                         std::string_view expected, std::string_view got);

absl::StatusOr<std::unique_ptr<TraceReader>> OpenNativeBinary(std::unique_ptr<ByteSource> source,
                                                              bool skip_bad_lines);
absl::StatusOr<std::unique_ptr<TraceReader>> OpenHplSrt(std::unique_ptr<ByteSource> source,
                                                        bool skip_bad_lines);

// Encodes one record in the native binary layout (kNativeBinaryRecordSize
// bytes at `out`).
void EncodeNativeBinaryRecord(const TraceRecord& rec, char* out);
// The 32-byte header with `record_count` (0 = unknown).
void EncodeNativeBinaryHeader(uint64_t record_count, char* out);

}  // namespace iosched::traces_internal

#endif  // IOSCHED_TRACES_BINARY_FORMATS_H_
