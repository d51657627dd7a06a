// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace parsing throughput, records per second on one core, for every
// readable format, reading a 1,000,000-record file from the page cache
// (files are written once into the temp directory, then each benchmark
// opens and reads the whole file per iteration).
//
// Baselines, measured in the same run:
//   BM_RawLineSplit  read(2) + memchr('\n') over the MSR file: the floor for
//                    any line-oriented reader (no parsing at all);
//   BM_RawRead       read(2) of the native binary file, no decoding.
// At the end the ratio of every format's records/s to the baseline's lines
// (or records) /s is printed.
//
// BM_DiskSimLine/strict and /fast parse the DiskSim file's lines from memory
// with the strict parser alone and with the reader's one-pass fast path in
// front of it (disksim_line.h); their ratio is printed too.
//
// Targets (issue 7): text formats >= 5 M records/s, iosched-bin >= 30 M.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "disksim_line.h"
#include "iosched/trace.h"
#include "iosched/trace_writer.h"

namespace iosched {
namespace {

constexpr int kRecords = 1'000'000;

std::string Dir() {
  const char* t = std::getenv("TMPDIR");
  return std::string(t != nullptr ? t : "/tmp") + "/iosched_trace_bench_" +
         std::to_string(::getpid());
}

struct Fixture {
  std::map<std::string, std::string> files;  // format -> path
  std::string csv_mapping = "time=1:us,op=2:R/W,offset=3:B,size=4:B,stream=5";
  ~Fixture() {
    for (const auto& [f, p] : files) std::remove(p.c_str());
    ::rmdir(Dir().c_str());
  }
};

// Records that look like a real trace: mostly 4-64 KiB, random offsets,
// growing times, a few streams.
std::vector<TraceRecord> SampleRecords() {
  std::mt19937_64 rng(7);
  std::vector<TraceRecord> v(kRecords);
  int64_t t = 0;
  for (int i = 0; i < kRecords; ++i) {
    TraceRecord& r = v[i];
    t += 1000 + static_cast<int64_t>(rng() % 100000);
    r.time_ns = t;
    r.op = rng() % 3 == 0 ? TraceOp::kWrite : TraceOp::kRead;
    r.offset = (rng() % (uint64_t{1} << 28)) * 512;
    r.length = (1 + rng() % 128) * 512;
    r.stream = static_cast<uint32_t>(1000 + rng() % 16);
    r.response_ns = 100000 + static_cast<int64_t>(rng() % 1000000);
    r.line = i + 1;
  }
  return v;
}

void WriteText(const std::string& path, const std::vector<TraceRecord>& v,
               const std::function<int(char*, size_t, const TraceRecord&)>& line) {
  FILE* f = std::fopen(path.c_str(), "w");
  char buf[512];
  for (const TraceRecord& r : v) std::fwrite(buf, 1, line(buf, sizeof(buf), r), f);
  std::fclose(f);
}

Fixture* g_fixture = nullptr;

Fixture& GetFixture() {
  if (g_fixture != nullptr) return *g_fixture;
  g_fixture = [] {
    auto* fx = new Fixture;
    ::mkdir(Dir().c_str(), 0755);
    const std::vector<TraceRecord> v = SampleRecords();
    for (const char* fmt :
         {"iosched-csv", "iosched-bin", "spc", "blkparse", "disksim", "fio-v2", "fio-v3"}) {
      const std::string path = Dir() + "/" + fmt;
      TraceWriterOptions o;
      o.format = fmt;
      auto w = OpenTraceWriter(path, o);
      for (const TraceRecord& r : v) (void)(*w)->Write(r);
      (void)(*w)->Finish();
      fx->files[fmt] = path;
    }
    const std::string base = Dir() + "/";
    WriteText(base + "msr", v, [](char* b, size_t n, const TraceRecord& r) {
      return std::snprintf(b, n, "%" PRId64 ",hm,0,%s,%" PRIu64 ",%" PRIu64 ",%" PRId64 "\n",
                           128166385295514663 + r.time_ns / 100,
                           r.op == TraceOp::kRead ? "Read" : "Write", r.offset, r.length,
                           *r.response_ns / 100);
    });
    WriteText(base + "fiu", v, [](char* b, size_t n, const TraceRecord& r) {
      return std::snprintf(
          b, n,
          "%" PRId64 " %u nfsd %" PRIu64 " %" PRIu64 " %c 6 0 b5e9f4e5ab62a4fff5313a606b0ad4e3\n",
          r.time_ns, *r.stream, r.offset / 512, r.length / 512, r.op == TraceOp::kRead ? 'R' : 'W');
    });
    WriteText(base + "mqsim", v, [](char* b, size_t n, const TraceRecord& r) {
      return std::snprintf(b, n, "%" PRId64 " 0 %" PRIu64 " %" PRIu64 " %d\n", r.time_ns,
                           r.offset / 512, r.length / 512, r.op == TraceOp::kRead ? 1 : 0);
    });
    WriteText(base + "validate", v, [](char* b, size_t n, const TraceRecord& r) {
      return std::snprintf(b, n, "%c Miss %" PRIu64 " %" PRIu64 " %" PRId64 ".%03d 12.500\n",
                           r.op == TraceOp::kRead ? 'R' : 'W', r.offset / 512, r.length / 512,
                           *r.response_ns / 1000, static_cast<int>(*r.response_ns % 1000));
    });
    WriteText(base + "tencent", v, [](char* b, size_t n, const TraceRecord& r) {
      return std::snprintf(b, n, "%" PRId64 ",%" PRIu64 ",%" PRIu64 ",%d,%u\n",
                           1538323200 + r.time_ns / 1000000000, r.offset / 512, r.length / 512,
                           r.op == TraceOp::kRead ? 0 : 1, *r.stream);
    });
    WriteText(base + "csv", v, [](char* b, size_t n, const TraceRecord& r) {
      return std::snprintf(b, n, "%" PRId64 ",%c,%" PRIu64 ",%" PRIu64 ",%u\n", r.time_ns / 1000,
                           r.op == TraceOp::kRead ? 'R' : 'W', r.offset, r.length, *r.stream);
    });
    // HP SRT: header, then 56-byte big-endian records.
    {
      std::string data = "$$TR_IOREC-1.3 bench\ndisks = { 0 -> { sectorsize = 512 } };\n\f";
      auto be = [&](int32_t x) {
        const uint32_t u = static_cast<uint32_t>(x);
        const char c[4] = {char(u >> 24), char(u >> 16), char(u >> 8), char(u)};
        data.append(c, 4);
      };
      for (const TraceRecord& r : v) {
        const int64_t us = r.time_ns / 1000;
        for (int32_t w : {56, 0x00040001, int32_t(us / 1000000), int32_t(us % 1000000), 10,
                          int32_t(*r.response_ns / 1000), int32_t(r.length),
                          int32_t(r.offset / 512 % (1u << 30)), 8 << 24, 4, 0, 0,
                          r.op == TraceOp::kRead ? 1 : 0, 1}) {
          be(w);
        }
      }
      FILE* f = std::fopen((base + "hpl-srt").c_str(), "w");
      std::fwrite(data.data(), 1, data.size(), f);
      std::fclose(f);
    }
    for (const char* fmt : {"msr", "fiu", "mqsim", "validate", "tencent", "csv", "hpl-srt"}) {
      fx->files[fmt] = base + fmt;
    }
    return fx;
  }();
  return *g_fixture;
}

void BM_Read(benchmark::State& state, const char* format) {
  Fixture& fx = GetFixture();
  TraceReadOptions o;
  o.format = format;
  if (std::string(format) == "csv") o.csv_mapping = fx.csv_mapping;
  uint64_t total = 0;
  for (auto _ : state) {
    auto reader = OpenTrace(fx.files.at(format), o);
    if (!reader.ok()) {
      state.SkipWithError(std::string(reader.status().message()).c_str());
      return;
    }
    TraceRecord rec;
    uint64_t n = 0;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&rec);
      if (!more.ok()) {
        state.SkipWithError(std::string(more.status().message()).c_str());
        return;
      }
      if (!*more) break;
      ++n;
    }
    benchmark::DoNotOptimize(rec);
    total += n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}

// read(2) + memchr over the MSR file: lines per second with no parsing.
void BM_RawLineSplit(benchmark::State& state) {
  Fixture& fx = GetFixture();
  std::vector<char> buf(256 * 1024);
  uint64_t total = 0;
  for (auto _ : state) {
    int fd = ::open(fx.files.at("msr").c_str(), O_RDONLY);
    uint64_t lines = 0;
    ssize_t n;
    while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
      const char* p = buf.data();
      const char* end = p + n;
      while ((p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr) {
        ++lines;
        ++p;
      }
    }
    ::close(fd);
    total += lines;
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}

// read(2) of the native binary file: records per second of pure I/O.
void BM_RawRead(benchmark::State& state) {
  Fixture& fx = GetFixture();
  std::vector<char> buf(768 * 1024);
  uint64_t total = 0;
  for (auto _ : state) {
    int fd = ::open(fx.files.at("iosched-bin").c_str(), O_RDONLY);
    uint64_t bytes = 0;
    ssize_t n;
    while ((n = ::read(fd, buf.data(), buf.size())) > 0) bytes += static_cast<uint64_t>(n);
    ::close(fd);
    total += (bytes - 32) / 48;
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}

// The DiskSim file's lines parsed from memory: arg 0 the strict parser
// alone, arg 1 the fast path with the strict parser behind it (as read).
void BM_DiskSimLine(benchmark::State& state) {
  Fixture& fx = GetFixture();
  std::string text;
  {
    std::FILE* f = std::fopen(fx.files.at("disksim").c_str(), "rb");
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  std::vector<std::string_view> lines;
  for (size_t b = 0, e; (e = text.find('\n', b)) != std::string::npos; b = e + 1) {
    if (e > b && text[b] != '#') lines.emplace_back(text.data() + b, e - b);
  }
  const bool fast = state.range(0) == 1;
  const traces_internal::LineContext ctx{.path = "bench"};
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (std::string_view line : lines) {
      TraceRecord rec;
      traces_internal::LineKind kind;
      if (!(fast && traces_internal::ParseDiskSimLineFast(line, &rec)) &&
          !traces_internal::ParseDiskSimLineStrict(line, ctx, &rec, &kind).ok()) {
        state.SkipWithError("a line did not parse");
        return;
      }
      bytes += rec.length;
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines.size()));
}

BENCHMARK(BM_DiskSimLine)->ArgName("fast")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawLineSplit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawRead)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, msr, "msr")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, spc, "spc")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, blkparse, "blkparse")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, fio_v2, "fio-v2")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, fio_v3, "fio-v3")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, disksim, "disksim")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, mqsim, "mqsim")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, validate, "validate")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, tencent, "tencent")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, fiu, "fiu")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, iosched_csv, "iosched-csv")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, csv, "csv")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, hpl_srt, "hpl-srt")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, iosched_bin, "iosched-bin")->Unit(benchmark::kMillisecond);

