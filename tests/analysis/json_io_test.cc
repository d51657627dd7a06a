// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// json_io.h's output side: DumpJson (escaping, NaN/infinity, malformed
// UTF-8, doubles that read back bit for bit) and FormatDouble, and the
// CSV of a real comparison, whose numbers must also read back exactly.

#include "json_io.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "compare.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_check.h"
#include "plot_test_util.h"
#include "result_meta.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

// Doubles that a 6-significant-digit printer gets wrong, and edge cases.
const double kDoubles[] = {7488421.123456789,
                           1e-300,
                           0.1,
                           1.0 / 3.0,
                           -2.5,
                           0.0,
                           -0.0,
                           5.0,
                           123456789012345678.0,
                           4.9406564584124654e-324,  // the smallest subnormal
                           DBL_MIN,
                           DBL_MAX,
                           std::nextafter(1.0, 2.0),
                           299792.458e-9};

TEST(DumpJson, NestedDocumentIsValid) {
  Json j;
  j["name"] = "a \"quoted\"\nline\t\x01";
  j["n"] = uint64_t{18446744073709551615ull};
  j["x"] = -1.5;
  j["nan"] = std::nan("");
  j["inf"] = -std::numeric_limits<double>::infinity();
  j["list"] = Json::array({1, Json::object(), Json::array()});
  const std::string out = DumpJson(j);
  std::string error;
  EXPECT_TRUE(testing_util::IsValidJson(out, &error)) << error << " in " << out;
  EXPECT_EQ(out,
            "{\"name\":\"a \\\"quoted\\\"\\nline\\t\\u0001\",\"n\":18446744073709551615,"
            "\"x\":-1.5,\"nan\":null,\"inf\":null,\"list\":[1,{},[]]}\n");
}

TEST(DumpJson, KeepsInsertionOrder) {
  Json j;
  j["z"] = 1;
  j["a"] = 2;
  j["m"] = 3;
  EXPECT_EQ(DumpJson(j), "{\"z\":1,\"a\":2,\"m\":3}\n");
}

TEST(DumpJson, MalformedUtf8IsReplacedNotFatal) {
  Json j;
  j["path"] = std::string(
      "a\xff"
      "b");
  const std::string out = DumpJson(j);
  EXPECT_EQ(out,
            "{\"path\":\"a\xef\xbf\xbd"
            "b\"}\n");
  EXPECT_TRUE(ParseJson(out, "out").ok());
}

TEST(DumpJson, DoublesReadBackBitIdentical) {
  Json j = Json::array();
  for (double d : kDoubles) j.push_back(d);
  const std::string text = DumpJson(j);
  EXPECT_THAT(text, HasSubstr("7488421.123456789,"));
  EXPECT_THAT(text, HasSubstr("1e-300,"));
  EXPECT_THAT(text, HasSubstr("0.1,"));
  absl::StatusOr<JsonDocument> doc = ParseJson(text, "doubles");
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->root().size(), std::size(kDoubles));
  for (size_t i = 0; i < std::size(kDoubles); ++i) {
    const double back = doc->root()[i].get<double>();
    EXPECT_EQ(std::bit_cast<uint64_t>(back), std::bit_cast<uint64_t>(kDoubles[i]))
        << kDoubles[i] << " came back as " << back << " from " << text;
  }
}

TEST(DumpJson, DoublesAreShortest) {
  // nlohmann's printer writes these as 56.196630999999996 etc.
  EXPECT_EQ(DumpJson(Json::array({56.196631, 73.773142, 72.508305})),
            "[56.196631,73.773142,72.508305]\n");
  // Integral doubles stay doubles; integers stay integers.
  EXPECT_EQ(DumpJson(Json::array({5.0, -0.0, 1e20, 5, uint64_t{7}})), "[5.0,-0.0,1e+20,5,7]\n");
  absl::StatusOr<JsonDocument> doc = ParseJson("[5.0, 5]", "types");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(doc->root()[0].is_number_float());
  EXPECT_TRUE(doc->root()[1].is_number_integer());
}

TEST(DumpJson, RandomDoublesReadBackBitIdentical) {
  // Deterministic bit patterns over the whole finite range (splitmix64).
  uint64_t state = 42;
  Json j = Json::array();
  std::vector<double> want;
  while (want.size() < 20000) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    const double d = std::bit_cast<double>(z ^ (z >> 31));
    if (!std::isfinite(d)) continue;
    want.push_back(d);
    j.push_back(d);
  }
  absl::StatusOr<JsonDocument> doc = ParseJson(DumpJson(j), "random");
  ASSERT_TRUE(doc.ok()) << doc.status();
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(std::bit_cast<uint64_t>(doc->root()[i].get<double>()),
              std::bit_cast<uint64_t>(want[i]))
        << i;
  }
}

TEST(FormatDouble, ShortestAndExact) {
  EXPECT_EQ(FormatDouble(7488421.123456789), "7488421.123456789");
  EXPECT_EQ(FormatDouble(1e-300), "1e-300");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(5.0), "5");
  EXPECT_EQ(FormatDouble(-0.0), "-0");
  EXPECT_EQ(FormatDouble(std::nan("")), "nan");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-inf");
  for (double d : kDoubles) {
    const std::string s = FormatDouble(d);
    double back = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), back);
    ASSERT_EQ(ec, std::errc()) << s;
    EXPECT_EQ(end, s.data() + s.size()) << s;
    EXPECT_EQ(std::bit_cast<uint64_t>(back), std::bit_cast<uint64_t>(d)) << s;
  }
}

