// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Studies (tools/study/study.h), called directly: plan counts, sweeps,
// file:line errors, shards, --jobs N == --jobs 1, merge and its refusals,
// resume after kill -9 of the real program, and results validated against
// docs/results-schema.json.

#include "study.h"
#include "study_report.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli_runner.h"
#include "compare.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_schema_check.h"

namespace iosched {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string TempDir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/study_" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string WriteStudy(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/s.toml";
  std::ofstream(path) << text;
  return path;
}

// Cell key -> the part of its result that must not depend on how it ran.
std::map<std::string, std::string> Cores(const std::string& dir) {
  absl::StatusOr<StudyFolder> f = ReadStudyFolder(dir);
  EXPECT_TRUE(f.ok()) << f.status();
  std::map<std::string, std::string> out;
  if (!f.ok()) return out;
  for (const OrderedJson& c : f->cells) out[c["cell"]["key"]] = CellResultCore(c).dump();
  return out;
}

// Small and quick: 2 workload seeds x 1 disk x 3 settings = 6 cells.
const char* kSmall = R"(
name = "small"
elevators = ["noop", "deadline:fifo_batch=[1,16]"]
[[workload]]
scenario = "random-readers"
seeds = [1, 2]
requests = 300
)";

TEST(StudyPlan, CountsCellsOfEveryAxis) {
  const std::string text = R"(
disks = ["hp-c2247a", "parv:)" IOSCHED_SOURCE_DIR R"(/traces/data/disksim-hp_c2247a.parv"]
elevators = ["noop", "deadline:fifo_batch=[1,4,16,64]", "cfq:slice_idle=0..16/4"]
modes = ["open", "closed"]
depths = [1, 4]
async_writes = [0, 8]
[[workload]]
scenario = "mixed"
seeds = [1, 2, 3]
[[trace]]
path = ")" IOSCHED_SOURCE_DIR R"(/traces/data/msr_*.csv"
fit = "scale"
)";
  absl::StatusOr<Study> s = ParseStudy(text, "t.toml", ".");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->inputs.size(), 4u);  // 1 glob match + 3 seeds
  EXPECT_EQ(s->specs.size(), 1u + 4u + 5u);
  // open: 1 async value, closed: 2; times 2 depths.
  EXPECT_EQ(s->cells.size(), 4u * 2u * 10u * (1u + 2u) * 2u);
  std::set<std::string> keys;
  for (const StudyCell& c : s->cells) keys.insert(c.key);
  EXPECT_EQ(keys.size(), s->cells.size());
  EXPECT_THAT(FormatStudyPlan(*s), HasSubstr("= 480 cells"));
}

TEST(StudyPlan, ExpandsListsRangesAndProducts) {
  absl::StatusOr<std::vector<StudySpec>> a = ExpandSpecPattern("cfq:slice_idle=0..16/4");
  ASSERT_TRUE(a.ok());
  std::vector<std::string> specs;
  for (const StudySpec& s : *a) specs.push_back(s.spec);
  EXPECT_THAT(specs, ::testing::ElementsAre("cfq:slice_idle=0", "cfq:slice_idle=4", "cfq:slice_idle=8",
                                            "cfq:slice_idle=12", "cfq:slice_idle=16"));
  absl::StatusOr<std::vector<StudySpec>> b =
      ExpandSpecPattern("deadline:fifo_batch=[1, 8],read_expire=100,writes_starved=1..2");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 4u);
  EXPECT_EQ((*b)[1].spec, "deadline:fifo_batch=1,read_expire=100,writes_starved=2");
  EXPECT_EQ((*b)[1].swept.size(), 2u);  // the fixed tunable is not a sweep
  EXPECT_THAT(ExpandSpecPattern("cfq:slice_idle=8..0").status().message(), HasSubstr("HI is below LO"));
  EXPECT_THAT(ExpandSpecPattern("cfq:slice_idle=0..8/0").status().message(), HasSubstr("step"));
  EXPECT_THAT(ExpandSpecPattern("cfq:slice_idle=[1,2").status().message(), HasSubstr("closing ]"));
}

