// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "study.h"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <toml++/toml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"
#include "iosched/trace_writer.h"

namespace iosched {
namespace fs = std::filesystem;
namespace {

// ---------------------------------------------------------------- parsing

struct Ctx {
  std::string file, base;
};

std::string Where(const Ctx& c, const toml::source_region& r) {
  return absl::StrCat(c.file, ":", r.begin.line, ":", r.begin.column);
}

absl::Status ErrAt(const Ctx& c, const toml::node& n, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(Where(c, n.source()), ": ", what));
}

std::string Trim(std::string_view s) { return std::string(absl::StripAsciiWhitespace(Sv(s))); }

absl::StatusOr<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const std::string t = Trim(s);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("expected an integer, got '", t, "'"));
  }
  return v;
}

// "lo..hi" or "lo..hi/step", inclusive, as decimal strings.
absl::StatusOr<std::vector<std::string>> ExpandRange(std::string_view text) {
  std::string_view body = text, step_text = "1";
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    body = text.substr(0, slash);
    step_text = text.substr(slash + 1);
  }
  const size_t dots = body.find("..");
  auto bad = [&](const char* why) {
    return absl::InvalidArgumentError(absl::StrCat("range '", std::string(text), "': ", why,
                                                   " (expected LO..HI or LO..HI/STEP, integers)"));
  };
  if (dots == std::string_view::npos) return bad("no '..'");  // (fuzz_study)
  absl::StatusOr<int64_t> lo = ParseInt(body.substr(0, dots));
  absl::StatusOr<int64_t> hi = ParseInt(body.substr(dots + 2));
  absl::StatusOr<int64_t> step = ParseInt(step_text);
  if (!lo.ok() || !hi.ok() || !step.ok()) return bad("not integers");
  if (*step <= 0) return bad("step must be > 0");
  if (*hi < *lo) return bad("HI is below LO");
  // In 128 bits: HI − LO and the last LO + k·STEP may not fit in 64.
  const __int128 span = static_cast<__int128>(*hi) - *lo;
  if (span / *step >= 1000) return bad("more than 1000 values");
  std::vector<std::string> out;
  for (__int128 v = *lo; v <= *hi; v += *step) out.push_back(std::to_string(static_cast<int64_t>(v)));
  return out;
}

