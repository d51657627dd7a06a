// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The generic CSV reader: any delimited text trace, described by a column
// mapping (csv_mapping.h, grammar in trace.h).
//
// Header lines are the first `header` lines that are neither blank nor '#'
// comments; the last of them holds the column titles that the mapping may
// name. A title that is not in the header stops the reader (it is not a
// bad line that --skip-bad-lines could skip).

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "csv_mapping.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

absl::Status MappingError(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("--csv mapping: ", AbslView(what)));
}

bool TimeScale(std::string_view unit, int* scale) {
  if (unit == "ns") {
    *scale = 0;
  } else if (unit == "100ns") {
    *scale = 2;
  } else if (unit == "us") {
    *scale = 3;
  } else if (unit == "ms") {
    *scale = 6;
  } else if (unit == "s") {
    *scale = 9;
  } else {
    return false;
  }
  return true;
}

bool SizeUnit(std::string_view unit, uint64_t* bytes) {
  if (unit == "B" || unit == "b") {
    *bytes = 1;
  } else if (unit == "S" || unit == "s") {
    *bytes = 512;
  } else if (unit == "K" || unit == "k" || unit == "KiB") {
    *bytes = 1024;
  } else {
    return ParseUint64(unit, bytes) && *bytes > 0;
  }
  return true;
}

absl::Status SetColumn(std::string_view key, std::string_view col, CsvColumn* c) {
  if (c->used) return MappingError(absl::StrCat("key '", AbslView(key), "' given twice"));
  col = StripBlanks(col);
  if (col.empty()) return MappingError(absl::StrCat("'", AbslView(key), "' needs a column"));
  c->used = true;
  uint32_t number;
  if (ParseUint32(col, &number)) {
    if (number == 0 || number > 4096) {
      return MappingError(absl::StrCat("column numbers start at 1 (at most 4096), got ",
                                       AbslView(key), "=", number));
    }
    c->index = static_cast<int32_t>(number - 1);
  } else {
    c->title = std::string(col);
  }
  return absl::OkStatus();
}

// "COL:UNIT" → column and unit text (unit required when `need_unit`).
absl::Status SplitColumnUnit(std::string_view key, std::string_view value, bool need_unit,
                             std::string_view* col, std::string_view* unit) {
  const size_t colon = value.rfind(':');
  if (colon == std::string_view::npos) {
    if (need_unit) {
      return MappingError(
          absl::StrCat("expected ", AbslView(key), "=COLUMN:UNIT, got '", AbslView(value), "'"));
    }
    *col = value;
    *unit = {};
    return absl::OkStatus();
  }
  *col = value.substr(0, colon);
  *unit = value.substr(colon + 1);
  return absl::OkStatus();
}

absl::Status SetTime(std::string_view key, std::string_view value, CsvColumn* c, int* scale,
                     std::string* unit_name) {
  std::string_view col, unit;
  if (absl::Status s = SplitColumnUnit(key, value, true, &col, &unit); !s.ok()) return s;
  if (!TimeScale(unit, scale)) {
    return MappingError(absl::StrCat("unknown time unit '", AbslView(unit), "' in ", AbslView(key),
                                     "=; use ns, 100ns, us, ms or s"));
  }
  if (unit_name != nullptr) *unit_name = std::string(unit);
  return SetColumn(key, col, c);
}

absl::Status SetSize(std::string_view key, std::string_view value, CsvColumn* c, uint64_t* bytes) {
  std::string_view col, unit;
  if (absl::Status s = SplitColumnUnit(key, value, true, &col, &unit); !s.ok()) return s;
  if (!SizeUnit(unit, bytes)) {
    return MappingError(absl::StrCat("unknown unit '", AbslView(unit), "' in ", AbslView(key),
                                     "=; use B, S (512-byte sectors), K or a block size in bytes"));
  }
  return SetColumn(key, col, c);
}