TEST(StudyPlan, BadFilesGiveFileLineErrors) {
  struct Case {
    std::string text, prefix, what;
  };
  const std::vector<Case> cases = {
      {"name = \"x\"\nbogus = 1\n[[workload]]\nscenario = \"mixed\"\n", "bad.toml:2:", "unknown key 'bogus'"},
      {"[[workload]]\nscenario = \"mixed\"\nseeds = [1, 2\n", "bad.toml:3:", ""},
      {"elevators = [\"noop\",\n  \"deadline:fifo_batch=[1,x]\"]\n[[workload]]\nscenario = \"mixed\"\n",
       "bad.toml:2:", "fifo_batch"},
      {"elevators = [\"noop\", \"nosuch\"]\n[[workload]]\nscenario = \"mixed\"\n", "bad.toml:1:", "nosuch"},
      {"disks = [\"floppy\"]\n[[workload]]\nscenario = \"mixed\"\n", "bad.toml:1:", "floppy"},
      {"[[trace]]\npath = \"no/such/*.csv\"\n", "bad.toml:2:", "matches no file"},
      {"[[workload]]\nscenario = \"mixed\"\nfit = \"squeeze\"\n", "bad.toml:3:", "expected error, wrap or scale"},
      {"depths = [0]\n[[workload]]\nscenario = \"mixed\"\n", "bad.toml:1:", "outside [1, 4096]"},
      {"metric = \"speed\"\n[[workload]]\nscenario = \"mixed\"\n", "bad.toml:1:", "unknown metric"},
      {"name = \"x\"\n", "bad.toml:1:", "names no trace"},
      // fuzz_study: a range without '..' (threw std::out_of_range), one
      // spanning all of int64, and a quoted name with a newline, which
      // stays on one line.
      {"elevators = [\"cfq:slice_idle=/0..16./2\"]\n[[workload]]\nscenario = \"mixed\"\n", "bad.toml:1:",
       "no '..'"},
      {"elevators = [\"cfq:slice_idle=-9223372036854775808..9223372036854775807/9223372036854775807\"]\n"
       "[[workload]]\nscenario = \"mixed\"\n",
       "bad.toml:1:", "slice_idle"},
      {"[[workload]]\nscenario = \"dep\\ndent\"\n", "bad.toml:1:", "unknown scenario 'dep\\ndent'"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Study> s = ParseStudy(c.text, "bad.toml", ".");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.status().message()), StartsWith(c.prefix)) << c.text;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(c.what)) << c.text;
    EXPECT_EQ(std::string(s.status().message()).find('\n'), std::string::npos) << c.text;
  }
}

TEST(StudyShard, ShardsPartitionThePlan) {
  absl::StatusOr<Study> s = ParseStudy(kSmall, "s.toml", ".");
  ASSERT_TRUE(s.ok());
  for (uint32_t n : {1u, 2u, 4u, 7u}) {
    std::multiset<size_t> all;
    for (uint32_t i = 1; i <= n; ++i) {
      for (size_t c : ShardCells(*s, {i, n})) all.insert(c);
    }
    ASSERT_EQ(all.size(), s->cells.size());
    for (size_t c = 0; c < s->cells.size(); ++c) EXPECT_EQ(all.count(c), 1u);
  }
  EXPECT_FALSE(ParseShard("0/4").ok());
  EXPECT_FALSE(ParseShard("5/4").ok());
  EXPECT_FALSE(ParseShard("2").ok());
  EXPECT_TRUE(ParseShard("4/4").ok());
}

