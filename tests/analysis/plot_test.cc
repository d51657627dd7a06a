// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Plots (plot.h) and their JSON input (json_io.h): the JSON reader on
// good and bad documents, the bounded latency CDF, the compare JSON → plot
// data round trip, and real gnuplot runs whose PNG and SVG files are
// checked (signature, size, well-formed SVG with the expected series).

#include "plot.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/registry.h"
#include "iosched/timeline.h"
#include "json_check.h"
#include "json_io.h"
#include "plot_test_util.h"
#include "xml_check.h"

namespace iosched {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::CheckXml;

const std::string& kMsr = testing_util::kMsrSample;
using testing_util::HaveGnuplot;
using testing_util::ReadAll;

std::string FreshDir(const std::string& name) {
  return testing_util::FreshDir("plot_test_" + name);
}

// Three processes reading and writing their own regions: several streams.
std::string ThreeStreamTrace() {
  return testing_util::ThreeStreamTrace("plot_test_three_streams", 450, 5);
}

CompareResult RunOn(const std::string& trace, std::vector<std::string> elevators,
                    uint64_t max_requests, FitPolicy fit) {
  CompareOptions o;
  o.trace = trace;
  o.elevators = std::move(elevators);
  o.replay.max_requests = max_requests;
  o.replay.fit = fit;
  o.replay.time_scale = 0.05;
  absl::StatusOr<CompareResult> r = RunCompare(o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : CompareResult{};
}

using testing_util::CliRun;

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

// An elevator's colour as gnuplot's SVG terminal writes it: "rgb( 27, 158, 119)".
std::string SvgColor(const std::string& elevator) {
  const long rgb = std::strtol(ElevatorColor(elevator).c_str() + 1, nullptr, 16);
  char buf[32];
  std::snprintf(buf, sizeof buf, "rgb(%3ld, %3ld, %3ld)", rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff);
  return buf;
}

// Checks one plot's two files; returns the SVG text.
std::string CheckPlotFiles(const std::string& dir, const std::string& stem) {
  const std::string png = ReadAll(dir + "/" + stem + ".png");
  EXPECT_GT(png.size(), 1000u) << stem;
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << stem;
  const std::string svg = ReadAll(dir + "/" + stem + ".svg");
  EXPECT_GT(svg.size(), 1000u) << stem;
  const testing_util::XmlCheck x = CheckXml(svg);
  EXPECT_TRUE(x.ok) << stem << ": " << x.error;
  EXPECT_EQ(x.elements.count("svg"), 1u) << stem;
  return svg;
}

// ---- JSON reader ----

TEST(JsonReader, ParsesValuesInOrderWithTheirLines) {
  absl::StatusOr<JsonDocument> doc = ParseJson(
      R"( {"a": 1.5, "b": [true, false, null], "c": {"x": "y\n\u00e9\ud83d\ude00"},
           "d": -0, "e": 2e3,
           "f": 7
           ,
           "g": [1,
                 2]} )",
      "doc");
  ASSERT_TRUE(doc.ok()) << doc.status();
  const Json& v = doc->root();
  ASSERT_TRUE(v.is_object());
  std::vector<std::string> keys;
  for (const auto& [k, unused] : v.items()) keys.push_back(k);
  EXPECT_THAT(keys, ::testing::ElementsAre("a", "b", "c", "d", "e", "f", "g"));
  EXPECT_EQ(v["a"].get<double>(), 1.5);
  ASSERT_TRUE(v["b"].is_array());
  EXPECT_EQ(v["b"].size(), 3u);
  EXPECT_TRUE(v["b"][0].get<bool>());
  EXPECT_TRUE(v["b"][2].is_null());
  EXPECT_EQ(v["c"]["x"].get<std::string>(), "y\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v["e"].get<double>(), 2000);
  EXPECT_FALSE(v.contains("missing"));
  // Lines: where each value starts (a number's lookahead may be a newline).
  EXPECT_EQ(doc->Line(v), 1);
  EXPECT_EQ(doc->Line(v["c"]), 1);
  EXPECT_EQ(doc->Line(v["c"]["x"]), 1);
  EXPECT_EQ(doc->Line(v["e"]), 2);
  EXPECT_EQ(doc->Line(v["f"]), 3);
  EXPECT_EQ(doc->Line(v["g"]), 5);
  EXPECT_EQ(doc->Line(v["g"][1]), 6);
  const Json elsewhere = 1;
  EXPECT_EQ(doc->Line(elsewhere), 0);
  // The document owns its tree: moving it keeps lines and references valid.
  JsonDocument moved = *std::move(doc);
  EXPECT_EQ(moved.Line(v["g"][1]), 6);
  EXPECT_EQ(&moved.root(), &v);
}

TEST(JsonReader, ErrorsNameSourceLineAndColumn) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"{\n\"a\": 1,\n\"b\": }", "doc:3:6: syntax error while parsing value - unexpected '}'"},
      {"[1, 2", "doc:1:6: syntax error while parsing array - unexpected end of input"},
      {"{\"a\" 1}", "doc:1:6: syntax error while parsing object separator"},
      {"[01]", "doc:1:3: syntax error while parsing array - unexpected number literal"},
      {"[1.]", "doc:1:4: syntax error while parsing value - invalid number"},
      {"[-]", "doc:1:3: syntax error while parsing value - invalid number"},
      {"\"a\tb\"", "doc:1:3: syntax error while parsing value - invalid string: control character"},
      {"\"\\x\"",
       "doc:1:3: syntax error while parsing value - invalid string: forbidden character"},
      {"\"\\ud800\"", "doc:1:8: syntax error while parsing value - invalid string: surrogate"},
      {"[1] [2]", "doc:1:5: syntax error while parsing value - unexpected '['; expected end"},
      {"", "doc:1:1: syntax error while parsing value - unexpected end of input"},
      {"[1e999]", "doc:1:6: number overflow parsing '1e999'"},
      {"{1: 2}", "doc:1:2: syntax error while parsing object key"},
      {"[1,\n 2,\n \"\xff\"]",
       "doc:3:3: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last "
       "read: '\"\\xff'"},
      {"{\"a\": 1,\n \"a\": 2}", "doc:2:2: duplicate member name \"a\""},
      {"{\"a\\\"\": 1, \"a\\\"\": 2}", "doc:1:12: duplicate member name \"a\\\"\""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<JsonDocument> v = ParseJson(c.text, "doc");
    ASSERT_FALSE(v.ok()) << c.text;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(v.status().message()), HasSubstr(c.want)) << c.text;
    EXPECT_EQ(std::string(v.status().message()).find('\n'), std::string::npos);
  }
}

