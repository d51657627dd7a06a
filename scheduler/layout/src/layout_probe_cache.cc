// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SystemLayoutProbe: per-request answers over the real filesystem, cached
// per file and invalidated when the file's size or mtime changes.

#include <cerrno>
#include <mutex>
#include <unordered_map>

#include "iosched/layout_probe.h"

namespace iosched {

struct SystemLayoutProbe::Impl {
  struct FileId {
    uint64_t dev, ino;
    bool operator==(const FileId&) const = default;
  };
  struct FileIdHash {
    size_t operator()(const FileId& f) const {
      return static_cast<size_t>(f.dev * 0x9E3779B97F4A7C15ull ^ f.ino);
    }
  };
  struct Entry {
    FileStat stat;  // the version the answers below belong to
    uint32_t block_size = 0;
    int block_size_error = -1;  // -1: not asked yet
    // FIBMAP: a failure that holds for the whole file (EPERM, EINVAL, …),
    // else the answers asked for so far: logical block -> physical block.
    ProbeFailure fibmap_failure = ProbeFailure::kNone;
    int fibmap_error = 0;
    std::unordered_map<uint64_t, uint64_t> fibmap;
    // FIEMAP: the whole map, made on first use.
    bool fiemap_done = false;
    ProbeFailure fiemap_failure = ProbeFailure::kNone;
    int fiemap_error = 0;
    FileLayout fiemap;
  };

  explicit Impl(Options o) : options(o), os(o.os != nullptr ? o.os : &ProbeOs::Real()) {}

  ProbeAnswer Query(int fd, uint64_t offset, ProbeMethod method, bool first_block);
  ProbeAnswer Fibmap(Entry& e, int fd, uint64_t pos);
  ProbeAnswer Fiemap(Entry& e, int fd, uint64_t pos);
  Entry& EntryFor(const FileStat& st);

