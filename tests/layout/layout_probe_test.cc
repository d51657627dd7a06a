// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Layout probes on real files (the temp dir is ext4; /dev/shm is tmpfs) and
// on a scripted ProbeOs: whole-file maps with FIBMAP and FIEMAP, per-request
// answers, the per-file cache and its invalidation, the fallback chain and
// the reasons it records (EPERM without CAP_SYS_RAWIO, EINVAL/EOPNOTSUPP on
// tmpfs, unknown extents, holes, files that change while probed).

#include "iosched/layout_probe.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fake_probe_os.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_files.h"

namespace iosched {
namespace {

using testing::FakeProbeOs;
using testing_util::TempDir;
using ::testing::HasSubstr;

constexpr uint64_t kKiB = 1024;

// An open file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

int OpenRw(const std::string& path) { return ::open(path.c_str(), O_RDWR | O_CREAT, 0644); }

void WriteAt(int fd, uint64_t offset, uint64_t length, char fill = 'x') {
  std::string buf(length, fill);
  ASSERT_EQ(::pwrite(fd, buf.data(), buf.size(), static_cast<off_t>(offset)),
            static_cast<ssize_t>(length));
}

// Makes two files whose blocks interleave: fallocate 16 KiB pieces in
// turn, then write them and sync. On ext4 each file ends with many extents.
void MakeInterleaved(int a, int b, int pieces) {
  for (int i = 0; i < pieces; ++i) {
    ASSERT_EQ(::posix_fallocate(a, i * 16 * kKiB, 16 * kKiB), 0);
    ASSERT_EQ(::posix_fallocate(b, i * 16 * kKiB, 16 * kKiB), 0);
  }
  WriteAt(a, 0, pieces * 16 * kKiB, 'a');
  WriteAt(b, 0, pieces * 16 * kKiB, 'b');
  ASSERT_EQ(::fsync(a), 0);
  ASSERT_EQ(::fsync(b), 0);
}

// Extents merged where they are contiguous both logically and physically
// (FIBMAP cannot see FIEMAP's extent boundaries inside a contiguous run).
std::vector<Extent> Coalesced(const std::vector<Extent>& in) {
  std::vector<Extent> out;
  for (const Extent& e : in) {
    if (!out.empty() && out.back().logical + out.back().length == e.logical &&
        out.back().physical + out.back().length == e.physical) {
      out.back().length += e.length;
    } else {
      out.push_back(e);
    }
  }
  return out;
}

bool FibmapPermitted(int fd) {
  uint64_t p;
  return ProbeOs::Real().Fibmap(fd, 0, &p) == 0;
}

// Why a test's FIBMAP part did not run (its FIEMAP part did): FIBMAP needs
// CAP_SYS_RAWIO. Such a test ends with GTEST_SKIP() << kNoFibmap, never
// silently.
constexpr char kNoFibmap[] =
    "FIBMAP not permitted here (needs CAP_SYS_RAWIO: not root?); only the FIEMAP part ran";

// True when files in `dir` have a FIEMAP extent map (ext4, xfs, …).
bool HasFiemap(const std::string& dir) {
  const std::string path = dir + "/.fiemap_check";
  Fd f(OpenRw(path));
  ::unlink(path.c_str());
  return f.get() >= 0 && MapFile(f.get(), ProbeMethod::kFiemap).ok();
}

#define REQUIRE_FIEMAP(dir) \
  if (!HasFiemap(dir)) GTEST_SKIP() << "no FIEMAP in " << (dir) << " (tmpfs?)"

bool IsTmpfs(const std::string& dir) {
  struct statfs sf;
  return ::statfs(dir.c_str(), &sf) == 0 && sf.f_type == 0x01021994;  // TMPFS_MAGIC
}

TEST(ProbeNames, ParseChain) {
  auto chain = ParseProbeChain("fibmap, fiemap,INODE");
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(*chain, DefaultProbeChain());
  EXPECT_FALSE(ParseProbeChain("fibmap,path").ok());
  EXPECT_FALSE(ParseProbeChain("inode,inode").ok());
  auto bad = ParseProbeChain("fibmap,blockmap");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("'blockmap'"));
  EXPECT_EQ(ProbeFailureName(ProbeFailure::kPermission), "eperm");
  EXPECT_EQ(ExtentFlagNames(kExtentLast | kExtentUnwritten), "last,unwritten");
}

TEST(MapFile, FibmapAndFiemapAgreeOnAFragmentedFile) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd a(OpenRw(dir / "a")), b(OpenRw(dir / "b"));
  ASSERT_GE(a.get(), 0);
  MakeInterleaved(a.get(), b.get(), 16);
  auto fiemap = MapFile(a.get(), ProbeMethod::kFiemap);
  ASSERT_TRUE(fiemap.ok()) << fiemap.status();
  EXPECT_EQ(fiemap->block_size, 4096u);
  EXPECT_GT(fiemap->extents.size(), 1u) << "interleaved allocation should fragment the file";
  uint64_t total = 0;
  for (const Extent& e : fiemap->extents) total += e.length;
  EXPECT_EQ(total, 256 * kKiB);
  EXPECT_TRUE(fiemap->extents.back().flags & kExtentLast);
  if (!FibmapPermitted(a.get())) GTEST_SKIP() << kNoFibmap;
  auto fibmap = MapFile(a.get(), ProbeMethod::kFibmap);
  ASSERT_TRUE(fibmap.ok()) << fibmap.status();
  EXPECT_EQ(fibmap->ioctl_calls, 1u + 64u);  // FIGETBSZ + one FIBMAP per block
  const std::vector<Extent> x = Coalesced(fiemap->extents), y = fibmap->extents;
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].logical, y[i].logical) << i;
    EXPECT_EQ(x[i].physical, y[i].physical) << i;
    EXPECT_EQ(x[i].length, y[i].length) << i;
  }
}

