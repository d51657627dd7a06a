// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Whole real traces: the samples bundled in traces/data (always present) and
// the fixtures in ../shared/traces (skipped when that folder is absent).
// Expected counts come from ../shared/traces/SOURCES.md and were checked
// independently with awk/python.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_pipeline.h"
#include "iosched/trace_writer.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::BundledTrace;
using ::iosched::testing::FileExists;
using ::iosched::testing::ReadAll;
using ::iosched::testing::ReadResult;
using ::iosched::testing::SharedTrace;

struct Summary {
  uint64_t records = 0, reads = 0, writes = 0;
  uint64_t bytes = 0;
  int64_t min_time = 0, max_time = 0;
  uint64_t backwards = 0;  // records older than their predecessor
  bool lines_increase = true;
};

Summary Summarize(const ReadResult& r) {
  Summary s;
  for (size_t i = 0; i < r.records.size(); ++i) {
    const TraceRecord& rec = r.records[i];
    ++s.records;
    (rec.op == TraceOp::kRead ? s.reads : s.writes)++;
    s.bytes += rec.length;
    s.min_time = std::min(s.min_time, rec.time_ns);
    s.max_time = std::max(s.max_time, rec.time_ns);
    if (i > 0 && rec.time_ns < r.records[i - 1].time_ns) ++s.backwards;
    if (i > 0 && rec.line <= r.records[i - 1].line) s.lines_increase = false;
  }
  return s;
}

// Reads `path` once with auto-detection (which must find `format`) and
// returns the result.
ReadResult ReadDetected(const std::string& path, std::string_view format) {
  absl::StatusOr<std::string> detected = DetectTraceFormat(path);
  EXPECT_TRUE(detected.ok()) << detected.status();
  if (detected.ok()) {
    EXPECT_EQ(*detected, format);
  }
  ReadResult r = ReadAll(path, "auto");
  EXPECT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, format);
  return r;
}

#define SKIP_IF_NO_SHARED(path) \
  if (!FileExists(path)) GTEST_SKIP() << "shared trace folder absent: " << (path)

// ---- bundled samples (traces/data) ----

TEST(BundledTracesTest, MsrHm0Sample) {
  ReadResult r = ReadDetected(BundledTrace("msr_hm0-msr-cambridge1-sample.csv"), "msr");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 1000u);
  EXPECT_EQ(s.reads, 508u);
  EXPECT_EQ(s.writes, 492u);
  EXPECT_EQ(s.backwards, 0u);  // 9 duplicate timestamps, but in order
  EXPECT_TRUE(s.lines_increase);
  EXPECT_EQ(r.skipped, 0u);
  EXPECT_EQ(r.time_unit, "100ns");
  // 127.2 s: (128166386567849604 - 128166385295514663) ticks × 100 ns.
  EXPECT_EQ(s.max_time, 127233494100);
  EXPECT_EQ(r.records.front().offset, 9056014336u);
  EXPECT_EQ(r.records.front().response_ns, 283300);
  EXPECT_EQ(r.records.back().line, 1000u);
  for (const TraceRecord& rec : r.records) {
    ASSERT_EQ(rec.offset % 512, 0u) << "line " << rec.line;
    ASSERT_TRUE(rec.response_ns.has_value());
    // 68.6 µs – 28.4 ms per SOURCES.md.
    ASSERT_GE(*rec.response_ns, 68000);
    ASSERT_LE(*rec.response_ns, 28500000);
  }
}

TEST(BundledTracesTest, DiskSimValidateHpC2247a) {
  ReadResult r = ReadDetected(BundledTrace("disksim-hp_c2247a.trace"), "validate");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 9999u);
  EXPECT_EQ(s.reads, 5115u);
  EXPECT_EQ(s.writes, 4884u);
  EXPECT_EQ(s.backwards, 0u);  // reconstructed issue times only grow
  EXPECT_EQ(r.time_unit, "us");
  const TraceRecord& first = r.records.front();
  EXPECT_EQ(first.time_ns, 0);
  EXPECT_EQ(first.offset, 564347u * 512);
  EXPECT_EQ(first.response_ns, 14095370);
  EXPECT_EQ(first.think_ns, 13876270);
  EXPECT_EQ(r.records[1].time_ns, 27971640);
  // Sum of service + gap over the first 9,998 lines (python Decimal).
  EXPECT_EQ(r.records.back().time_ns, 294845476820);
  EXPECT_EQ(r.records.back().response_ns, 10671040);
  EXPECT_EQ(r.records.back().think_ns, 19196570);
  for (size_t i = 1; i < r.records.size(); ++i) {
    const TraceRecord& prev = r.records[i - 1];
    ASSERT_EQ(r.records[i].time_ns, prev.time_ns + *prev.response_ns + *prev.think_ns);
  }
}

