// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The iosched native binary format and the HP Labs SRT reader on
// hand-built bytes: layout, truncation, absurd values.

#include "binary_formats.h"

#include <cstring>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "iosched/trace.h"
#include "iosched/trace_writer.h"
#include "traces/test_util.h"

namespace iosched {
namespace {

using ::iosched::testing::Message;
using ::iosched::testing::ReadMemory;
using ::iosched::testing::ReadResult;
using ::testing::HasSubstr;
using traces_internal::kNativeBinaryHeaderSize;
using traces_internal::kNativeBinaryRecordSize;

std::string Binary(const std::vector<TraceRecord>& records) {
  std::string out;
  TraceWriterOptions o;
  o.format = "iosched-bin";
  auto w = OpenTraceWriterToString(&out, o);
  EXPECT_TRUE(w.ok());
  for (const TraceRecord& r : records) EXPECT_TRUE((*w)->Write(r).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return out;
}

TraceRecord Rec(int64_t t, TraceOp op, uint64_t off, uint64_t len) {
  TraceRecord r;
  r.time_ns = t;
  r.op = op;
  r.offset = off;
  r.length = len;
  return r;
}

TEST(NativeBinaryTest, LayoutIsAsDocumented) {
  TraceRecord a = Rec(7, TraceOp::kWrite, 4096, 512);
  a.stream = 9;
  a.device = 3;
  a.response_ns = 11;
  const std::string bytes = Binary({a});
  ASSERT_EQ(bytes.size(), kNativeBinaryHeaderSize + kNativeBinaryRecordSize);
  EXPECT_EQ(bytes.substr(0, 8), "IOSCHEDB");
  EXPECT_EQ(traces_internal::LoadLE32(bytes.data() + 8), 1u);
  EXPECT_EQ(traces_internal::LoadLE32(bytes.data() + 12), 48u);
  EXPECT_EQ(traces_internal::LoadLE64(bytes.data() + 24), 1u);  // count patched in
  const char* p = bytes.data() + kNativeBinaryHeaderSize;
  EXPECT_EQ(traces_internal::LoadLE64(p), 7u);
  EXPECT_EQ(traces_internal::LoadLE64(p + 8), 4096u);
  // length 512 | write (bit 48) | stream (49) | response (51)
  EXPECT_EQ(traces_internal::LoadLE64(p + 16), 512u | (1ull << 48) | (1ull << 49) | (1ull << 51));
  EXPECT_EQ(traces_internal::LoadLE64(p + 32), 11u);
  EXPECT_EQ(traces_internal::LoadLE32(p + 40), 9u);
  EXPECT_EQ(traces_internal::LoadLE32(p + 44), 3u);
}

TEST(NativeBinaryTest, RoundTrip) {
  TraceRecord a = Rec(100, TraceOp::kRead, 0, 4096);
  a.think_ns = 5;
  TraceRecord b = Rec(250, TraceOp::kWrite, uint64_t{1} << 45, kMaxTraceRecordLength);
  b.stream = 0;
  ReadResult r = ReadMemory(Binary({a, b}), "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "iosched-bin");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].think_ns, 5);
  EXPECT_FALSE(r.records[0].stream.has_value());
  EXPECT_EQ(r.records[1].time_ns, 150);
  EXPECT_EQ(r.records[1].stream, 0u);
  EXPECT_EQ(r.records[1].length, kMaxTraceRecordLength);
  EXPECT_EQ(r.records[1].line, 2u);
}

TEST(NativeBinaryTest, IoprioRoundTripsInSpareFlagBits) {
  TraceRecord a = Rec(0, TraceOp::kRead, 0, 512);
  a.ioprio = TraceIoPrio{TraceIoClass::kRealTime, 0};
  TraceRecord b = Rec(1, TraceOp::kRead, 512, 512);
  b.ioprio = TraceIoPrio{TraceIoClass::kIdle, 7};
  const TraceRecord c = Rec(2, TraceOp::kWrite, 1024, 512);  // none
  const std::string bytes = Binary({a, b, c});
  ASSERT_EQ(bytes.size(), kNativeBinaryHeaderSize + 3 * kNativeBinaryRecordSize);
  const char* p = bytes.data() + kNativeBinaryHeaderSize;
  // rt:0 = present (52) | class 1 (53-54) | level 0 (55-57)
  EXPECT_EQ(traces_internal::LoadLE64(p + 16), 512u | (1ull << 52) | (1ull << 53));
  // idle:7 = present | class 3 | level 7
  EXPECT_EQ(traces_internal::LoadLE64(p + kNativeBinaryRecordSize + 16),
            512u | (1ull << 52) | (3ull << 53) | (7ull << 55));
  ReadResult r = ReadMemory(bytes, "iosched-bin");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].ioprio, a.ioprio);
  EXPECT_EQ(r.records[1].ioprio, b.ioprio);
  EXPECT_FALSE(r.records[2].ioprio.has_value());
  // Through iosched-csv and back: the same priorities.
  std::string csv;
  auto w = OpenTraceWriterToString(&csv, TraceWriterOptions{});
  ASSERT_TRUE(w.ok());
  for (const TraceRecord& rec : r.records) ASSERT_TRUE((*w)->Write(rec).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_THAT(csv, HasSubstr("response_ns,device,ioprio\n0,R,0,512,,,,0,rt:0\n"));
  EXPECT_THAT(csv, HasSubstr(",idle:7\n2,W,1024,512,,,,0,\n"));
  ReadResult back = ReadMemory(csv, "iosched-csv");
  ASSERT_TRUE(back.status.ok()) << back.status;
  ASSERT_EQ(back.records.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(back.records[i].ioprio, r.records[i].ioprio) << i;
}

// iosched-bin has no bits left for a BFQ group weight: refusing the record
// is better than dropping the weight silently.
TEST(NativeBinaryTest, IoprioWithBfqWeightIsRefused) {
  TraceRecord a = Rec(0, TraceOp::kRead, 0, 512);
  a.ioprio = TraceIoPrio{TraceIoClass::kBestEffort, 4, 200};
  std::string out;
  TraceWriterOptions o;
  o.format = "iosched-bin";
  auto w = OpenTraceWriterToString(&out, o);
  ASSERT_TRUE(w.ok()) << w.status();
  const absl::Status s = (*w)->Write(a);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("iosched-bin has no room for one"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("got be:4/w200"));
}

TEST(NativeBinaryTest, TruncatedRecordAndHeader) {
  std::string bytes = Binary({Rec(1, TraceOp::kRead, 0, 512), Rec(2, TraceOp::kRead, 512, 512)});
  bytes.resize(bytes.size() - 17);
  ReadResult r = ReadMemory(bytes, "iosched-bin");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(Message(r.status),
            "mem: record 2 at byte 80: expected a 48-byte record, got 31 bytes (truncated file)");
  ReadResult skipped = ReadMemory(bytes, "iosched-bin", /*skip_bad_lines=*/true);
  // The partial record and the count mismatch are both reported as bad.
  EXPECT_TRUE(skipped.status.ok()) << skipped.status;
  EXPECT_EQ(skipped.records.size(), 1u);
  EXPECT_EQ(skipped.bad_lines, 1u);

  EXPECT_EQ(Message(ReadMemory(bytes.substr(0, 10), "iosched-bin").status),
            "mem: expected 32 bytes in the iosched-bin header, got 10 bytes (truncated file)");
  std::string wrong = bytes;
  wrong[12] = 40;
  EXPECT_EQ(Message(ReadMemory(wrong, "iosched-bin").status),
            "mem: expected record size 48 in the iosched-bin header, got 40");
  EXPECT_THAT(Message(ReadMemory("NOTMAGIC" + bytes.substr(8), "iosched-bin").status),
              HasSubstr("expected magic 'IOSCHEDB'"));
}

TEST(NativeBinaryTest, MissingRecordsAgainstTheHeaderCount) {
  std::string bytes = Binary({Rec(1, TraceOp::kRead, 0, 512), Rec(2, TraceOp::kRead, 512, 512)});
  bytes.resize(kNativeBinaryHeaderSize + kNativeBinaryRecordSize);  // lost a whole record
  EXPECT_EQ(Message(ReadMemory(bytes, "iosched-bin").status),
            "mem: expected 2 records (as the header says), got 1 (truncated file?)");
}

TEST(NativeBinaryTest, AbsurdValuesAreRejected) {
  std::string bytes = Binary({Rec(1, TraceOp::kRead, 0, 512)});
  char* p = bytes.data() + kNativeBinaryHeaderSize;
  auto with_length_flags = [&](uint64_t v) {
    std::string b = bytes;
    traces_internal::StoreLE64(b.data() + kNativeBinaryHeaderSize + 16, v);
    return Message(ReadMemory(b, "iosched-bin").status);
  };
  EXPECT_EQ(with_length_flags(0), "mem: record 1 at byte 32: expected a length > 0, got 0");
  EXPECT_EQ(with_length_flags(kMaxTraceRecordLength + 1),
            "mem: record 1 at byte 32: expected a length of at most 1 TiB (absurd size), got "
            "1099511627777");
  EXPECT_EQ(with_length_flags(512 | (1ull << 60)),
            "mem: record 1 at byte 32: expected flag bits 58-63 zero, got 0x1000");
  // ioprio present with class 0; ioprio bits without the present bit.
  EXPECT_EQ(with_length_flags(512 | (1ull << 52)),
            "mem: record 1 at byte 32: expected an ioprio class 1-3 (rt, be, idle) in bits 53-54, "
            "got 0");
  EXPECT_EQ(with_length_flags(512 | (1ull << 55)),
            "mem: record 1 at byte 32: expected ioprio bits 53-57 zero when bit 52 (ioprio "
            "present) is clear, got 0x80");
  std::string neg = bytes;
  traces_internal::StoreLE64(neg.data() + kNativeBinaryHeaderSize, static_cast<uint64_t>(-5));
  EXPECT_EQ(Message(ReadMemory(neg, "iosched-bin").status),
            "mem: record 1 at byte 32: expected time_ns >= 0, got -5");
  (void)p;
}

TEST(NativeBinaryTest, EmptyFileIsAnEmptyTrace) {
  ReadResult r = ReadMemory("", "iosched-bin");
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.records.empty());
  // A writer with no records still writes a valid header.
  ReadResult header_only = ReadMemory(Binary({}), "auto");
  EXPECT_TRUE(header_only.status.ok()) << header_only.status;
  EXPECT_TRUE(header_only.records.empty());
}

// ---- HP Labs SRT ----

void PutBE32(std::string* s, int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  const char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16),
                     static_cast<char>(u >> 8), static_cast<char>(u)};
  s->append(b, 4);
}

std::string SrtRecord(int32_t sec, int32_t usec, int32_t stop, int32_t bytes, int32_t block,
                      int32_t disk, int32_t flags) {
  std::string r;
  for (int32_t w : {56, 0x00040001, sec, usec, 10, stop, bytes, block, (8 << 24) | (disk << 8) | 8,
                    4, 0, 0, flags, 1}) {
    PutBE32(&r, w);
  }
  return r;
}

constexpr char kSrtHeader[] =
    "$$TR_IOREC-1.3 (test)\nversion = 1.3;\ndisks = {\n"
    "  0 -> { disktype = hp335h, sectorsize = 256, adaptor = 1 -> { hp_ib, 1.2, 250 },\n"
    "         sections = { 8 -> { \"/\", size = (0 100), blocksize = 8192 } } },\n"
    "  1 -> { disktype = other, sectorsize = 1024 },\n"
    "  2 -> { disktype = nosize }\n"
    "};\n\f";

TEST(SrtReaderTest, RecordsAndPerDiskSectorSizes) {
  std::string data = kSrtHeader;
  data += SrtRecord(5, 250000, 32143, 8192, 1000, 0, 0x10017);  // read
  data += SrtRecord(6, 0, 7000, 1024, 10, 1, 0x2000e);          // write
  data += SrtRecord(6, 500, 100, 512, 3, 2, 0);                 // write, default sector size
  ReadResult r = ReadMemory(data, "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.format, "hpl-srt");
  EXPECT_EQ(r.time_unit, "us");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].time_ns, 0);
  EXPECT_EQ(r.records[0].op, TraceOp::kRead);
  EXPECT_EQ(r.records[0].offset, 1000u * 256);
  EXPECT_EQ(r.records[0].length, 8192u);
  EXPECT_EQ(r.records[0].response_ns, 32143000);
  EXPECT_EQ(r.records[0].device, 0u);
  EXPECT_EQ(r.records[1].time_ns, 750000000);
  EXPECT_EQ(r.records[1].op, TraceOp::kWrite);
  EXPECT_EQ(r.records[1].offset, 10u * 1024);
  EXPECT_EQ(r.records[1].device, 1u);
  EXPECT_EQ(r.records[2].offset, 3u * 512);
  EXPECT_EQ(r.records[2].line, 3u);
}