TEST(JsonReader, DepthIsBounded) {
  const std::string deep(100000, '[');
  absl::StatusOr<JsonDocument> v = ParseJson(deep, "deep");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("nesting of at most 256"));
  const std::string ok = std::string(200, '[') + std::string(200, ']');
  EXPECT_TRUE(ParseJson(ok, "ok").ok());
}

TEST(JsonReader, MissingFileIsNamed) {
  absl::StatusOr<JsonDocument> v = ReadJsonFile("/nonexistent/results.json");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("/nonexistent/results.json"));
}

// ---- Plot inputs ----

TEST(PlotWindow, Parses) {
  PlotOptions o;
  ASSERT_TRUE(ParseWindow("2.5:4", &o).ok());
  EXPECT_EQ(*o.window_start_s, 2.5);
  EXPECT_EQ(*o.window_end_s, 4);
  ASSERT_TRUE(ParseWindow("10:", &o).ok());
  EXPECT_EQ(*o.window_start_s, 10);
  EXPECT_FALSE(o.window_end_s.has_value());
  ASSERT_TRUE(ParseWindow(":3", &o).ok());
  EXPECT_FALSE(o.window_start_s.has_value());
  for (const char* bad : {"", "5", ":", "4:2", "2:2", "a:b", "-1:2", "1:inf"}) {
    absl::Status st = ParseWindow(bad, &o);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_THAT(std::string(st.message()), HasSubstr("--window")) << bad;
  }
}

