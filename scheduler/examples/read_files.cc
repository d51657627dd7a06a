// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// read_files: reads many files with O_DIRECT through one iosched::Scheduler
// and prints each file's size and checksum, the I/O back end and the
// throughput. It links the installed library (find_package(iosched)).
//
//   read_files [--elevator SPEC] [--depth N] [--chunk BYTES] FILE...
//
// Every file is cut into chunks; all chunks of all files are submitted from
// this thread (at most --depth × 2 buffers in use, from a BufferPool), and
// the elevator orders and merges them. A file on a file system without
// O_DIRECT is read buffered, and the program says so (the library never
// falls back on its own).

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "iosched/buffer_pool.h"
#include "iosched/direct_file.h"
#include "iosched/scheduler.h"

namespace {

struct FileState {
  std::unique_ptr<iosched::DirectFile> file;
  uint64_t bytes = 0;     // bytes read so far
  uint64_t checksum = 0;  // order-independent: sum of per-chunk hashes
  int errors = 0;
};

// A chunk in flight: the request and where its result goes.
struct Chunk {
  iosched::IoRequest rq;
  FileState* owner = nullptr;
};

uint64_t HashChunk(const uint8_t* p, size_t n, uint64_t offset) {
  uint64_t h = 1469598103934665603ull ^ (offset * 0x9E3779B97F4A7C15ull);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

int Usage() {
  std::fprintf(stderr, "usage: read_files [--elevator SPEC] [--depth N] [--chunk BYTES] FILE...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  iosched::SchedulerOptions options;
  options.elevator = "deadline";
  options.depth = 16;
  uint64_t chunk = 256 << 10;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--elevator" && i + 1 < argc) {
      options.elevator = argv[++i];
    } else if (a == "--depth" && i + 1 < argc) {
      options.depth = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--chunk" && i + 1 < argc) {
      chunk = std::strtoull(argv[++i], nullptr, 10);
    } else if (!a.empty() && a[0] == '-') {
      return Usage();
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty() || chunk == 0 || options.depth == 0) return Usage();

  std::vector<FileState> files(paths.size());
  uint32_t align = 1;
  for (size_t i = 0; i < paths.size(); ++i) {
    absl::StatusOr<iosched::DirectFile> f = iosched::DirectFile::Open(paths[i], {});
    if (!f.ok() && f.status().code() == absl::StatusCode::kFailedPrecondition) {
      std::fprintf(stderr, "read_files: %s; reading it buffered\n",
                   std::string(f.status().message()).c_str());
      iosched::DirectFile::Options buffered;
      buffered.buffered = true;
      f = iosched::DirectFile::Open(paths[i], buffered);
    }
    if (!f.ok()) {
      std::fprintf(stderr, "read_files: %s\n", std::string(f.status().message()).c_str());
      return 1;
    }
    align = std::max({align, f->alignment().offset, f->alignment().memory});
    files[i].file = std::make_unique<iosched::DirectFile>(std::move(*f));
  }
  chunk = (chunk + align - 1) / align * align;

  // The pool is created first (it must outlive the scheduler) and handed to
  // it for registration with io_uring: reads into it skip page pinning.
  const size_t nbuf = size_t{options.depth} * 2;
  absl::StatusOr<std::unique_ptr<iosched::BufferPool>> pool =
      iosched::BufferPool::Create(nbuf, chunk, std::max<uint32_t>(align, 4096));
  if (!pool.ok()) {
    std::fprintf(stderr, "read_files: %s\n", std::string(pool.status().message()).c_str());
    return 1;
  }
  options.register_pool = pool->get();
  absl::StatusOr<std::unique_ptr<iosched::Scheduler>> sched = iosched::Scheduler::Create(options);
  if (!sched.ok()) {
    std::fprintf(stderr, "read_files: %s\n", std::string(sched.status().message()).c_str());
    return 2;
  }
  iosched::Scheduler& s = **sched;
  iosched::BufferPool& buffers = **pool;
  std::vector<Chunk> chunks(nbuf);  // one per buffer, recycled with it
  std::vector<Chunk*> free_chunks;
  std::mutex mu;  // guards free_chunks
  for (Chunk& c : chunks) free_chunks.push_back(&c);

  const auto start = std::chrono::steady_clock::now();
  uint64_t submitted = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    FileState& fs = files[i];
    for (uint64_t off = 0; off < fs.file->size(); off += chunk) {
      void* buf = buffers.Acquire();  // blocks until a chunk completes
      Chunk* c;
      {
        std::lock_guard<std::mutex> lock(mu);
        c = free_chunks.back();
        free_chunks.pop_back();
      }
      c->owner = &fs;
      c->rq.file = fs.file.get();
      c->rq.op = iosched::Op::kRead;
      c->rq.offset = off;
      c->rq.length = static_cast<uint32_t>(chunk);  // the last one reads short at EOF
      c->rq.buffer = buf;
      c->rq.stream = static_cast<uint32_t>(i);
      c->rq.id = submitted++;
      absl::Status st = s.Submit(
          c->rq, [&, c](iosched::IoRequest& rq, const absl::Status& status, uint32_t bytes) {
            // Runs on the scheduler's thread.
            FileState& owner = *c->owner;
            if (status.ok()) {
              owner.bytes += bytes;
              owner.checksum += HashChunk(static_cast<uint8_t*>(rq.buffer), bytes, rq.offset);
            } else {
              ++owner.errors;
              std::fprintf(stderr, "read_files: %s\n", std::string(status.message()).c_str());
            }
            buffers.Release(rq.buffer);
            std::lock_guard<std::mutex> lock(mu);
            free_chunks.push_back(c);
          });
      if (!st.ok()) {
        std::fprintf(stderr, "read_files: %s\n", std::string(st.message()).c_str());
        return 1;
      }
    }
  }
  if (absl::Status st = s.Drain(); !st.ok()) {
    std::fprintf(stderr, "read_files: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t total = 0;
  int errors = 0;
  for (const FileState& fs : files) {
    std::printf("%016" PRIx64 "  %12" PRIu64 "  %s%s\n", fs.checksum, fs.bytes,
                fs.file->path().c_str(), fs.file->direct() ? "" : "  (buffered)");
    total += fs.bytes;
    errors += fs.errors;
    if (fs.bytes != fs.file->size()) ++errors;
  }
  std::printf("%zu files, %" PRIu64 " bytes in %" PRIu64
              " requests, %.1f MB/s, elevator %s, "
              "back end %s%s%s, buffers %s\n",
              files.size(), total, submitted, secs > 0 ? total / secs / 1e6 : 0.0,
              options.elevator.c_str(), std::string(iosched::IoBackendName(s.backend())).c_str(),
              s.fallback_reason().empty() ? "" : " (io_uring unavailable: ",
              s.fallback_reason().empty() ? "" : (s.fallback_reason() + ")").c_str(),
              s.registered_buffers().ok() ? "registered" : "not registered");
  s.Shutdown();
  return errors == 0 ? 0 : 1;
}
