// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched report` (report.h) and the progress bar (progress.h): the
// building blocks, a real report on a real trace (well-formed, every
// elevator and tunable present, no external URLs), the command line, and a
// headless Chromium rendering of report.html that must not be blank.

#include "report.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/registry.h"
#include "json_check.h"
#include "json_io.h"
#include "plot_test_util.h"
#include "progress.h"
#include "xml_check.h"

namespace iosched {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::CheckXml;

const std::string& kMsr = testing_util::kMsrSample;
using testing_util::HaveGnuplot;
using testing_util::ReadAll;

std::string FreshDir(const std::string& name) {
  return testing_util::FreshDir("report_test_" + name);
}

// Three processes reading and writing their own regions: several streams.
std::string ThreeStreamTrace() {
  return testing_util::ThreeStreamTrace("report_test_three_streams", 300, 4);
}

using testing_util::CliRun;

CliRun Shell(const std::string& command) { return testing_util::RunShell(command); }

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

// Checks that an HTML document loads nothing from elsewhere: no URL scheme
// anywhere, no src attributes, and every href is a fragment.
void ExpectSelfContained(const std::string& html) {
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("file:"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  for (size_t p = 0; (p = html.find("href=", p)) != std::string::npos; ++p) {
    EXPECT_EQ(html[p + 6], '#') << html.substr(p, 40);
  }
  for (size_t p = 0; (p = html.find("url(", p)) != std::string::npos; ++p) {
    EXPECT_EQ(html[p + 4], '#') << html.substr(p, 40);
  }
}

// ---- Building blocks ----

TEST(ReportParts, HtmlEscape) { EXPECT_EQ(HtmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;"); }

TEST(ReportParts, ShellJoinRoundTripsThroughSh) {
  const std::vector<std::string> args = {"printf", "%s|",   "plain", "with space",
                                         "it's",   "$HOME", "",      "a;b"};
  CliRun r = Shell("sh -c " + ShellJoin({ShellJoin(args)}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "plain|with space|it's|$HOME||a;b|");
  EXPECT_EQ(ShellJoin({"iosched", "--fit", "scale", "a/b.csv"}), "iosched --fit scale a/b.csv");
}

TEST(ReportParts, ProcessArgumentsAreOurs) {
  const std::vector<std::string> args = ProcessArguments();
  ASSERT_FALSE(args.empty());
  EXPECT_THAT(args[0], HasSubstr("analysis_tests"));
}

TEST(ReportParts, InlineSvgDropsUrlsAndPrefixesIds) {
  const std::string svg =
      "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
      "<svg \n width=\"1200\" height=\"750\"\n viewBox=\"0 0 1200 750\"\n"
      " xmlns=\"http://www.w3.org/2000/svg\"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n"
      "<title>Gnuplot</title>\n<defs>\n"
      "\t<path id='gpPt1' d='M0,0'/>\n\t<path id='gpPt10' d='M0,0'/>\n"
      "\t<use xlink:href='#gpPt1' id='gpPt6' fill='#1b9e77'/>\n"
      "\t<filter id='textbox'/>\n</defs>\n"
      "<g id=\"gnuplot_canvas\"><use xlink:href='#gpPt10'/><text filter='url(#textbox)'>a</text>"
      "</g>\n</svg>\n";
  const std::string out = InlineSvg(svg, "p3-", "A <caption>");
  EXPECT_EQ(out.find("http"), std::string::npos) << out;
  EXPECT_EQ(out.find("<?xml"), std::string::npos);
  EXPECT_EQ(out.rfind("<svg", 0), 0u);
  EXPECT_THAT(out, AllOf(HasSubstr("id='p3-gpPt1'"), HasSubstr("id='p3-gpPt10'"),
                         HasSubstr("href='#p3-gpPt1'"), HasSubstr("href='#p3-gpPt10'"),
                         HasSubstr("url(#p3-textbox)"), HasSubstr("id=\"p3-gnuplot_canvas\""),
                         HasSubstr("fill='#1b9e77'"), HasSubstr("<title>A &lt;caption&gt;</title>"),
                         HasSubstr("viewBox=\"0 0 1200 750\""), Not(HasSubstr("width=\"1200\""))));
  EXPECT_TRUE(CheckXml(out).ok) << CheckXml(out).error;
  EXPECT_EQ(InlineSvg("not an svg", "p", "t"), "");
}

// ---- Progress ----

TEST(Progress, RenderShowsPercentRateAndEta) {
  const std::string line = ProgressBar::Render("deadline (2/5)", 250000, 1000000, 5.0, 100);
  EXPECT_THAT(line,
              AllOf(HasSubstr("deadline (2/5) ["), HasSubstr(" 25%"), HasSubstr("250k/1M records"),
                    HasSubstr("50k rec/s"), HasSubstr("ETA 0:15")));
  EXPECT_LE(line.size(), 99u);
  EXPECT_THAT(ProgressBar::Render("noop", 1000, 1000, 2.0, 100), HasSubstr("100%"));
  EXPECT_THAT(ProgressBar::Render("x", 100, 1000, 4000.0, 100), HasSubstr("ETA 10:00:00"));
  // Unknown total: a count and a rate, no bar.
  const std::string unknown = ProgressBar::Render("counting records", 70000, 0, 1.0, 100);
  EXPECT_THAT(unknown, AllOf(HasSubstr("70k records"), Not(HasSubstr("ETA")), Not(HasSubstr("["))));
  EXPECT_LE(ProgressBar::Render(std::string(200, 'x'), 1, 2, 1.0, 40).size(), 39u);
}

TEST(Progress, DrawsOnlyWhenEnabledAndErasesAtFinish) {
  auto now = std::chrono::steady_clock::time_point{};
  const auto clock = [&] { return now; };
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar off(f, false, clock);
    now += std::chrono::seconds(1);
    off.Update("noop", 5, 10);
    off.Finish();
  }
  EXPECT_EQ(std::ftell(f), 0) << "a disabled bar wrote";
  {
    ProgressBar on(f, true, clock);
    now += std::chrono::seconds(1);
    on.Update("noop", 5, 10);
    on.Update("noop", 6, 10);  // within 100 ms: throttled
    now += std::chrono::seconds(1);
    on.Update("noop", 7, 10);
  }  // the destructor erases the line
  std::rewind(f);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), f));
  std::fclose(f);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 3) << text;  // 2 draws + erase
  EXPECT_THAT(text, AllOf(HasSubstr(" 50%"), HasSubstr(" 70%"), Not(HasSubstr(" 60%"))));
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K");
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(Progress, WantedOnlyOnATerminalAndNotQuiet) {
  const std::string path = ::testing::TempDir() + "/report_test_not_a_tty";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(ProgressWanted(false, ::fileno(f)));
  EXPECT_FALSE(ProgressWanted(true, ::fileno(f)));
  std::fclose(f);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(ProgressWanted(false, fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);
  // Attach does nothing when not wanted: the options stay as they were.
  CompareOptions o;
  o.trace = kMsr;
  EXPECT_EQ(CompareProgress::Attach(&o, /*quiet=*/true), nullptr);
  EXPECT_FALSE(o.on_progress);
}

TEST(Progress, ReplayReportsRecords) {
  CompareOptions o;
  o.trace = kMsr;
  o.elevators = {"noop", "deadline"};
  o.replay.fit = FitPolicy::kScale;
  o.replay.max_requests = 3000;  // more than the trace holds
  std::vector<std::pair<size_t, uint64_t>> calls;
  o.on_progress = [&](size_t run, uint64_t n) { calls.emplace_back(run, n); };
  absl::StatusOr<CompareResult> r = RunCompare(o);
  ASSERT_TRUE(r.ok()) << r.status();
  // Every 1024 records is never reached by 1,000 records: one final call per run.
  EXPECT_THAT(calls, ::testing::ElementsAre(std::pair<size_t, uint64_t>{0, 1000},
                                            std::pair<size_t, uint64_t>{1, 1000}));
}

// ---- The report ----

class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(FreshDir("lib"));
    files_ = new ReportFiles;
    status_ = new absl::Status(absl::UnknownError("the comparison failed"));
    CompareOptions o;
    o.trace = ThreeStreamTrace();
    o.elevators = {"noop", "deadline:fifo_batch=8", "cfq"};
    o.replay.time_scale = 0.2;
    absl::StatusOr<CompareResult> r = RunCompare(o);
    if (!r.ok()) {
      *status_ = r.status();
      return;
    }
    ReportOptions ro;
    ro.out_dir = *dir_;
    ro.command_line = "iosched report three_streams.fiu --elevators noop,deadline:fifo_batch=8,cfq";
    ro.working_dir = "/some/dir";
    *status_ = WriteReport(*r, ro, files_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete files_;
    delete status_;
  }
  void SetUp() override { ASSERT_TRUE(status_->ok()) << *status_; }

  static std::string* dir_;
  static ReportFiles* files_;
  static absl::Status* status_;
};
std::string* Report::dir_ = nullptr;
ReportFiles* Report::files_ = nullptr;
absl::Status* Report::status_ = nullptr;

TEST_F(Report, HtmlParsesAndIsSelfContained) {
  const std::string html = ReadAll(files_->html);
  ASSERT_GT(html.size(), 10000u);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  const testing_util::XmlCheck x = CheckXml(html, /*html=*/true);
  ASSERT_TRUE(x.ok) << x.error;
  EXPECT_EQ(x.elements.at("html"), 1);
  EXPECT_GE(x.elements.at("table"), 6);
  ExpectSelfContained(html);
  if (HaveGnuplot()) {
    // 3 CDFs, throughput_p99, read_write, stream_share, throughput_time,
    // queue_depth, seek_distance, time_breakdown, head_position.
    EXPECT_EQ(files_->plots.size(), 11u);
    EXPECT_EQ(x.elements.at("svg"), static_cast<int>(files_->plots.size()));
    EXPECT_EQ(x.elements.at("figure"), static_cast<int>(files_->plots.size()));
    // Ids are unique across the inline SVGs.
    std::set<std::string> ids;
    for (size_t p = 0; (p = html.find(" id=", p)) != std::string::npos; ++p) {
      const char q = html[p + 4];
      const size_t end = html.find(q, p + 5);
      EXPECT_TRUE(ids.insert(html.substr(p + 5, end - p - 5)).second)
          << "duplicate id " << html.substr(p + 5, end - p - 5);
    }
  }
}

TEST_F(Report, HtmlHasEverySection) {
  const std::string html = ReadAll(files_->html);
  for (const char* spec : {"noop", "deadline:fifo_batch=8", "cfq"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<td>") + spec + "</td>")) << spec;
  }
  EXPECT_THAT(html,
              AllOf(HasSubstr("How to reproduce"),
                    HasSubstr("iosched report three_streams.fiu --elevators "
                              "noop,deadline:fifo_batch=8,cfq"),
                    HasSubstr("/some/dir"), HasSubstr(">Trace<"), HasSubstr(">Disk model<"),
                    HasSubstr("hp-c2247a"), HasSubstr("Replay settings"), HasSubstr(">Results<"),
                    HasSubstr(">Streams<"), HasSubstr(">4253<"), HasSubstr("Elevator settings"),
                    HasSubstr("Elevator and device counters")));
  // Tunables of each elevator, the changed one marked with its default.
  EXPECT_THAT(html, AllOf(HasSubstr("read_expire"), HasSubstr("fifo_batch"),
                          HasSubstr("slice_idle"), HasSubstr("quantum"), HasSubstr("max_sectors")));
  EXPECT_THAT(html, HasSubstr("<td class=\"num mark\">8</td><td>requests</td>"
                              "<td class=\"num\">16</td>"));
  EXPECT_THAT(html, HasSubstr("class=\"num best\""));
}

TEST_F(Report, MarkdownLinksEveryPlot) {
  const std::string md = ReadAll(files_->md);
  EXPECT_THAT(md, AllOf(HasSubstr("# iosched report: report_test_three_streams.fiu on hp-c2247a"),
                        HasSubstr("```sh\niosched report three_streams.fiu"),
                        HasSubstr("| elevator | completed |"), HasSubstr("deadline:fifo\\_batch=8"),
                        HasSubstr("](compare.json)")));
  for (const PlotFile& p : files_->plots) {
    const std::string png = std::filesystem::path(p.png).filename().string();
    EXPECT_THAT(md, HasSubstr("](" + png + ")")) << png;
    EXPECT_TRUE(std::filesystem::exists(*dir_ + "/" + png)) << png;
  }
  EXPECT_EQ(md.find("http"), std::string::npos);
}

TEST_F(Report, MachineReadableFilesBeside) {
  const std::string json = ReadAll(files_->json);
  std::string error;
  ASSERT_TRUE(testing_util::IsValidJson(json, &error)) << error;
  absl::StatusOr<JsonDocument> doc = ParseJson(json, files_->json);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_TRUE(doc->root().contains("results"));
  ASSERT_EQ(doc->root()["results"].size(), 3u);
  const std::string csv = ReadAll(files_->csv);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_EQ(csv.rfind("schema_version,iosched_version,mode,depth,async_writes,time_scale,fit,disk,"
                      "trace_sha256,tunables,elevator,spec,requests,",
                      0),
            0u);
  EXPECT_THAT(csv, HasSubstr("\n1,"));  // rows start with the schema version
}

TEST_F(Report, SeveralStreamsKeepFairnessAndStreamTables) {
  const std::string html = ReadAll(files_->html);
  EXPECT_THAT(html, AllOf(HasSubstr("<th>fairness</th>"), HasSubstr("Throughput per stream (MB/s)"),
                          HasSubstr("Mean latency per stream (ms)")));
  // The Streams table has one column per elevator, not two.
  EXPECT_THAT(html, Not(HasSubstr("cfq mean ms")));
}

// One stream: no fairness column, no stream share plot; identical elevators
// share a row; counters that are zero everywhere are left out.
TEST(ReportLib, OneStreamIdenticalElevatorsAndZeroCounters) {
  CompareOptions o;
  o.trace = kMsr;
  o.elevators = {"inode", "physical", "cfq"};
  o.replay.max_requests = 200;
  o.replay.fit = FitPolicy::kScale;
  o.replay.time_scale = 0.05;
  absl::StatusOr<CompareResult> r = RunCompare(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ReportOptions ro;
  ro.out_dir = FreshDir("one_stream");
  ReportFiles f;
  ASSERT_TRUE(WriteReport(*r, ro, &f).ok());
  const std::string html = ReadAll(f.html);
  EXPECT_THAT(html, AllOf(Not(HasSubstr("<th>fairness</th>")), Not(HasSubstr(">Streams<")),
                          HasSubstr("<td>inode = physical</td>"),
                          HasSubstr("are zero for every elevator and not shown")));
  for (const PlotFile& p : f.plots) EXPECT_NE(p.stem, "stream_share");
  // Every counter row shown has a non-zero value somewhere.
  const size_t counters = html.find("id=\"counters\"");
  ASSERT_NE(counters, std::string::npos);
  const std::string table = html.substr(counters, html.find("</table>", counters) - counters);
  for (size_t p = 0; (p = table.find("<tr><td>", p)) != std::string::npos; ++p) {
    const std::string row = table.substr(p, table.find("</tr>", p) - p);
    bool nonzero = false;
    for (size_t q = 0; (q = row.find("\"num\">", q)) != std::string::npos; ++q) {
      const char c = row[q + 6];
      nonzero |= c >= '1' && c <= '9';
    }
    EXPECT_TRUE(nonzero) << row;
  }
}

// The report's size is bounded by what a screen shows, not by the trace:
// eight elevators on a trace four times longer add little, and stay under
// the 1.5 MB a 1 M-request run must meet. Random readers are the worst case
// for the head-position plot (every pixel column scattered), and every
// issued unit is kept for it (the data that made reports 5 MB).
TEST(ReportLib, SizeDoesNotGrowWithTheTrace) {
  if (!HaveGnuplot()) GTEST_SKIP() << "gnuplot not installed: the report has no plots";
  size_t size[2] = {0, 0};
  const uint64_t requests[2] = {2000, 8000};
  for (int k = 0; k < 2; ++k) {
    const std::string dir = FreshDir(absl::StrCat("size_", requests[k]));
    std::filesystem::create_directories(dir);
    const std::string trace = dir + "/drw.csv";
    CliRun g =
        Iosched(absl::StrCat("generate random-readers --requests ", requests[k], " -o ", trace));
    ASSERT_EQ(g.code, 0) << g.err;
    CompareOptions o;
    o.trace = trace;
    o.elevators = {"noop", "linus", "deadline", "anticipatory",
                   "cfq",  "inode", "physical", "fibmap"};
    o.replay.mode = ReplayMode::kClosed;
    o.replay.head_trace_limit = 1 << 20;
    absl::StatusOr<CompareResult> r = RunCompare(o);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->runs[0].result.head_trace.size(), r->runs[0].result.summary.issued);
    ReportOptions ro;
    ro.out_dir = dir;
    ReportFiles f;
    ASSERT_TRUE(WriteReport(*r, ro, &f).ok());
    size[k] = std::filesystem::file_size(f.html);
  }
  EXPECT_LT(size[1], 1500u * 1000u);
  EXPECT_LT(static_cast<double>(size[1]), 1.3 * static_cast<double>(size[0]))
      << size[0] << " bytes for " << requests[0] << " requests, " << size[1] << " for "
      << requests[1];
}

TEST(ReportCli, WritesReportQuietlyWhenPiped) {
  const std::string dir = FreshDir("cli");
  CliRun r = Iosched("report " + kMsr + " --elevators noop,cfq --fit scale --max-requests 200 " +
                     "--time-scale 0.05 --window 0:3 --out " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("noop"), HasSubstr("cfq")));  // the results table
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "a progress bar on a pipe";
  EXPECT_THAT(r.err, HasSubstr("report.html"));
  const std::string html = ReadAll(dir + "/report.html");
  EXPECT_TRUE(CheckXml(html, true).ok) << CheckXml(html, true).error;
  ExpectSelfContained(html);
  // The command line that reproduces it, as typed.
  EXPECT_THAT(html, HasSubstr("report " + kMsr + " --elevators noop,cfq --fit scale"));
  EXPECT_THAT(html, HasSubstr("--window 0:3 --out " + dir));  // the old spelling, as typed
  // --quiet: nothing on stderr at all.
  r = Iosched("report " + kMsr + " --elevators noop --fit scale --max-requests 50 -q -o " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(ReportCli, WithoutGnuplotTheTablesAreStillWritten) {
  const std::string dir = FreshDir("no_gnuplot");
  // No gnuplot on this PATH (the shell itself is found by its absolute path).
  CliRun r = Shell("env PATH=/nonexistent " + testing_util::IoschedBinary() + " report " + kMsr +
                   " --elevators noop,deadline --fit scale --max-requests 100 --out " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("note: no plots: gnuplot not found"));
  const std::string html = ReadAll(dir + "/report.html");
  EXPECT_TRUE(CheckXml(html, true).ok) << CheckXml(html, true).error;
  EXPECT_THAT(html, AllOf(HasSubstr("<td>deadline</td>"), HasSubstr("no plots: gnuplot not found"),
                          Not(HasSubstr("<svg"))));
  EXPECT_THAT(ReadAll(dir + "/report.md"), HasSubstr("no plots: gnuplot not found"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/latency_cdf.png"));
}

TEST(ReportCli, ErrorsAndExitCodes) {
  const std::string dir = FreshDir("cli_errors");
  CliRun r = Iosched("report " + kMsr + " --elevators noop,elevat0r --fit scale --out " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("elevat0r"));
  r = Iosched("report " + kMsr + " --fit scale --window 3 --out " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Iosched("report " + kMsr + " --fit scale").code, 2);  // --out is required
  r = Iosched("report /nonexistent/trace.csv --out " + dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/trace.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.html"));
}

// ---- Rendering in a browser ----

// Width and height from a PNG's IHDR chunk; {0, 0} if not a PNG.
std::pair<uint32_t, uint32_t> PngSize(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
      png.compare(12, 4, "IHDR") != 0) {
    return {0, 0};
  }
  auto be32 = [&](size_t at) {
    return (uint32_t{static_cast<unsigned char>(png[at])} << 24) |
           (uint32_t{static_cast<unsigned char>(png[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(png[at + 2])} << 8) |
           uint32_t{static_cast<unsigned char>(png[at + 3])};
  };
  return {be32(16), be32(20)};
}

// Renders `html_path` with headless Chromium into a PNG; returns its bytes.
std::string Screenshot(const std::string& html_path, const std::string& name) {
  const std::string profile = FreshDir("chromium_profile_" + name);
  std::filesystem::create_directories(profile);
  const std::string png = ::testing::TempDir() + "/report_test_" + name + ".png";
  std::filesystem::remove(png);
  const std::string cmd =
      "timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic "
      "--no-first-run --disable-background-networking --disable-component-update --disable-sync "
      "--hide-scrollbars --user-data-dir=" +
      profile + " --screenshot=" + png + " --window-size=1280,800 file://" +
      std::filesystem::absolute(html_path).string() + " >/dev/null";
  CliRun r = Shell(cmd);
  EXPECT_EQ(r.code, 0) << r.err;
  std::filesystem::remove_all(profile);
  return ReadAll(png);
}

// Loads `html_path` in headless Chromium at 1280x800 with a script that
// lists every element reaching past the window's right edge (the page, a
// table, a figure, a paragraph...) and returns what it found: "none" when
// nothing overflows. The report is not changed: the script goes into a copy.
std::string HorizontalOverflow(const std::string& html_path, const std::string& name) {
  std::string html = ReadAll(html_path);
  const size_t body_end = html.rfind("</body>");
  if (body_end == std::string::npos) return "no </body> in " + html_path;
  html.insert(body_end, R"js(<script>
(() => {
  const w = document.documentElement.clientWidth, bad = [];
  if (document.documentElement.scrollWidth > w)
    bad.push('page scrollWidth ' + document.documentElement.scrollWidth + ' > ' + w);
  for (const e of document.body.querySelectorAll('h1,h2,h3,p,pre,table,figure,nav')) {
    const r = e.getBoundingClientRect();
    if (r.right > w + 0.5)
      bad.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' +
               e.textContent.trim().slice(0, 40) + '" right edge ' + Math.round(r.right));
  }
  const out = document.createElement('output');
  out.id = 'overflow';
  out.textContent = '[[' + (bad.length ? bad.join(' | ') : 'none') + ']]';
  document.body.appendChild(out);
})();
</script>
)js");
  const std::string copy = ::testing::TempDir() + "/report_test_overflow_" + name + ".html";
  std::ofstream(copy) << html;
  const std::string profile = FreshDir("chromium_profile_dom_" + name);
  std::filesystem::create_directories(profile);
  CliRun r = Shell(
      "timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic "
      "--no-first-run --disable-background-networking --disable-component-update --disable-sync "
      "--hide-scrollbars --user-data-dir=" +
      profile + " --window-size=1280,800 --dump-dom file://" + copy);
  std::filesystem::remove_all(profile);
  EXPECT_EQ(r.code, 0) << r.err;
  const size_t a = r.out.find("<output id=\"overflow\">[[");
  const size_t b = r.out.find("]]</output>", a);
  if (a == std::string::npos || b == std::string::npos) return "the script did not run";
  const size_t from = a + std::string_view("<output id=\"overflow\">[[").size();
  return r.out.substr(from, b - from);
}

// Every built-in elevator plus a long spec, on three streams: the widest
// report (colour key, Results, Streams and counter tables) must fit 1280 px.
TEST(ReportLayout, EveryElevatorFitsA1280PixelWindow) {
  if (::access("/usr/bin/chromium", X_OK) != 0) {
    GTEST_SKIP() << "/usr/bin/chromium not installed (scripts/install-deps.sh --with-browser)";
  }
  CompareOptions o;
  o.trace = testing_util::ThreeStreamTrace("report_layout_three_streams", 450, 5);
  o.elevators = KnownElevators();
  o.elevators.push_back("deadline:fifo_batch=8,read_expire=250,write_expire=2500");
  o.replay.time_scale = 0.2;
  absl::StatusOr<CompareResult> r = RunCompare(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ReportOptions ro;
  ro.out_dir = FreshDir("layout");
  ro.command_line =
      "iosched report three_streams.fiu --elevators " + absl::StrJoin(o.elevators, ",");
  ReportFiles files;
  ASSERT_TRUE(WriteReport(*r, ro, &files).ok());
  EXPECT_EQ(HorizontalOverflow(files.html, "every_elevator"), "none");
}

// The check itself: a table wider than the window is found.
TEST(ReportLayout, OverflowCheckFindsAWideTable) {
  if (::access("/usr/bin/chromium", X_OK) != 0) {
    GTEST_SKIP() << "/usr/bin/chromium not installed (scripts/install-deps.sh --with-browser)";
  }
  const std::string html = ::testing::TempDir() + "/report_test_wide.html";
  std::ofstream(html) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head><body>"
                         "<table id=\"wide\"><tr><td style=\"white-space:nowrap\">"
                      << std::string(400, 'x') << "</td></tr></table></body></html>\n";
  EXPECT_THAT(HorizontalOverflow(html, "wide"), HasSubstr("table#wide"));
}

TEST_F(Report, RendersInHeadlessChromium) {
  if (::access("/usr/bin/chromium", X_OK) != 0) {
    GTEST_SKIP() << "/usr/bin/chromium not installed (scripts/install-deps.sh --with-browser)";
  }
  if (!HaveGnuplot()) GTEST_SKIP() << "gnuplot not installed: the report has no plots";
  const std::string blank_html = ::testing::TempDir() + "/report_test_blank.html";
  std::ofstream(blank_html) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head>"
                               "<body></body></html>\n";
  const std::string blank = Screenshot(blank_html, "blank");
  const std::string shot = Screenshot(files_->html, "report");
  ASSERT_EQ(PngSize(blank), (std::pair<uint32_t, uint32_t>{1280, 800}));
  ASSERT_EQ(PngSize(shot), (std::pair<uint32_t, uint32_t>{1280, 800}));
  // A blank page compresses to almost nothing; tables and plots do not.
  EXPECT_GT(shot.size(), 10 * blank.size())
      << "report screenshot " << shot.size() << " bytes, blank page " << blank.size();
  EXPECT_GT(shot.size(), 30000u);
  // Kept for a person to look at (the path is printed).
  std::cout << "report screenshot (1280x800): " << ::testing::TempDir()
            << "/report_test_report.png\n";
}

}  // namespace
}  // namespace iosched