TEST(BundledTracesTest, MqSimWebSearchWithoutTrailingNewline) {
  ReadResult r = ReadDetected(BundledTrace("mqsim_umass_websearch-wsrch-small.trace"), "mqsim");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 24783u);  // `wc -l` says 24,782: no final newline
  EXPECT_EQ(s.reads, 24779u);
  EXPECT_EQ(s.writes, 4u);
  EXPECT_EQ(s.backwards, 0u);
  EXPECT_EQ(r.time_unit, "ns");
  EXPECT_EQ(r.records.back().line, 24783u);
  // Last arrival 60066625000 ns minus the first, 11413000 ns.
  EXPECT_EQ(r.records.back().time_ns, 60066625000 - 11413000);
  EXPECT_EQ(r.records.back().offset, 34371424ull * 512);
  EXPECT_EQ(r.records.back().device, 1u);
  uint32_t max_device = 0;
  for (const TraceRecord& rec : r.records) max_device = std::max(max_device, rec.device);
  EXPECT_EQ(max_device, 5u);  // devices 0–5
}

TEST(BundledTracesTest, DiskSimParameterFilesAreNotTraces) {
  for (const char* name : {"disksim-hp_c2247a.parv", "disksim-hp_c2247a.diskspecs",
                           "disksim-hp_c2247a_validate.model"}) {
    const std::string path = BundledTrace(name);
    ASSERT_TRUE(FileExists(path)) << path;
    EXPECT_FALSE(DetectTraceFormat(path).ok()) << name;
  }
}

// ---- shared fixtures (../shared/traces) ----

TEST(SharedTracesTest, FiuMail01) {
  const std::string path = SharedTrace("fiu_mail-mail-01-sample.blkparse");
  SKIP_IF_NO_SHARED(path);
  ReadResult r = ReadDetected(path, "fiu");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 1025u);  // no final newline: `wc -l` says 1,024
  EXPECT_EQ(s.reads, 997u);
  EXPECT_EQ(s.writes, 28u);
  EXPECT_EQ(s.backwards, 17u);       // out-of-order timestamps pass through
  EXPECT_EQ(s.bytes, 1025u * 4096);  // every FIU record is one 4 KiB page
  EXPECT_EQ(s.max_time, 1919479341);
  EXPECT_EQ(r.records.back().line, 1025u);
}

TEST(SharedTracesTest, FiuMail02) {
  const std::string path = SharedTrace("fiu_mail-mail-02-sample.blkparse");
  SKIP_IF_NO_SHARED(path);
  ReadResult r = ReadDetected(path, "fiu");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 1000u);
  EXPECT_EQ(s.reads, 375u);
  EXPECT_EQ(s.writes, 625u);
  EXPECT_EQ(r.records.front().stream, 4254u);
}

TEST(SharedTracesTest, BlkparseNvmeDmCrypt) {
  const std::string path = SharedTrace("blkparse_nvme_dmcrypt-nvme0n1.blktrace.txt");
  SKIP_IF_NO_SHARED(path);
  ReadResult r = ReadDetected(path, "blkparse");
  Summary s = Summarize(r);
  // The file has 248 Q lines. 23 of them carry no sector: 20 × "Q FWFS
  // [jbd2/dm-4-8]" (journal pre-flushes), 2 × "Q FWS", 1 × "Q FWFSM". The
  // other 225 all have a sector and "+ 8" or more, so 225 records, all
  // writes (RWBS W 10, WS 194, WFS 20, WFSM 1).
  EXPECT_EQ(s.records, 225u);
  EXPECT_EQ(s.writes, 225u);
  EXPECT_EQ(s.reads, 0u);
  // Every other line is skipped: 1,364 event lines - 225, 2 '#' lines, the
  // summary block and "Input file" lines; 1,459 lines in all.
  EXPECT_EQ(r.records.size() + r.skipped, 1459u);
  EXPECT_EQ(s.backwards, 0u);  // this dump happens to be time-sorted
  const TraceRecord& first = r.records.front();
  EXPECT_EQ(first.line, 5u);
  EXPECT_EQ(first.time_ns, 0);
  EXPECT_EQ(first.offset, 763360912ull * 512);
  EXPECT_EQ(first.length, 4096u);
  EXPECT_EQ(first.stream, 1867u);
  EXPECT_EQ(first.device, 259u << 20);
  EXPECT_EQ(r.records.back().line, 1363u);
  EXPECT_EQ(r.records.back().time_ns, 25017676708 - 299);
}

