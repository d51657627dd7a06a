// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "report.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "iosched/disk_model.h"
#include "iosched/hdd_params.h"
#include "iosched/registry.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

// ---- A small table model rendered to both HTML and Markdown. ----

struct Cell {
  std::string text;
  bool num = false;   // right-aligned
  bool best = false;  // highlighted
  bool mark = false;  // emphasised (e.g. a non-default tunable)
};
using Row = std::vector<Cell>;

struct Table {
  std::vector<std::string> header;
  std::vector<Row> rows;
};

Cell Text(std::string s) { return Cell{std::move(s)}; }
Cell NumCell(std::string s) { return Cell{std::move(s), true}; }
Cell Fixed(double v, int decimals) { return NumCell(absl::StrFormat("%.*f", decimals, v)); }
Cell Int(uint64_t v) { return NumCell(absl::StrCat(v)); }

// "1234567" → "1,234,567".
std::string Grouped(uint64_t v) {
  std::string s = absl::StrCat(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string Bytes(double b) {
  if (b >= 1e9) return absl::StrFormat("%.2f GB", b / 1e9);
  if (b >= 1e6) return absl::StrFormat("%.2f MB", b / 1e6);
  if (b >= 1e3) return absl::StrFormat("%.1f kB", b / 1e3);
  return absl::StrFormat("%.0f B", b);
}

// Marks the best value of column `col` over the rows: dir > 0 higher is
// better, dir < 0 lower is better. Nothing is marked when all are equal.
void MarkBest(Table* t, size_t col, const std::vector<double>& values, int dir) {
  if (values.size() < 2) return;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*lo == *hi) return;
  const double best = dir > 0 ? *hi : *lo;
  for (size_t i = 0; i < values.size() && i < t->rows.size(); ++i) {
    if (values[i] == best) t->rows[i][col].best = true;
  }
}

// Tables with one column per elevator fit 1280 px with at most this many
// elevator columns (numbers of up to 14 characters, headers wrapping).
constexpr size_t kMaxElevatorColumns = 8;

// Splits `t` (its first `fixed` columns describe the row, every other
// column is one elevator's) into tables of at most kMaxElevatorColumns
// elevator columns each, every one repeating the fixed columns, titled
// `title` plus "(elevators a-b of n)" when there is more than one.
std::vector<std::pair<std::string, Table>> SplitElevatorColumns(const std::string& title,
                                                                const Table& t, size_t fixed) {
  const size_t n = t.header.size() - fixed;
  if (n <= kMaxElevatorColumns) return {{title, t}};
  std::vector<std::pair<std::string, Table>> out;
  const size_t parts = (n + kMaxElevatorColumns - 1) / kMaxElevatorColumns;
  const size_t per = (n + parts - 1) / parts;  // even widths: 20 -> 7, 7, 6
  for (size_t first = 0; first < n; first += per) {
    const size_t last = std::min(n, first + per);
    Table part{{t.header.begin(), t.header.begin() + static_cast<ptrdiff_t>(fixed)}, {}};
    for (size_t c = first; c < last; ++c) part.header.push_back(t.header[fixed + c]);
    for (const Row& row : t.rows) {
      Row r(row.begin(), row.begin() + static_cast<ptrdiff_t>(fixed));
      for (size_t c = first; c < last; ++c) r.push_back(row[fixed + c]);
      part.rows.push_back(std::move(r));
    }
    out.push_back({absl::StrCat(title, title.empty() ? "" : " ", "(elevators ", first + 1, "-",
                                last, " of ", n, ")"),
                   std::move(part)});
  }
  return out;
}

std::string HtmlTable(const Table& t, const std::string& cls = "") {
  std::string s = cls.empty() ? "<table>\n" : absl::StrCat("<table class=\"", cls, "\">\n");
  s += "<thead><tr>";
  // A header may break after ',' ':' or '=' (a long elevator spec), never
  // inside a word.
  for (const std::string& h : t.header) {
    std::string cell = HtmlEscape(h);
    for (size_t p = 0; (p = cell.find_first_of(",:=", p)) != std::string::npos; p += 6) {
      cell.insert(p + 1, "<wbr>");
    }
    absl::StrAppend(&s, "<th>", cell, "</th>");
  }
  s += "</tr></thead>\n<tbody>\n";
  for (const Row& r : t.rows) {
    s += "<tr>";
    for (const Cell& c : r) {
      std::vector<std::string> classes;
      if (c.num) classes.push_back("num");
      if (c.best) classes.push_back("best");
      if (c.mark) classes.push_back("mark");
      s += classes.empty() ? "<td>"
                           : absl::StrCat("<td class=\"", absl::StrJoin(classes, " "), "\">");
      s += HtmlEscape(c.text);
      s += "</td>";
    }
    s += "</tr>\n";
  }
  s += "</tbody>\n</table>\n";
  return s;
}

std::string MdEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string MdTable(const Table& t) {
  std::string s = "|";
  for (const std::string& h : t.header) absl::StrAppend(&s, " ", MdEscape(h), " |");
  s += "\n|";
  for (size_t i = 0; i < t.header.size(); ++i) {
    const bool num = !t.rows.empty() && i < t.rows[0].size() && t.rows[0][i].num;
    s += num ? "---:|" : "---|";
  }
  s += "\n";
  for (const Row& r : t.rows) {
    s += "|";
    for (const Cell& c : r) {
      const std::string text = MdEscape(c.text);
      absl::StrAppend(&s, " ", (c.best || c.mark) ? absl::StrCat("**", text, "**") : text, " |");
    }
    s += "\n";
  }
  return s + "\n";
}

// ---- The document, as sections rendered twice. ----

struct Section {
  std::string id, title;
  std::string intro;                                  // one paragraph (plain text)
  std::vector<std::pair<std::string, Table>> tables;  // (subtitle, table)
  std::string note;                                   // small print under the tables
};

std::string ModeText(const CompareResult& r) {
  switch (r.options.replay.mode) {
    case ReplayMode::kOpen:
      return "open loop: each request arrives at its (scaled) trace time";
    case ReplayMode::kClosed:
      return "closed loop: each stream issues its next request after the previous one completes, "
             "plus its recorded think time";
    case ReplayMode::kBatch:
      return "batch: every request is queued at time 0";
  }
  return "?";
}

Section TraceSection(const CompareResult& r) {
  Section s{"trace", "Trace", {}, {}, {}};
  Table t{{"property", "value"}, {}};
  const auto add = [&](std::string k, std::string v) {
    t.rows.push_back({Text(std::move(k)), Text(std::move(v))});
  };
  add("file", r.trace);
  for (const std::string& m : r.options.merge) add("merged with", m);
  std::error_code ec;
  const auto size = std::filesystem::file_size(r.trace, ec);
  if (!ec) add("file size", Bytes(static_cast<double>(size)));
  add("format", absl::StrCat(r.trace_format, " (time unit ", r.time_unit, ")"));
  if (!r.runs.empty()) {
    const ReplayResult& x = r.runs[0].result;
    const Summary& sm = x.summary;
    add("records replayed", Grouped(x.records));
    add("reads", absl::StrCat(Grouped(sm.read.count), " (", Bytes(sm.read.bytes), ")"));
    add("writes", absl::StrCat(Grouped(sm.write.count), " (", Bytes(sm.write.bytes), ")"));
    const uint64_t n = sm.read.count + sm.write.count;
    if (n > 0) {
      add("mean request size",
          absl::StrFormat("%.1f KiB",
                          static_cast<double>(sm.read.bytes + sm.write.bytes) / n / 1024));
    }
    add("streams (processes)", Grouped(sm.streams.size()));
    add("records beyond the disk",
        absl::StrCat(Grouped(x.out_of_range), " (--fit ", FitName(r.options.replay.fit), ")"));
    if (r.options.replay.mode == ReplayMode::kOpen) {
      add("arrivals clamped (timestamps going backwards)", Grouped(x.clamped_arrivals));
    }
  }
  const TracePipelineStats& ps = r.trace_stats;
  const uint64_t dropped =
      ps.dropped_op + ps.dropped_device + ps.dropped_stream + ps.dropped_window;
  if (dropped > 0) {
    add("records filtered out",
        absl::StrCat(Grouped(dropped), " of ", Grouped(ps.read), " read (trace options)"));
  }
  if (r.bad_lines > 0) {
    add("malformed lines skipped",
        absl::StrCat(Grouped(r.bad_lines), " (first: ", r.first_bad_line, ")"));
  }
  s.tables.push_back({"", std::move(t)});
  return s;
}

Section DiskSection(const CompareResult& r) {
  Section s{"disk", "Disk model", {}, {}, {}};
  Table t{{"property", "value"}, {}};
  const auto add = [&](std::string k, std::string v) {
    t.rows.push_back({Text(std::move(k)), Text(std::move(v))});
  };
  const bool imported = !r.options.parv.empty();
  add(imported ? "model" : "preset", r.disk);
  if (imported) add("imported from", absl::StrCat(r.options.parv, " (DiskSim 4.0 parameters)"));
  for (const DiskPresetInfo& p : KnownDiskPresets()) {
    if (!imported && p.name == r.disk) add("description", p.description);
  }
  add("capacity", absl::StrCat(Grouped(r.disk_capacity_sectors), " sectors (",
                               Bytes(static_cast<double>(r.disk_capacity_sectors) * 512), ")"));
  absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeDiskModel(r.disk);
  if (disk.ok() && !imported) add("rotational", (*disk)->rotational() ? "yes" : "no (flash)");
  const HddParams hp = HpC2247AParams();
  if (hp.name == r.disk && !imported) {
    add("geometry", absl::StrCat(hp.heads, " heads, ", Grouped(hp.cylinders), " cylinders, ",
                                 hp.zones.size(), " zones"));
    add("spindle", absl::StrFormat("%.0f rpm (%.2f ms per revolution)", hp.rpm, 60000.0 / hp.rpm));
    add("head switch / write settle",
        absl::StrFormat("%.3g ms / %.3g ms", hp.head_switch_ms, hp.write_settle_ms));
    add("cache",
        absl::StrCat(hp.cache.segments, " segments of ", hp.cache.segment_sectors, " sectors"));
  }
  s.tables.push_back({"", std::move(t)});
  if (!r.disk_warnings.empty()) {
    s.note = absl::StrCat("Parameters of the imported model that iosched does not use: ",
                          absl::StrJoin(r.disk_warnings, "; "));
  }
  return s;
}

Section SettingsSection(const CompareResult& r) {
  Section s{"settings", "Replay settings", {}, {}, {}};
  const ReplayOptions& o = r.options.replay;
  Table t{{"setting", "value"}, {}};
  const auto add = [&](std::string k, std::string v) {
    t.rows.push_back({Text(std::move(k)), Text(std::move(v))});
  };
  add("mode", ModeText(r));
  add("time scale", absl::StrFormat("%g (trace times are multiplied by it)", o.time_scale));
  add("device queue depth", absl::StrCat(o.depth, " unit(s) in flight"));
  add("fit", absl::StrCat(FitName(o.fit), " (what happens to requests beyond the disk)"));
  add("max requests", o.max_requests ? Grouped(o.max_requests) : "all");
  add("head trace kept", absl::StrCat("first ", Grouped(o.head_trace_limit), " issued units"));
  add("elevators", absl::StrCat(r.runs.size()));
  s.tables.push_back({"", std::move(t)});
  return s;
}

// Runs with identical results (IdenticalGroups in plot.h): one table row or
// column each, labelled "a = b = c".
struct RunGroup {
  std::string label;
  const CompareRun* run;  // the first of the group
};

std::vector<RunGroup> Groups(const CompareResult& r) {
  std::vector<RunGroup> out;
  for (const std::vector<size_t>& g : IdenticalGroups(PlotDataFromCompare(r).runs)) {
    std::vector<std::string> specs;
    for (size_t i : g) specs.push_back(r.runs[i].spec);
    out.push_back({absl::StrJoin(specs, " = "), &r.runs[g.front()]});
  }
  return out;
}

bool OneStream(const CompareResult& r) {
  return r.runs.empty() || r.runs[0].result.summary.streams.size() <= 1;
}

Section ResultsSection(const CompareResult& r) {
  Section s{"results", "Results", {}, {}, {}};
  const std::vector<RunGroup> groups = Groups(r);
  if (groups.size() < r.runs.size()) {
    s.note =
        "Elevators joined by \"=\" gave identical results (same latencies, throughput and head "
        "movement) and share a row.";
  }
  s.intro =
      "One row per elevator, same trace, same disk. Latency is completion minus arrival; "
      "percentiles come from a log-linear histogram (at most 1.6 % bucket error). Throughput is "
      "over the span from the first arrival to the last completion. The best value of each "
      "column is highlighted.";
  Table t{{"elevator", "completed", "IOPS", "MB/s", "mean ms", "p50 ms", "p95 ms", "p99 ms",
           "max ms", "seek (sectors, mean)", "seek time s", "merges", "units", "fairness"},
          {}};
  std::vector<std::vector<double>> col(t.header.size());
  for (const RunGroup& g : groups) {
    const CompareRun& run = *g.run;
    const Summary& x = run.result.summary;
    const double v[] = {static_cast<double>(x.completed),
                        x.all.iops,
                        x.all.mb_s,
                        x.all.lat_mean_ms,
                        x.all.lat_p50_ms,
                        x.all.lat_p95_ms,
                        x.all.lat_p99_ms,
                        x.all.lat_max_ms,
                        x.seek_mean_sectors,
                        ToMillis(run.result.seek_time_total) / 1000,
                        static_cast<double>(x.merges),
                        static_cast<double>(x.issued),
                        x.fairness};
    Row row{Text(g.label), Int(x.completed), Fixed(v[1], 1), Fixed(v[2], 3)};
    for (int k = 3; k <= 7; ++k) row.push_back(Fixed(v[k], 2));
    row.push_back(Fixed(v[8], 0));
    row.push_back(Fixed(v[9], 2));
    row.push_back(Int(x.merges));
    row.push_back(Int(x.issued));
    row.push_back(Fixed(v[12], 3));
    for (size_t k = 0; k < std::size(v); ++k) col[k + 1].push_back(v[k]);
    t.rows.push_back(std::move(row));
  }
  const int dir[] = {0, 0, 1, 1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 1};
  for (size_t k = 1; k < t.header.size(); ++k) {
    if (dir[k] != 0) MarkBest(&t, k, col[k], dir[k]);
  }
  if (OneStream(r)) {  // Jain's index of one stream is 1 by definition
    t.header.pop_back();
    for (Row& row : t.rows) row.pop_back();
  }
  s.tables.push_back({"", std::move(t)});

  Table ops{{"elevator", "read IOPS", "read MB/s", "read mean ms", "read p99 ms", "read max ms",
             "write IOPS", "write MB/s", "write mean ms", "write p99 ms", "write max ms"},
            {}};
  std::vector<std::vector<double>> ocol(ops.header.size());
  for (const RunGroup& g : groups) {
    const Summary& x = g.run->result.summary;
    Row row{Text(g.label)};
    size_t k = 1;
    for (const OpSummary* op : {&x.read, &x.write}) {
      const double v[] = {op->iops, op->mb_s, op->lat_mean_ms, op->lat_p99_ms, op->lat_max_ms};
      row.push_back(Fixed(v[0], 1));
      row.push_back(Fixed(v[1], 3));
      for (int j = 2; j < 5; ++j) row.push_back(Fixed(v[j], 2));
      for (double d : v) ocol[k++].push_back(d);
    }
    ops.rows.push_back(std::move(row));
  }
  for (size_t k = 1; k < ops.header.size(); ++k) {
    const size_t j = (k - 1) % 5;
    MarkBest(&ops, k, ocol[k], j < 2 ? 1 : -1);
  }
  s.tables.push_back({"Reads and writes", std::move(ops)});
  return s;
}

Section StreamsSection(const CompareResult& r) {
  Section s{"streams", "Streams", {}, {}, {}};
  if (r.runs.empty()) return s;
  // Streams by bytes, largest first; at most 20 rows.
  std::vector<StreamSummary> streams = r.runs[0].result.summary.streams;
  std::sort(streams.begin(), streams.end(), [](const StreamSummary& a, const StreamSummary& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.id < b.id;
  });
  constexpr size_t kMaxRows = 20;
  if (streams.size() > kMaxRows) {
    s.note = absl::StrCat("The ", kMaxRows, " largest of ", streams.size(),
                          " streams; every stream is in compare.json.");
    streams.resize(kMaxRows);
  }
  s.intro =
      "Throughput of each stream (MB/s over the stream's own first arrival to last completion) "
      "and its mean latency, per elevator. Fairness in the results table is Jain's index over "
      "these throughputs.";
  // One table per measure, one column per (group of identical) elevator(s):
  // 3 + N columns instead of 3 + 2N, so eight elevators fit 1280 px.
  const std::vector<RunGroup> groups = Groups(r);
  for (int pass = 0; pass < 2; ++pass) {
    Table t{{"stream (pid)", "requests", "bytes"}, {}};
    for (const RunGroup& g : groups) t.header.push_back(g.label);
    for (const StreamSummary& st : streams) {
      Row row{Text(absl::StrCat(st.id)), Int(st.count),
              NumCell(Bytes(static_cast<double>(st.bytes)))};
      std::vector<double> values;
      for (const RunGroup& g : groups) {
        const StreamSummary* found = nullptr;
        for (const StreamSummary& x : g.run->result.summary.streams) {
          if (x.id == st.id) found = &x;
        }
        row.push_back(found == nullptr ? Text("")
                      : pass == 0      ? Fixed(found->mb_s, 3)
                                       : Fixed(found->lat_mean_ms, 2));
      }
      t.rows.push_back(std::move(row));
    }
    for (auto& part : SplitElevatorColumns(
             pass == 0 ? "Throughput per stream (MB/s)" : "Mean latency per stream (ms)", t, 3)) {
      s.tables.push_back(std::move(part));
    }
  }
  return s;
}

Section CountersSection(const CompareResult& r) {
  Section s{"counters", "Elevator and device counters", {}, {}, {}};
  s.intro =
      "Policy counters of each elevator (names as in the kernel where it has them) and the "
      "simulated device's time breakdown (sim_*_ns, nanoseconds).";
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const CompareRun& run : r.runs) {
    for (const auto& [k, v] : run.result.summary.elevator_counters) {
      if (seen.insert(k).second) names.push_back(k);
    }
  }
  Table t{{"counter"}, {}};
  for (const CompareRun& run : r.runs) t.header.push_back(run.spec);
  std::vector<std::string> hidden;
  for (const std::string& name : names) {
    Row row{Text(name)};
    bool nonzero = false;
    for (const CompareRun& run : r.runs) {
      std::string v;
      for (const auto& [k, x] : run.result.summary.elevator_counters) {
        if (k != name) continue;
        v = Grouped(static_cast<uint64_t>(std::max<int64_t>(x, 0)));
        nonzero |= x != 0;
      }
      row.push_back(NumCell(v));
    }
    if (nonzero) {
      t.rows.push_back(std::move(row));
    } else {
      hidden.push_back(name);
    }
  }
  const std::string title = t.header.size() - 1 > kMaxElevatorColumns ? "Counters" : "";
  for (auto& part : SplitElevatorColumns(title, t, 1)) s.tables.push_back(std::move(part));
  if (!hidden.empty()) {
    s.note = absl::StrCat(hidden.size(), " counters are zero for every elevator and not shown (",
                          absl::StrJoin(hidden, ", "), "); every counter is in compare.json.");
  }
  return s;
}

