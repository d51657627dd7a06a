// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "result_meta.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"
#include "json_io.h"
#include "report.h"

#ifndef IOSCHED_VERSION
#define IOSCHED_VERSION "unknown"
#endif
#ifndef IOSCHED_GIT_DESCRIBE
#define IOSCHED_GIT_DESCRIBE ""
#endif

namespace iosched {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string Hex(const unsigned char* p, unsigned n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s = "sha256:";
  for (unsigned i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

// NaN and infinities have no JSON form: null.
OrderedJson Num(double v) { return std::isfinite(v) ? OrderedJson(v) : OrderedJson(nullptr); }

}  // namespace

std::string IoschedVersion() { return IOSCHED_VERSION; }
std::string IoschedGitDescribe() { return IOSCHED_GIT_DESCRIBE; }

std::string Sha256Of(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return Hex(md, n);
}

namespace {

// What identifies a file's content for the memo below: a regular file whose
// device, inode, size and modification time are unchanged is taken as
// unchanged (a report writes compare.json and compare.csv of one run, and
// both carry the trace hash; a large trace is read once, not twice).
struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = -1;
  int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

std::optional<FileIdentity> IdentityOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, st.st_size,
                      int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
}

absl::StatusOr<std::string> HashFile(const std::string& path);

}  // namespace

absl::StatusOr<std::string> FileSha256(const std::string& path) {
  static absl::Mutex mu(absl::kConstInit);
  static FileIdentity* last_id ABSL_GUARDED_BY(mu) = nullptr;
  static std::string* last_hash ABSL_GUARDED_BY(mu) = nullptr;
  const std::optional<FileIdentity> before = IdentityOf(path);
  if (before) {
    absl::MutexLock lock(&mu);
    if (last_id != nullptr && *last_id == *before) return *last_hash;
  }
  IOSCHED_ASSIGN_OR_RETURN(std::string hash, HashFile(path));
  // Remembered only if the file did not change while it was read.
  if (before && IdentityOf(path) == before) {
    absl::MutexLock lock(&mu);
    if (last_id == nullptr) {
      last_id = new FileIdentity;
      last_hash = new std::string;
    }
    *last_id = *before;
    *last_hash = hash;
  }
  return hash;
}

namespace {

absl::StatusOr<std::string> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open for hashing"));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error while hashing"));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &n);
  return Hex(md, n);
}

}  // namespace

OrderedJson ProgramJson(const std::vector<std::string>& argv) {
  OrderedJson j;
  j["name"] = "iosched";
  j["version"] = IoschedVersion();
  j["git_describe"] = IoschedGitDescribe();
  j["argv"] = argv;
  return j;
}

OrderedJson SettingsJson(const CompareOptions& o) {
  const ReplayOptions& r = o.replay;
  const TraceTransform& t = o.transform;
  OrderedJson s;
  s["mode"] = ModeName(r.mode);
  s["depth"] = r.depth;
  s["async_writes"] = r.closed_async_writes;
  s["sched_tags"] = r.sched_tags;
  s["time_scale"] = Num(r.time_scale);
  s["fit"] = FitName(r.fit);
  s["max_requests"] = r.max_requests;
  s["think_cap_ns"] = r.think_cap.count();
  s["closed_window"] = r.closed_window;
  s["seed"] = nullptr;
  OrderedJson read;
  read["format"] = o.trace_format;
  read["csv_mapping"] = o.read.csv_mapping;
  read["skip_bad_lines"] = o.read.skip_bad_lines;
  s["read"] = read;
  OrderedJson tr;
  tr["merge"] = o.merge;
  tr["skip_reads"] = t.skip_reads;
  tr["skip_writes"] = t.skip_writes;
  tr["devices"] = t.devices;
  tr["streams"] = t.streams;
  tr["sort_window"] = t.sort_window;
  tr["window_start_ns"] = t.window_start_ns ? OrderedJson(*t.window_start_ns) : OrderedJson();
  tr["window_end_ns"] = t.window_end_ns ? OrderedJson(*t.window_end_ns) : OrderedJson();
  tr["time_scale"] = Num(t.time_scale);
  tr["offset_scale"] = Num(t.offset_scale);
  tr["offset_modulo"] = t.offset_modulo;
  tr["offset_align"] = t.offset_align;
  tr["max_records"] = t.max_records;
  s["transforms"] = tr;
  return s;
}

absl::StatusOr<OrderedJson> DiskJson(const CompareOptions& o) { return DiskJson(o.disk, o.parv); }