// Prints records/s and the ratio to the baseline of the same run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (r.iterations > 0 && it != r.counters.end()) rate_[r.benchmark_name()] = it->second;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double lines = rate_["BM_RawLineSplit"], raw = rate_["BM_RawRead"];
    std::printf("\nrecords/s per format (one core), vs baselines measured in this run:\n");
    for (const auto& [name, rate] : rate_) {
      if (name.rfind("BM_Read/", 0) != 0) continue;
      const bool binary = name == "BM_Read/iosched_bin" || name == "BM_Read/hpl_srt";
      const double base = binary ? raw : lines;
      const double target = name == "BM_Read/iosched_bin" ? 30e6 : 5e6;
      std::printf("  %-22s %7.2f M rec/s  %5.2fx of %-13s target %4.0f M  %s\n", name.c_str() + 8,
                  rate / 1e6, base > 0 ? rate / base : 0.0, binary ? "raw read" : "line split",
                  target / 1e6, rate >= target ? "met" : "MISSED");
    }
    std::printf("  baselines: raw line split %.1f M lines/s, raw read %.1f M records/s\n",
                lines / 1e6, raw / 1e6);
    const double strict = rate_["BM_DiskSimLine/fast:0"], fast = rate_["BM_DiskSimLine/fast:1"];
    if (strict > 0 && fast > 0) {
      std::printf(
          "  disksim lines from memory: strict parser %.1f M/s, fast path %.1f M/s (%.2fx)\n",
          strict / 1e6, fast / 1e6, fast / strict);
    }
  }

 private:
  std::map<std::string, double> rate_;
};

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  iosched::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  delete iosched::g_fixture;  // removes the files
  return 0;
}
