// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// direct_bench: the real submission path against fio, in the same run.
//
// 4 KiB random O_DIRECT reads over a 1 GiB file, noop elevator, at queue
// depth 1 and 32: `fio --ioengine=io_uring --direct=1` and
// iosched::Scheduler (io_uring back end) on the same file for the same time,
// in the order fio, iosched, iosched, fio; each side's two runs averaged.
// Then the same with registered buffers on both sides (fio --fixedbufs,
// SchedulerOptions::register_pool), which saves pinning pages per I/O, and
// iosched with its submissions batched per dispatcher turn
// (SchedulerOptions::submit_batch = 0, against plain fio): fewer system
// calls, but a batch reaches the disk only when its last transfer does.
// Prints IOPS, CPU time per I/O (user + system, all threads of the process,
// from getrusage / fio's usr_cpu + sys_cpu) and the ratio iosched/fio. The
// target is a ratio >= 0.95 at both depths.
//
// The iosched side is a closed loop: `depth` requests in flight, each
// completion callback (on the dispatcher thread) submits the next random
// read, as fio keeps its queue full.
//
// Environment: IOSCHED_BENCH_DIR (where direct_bench.dat lives; default
// the current directory), IOSCHED_BENCH_SECONDS (per run, default 4; 24 runs). The
// file is created and filled once (about 1 GiB of writes) and reused.
// Without fio the iosched numbers are printed and the comparison skipped.
// Not a test: no assertion, exit status 0 unless the setup fails.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "iosched/buffer_pool.h"
#include "iosched/direct_file.h"
#include "iosched/scheduler.h"

namespace iosched {
namespace {

constexpr uint64_t kFileSize = uint64_t{1} << 30;
constexpr uint32_t kBlock = 4096;

struct Result {
  double iops = 0;
  double cpu_us_per_io = 0;
  uint64_t ios = 0;
};

double CpuSeconds() {
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

bool PrepareFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) >= kFileSize) {
    return true;
  }
  std::fprintf(stderr, "direct_bench: writing %s (1 GiB, once)\n", path.c_str());
  DirectFile::Options o;
  o.writable = true;
  o.create = true;
  absl::StatusOr<DirectFile> f = DirectFile::Open(path, o);
  if (!f.ok()) {
    std::fprintf(stderr, "direct_bench: %s\n", std::string(f.status().message()).c_str());
    return false;
  }
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(1 << 20, 4096);
  if (!buf.ok()) return false;
  for (size_t i = 0; i < buf->size(); ++i) buf->bytes()[i] = static_cast<uint8_t>(i * 31 + 1);
  for (uint64_t off = 0; off < kFileSize; off += buf->size()) {
    if (::pwrite(f->fd(), buf->data(), buf->size(), static_cast<off_t>(off)) !=
        static_cast<ssize_t>(buf->size())) {
      std::perror("direct_bench: pwrite");
      return false;
    }
  }
  return ::fsync(f->fd()) == 0;
}

// The number after `"key" : ` following `after` in fio's JSON.
double JsonNumber(const std::string& json, const std::string& after, const std::string& key) {
  size_t at = json.find(after);
  if (at == std::string::npos) return -1;
  at = json.find("\"" + key + "\"", at);
  if (at == std::string::npos) return -1;
  at = json.find(':', at);
  return std::strtod(json.c_str() + at + 1, nullptr);
}

bool HaveFio() { return std::system("command -v fio >/dev/null 2>&1") == 0; }

bool RunFio(const std::string& path, uint32_t depth, int seconds, bool fixed, Result* out) {
  const std::string cmd = "fio --name=direct_bench --filename=" + path +
                          " --rw=randread --bs=4k --direct=1 --ioengine=io_uring" +
                          std::string(fixed ? " --fixedbufs=1" : "") +
                          " --iodepth=" + std::to_string(depth) +
                          " --size=1G --runtime=" + std::to_string(seconds) +
                          " --time_based --norandommap --randrepeat=0 --output-format=json 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return false;
  std::string json;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) json.append(buf, n);
  const int st = ::pclose(p);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::fprintf(stderr, "direct_bench: fio failed:\n%s\n", json.c_str());
    return false;
  }
  out->iops = JsonNumber(json, "\"read\"", "iops");
  out->ios = static_cast<uint64_t>(JsonNumber(json, "\"read\"", "total_ios"));
  const double runtime_s = JsonNumber(json, "\"jobs\"", "job_runtime") / 1e3;
  const double cpu_pct =
      JsonNumber(json, "\"jobs\"", "usr_cpu") + JsonNumber(json, "\"jobs\"", "sys_cpu");
  out->cpu_us_per_io = out->ios ? cpu_pct / 100 * runtime_s / out->ios * 1e6 : 0;
  return out->iops > 0;
}