TEST(StudyRun, JobsAndShardsGiveBitIdenticalResultsAndMerge) {
  const std::string dir = TempDir("jobs");
  absl::StatusOr<Study> s = LoadStudy(WriteStudy(dir, kSmall));
  ASSERT_TRUE(s.ok()) << s.status();
  StudyRunOptions o;
  o.out_dir = dir + "/one";
  absl::StatusOr<StudyRunStats> one = RunStudy(*s, o);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->ran, 6u);
  EXPECT_EQ(one->decoded, 2u);  // one per seed, shared by its three cells
  o.out_dir = dir + "/three";
  o.jobs = 3;
  ASSERT_TRUE(RunStudy(*s, o).ok());
  EXPECT_EQ(Cores(dir + "/one"), Cores(dir + "/three"));
  // A rerun skips every finished cell.
  absl::StatusOr<StudyRunStats> again = RunStudy(*s, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->skipped, 6u);
  EXPECT_EQ(again->ran, 0u);
  // Shards merged == the whole.
  std::vector<std::string> shards;
  for (uint32_t i = 1; i <= 4; ++i) {
    o.out_dir = dir + "/shard" + std::to_string(i);
    o.shard = {i, 4};
    o.jobs = 1;
    ASSERT_TRUE(RunStudy(*s, o).ok());
    shards.push_back(o.out_dir);
  }
  shards.push_back(dir + "/one");  // duplicates with identical results are fine
  absl::StatusOr<MergeStats> m = MergeStudies(shards, dir + "/merged", {});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->cells, 6u);
  EXPECT_EQ(m->duplicates, 6u);
  EXPECT_EQ(Cores(dir + "/merged"), Cores(dir + "/one"));
}

TEST(StudyMerge, RefusesOtherStudiesDifferentDuplicatesAndOldSchemas) {
  const std::string dir = TempDir("merge");
  absl::StatusOr<Study> s = LoadStudy(WriteStudy(dir, kSmall));
  ASSERT_TRUE(s.ok());
  StudyRunOptions o;
  o.out_dir = dir + "/a";
  ASSERT_TRUE(RunStudy(*s, o).ok());
  o.out_dir = dir + "/b";
  ASSERT_TRUE(RunStudy(*s, o).ok());
  // Another study (different file content).
  absl::StatusOr<Study> other = ParseStudy(std::string(kSmall) + "# changed\n", "o.toml", ".");
  ASSERT_TRUE(other.ok());
  o.out_dir = dir + "/other";
  ASSERT_TRUE(RunStudy(*other, o).ok());
  absl::StatusOr<MergeStats> m = MergeStudies({dir + "/a", dir + "/other"}, dir + "/m1", {});
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("another study"));
  // Running into a folder of another study is refused too.
  o.out_dir = dir + "/a";
  EXPECT_THAT(std::string(RunStudy(*other, o).status().message()), HasSubstr("another study"));
  // A duplicate cell with a different result.
  const std::string victim = dir + "/b/cells/" + s->cells[0].key + ".json";
  {
    absl::StatusOr<StudyFolder> f = ReadStudyFolder(dir + "/b");
    ASSERT_TRUE(f.ok());
    OrderedJson c = f->cells[0];
    c["result"]["lat_mean_ms"] = 12345.0;
    std::ofstream(victim) << c.dump(2);
  }
  m = MergeStudies({dir + "/a", dir + "/b"}, dir + "/m2", {});
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("different results"));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr(s->cells[0].key));
  // An old result (no schema_version) names the version.
  {
    absl::StatusOr<StudyFolder> f = ReadStudyFolder(dir + "/a");
    ASSERT_TRUE(f.ok());
    OrderedJson c = f->cells[0];
    c.erase("schema_version");
    std::ofstream(dir + "/a/cells/" + s->cells[0].key + ".json") << c.dump(2);
  }
  m = MergeStudies({dir + "/a"}, dir + "/m3", {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("schema v1"));
}

TEST(StudyRun, AStudyCellEqualsAPlainCompare) {
  const std::string dir = TempDir("cell_vs_compare");
  const std::string trace = IOSCHED_SOURCE_DIR "/traces/data/msr_hm0-msr-cambridge1-sample.csv";
  absl::StatusOr<Study> s = LoadStudy(WriteStudy(dir, R"(
elevators = ["cfq:slice_idle=4"]
[[trace]]
path = ")" + trace + R"("
fit = "scale"
time_scale = 0.05
)"));
  ASSERT_TRUE(s.ok()) << s.status();
  StudyRunOptions o;
  o.out_dir = dir + "/out";
  ASSERT_TRUE(RunStudy(*s, o).ok());
  CompareOptions c;
  c.trace = trace;
  c.elevators = {"cfq:slice_idle=4"};
  c.replay.fit = FitPolicy::kScale;
  c.replay.time_scale = 0.05;
  absl::StatusOr<CompareResult> r = RunCompare(c);
  ASSERT_TRUE(r.ok());
  absl::StatusOr<StudyFolder> f = ReadStudyFolder(dir + "/out");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->cells.size(), 1u);
  EXPECT_EQ(f->cells[0]["result"].dump(), MetricsJson(r->runs[0].result).dump());
  EXPECT_EQ(f->cells[0]["trace"]["format"], "msr");
  EXPECT_EQ(f->cells[0]["elevator"]["tunables"]["slice_idle"]["value"], "4");
  EXPECT_EQ(f->cells[0]["elevator"]["tunables"]["slice_idle"]["unit"], "ms");
}