TEST(MapFile, FiemapIteratesBatchesUntilTheLastExtent) {
  // More extents than one FS_IOC_FIEMAP call returns (256): the map must
  // continue from the end of each batch until an extent says LAST.
  FakeProbeOs os;
  FakeProbeOs::File& f = os.Add(3, 1, 10, 700 * 8192);
  for (uint64_t i = 0; i < 700; ++i) {
    f.extents.push_back(Extent{i * 8192, (1000 + 3 * i) * 4096, 4096, i == 699 ? kExtentLast : 0});
  }
  auto map = MapFile(3, ProbeMethod::kFiemap, false, os);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->extents.size(), 700u);
  EXPECT_EQ(os.fiemap_calls(), 3) << "256 + 256 + 188";
  EXPECT_EQ(map->extents[699].logical, 699u * 8192);
  // A map that ends without LAST (nothing more returned) stops too.
  f.extents.back().flags = 0;
  auto no_last = MapFile(3, ProbeMethod::kFiemap, false, os);
  ASSERT_TRUE(no_last.ok()) << no_last.status();
  EXPECT_EQ(no_last->extents.size(), 700u);

  // The same on a real file with more than 256 extents: 300 written blocks
  // with a hole after each (allocators keep interleaved writes contiguous,
  // but a hole always ends an extent).
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd real_fd(OpenRw(dir / "holey"));
  for (uint64_t i = 0; i < 300; ++i) WriteAt(real_fd.get(), i * 8 * kKiB, 4 * kKiB);
  ASSERT_EQ(::fsync(real_fd.get()), 0);
  auto real = MapFile(real_fd.get(), ProbeMethod::kFiemap);
  ASSERT_TRUE(real.ok()) << real.status();
  ASSERT_EQ(real->extents.size(), 300u);
  EXPECT_GE(real->ioctl_calls, 3u) << "FIGETBSZ and at least two FIEMAP batches";
  EXPECT_TRUE(real->extents.back().flags & kExtentLast);
  for (uint64_t i = 0; i < 300; ++i) {
    EXPECT_EQ(real->extents[i].logical, i * 8 * kKiB) << i;
    EXPECT_EQ(real->extents[i].length, 4 * kKiB) << i;
  }
  if (!FibmapPermitted(real_fd.get())) GTEST_SKIP() << kNoFibmap;
  auto fib = MapFile(real_fd.get(), ProbeMethod::kFibmap);
  ASSERT_TRUE(fib.ok()) << fib.status();
  ASSERT_EQ(fib->extents.size(), 300u);
  for (size_t i = 0; i < 300; ++i) {
    EXPECT_EQ(real->extents[i].physical, fib->extents[i].physical) << i;
  }
}