TEST(LatencyCdf, BoundedAscendingEndsAtOne) {
  LatencyHistogram h;
  for (uint64_t i = 1; i <= 100000; ++i) h.Add(i * 997);  // ~1 us .. 100 ms
  const LatencyCdf c = MakeLatencyCdf(h, 64);
  EXPECT_EQ(c.count, 100000u);
  EXPECT_LE(c.points.size(), 66u);
  EXPECT_GE(c.points.size(), 32u);
  for (size_t i = 1; i < c.points.size(); ++i) {
    EXPECT_GT(c.points[i].first, c.points[i - 1].first);
    EXPECT_GE(c.points[i].second, c.points[i - 1].second);
  }
  EXPECT_DOUBLE_EQ(c.points.back().second, 1.0);
  EXPECT_NEAR(c.points.back().first, h.max() / 1e6, 1e-9);
  EXPECT_DOUBLE_EQ(c.p50_ms, h.Quantile(0.5) / 1e6);
  EXPECT_DOUBLE_EQ(c.p99_ms, h.Quantile(0.99) / 1e6);
  EXPECT_NEAR(c.p50_ms, 49.85, 49.85 * 0.02);
  EXPECT_TRUE(MakeLatencyCdf(LatencyHistogram{}).points.empty());
}

TEST(PlotData, JsonRoundTripKeepsWhatPlotsNeed) {
  const CompareResult r = RunOn(kMsr, {"noop", "deadline:fifo_batch=8"}, 300, FitPolicy::kScale);
  ASSERT_EQ(r.runs.size(), 2u);
  const std::string json = FormatCompareJson(r);
  std::string error;
  ASSERT_TRUE(testing_util::IsValidJson(json, &error)) << error;
  absl::StatusOr<JsonDocument> doc = ParseJson(json, "compare.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  absl::StatusOr<PlotData> from_json = PlotDataFromJson(*doc);
  ASSERT_TRUE(from_json.ok()) << from_json.status();
  const PlotData live = PlotDataFromCompare(r);
  EXPECT_EQ(from_json->disk, live.disk);
  EXPECT_EQ(from_json->capacity_sectors, live.capacity_sectors);
  ASSERT_EQ(from_json->runs.size(), live.runs.size());
  for (size_t i = 0; i < live.runs.size(); ++i) {
    const PlotRun& a = live.runs[i];
    const PlotRun& b = from_json->runs[i];
    EXPECT_EQ(a.spec, b.spec);
    EXPECT_EQ(a.elevator, b.elevator);
    EXPECT_NEAR(a.mb_s, b.mb_s, 1e-5 * a.mb_s);
    EXPECT_TRUE(b.has_cdf);
    EXPECT_TRUE(b.has_head);
    for (int op = 0; op < 3; ++op) {
      EXPECT_EQ(a.cdf[op].count, b.cdf[op].count);
      ASSERT_EQ(a.cdf[op].points.size(), b.cdf[op].points.size());
      EXPECT_LE(b.cdf[op].points.size(), kMaxCdfPoints + 2);
      for (size_t k = 0; k < a.cdf[op].points.size(); ++k) {
        EXPECT_NEAR(a.cdf[op].points[k].first, b.cdf[op].points[k].first,
                    1e-5 * a.cdf[op].points[k].first);
      }
      EXPECT_NEAR(a.cdf[op].p99_ms, b.cdf[op].p99_ms, 1e-5 * a.cdf[op].p99_ms);
    }
    EXPECT_GT(a.cdf[kCdfRead].count, 0u);
    EXPECT_GT(a.cdf[kCdfWrite].count, 0u);
    ASSERT_EQ(a.head.size(), b.head.size());
    ASSERT_FALSE(a.head.empty());
    EXPECT_DOUBLE_EQ(a.head.back().first, b.head.back().first);  // integer ns: exact
    EXPECT_EQ(a.head.back().second, b.head.back().second);
    EXPECT_TRUE(b.head_complete);
    EXPECT_EQ(a.streams.size(), b.streams.size());
    // The new plots' data: timeline, seek histogram, time breakdown, per op.
    ASSERT_FALSE(a.timeline.empty());
    ASSERT_EQ(a.timeline.size(), b.timeline.size());
    EXPECT_LE(a.timeline.size(), Timeline::kMaxBins);
    EXPECT_DOUBLE_EQ(a.timeline_bin_s, b.timeline_bin_s);
    double completed = 0;
    for (size_t k = 0; k < a.timeline.size(); ++k) {
      EXPECT_EQ(a.timeline[k].bytes, b.timeline[k].bytes);
      EXPECT_EQ(a.timeline[k].max_pending, b.timeline[k].max_pending);
      EXPECT_NEAR(a.timeline[k].pending_ns, b.timeline[k].pending_ns, 1.0);
      completed += b.timeline[k].completed;
    }
    EXPECT_EQ(completed, static_cast<double>(r.runs[i].result.summary.completed));
    EXPECT_EQ(a.seek_histogram, b.seek_histogram);
    uint64_t units = 0;
    for (uint64_t c : b.seek_histogram) units += c;
    EXPECT_EQ(units + 1, r.runs[i].result.summary.issued);  // the first unit has no seek
    EXPECT_TRUE(b.has_breakdown);
    EXPECT_NEAR(a.seek_ms, b.seek_ms, 1e-9 + 1e-6 * a.seek_ms);
    EXPECT_GT(b.seek_ms + b.rotation_ms + b.transfer_ms, 0);
    EXPECT_TRUE(b.has_ops);
    EXPECT_NEAR(a.read_p99_ms, b.read_p99_ms, 1e-5 * a.read_p99_ms);
    EXPECT_NEAR(a.write_mb_s, b.write_mb_s, 1e-5 * a.write_mb_s);
  }
}

TEST(PlotData, IdenticalRunsCollapseIntoOneLabel) {
  PlotData d;
  for (const char* e : {"inode", "noop", "physical", "fibmap"}) {
    PlotRun r;
    r.elevator = r.spec = e;
    r.mb_s = std::string(e) == "noop" ? 2.0 : 1.0;
    r.timeline.push_back({1, 4096, 10, 1});
    d.runs.push_back(r);
  }
  std::vector<std::string> notes;
  const PlotData c = CollapseIdentical(d, &notes);
  ASSERT_EQ(c.runs.size(), 2u);
  EXPECT_EQ(c.runs[0].spec, "inode = physical = fibmap");
  EXPECT_EQ(c.runs[0].elevator, "inode");  // keeps the first run's colour
  EXPECT_EQ(c.runs[1].spec, "noop");
  EXPECT_THAT(notes, ::testing::ElementsAre(HasSubstr("inode = physical = fibmap")));
  // One differing bin is enough to keep them apart.
  d.runs[3].timeline[0].max_pending = 2;
  EXPECT_EQ(CollapseIdentical(d).runs.size(), 3u);
}

TEST(PlotData, OlderJsonWithoutPlotKeysStillReads) {
  absl::StatusOr<JsonDocument> doc = ParseJson(
      R"({"schema_version": 1, "trace": "t.csv", "disk": "hp-c2247a", "mode": "open", "depth": 1,
          "disk_capacity_sectors": 2054864,
          "results": [{"elevator": "noop", "spec": "noop", "mb_s": 1.5, "iops": 10,
                       "lat_p50_ms": 3, "lat_p99_ms": 9, "fairness": null,
                       "streams": [{"id": 1, "bytes": 4096, "mb_s": 1.5}]}]})",
      "old.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  absl::StatusOr<PlotData> d = PlotDataFromJson(*doc);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->runs.size(), 1u);
  EXPECT_FALSE(d->runs[0].has_cdf);
  EXPECT_FALSE(d->runs[0].has_head);
  EXPECT_EQ(d->runs[0].streams.size(), 1u);
}

