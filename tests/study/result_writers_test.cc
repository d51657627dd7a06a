// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Every result writer other than `compare` and the study (those are in
// study_test.cc) carries results schema v1 metadata: the real `iosched`
// program's JSON from `replay` (simulated and --target), `validate`,
// `fsbench` and `compare --fs-tree` is checked against
// docs/results-schema.json, compare's CSV has the flattened metadata
// columns, readers refuse old documents naming the schema version, `plot`
// merges several files, and two compares that differ only in
// --async-writes say so.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_schema_check.h"
#include "result_meta.h"
#include "test_files.h"

namespace iosched {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing_util::CliRun;

const std::string kData = IOSCHED_SOURCE_DIR "/traces/data/";
const std::string kMsr = kData + "msr_hm0-msr-cambridge1-sample.csv";
const std::string kParv = kData + "disksim-hp_c2247a.parv";
const std::string kValidateTrace = kData + "disksim-hp_c2247a.trace";

CliRun Iosched(const std::string& args) { return testing_util::RunIosched(args); }

OrderedJson LoadSchema() {
  std::ifstream in(IOSCHED_SOURCE_DIR "/docs/results-schema.json");
  return OrderedJson::parse(in);
}

std::string Dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/writers_" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

class ResultWriters : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(testing_util::IoschedBinary().c_str(), X_OK) != 0) {
      GTEST_SKIP() << "iosched not built";
    }
  }
  testing_util::SchemaChecker checker_{LoadSchema()};

  // Parses `r.out` and checks it against $defs/DEF and the root schema.
  OrderedJson Conforms(const CliRun& r, const std::string& def) {
    EXPECT_EQ(r.code, 0) << r.err;
    OrderedJson j = OrderedJson::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    EXPECT_THAT(checker_.Check(j, checker_.Def(def)), IsEmpty()) << def;
    EXPECT_THAT(checker_.Check(j), IsEmpty());
    return j;
  }
};

TEST_F(ResultWriters, SimulatedReplayCarriesMeta) {
  OrderedJson j = Conforms(Iosched("replay " + kMsr +
                                   " --elevator deadline:fifo_batch=4 --mode closed "
                                   "--max-requests 200 --offsets wrap --format json"),
                           "compare");
  const OrderedJson& m = j["meta"];
  EXPECT_EQ(m["settings"]["mode"], "closed");
  EXPECT_EQ(m["settings"]["max_requests"], 200);
  EXPECT_EQ(m["disk"]["preset"], "hp-c2247a");
  EXPECT_EQ(m["elevators"][0]["tunables"]["fifo_batch"]["value"], "4");
  EXPECT_EQ(m["trace"]["sha256"].get<std::string>().size(), 7u + 64u);
  EXPECT_EQ(m["program"]["argv"][1], "replay");
}

TEST_F(ResultWriters, RealReplayDescribesTheTarget) {
  const std::string dir = Dir("real");
  const std::string trace = dir + "/reads.csv";
  {
    std::ofstream out(trace);
    for (int i = 0; i < 40; ++i) {
      out << 128166385295514663ull + uint64_t(i) * 10000 << ",hm,0,Read," << i * 8192
          << ",4096,100\n";
    }
  }
  const std::string target = dir + "/target";
  CliRun r = Iosched("replay " + trace + " --target " + target +
                     " --create 1M --elevator cfq --depth 2 --time-scale 0.01 --format json");
  if (r.code == 1 && r.err.find("O_DIRECT") != std::string::npos) GTEST_SKIP() << r.err;
  OrderedJson j = Conforms(r, "compare");
  const OrderedJson& d = j["meta"]["disk"];
  EXPECT_EQ(d["model"], "real");
  EXPECT_EQ(d["target"], target);
  EXPECT_EQ(d["capacity_sectors"], (1 << 20) / 512);
  EXPECT_FALSE(d["backend"].get<std::string>().empty());
  EXPECT_TRUE(j["meta"]["elevators"][0]["tunables"].contains("slice_idle"));
  EXPECT_EQ(j["meta"]["trace"]["records"], 40);
}

TEST_F(ResultWriters, ValidateCarriesMeta) {
  OrderedJson j = Conforms(Iosched("validate --parv " + kParv + " --trace " + kValidateTrace +
                                   " --max-requests 300 --format json"),
                           "validate");
  EXPECT_EQ(j["meta"]["disk"]["parv"], kParv);
  EXPECT_EQ(j["meta"]["disk"]["parv_sha256"].get<std::string>().size(), 7u + 64u);
  EXPECT_EQ(j["meta"]["settings"]["max_requests"], 300);
  EXPECT_EQ(j["meta"]["trace"]["records"], 300);
}

