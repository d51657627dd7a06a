// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// JsonWriter: a tiny streaming JSON emitter for the CLI's machine-readable
// output. Keys are emitted in the order written, so output is stable.
// Doubles are printed with up to 6 significant decimals; NaN/inf as null.
// Not thread-safe.

#ifndef IOSCHED_TOOLS_JSON_WRITER_H_
#define IOSCHED_TOOLS_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iosched {

class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view k);
  void String(std::string_view v);
  void Int(int64_t v);
  void UInt(uint64_t v);
  void Double(double v);
  void Bool(bool v);

  // Key + value shorthands.
  void Field(std::string_view k, std::string_view v) { Key(k), String(v); }
  void Field(std::string_view k, const char* v) { Key(k), String(v); }
  void Field(std::string_view k, double v) { Key(k), Double(v); }
  void Field(std::string_view k, uint64_t v) { Key(k), UInt(v); }
  void Field(std::string_view k, int64_t v) { Key(k), Int(v); }
  void Field(std::string_view k, uint32_t v) { Key(k), UInt(v); }
  void Field(std::string_view k, int v) { Key(k), Int(v); }
  void Field(std::string_view k, bool v) { Key(k), Bool(v); }

  const std::string& str() const { return out_; }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Escapes `s` as the inside of a JSON string.
std::string JsonEscape(std::string_view s);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_JSON_WRITER_H_