TEST(PlotData, DocumentsFromBeforeSchemaV1AreRefused) {
  absl::StatusOr<JsonDocument> doc = ParseJson(
      R"({"trace": "t.csv", "disk": "hp-c2247a", "mode": "open", "depth": 1,
          "disk_capacity_sectors": 10, "results": []})",
      "old.json");
  ASSERT_TRUE(doc.ok());
  absl::StatusOr<PlotData> d = PlotDataFromJson(*doc);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()),
              ::testing::StartsWith(
                  "old.json: results schema version 0 (no schema_version) (expected 1); re-run"));
  doc = ParseJson(R"({"schema_version": 7, "results": []})", "new.json");
  ASSERT_TRUE(doc.ok());
  d = PlotDataFromJson(*doc);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()),
              HasSubstr("new.json: results schema version 7 (expected 1)"));
}

TEST(PlotData, MergesFilesLabellingCollidingSpecs) {
  PlotData a, b;
  a.trace = b.trace = "t.csv";
  a.disk = "hp-c2247a";
  b.disk = "ssd";
  a.capacity_sectors = 10;
  b.capacity_sectors = 30;
  a.runs.resize(2);
  a.runs[0].spec = "noop";
  a.runs[1].spec = "cfq";
  b.runs.resize(1);
  b.runs[0].spec = "noop";
  const PlotData m = MergePlotData({{"a.json", a}, {"b.json", b}});
  ASSERT_EQ(m.runs.size(), 3u);
  EXPECT_EQ(m.runs[0].spec, "noop [a.json]");
  EXPECT_EQ(m.runs[1].spec, "cfq");
  EXPECT_EQ(m.runs[2].spec, "noop [b.json]");
  EXPECT_EQ(m.trace, "t.csv");
  EXPECT_EQ(m.disk, "hp-c2247a, ssd");
  EXPECT_EQ(m.capacity_sectors, 30u);
  EXPECT_EQ(MergePlotData({{"a.json", a}}).runs[0].spec, "noop");  // one file: unchanged
}