TEST(StudyRun, CompareJobsIsBitIdenticalAndSaysItsSettings) {
  CompareOptions c;
  c.trace = IOSCHED_SOURCE_DIR "/traces/data/msr_hm0-msr-cambridge1-sample.csv";
  c.replay.fit = FitPolicy::kScale;
  c.replay.time_scale = 0.05;
  c.replay.mode = ReplayMode::kClosed;
  absl::StatusOr<CompareResult> one = RunCompare(c);
  c.jobs = 3;
  absl::StatusOr<CompareResult> three = RunCompare(c);
  ASSERT_TRUE(one.ok() && three.ok());
  ASSERT_EQ(one->runs.size(), three->runs.size());
  for (size_t i = 0; i < one->runs.size(); ++i) {
    EXPECT_EQ(MetricsJson(one->runs[i].result).dump(), MetricsJson(three->runs[i].result).dump());
  }
  c.jobs = 1;
  c.elevators = {"noop"};
  c.replay.closed_async_writes = 8;
  absl::StatusOr<CompareResult> async = RunCompare(c);
  ASSERT_TRUE(async.ok());
  OrderedJson j = OrderedJson::parse(FormatCompareJson(*async));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["meta"]["settings"]["async_writes"], 8);
  EXPECT_EQ(j["meta"]["trace"]["sha256"].get<std::string>().size(), 7u + 64u);
}

OrderedJson LoadSchema() {
  std::ifstream in(IOSCHED_SOURCE_DIR "/docs/results-schema.json");
  return OrderedJson::parse(in);
}

TEST(StudySchema, RealOutputsConformToTheSchema) {
  testing_util::SchemaChecker checker(LoadSchema());
  const std::string dir = TempDir("schema");
  absl::StatusOr<Study> s = LoadStudy(WriteStudy(dir, kSmall));
  ASSERT_TRUE(s.ok());
  StudyRunOptions o;
  o.out_dir = dir + "/out";
  o.argv = {"iosched", "study", "run"};
  ASSERT_TRUE(RunStudy(*s, o).ok());
  absl::StatusOr<StudyFolder> f = ReadStudyFolder(o.out_dir);
  ASSERT_TRUE(f.ok());
  for (const OrderedJson& c : f->cells) {
    EXPECT_THAT(checker.Check(c, checker.Def("cell")), ::testing::IsEmpty());
    EXPECT_THAT(checker.Check(c), ::testing::IsEmpty());
  }
  EXPECT_THAT(checker.Check(f->manifest, checker.Def("manifest")), ::testing::IsEmpty());
  CompareOptions c;
  c.trace = IOSCHED_SOURCE_DIR "/traces/data/disksim-hp_c2247a.trace";
  c.parv = IOSCHED_SOURCE_DIR "/traces/data/disksim-hp_c2247a.parv";
  c.elevators = {"noop", "anticipatory"};
  c.replay.max_requests = 200;
  absl::StatusOr<CompareResult> r = RunCompare(c);
  ASSERT_TRUE(r.ok()) << r.status();
  const OrderedJson cj = OrderedJson::parse(FormatCompareJson(*r));
  EXPECT_THAT(checker.Check(cj, checker.Def("compare")), ::testing::IsEmpty());
  // The checker can fail: a broken cell is reported.
  OrderedJson broken = f->cells[0];
  broken["settings"]["mode"] = "sideways";
  broken["result"].erase("lat_p99_ms");
  EXPECT_EQ(checker.Check(broken, checker.Def("cell")).size(), 2u);
}