TEST(MapFile, SparseFileHolesAreGaps) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd f(OpenRw(dir / "sparse"));
  WriteAt(f.get(), 0, 8 * kKiB);
  WriteAt(f.get(), 1024 * kKiB, 4 * kKiB);
  WriteAt(f.get(), 3072 * kKiB, 4 * kKiB);
  ASSERT_EQ(::fsync(f.get()), 0);
  bool fibmap_skipped = false;
  for (ProbeMethod m : {ProbeMethod::kFiemap, ProbeMethod::kFibmap}) {
    if (m == ProbeMethod::kFibmap && !FibmapPermitted(f.get())) {
      fibmap_skipped = true;
      continue;
    }
    auto map = MapFile(f.get(), m);
    ASSERT_TRUE(map.ok()) << map.status();
    ASSERT_EQ(map->extents.size(), 3u) << ProbeMethodName(m);
    EXPECT_EQ(map->extents[1].logical, 1024 * kKiB);
    EXPECT_EQ(map->extents[2].logical, 3072 * kKiB);
    EXPECT_EQ(map->Find(512 * kKiB), nullptr) << "a hole has no extent";
    ASSERT_NE(map->Find(1024 * kKiB + 100), nullptr);
    EXPECT_EQ(map->Find(1024 * kKiB + 100)->logical, 1024 * kKiB);
  }
  if (fibmap_skipped) GTEST_SKIP() << kNoFibmap;
}

TEST(MapFile, BadInput) {
  TempDir dir;
  auto missing = MapPath(dir / "nope", ProbeMethod::kFiemap);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(dir / "nope"));
  auto directory = MapPath(dir.path(), ProbeMethod::kFibmap);
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(directory.status().message()), HasSubstr("is a directory"));
  {
    Fd f(OpenRw(dir / "named"));
    auto named = MapFile(f.get(), ProbeMethod::kPath);
    ASSERT_TRUE(named.ok());
    EXPECT_EQ(named->path, dir / "named");
  }
}

TEST(MapFile, TmpfsHasNoBlockMap) {
  if (!IsTmpfs("/dev/shm")) GTEST_SKIP() << "/dev/shm is not tmpfs here";
  TempDir dir("/dev/shm");
  ASSERT_FALSE(dir.path().empty());
  Fd f(OpenRw(dir / "t"));
  WriteAt(f.get(), 0, 8 * kKiB);
  auto fiemap = MapFile(f.get(), ProbeMethod::kFiemap);
  EXPECT_EQ(FailureOf(fiemap.status()), ProbeFailure::kUnsupported) << fiemap.status();
  EXPECT_EQ(ProbeErrnoOf(fiemap.status()), EOPNOTSUPP);
  auto fibmap = MapFile(f.get(), ProbeMethod::kFibmap);
  EXPECT_EQ(FailureOf(fibmap.status()), ProbeFailure::kUnsupported) << fibmap.status();
  EXPECT_THAT(std::string(fibmap.status().message()), HasSubstr("not supported"));

  // The chain records both failures and ends on the inode.
  SystemLayoutProbe probe;
  LayoutKey k = ComputeLayoutKey(probe, DefaultProbeChain(), f.get(), 4096, false);
  struct stat st;
  ASSERT_EQ(::fstat(f.get(), &st), 0);
  EXPECT_EQ(k.cls, KeyClass::kInode);
  EXPECT_EQ(k.value, st.st_ino);
  EXPECT_EQ(k.dev, st.st_dev);
  ASSERT_EQ(k.failed, 2);
  EXPECT_EQ(k.steps[0].method, ProbeMethod::kFibmap);
  EXPECT_EQ(k.steps[0].failure, ProbeFailure::kUnsupported);
  EXPECT_EQ(k.steps[0].error, EINVAL);
  EXPECT_EQ(k.steps[1].method, ProbeMethod::kFiemap);
  EXPECT_EQ(k.steps[1].error, EOPNOTSUPP);
}