TEST(PlotData, JsonErrorsNameLineAndKey) {
  absl::StatusOr<JsonDocument> doc =
      ParseJson("{\"schema_version\": 1, \"trace\": \"t\",\n\"disk\": 5}", "bad.json");
  ASSERT_TRUE(doc.ok());
  absl::StatusOr<PlotData> d = PlotDataFromJson(*doc);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(std::string(d.status().message()),
            "bad.json:2: expected a string for \"disk\", got number");

  doc = ParseJson(
      "{\"schema_version\": 1, \"trace\": \"t\", \"disk\": \"d\", \"mode\": \"open\", \"depth\": "
      "1,\n"
      "\"disk_capacity_sectors\": 10, \"results\": [\n"
      "{\"elevator\": \"noop\", \"spec\": \"noop\", \"iops\": 1, \"lat_p50_ms\": 1,\n"
      "\"lat_p99_ms\": 1, \"fairness\": 1}]}",
      "bad.json");
  ASSERT_TRUE(doc.ok());
  d = PlotDataFromJson(*doc);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(std::string(d.status().message()),
            "bad.json:3: expected key \"mb_s\" in this object, got none");
}

// ---- gnuplot ----

class PlotFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveGnuplot()) GTEST_SKIP() << "gnuplot not installed (Debian package gnuplot-nox)";
  }
};