TEST_F(ResultWriters, FsbenchAndCompareFsTreeCarryMeta) {
  const std::string tree = "--files 120 --dirs 12 --max-file-kb 64 --fragmentation 0,1 ";
  OrderedJson a = Conforms(Iosched("fsbench " + tree + "--format json"), "fs_tree");
  EXPECT_EQ(a["meta"]["settings"]["files"], 120);
  EXPECT_EQ(a["meta"]["elevators"].size(), a["meta"]["settings"]["orders"].size());
  OrderedJson b = Conforms(Iosched("compare --fs-tree " + tree + "--depth 4 --format json"),
                           "fs_tree");
  EXPECT_EQ(b["meta"]["settings"]["depth"], 4);
  EXPECT_EQ(b["meta"]["program"]["argv"][1], "compare");
}

TEST_F(ResultWriters, TwoComparesDifferingOnlyInAsyncWritesSaySo) {
  const std::string dir = Dir("async");
  const std::string base = "compare " + kMsr +
                           " --elevators noop --mode closed --max-requests 300 --fit scale "
                           "--format json --quiet";
  for (const char* n : {"0", "16"}) {
    CliRun r = Iosched(base + " --async-writes " + n);
    ASSERT_EQ(r.code, 0) << r.err;
    testing_util::WriteFile(dir + "/a" + n + ".json", r.out);
  }
  std::ifstream f0(dir + "/a0.json"), f16(dir + "/a16.json");
  const OrderedJson a = OrderedJson::parse(f0), b = OrderedJson::parse(f16);
  EXPECT_EQ(a["meta"]["settings"]["async_writes"], 0);
  EXPECT_EQ(b["meta"]["settings"]["async_writes"], 16);
  // Only the setting (and the argv that set it) differ in the metadata.
  OrderedJson ma = a["meta"], mb = b["meta"];
  ma.erase("program");
  mb.erase("program");
  EXPECT_NE(ma, mb);
  ma["settings"].erase("async_writes");
  mb["settings"].erase("async_writes");
  EXPECT_EQ(ma, mb);
}

TEST_F(ResultWriters, CompareCsvHasTheMetadataColumns) {
  CliRun r = Iosched("compare " + kMsr +
                     " --elevators noop,deadline:fifo_batch=8 --max-requests 100 --fit scale "
                     "--format csv --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string header, row1, row2;
  std::getline(in, header);
  std::getline(in, row1);
  std::getline(in, row2);
  EXPECT_EQ(header.rfind(CompareCsvHeader() + ",elevator,spec,requests,", 0), 0u) << header;
  EXPECT_EQ(row1.rfind("1," + IoschedVersion() + ",open,1,0,1,scale,hp-c2247a,sha256:", 0), 0u)
      << row1;
  EXPECT_THAT(row2, HasSubstr("fifo_batch=8|"));
  EXPECT_THAT(row2, HasSubstr(",deadline,deadline:fifo_batch=8,"));
}

TEST_F(ResultWriters, ReadersRefuseOldSchemasAndPlotMergesFiles) {
  const std::string dir = Dir("readers");
  const std::string old = dir + "/old.json";
  testing_util::WriteFile(old, R"({"trace": "t.csv", "disk": "hp-c2247a", "mode": "open",
      "depth": 1, "disk_capacity_sectors": 10, "results": []})");
  CliRun r = Iosched("plot " + old + " --out " + dir + "/p");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(old + ": results schema version 0 (no schema_version) (expected 1)"));
  r = Iosched("report " + old + " --out " + dir + "/r");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("results schema version 0"));
  const std::string v2 = dir + "/v2.json";
  testing_util::WriteFile(v2, R"({"schema_version": 2, "results": []})");
  r = Iosched("plot " + v2 + " --out " + dir + "/p");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("results schema version 2 (expected 1)"));

  // Two current files: the colliding spec is labelled by file.
  const std::string base = "compare " + kMsr + " --max-requests 100 --fit scale --format json --quiet";
  CliRun a = Iosched(base + " --elevators noop,deadline");
  CliRun b = Iosched(base + " --elevators noop --depth 4");
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  testing_util::WriteFile(dir + "/a.json", a.out);
  testing_util::WriteFile(dir + "/b.json", b.out);
  r = Iosched("report " + dir + "/a.json --out " + dir + "/r");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("iosched plot"));
  r = Iosched("plot " + dir + "/a.json " + dir + "/b.json --out " + dir + "/p");
  if (r.code == 1 && r.err.find("gnuplot") != std::string::npos) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream svg(dir + "/p/latency_cdf.svg");
  std::stringstream text;
  text << svg.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("noop [" + dir + "/a.json]"));
  EXPECT_THAT(text.str(), HasSubstr("noop [" + dir + "/b.json]"));
}

}  // namespace
}  // namespace iosched
