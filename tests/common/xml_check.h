// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A small well-formedness checker for tests: XML (SVG) and XHTML-style HTML.
// Tags must nest and close, attribute values must be quoted, '<' and '&'
// in text must be markup or entities. Comments, CDATA, processing
// instructions and the doctype are skipped; <style>/<script> bodies are raw
// text. With `html`, void elements (meta, br, img, …) may be left open.

#ifndef IOSCHED_TESTS_TOOLS_XML_CHECK_H_
#define IOSCHED_TESTS_TOOLS_XML_CHECK_H_

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace iosched::testing_util {

struct XmlCheck {
  bool ok = false;
  std::string error;                     // "what at offset N" when !ok
  std::map<std::string, int> elements;   // element name → count
  std::vector<std::string> attr_values;  // every attribute value, in order
};

inline XmlCheck CheckXml(std::string_view s, bool html = false) {
  static const std::set<std::string> kVoid = {"area",   "base",  "br",    "col",  "embed",
                                              "hr",     "img",   "input", "link", "meta",
                                              "source", "track", "wbr"};
  XmlCheck r;
  std::vector<std::string> open;
  size_t i = 0;
  const auto fail = [&](const std::string& what) {
    r.ok = false;
    r.error = what + " at offset " + std::to_string(i);
    return r;
  };
  const auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  };
  while (i < s.size()) {
    if (s[i] == '&') {
      const size_t semi = s.find(';', i);
      if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1) {
        return fail("bare '&'");
      }
      i = semi + 1;
      continue;
    }
    if (s[i] != '<') {
      ++i;
      continue;
    }
    auto skip_to = [&](std::string_view end) {
      const size_t e = s.find(end, i);
      if (e == std::string_view::npos) return false;
      i = e + end.size();
      return true;
    };
    if (s.substr(i, 4) == "<!--") {
      if (!skip_to("-->")) return fail("unclosed comment");
      continue;
    }
    if (s.substr(i, 9) == "<![CDATA[") {
      if (!skip_to("]]>")) return fail("unclosed CDATA");
      continue;
    }
    if (s.substr(i, 2) == "<?") {
      if (!skip_to("?>")) return fail("unclosed processing instruction");
      continue;
    }
    if (s.substr(i, 2) == "<!") {
      if (!skip_to(">")) return fail("unclosed declaration");
      continue;
    }
    const bool closing = s.substr(i, 2) == "</";
    size_t j = i + (closing ? 2 : 1);
    const size_t name_start = j;
    while (j < s.size() && name_char(s[j])) ++j;
    if (j == name_start) return fail("'<' that starts no tag");
    std::string name(s.substr(name_start, j - name_start));
    if (html) {
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (closing) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size() || s[j] != '>') return fail("malformed closing tag </" + name);
      if (open.empty() || open.back() != name) {
        return fail("</" + name + "> closes " +
                    (open.empty() ? "nothing" : "<" + open.back() + ">"));
      }
      open.pop_back();
      i = j + 1;
      continue;
    }
    // Attributes.
    bool self_closing = false;
    while (true) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size()) return fail("unterminated tag <" + name);
      if (s[j] == '>') break;
      if (s.substr(j, 2) == "/>") {
        self_closing = true;
        ++j;
        break;
      }
      const size_t a = j;
      while (j < s.size() && name_char(s[j])) ++j;
      if (j == a) return fail("bad attribute in <" + name);
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size() || s[j] != '=') return fail("attribute without a value in <" + name);
      ++j;
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size() || (s[j] != '"' && s[j] != '\'')) {
        return fail("unquoted attribute value in <" + name);
      }
      const char q = s[j];
      const size_t end = s.find(q, j + 1);
      if (end == std::string_view::npos) return fail("unterminated attribute value");
      const std::string_view value = s.substr(j + 1, end - j - 1);
      if (value.find('<') != std::string_view::npos) return fail("'<' in an attribute value");
      r.attr_values.emplace_back(value);
      j = end + 1;
    }
    ++r.elements[name];
    i = j + 1;
    if (self_closing || (html && kVoid.count(name))) continue;
    if (name == "style" || name == "script") {
      const std::string end = "</" + name;
      const size_t e = s.find(end, i);
      if (e == std::string_view::npos) return fail("unclosed <" + name + ">");
      i = e;
    }
    open.push_back(name);
  }
  if (!open.empty()) return fail("<" + open.back() + "> never closed");
  r.ok = true;
  return r;
}

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_TOOLS_XML_CHECK_H_