TEST(SystemLayoutProbe, PerRequestKeyIsTheBlockOfTheOffset) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd a(OpenRw(dir / "a")), b(OpenRw(dir / "b"));
  MakeInterleaved(a.get(), b.get(), 8);
  auto map = MapFile(a.get(), ProbeMethod::kFiemap);
  ASSERT_TRUE(map.ok());
  ASSERT_GT(map->extents.size(), 1u);
  const Extent& second = map->extents[1];
  const uint64_t off = second.logical + 4096 + 17;  // inside the 2nd block of extent 1
  SystemLayoutProbe probe;
  ProbeAnswer at = probe.Query(a.get(), off, ProbeMethod::kFiemap, false);
  ASSERT_EQ(at.failure, ProbeFailure::kNone);
  EXPECT_EQ(at.cls, KeyClass::kPosition);
  EXPECT_EQ(at.value, second.physical + 4096);
  ProbeAnswer book = probe.Query(a.get(), off, ProbeMethod::kFiemap, /*first_block=*/true);
  EXPECT_EQ(book.value, map->extents[0].physical);
  if (FibmapPermitted(a.get())) {
    ProbeAnswer fib = probe.Query(a.get(), off, ProbeMethod::kFibmap, false);
    ASSERT_EQ(fib.failure, ProbeFailure::kNone);
    EXPECT_EQ(fib.value, at.value) << "FIBMAP and FIEMAP must agree";
  }
  ProbeAnswer past = probe.Query(a.get(), 10 << 20, ProbeMethod::kFiemap, false);
  EXPECT_EQ(past.failure, ProbeFailure::kHole);
  if (!FibmapPermitted(a.get())) GTEST_SKIP() << kNoFibmap;
}

TEST(SystemLayoutProbe, CachesAndInvalidatesOnSizeAndMtime) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd f(OpenRw(dir / "f"));
  WriteAt(f.get(), 0, 64 * kKiB);
  ASSERT_EQ(::fsync(f.get()), 0);
  SystemLayoutProbe probe;
  ASSERT_EQ(probe.Query(f.get(), 0, ProbeMethod::kFiemap, false).failure, ProbeFailure::kNone);
  const uint64_t ioctls = probe.stats().ioctls;
  EXPECT_GT(ioctls, 0u);
  for (int i = 0; i < 5; ++i) probe.Query(f.get(), i * 4096, ProbeMethod::kFiemap, false);
  EXPECT_EQ(probe.stats().ioctls, ioctls) << "answers must come from the cache";
  EXPECT_EQ(probe.stats().cache_hits, 5u);
  EXPECT_EQ(probe.cached_files(), 1u);

  // Growing the file: the new blocks must be found, the entry rebuilt.
  WriteAt(f.get(), 64 * kKiB, 64 * kKiB);
  ASSERT_EQ(::fsync(f.get()), 0);
  ProbeAnswer grown = probe.Query(f.get(), 100 * kKiB, ProbeMethod::kFiemap, false);
  EXPECT_EQ(grown.failure, ProbeFailure::kNone);
  EXPECT_EQ(probe.stats().invalidations, 1u);

  // Same size, new mtime: invalidated too.
  struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
  ASSERT_EQ(::futimens(f.get(), times), 0);
  probe.Query(f.get(), 0, ProbeMethod::kFiemap, false);
  EXPECT_EQ(probe.stats().invalidations, 2u);
  probe.Invalidate();
  EXPECT_EQ(probe.cached_files(), 0u);
}