// Waits (bounded) until `dir` holds a finished cell file or the child exits.
bool WaitForFirstCell(const std::string& dir, pid_t child) {
  const timespec tick{0, 2'000'000};  // 2 ms between polls
  for (int i = 0; i < 30000; ++i) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string n = e.path().filename().string();
      if (n[0] != '.' && e.path().extension() == ".json") return true;
    }
    int status;
    if (::waitpid(child, &status, WNOHANG) == child) return false;
    nanosleep(&tick, nullptr);
  }
  return false;
}

TEST(StudyRun, ResumesAfterKillDashNine) {
  const std::string dir = TempDir("kill");
  const std::string study = WriteStudy(dir, R"(
elevators = ["noop", "deadline:fifo_batch=[1,4,16,64]", "cfq", "anticipatory", "linus"]
modes = ["open", "closed"]
[[workload]]
scenario = "mixed"
seeds = [1, 2, 3]
requests = 20000
)");
  absl::StatusOr<Study> s = LoadStudy(study);
  ASSERT_TRUE(s.ok());
  const std::string out = dir + "/out";
  const std::string bin = testing_util::IoschedBinary();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl(bin.c_str(), bin.c_str(), "study", "run", study.c_str(), "--out", out.c_str(), "--jobs",
            "2", "-q", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  fs::create_directories(out + "/cells");
  const bool started = WaitForFirstCell(out + "/cells", child);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(started) << "the run ended before its first cell";
  // Whatever was on disk at the kill is either a finished cell or a temp file.
  size_t finished = 0;
  for (const auto& e : fs::directory_iterator(out + "/cells")) {
    const std::string n = e.path().filename().string();
    if (n[0] == '.') continue;
    std::ifstream in(e.path());
    OrderedJson j = OrderedJson::parse(in, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << n;
    ++finished;
  }
  EXPECT_GE(finished, 1u);
  StudyRunOptions o;
  o.out_dir = out;
  o.jobs = 2;
  absl::StatusOr<StudyRunStats> rerun = RunStudy(*s, o);
  ASSERT_TRUE(rerun.ok()) << rerun.status();
  EXPECT_EQ(rerun->skipped, finished);
  EXPECT_EQ(rerun->skipped + rerun->ran, s->cells.size());
  // No temp file is left, and the result equals an uninterrupted run.
  for (const auto& e : fs::directory_iterator(out + "/cells")) {
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
  }
  o.out_dir = dir + "/clean";
  ASSERT_TRUE(RunStudy(*s, o).ok());
  EXPECT_EQ(Cores(out), Cores(dir + "/clean"));
}

TEST(StudyReport, RanksSummarisesAndPlotsAStudyFolder) {
  const std::string dir = TempDir("report");
  absl::StatusOr<Study> s = LoadStudy(WriteStudy(dir, kSmall));
  ASSERT_TRUE(s.ok());
  StudyRunOptions o;
  o.out_dir = dir + "/out";
  ASSERT_TRUE(RunStudy(*s, o).ok());
  StudyReportFiles files;
  ASSERT_TRUE(WriteStudyReport(o.out_dir, dir + "/report", &files).ok());
  std::ifstream in(files.md);
  const std::string md((std::istreambuf_iterator<char>(in)), {});
  EXPECT_THAT(md, HasSubstr("6 of 6 cells"));
  EXPECT_THAT(md, HasSubstr("| `noop` | "));
  EXPECT_THAT(md, HasSubstr("### gen:random-readers:seed=2 on hp-c2247a, open, depth 1"));
  EXPECT_THAT(md, HasSubstr("iosched study run"));
  if (files.notes.empty()) {  // gnuplot present: one sweep (fifo_batch) and the heatmap
    EXPECT_THAT(files.plots, ::testing::ElementsAre("sweep_1", "heatmap"));
    EXPECT_TRUE(fs::file_size(dir + "/report/heatmap.svg") > 0);
  }
  EXPECT_FALSE(WriteStudyReport(dir + "/nothing", dir + "/r2").ok());
}

}  // namespace
}  // namespace iosched
