// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// JSON for the CLI's own documents (`iosched compare --format json`, the
// input of `iosched plot`, info/validate/fsbench output), on top of
// nlohmann-json. This header adds only what nlohmann does not give:
//
//  * ParseJson/ReadJsonFile: errors as one line "SOURCE:LINE:COLUMN: what"
//    (nlohmann reports a byte offset; it is converted here), a bound on
//    nesting, duplicate member names rejected, and the 1-based line where
//    every value starts, so that a reader of the tree can say where a
//    well-formed but wrong value is (JsonDocument::Line).
//  * DumpJson: the one output format (compact, key order as inserted).
//  * FormatDouble: the shortest text that reads back as the same double,
//    for CSV and other text output.
//
// Numbers: nlohmann keeps integers as int64/uint64 and the rest as double;
// Json::get<double>() reads any of them. Doubles are written in the
// shortest form that parses back to the same bits (std::to_chars, not
// nlohmann's printer, which is exact but not always shortest); integral
// doubles keep a ".0". NaN and infinities have no JSON spelling: DumpJson
// writes them as null, and readers of iosched's documents treat a null
// number as "no value" (see plot.h).
//
// Strings are UTF-8. On input, malformed UTF-8 is a parse error; on output,
// malformed UTF-8 (e.g. a non-UTF-8 file name) is replaced by U+FFFD
// rather than producing invalid JSON.
//
// Thread-safety: a JsonDocument is immutable after parsing; concurrent
// reads are safe. The functions are reentrant.

#ifndef IOSCHED_TOOLS_JSON_IO_H_
#define IOSCHED_TOOLS_JSON_IO_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/statusor.h"

namespace iosched {

// Objects keep their members in insertion (document) order, so output is
// stable and matches what the code writes.
using Json = nlohmann::ordered_json;

// Deeper nesting is a parse error, so hostile input cannot exhaust memory
// or the stack of a recursive reader.
inline constexpr int kMaxJsonDepth = 256;

// "null", "bool", "number", "string", "array" or "object" (for messages).
const char* JsonTypeName(const Json& v);

// A parsed document that remembers where its values start. Move-only; the
// tree lives on the heap, so references into root() stay valid across
// moves.
class JsonDocument {
 public:
  JsonDocument(JsonDocument&&) = default;
  JsonDocument& operator=(JsonDocument&&) = default;
  ~JsonDocument();

  const Json& root() const { return *root_; }

  // The name given to ParseJson (usually a path), for messages.
  const std::string& source() const { return source_; }

  // 1-based line on which `v` starts, if `v` is a value of root()
  // (objects and arrays: the line of '{' or '['); 0 otherwise.
  int Line(const Json& v) const;

 private:
  friend absl::StatusOr<JsonDocument> ParseJson(std::string_view, std::string_view);
  JsonDocument() = default;

  std::string source_;
  std::unique_ptr<Json> root_;
  std::unordered_map<const Json*, int> lines_;
};

// Parses one JSON document (RFC 8259; surrounding whitespace allowed,
// nothing else). `source` names the document in error messages, which are
// InvalidArgument and read "SOURCE:LINE:COLUMN: …" (1-based, COLUMN in
// bytes) with nlohmann's description of what was expected and found.
absl::StatusOr<JsonDocument> ParseJson(std::string_view text, std::string_view source);

// Reads and parses the file at `path`. A file that cannot be opened is
// NotFound naming the path; parse errors are "path:line:column: …".
absl::StatusOr<JsonDocument> ReadJsonFile(const std::string& path);

// `v` on one line, no whitespace, followed by "\n"; keys in insertion
// order. See the header comment for numbers, NaN/infinity and UTF-8.
std::string DumpJson(const Json& v);

// The shortest decimal text that std::from_chars reads back as exactly `v`
// (std::to_chars): 0.1 → "0.1", 7488421.123456789 → "7488421.123456789",
// 1e-300 → "1e-300", 5.0 → "5". NaN and infinities print as "nan", "inf",
// "-inf".
std::string FormatDouble(double v);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_JSON_IO_H_