  Options options;
  ProbeOs* os;
  mutable std::mutex mu;
  std::unordered_map<FileId, std::unique_ptr<Entry>, FileIdHash> cache;
  Stats stats;
};

namespace {

ProbeAnswer Fail(ProbeFailure f, int error, uint64_t dev) {
  ProbeAnswer a;
  a.failure = f;
  a.error = error;
  a.dev = dev;
  return a;
}

ProbeAnswer Answer(KeyClass cls, uint64_t dev, uint64_t value) {
  ProbeAnswer a;
  a.cls = cls;
  a.dev = dev;
  a.value = value;
  return a;
}

}  // namespace

SystemLayoutProbe::Impl::Entry& SystemLayoutProbe::Impl::EntryFor(const FileStat& st) {
  const FileId id{st.dev, st.ino};
  auto it = cache.find(id);
  if (it != cache.end()) {
    Entry& e = *it->second;
    if (e.stat.size == st.size && e.stat.mtime_ns == st.mtime_ns) return e;
    // The file changed: what we knew about its blocks may be stale.
    ++stats.invalidations;
    *it->second = Entry{};
    it->second->stat = st;
    return *it->second;
  }
  if (cache.size() >= options.max_files) cache.clear();
  auto e = std::make_unique<Entry>();
  e->stat = st;
  Entry& ref = *e;
  cache.emplace(id, std::move(e));
  return ref;
}

ProbeAnswer SystemLayoutProbe::Impl::Fibmap(Entry& e, int fd, uint64_t pos) {
  const uint64_t dev = e.stat.dev;
  if (e.fibmap_failure != ProbeFailure::kNone) {
    ++stats.cache_hits;
    return Fail(e.fibmap_failure, e.fibmap_error, dev);
  }
  if (e.block_size_error < 0) {
    ++stats.ioctls;
    e.block_size_error = os->BlockSize(fd, &e.block_size);
  }
  if (e.block_size_error != 0) {
    e.fibmap_failure = ClassifyProbeErrno(e.block_size_error);
    e.fibmap_error = e.block_size_error;
    return Fail(e.fibmap_failure, e.fibmap_error, dev);
  }
  const uint64_t logical = pos / e.block_size;
  uint64_t physical = 0;
  if (auto it = e.fibmap.find(logical); it != e.fibmap.end()) {
    ++stats.cache_hits;
    physical = it->second;
  } else {
    ++stats.ioctls;
    if (int err = os->Fibmap(fd, logical, &physical); err != 0) {
      const ProbeFailure f = ClassifyProbeErrno(err);
      if (f == ProbeFailure::kPermission || f == ProbeFailure::kUnsupported) {
        e.fibmap_failure = f;  // holds for every block of the file
        e.fibmap_error = err;
      }
      return Fail(f, err, dev);
    }
    e.fibmap.emplace(logical, physical);
  }
  if (physical == 0) return Fail(ProbeFailure::kHole, 0, dev);
  return Answer(KeyClass::kPosition, dev, physical * e.block_size);
}

ProbeAnswer SystemLayoutProbe::Impl::Fiemap(Entry& e, int fd, uint64_t pos) {
  const uint64_t dev = e.stat.dev;
  if (!e.fiemap_done) {
    absl::StatusOr<FileLayout> map = MapFile(fd, ProbeMethod::kFiemap, options.fiemap_sync, *os);
    if (!map.ok()) {
      const ProbeFailure f = FailureOf(map.status());
      const int err = ProbeErrnoOf(map.status());
      if (f == ProbeFailure::kChanged || f == ProbeFailure::kNoFile) {
        return Fail(f, err, dev);  // not remembered: try again next time
      }
      e.fiemap_done = true;
      e.fiemap_failure = f;
      e.fiemap_error = err;
    } else if (map->stat.size != e.stat.size || map->stat.mtime_ns != e.stat.mtime_ns) {
      // Changed between our fstat and the mapping: the next Query sees the
      // new version and starts over.
      return Fail(ProbeFailure::kChanged, 0, dev);
    } else {
      stats.ioctls += map->ioctl_calls;
      e.fiemap_done = true;
      e.fiemap = *std::move(map);
    }
  } else {
    ++stats.cache_hits;
  }
  if (e.fiemap_failure != ProbeFailure::kNone) return Fail(e.fiemap_failure, e.fiemap_error, dev);
  const Extent* x = e.fiemap.Find(pos);
  if (x == nullptr) return Fail(ProbeFailure::kHole, 0, dev);
  if (!x->placed()) return Fail(ProbeFailure::kUnknownExtent, 0, dev);
  uint64_t within = pos - x->logical;
  if (e.fiemap.block_size != 0) within -= within % e.fiemap.block_size;
  return Answer(KeyClass::kPosition, dev, x->physical + within);
}

ProbeAnswer SystemLayoutProbe::Impl::Query(int fd, uint64_t offset, ProbeMethod method,
                                           bool first_block) {
  ++stats.queries;
  if (fd < 0) return Fail(ProbeFailure::kNoFile, EBADF, 0);
  FileStat st;
  if (int err = os->Stat(fd, &st); err != 0) {
    const ProbeFailure f = ClassifyProbeErrno(err);
    return Fail(f == ProbeFailure::kNoFile ? f : ProbeFailure::kError, err, 0);
  }
  // A raw block device: the offset is the position (docs/elevators.md#inode).
  if (st.block_device()) return Answer(KeyClass::kPosition, st.rdev, offset);
  if (!st.regular()) return Fail(ProbeFailure::kNotRegular, 0, st.dev);
  switch (method) {
    case ProbeMethod::kPath:
      return Fail(ProbeFailure::kUnsupported, 0, st.dev);
    case ProbeMethod::kInode:
      ++stats.cache_hits;
      return Answer(KeyClass::kInode, st.dev, st.ino);
    case ProbeMethod::kFibmap:
    case ProbeMethod::kFiemap:
      break;
  }
  const uint64_t pos = first_block ? 0 : offset;
  Entry& e = EntryFor(st);
  if (pos >= st.size) return Fail(ProbeFailure::kHole, 0, st.dev);  // past EOF: no block yet
  return method == ProbeMethod::kFibmap ? Fibmap(e, fd, pos) : Fiemap(e, fd, pos);
}

SystemLayoutProbe::SystemLayoutProbe() : SystemLayoutProbe(Options{}) {}
SystemLayoutProbe::SystemLayoutProbe(Options options) : impl_(std::make_unique<Impl>(options)) {}
SystemLayoutProbe::~SystemLayoutProbe() = default;

ProbeAnswer SystemLayoutProbe::Query(int fd, uint64_t offset, ProbeMethod method,
                                     bool first_block) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  ProbeAnswer a = impl_->Query(fd, offset, method, first_block);
  ++impl_->stats.failures[static_cast<int>(a.failure)];
  return a;
}

void SystemLayoutProbe::Invalidate() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->cache.clear();
}

SystemLayoutProbe::Stats SystemLayoutProbe::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

size_t SystemLayoutProbe::cached_files() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->cache.size();
}

}  // namespace iosched
