// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "json_reader.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "iosched/status_macros.h"

namespace iosched {

const char* JsonValue::TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "bool";
    case Type::kNumber:
      return "number";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "?";
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

class JsonParser {
 public:
  JsonParser(std::string_view text, std::string_view source) : s_(text), source_(source) {}

  absl::StatusOr<JsonValue> Document() {
    JsonValue v;
    SkipWs();
    IOSCHED_RETURN_IF_ERROR(Value(&v, 0));
    SkipWs();
    if (i_ != s_.size()) return Error("end of document");
    return v;
  }

 private:
  // What is at the current position, for "got …".
  std::string Got() const {
    if (i_ >= s_.size()) return "end of input";
    const unsigned char c = s_[i_];
    if (c < 0x20 || c >= 0x7f) return absl::StrCat("byte 0x", absl::Hex(c, absl::kZeroPad2));
    std::string_view rest = s_.substr(i_, 12);
    const size_t nl = rest.find_first_of("\r\n");
    if (nl != std::string_view::npos) rest = rest.substr(0, nl);
    return absl::StrCat("'", Sv(rest), "'");
  }

  absl::Status Error(std::string_view expected) const {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(source_), ":", line_, ": expected ", Sv(expected), ", got ", Got()));
  }

  void SkipWs() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++i_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  absl::Status Value(JsonValue* v, int depth) {
    if (depth >= kMaxJsonDepth) {
      return Error(absl::StrCat("nesting of at most ", kMaxJsonDepth, " levels"));
    }
    v->line_ = line_;
    if (i_ >= s_.size()) return Error("a value");
    switch (s_[i_]) {
      case '{':
        return Object(v, depth);
      case '[':
        return Array(v, depth);
      case '"':
        v->type_ = JsonValue::Type::kString;
        return String(&v->string_);
      case 't':
      case 'f':
        v->type_ = JsonValue::Type::kBool;
        v->bool_ = s_[i_] == 't';
        if (Literal(v->bool_ ? "true" : "false")) return absl::OkStatus();
        return Error("a value");
      case 'n':
        if (Literal("null")) return absl::OkStatus();
        return Error("a value");
      default:
        v->type_ = JsonValue::Type::kNumber;
        return Number(&v->number_);
    }
  }

  absl::Status Object(JsonValue* v, int depth) {
    v->type_ = JsonValue::Type::kObject;
    ++i_;  // '{'
    SkipWs();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return absl::OkStatus();
    }
    while (true) {
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != '"') return Error("a member name string");
      std::string key;
      IOSCHED_RETURN_IF_ERROR(String(&key));
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != ':') return Error("':' after a member name");
      ++i_;
      SkipWs();
      v->keys_.push_back(std::move(key));
      v->items_.emplace_back();
      IOSCHED_RETURN_IF_ERROR(Value(&v->items_.back(), depth + 1));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return absl::OkStatus();
      }
      return Error("',' or '}' in an object");
    }
  }

  absl::Status Array(JsonValue* v, int depth) {
    v->type_ = JsonValue::Type::kArray;
    ++i_;  // '['
    SkipWs();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return absl::OkStatus();
    }
    while (true) {
      SkipWs();
      v->items_.emplace_back();
      IOSCHED_RETURN_IF_ERROR(Value(&v->items_.back(), depth + 1));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return absl::OkStatus();
      }
      return Error("',' or ']' in an array");
    }
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xc0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xe0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      *out += static_cast<char>(0xf0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  // Four hex digits at i_; advances past them.
  absl::StatusOr<uint32_t> Hex4() {
    uint32_t cp = 0;
    for (int k = 0; k < 4; ++k) {
      if (i_ >= s_.size()) return Error("4 hex digits after \\u");
      const char c = s_[i_];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return Error("4 hex digits after \\u");
      }
      cp = cp * 16 + d;
      ++i_;
    }
    return cp;
  }

  absl::Status String(std::string* out) {
    ++i_;  // opening quote
    while (true) {
      if (i_ >= s_.size()) return Error("a closing '\"'");
      const unsigned char c = s_[i_];
      if (c == '"') {
        ++i_;
        return absl::OkStatus();
      }
      if (c < 0x20) return Error("no control characters inside a string");
      if (c != '\\') {
        *out += static_cast<char>(c);
        ++i_;
        continue;
      }
      ++i_;
      if (i_ >= s_.size()) return Error("an escape after '\\'");
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          *out += e;
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'u': {
          IOSCHED_ASSIGN_OR_RETURN(uint32_t cp, Hex4());
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (!Literal("\\u")) return Error("a low surrogate \\uDC00-\\uDFFF");
            IOSCHED_ASSIGN_OR_RETURN(uint32_t lo, Hex4());
            if (lo < 0xdc00 || lo > 0xdfff) {
              i_ -= 6;
              return Error("a low surrogate \\uDC00-\\uDFFF");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            i_ -= 6;
            return Error("a high surrogate before a low one");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --i_;
          return Error("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
      }
    }
  }

  size_t Digits() {
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ - start;
  }

  absl::Status Number(double* out) {
    const size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (Digits() == 0) {
      i_ = start;
      return Error("a value");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (Digits() == 0) return Error("digits after '.'");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (Digits() == 0) return Error("digits in the exponent");
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + i_;
    const auto [ptr, ec] = std::from_chars(first, last, *out);
    if (ec == std::errc::result_out_of_range) {
      i_ = start;
      return Error("a number within the range of a double");
    }
    if (ec != std::errc() || ptr != last) {
      i_ = start;
      return Error("a number");
    }
    return absl::OkStatus();
  }

  std::string_view s_;
  std::string_view source_;
  size_t i_ = 0;
  int line_ = 1;
};

absl::StatusOr<JsonValue> ParseJson(std::string_view text, std::string_view source) {
  return JsonParser(text, source).Document();
}

absl::StatusOr<JsonValue> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return ParseJson(text.str(), path);
}

}  // namespace iosched