// Splits on commas outside [brackets].
std::vector<std::string> SplitTopLevel(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char ch : s) {
    if (ch == '[') ++depth;
    if (ch == ']') --depth;
    if (ch == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

template <class T>
std::optional<T> Get(const toml::table& t, const std::string& key) {
  if (const toml::node* n = t.get(key)) return n->value<T>();
  return std::nullopt;
}

// A key whose value must have type T: error at the value if it has another.
template <class T>
absl::StatusOr<std::optional<T>> Typed(const Ctx& c, const toml::table& t, const std::string& key,
                                       const std::string& expected) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return std::optional<T>();
  std::optional<T> v = n->value<T>();
  if (!v) return ErrAt(c, *n, absl::StrCat("'", key, "' must be ", expected));
  return v;
}

absl::Status CheckKeys(const Ctx& c, const toml::table& t, const std::set<std::string>& allowed,
                       const std::string& where) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(std::string(k.str()))) {
      return ErrAt(c, v,
                   absl::StrCat("unknown key '", std::string(k.str()), "' in ", where, " (expected one of ",
                                absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// A string or an array of strings, with the node of each element.
absl::StatusOr<std::vector<std::pair<std::string, const toml::node*>>> Strings(
    const Ctx& c, const toml::table& t, const std::string& key) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  if (auto s = n->value<std::string>()) {
    out.emplace_back(*s, n);
    return out;
  }
  const toml::array* a = n->as_array();
  if (a == nullptr) return ErrAt(c, *n, absl::StrCat("'", key, "' must be a string or an array of strings"));
  for (const toml::node& e : *a) {
    auto s = e.value<std::string>();
    if (!s) return ErrAt(c, e, absl::StrCat("'", key, "' elements must be strings"));
    out.emplace_back(*s, &e);
  }
  if (out.empty()) return ErrAt(c, *n, absl::StrCat("'", key, "' is empty"));
  return out;
}

// An integer, an array of integers or a range string "LO..HI[/STEP]".
absl::StatusOr<std::vector<int64_t>> Ints(const Ctx& c, const toml::table& t,
                                          const std::string& key, std::vector<int64_t> dflt,
                                          int64_t min, int64_t max) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return dflt;
  std::vector<int64_t> out;
  auto check = [&](const toml::node& at, int64_t v) -> absl::Status {
    if (v < min || v > max) {
      return ErrAt(c, at, absl::StrCat("'", key, "' value ", v, " is outside [", min, ", ", max, "]"));
    }
    out.push_back(v);
    return absl::OkStatus();
  };
  if (auto v = n->value<int64_t>()) {
    IOSCHED_RETURN_IF_ERROR(check(*n, *v));
  } else if (auto s = n->value<std::string>()) {
    absl::StatusOr<std::vector<std::string>> r = ExpandRange(*s);
    if (!r.ok()) return ErrAt(c, *n, absl::StrCat("'", key, "': ", r.status().message()));
    for (const std::string& x : *r) IOSCHED_RETURN_IF_ERROR(check(*n, *ParseInt(x)));
  } else if (const toml::array* a = n->as_array()) {
    for (const toml::node& e : *a) {
      auto v = e.value<int64_t>();
      if (!v) return ErrAt(c, e, absl::StrCat("'", key, "' elements must be integers"));
      IOSCHED_RETURN_IF_ERROR(check(e, *v));
    }
    if (out.empty()) return ErrAt(c, *n, absl::StrCat("'", key, "' is empty"));
  } else {
    return ErrAt(c, *n,
                 absl::StrCat("'", key, "' must be an integer, an array of integers or a range "
                                        "string \"LO..HI/STEP\""));
  }
  return out;
}

absl::StatusOr<FitPolicy> ParseFit(const std::string& s) {
  if (s == "error") return FitPolicy::kError;
  if (s == "wrap") return FitPolicy::kWrap;
  if (s == "scale") return FitPolicy::kScale;
  return absl::InvalidArgumentError(absl::StrCat("fit '", s, "': expected error, wrap or scale"));
}

absl::StatusOr<ReplayMode> ParseMode(const std::string& s) {
  if (s == "open") return ReplayMode::kOpen;
  if (s == "closed") return ReplayMode::kClosed;
  if (s == "batch") return ReplayMode::kBatch;
  return absl::InvalidArgumentError(absl::StrCat("mode '", s, "': expected open, closed or batch"));
}

// The transform keys a [[trace]] and a [[workload]] share.
absl::Status ParseInputCommon(const Ctx& c, const toml::table& t, StudyInput* in) {
  if (const toml::node* n = t.get("fit")) {
    auto s = n->value<std::string>();
    if (!s) return ErrAt(c, *n, "'fit' must be a string: error, wrap or scale");
    absl::StatusOr<FitPolicy> f = ParseFit(*s);
    if (!f.ok()) return ErrAt(c, *n, f.status().message());
    in->fit = *f;
  }
  if (const toml::node* n = t.get("time_scale")) {
    std::optional<double> v = n->value<double>();
    if (!v || !(*v > 0)) return ErrAt(c, *n, "'time_scale' must be a number > 0");
    in->time_scale = *v;
  }
  IOSCHED_ASSIGN_OR_RETURN(std::optional<int64_t> mr,
                           Typed<int64_t>(c, t, "max_requests", "an integer >= 0"));
  if (mr && *mr < 0) return ErrAt(c, *t.get("max_requests"), "'max_requests' must be >= 0");
  if (mr) in->max_requests = static_cast<uint64_t>(*mr);
  IOSCHED_ASSIGN_OR_RETURN(std::optional<int64_t> sw,
                           Typed<int64_t>(c, t, "sort_window", "an integer >= 0"));
  if (sw && (*sw < 0 || *sw > kMaxSortWindow)) {
    return ErrAt(c, *t.get("sort_window"), absl::StrCat("'sort_window' must be in [0, ", kMaxSortWindow, "]"));
  }
  if (sw) in->sort_window = static_cast<uint32_t>(*sw);
  in->line = static_cast<int>(t.source().begin.line);
  return absl::OkStatus();
}

std::string JoinBase(const std::string& base, const std::string& p) {
  if (p.empty() || p[0] == '/' || base.empty() || base == ".") return p;
  return base + "/" + p;
}

std::string StripBase(const std::string& base, const std::string& p) {
  if (base.empty() || base == ".") return p;
  const std::string prefix = base + "/";
  return p.rfind(prefix, 0) == 0 ? p.substr(prefix.size()) : p;
}

absl::Status ParseTraces(const Ctx& c, const toml::table& root, Study* s) {
  const toml::node* n = root.get("trace");
  if (n == nullptr) return absl::OkStatus();
  const toml::array* a = n->as_array();
  if (a == nullptr) return ErrAt(c, *n, "'trace' must be an array of tables: [[trace]]");
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) return ErrAt(c, e, "[[trace]] entries must be tables");
    IOSCHED_RETURN_IF_ERROR(CheckKeys(c, *t,
                                      {"path", "format", "fit", "time_scale", "max_requests",
                                       "sort_window", "skip_bad_lines"},
                                      "[[trace]]"));
    IOSCHED_ASSIGN_OR_RETURN(std::optional<std::string> path,
                             Typed<std::string>(c, *t, "path", "a string (a path or a glob)"));
    if (!path) return ErrAt(c, e, "[[trace]] needs 'path' (a trace file or a glob)");
    StudyInput proto;
    IOSCHED_RETURN_IF_ERROR(ParseInputCommon(c, *t, &proto));
    IOSCHED_ASSIGN_OR_RETURN(std::optional<std::string> format,
                             Typed<std::string>(c, *t, "format", "a string"));
    if (format) {
      if (*format != "auto") {
        absl::StatusOr<std::string> canon = CanonicalTraceFormat(*format);
        if (!canon.ok()) return ErrAt(c, *t->get("format"), canon.status().message());
      }
      proto.format = *format;
    }
    IOSCHED_ASSIGN_OR_RETURN(std::optional<bool> sbl,
                             Typed<bool>(c, *t, "skip_bad_lines", "true or false"));
    proto.skip_bad_lines = sbl.value_or(false);
    const std::string pattern = JoinBase(c.base, *path);
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    std::sort(matches.begin(), matches.end());
    if (matches.empty()) {
      return ErrAt(c, *t->get("path"),
                   absl::StrCat("trace '", *path, "' matches no file (looked for ", pattern, ")"));
    }
    for (const std::string& m : matches) {
      StudyInput in = proto;
      in.path = m;
      in.label = StripBase(c.base, m);
      s->inputs.push_back(std::move(in));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseWorkloads(const Ctx& c, const toml::table& root, Study* s) {
  const toml::node* n = root.get("workload");
  if (n == nullptr) return absl::OkStatus();
  const toml::array* a = n->as_array();
  if (a == nullptr) return ErrAt(c, *n, "'workload' must be an array of tables: [[workload]]");
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) return ErrAt(c, e, "[[workload]] entries must be tables");
    IOSCHED_RETURN_IF_ERROR(CheckKeys(
        c, *t,
        {"scenario", "seeds", "requests", "streams", "writers", "capacity", "read_size",
         "write_size", "think_ns", "service_ns", "read_percent", "fit", "time_scale",
         "max_requests", "sort_window"},
        "[[workload]]"));
    IOSCHED_ASSIGN_OR_RETURN(std::optional<std::string> scenario,
                             Typed<std::string>(c, *t, "scenario", "a string"));
    if (!scenario) return ErrAt(c, e, "[[workload]] needs 'scenario'");
    StudyInput proto;
    IOSCHED_RETURN_IF_ERROR(ParseInputCommon(c, *t, &proto));
    proto.scenario = *scenario;
    GeneratorOptions& g = proto.gen;
    struct IntKey {
      const char* key;
      std::function<void(int64_t)> set;
    };
    const std::vector<IntKey> keys = {
        {"requests", [&](int64_t v) { g.requests = static_cast<uint64_t>(v); }},
        {"streams", [&](int64_t v) { g.streams = static_cast<uint32_t>(v); }},
        {"writers", [&](int64_t v) { g.writers = static_cast<uint32_t>(v); }},
        {"capacity", [&](int64_t v) { g.capacity = static_cast<uint64_t>(v); }},
        {"read_size", [&](int64_t v) { g.read_size = static_cast<uint64_t>(v); }},
        {"write_size", [&](int64_t v) { g.write_size = static_cast<uint64_t>(v); }},
        {"think_ns", [&](int64_t v) { g.think_ns = v; }},
        {"service_ns", [&](int64_t v) { g.service_ns = v; }},
        {"read_percent", [&](int64_t v) { g.read_percent = static_cast<int32_t>(v); }},
    };
    for (const IntKey& k : keys) {
      IOSCHED_ASSIGN_OR_RETURN(std::optional<int64_t> v,
                               Typed<int64_t>(c, *t, k.key, "an integer"));
      if (v && *v < 0) return ErrAt(c, *t->get(k.key), absl::StrCat("'", k.key, "' must be >= 0"));
      if (v) k.set(*v);
    }
    if (absl::Status st = ValidateGenerator(*scenario, g); !st.ok()) return ErrAt(c, e, st.message());
    IOSCHED_ASSIGN_OR_RETURN(std::vector<int64_t> seeds,
                             Ints(c, *t, "seeds", {1}, 0, INT64_MAX));
    for (int64_t seed : seeds) {
      StudyInput in = proto;
      in.gen.seed = static_cast<uint64_t>(seed);
      in.label = absl::StrCat("gen:", *scenario, ":seed=", seed);
      s->inputs.push_back(std::move(in));
    }
  }
  return absl::OkStatus();
}

