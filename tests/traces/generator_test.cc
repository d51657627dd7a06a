// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_generator.h"
#include "iosched/trace_writer.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadMemory;
using ::iosched::testing::ReadResult;
using ::testing::HasSubstr;

std::string Generate(std::string_view scenario, const GeneratorOptions& o) {
  absl::StatusOr<std::unique_ptr<TraceReader>> gen = MakeGenerator(scenario, o);
  EXPECT_TRUE(gen.ok()) << gen.status();
  std::string out;
  auto w = OpenTraceWriterToString(&out, TraceWriterOptions{});
  TraceRecord rec;
  while (*(*gen)->Next(&rec)) EXPECT_TRUE((*w)->Write(rec).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return out;
}

class GeneratorScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratorScenarioTest, NativeReaderAcceptsItAndSeedsAreDeterministic) {
  GeneratorOptions o;
  o.requests = 2000;
  o.seed = 42;
  const std::string a = Generate(GetParam(), o);
  const std::string b = Generate(GetParam(), o);
  EXPECT_EQ(a, b);
  o.seed = 43;
  const std::string c = Generate(GetParam(), o);
  // fair-streams: purely sequential except think jitter; the first 2000
  // records of interactive-vs-readers are its two readers' (no think time).
  // weighted-readers and prio-classes: greedy sequential readers, no think.
  if (GetParam() != "fair-streams" && GetParam() != "interactive-vs-readers" &&
      GetParam() != "weighted-readers" && GetParam() != "prio-classes") {
    EXPECT_NE(a, c);
  }
  ReadResult r = ReadMemory(a, "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "iosched-csv");
  ASSERT_EQ(r.records.size(), 2000u);
  int64_t prev = 0;
  for (const TraceRecord& rec : r.records) {
    ASSERT_TRUE(rec.stream.has_value());
    ASSERT_TRUE(rec.think_ns.has_value());
    ASSERT_GE(rec.time_ns, prev);  // emitted in time order
    prev = rec.time_ns;
    ASSERT_LE(rec.offset + rec.length, o.capacity);
    ASSERT_EQ(rec.offset % 512, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(All, GeneratorScenarioTest,
                         ::testing::Values("dependent-readers-vs-writer", "random-readers",
                                           "fair-streams", "mixed", "interactive-vs-readers",
                                           "weighted-readers", "prio-classes",
                                           "reader-vs-writeback"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(Generator, InteractiveVsReadersStartsTheNewcomerAfterFifteenSeconds) {
  GeneratorOptions o;
  o.requests = 16000;
  ReadResult r = ReadMemory(Generate("interactive-vs-readers", o), "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  std::map<uint32_t, std::vector<TraceRecord>> by_stream;
  for (const TraceRecord& rec : r.records) by_stream[*rec.stream].push_back(rec);
  ASSERT_EQ(by_stream.size(), 3u);
  const auto& inter = by_stream[3];
  ASSERT_EQ(inter.size(), 64u);
  EXPECT_EQ(inter.front().time_ns, 15'000'000'000);
  for (const TraceRecord& rec : inter) {
    EXPECT_EQ(rec.op, TraceOp::kRead);
    EXPECT_EQ(rec.length, 16384u);
    EXPECT_EQ(rec.offset % 4096, 0u);
    EXPECT_EQ(*rec.think_ns, 0);
  }
  // The readers: sequential 64 KiB reads in their own regions, no think.
  for (uint32_t s : {1u, 2u}) {
    const auto& v = by_stream[s];
    ASSERT_GT(v.size(), 7500u);
    for (size_t i = 1; i < 100; ++i) EXPECT_EQ(v[i].offset, v[i - 1].offset + 65536);
    EXPECT_EQ(*v[0].think_ns, 0);
  }
  EXPECT_NE(by_stream[1][0].offset, by_stream[2][0].offset);
}

TEST(GeneratorTest, DependentReadersVsWriterShape) {
  GeneratorOptions o;
  o.requests = 3000;
  o.streams = 3;
  ReadResult r = ReadMemory(Generate("dependent-readers-vs-writer", o), "iosched-csv");
  ASSERT_TRUE(r.status.ok());
  std::map<uint32_t, std::vector<const TraceRecord*>> by_stream;
  for (const TraceRecord& rec : r.records) by_stream[*rec.stream].push_back(&rec);
  ASSERT_EQ(by_stream.size(), 4u);  // 3 readers + 1 writer
  for (uint32_t s = 1; s <= 3; ++s) {
    const auto& v = by_stream[s];
    for (size_t i = 0; i < v.size(); ++i) {
      ASSERT_EQ(v[i]->op, TraceOp::kRead);
      ASSERT_EQ(v[i]->length, 16384u);
      ASSERT_GE(*v[i]->think_ns, 50000);  // think in [50, 150) µs
      ASSERT_LT(*v[i]->think_ns, 150000);
      if (i > 0) {
        ASSERT_EQ(v[i]->offset, v[i - 1]->offset + v[i - 1]->length);  // sequential
      }
    }
  }
  for (const TraceRecord* w : by_stream[4]) {
    ASSERT_EQ(w->op, TraceOp::kWrite);
    ASSERT_EQ(w->length, 65536u);
    ASSERT_EQ(*w->think_ns, 0);
  }
}

TEST(GeneratorTest, MixedReadPercentAndRandomAlignment) {
  GeneratorOptions o;
  o.requests = 10000;
  o.read_percent = 30;
  ReadResult r = ReadMemory(Generate("mixed", o), "iosched-csv");
  ASSERT_TRUE(r.status.ok());
  uint64_t reads = 0;
  for (const TraceRecord& rec : r.records) reads += rec.op == TraceOp::kRead;
  EXPECT_GT(reads, 2500u);
  EXPECT_LT(reads, 3500u);
  GeneratorOptions rr;
  rr.requests = 1000;
  ReadResult rnd = ReadMemory(Generate("random-readers", rr), "iosched-csv");
  for (const TraceRecord& rec : rnd.records) ASSERT_EQ(rec.offset % 4096, 0u);
}

// The priority scenarios carry their streams' ioprio through the CSV.
TEST(GeneratorTest, PriorityScenariosCarryIoprioPerStream) {
  GeneratorOptions o;
  o.requests = 300;
  ReadResult w = ReadMemory(Generate("weighted-readers", o), "iosched-csv");
  ASSERT_TRUE(w.status.ok()) << w.status;
  for (const TraceRecord& rec : w.records) {
    ASSERT_TRUE(rec.ioprio.has_value());
    EXPECT_EQ(rec.ioprio->io_class, TraceIoClass::kBestEffort);
    EXPECT_EQ(rec.ioprio->level, *rec.stream == 1 ? 0 : 4);
  }
  // --weights: every reader be:4 with its BFQ group weight, cycling; the
  // stream count follows the weights unless given.
  GeneratorOptions wo = o;
  wo.weights = {100, 200, 300};
  ReadResult ww = ReadMemory(Generate("weighted-readers", wo), "iosched-csv");
  ASSERT_TRUE(ww.status.ok()) << ww.status;
  std::vector<uint32_t> seen(4, 0);
  for (const TraceRecord& rec : ww.records) {
    ASSERT_TRUE(rec.ioprio.has_value());
    ASSERT_LE(*rec.stream, 3u);
    ++seen[*rec.stream];
    EXPECT_EQ(rec.ioprio, (TraceIoPrio{TraceIoClass::kBestEffort, 4,
                                       static_cast<uint16_t>(100 * *rec.stream)}));
  }
  EXPECT_GT(seen[3], 0u);
  wo.streams = 4;
  ReadResult w4 = ReadMemory(Generate("weighted-readers", wo), "iosched-csv");
  ASSERT_TRUE(w4.status.ok()) << w4.status;
  for (const TraceRecord& rec : w4.records) {
    if (*rec.stream == 4) {
      EXPECT_EQ(rec.ioprio->weight, 100);
    }
  }
  ReadResult p = ReadMemory(Generate("prio-classes", o), "iosched-csv");
  ASSERT_TRUE(p.status.ok()) << p.status;
  const TraceIoClass want[] = {TraceIoClass::kRealTime, TraceIoClass::kBestEffort,
                               TraceIoClass::kIdle};
  for (const TraceRecord& rec : p.records) {
    ASSERT_TRUE(rec.ioprio.has_value());
    EXPECT_EQ(rec.ioprio->io_class, want[*rec.stream - 1]);
  }
  ReadResult k = ReadMemory(Generate("reader-vs-writeback", o), "iosched-csv");
  ASSERT_TRUE(k.status.ok()) << k.status;
  for (const TraceRecord& rec : k.records) {
    EXPECT_FALSE(rec.ioprio.has_value());
    EXPECT_EQ(rec.op, *rec.stream == 1 ? TraceOp::kRead : TraceOp::kWrite);
    EXPECT_EQ(rec.length, *rec.stream == 1 ? 4096u : 65536u);
  }
}

TEST(GeneratorTest, BadInputNamesTheValue) {
  GeneratorOptions o;
  EXPECT_EQ(Message(ValidateGenerator("dependent-readers", o)),
            "unknown scenario 'dependent-readers'; known: dependent-readers-vs-writer, "
            "random-readers, fair-streams, mixed, interactive-vs-readers, weighted-readers, "
            "prio-classes, reader-vs-writeback");
  o.requests = 0;
  EXPECT_THAT(Message(ValidateGenerator("mixed", o)), HasSubstr("--requests must be in"));
  o = {};
  o.weights = {100, 1001};
  EXPECT_EQ(Message(ValidateGenerator("weighted-readers", o)),
            "--weights: each weight must be in [1, 1000] (io.bfq.weight), got 1001");
  o.weights = {0};
  EXPECT_THAT(Message(ValidateGenerator("weighted-readers", o)), HasSubstr("got 0"));
  o.weights = {100};
  EXPECT_EQ(Message(ValidateGenerator("mixed", o)),
            "--weights applies to weighted-readers only, not mixed");
  o = {};
  o.streams = 5000;
  EXPECT_THAT(Message(ValidateGenerator("mixed", o)), HasSubstr("got 5000"));
  o = {};
  o.read_size = 1000;
  EXPECT_THAT(Message(ValidateGenerator("mixed", o)), HasSubstr("--read-size must be"));
  o = {};
  o.capacity = 1 << 20;
  o.streams = 64;
  EXPECT_THAT(Message(ValidateGenerator("fair-streams", o)), HasSubstr("too small for 64 streams"));
  o = {};
  o.writers = 2;
  EXPECT_THAT(
      Message(ValidateGenerator("random-readers", o)),
      HasSubstr("--writers applies to dependent-readers-vs-writer and reader-vs-writeback only"));
  o = {};
  o.read_percent = 101;
  EXPECT_THAT(Message(ValidateGenerator("mixed", o)), HasSubstr("got 101"));
  EXPECT_FALSE(MakeGenerator("nope", {}).ok());
}

}  // namespace
}  // namespace iosched