// The Hadoop/CFQ dump is stored xz-compressed and read directly
// (byte_source.h decompresses it on the fly).
TEST(SharedTracesTest, BlkparseHadoopCfqXzCompressed) {
  const std::string xz = SharedTrace("blkparse_hadoop_cfq-blktrace.txt.xz");
  SKIP_IF_NO_SHARED(xz);
  ReadResult r = ReadDetected(xz, "blkparse");
  Summary s = Summarize(r);
  // 50,000 event lines, 15,524 of them Q, every one with a sector and length.
  EXPECT_EQ(s.records, 15524u);
  EXPECT_EQ(s.reads, 80u);
  EXPECT_EQ(s.writes, 15444u);
  EXPECT_EQ(r.skipped, 50000u - 15524u);
  // blkparse merged the per-CPU streams by time when it wrote this file: no
  // record is older than its predecessor (checked with awk over all event
  // lines too). The reader does not sort; unsorted input passes through (see
  // BlkparseReaderTest.OneRecordPerQueueEventInFileOrder).
  EXPECT_EQ(s.backwards, 0u);
  EXPECT_EQ(r.records.front().device, (8u << 20) | 16u);
  EXPECT_EQ(r.records.front().stream, 18615u);
}

// HP Labs SRT binary, stored xz-compressed, read directly. Expected values
// from SOURCES.md and an independent python struct.unpack('>14i') pass.
TEST(SharedTracesTest, HplSrtAjwOneWeek) {
  const std::string path = SharedTrace("disksim-ajw.1week.srt.xz");
  SKIP_IF_NO_SHARED(path);
  ReadResult r = ReadDetected(path, "hpl-srt");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 44519u);
  EXPECT_EQ(s.reads, 27516u);
  EXPECT_EQ(s.writes, 17003u);
  EXPECT_EQ(s.bytes, 263305216u);
  EXPECT_EQ(s.backwards, 0u);
  EXPECT_EQ(r.time_unit, "us");
  EXPECT_EQ(s.max_time, 603064588892000);  // one week: 603,064.6 s
  uint64_t dev0 = 0, dev1 = 0, max_end = 0;
  std::vector<int64_t> response;
  for (const TraceRecord& rec : r.records) {
    (rec.device == 0 ? dev0 : dev1)++;
    max_end = std::max(max_end, rec.offset + rec.length);
    response.push_back(*rec.response_ns);
  }
  EXPECT_EQ(dev0, 42252u);
  EXPECT_EQ(dev1, 2267u);
  // 256-byte sectors (header "sectorsize = 256"): the highest block ends
  // inside the 335 MB disk (113 × 8 × 1449 sectors of 256 bytes).
  EXPECT_EQ(max_end, 1308112ull * 256);
  EXPECT_LE(max_end, 113ull * 8 * 1449 * 256);
  EXPECT_EQ(r.records.front().offset, 1056u * 256);
  EXPECT_EQ(r.records.front().device, 1u);
  std::nth_element(response.begin(), response.begin() + response.size() / 2, response.end());
  EXPECT_EQ(response[response.size() / 2], 32143000);  // enqueue → done, median
}

TEST(SharedTracesTest, TencentCbsUnsortedAndVolumes) {
  const std::string path = SharedTrace("tencent_cbs-cloud_storage-sample.csv");
  SKIP_IF_NO_SHARED(path);
  ReadResult r = ReadDetected(path, "tencent");
  Summary s = Summarize(r);
  EXPECT_EQ(s.records, 50000u);
  EXPECT_EQ(s.reads, 24521u);
  EXPECT_EQ(s.writes, 25479u);
  EXPECT_EQ(s.backwards, 144u);  // rows are not sorted (SOURCES.md)
  EXPECT_EQ(r.time_unit, "s");
  std::set<uint32_t> volumes;
  for (const TraceRecord& rec : r.records) volumes.insert(rec.device);
  EXPECT_EQ(volumes.size(), 2038u);
  // One volume, sorted within a window.
  TraceTransform t;
  t.devices = {1058};
  t.sort_window = 50000;
  absl::StatusOr<std::unique_ptr<TracePipeline>> p = OpenTracePipeline({path}, {}, t);
  ASSERT_TRUE(p.ok()) << p.status();
  TraceRecord rec;
  uint64_t n = 0;
  int64_t prev = 0;
  while (*(*p)->Next(&rec)) {
    ASSERT_EQ(rec.device, 1058u);
    ASSERT_GE(rec.time_ns, prev);
    ASSERT_GE(rec.time_ns, 0);
    prev = rec.time_ns;
    ++n;
  }
  const uint64_t expected = std::count_if(r.records.begin(), r.records.end(),
                                          [](const TraceRecord& x) { return x.device == 1058; });
  EXPECT_EQ(n, expected);
  EXPECT_GT(n, 0u);
  EXPECT_EQ((*p)->stats().late, 0u);
}