TEST(SystemLayoutProbe, DelayedAllocationIsAnUnknownExtent) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd f(OpenRw(dir / "dirty"));
  WriteAt(f.get(), 0, 64 * kKiB);  // no fsync: ext4 delays the allocation
  auto map = MapFile(f.get(), ProbeMethod::kFiemap);
  ASSERT_TRUE(map.ok());
  if (map->extents.empty() || map->extents[0].placed()) {
    GTEST_SKIP() << "data already placed (no delayed allocation on this filesystem)";
  }
  EXPECT_TRUE(map->extents[0].flags & kExtentDelalloc) << ExtentFlagNames(map->extents[0].flags);
  SystemLayoutProbe probe;
  LayoutKey k =
      ComputeLayoutKey(probe, {ProbeMethod::kFiemap, ProbeMethod::kInode}, f.get(), 0, false);
  EXPECT_EQ(k.cls, KeyClass::kInode);
  ASSERT_EQ(k.failed, 1);
  EXPECT_EQ(k.steps[0].failure, ProbeFailure::kUnknownExtent);
  // FIEMAP_FLAG_SYNC flushes first: now there is a position.
  SystemLayoutProbe synced(SystemLayoutProbe::Options{.fiemap_sync = true});
  EXPECT_EQ(synced.Query(f.get(), 0, ProbeMethod::kFiemap, false).cls, KeyClass::kPosition);
}

// Drops CAP_SYS_RAWIO from this (child) process: bounding set, then the
// effective, permitted and inheritable sets.
bool DropRawio() {
  ::prctl(PR_CAPBSET_DROP, CAP_SYS_RAWIO, 0, 0, 0);  // needs CAP_SETPCAP; best effort
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &hdr, data) != 0) return false;
  const unsigned bit = 1u << (CAP_SYS_RAWIO % 32);
  auto& w = data[CAP_SYS_RAWIO / 32];
  w.effective &= ~bit;
  w.permitted &= ~bit;
  w.inheritable &= ~bit;
  return ::syscall(SYS_capset, &hdr, data) == 0;
}