std::vector<std::string> Alternatives(std::string_view s) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(AbslView(s), '|')) {
    std::string_view p = StripBlanks(std::string_view(part.data(), part.size()));
    if (!p.empty()) out.emplace_back(p);
  }
  return out;
}

}  // namespace

absl::StatusOr<CsvMapping> ParseCsvMapping(std::string_view spec) {
  CsvMapping m;
  if (StripBlanks(spec).empty()) {
    return MappingError("empty; expected e.g. 'time=1:s,op=2:R/W,offset=3:B,size=4:B'");
  }
  for (absl::string_view item_abs : absl::StrSplit(AbslView(spec), ',')) {
    const std::string_view item = StripBlanks(std::string_view(item_abs.data(), item_abs.size()));
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return MappingError(absl::StrCat("expected key=value, got '", AbslView(item), "'"));
    }
    const std::string_view key = StripBlanks(item.substr(0, eq));
    const std::string_view value = StripBlanks(item.substr(eq + 1));
    if (key == "header") {
      if (!ParseUint32(value, &m.header_lines) || m.header_lines > 1000) {
        return MappingError(
            absl::StrCat("header= needs a line count 0..1000, got '", AbslView(value), "'"));
      }
    } else if (key == "sep") {
      if (value == "tab") {
        m.sep = '\t';
      } else if (value == "space") {
        m.blank_sep = true;
      } else if (value == "comma") {
        m.sep = ',';
      } else if (value == "semicolon") {
        m.sep = ';';
      } else if (value.size() == 1 && value[0] != '"') {
        m.sep = value[0];
      } else {
        return MappingError(
            absl::StrCat("sep= needs one character or tab, space, comma, semicolon, got '",
                         AbslView(value), "'"));
      }
    } else if (key == "time") {
      if (absl::Status s = SetTime(key, value, &m.time, &m.time_scale, &m.time_unit); !s.ok()) {
        return s;
      }
    } else if (key == "response") {
      if (absl::Status s = SetTime(key, value, &m.response, &m.response_scale, nullptr); !s.ok()) {
        return s;
      }
    } else if (key == "think") {
      if (absl::Status s = SetTime(key, value, &m.think, &m.think_scale, nullptr); !s.ok()) {
        return s;
      }
    } else if (key == "offset") {
      if (absl::Status s = SetSize(key, value, &m.offset, &m.offset_unit); !s.ok()) return s;
    } else if (key == "size" || key == "length") {
      if (absl::Status s = SetSize(key, value, &m.size, &m.size_unit); !s.ok()) return s;
    } else if (key == "op") {
      std::string_view col, values;
      if (absl::Status s = SplitColumnUnit(key, value, true, &col, &values); !s.ok()) return s;
      const size_t slash = values.find('/');
      if (slash == std::string_view::npos) {
        return MappingError(absl::StrCat("op= needs READ/WRITE values, e.g. op=Type:R/W, got '",
                                         AbslView(value), "'"));
      }
      m.read_values = Alternatives(values.substr(0, slash));
      m.write_values = Alternatives(values.substr(slash + 1));
      if (m.read_values.empty() || m.write_values.empty()) {
        return MappingError(
            absl::StrCat("op= needs non-empty READ/WRITE values, got '", AbslView(value), "'"));
      }
      if (absl::Status s = SetColumn(key, col, &m.op); !s.ok()) return s;
    } else if (key == "stream") {
      if (absl::Status s = SetColumn(key, value, &m.stream); !s.ok()) return s;
    } else if (key == "device") {
      if (absl::Status s = SetColumn(key, value, &m.device); !s.ok()) return s;
    } else {
      return MappingError(absl::StrCat("unknown key '", AbslView(key),
                                       "'; keys: header, sep, time, op, offset, size, stream, "
                                       "device, response, think"));
    }
  }
  for (auto [name, col] : {std::pair<const char*, const CsvColumn*>{"time", &m.time},
                           {"op", &m.op},
                           {"offset", &m.offset},
                           {"size", &m.size}}) {
    if (!col->used) return MappingError(absl::StrCat("missing required key '", name, "='"));
  }
  for (const CsvColumn* c :
       {&m.time, &m.op, &m.offset, &m.size, &m.stream, &m.device, &m.response, &m.think}) {
    if (c->used && c->index < 0 && m.header_lines == 0) {
      return MappingError(
          absl::StrCat("column '", c->title, "' is named by title but header=0; add header=1"));
    }
  }
  return m;
}