TEST(SharedTracesTest, FioT0038Version3) {
  const std::string path = SharedTrace("fio-t0038.iolog");
  SKIP_IF_NO_SHARED(path);
  ReadResult r = ReadDetected(path, "fio-v3");
  Summary s = Summarize(r);
  // 23 action lines: add, open, 10 × (trim 2 GiB, write 4 KiB), close.
  EXPECT_EQ(s.records, 10u);
  EXPECT_EQ(s.writes, 10u);
  EXPECT_EQ(r.skipped, 14u);  // header, add, open, 10 trims, close
  EXPECT_EQ(r.time_unit, "us");
  EXPECT_EQ(r.records.front().time_ns, 0);
  EXPECT_EQ(r.records[1].time_ns, (10782 - 10752) * 1000);
  EXPECT_EQ(r.records[1].offset, 4096u);
}

// Every file in ../shared/traces that is a trace parses, auto-detected, and
// survives a round trip through the native binary format unchanged.
TEST(SharedTracesTest, EveryTraceParsesAndRoundTrips) {
  const std::string dir = SharedTrace("");  // ends in '/'
  SKIP_IF_NO_SHARED(dir + "SOURCES.md");
  const std::map<std::string, std::string> expected = {
      {"msr_hm0-msr-cambridge1-sample.csv", "msr"},
      {"blkparse_hadoop_cfq-blktrace.txt.xz", "blkparse"},
      {"blkparse_nvme_dmcrypt-nvme0n1.blktrace.txt", "blkparse"},
      {"fiu_mail-mail-01-sample.blkparse", "fiu"},
      {"fiu_mail-mail-02-sample.blkparse", "fiu"},
      {"disksim-hp_c2247a.trace", "validate"},
      {"disksim-ajw.1week.srt.xz", "hpl-srt"},
      {"fio-t0038.iolog", "fio-v3"},
      {"mqsim_umass_websearch-wsrch-small.trace", "mqsim"},
      {"tencent_cbs-cloud_storage-sample.csv", "tencent"},
  };
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "SOURCES.md" || name.find(".parv") != std::string::npos ||
        name.find(".diskspecs") != std::string::npos || name.find(".model") != std::string::npos) {
      continue;
    }
    SCOPED_TRACE(name);
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << "new shared trace without an expectation: " << name;
    ++seen;
    ReadResult r = ReadDetected(entry.path().string(), it->second);
    ASSERT_GT(r.records.size(), 0u);
    std::string bytes;
    TraceWriterOptions wo;
    wo.format = "iosched-bin";
    auto w = OpenTraceWriterToString(&bytes, wo);
    ASSERT_TRUE(w.ok());
    for (const TraceRecord& rec : r.records) {
      if (rec.time_ns < 0) continue;  // unsorted input (Tencent): not representable
      ASSERT_TRUE((*w)->Write(rec).ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());
    TraceReadOptions ro;
    ReadResult back = ::iosched::testing::Drain(OpenTraceFromMemory("bin", bytes, ro));
    ASSERT_TRUE(back.status.ok()) << back.status;
    size_t j = 0;
    for (const TraceRecord& rec : r.records) {
      if (rec.time_ns < 0) continue;
      const TraceRecord& b = back.records[j++];
      ASSERT_EQ(b.time_ns, rec.time_ns);
      ASSERT_EQ(b.op, rec.op);
      ASSERT_EQ(b.offset, rec.offset);
      ASSERT_EQ(b.length, rec.length);
      ASSERT_EQ(b.device, rec.device);
      ASSERT_EQ(b.stream, rec.stream);
      ASSERT_EQ(b.response_ns, rec.response_ns);
      ASSERT_EQ(b.think_ns, rec.think_ns);
    }
    EXPECT_EQ(j, back.records.size());
  }
  EXPECT_EQ(seen, expected.size());
}

}  // namespace
}  // namespace iosched