TEST_F(PlotFiles, EveryPlotIsWrittenAsPngAndSvgWithSeriesTitles) {
  const CompareResult r =
      RunOn(kMsr, {"noop", "deadline", "cfq:slice_idle=0"}, 300, FitPolicy::kScale);
  const std::string dir = FreshDir("all");
  std::vector<std::string> written;
  ASSERT_TRUE(WriteComparePlots(r, dir, &written).ok());
  // 3 CDFs, throughput_p99, read_write, throughput_time, queue_depth,
  // seek_distance, time_breakdown, head_position; one stream: no stream_share.
  EXPECT_EQ(written.size(), 20u);  // 10 plots × (png, svg)
  for (const std::string& f : written) {
    struct stat st;
    ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
    EXPECT_GT(st.st_size, 0) << f;
  }
  for (const char* stem : {"latency_cdf", "latency_cdf_read", "latency_cdf_write"}) {
    const std::string svg = CheckPlotFiles(dir, stem);
    // The key: one entry per series, then the two marker entries.
    EXPECT_THAT(svg, AllOf(HasSubstr(">noop  "), HasSubstr(">deadline  "),
                           HasSubstr(">cfq:slice_idle=0  "), HasSubstr(">p50 / p99 (ms)<"),
                           HasSubstr(">p50</text>"), HasSubstr(">p99</text>")))
        << stem;
    EXPECT_THAT(svg, HasSubstr("latency (ms, log scale)"));
    // Each elevator keeps its colour.
    EXPECT_THAT(svg, AllOf(HasSubstr(SvgColor("noop")), HasSubstr(SvgColor("deadline")),
                           HasSubstr(SvgColor("cfq"))));
  }
  const std::string bars = CheckPlotFiles(dir, "throughput_p99");
  EXPECT_THAT(bars, AllOf(HasSubstr("Throughput (higher is better)"), HasSubstr("cfq:slice_idle=0"),
                          HasSubstr("MB/s")));
  // The trace has reads and writes: their p99 apart, not only combined.
  EXPECT_THAT(bars, AllOf(HasSubstr("Read p99 (lower is better)"),
                          HasSubstr("Write p99 (lower is better)")));
  EXPECT_FALSE(std::filesystem::exists(dir + "/stream_share.png")) << "one stream";
  // Every new plot with its axis labels and one series per elevator.
  const struct {
    const char* stem;
    std::vector<std::string> labels;
  } kNew[] = {
      {"throughput_time", {"throughput (MB/s)", "IOPS (requests/s)", "simulated time (s)"}},
      {"queue_depth", {"pending requests (mean per time bin)", "simulated time (s)"}},
      {"seek_distance", {"share of issued units (%)", "seek distance (512-byte sectors"}},
      {"time_breakdown",
       {"mean time per request (ms)", "queueing (before issue)", "seek", "rotation", "transfer"}},
      {"read_write", {"throughput (MB/s)", "p99 latency (ms)", ">read<", ">write<"}},
  };
  for (const auto& [stem, labels] : kNew) {
    const std::string svg = CheckPlotFiles(dir, stem);
    for (const std::string& l : labels) EXPECT_THAT(svg, HasSubstr(l)) << stem;
    for (const char* spec : {"noop", "deadline", "cfq:slice_idle=0"}) {
      EXPECT_THAT(svg, HasSubstr(std::string(">") + spec + "<")) << stem << " " << spec;
    }
  }
  const std::string head = CheckPlotFiles(dir, "head_position");
  EXPECT_THAT(head,
              AllOf(HasSubstr("simulated time (s)"), HasSubstr("start sector"), HasSubstr(">noop<"),
                    HasSubstr(">deadline<"), HasSubstr(">cfq:slice_idle=0<")));
  // No leftovers of gnuplot's error capture.
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
  }
}

TEST_F(PlotFiles, IdenticalElevatorsShareOneLegendEntry) {
  // On a block trace the file-aware elevators see no files: same schedule.
  const CompareResult r =
      RunOn(kMsr, {"inode", "physical", "fibmap", "cfq"}, 200, FitPolicy::kScale);
  const std::string dir = FreshDir("identical");
  std::vector<PlotFile> files;
  std::vector<std::string> notes;
  ASSERT_TRUE(WritePlots(PlotDataFromCompare(r), {}, dir, &files, &notes).ok());
  EXPECT_THAT(notes, ::testing::Contains(HasSubstr("inode = physical = fibmap")));
  for (const PlotFile& f : files) {
    const std::string svg = CheckPlotFiles(dir, f.stem);
    // Legends and category labels name the group (bar labels break after
    // each "="), never one of the three alone.
    EXPECT_THAT(svg, AnyOf(HasSubstr("inode = physical = fibmap"), HasSubstr(">inode =<")))
        << f.stem;
    EXPECT_THAT(svg, Not(HasSubstr(">physical<"))) << f.stem;
    EXPECT_THAT(svg, Not(HasSubstr(SvgColor("physical")))) << f.stem;
  }
}