// ------------------------------------------------------------- file helpers

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return ss.str();
}

absl::Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat(dir, ": cannot open folder for fsync"));
  ::fsync(fd);
  ::close(fd);
  return absl::OkStatus();
}

absl::StatusOr<OrderedJson> ReadJson(const std::string& path) {
  IOSCHED_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  OrderedJson j = OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::DataLossError(absl::StrCat(path, ": not valid JSON"));
  return j;
}

absl::Status CheckSchema(const OrderedJson& j, const std::string& path) {
  if (!j.is_object() || !j.contains("schema_version")) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": no schema_version: written before results schema v", kStudySchemaVersion,
        " (rerun it with this iosched)"));
  }
  if (!j["schema_version"].is_number_integer() || j["schema_version"].get<int64_t>() != kStudySchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": schema_version ",
                                                      j["schema_version"].dump(), ", this iosched reads ",
                                                      kStudySchemaVersion));
  }
  return absl::OkStatus();
}

std::string CellPath(const std::string& out, const std::string& key) {
  return out + "/cells/" + key + ".json";
}

// A finished cell: the file parses, has this schema and this key.
bool CellFinished(const std::string& out, const StudyCell& cell) {
  absl::StatusOr<OrderedJson> j = ReadJson(CellPath(out, cell.key));
  if (!j.ok() || !CheckSchema(*j, "").ok()) return false;
  return j->contains("cell") && (*j)["cell"].value("key", "") == cell.key;
}

// ------------------------------------------------------------ trace cache

struct Prepared {
  std::string bin;          // native binary trace in the cache
  OrderedJson fingerprint;  // "trace" block of a result
};