TEST(SrtReaderTest, Errors) {
  const std::string head = kSrtHeader;
  const uint64_t h = head.size();
  ReadResult trunc = ReadMemory(head + SrtRecord(0, 0, 1, 512, 0, 0, 1).substr(0, 30), "hpl-srt");
  EXPECT_EQ(Message(trunc.status),
            absl::StrCat("mem: record 1 at byte ", h,
                         ": expected a 56-byte record, got 30 bytes (truncated file)"));
  EXPECT_EQ(Message(ReadMemory(head + SrtRecord(0, 1000000, 1, 512, 0, 0, 1), "hpl-srt").status),
            absl::StrCat("mem: record 1 at byte ", h,
                         ": expected enqueue microseconds 0..999999 (word 3), got 1000000"));
  EXPECT_EQ(
      Message(ReadMemory(head + SrtRecord(0, 0, 1, 0, 0, 0, 1), "hpl-srt").status),
      absl::StrCat("mem: record 1 at byte ", h, ": expected a length > 0 bytes (word 6), got 0"));
  EXPECT_EQ(Message(ReadMemory(head + SrtRecord(-1, 0, 1, 512, 0, 0, 1), "hpl-srt").status),
            absl::StrCat("mem: record 1 at byte ", h,
                         ": expected enqueue seconds >= 0 (word 2), got -1"));
  EXPECT_THAT(Message(ReadMemory("$$TR_IOREC no form feed", "hpl-srt").status),
              HasSubstr("expected the SRT header to end with a form feed"));
  EXPECT_THAT(Message(ReadMemory("hello\f", "hpl-srt").status),
              HasSubstr("expected an SRT header starting '$$TR_IOREC'"));
  EXPECT_THAT(
      Message(ReadMemory("$$TR_IOREC\ndisks = { 0 -> { sectorsize = 0 } };\f", "hpl-srt").status),
      HasSubstr("expected a sectorsize of 1..65536 bytes in the SRT header, got '0'"));
  ReadResult skip =
      ReadMemory(head + SrtRecord(0, 0, 1, 0, 0, 0, 1) + SrtRecord(0, 5, 1, 512, 0, 0, 1),
                 "hpl-srt", /*skip_bad_lines=*/true);
  ASSERT_TRUE(skip.status.ok()) << skip.status;
  EXPECT_EQ(skip.records.size(), 1u);
  EXPECT_EQ(skip.bad_lines, 1u);
}

// Issue 18, defect 3: the header shown in the error was a view into a
// destroyed temporary (freed heap bytes in the message). 16 zero bytes must
// come out as 16 escaped zeros.
TEST(SrtReaderTest, BadMagicShowsTheHeaderBytes) {
  std::string expected;
  for (int i = 0; i < 16; ++i) expected += "\\x00";
  EXPECT_EQ(
      Message(ReadMemory(std::string(4096, '\0'), "hpl-srt").status),
      absl::StrCat("mem: expected an SRT header starting '$$TR_IOREC', got '", expected, "'"));
}

// Found by fuzz_auto: a disk number that does not parse ("1[") must not
// index the sector-size table (it used to wrap to 2^32 - 1).
TEST(SrtReaderTest, UnparsableDiskNumberInTheHeaderIsIgnored) {
  std::string data =
      "$$TR_IOREC&1.3 seed\ndisks = {\n 0 -> { sectorsize = 256 },\n 1[-> { sectorsize = 1024 "
      "} };\n\f";
  data += SrtRecord(0, 0, 1, 512, 3, 1, 1);
  ReadResult r = ReadMemory(data, "auto");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].offset, 3u * 512);  // disk 1 has no usable sectorsize: 512
}

}  // namespace
}  // namespace iosched