absl::StatusOr<OrderedJson> DiskJson(const std::string& preset, const std::string& parv) {
  OrderedJson d;
  std::unique_ptr<DiskModel> disk;
  if (parv.empty()) {
    d["preset"] = preset;
    d["parv"] = nullptr;
    d["parv_sha256"] = nullptr;
    IOSCHED_ASSIGN_OR_RETURN(disk, MakeDiskModel(preset));
    d["model"] = preset;
  } else {
    d["preset"] = nullptr;
    d["parv"] = parv;
    IOSCHED_ASSIGN_OR_RETURN(d["parv_sha256"], FileSha256(parv));
    IOSCHED_ASSIGN_OR_RETURN(DiskSimImport model, LoadDiskSimParv(parv));
    d["model"] = model.params.name;
    IOSCHED_ASSIGN_OR_RETURN(disk, MakeHddModel(model.params));
  }
  d["capacity_sectors"] = disk->capacity_sectors();
  d["rotational"] = disk->rotational();
  return d;
}

OrderedJson TraceJson(const std::string& path, const std::string& format, uint64_t records) {
  OrderedJson trace;
  trace["path"] = path;
  trace["format"] = format;
  trace["records"] = records;
  std::error_code ec;
  const uintmax_t bytes = std::filesystem::file_size(path, ec);
  trace["bytes"] = ec ? OrderedJson() : OrderedJson(static_cast<uint64_t>(bytes));
  absl::StatusOr<std::string> hash =
      ec ? absl::StatusOr<std::string>(absl::NotFoundError(path)) : FileSha256(path);
  trace["sha256"] = hash.ok() ? OrderedJson(*hash) : OrderedJson();
  return trace;
}

absl::StatusOr<OrderedJson> TunablesJson(const std::string& spec, const ElevatorEnv& env) {
  IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<Elevator> e, MakeElevator(spec, env));
  OrderedJson t = OrderedJson::object();
  for (const TunableInfo& info : e->Tunables()) {
    t[info.name] = {{"value", info.value}, {"unit", info.unit}};
  }
  return t;
}

OrderedJson MetricsJson(const ReplayResult& r) {
  const Summary& x = r.summary;
  OrderedJson m;
  m["requests"] = x.submitted;
  m["completed"] = x.completed;
  m["errors"] = x.errors;
  m["iops"] = Num(x.all.iops);
  m["mb_s"] = Num(x.all.mb_s);
  m["lat_mean_ms"] = Num(x.all.lat_mean_ms);
  m["lat_p50_ms"] = Num(x.all.lat_p50_ms);
  m["lat_p95_ms"] = Num(x.all.lat_p95_ms);
  m["lat_p99_ms"] = Num(x.all.lat_p99_ms);
  m["lat_max_ms"] = Num(x.all.lat_max_ms);
  m["lat_std_ms"] = Num(x.all.lat_std_ms);
  m["wait_mean_ms"] = Num(x.all.wait_mean_ms);
  m["service_mean_ms"] = Num(x.all.service_mean_ms);
  m["seek_mean_sectors"] = Num(x.seek_mean_sectors);
  m["seek_time_ms"] = Num(ToMillis(r.seek_time_total));
  m["merges"] = x.merges;
  m["units"] = x.issued;
  m["read_iops"] = Num(x.read.iops);
  m["read_mb_s"] = Num(x.read.mb_s);
  m["read_lat_mean_ms"] = Num(x.read.lat_mean_ms);
  m["read_lat_p99_ms"] = Num(x.read.lat_p99_ms);
  m["read_lat_max_ms"] = Num(x.read.lat_max_ms);
  m["write_iops"] = Num(x.write.iops);
  m["write_mb_s"] = Num(x.write.mb_s);
  m["write_lat_mean_ms"] = Num(x.write.lat_mean_ms);
  m["write_lat_p99_ms"] = Num(x.write.lat_p99_ms);
  m["write_lat_max_ms"] = Num(x.write.lat_max_ms);
  m["fairness"] = Num(x.fairness);
  m["span_s"] = Num(x.span_s);
  m["out_of_range"] = r.out_of_range;
  m["cache_hits"] = r.cache_hits;
  m["records"] = r.records;
  m["simulated_end_ns"] = r.end_time.count();
  OrderedJson c = OrderedJson::object();
  for (const auto& [k, v] : x.elevator_counters) c[k] = v;
  m["counters"] = c;
  return m;
}