absl::StatusOr<Prepared> PrepareInput(const StudyInput& in, const std::string& cache_dir,
                                      std::atomic<size_t>* decoded) {
  std::string key_text;
  OrderedJson fp;
  fp["label"] = in.label;
  if (in.scenario.empty()) {
    IOSCHED_ASSIGN_OR_RETURN(std::string sha, FileSha256(in.path));
    key_text = absl::StrCat("file|", sha, "|", in.format, "|", in.skip_bad_lines);
    fp["kind"] = "file";
    fp["path"] = in.label;
    std::error_code ec;
    fp["bytes"] = static_cast<uint64_t>(fs::file_size(in.path, ec));
    fp["sha256"] = sha;
  } else {
    const GeneratorOptions& g = in.gen;
    OrderedJson gen;
    gen["scenario"] = in.scenario;
    gen["seed"] = g.seed;
    gen["requests"] = g.requests;
    gen["streams"] = g.streams;
    gen["writers"] = g.writers;
    gen["capacity"] = g.capacity;
    gen["read_size"] = g.read_size;
    gen["write_size"] = g.write_size;
    gen["think_ns"] = g.think_ns;
    gen["service_ns"] = g.service_ns;
    gen["read_percent"] = g.read_percent;
    key_text = absl::StrCat("generated|", gen.dump());
    fp["kind"] = "generated";
    fp["path"] = nullptr;
    fp["generator"] = gen;
  }
  const std::string key = Sha256Of(key_text).substr(7, 32);
  const std::string bin = cache_dir + "/" + key + ".bin";
  const std::string side = cache_dir + "/" + key + ".json";
  if (absl::StatusOr<OrderedJson> j = ReadJson(side); j.ok() && fs::exists(bin)) {
    return Prepared{bin, *j};
  }
  std::unique_ptr<TraceReader> reader;
  if (in.scenario.empty()) {
    TraceReadOptions read;
    read.format = in.format;
    read.skip_bad_lines = in.skip_bad_lines;
    IOSCHED_ASSIGN_OR_RETURN(reader, OpenTrace(in.path, read));
  } else {
    IOSCHED_ASSIGN_OR_RETURN(reader, MakeGenerator(in.scenario, in.gen));
  }
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = absl::StrCat(cache_dir, "/.", key, ".bin.tmp.", ::getpid(), ".", counter++);
  TraceWriterOptions wo;
  wo.format = "iosched-bin";
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<TraceWriter> writer, OpenTraceWriter(tmp, wo));
  std::vector<TraceRecord> batch(4096);
  while (true) {
    IOSCHED_ASSIGN_OR_RETURN(size_t n, reader->NextBatch(batch.data(), batch.size()));
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) IOSCHED_RETURN_IF_ERROR(writer->Write(batch[i]));
  }
  IOSCHED_RETURN_IF_ERROR(writer->Finish());
  fp["format"] = std::string(reader->format());
  fp["time_unit"] = std::string(reader->time_unit());
  fp["records"] = writer->records_written();
  fp["bad_lines"] = reader->bad_lines();
  if (!in.scenario.empty()) {
    std::error_code ec;
    fp["bytes"] = static_cast<uint64_t>(fs::file_size(tmp, ec));
    IOSCHED_ASSIGN_OR_RETURN(fp["sha256"], FileSha256(tmp));
  }
  std::error_code ec;
  fs::rename(tmp, bin, ec);
  if (ec) return absl::InternalError(absl::StrCat(bin, ": cannot rename from ", tmp, ": ", ec.message()));
  IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(side, fp.dump(2) + "\n"));
  if (decoded) ++*decoded;
  return Prepared{bin, fp};
}

// ----------------------------------------------------------------- cells

absl::StatusOr<OrderedJson> RunCell(const Study& study, const StudyCell& cell, const Prepared& p,
                                    const std::vector<std::string>& argv) {
  const StudyInput& in = study.inputs[cell.input];
  const StudyDisk& d = study.disks[cell.disk];
  const StudySpec& spec = study.specs[cell.spec];
  CompareOptions o;
  o.trace = p.bin;
  o.trace_format = "iosched-bin";
  if (d.parv.empty()) {
    o.disk = d.preset;
  } else {
    o.parv = d.parv;
  }
  o.elevators = {spec.spec};
  o.replay.mode = cell.mode;
  o.replay.depth = cell.depth;
  o.replay.closed_async_writes = cell.async_writes;
  o.replay.time_scale = in.time_scale;
  o.replay.fit = in.fit;
  o.replay.max_requests = in.max_requests;
  o.replay.head_trace_limit = 0;
  o.transform.sort_window = in.sort_window;
  IOSCHED_ASSIGN_OR_RETURN(CompareResult r, RunCompare(o));
  if (r.runs.size() != 1) return absl::InternalError("a study cell replays exactly one elevator");
  OrderedJson j;
  j["schema_version"] = kStudySchemaVersion;
  j["kind"] = "iosched-study-cell";
  j["program"] = ProgramJson(argv);
  j["study"] = {{"name", study.name}, {"file", study.file}, {"sha256", study.sha256}};
  OrderedJson c;
  c["key"] = cell.key;
  c["id"] = cell.id;
  c["index"] = cell.index;
  c["trace"] = in.label;
  c["disk"] = d.label;
  c["spec"] = spec.spec;
  c["pattern"] = spec.pattern;
  OrderedJson swept = OrderedJson::object();
  for (const auto& [k, v] : spec.swept) swept[k] = v;
  c["swept"] = swept;
  c["mode"] = ModeName(cell.mode);
  c["depth"] = cell.depth;
  c["async_writes"] = cell.async_writes;
  j["cell"] = c;
  OrderedJson settings = SettingsJson(o);
  settings["read"]["format"] = in.format;
  settings["read"]["skip_bad_lines"] = in.skip_bad_lines;
  settings["seed"] = in.scenario.empty() ? OrderedJson() : OrderedJson(in.gen.seed);
  j["settings"] = settings;
  j["trace"] = p.fingerprint;
  IOSCHED_ASSIGN_OR_RETURN(OrderedJson disk, DiskJson(o));
  if (!d.parv.empty()) disk["parv"] = d.label.substr(5);  // as written, not resolved
  j["disk"] = disk;
  ElevatorEnv env;
  env.rotational = disk["rotational"].get<bool>();
  env.device_depth = cell.depth;
  OrderedJson e;
  e["spec"] = spec.spec;
  e["elevator"] = r.runs[0].elevator;
  IOSCHED_ASSIGN_OR_RETURN(e["tunables"], TunablesJson(spec.spec, env));
  j["elevator"] = e;
  j["result"] = MetricsJson(r.runs[0].result);
  return j;
}

OrderedJson ManifestJson(const Study& study, const std::vector<size_t>& cells,
                         const std::vector<std::string>& shards,
                         const std::vector<std::string>& argv) {
  OrderedJson m;
  m["schema_version"] = kStudySchemaVersion;
  m["kind"] = "iosched-study";
  m["program"] = ProgramJson(argv);
  m["study"] = {{"name", study.name},
                {"file", study.file},
                {"sha256", study.sha256},
                {"cells_total", study.cells.size()},
                {"baseline", study.baseline},
                {"metric", study.metric}};
  m["shards"] = shards;
  OrderedJson list = OrderedJson::array();
  for (size_t i : cells) {
    const StudyCell& c = study.cells[i];
    list.push_back({{"index", c.index}, {"key", c.key}, {"id", c.id}});
  }
  m["cells"] = list;
  return m;
}