Section ElevatorSettingsSection(const CompareResult& r) {
  Section s{"elevators", "Elevator settings", {}, {}, {}};
  s.intro =
      "Every tunable of each elevator as it ran, with the kernel's names and units. Values "
      "that differ from the elevator's default are highlighted, with the default beside them.";
  ElevatorEnv env;  // as RunCompare builds it; an imported drive is rotational
  absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeDiskModel(r.disk);
  if (disk.ok() && r.options.parv.empty()) env.rotational = (*disk)->rotational();
  env.device_depth = r.options.replay.depth;
  for (const CompareRun& run : r.runs) {
    absl::StatusOr<std::unique_ptr<Elevator>> e = MakeElevator(run.spec, env);
    absl::StatusOr<std::unique_ptr<Elevator>> def = MakeElevator(run.elevator, env);
    Table t{{"tunable", "value", "unit", "default", "meaning"}, {}};
    if (!e.ok()) {
      t.rows.push_back({Text("(spec does not build)"), Text(std::string(e.status().message())),
                        Text(""), Text(""), Text("")});
    } else {
      std::map<std::string, std::string> defaults;
      if (def.ok()) {
        for (const TunableInfo& d : (*def)->Tunables()) defaults[d.name] = d.value;
      }
      for (const TunableInfo& ti : (*e)->Tunables()) {
        const auto it = defaults.find(ti.name);
        const bool changed = it != defaults.end() && it->second != ti.value;
        Cell value = NumCell(ti.value);
        value.mark = changed;
        t.rows.push_back({Text(ti.name), value, Text(ti.unit), NumCell(changed ? it->second : ""),
                          Text(ti.help)});
      }
    }
    s.tables.push_back(
        {run.spec == run.elevator ? run.spec : absl::StrCat(run.spec, " (", run.elevator, ")"),
         std::move(t)});
  }
  return s;
}