// Splits one CSV line; a quoted field may hold commas (elevator specs).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// 300 records of the bundled MSR sample through noop and a tuned deadline.
CompareOptions MsrTwoElevators() {
  CompareOptions o;
  o.trace = testing_util::kMsrSample;
  o.elevators = {"noop", "deadline:fifo_batch=8,writes_starved=2"};
  o.replay.max_requests = 300;
  o.replay.fit = FitPolicy::kScale;
  o.replay.time_scale = 0.05;
  return o;
}

TEST(CompareCsv, NumbersReadBackBitIdentical) {
  CompareOptions o = MsrTwoElevators();
  absl::StatusOr<CompareResult> r = RunCompare(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->runs.size(), 2u);

  std::istringstream csv(FormatCompareCsv(*r));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  const std::vector<std::string> header = CsvFields(line);
  absl::StatusOr<JsonDocument> json = ParseJson(FormatCompareJson(*r), "compare.json");
  ASSERT_TRUE(json.ok()) << json.status();
  const Json& results = json->root()["results"];
  for (size_t run = 0; run < r->runs.size(); ++run) {
    ASSERT_TRUE(std::getline(csv, line));
    const std::vector<std::string> row = CsvFields(line);
    ASSERT_EQ(row.size(), header.size()) << line;
    const auto cell = [&](const std::string& key) {
      for (size_t i = 0; i < header.size(); ++i) {
        if (header[i] == key) return row[i];
      }
      ADD_FAILURE() << "no column " << key;
      return std::string();
    };
    EXPECT_EQ(cell("spec"), r->runs[run].spec);
    EXPECT_EQ(cell("schema_version"), "1");  // the metadata columns lead (result_meta.h)
    EXPECT_EQ(cell("depth"), std::to_string(r->options.replay.depth));
    const auto exact = [](const std::string& s) {
      double v = std::nan("");
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      EXPECT_TRUE(ec == std::errc() && end == s.data() + s.size()) << s;
      return std::bit_cast<uint64_t>(v);
    };
    const Summary& x = r->runs[run].result.summary;
    EXPECT_EQ(exact(cell("mb_s")), std::bit_cast<uint64_t>(x.all.mb_s));
    EXPECT_EQ(exact(cell("iops")), std::bit_cast<uint64_t>(x.all.iops));
    EXPECT_EQ(exact(cell("lat_mean_ms")), std::bit_cast<uint64_t>(x.all.lat_mean_ms));
    EXPECT_EQ(exact(cell("seek_mean_sectors")), std::bit_cast<uint64_t>(x.seek_mean_sectors));
    EXPECT_EQ(exact(cell("span_s")), std::bit_cast<uint64_t>(x.span_s));
    // Every non-integer column agrees with the JSON document, bit for bit.
    for (size_t i = 0; i < header.size(); ++i) {
      if (!results[run].contains(header[i])) continue;  // a metadata column
      const Json& v = results[run][header[i]];
      if (!v.is_number_float()) continue;
      EXPECT_EQ(exact(row[i]), std::bit_cast<uint64_t>(v.get<double>())) << header[i];
    }
  }
  EXPECT_FALSE(std::getline(csv, line)) << line;
}

// The text table: the elevator column as wide as the longest spec, and the
// read and write p99 apart only when the trace has both ops.
TEST(CompareTable, SplitsP99ByOpOnlyWhenBothExist) {
  CompareOptions o = MsrTwoElevators();  // reads and writes
  absl::StatusOr<CompareResult> r = RunCompare(o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string mixed = FormatCompareTable(*r);
  EXPECT_THAT(mixed, ::testing::HasSubstr("rd p99 ms  wr p99 ms\n"));
  std::istringstream lines(mixed);
  std::string line, header;
  while (std::getline(lines, line)) {
    if (line.rfind("elevator ", 0) == 0) header = line;
  }
  // "deadline:fifo_batch=8,writes_starved=2" is 38 characters: the column
  // is that wide, then the requests column (right-aligned, 9).
  EXPECT_EQ(header.find("requests"), 38u + 1 + 1) << header;
  const Summary& x = r->runs[1].result.summary;
  ASSERT_GT(x.read.count, 0u);
  ASSERT_GT(x.write.count, 0u);
  EXPECT_THAT(mixed, ::testing::HasSubstr(absl::StrFormat(" %10.2f %10.2f\n", x.read.lat_p99_ms,
                                                          x.write.lat_p99_ms)));
  o.transform.skip_writes = true;
  r = RunCompare(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(FormatCompareTable(*r), ::testing::Not(::testing::HasSubstr("rd p99")));
}

// FileSha256 remembers the last file it hashed; a changed file (new size or
// modification time, or a new inode after a rename over it) is hashed again.
TEST(FileSha256, RemembersOnlyAnUnchangedFile) {
  const std::string dir = testing_util::FreshDir("sha_memo");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/t.csv";
  auto write = [&](const std::string& text) { std::ofstream(path, std::ios::trunc) << text; };
  write("0,0,100,8,R\n");
  const absl::StatusOr<std::string> a = FileSha256(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, Sha256Of("0,0,100,8,R\n"));
  EXPECT_EQ(*FileSha256(path), *a);
  write("0,0,100,8,W\n");  // same size: the modification time tells
  const struct timespec later[2] = {{0, UTIME_OMIT}, {2000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), later, 0), 0);
  EXPECT_EQ(*FileSha256(path), Sha256Of("0,0,100,8,W\n"));
  const std::string other = dir + "/u.csv";
  std::ofstream(other) << "1,0,100,8,R\n";
  std::filesystem::rename(other, path);  // a new inode under the same name
  EXPECT_EQ(*FileSha256(path), Sha256Of("1,0,100,8,R\n"));
  EXPECT_FALSE(FileSha256(dir + "/missing.csv").ok());
}

}  // namespace
}  // namespace iosched