absl::Status RemoveStaleTemps(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(".tmp.") != std::string::npos) {
      fs::remove(e.path(), ec);
    }
  }
  return absl::OkStatus();
}

}  // namespace

// -------------------------------------------------------------- public API

absl::Status WriteFileAtomic(const std::string& path, std::string_view data) {
  static std::atomic<uint64_t> counter{0};
  const fs::path p(path);
  const std::string dir = p.parent_path().string();
  const std::string tmp = (p.parent_path() / absl::StrCat(".", p.filename().string(), ".tmp.",
                                                          ::getpid(), ".", counter++))
                              .string();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(absl::StrCat(tmp, ": cannot create: ", std::strerror(errno)));
  }
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::InternalError(absl::StrCat(tmp, ": write failed: ", err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat(tmp, ": fsync/close failed: ", std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat(path, ": rename failed: ", err));
  }
  return SyncDir(dir);
}

absl::StatusOr<std::vector<StudySpec>> ExpandSpecPattern(const std::string& pattern) {
  const size_t colon = pattern.find(':');
  if (colon == std::string::npos) return std::vector<StudySpec>{{pattern, pattern, {}}};
  const std::string name = pattern.substr(0, colon);
  struct Axis {
    std::string tunable;
    std::vector<std::string> values;
    bool swept;
  };
  std::vector<Axis> axes;
  for (const std::string& part : SplitTopLevel(pattern.substr(colon + 1))) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("elevator '", pattern, "': expected TUNABLE=VALUE, got '", part, "'"));
    }
    Axis a{Trim(part.substr(0, eq)), {}, true};
    const std::string v = Trim(part.substr(eq + 1));
    if (!v.empty() && v.front() == '[') {
      if (v.back() != ']') {
        return absl::InvalidArgumentError(
            absl::StrCat("elevator '", pattern, "': list '", v, "' has no closing ]"));
      }
      for (absl::string_view x : absl::StrSplit(absl::string_view(v).substr(1, v.size() - 2), ',')) {
        const std::string t = Trim(StdSv(x));
        if (t.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("elevator '", pattern, "': empty value in list '", v, "'"));
        }
        a.values.push_back(t);
      }
    } else if (v.find("..") != std::string::npos) {
      absl::StatusOr<std::vector<std::string>> r = ExpandRange(v);
      if (!r.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("elevator '", pattern, "': ", r.status().message()));
      }
      a.values = *r;
    } else {
      a.values = {v};
      a.swept = false;
    }
    axes.push_back(std::move(a));
  }
  std::vector<StudySpec> out;
  std::vector<size_t> idx(axes.size(), 0);
  while (true) {
    StudySpec s;
    s.pattern = pattern;
    std::vector<std::string> parts;
    for (size_t i = 0; i < axes.size(); ++i) {
      parts.push_back(absl::StrCat(axes[i].tunable, "=", axes[i].values[idx[i]]));
      if (axes[i].swept) s.swept.emplace_back(axes[i].tunable, axes[i].values[idx[i]]);
    }
    s.spec = absl::StrCat(name, ":", absl::StrJoin(parts, ","));
    out.push_back(std::move(s));
    size_t i = axes.size();
    while (i > 0 && ++idx[i - 1] == axes[i - 1].values.size()) idx[--i] = 0;
    if (i == 0) break;
  }
  if (out.size() > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("elevator '", pattern, "': ", out.size(), " settings, at most 10000"));
  }
  return out;
}

namespace {

// Error messages quote what the file says (a scenario, a spec, a path):
// control characters in it are escaped so that a message stays one line
// (found by fuzz_study: a scenario name with a newline in it).
absl::Status OneLine(const absl::Status& st) {
  const absl::string_view msg = st.message();
  if (std::none_of(msg.begin(), msg.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return u < 0x20 || u == 0x7f;
      })) {
    return st;
  }
  std::string out;
  for (char ch : msg) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppend(&out, "\\x", absl::Hex(u, absl::kZeroPad2));
    } else {
      out += ch;
    }
  }
  return absl::Status(st.code(), out);
}

absl::StatusOr<Study> ParseStudyUnescaped(const std::string& text, const std::string& file_name,
                                          const std::string& base_dir);

}  // namespace

absl::StatusOr<Study> ParseStudy(const std::string& text, const std::string& file_name,
                                 const std::string& base_dir) {
  absl::StatusOr<Study> s = ParseStudyUnescaped(text, file_name, base_dir);
  if (!s.ok()) return OneLine(s.status());
  return s;
}

