// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A validator for the subset of JSON Schema (draft 2020-12) that
// docs/results-schema.json uses: type (a name or a list), const, enum,
// properties, required, additionalProperties (false or a schema), items,
// pattern (ECMAScript regex, searched), minimum, anyOf and "$ref" to
// "#/$defs/NAME". Any other keyword is an error, so the schema cannot
// silently use something this checker ignores.
//
// Thread-safety: reentrant.

#ifndef IOSCHED_TESTS_JSON_SCHEMA_CHECK_H_
#define IOSCHED_TESTS_JSON_SCHEMA_CHECK_H_

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace iosched::testing_util {

class SchemaChecker {
 public:
  using Json = nlohmann::ordered_json;
  explicit SchemaChecker(Json root) : root_(std::move(root)) {}

  // Errors as "PATH: what" lines; empty when `doc` conforms to `schema`
  // (default: the root schema).
  std::vector<std::string> Check(const Json& doc) { return Check(doc, root_); }
  std::vector<std::string> Check(const Json& doc, const Json& schema) {
    std::vector<std::string> errors;
    Walk(doc, schema, "$", &errors);
    return errors;
  }
  const Json& Def(const std::string& name) const { return root_["$defs"][name]; }

 private:
  static bool HasType(const Json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    return false;
  }

  void Walk(const Json& v, const Json& s, const std::string& path, std::vector<std::string>* errs) {
    static const std::set<std::string> kKnown = {
        "$schema", "$id", "title", "description", "$defs", "type", "const", "enum",
        "properties", "required", "additionalProperties", "items", "pattern", "minimum", "anyOf",
        "$ref"};
    for (const auto& [k, unused] : s.items()) {
      if (!kKnown.count(k)) errs->push_back(path + ": schema keyword '" + k + "' not supported");
    }
    if (s.contains("$ref")) {
      const std::string ref = s["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0 || !root_["$defs"].contains(ref.substr(prefix.size()))) {
        errs->push_back(path + ": unresolvable $ref " + ref);
        return;
      }
      Walk(v, root_["$defs"][ref.substr(prefix.size())], path, errs);
    }
    if (s.contains("anyOf")) {
      bool any = false;
      for (const Json& alt : s["anyOf"]) {
        std::vector<std::string> sub;
        Walk(v, alt, path, &sub);
        if (sub.empty()) any = true;
      }
      if (!any) errs->push_back(path + ": matches none of anyOf");
    }
    if (s.contains("type")) {
      bool ok = false;
      if (s["type"].is_array()) {
        for (const Json& t : s["type"]) ok = ok || HasType(v, t.get<std::string>());
      } else {
        ok = HasType(v, s["type"].get<std::string>());
      }
      if (!ok) {
        errs->push_back(path + ": expected type " + s["type"].dump() + ", got " + v.dump());
        return;
      }
    }
    if (s.contains("const") && v != s["const"]) {
      errs->push_back(path + ": expected " + s["const"].dump() + ", got " + v.dump());
    }
    if (s.contains("enum")) {
      bool found = false;
      for (const Json& e : s["enum"]) found = found || e == v;
      if (!found) errs->push_back(path + ": " + v.dump() + " not in " + s["enum"].dump());
    }
    if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>()) {
      errs->push_back(path + ": " + v.dump() + " below minimum " + s["minimum"].dump());
    }
    if (s.contains("pattern") && v.is_string() &&
        !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>()))) {
      errs->push_back(path + ": " + v.dump() + " does not match " + s["pattern"].dump());
    }
    if (v.is_object()) {
      if (s.contains("required")) {
        for (const Json& r : s["required"]) {
          if (!v.contains(r.get<std::string>())) {
            errs->push_back(path + ": missing required key " + r.dump());
          }
        }
      }
      for (const auto& [k, val] : v.items()) {
        if (s.contains("properties") && s["properties"].contains(k)) {
          Walk(val, s["properties"][k], path + "." + k, errs);
        } else if (s.contains("additionalProperties")) {
          const Json& ap = s["additionalProperties"];
          if (ap.is_boolean()) {
            if (!ap.get<bool>()) errs->push_back(path + ": unexpected key '" + k + "'");
          } else {
            Walk(val, ap, path + "." + k, errs);
          }
        }
      }
    }
    if (v.is_array() && s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        Walk(v[i], s["items"], path + "[" + std::to_string(i) + "]", errs);
      }
    }
  }

  Json root_;
};

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_JSON_SCHEMA_CHECK_H_