TEST_F(PlotFiles, StreamShareNamesEachStream) {
  const CompareResult r = RunOn(ThreeStreamTrace(), {"noop", "cfq"}, 0, FitPolicy::kError);
  ASSERT_EQ(r.runs.size(), 2u);
  ASSERT_EQ(r.runs[0].result.summary.streams.size(), 3u);
  const std::string dir = FreshDir("streams");
  ASSERT_TRUE(WriteComparePlots(r, dir).ok());
  const std::string svg = CheckPlotFiles(dir, "stream_share");
  EXPECT_THAT(svg, AllOf(HasSubstr(">4253</text>"), HasSubstr(">77</text>"),
                         HasSubstr(">1200</text>"), HasSubstr("Share of throughput per stream")));
}

TEST_F(PlotFiles, WindowLimitsHeadPosition) {
  const CompareResult r = RunOn(kMsr, {"noop"}, 300, FitPolicy::kScale);
  ASSERT_FALSE(r.runs[0].result.head_trace.empty());
  PlotOptions o;
  ASSERT_TRUE(ParseWindow("0.5:1", &o).ok());
  const std::string dir = FreshDir("window");
  std::vector<PlotFile> files;
  ASSERT_TRUE(WritePlots(PlotDataFromCompare(r), o, dir, &files).ok());
  const std::string svg = CheckPlotFiles(dir, "head_position");
  EXPECT_THAT(svg, HasSubstr("window 0.500-1.00 s"));
  // A window after the end: the panel says why it is empty.
  ASSERT_TRUE(ParseWindow("100000:", &o).ok());
  ASSERT_TRUE(WritePlots(PlotDataFromCompare(r), o, dir).ok());
  EXPECT_THAT(CheckPlotFiles(dir, "head_position"),
              HasSubstr("no issued units kept in this window"));
}

TEST_F(PlotFiles, OlderJsonSkipsWhatItLacks) {
  absl::StatusOr<JsonDocument> doc = ParseJson(
      R"({"schema_version": 1, "trace": "t.csv", "disk": "hp-c2247a", "mode": "open", "depth": 1,
          "disk_capacity_sectors": 2054864,
          "results": [{"elevator": "noop", "spec": "noop", "mb_s": 1.5, "iops": 10,
                       "lat_p50_ms": 3, "lat_p99_ms": 9, "fairness": 1}]})",
      "old.json");
  ASSERT_TRUE(doc.ok());
  absl::StatusOr<PlotData> d = PlotDataFromJson(*doc);
  ASSERT_TRUE(d.ok());
  const std::string dir = FreshDir("old");
  std::vector<PlotFile> files;
  std::vector<std::string> notes;
  ASSERT_TRUE(WritePlots(*d, {}, dir, &files, &notes).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].stem, "throughput_p99");
  EXPECT_THAT(notes,
              ::testing::ElementsAre(HasSubstr("latency_cdf"), HasSubstr("read_write"),
                                     HasSubstr("stream_share: one stream"),
                                     HasSubstr("throughput_time"), HasSubstr("seek_distance"),
                                     HasSubstr("time_breakdown"), HasSubstr("head_position")));
}

TEST_F(PlotFiles, PlotCommandDrawsFromCompareJson) {
  const std::string dir = FreshDir("cli");
  std::filesystem::create_directories(dir);
  CliRun c = Iosched("compare " + kMsr +
                     " --elevators noop,anticipatory --fit scale --max-requests 200 --format json");
  ASSERT_EQ(c.code, 0) << c.err;
  const std::string json = dir + "/compare.json";
  std::ofstream(json) << c.out;
  CliRun p = Iosched("plot " + json + " --out " + dir + "/plots --window 0:2");
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_THAT(p.err, HasSubstr("head_position.svg"));
  for (const char* stem :
       {"latency_cdf", "latency_cdf_read", "latency_cdf_write", "throughput_p99", "read_write",
        "throughput_time", "queue_depth", "seek_distance", "time_breakdown", "head_position"}) {
    const std::string svg = CheckPlotFiles(dir + "/plots", stem);
    EXPECT_THAT(svg, HasSubstr("anticipatory")) << stem;
  }
  // stdin works too.
  EXPECT_EQ(Iosched("plot - --out " + dir + "/stdin < " + json).code, 0);
}