namespace {

absl::StatusOr<Study> ParseStudyUnescaped(const std::string& text, const std::string& file_name,
                                          const std::string& base_dir) {
  Ctx c{file_name, base_dir};
  Study s;
  s.file = file_name;
  s.text = text;
  s.sha256 = Sha256Of(text);
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(c, e.source()), ": ", std::string(e.description())));
  }
  IOSCHED_RETURN_IF_ERROR(CheckKeys(c, root,
                                    {"name", "description", "disks", "elevators", "modes",
                                     "depths", "async_writes", "baseline", "metric", "trace",
                                     "workload"},
                                    "the study"));
  IOSCHED_ASSIGN_OR_RETURN(std::optional<std::string> name, Typed<std::string>(c, root, "name", "a string"));
  s.name = name.value_or(fs::path(file_name).stem().string());
  IOSCHED_RETURN_IF_ERROR(ParseTraces(c, root, &s));
  IOSCHED_RETURN_IF_ERROR(ParseWorkloads(c, root, &s));
  if (s.inputs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":1:1: the study names no trace: add a [[trace]] path = \"…\" or "
                                "a [[workload]] scenario = \"…\""));
  }
  std::map<std::string, int> labels;
  for (const StudyInput& in : s.inputs) {
    if (labels.count(in.label)) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", in.line, ":1: trace '", in.label,
                                                     "' is already in the study (line ",
                                                     labels[in.label], ")"));
    }
    labels[in.label] = in.line;
  }
  // Disks.
  IOSCHED_ASSIGN_OR_RETURN(auto disks, Strings(c, root, "disks"));
  if (disks.empty()) disks.emplace_back("hp-c2247a", nullptr);
  std::set<std::string> seen;
  for (const auto& [label, node] : disks) {
    auto fail = [&, node = node](absl::string_view what) {
      return node ? ErrAt(c, *node, what)
                  : absl::InvalidArgumentError(absl::StrCat(file_name, ": ", what));
    };
    if (!seen.insert(label).second) return fail(absl::StrCat("disk '", label, "' is listed twice"));
    StudyDisk d;
    d.label = label;
    if (label.rfind("parv:", 0) == 0) {
      d.parv = JoinBase(base_dir, label.substr(5));
      absl::StatusOr<DiskSimImport> imp = LoadDiskSimParv(d.parv);
      if (!imp.ok()) return fail(absl::StrCat("disk '", label, "': ", imp.status().message()));
    } else {
      d.preset = label;
      absl::StatusOr<std::unique_ptr<DiskModel>> m = MakeDiskModel(label);
      if (!m.ok()) return fail(m.status().message());
    }
    s.disks.push_back(std::move(d));
  }
  // Elevators and sweeps.
  IOSCHED_ASSIGN_OR_RETURN(auto elevators, Strings(c, root, "elevators"));
  if (elevators.empty()) {
    for (const std::string& e : KnownElevators()) elevators.emplace_back(e, nullptr);
  }
  seen.clear();
  for (const auto& [pattern, node] : elevators) {
    absl::StatusOr<std::vector<StudySpec>> specs = ExpandSpecPattern(pattern);
    if (!specs.ok()) return node ? ErrAt(c, *node, specs.status().message()) : specs.status();
    for (StudySpec& sp : *specs) {
      absl::StatusOr<std::unique_ptr<Elevator>> e = MakeElevator(sp.spec);
      if (!e.ok()) {
        const std::string what = absl::StrCat("elevator '", sp.spec, "': ", e.status().message());
        return node ? ErrAt(c, *node, what) : absl::InvalidArgumentError(what);
      }
      if (!seen.insert(sp.spec).second) {
        const std::string what = absl::StrCat("elevator setting '", sp.spec, "' appears twice");
        return node ? ErrAt(c, *node, what) : absl::InvalidArgumentError(what);
      }
      s.specs.push_back(std::move(sp));
    }
  }
  // Replay settings.
  IOSCHED_ASSIGN_OR_RETURN(auto modes, Strings(c, root, "modes"));
  if (modes.empty()) s.modes = {ReplayMode::kOpen};
  for (const auto& [m, node] : modes) {
    absl::StatusOr<ReplayMode> mode = ParseMode(m);
    if (!mode.ok()) return ErrAt(c, *node, mode.status().message());
    s.modes.push_back(*mode);
  }
  IOSCHED_ASSIGN_OR_RETURN(std::vector<int64_t> depths, Ints(c, root, "depths", {1}, 1, 4096));
  for (int64_t d : depths) s.depths.push_back(static_cast<uint32_t>(d));
  IOSCHED_ASSIGN_OR_RETURN(std::vector<int64_t> aw, Ints(c, root, "async_writes", {0}, 0, 1 << 20));
  for (int64_t a : aw) s.async_writes.push_back(static_cast<uint32_t>(a));
  // Report settings.
  IOSCHED_ASSIGN_OR_RETURN(std::optional<std::string> baseline,
                           Typed<std::string>(c, root, "baseline", "a string"));
  s.baseline = baseline.value_or(s.specs.front().spec);
  if (!seen.count(s.baseline)) {
    return ErrAt(c, *root.get("baseline"),
                 absl::StrCat("baseline '", s.baseline, "' is not one of the study's elevator settings"));
  }
  IOSCHED_ASSIGN_OR_RETURN(std::optional<std::string> metric,
                           Typed<std::string>(c, root, "metric", "a string"));
  if (metric) {
    const OrderedJson known = MetricsJson(ReplayResult{});
    if (!known.contains(*metric) || *metric == "counters") {
      std::vector<std::string> names;
      for (const auto& [k, v] : known.items()) {
        if (k != "counters") names.push_back(k);
      }
      return ErrAt(c, *root.get("metric"),
                   absl::StrCat("unknown metric '", *metric, "' (expected one of ",
                                absl::StrJoin(names, ", "), ")"));
    }
    s.metric = *metric;
  }
  // The plan.
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    for (size_t d = 0; d < s.disks.size(); ++d) {
      for (size_t e = 0; e < s.specs.size(); ++e) {
        for (ReplayMode m : s.modes) {
          for (uint32_t depth : s.depths) {
            const std::vector<uint32_t> asyncs =
                m == ReplayMode::kClosed ? s.async_writes : std::vector<uint32_t>{0};
            for (uint32_t a : asyncs) {
              StudyCell cell;
              cell.index = s.cells.size();
              cell.input = i;
              cell.disk = d;
              cell.spec = e;
              cell.mode = m;
              cell.depth = depth;
              cell.async_writes = a;
              cell.id = absl::StrCat("trace=", s.inputs[i].label, "|disk=", s.disks[d].label,
                                     "|elevator=", s.specs[e].spec, "|mode=", ModeName(m),
                                     "|depth=", depth, "|async_writes=", a);
              cell.key = Sha256Of(cell.id).substr(7, 16);
              s.cells.push_back(std::move(cell));
            }
          }
        }
      }
    }
  }
  return s;
}

}  // namespace

absl::StatusOr<Study> LoadStudy(const std::string& path) {
  IOSCHED_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::string base = fs::path(path).parent_path().string();
  return ParseStudy(text, path, base.empty() ? "." : base);
}