namespace {

class GenericCsvParser final : public LineParser {
 public:
  explicit GenericCsvParser(CsvMapping m) : m_(std::move(m)) { ComputeWidth(); }

  absl::Status Parse(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                     LineKind* kind) override;
  std::string_view time_unit() const override { return m_.time_unit; }

 private:
  std::vector<CsvColumn*> Columns() {
    return {&m_.time,   &m_.op,     &m_.offset,   &m_.size,
            &m_.stream, &m_.device, &m_.response, &m_.think};
  }
  void ComputeWidth() {
    int32_t width = 0;
    for (CsvColumn* c : Columns()) {
      if (c->used) width = std::max(width, c->index + 1);
    }
    fields_.assign(static_cast<size_t>(width), std::string_view());
  }
  // Splits into fields_; returns the number of fields in the line.
  size_t Split(std::string_view line) {
    if (m_.blank_sep) {
      // SplitBlanks stops at fields_.size(); count the rest for the message.
      size_t n = SplitBlanks(line, fields_.data(), fields_.size());
      return n;
    }
    return SplitChar(line, m_.sep, fields_.data(), fields_.size());
  }
  std::string_view Field(const CsvColumn& c) const {
    std::string_view f = fields_[static_cast<size_t>(c.index)];
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"')
      f = StripBlanks(f.substr(1, f.size() - 2));
    return f;
  }
  absl::Status ResolveTitles(std::string_view line, const LineContext& ctx);
  absl::Status ParseSize(const LineContext& ctx, std::string_view text, uint64_t unit,
                         std::string_view what, uint64_t* bytes);

