// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ParseJson drives nlohmann's SAX parser with a handler that builds the
// ordered tree (like nlohmann's own DOM builder) and notes the line of
// each value as it starts. The input is read through an iterator that
// publishes how far the lexer has read, which is how a SAX event learns
// its position: nlohmann calls the handler right after the token that
// produced the event, having read at most one byte past it (after a
// number). Lines are recorded in document order and attached to the
// finished tree's nodes in a pre-order walk, because node addresses are
// not stable while siblings are still being appended.

#include "json_io.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

// A forward iterator over the text that records, in *read, the position of
// the furthest byte handed out so far.
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* p, const char** read) : p_(p), read_(read) {}

  reference operator*() const { return *p_; }
  TrackingIterator& operator++() {
    *read_ = ++p_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const TrackingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char** read_;
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// 1-based line and column (in bytes) of the byte at `offset` in `text`
// (offset == text.size(): just past the end).
std::pair<size_t, size_t> LineColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at
// line 1, column 2: syntax error while …": keep only the description.
std::string_view Description(std::string_view what) {
  if (what.substr(0, 1) == "[") {
    if (size_t end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  if (what.substr(0, 11) == "parse error") {
    if (size_t colon = what.find(": "); colon != std::string_view::npos) {
      what.remove_prefix(colon + 2);
    }
  }
  return what;
}

class TreeBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  TreeBuilder(std::string_view text, std::string_view source, const char* const* read)
      : text_(text), source_(source), read_(read) {}

  // --- nlohmann's SAX interface ---
  bool null() { return Add(Json(nullptr)) != nullptr; }
  bool boolean(bool v) { return Add(Json(v)) != nullptr; }
  bool number_integer(number_integer_t v) { return Add(Json(v)) != nullptr; }
  bool number_unsigned(number_unsigned_t v) { return Add(Json(v)) != nullptr; }
  bool number_float(number_float_t v, const string_t& /*text*/) { return Add(Json(v)) != nullptr; }
  bool string(string_t& v) { return Add(Json(std::move(v))) != nullptr; }
  bool binary(binary_t& v) { return Add(Json::binary(std::move(v))) != nullptr; }

  bool start_object(std::size_t /*size*/) { return Open(Json::object()); }
  bool start_array(std::size_t /*size*/) { return Open(Json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(string_t& k) {
    Json& object = *open_.back();
    if (object.contains(k)) {
      // The name as JSON text, so that quotes and control bytes stay readable.
      const std::string name = Json(k).dump(-1, ' ', false, Json::error_handler_t::replace);
      return Fail(OpeningQuote(Here()), absl::StrCat("duplicate member name ", name,
                                                     " (each name may appear once in an object)"));
    }
    member_ = &object[std::move(k)];
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const Json::exception& e) {
    // `position` counts the bytes read, the offending one included. The
    // description quotes the input ("last read: …"), which may be any
    // bytes: keep the message printable ASCII.
    std::string what;
    for (const unsigned char c : Description(e.what())) {
      if (c >= 0x20 && c < 0x7f) {
        what += static_cast<char>(c);
      } else {
        absl::StrAppend(&what, "\\x", absl::Hex(c, absl::kZeroPad2));
      }
    }
    return Fail(position == 0 ? 0 : position - 1, what);
  }

  // --- results ---
  const absl::Status& status() const { return status_; }
  std::unique_ptr<Json> TakeRoot() { return std::move(root_); }
  const std::vector<int>& lines() const { return lines_; }

 private:
  // Offset of the last byte the lexer has read.
  size_t Here() const {
    const size_t read = static_cast<size_t>(*read_ - text_.data());
    return read == 0 ? 0 : read - 1;
  }

  // Offset of the '"' that opens the string whose closing '"' is at
  // `close` (skipping escaped quotes inside it).
  size_t OpeningQuote(size_t close) const {
    for (size_t p = close; p > 0;) {
      --p;
      if (text_[p] != '"') continue;
      size_t backslashes = 0;
      while (backslashes < p && text_[p - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return p;
    }
    return 0;
  }

  // Line of the token just read: its last byte is the last non-blank byte
  // read (a number is followed by one byte of lookahead, perhaps '\n').
  int TokenLine() {
    size_t q = Here();
    while (q > 0 && IsJsonSpace(text_[q])) --q;
    for (; counted_ < q; ++counted_) {
      if (text_[counted_] == '\n') ++line_;
    }
    return line_;
  }

  // Places a new value; returns where it now lives (valid until a sibling
  // is added to its parent).
  Json* Add(Json v) {
    lines_.push_back(TokenLine());
    if (open_.empty()) {
      root_ = std::make_unique<Json>(std::move(v));
      return root_.get();
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    *member_ = std::move(v);
    return member_;
  }

  bool Open(Json empty) {
    if (open_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      return Fail(Here(), absl::StrCat("expected nesting of at most ", kMaxJsonDepth,
                                       " levels of arrays and objects"));
    }
    open_.push_back(Add(std::move(empty)));
    return true;
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  bool Fail(size_t offset, std::string_view what) {
    const auto [line, column] = LineColumn(text_, offset);
    status_ = absl::InvalidArgumentError(
        absl::StrCat(Sv(source_), ":", line, ":", column, ": ", Sv(what)));
    return false;
  }

  std::string_view text_;
  std::string_view source_;
  const char* const* read_;
  std::unique_ptr<Json> root_;
  std::vector<Json*> open_;  // the open arrays and objects, innermost last
  Json* member_ = nullptr;   // the member named by the last key()
  std::vector<int> lines_;   // line of each value, in document order
  size_t counted_ = 0;       // newlines before this offset are in line_
  int line_ = 1;
  absl::Status status_;
};

void AttachLines(const Json& v, const std::vector<int>& lines, size_t* next,
                 std::unordered_map<const Json*, int>* out) {
  (*out)[&v] = lines[(*next)++];
  if (v.is_array() || v.is_object()) {
    for (const Json& child : v) AttachLines(child, lines, next, out);
  }
}

}  // namespace

const char* JsonTypeName(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "binary";
}

JsonDocument::~JsonDocument() = default;

int JsonDocument::Line(const Json& v) const {
  const auto it = lines_.find(&v);
  return it == lines_.end() ? 0 : it->second;
}

absl::StatusOr<JsonDocument> ParseJson(std::string_view text, std::string_view source) {
  const char* read = text.data();
  TreeBuilder builder(text, source, &read);
  const bool ok = Json::sax_parse(TrackingIterator(text.data(), &read),
                                  TrackingIterator(text.data() + text.size(), &read), &builder);
  if (!ok) {
    if (!builder.status().ok()) return builder.status();
    return absl::InvalidArgumentError(absl::StrCat(Sv(source), ": malformed JSON"));
  }
  JsonDocument doc;
  doc.source_ = std::string(source);
  doc.root_ = builder.TakeRoot();
  size_t next = 0;
  doc.lines_.reserve(builder.lines().size());
  AttachLines(*doc.root_, builder.lines(), &next, &doc.lines_);
  return doc;
}

absl::StatusOr<JsonDocument> ReadJsonFile(const std::string& path) {
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

namespace {

// nlohmann's own dump() prints doubles with Grisu2, which always reads back
// exactly but is not always the shortest such text (56.196630999999996 for
// 56.196631, about 1 in 1,000 doubles; see DumpJson.DoublesAreShortest).
// So the tree is walked here and doubles go through std::to_chars; keys,
// strings, integers, booleans and null are still printed by nlohmann.
void Dump(const Json& v, std::string* out) {
  const auto scalar = [out](const Json& x) {
    *out += x.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
  };
  switch (v.type()) {
    case Json::value_t::object: {
      *out += '{';
      bool first = true;
      for (const auto& [key, member] : v.items()) {
        if (!first) *out += ',';
        first = false;
        scalar(Json(key));
        *out += ':';
        Dump(member, out);
      }
      *out += '}';
      return;
    }
    case Json::value_t::array: {
      *out += '[';
      bool first = true;
      for (const Json& element : v) {
        if (!first) *out += ',';
        first = false;
        Dump(element, out);
      }
      *out += ']';
      return;
    }
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) {
        *out += "null";
        return;
      }
      const std::string text = FormatDouble(d);
      *out += text;
      // Integral doubles keep a fraction ("5.0"), so that they read back as
      // doubles rather than integers, as nlohmann writes them.
      if (text.find_first_of(".e") == std::string::npos) *out += ".0";
      return;
    }
    default:
      scalar(v);
  }
}

}  // namespace

std::string DumpJson(const Json& v) {
  std::string out;
  Dump(v, &out);
  out += '\n';
  return out;
}

std::string FormatDouble(double v) {
  char buf[32];  // the longest shortest form is 24 characters
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "nan";  // cannot happen with 32 bytes
  return std::string(buf, end);
}

}  // namespace iosched