absl::StatusOr<Shard> ParseShard(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  absl::StatusOr<int64_t> i = parts.size() == 2 ? ParseInt(parts[0]) : absl::StatusOr<int64_t>(0);
  absl::StatusOr<int64_t> n = parts.size() == 2 ? ParseInt(parts[1]) : absl::StatusOr<int64_t>(0);
  if (!i.ok() || !n.ok() || *n < 1 || *n > 100000 || *i < 1 || *i > *n) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard '", text, "': expected I/N with 1 <= I <= N, e.g. 2/4"));
  }
  return Shard{static_cast<uint32_t>(*i), static_cast<uint32_t>(*n)};
}

std::vector<size_t> ShardCells(const Study& study, Shard shard) {
  std::vector<size_t> out;
  for (size_t i = 0; i < study.cells.size(); ++i) {
    if (i % shard.count == shard.index - 1) out.push_back(i);
  }
  return out;
}

std::string FormatStudyPlan(const Study& study, Shard shard) {
  const std::vector<size_t> cells = ShardCells(study, shard);
  std::string s = absl::StrCat("study ", study.name, " (", study.file, ", ", study.sha256, ")\n");
  absl::StrAppend(&s, study.inputs.size(), " trace(s) x ", study.disks.size(), " disk(s) x ",
                  study.specs.size(), " elevator setting(s) x ", study.modes.size(),
                  " mode(s) x ", study.depths.size(), " depth(s)");
  if (study.async_writes.size() > 1) absl::StrAppend(&s, " (closed: x ", study.async_writes.size(), " async_writes)");
  absl::StrAppend(&s, " = ", study.cells.size(), " cells");
  if (shard.count > 1) absl::StrAppend(&s, "; shard ", shard.index, "/", shard.count, ": ", cells.size());
  s += "\n";
  for (size_t i : cells) absl::StrAppend(&s, study.cells[i].key, "  ", study.cells[i].id, "\n");
  absl::StrAppend(&s, cells.size(), " cells\n");
  return s;
}

OrderedJson CellResultCore(const OrderedJson& cell) {
  OrderedJson core;
  for (const char* k : {"schema_version", "study", "cell", "settings", "trace", "disk", "elevator", "result"}) {
    if (cell.contains(k)) core[k] = cell[k];
  }
  return core;
}

absl::StatusOr<StudyRunStats> RunStudy(const Study& study, const StudyRunOptions& options) {
  const std::string& out = options.out_dir;
  const std::string cache = options.cache_dir.empty() ? out + "/cache" : options.cache_dir;
  std::error_code ec;
  for (const std::string& d : {out, out + "/cells", cache}) {
    fs::create_directories(d, ec);
    if (ec) return absl::PermissionDeniedError(absl::StrCat(d, ": cannot create: ", ec.message()));
  }
  const std::string manifest_path = out + "/manifest.json";
  if (fs::exists(manifest_path)) {
    IOSCHED_ASSIGN_OR_RETURN(OrderedJson old, ReadJson(manifest_path));
    IOSCHED_RETURN_IF_ERROR(CheckSchema(old, manifest_path));
    const std::string old_sha = old["study"].value("sha256", "");
    if (old_sha != study.sha256) {
      return absl::FailedPreconditionError(absl::StrCat(
          out, " holds results of another study (", old_sha, ", this is ", study.sha256,
          "): use another --out"));
    }
  }
  IOSCHED_RETURN_IF_ERROR(RemoveStaleTemps(out + "/cells"));
  IOSCHED_RETURN_IF_ERROR(RemoveStaleTemps(out));
  const std::vector<size_t> mine = ShardCells(study, options.shard);
  IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(out + "/study.toml", study.text));
  const std::string shard_name = absl::StrCat(options.shard.index, "/", options.shard.count);
  IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(
      manifest_path, ManifestJson(study, mine, {shard_name}, options.argv).dump(2) + "\n"));

  StudyRunStats stats;
  stats.cells = mine.size();
  std::vector<size_t> todo;
  for (size_t i : mine) {
    if (CellFinished(out, study.cells[i])) {
      ++stats.skipped;
    } else {
      todo.push_back(i);
    }
  }
  // Each input is decoded into the cache once per process, by the first
  // worker that needs it.
  struct InputSlot {
    std::once_flag once;
    absl::StatusOr<Prepared> prepared = absl::UnknownError("not prepared");
  };
  std::deque<InputSlot> inputs(study.inputs.size());
  std::atomic<size_t> decoded{0}, next{0}, ran{0};
  std::mutex mu;
  size_t done = stats.skipped;
  std::vector<absl::Status> errors(todo.size());
  auto work = [&] {
    for (size_t t; (t = next.fetch_add(1)) < todo.size();) {
      const StudyCell& cell = study.cells[todo[t]];
      InputSlot& slot = inputs[cell.input];
      std::call_once(slot.once, [&] {
        slot.prepared = PrepareInput(study.inputs[cell.input], cache, &decoded);
      });
      absl::Status st = slot.prepared.status();
      if (st.ok()) {
        absl::StatusOr<OrderedJson> j = RunCell(study, cell, *slot.prepared, options.argv);
        st = j.ok() ? WriteFileAtomic(CellPath(out, cell.key), j->dump(2) + "\n") : j.status();
      }
      if (!st.ok()) {
        errors[t] = absl::Status(st.code(), absl::StrCat("cell ", cell.key, " (", cell.id, "): ", st.message()));
        continue;
      }
      ++ran;
      std::lock_guard<std::mutex> lock(mu);
      ++done;
      if (options.on_cell) options.on_cell(done, mine.size(), cell);
    }
  };
  const size_t jobs = std::max<size_t>(1, std::min<size_t>(options.jobs, todo.size()));
  if (jobs <= 1) {
    work();
  } else {
    std::vector<std::thread> workers;
    for (size_t w = 0; w < jobs; ++w) workers.emplace_back(work);
    for (std::thread& t : workers) t.join();
  }
  stats.ran = ran;
  stats.decoded = decoded;
  for (const absl::Status& st : errors) IOSCHED_RETURN_IF_ERROR(st);
  return stats;
}