  CsvMapping m_;
  uint32_t headers_seen_ = 0;
  std::vector<std::string_view> fields_;
  absl::Status fatal_;
};

absl::Status GenericCsvParser::ResolveTitles(std::string_view line, const LineContext& ctx) {
  std::vector<std::string_view> titles;
  if (m_.blank_sep) {
    for (absl::string_view t :
         absl::StrSplit(AbslView(line), absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
      titles.emplace_back(t.data(), t.size());
    }
  } else {
    for (absl::string_view t : absl::StrSplit(AbslView(line), m_.sep)) {
      std::string_view s = StripBlanks(std::string_view(t.data(), t.size()));
      if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
      titles.push_back(StripBlanks(s));
    }
  }
  for (CsvColumn* c : Columns()) {
    if (!c->used || c->index >= 0) continue;
    for (size_t i = 0; i < titles.size(); ++i) {
      if (EqualsIgnoreCase(titles[i], c->title)) {
        c->index = static_cast<int32_t>(i);
        break;
      }
    }
    if (c->index < 0) {
      // Not a bad line that could be skipped: the mapping cannot work.
      return absl::FailedPreconditionError(
          absl::StrCat(AbslView(ctx.path), ":", ctx.line, ": expected a column titled '", c->title,
                       "' (--csv mapping), got '", AbslView(line.substr(0, kMaxQuotedText)),
                       line.size() > kMaxQuotedText ? "...'" : "'"));
    }
  }
  ComputeWidth();
  return absl::OkStatus();
}

absl::Status GenericCsvParser::ParseSize(const LineContext& ctx, std::string_view text,
                                         uint64_t unit, std::string_view what, uint64_t* bytes) {
  uint64_t v;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (!(hex ? ParseHex64(text, &v) : ParseUint64(text, &v))) {
    return LineError(ctx, absl::StrCat(AbslView(what), " (unsigned integer)"), text);
  }
  if (!MulU64(v, unit, bytes)) {
    return LineError(ctx, absl::StrCat(AbslView(what), " whose byte count fits in 64 bits"), text);
  }
  return absl::OkStatus();
}

absl::Status GenericCsvParser::Parse(std::string_view line, const LineContext& ctx,
                                     TraceRecord* rec, LineKind* kind) {
  if (!fatal_.ok()) return fatal_;
  if (headers_seen_ < m_.header_lines) {
    if (++headers_seen_ == m_.header_lines) {
      fatal_ = ResolveTitles(line, ctx);
      if (!fatal_.ok()) return fatal_;
    }
    *kind = LineKind::kHeader;
    return absl::OkStatus();
  }
  const size_t n = Split(line);
  if (n < fields_.size()) {
    return LineError(ctx, absl::StrCat("at least ", fields_.size(), " fields (--csv mapping)"),
                     line);
  }
  int64_t t;
  if (!ParseScaledDecimal(Field(m_.time), m_.time_scale, &t)) {
    return LineError(ctx, absl::StrCat("a time in ", m_.time_unit), Field(m_.time));
  }
  if (t < 0)
    return LineError(ctx, absl::StrCat("a time in ", m_.time_unit, " >= 0"), Field(m_.time));
  rec->time_ns = t;
  const std::string_view op = Field(m_.op);
  bool matched = false;
  for (const std::string& v : m_.read_values) {
    if (EqualsIgnoreCase(op, v)) {
      rec->op = TraceOp::kRead;
      matched = true;
      break;
    }
  }
  for (size_t i = 0; !matched && i < m_.write_values.size(); ++i) {
    if (EqualsIgnoreCase(op, m_.write_values[i])) {
      rec->op = TraceOp::kWrite;
      matched = true;
    }
  }
  if (!matched) {
    return LineError(ctx,
                     absl::StrCat("op ", absl::StrJoin(m_.read_values, "|"), " (read) or ",
                                  absl::StrJoin(m_.write_values, "|"), " (write)"),
                     op);
  }
  const std::string_view off = Field(m_.offset), size = Field(m_.size);
  if (absl::Status s = ParseSize(ctx, off, m_.offset_unit, "an offset", &rec->offset); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseSize(ctx, size, m_.size_unit, "a size", &rec->length); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckExtent(ctx, rec->offset, off, rec->length, size); !s.ok()) return s;
  if (m_.stream.used) {
    uint32_t v;
    if (!ParseUint32(Field(m_.stream), &v)) return LineError(ctx, "a stream id", Field(m_.stream));
    rec->stream = v;
  }
  if (m_.device.used && !ParseUint32(Field(m_.device), &rec->device)) {
    return LineError(ctx, "a device number", Field(m_.device));
  }
  if (m_.response.used) {
    int64_t v;
    if (absl::Status s =
            ParseTime(ctx, Field(m_.response), m_.response_scale, "a response time", &v);
        !s.ok()) {
      return s;
    }
    rec->response_ns = v;
  }
  if (m_.think.used) {
    int64_t v;
    if (absl::Status s = ParseTime(ctx, Field(m_.think), m_.think_scale, "a think time", &v);
        !s.ok()) {
      return s;
    }
    rec->think_ns = v;
  }
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LineParser>> MakeGenericCsvParser(const LineFormatArgs& args) {
  absl::StatusOr<CsvMapping> m = ParseCsvMapping(args.csv_mapping);
  if (!m.ok()) return m.status();
  return std::unique_ptr<LineParser>(new GenericCsvParser(*std::move(m)));
}

}  // namespace

const LineFormat kGenericCsvFormat = {
    .name = "csv",
    .time_unit = "s",
    .parse = nullptr,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
    .make_parser = &MakeGenericCsvParser,
};

}  // namespace iosched::traces_internal