TEST(SystemLayoutProbe, FibmapWithoutCapSysRawioFallsBack) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd f(OpenRw(dir / "f"));
  WriteAt(f.get(), 0, 16 * kKiB);
  ASSERT_EQ(::fsync(f.get()), 0);
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: no gtest here; report one line through the pipe.
    ::close(pipefd[0]);
    std::string out = DropRawio() ? "dropped" : "keep";
    auto map = MapFile(f.get(), ProbeMethod::kFibmap);
    out += " map=" + std::to_string(static_cast<int>(map.status().code()));
    out += " errno=" + std::to_string(ProbeErrnoOf(map.status()));
    SystemLayoutProbe probe;
    LayoutKey k = ComputeLayoutKey(probe, DefaultProbeChain(), f.get(), 0, false);
    out += " cls=" + std::to_string(static_cast<int>(k.cls));
    out += " method=" + std::string(ProbeMethodName(k.method));
    out += " failed=" + std::to_string(k.failed);
    if (k.failed > 0) out += " why=" + std::string(ProbeFailureName(k.steps[0].failure));
    out += " msg=" + std::string(map.status().message());
    (void)!::write(pipefd[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string got;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) got.append(buf, n);
  ::close(pipefd[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << got;
  ASSERT_THAT(got, HasSubstr("dropped")) << got;
  EXPECT_THAT(got, HasSubstr("map=7 errno=1 "))  // kPermissionDenied, EPERM
      << got;
  EXPECT_THAT(got, HasSubstr("cls=0 method=fiemap failed=1 why=eperm")) << got;
  EXPECT_THAT(got, HasSubstr("CAP_SYS_RAWIO")) << got;
}

TEST(SystemLayoutProbe, ScriptedFailuresAreRecorded) {
  FakeProbeOs os;
  os.Add(3, 1, 10).fibmap_error = EPERM;
  os.Add(4, 1, 11).fibmap_error = EINVAL;
  os.Add(5, 1, 12).block_size_error = ENOTTY;
  os.Add(6, 1, 13);  // FIBMAP 0 everywhere: a hole
  os.Add(7, 1, 14).fiemap_error = EOPNOTSUPP;
  os.Add(8, 1, 15).extents = {{0, 1 << 20, 64 << 10, kExtentUnknown | kExtentDelalloc}};
  os.Add(9, 1, 16).fibmap_error = ERANGE;
  SystemLayoutProbe probe(SystemLayoutProbe::Options{.os = &os});
  auto fib = [&](int fd) { return probe.Query(fd, 0, ProbeMethod::kFibmap, false); };
  EXPECT_EQ(fib(3).failure, ProbeFailure::kPermission);
  EXPECT_EQ(fib(3).error, EPERM);
  EXPECT_EQ(fib(4).failure, ProbeFailure::kUnsupported);
  EXPECT_EQ(fib(5).failure, ProbeFailure::kUnsupported);
  EXPECT_EQ(fib(6).failure, ProbeFailure::kHole);
  EXPECT_EQ(fib(9).failure, ProbeFailure::kOutOfRange);
  EXPECT_EQ(probe.Query(7, 0, ProbeMethod::kFiemap, false).failure, ProbeFailure::kUnsupported);
  EXPECT_EQ(probe.Query(8, 0, ProbeMethod::kFiemap, false).failure, ProbeFailure::kUnknownExtent);
  EXPECT_EQ(probe.Query(8, 0, ProbeMethod::kPath, false).failure, ProbeFailure::kUnsupported);
  EXPECT_EQ(probe.Query(99, 0, ProbeMethod::kInode, false).failure, ProbeFailure::kNoFile);
  EXPECT_EQ(probe.Query(-1, 0, ProbeMethod::kInode, false).failure, ProbeFailure::kNoFile);
  // A per-file failure is remembered: the second EPERM costs no ioctl.
  const size_t calls = os.fibmap_calls().size();
  EXPECT_EQ(fib(3).failure, ProbeFailure::kPermission);
  EXPECT_EQ(os.fibmap_calls().size(), calls);
  const SystemLayoutProbe::Stats s = probe.stats();
  EXPECT_EQ(s.failures[static_cast<int>(ProbeFailure::kPermission)], 3u);
}

TEST(SystemLayoutProbe, FileChangingWhileProbedIsReported) {
  FakeProbeOs os;
  FakeProbeOs::File& f = os.Add(3, 1, 10);
  f.extents = {{0, 4096 * 100, 1 << 20, kExtentLast}};
  f.mtime_step = 1;  // every fstat sees a newer mtime
  auto map = MapFile(3, ProbeMethod::kFiemap, false, os);
  EXPECT_EQ(map.status().code(), absl::StatusCode::kAborted) << map.status();
  EXPECT_THAT(std::string(map.status().message()), HasSubstr("changed"));
  SystemLayoutProbe probe(SystemLayoutProbe::Options{.os = &os});
  EXPECT_EQ(probe.Query(3, 0, ProbeMethod::kFiemap, false).failure, ProbeFailure::kChanged);
  f.mtime_step = 0;  // the writer stops: the next query succeeds
  ProbeAnswer a = probe.Query(3, 8192, ProbeMethod::kFiemap, false);
  EXPECT_EQ(a.failure, ProbeFailure::kNone);
  EXPECT_EQ(a.value, 4096u * 100 + 8192);
}

// The real system calls, except that each FIBMAP/FIEMAP call first appends
// 4 KiB to the file through another descriptor (a writer racing with the
// probe), as long as `changes` lasts.
class GrowingOs : public ProbeOs {
 public:
  GrowingOs(int writer, int changes) : writer_(writer), changes_(changes) {}
  int Stat(int fd, FileStat* out) override { return ProbeOs::Real().Stat(fd, out); }
  int BlockSize(int fd, uint32_t* bytes) override { return ProbeOs::Real().BlockSize(fd, bytes); }
  int Fibmap(int fd, uint64_t logical, uint64_t* physical) override {
    Grow();
    return ProbeOs::Real().Fibmap(fd, logical, physical);
  }
  int Fiemap(int fd, uint64_t start, uint64_t length, uint32_t flags, uint32_t max_extents,
             std::vector<Extent>* out) override {
    Grow();
    return ProbeOs::Real().Fiemap(fd, start, length, flags, max_extents, out);
  }
  int PathOf(int fd, std::string* out) override { return ProbeOs::Real().PathOf(fd, out); }
  int grown() const { return grown_; }

 private:
  void Grow() {
    if (changes_ == 0) return;
    --changes_;
    ++grown_;
    struct stat st;
    ASSERT_EQ(::fstat(writer_, &st), 0);
    WriteAt(writer_, static_cast<uint64_t>(st.st_size), 4 * kKiB, 'g');
    ASSERT_EQ(::fsync(writer_), 0);
  }
  int writer_;
  int changes_;
  int grown_ = 0;
};

TEST(MapFile, RealFileGrowingWhileMappedIsRetriedThenReported) {
  TempDir dir;
  REQUIRE_FIEMAP(dir.path());
  Fd w(OpenRw(dir / "growing"));
  WriteAt(w.get(), 0, 16 * kKiB);
  ASSERT_EQ(::fsync(w.get()), 0);
  Fd r(::open((dir / "growing").c_str(), O_RDONLY));
  ASSERT_GE(r.get(), 0);

  // One change: MapFile notices (size differs after the mapping), maps
  // again and returns the new version, which covers the appended block.
  GrowingOs once(w.get(), 1);
  auto map = MapFile(r.get(), ProbeMethod::kFiemap, /*sync=*/true, once);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(once.grown(), 1);
  EXPECT_EQ(map->stat.size, 20 * kKiB);
  ASSERT_NE(map->Find(16 * kKiB), nullptr) << "the block appended during the first try";

  // A writer that never stops: after the retries, Aborted with a message
  // that says what happened, for either method.
  bool fibmap_skipped = false;
  for (ProbeMethod m : {ProbeMethod::kFiemap, ProbeMethod::kFibmap}) {
    if (m == ProbeMethod::kFibmap && !FibmapPermitted(r.get())) {
      fibmap_skipped = true;
      continue;
    }
    GrowingOs always(w.get(), 1000);
    auto busy = MapFile(r.get(), m, /*sync=*/true, always);
    EXPECT_EQ(busy.status().code(), absl::StatusCode::kAborted) << busy.status();
    EXPECT_EQ(FailureOf(busy.status()), ProbeFailure::kChanged);
    EXPECT_THAT(std::string(busy.status().message()),
                HasSubstr("changed (size or mtime) while it was being mapped"));
    // Three attempts (the first and two retries), each disturbed.
    if (m == ProbeMethod::kFiemap) {
      EXPECT_EQ(always.grown(), 3);
    }
    if (m == ProbeMethod::kFibmap) {
      EXPECT_GE(always.grown(), 3);
    }
  }

  // Through the probe and the chain: the step is recorded as "changed" and
  // the inode answers; once the writer stops, FIEMAP answers again.
  GrowingOs busy(w.get(), 1000);
  SystemLayoutProbe probe(SystemLayoutProbe::Options{.fiemap_sync = true, .os = &busy});
  LayoutKey k =
      ComputeLayoutKey(probe, {ProbeMethod::kFiemap, ProbeMethod::kInode}, r.get(), 0, false);
  EXPECT_EQ(k.cls, KeyClass::kInode);
  ASSERT_EQ(k.failed, 1);
  EXPECT_EQ(k.steps[0].failure, ProbeFailure::kChanged);
  GrowingOs quiet(w.get(), 0);
  SystemLayoutProbe calm(SystemLayoutProbe::Options{.fiemap_sync = true, .os = &quiet});
  k = ComputeLayoutKey(calm, {ProbeMethod::kFiemap, ProbeMethod::kInode}, r.get(), 0, false);
  EXPECT_EQ(k.cls, KeyClass::kPosition);
  EXPECT_EQ(k.failed, 0);
  if (fibmap_skipped) GTEST_SKIP() << kNoFibmap;
}

TEST(SystemLayoutProbe, BlockDeviceOffsetIsThePosition) {
  FakeProbeOs os;
  FakeProbeOs::File& f = os.Add(3, 1, 10);
  f.stat.mode = S_IFBLK | 0660;
  f.stat.rdev = 0x803;
  SystemLayoutProbe probe(SystemLayoutProbe::Options{.os = &os});
  for (ProbeMethod m : {ProbeMethod::kInode, ProbeMethod::kFibmap}) {
    ProbeAnswer a = probe.Query(3, 1 << 20, m, false);
    EXPECT_EQ(a.cls, KeyClass::kPosition);
    EXPECT_EQ(a.value, 1u << 20);
    EXPECT_EQ(a.dev, 0x803u);
  }
}

}  // namespace
}  // namespace iosched