bool RunIosched(const std::string& path, uint32_t depth, int seconds, bool fixed,
                uint32_t submit_batch, Result* out) {
  absl::StatusOr<std::unique_ptr<BufferPool>> pool = BufferPool::Create(depth, kBlock, 4096);
  if (!pool.ok()) return false;
  SchedulerOptions o;
  o.elevator = "noop";
  o.depth = depth;
  o.backend = IoBackendKind::kIoUring;
  o.submit_batch = submit_batch;
  if (fixed) o.register_pool = pool->get();
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, o);
  if (!s.ok()) {
    std::fprintf(stderr, "direct_bench: %s\n", std::string(s.status().message()).c_str());
    return false;
  }
  Scheduler& sched = **s;
  if (fixed && !sched.registered_buffers().ok()) {
    std::fprintf(stderr, "direct_bench: %s\n",
                 std::string(sched.registered_buffers().message()).c_str());
    return false;
  }
  std::vector<IoRequest> rq(depth);
  // Callback state behind one pointer, so that the std::function holding
  // the callback stays in its small buffer (no allocation per I/O).
  struct Loop {
    Scheduler* sched;
    std::atomic<bool> stop{false};
    uint64_t rng = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(::getpid());
    uint64_t completed = 0, errors = 0;  // dispatcher thread only
    uint64_t NextOffset() {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      return (rng % (kFileSize / kBlock)) * kBlock;
    }
    absl::Status Submit(IoRequest& r) {
      return sched->Submit(r, [this](IoRequest& done, const absl::Status& st, uint32_t) {
        ++completed;
        if (!st.ok()) ++errors;
        if (stop.load(std::memory_order_relaxed)) return;
        done.offset = NextOffset();
        if (!Submit(done).ok()) ++errors;
      });
    }
  } loop;
  loop.sched = &sched;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i < depth; ++i) {
    rq[i].length = kBlock;
    rq[i].buffer = (*pool)->TryAcquire();
    rq[i].offset = loop.NextOffset();
    if (!loop.Submit(rq[i]).ok()) return false;
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  loop.stop.store(true);
  if (!sched.Drain().ok()) return false;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  sched.Shutdown();
  if (loop.errors != 0) {
    std::fprintf(stderr, "direct_bench: %llu errors\n",
                 static_cast<unsigned long long>(loop.errors));
    return false;
  }
  out->ios = loop.completed;
  out->iops = loop.completed / elapsed;
  out->cpu_us_per_io = loop.completed ? cpu / loop.completed * 1e6 : 0;
  return true;
}

int Main() {
  const char* dir = std::getenv("IOSCHED_BENCH_DIR");
  const std::string path = std::string(dir && *dir ? dir : ".") + "/direct_bench.dat";
  const char* secs_env = std::getenv("IOSCHED_BENCH_SECONDS");
  const int seconds = secs_env && std::atoi(secs_env) > 0 ? std::atoi(secs_env) : 4;
  if (!PrepareFile(path)) {
    std::fprintf(stderr, "direct_bench: cannot prepare %s (O_DIRECT unsupported there?); skipped\n",
                 path.c_str());
    return 0;
  }
  const bool fio = HaveFio();
  std::printf("direct_bench: 4 KiB random O_DIRECT reads, %s (1 GiB), noop, %d s per run\n",
              path.c_str(), seconds);
  if (!fio) std::printf("direct_bench: fio not found: comparison skipped\n");
  std::printf("%-6s %-22s %12s %14s %10s\n", "depth", "engine", "IOPS", "CPU us/IO", "vs fio");
  for (uint32_t depth : {1u, 32u}) {
    // Rows: plain, registered buffers, batched submissions.
    for (int row = 0; row < 3; ++row) {
      const bool fixed = row == 1;
      const uint32_t submit_batch = row == 2 ? 0 : 1;
      // ABBA order (fio, iosched, iosched, fio) and means, so that drift in
      // the machine's load hits both sides alike.
      Result f, s, r;
      bool have_f = fio;
      for (int round = 0; round < 4; ++round) {
        const bool is_fio = round == 0 || round == 3;
        if (is_fio && !have_f) continue;
        if (is_fio ? !RunFio(path, depth, seconds, fixed, &r)
                   : !RunIosched(path, depth, seconds, fixed, submit_batch, &r)) {
          if (!is_fio) {
            if (fixed) break;  // registration refused (RLIMIT_MEMLOCK): skip the row
            return 1;
          }
          have_f = false;
          continue;
        }
        Result& acc = is_fio ? f : s;
        acc.iops += r.iops / 2;
        acc.cpu_us_per_io += r.cpu_us_per_io / 2;
        acc.ios += r.ios;
      }
      if (s.ios == 0) continue;
      if (have_f) {
        std::printf("%-6u %-22s %12.0f %14.2f %10s\n", depth,
                    fixed ? "fio io_uring fixedbufs" : "fio io_uring", f.iops, f.cpu_us_per_io, "");
      }
      char ratio[32] = "";
      if (have_f) std::snprintf(ratio, sizeof(ratio), "%.3f", s.iops / f.iops);
      std::printf("%-6u %-22s %12.0f %14.2f %10s\n", depth,
                  row == 1   ? "iosched registered"
                  : row == 2 ? "iosched batched"
                             : "iosched io_uring",
                  s.iops, s.cpu_us_per_io, ratio);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace iosched

int main() { return iosched::Main(); }
