// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "json_writer.h"

#include <cmath>
#include <cstdio>

namespace iosched {

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ",";
    first_.back() = false;
  }
}

void JsonWriter::BeginObject() {
  Separate();
  out_ += "{";
  first_.push_back(true);
}
void JsonWriter::EndObject() {
  first_.pop_back();
  out_ += "}";
}
void JsonWriter::BeginArray() {
  Separate();
  out_ += "[";
  first_.push_back(true);
}
void JsonWriter::EndArray() {
  first_.pop_back();
  out_ += "]";
}
void JsonWriter::Key(std::string_view k) {
  Separate();
  out_ += "\"" + JsonEscape(k) + "\":";
  after_key_ = true;
}
void JsonWriter::String(std::string_view v) {
  Separate();
  out_ += "\"" + JsonEscape(v) + "\"";
}
void JsonWriter::Int(int64_t v) {
  Separate();
  out_ += std::to_string(v);
}
void JsonWriter::UInt(uint64_t v) {
  Separate();
  out_ += std::to_string(v);
}
void JsonWriter::Double(double v) {
  Separate();
  if (!std::isfinite(v)) {
    out_ += "null";
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out_ += buf;
}
void JsonWriter::Bool(bool v) {
  Separate();
  out_ += v ? "true" : "false";
}

}  // namespace iosched