TEST(PlotCli, ErrorsAndExitCodes) {
  const std::string dir = FreshDir("cli_errors");
  std::filesystem::create_directories(dir);
  CliRun r = Iosched("plot " + dir + "/missing.json --out " + dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("missing.json"));
  const std::string bad = dir + "/bad.json";
  std::ofstream(bad) << "{\n\"trace\": \"x\",\n\"disk\": }\n";
  r = Iosched("plot " + bad + " -o " + dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.json:3:9: syntax error while parsing value - unexpected '}'"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  r = Iosched("plot " + bad + " --out " + dir + " --window 5:1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--window"));
  EXPECT_EQ(Iosched("plot " + bad).code, 2);  // --out is required
  r = Iosched("compare " + kMsr + " --fit scale --plot " + dir + " --window x");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--window"));
}

TEST(PlotColors, StablePerElevator) {
  EXPECT_EQ(ElevatorColor("noop"), "#1b9e77");
  EXPECT_EQ(ElevatorColor("cfq"), "#66a61e");
  // Unknown names get a colour from their name, the same every time.
  EXPECT_EQ(ElevatorColor("mystery"), ElevatorColor("mystery"));
  EXPECT_EQ(ElevatorColor("mystery").size(), 7u);
  EXPECT_EQ(ElevatorColor("mystery")[0], '#');
}

TEST(PlotColors, EveryKnownElevatorHasItsOwnColour) {
  std::set<std::string> seen{ElevatorColor("path")};
  for (const std::string& e : KnownElevators()) {
    EXPECT_TRUE(seen.insert(ElevatorColor(e)).second) << e << " shares " << ElevatorColor(e);
  }
  EXPECT_GE(seen.size(), 20u);
}

// Every legend entry of a plot must be told apart: no two specs share a
// (colour, dash) pair however many runs, equal specs share their style, and
// an elevator keeps its own colour when nothing earlier took it.
TEST(PlotColors, SeriesStylesDistinctPerSpec) {
  std::vector<PlotRun> runs;
  auto add = [&](const std::string& elevator, const std::string& spec) {
    PlotRun r;
    r.elevator = elevator;
    r.spec = spec;
    runs.push_back(r);
  };
  for (const std::string& e : KnownElevators()) add(e, e);
  for (int i = 0; i < 25; ++i) add("deadline", "deadline:fifo_batch=" + std::to_string(i));
  add("mystery", "mystery");
  add("noop", "noop");  // the same spec again: the same style
  const std::vector<SeriesStyle> styles = SeriesStyles(runs);
  ASSERT_EQ(styles.size(), runs.size());
  std::map<std::pair<std::string, int>, std::string> owner;
  for (size_t i = 0; i + 1 < runs.size(); ++i) {
    const auto [it, fresh] =
        owner.emplace(std::make_pair(styles[i].color, styles[i].dash), runs[i].spec);
    EXPECT_TRUE(fresh) << runs[i].spec << " and " << it->second << " share " << styles[i].color
                       << " dt " << styles[i].dash;
  }
  EXPECT_EQ(styles.back().color, styles.front().color);
  EXPECT_EQ(styles.back().dash, styles.front().dash);
  for (size_t i = 0; i < KnownElevators().size(); ++i) {
    EXPECT_EQ(styles[i].color, ElevatorColor(runs[i].elevator)) << runs[i].spec;
    EXPECT_EQ(styles[i].dash, 1) << runs[i].spec;
  }
  // The same runs give the same styles (every plot of a report agrees).
  const std::vector<SeriesStyle> again = SeriesStyles(runs);
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(again[i].color, styles[i].color);
}

}  // namespace
}  // namespace iosched
