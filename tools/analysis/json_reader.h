// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A small JSON reader for the CLI's own documents (`iosched plot
// RESULTS.json`): RFC 8259 grammar, no extensions, no dependencies.
//
// The whole document is parsed into a JsonValue tree. Object members keep
// their order; with duplicate keys Find() returns the first. Numbers are
// doubles (integers up to 2^53 are exact). Strings are UTF-8; \uXXXX escapes
// (with surrogate pairs) are decoded. Nesting deeper than kMaxJsonDepth is
// an error, so hostile input cannot exhaust the stack.
//
// Errors are one line, "SOURCE:LINE: expected …, got …", where SOURCE is the
// name given to ParseJson (usually the file path) and LINE is 1-based.
//
// Thread-safety: values are immutable after parsing; concurrent reads are
// safe.

#ifndef IOSCHED_TOOLS_JSON_READER_H_
#define IOSCHED_TOOLS_JSON_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace iosched {

inline constexpr int kMaxJsonDepth = 256;

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue() = default;

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // The value; meaningful only for the matching type (otherwise false, 0 or
  // empty).
  bool boolean() const { return bool_; }
  double number() const { return number_; }
  const std::string& string() const { return string_; }

  // Array elements, or object member values (in document order).
  const std::vector<JsonValue>& items() const { return items_; }
  // Object member names, parallel to items(); empty for arrays.
  const std::vector<std::string>& keys() const { return keys_; }
  size_t size() const { return items_.size(); }

  // The first member named `key`, or nullptr if absent or not an object.
  const JsonValue* Find(std::string_view key) const;

  // 1-based line where the value starts in its document.
  int line() const { return line_; }

  // "null", "bool", "number", "string", "array" or "object".
  static const char* TypeName(Type t);

 private:
  friend class JsonParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<std::string> keys_;
  std::vector<JsonValue> items_;
  int line_ = 1;
};

// Parses one JSON document (surrounding whitespace allowed, nothing else).
// `source` names the document in error messages.
absl::StatusOr<JsonValue> ParseJson(std::string_view text, std::string_view source);

// Reads and parses the file at `path`. NotFound/PermissionDenied style
// errors name the path; parse errors are "path:line: …".
absl::StatusOr<JsonValue> ReadJsonFile(const std::string& path);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_JSON_READER_H_