absl::StatusOr<OrderedJson> CompareMetaJson(const CompareResult& r) {
  const CompareOptions& o = r.options;
  OrderedJson meta;
  meta["program"] = ProgramJson(ProcessArguments());
  meta["settings"] = SettingsJson(o);
  OrderedJson disk;
  if (r.real_target.empty()) {
    IOSCHED_ASSIGN_OR_RETURN(disk, DiskJson(o));
  } else {  // replay --target: a real file or device
    disk["preset"] = nullptr;
    disk["parv"] = nullptr;
    disk["parv_sha256"] = nullptr;
    disk["model"] = "real";
    disk["target"] = r.real_target;
    disk["backend"] = r.real_backend;
    disk["capacity_sectors"] = r.disk_capacity_sectors;
    disk["rotational"] = r.real_rotational;
  }
  const bool rotational = disk["rotational"].get<bool>();
  meta["disk"] = disk;
  meta["trace"] =
      TraceJson(o.trace, r.trace_format, r.runs.empty() ? 0 : r.runs.front().result.records);
  OrderedJson elevators = OrderedJson::array();
  ElevatorEnv env;
  env.rotational = rotational;
  env.device_depth = o.replay.depth;
  for (const CompareRun& run : r.runs) {
    OrderedJson e;
    e["spec"] = run.spec;
    e["elevator"] = run.elevator;
    IOSCHED_ASSIGN_OR_RETURN(e["tunables"], TunablesJson(run.spec, env));
    elevators.push_back(std::move(e));
  }
  meta["elevators"] = elevators;
  return meta;
}

void AddResultMeta(OrderedJson* doc, const CompareResult& r) {
  absl::StatusOr<OrderedJson> meta = CompareMetaJson(r);
  (*doc)["schema_version"] = kResultSchemaVersion;
  (*doc)["meta"] = meta.ok() ? *meta : OrderedJson{{"error", std::string(meta.status().message())}};
}

namespace {

// A CSV field: quoted when it holds a comma, quote or newline.
std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string ScalarText(const OrderedJson& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();  // numbers shortest-exact, booleans true/false
}

}  // namespace

std::string CompareCsvHeader() {
  return "schema_version,iosched_version,mode,depth,async_writes,time_scale,fit,disk,"
         "trace_sha256,tunables";
}

std::vector<std::string> CompareCsvMeta(const CompareResult& r) {
  const absl::StatusOr<OrderedJson> meta = CompareMetaJson(r);
  const ReplayOptions& o = r.options.replay;
  std::string disk = r.real_target.empty()
                         ? (r.options.parv.empty() ? r.options.disk : r.options.parv)
                         : r.real_target;
  std::string sha;
  if (meta.ok() && (*meta)["trace"]["sha256"].is_string()) sha = (*meta)["trace"]["sha256"];
  const std::string common =
      absl::StrCat(kResultSchemaVersion, ",", CsvField(IoschedVersion()), ",", ModeName(o.mode),
                   ",", o.depth, ",", o.closed_async_writes, ",", FormatDouble(o.time_scale), ",",
                   FitName(o.fit), ",", CsvField(disk), ",", sha);
  std::vector<std::string> rows;
  for (size_t i = 0; i < r.runs.size(); ++i) {
    std::string tunables;
    if (meta.ok() && i < (*meta)["elevators"].size()) {
      for (const auto& [name, t] : (*meta)["elevators"][i]["tunables"].items()) {
        if (!tunables.empty()) tunables += "|";
        absl::StrAppend(&tunables, name, "=", ScalarText(t["value"]));
      }
    }
    rows.push_back(absl::StrCat(common, ",", CsvField(tunables)));
  }
  return rows;
}

void AddFsSweepMeta(OrderedJson* doc, const FsSweepResult& r) {
  const FsSweepOptions& o = r.options;
  OrderedJson meta;
  meta["program"] = ProgramJson(ProcessArguments());
  OrderedJson s;
  s["experiment"] = "fs-tree";
  s["files"] = o.files;
  s["dirs"] = o.dirs;
  s["fanout"] = o.fanout;
  s["min_file_kb"] = o.min_file_kb;
  s["max_file_kb"] = o.max_file_kb;
  s["request_kb"] = o.request_kb;
  s["depth"] = o.depth;
  s["jump_groups"] = o.jump_groups;
  s["seed"] = o.seed;
  OrderedJson levels = OrderedJson::array();
  for (double f : o.fragmentation) levels.push_back(Num(f));
  s["fragmentation"] = levels;
  OrderedJson orders = OrderedJson::array();
  for (FsOrder order : o.orders) orders.push_back(FsOrderName(order));
  s["orders"] = orders;
  meta["settings"] = s;
  absl::StatusOr<OrderedJson> disk = DiskJson(o.disk, o.parv);
  if (!disk.ok()) {
    (*doc)["schema_version"] = kResultSchemaVersion;
    (*doc)["meta"] = OrderedJson{{"error", std::string(disk.status().message())}};
    return;
  }
  meta["trace"] = nullptr;
  ElevatorEnv env;
  env.rotational = (*disk)["rotational"].get<bool>();
  env.device_depth = o.depth;
  meta["disk"] = *disk;
  OrderedJson elevators = OrderedJson::array();
  if (!r.points.empty()) {
    for (const FsWorkloadResult& run : r.points.front().runs) {
      OrderedJson e;
      e["order"] = FsOrderName(run.order);
      e["spec"] = run.elevator;
      absl::StatusOr<std::unique_ptr<Elevator>> el = MakeElevator(run.elevator, env);
      e["elevator"] = el.ok() ? std::string((*el)->Name()) : run.elevator;
      absl::StatusOr<OrderedJson> t = TunablesJson(run.elevator, env);
      e["tunables"] = t.ok() ? *t : OrderedJson::object();
      elevators.push_back(std::move(e));
    }
  }
  meta["elevators"] = elevators;
  (*doc)["schema_version"] = kResultSchemaVersion;
  (*doc)["meta"] = meta;
}