// ---- Files. ----

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::PermissionDeniedError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string NowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

constexpr const char* kCss = R"css(
:root { color-scheme: light; }
body { font: 15px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       margin: 0 auto; padding: 24px 32px 48px; max-width: 1280px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #e4e4e4; }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.sub { color: #555; margin: 0 0 16px; }
p.note { color: #666; font-size: 13px; }
pre { background: #f5f5f5; border: 1px solid #ddd; padding: 10px 12px; white-space: pre-wrap;
      overflow-wrap: anywhere; font: 13px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; max-width: 100%; }
th, td { border: 1px solid #d8d8d8; padding: 3px 6px; text-align: left; vertical-align: top; }
th { overflow-wrap: break-word; }
td { overflow-wrap: anywhere; }
td.num { overflow-wrap: normal; }
th { background: #f0f0f0; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { background: #dff0d8 !important; font-weight: 700; }
td.mark { background: #fff3cd !important; font-weight: 700; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
          margin-right: 6px; vertical-align: -1px; }
.swatch.dashed { background-image: repeating-linear-gradient(90deg, transparent 0 3px,
                 #fff 3px 5px); }
figure { margin: 16px 0 28px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { color: #444; font-size: 14px; margin-top: 4px; }
nav a { margin-right: 12px; }
)css";

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string InlineSvg(std::string_view svg, std::string_view id_prefix, std::string_view title) {
  // From the <svg element on: drops the XML prolog and any doctype.
  const size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return "";
  std::string s(svg.substr(start));
  // Namespace declarations carry URLs; HTML does not need them.
  for (const char* attr : {"xmlns:xlink=", "xmlns="}) {
    for (size_t p; (p = s.find(attr)) != std::string::npos;) {
      const size_t q = p + std::strlen(attr);
      const char quote = s[q];
      const size_t end = s.find(quote, q + 1);
      if (end == std::string::npos) break;
      size_t from = p;
      while (from > 0 && (s[from - 1] == ' ' || s[from - 1] == '\n')) --from;
      s.erase(from, end + 1 - from);
    }
  }
  // Fixed sizes give way to the page's width; the viewBox keeps the ratio.
  const size_t tag_end = s.find('>');
  std::string open = s.substr(0, tag_end);
  for (const char* attr : {" width=", " height="}) {
    const size_t p = open.find(attr);
    if (p == std::string::npos) continue;
    const size_t q = p + std::strlen(attr);
    const size_t end = open.find(open[q], q + 1);
    if (end != std::string::npos) open.erase(p, end + 1 - p);
  }
  while (!open.empty() && (open.back() == ' ' || open.back() == '\n')) open.pop_back();
  absl::StrAppend(&open, " role=\"img\" aria-label=\"", HtmlEscape(title), "\"");
  s = open + s.substr(tag_end);
  // The SVG's own <title> becomes the caption.
  if (const size_t t = s.find("<title>Gnuplot</title>"); t != std::string::npos) {
    s.replace(t, std::strlen("<title>Gnuplot</title>"),
              absl::StrCat("<title>", HtmlEscape(title), "</title>"));
  }
  // Collect ids, then prefix them and every reference: '#id', "#id", (#id).
  std::set<std::string> ids;
  for (size_t p = 0; (p = s.find(" id=", p)) != std::string::npos; p += 4) {
    const char quote = s[p + 4];
    if (quote != '\'' && quote != '"') continue;
    const size_t end = s.find(quote, p + 5);
    if (end != std::string::npos) ids.insert(s.substr(p + 5, end - p - 5));
  }
  std::string out;
  out.reserve(s.size() + ids.size() * 16);
  std::map<std::string, int> defined;  // id attributes seen so far
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    const bool id_attr =
        (s[i] == '\'' || s[i] == '"') && i >= 4 && s.compare(i - 4, 4, " id=") == 0;
    const bool ref =
        s[i] == '#' && i >= 1 && (s[i - 1] == '\'' || s[i - 1] == '"' || s[i - 1] == '(');
    if (!id_attr && !ref) continue;
    const size_t name_end = s.find_first_of("'\")", i + 1);
    if (name_end == std::string::npos) continue;
    const std::string name = s.substr(i + 1, name_end - i - 1);
    if (!ids.count(name)) continue;
    out += id_prefix;
    // gnuplot repeats some group ids across multiplot panels (unreferenced
    // key groups); later copies get a suffix so every id stays unique.
    if (id_attr && defined[name]++ > 0) {
      absl::StrAppend(&out, name, "-", defined[name] - 1);
      i = name_end - 1;
    }
  }
  return out;
}

std::string ShellJoin(const std::vector<std::string>& args) {
  std::vector<std::string> quoted;
  for (const std::string& a : args) {
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_-+=/.,:@%") == std::string::npos;
    if (plain) {
      quoted.push_back(a);
      continue;
    }
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted.push_back(q + "'");
  }
  return absl::StrJoin(quoted, " ");
}

std::vector<std::string> ProcessArguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == '\0') {
      args.push_back(all.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < all.size()) args.push_back(all.substr(start));
  return args;
}

absl::Status WriteReport(const CompareResult& r, const ReportOptions& o, ReportFiles* files) {
  ReportFiles local;
  ReportFiles& f = files ? *files : local;
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(o.out_dir, ": ", ec.message()));
  f.json = o.out_dir + "/compare.json";
  f.csv = o.out_dir + "/compare.csv";
  f.html = o.out_dir + "/report.html";
  f.md = o.out_dir + "/report.md";
  IOSCHED_RETURN_IF_ERROR(WriteFile(f.json, FormatCompareJson(r)));
  IOSCHED_RETURN_IF_ERROR(WriteFile(f.csv, FormatCompareCsv(r)));

  absl::Status plots = WritePlots(PlotDataFromCompare(r), o.plot, o.out_dir, &f.plots, &f.notes);
  if (absl::IsFailedPrecondition(plots)) {
    f.notes.push_back(absl::StrCat("no plots: ", plots.message()));
  } else if (!plots.ok()) {
    return plots;
  }

  std::vector<Section> sections = {TraceSection(r), DiskSection(r), SettingsSection(r),
                                   ResultsSection(r)};
  if (!r.runs.empty() && r.runs[0].result.summary.streams.size() > 1) {
    sections.push_back(StreamsSection(r));
  }
  sections.push_back(CountersSection(r));
  sections.push_back(ElevatorSettingsSection(r));

  const std::string trace_name = std::filesystem::path(r.trace).filename().string();
  const std::string title = absl::StrCat("iosched report: ", trace_name, " on ", r.disk);
  std::vector<std::string> specs;
  for (const CompareRun& run : r.runs) specs.push_back(run.spec);
  const std::string subtitle =
      absl::StrCat(r.runs.size(), " elevators (", absl::StrJoin(specs, ", "), "), ",
                   ModeName(r.options.replay.mode), " loop, depth ", r.options.replay.depth,
                   ". Generated ", NowUtc(), " by iosched.");

  // ---- HTML ----
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  absl::StrAppend(&h, "<title>", HtmlEscape(title), "</title>\n<style>", kCss, "</style>\n");
  h += "</head>\n<body>\n";
  absl::StrAppend(&h, "<h1>", HtmlEscape(title), "</h1>\n<p class=\"sub\">", HtmlEscape(subtitle),
                  "</p>\n");
  // The colour key: one entry per line the plots draw (identical runs
  // merged, "a = b = c"), in the colour and dash the plots resolved for it,
  // which is not always the elevator's own (two specs of one elevator).
  h += "<p>";
  {
    const PlotData drawn = CollapseIdentical(PlotDataFromCompare(r));
    const std::vector<SeriesStyle> styles = SeriesStyles(drawn.runs);
    for (size_t i = 0; i < drawn.runs.size(); ++i) {
      absl::StrAppend(&h, "<span class=\"swatch", styles[i].dash > 1 ? " dashed" : "",
                      "\" style=\"background:", styles[i].color, "\"></span>",
                      HtmlEscape(drawn.runs[i].spec), " &#160; ");
    }
  }
  h += "</p>\n<nav><a href=\"#reproduce\">Reproduce</a>";
  for (const Section& s : sections) {
    absl::StrAppend(&h, "<a href=\"#", s.id, "\">", HtmlEscape(s.title), "</a>");
  }
  h += "<a href=\"#plots\">Plots</a></nav>\n";

  h += "<h2 id=\"reproduce\">How to reproduce</h2>\n";
  if (!o.working_dir.empty()) {
    absl::StrAppend(&h, "<p>From <code>", HtmlEscape(o.working_dir), "</code>, run:</p>\n");
  }
  absl::StrAppend(&h, "<pre>", HtmlEscape(o.command_line), "</pre>\n");
  h += "<p class=\"note\">The simulation is deterministic: the same command, trace and iosched "
       "version give the same numbers. Machine-readable results: compare.json and compare.csv "
       "next to this file.</p>\n";

  for (const Section& s : sections) {
    absl::StrAppend(&h, "<h2 id=\"", s.id, "\">", HtmlEscape(s.title), "</h2>\n");
    if (!s.intro.empty()) absl::StrAppend(&h, "<p>", HtmlEscape(s.intro), "</p>\n");
    for (const auto& [sub, table] : s.tables) {
      if (!sub.empty()) absl::StrAppend(&h, "<h3>", HtmlEscape(sub), "</h3>\n");
      h += HtmlTable(table);
    }
    if (!s.note.empty()) absl::StrAppend(&h, "<p class=\"note\">", HtmlEscape(s.note), "</p>\n");
  }

  h += "<h2 id=\"plots\">Plots</h2>\n";
  for (const std::string& n : f.notes)
    absl::StrAppend(&h, "<p class=\"note\">", HtmlEscape(n), "</p>\n");
  for (size_t i = 0; i < f.plots.size(); ++i) {
    const PlotFile& p = f.plots[i];
    const std::string svg = InlineSvg(ReadFile(p.svg), absl::StrCat("p", i, "-"), p.caption);
    if (svg.empty()) return absl::InternalError(absl::StrCat(p.svg, ": not an SVG document"));
    absl::StrAppend(&h, "<figure id=\"", p.stem, "\">\n", svg, "\n<figcaption>",
                    HtmlEscape(p.caption), " (", HtmlEscape(p.stem), ".png, ", HtmlEscape(p.stem),
                    ".svg)</figcaption>\n</figure>\n");
  }
  h += "</body>\n</html>\n";
  IOSCHED_RETURN_IF_ERROR(WriteFile(f.html, h));

  // ---- Markdown ----
  std::string m;
  absl::StrAppend(&m, "# ", title, "\n\n", subtitle, "\n\n## How to reproduce\n\n");
  if (!o.working_dir.empty()) absl::StrAppend(&m, "From `", o.working_dir, "`, run:\n\n");
  absl::StrAppend(&m, "```sh\n", o.command_line, "\n```\n\n");
  m += "Machine-readable results: [compare.json](compare.json), [compare.csv](compare.csv).\n\n";
  for (const Section& s : sections) {
    absl::StrAppend(&m, "## ", s.title, "\n\n");
    if (!s.intro.empty()) absl::StrAppend(&m, s.intro, "\n\n");
    for (const auto& [sub, table] : s.tables) {
      if (!sub.empty()) absl::StrAppend(&m, "### ", sub, "\n\n");
      m += MdTable(table);
    }
    if (!s.note.empty()) absl::StrAppend(&m, s.note, "\n\n");
  }
  m += "## Plots\n\n";
  for (const std::string& n : f.notes) absl::StrAppend(&m, "*", n, "*\n\n");
  for (const PlotFile& p : f.plots) {
    const std::string png = std::filesystem::path(p.png).filename().string();
    const std::string svg = std::filesystem::path(p.svg).filename().string();
    absl::StrAppend(&m, "### ", p.stem, "\n\n![", p.caption, "](", png, ")\n\n", p.caption,
                    " ([SVG](", svg, "))\n\n");
  }
  IOSCHED_RETURN_IF_ERROR(WriteFile(f.md, m));
  return absl::OkStatus();
}

}  // namespace iosched