bool IsStudyFolder(const std::string& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::exists(dir + "/manifest.json", ec);
}

absl::StatusOr<StudyFolder> ReadStudyFolder(const std::string& dir) {
  StudyFolder f;
  const std::string mpath = dir + "/manifest.json";
  if (!fs::exists(mpath)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, ": not a study folder (no manifest.json; `iosched study run` writes one)"));
  }
  IOSCHED_ASSIGN_OR_RETURN(f.manifest, ReadJson(mpath));
  IOSCHED_RETURN_IF_ERROR(CheckSchema(f.manifest, mpath));
  std::vector<std::pair<uint64_t, std::string>> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir + "/cells", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || e.path().extension() != ".json") continue;
    files.emplace_back(0, e.path().string());
  }
  std::vector<std::pair<uint64_t, OrderedJson>> cells;
  for (auto& [idx, path] : files) {
    IOSCHED_ASSIGN_OR_RETURN(OrderedJson j, ReadJson(path));
    IOSCHED_RETURN_IF_ERROR(CheckSchema(j, path));
    if (!j.contains("cell") || !j["cell"].contains("index") || !j.contains("result")) {
      return absl::DataLossError(absl::StrCat(path, ": not a study cell (no \"cell\" or \"result\")"));
    }
    cells.emplace_back(j["cell"]["index"].get<uint64_t>(), std::move(j));
    idx = cells.back().first;
  }
  std::vector<size_t> order(cells.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cells[a].first < cells[b].first; });
  for (size_t i : order) {
    f.cells.push_back(std::move(cells[i].second));
    f.cell_files.push_back(files[i].second);
  }
  return f;
}

absl::StatusOr<MergeStats> MergeStudies(const std::vector<std::string>& dirs,
                                        const std::string& out,
                                        const std::vector<std::string>& argv) {
  if (dirs.empty()) return absl::InvalidArgumentError("merge: give at least one study folder");
  MergeStats stats;
  std::string sha, study_text;
  OrderedJson study_block;
  std::map<std::string, std::pair<std::string, std::string>> by_key;  // key -> (core, dir)
  std::map<uint64_t, OrderedJson> planned;
  std::set<std::string> shards;
  std::vector<std::pair<std::string, std::string>> to_write;  // (key, file text)
  for (const std::string& dir : dirs) {
    IOSCHED_ASSIGN_OR_RETURN(StudyFolder f, ReadStudyFolder(dir));
    const std::string s = f.manifest["study"].value("sha256", "");
    if (sha.empty()) {
      sha = s;
      study_block = f.manifest["study"];
      absl::StatusOr<std::string> t = ReadFile(dir + "/study.toml");
      if (t.ok()) study_text = *t;
    } else if (s != sha) {
      return absl::FailedPreconditionError(absl::StrCat(
          "merge: ", dir, " ran another study (", s, ") than ", dirs.front(), " (", sha, ")"));
    }
    for (const auto& sh : f.manifest["shards"]) shards.insert(sh.get<std::string>());
    for (const auto& c : f.manifest["cells"]) planned[c["index"].get<uint64_t>()] = c;
    for (size_t i = 0; i < f.cells.size(); ++i) {
      const OrderedJson& cell = f.cells[i];
      if (cell["study"].value("sha256", "") != sha) {
        return absl::FailedPreconditionError(absl::StrCat(
            "merge: ", f.cell_files[i], " belongs to another study than its folder's manifest"));
      }
      const std::string key = cell["cell"]["key"].get<std::string>();
      const std::string core = CellResultCore(cell).dump();
      auto it = by_key.find(key);
      if (it != by_key.end()) {
        if (it->second.first != core) {
          return absl::FailedPreconditionError(absl::StrCat(
              "merge: cell ", key, " (", cell["cell"].value("id", ""), ") has different results in ",
              it->second.second, " and ", dir));
        }
        ++stats.duplicates;
        continue;
      }
      by_key[key] = {core, dir};
      IOSCHED_ASSIGN_OR_RETURN(std::string text, ReadFile(f.cell_files[i]));
      to_write.emplace_back(key, std::move(text));
    }
  }
  std::error_code ec;
  fs::create_directories(out + "/cells", ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(out, ": cannot create: ", ec.message()));
  if (fs::exists(out + "/manifest.json")) {
    IOSCHED_ASSIGN_OR_RETURN(OrderedJson old, ReadJson(out + "/manifest.json"));
    IOSCHED_RETURN_IF_ERROR(CheckSchema(old, out + "/manifest.json"));
    if (old["study"].value("sha256", "") != sha) {
      return absl::FailedPreconditionError(
          absl::StrCat("merge: ", out, " holds results of another study: use another --out"));
    }
  }
  for (const auto& [key, text] : to_write) {
    IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(CellPath(out, key), text));
  }
  if (!study_text.empty()) IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(out + "/study.toml", study_text));
  OrderedJson m;
  m["schema_version"] = kStudySchemaVersion;
  m["kind"] = "iosched-study";
  m["program"] = ProgramJson(argv);
  m["study"] = study_block;
  m["shards"] = std::vector<std::string>(shards.begin(), shards.end());
  m["merged_from"] = dirs;
  OrderedJson list = OrderedJson::array();
  for (const auto& [idx, c] : planned) list.push_back(c);
  m["cells"] = list;
  IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(out + "/manifest.json", m.dump(2) + "\n"));
  stats.cells = by_key.size();
  stats.planned = planned.size();
  return stats;
}

}  // namespace iosched