std::string FsSweepCsvHeader() {
  return "schema_version,iosched_version,disk,seed,files,dirs,fanout,min_file_kb,max_file_kb,"
         "request_kb,depth,jump_groups,tunables";
}

std::vector<std::string> FsSweepCsvMeta(const FsSweepResult& r) {
  const FsSweepOptions& o = r.options;
  const std::string common =
      absl::StrCat(kResultSchemaVersion, ",", CsvField(IoschedVersion()), ",",
                   CsvField(o.parv.empty() ? o.disk : o.parv), ",", o.seed, ",", o.files, ",",
                   o.dirs, ",", o.fanout, ",", o.min_file_kb, ",", o.max_file_kb, ",", o.request_kb,
                   ",", o.depth, ",", o.jump_groups);
  std::vector<std::string> rows;
  if (r.points.empty()) return rows;
  OrderedJson doc;
  AddFsSweepMeta(&doc, r);
  const OrderedJson& elevators = doc["meta"].value("elevators", OrderedJson::array());
  for (size_t i = 0; i < r.points.front().runs.size(); ++i) {
    std::string tunables;
    if (i < elevators.size()) {
      for (const auto& [name, t] : elevators[i]["tunables"].items()) {
        if (!tunables.empty()) tunables += "|";
        absl::StrAppend(&tunables, name, "=", ScalarText(t["value"]));
      }
    }
    rows.push_back(absl::StrCat(common, ",", CsvField(tunables)));
  }
  return rows;
}

void AddValidateMeta(OrderedJson* doc, const ValidateMetaInput& in) {
  OrderedJson meta;
  meta["program"] = ProgramJson(ProcessArguments());
  OrderedJson s;
  s["mode"] = "validate";
  s["depth"] = 1;
  s["max_requests"] = in.max_requests;
  s["trace_format"] = in.requested_format;
  meta["settings"] = s;
  absl::StatusOr<OrderedJson> disk = DiskJson("", in.parv);
  meta["disk"] = disk.ok() ? *disk : OrderedJson{{"error", std::string(disk.status().message())}};
  meta["trace"] = TraceJson(in.trace, in.detected_format, in.records);
  meta["elevators"] = OrderedJson::array();
  (*doc)["schema_version"] = kResultSchemaVersion;
  (*doc)["meta"] = meta;
}

absl::Status CheckResultSchema(const OrderedJson& doc, std::string_view source) {
  std::string found;
  if (!doc.is_object() || !doc.contains("schema_version")) {
    found = "0 (no schema_version)";
  } else if (!doc["schema_version"].is_number_integer() ||
             doc["schema_version"].get<int64_t>() != kResultSchemaVersion) {
    found = doc["schema_version"].dump();
  } else {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      Sv(source), ": results schema version ", found, " (expected ", kResultSchemaVersion,
      "); re-run the command that wrote it with this iosched (", IoschedVersion(), ")"));
}

absl::Status CheckNotResultsFile(const std::string& path) {
  if (std::filesystem::path(path).extension() != ".json") return absl::OkStatus();
  absl::StatusOr<JsonDocument> doc = ReadJsonFile(path);
  if (!doc.ok() || !doc->root().is_object()) return absl::OkStatus();  // the trace reader says why
  const OrderedJson& root = doc->root();
  if (!root.contains("results") && !root.contains("schema_version")) return absl::OkStatus();
  IOSCHED_RETURN_IF_ERROR(CheckResultSchema(root, path));
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": a results file (results schema version ", kResultSchemaVersion,
      "), not a trace; `iosched plot ", path,
      " --out DIR` draws its plots, `iosched report TRACE --out DIR` replays a trace"));
}

}  // namespace iosched
