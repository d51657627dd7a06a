// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// DirectFile, alignment discovery and aligned buffers on real files in the
// test temp directory.

#include "iosched/direct_file.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <string>

#include "direct/direct_test_util.h"
#include "direct/seccomp_util.h"
#include "iosched/buffer_pool.h"
#include "iosched/scheduler.h"

namespace iosched {
namespace {

#if IOSCHED_HAVE_SECCOMP_UTIL
using testing_direct::FailSyscall;
using testing_direct::InstallSeccompFilter;
#endif

using ::testing::HasSubstr;
using testing_direct::TempPath;
using testing_direct::WritePatternFile;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST(DirectFileTest, DiscoversAlignmentFromAnAuthoritativeSource) {
  const std::string path = TempPath("f");
  WritePatternFile(path, 1 << 20, 1);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  EXPECT_TRUE(f.direct());
  EXPECT_FALSE(f.writable());
  EXPECT_EQ(f.size(), 1u << 20);
  EXPECT_NE(f.alignment().source, AlignmentSource::kBuffered);
  // Powers of two, never zero.
  EXPECT_GT(f.alignment().offset, 0u);
  EXPECT_EQ(f.alignment().offset & (f.alignment().offset - 1), 0u);
  EXPECT_GT(f.alignment().memory, 0u);
  EXPECT_EQ(f.alignment().memory & (f.alignment().memory - 1), 0u);
  // On a file system that reports nothing (no STATX_DIOALIGN), the rule is
  // st_blksize, not a made-up 512.
  if (f.alignment().source == AlignmentSource::kFilesystemBlock) {
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(f.alignment().offset, static_cast<uint32_t>(st.st_blksize));
  }
  ::unlink(path.c_str());
}

TEST(DirectFileTest, MisalignedOffsetLengthAndBufferAreNamed) {
  const std::string path = TempPath("f");
  WritePatternFile(path, 1 << 20, 1);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  const Alignment& a = f.alignment();
  if (a.offset < 2) GTEST_SKIP() << "this file system has no offset alignment rule";
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(1 << 16, 4096);
  ASSERT_TRUE(buf.ok());
  const std::string al = std::to_string(a.offset);
  const std::string src(AlignmentSourceName(a.source));

  absl::Status s = f.CheckAligned(a.offset / 2, a.offset, buf->data(), 7);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("offset " + std::to_string(a.offset / 2)));
  EXPECT_THAT(Msg(s), HasSubstr(al));
  EXPECT_THAT(Msg(s), HasSubstr(src));
  EXPECT_THAT(Msg(s), HasSubstr(path));
  EXPECT_THAT(Msg(s), HasSubstr("request 7"));

  s = f.CheckAligned(0, a.offset + 1, buf->data(), 8);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("length " + std::to_string(a.offset + 1)));
  EXPECT_THAT(Msg(s), HasSubstr(al));

  if (a.memory > 1) {
    s = f.CheckAligned(0, a.offset, buf->bytes() + 1, 9);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Msg(s), HasSubstr("buffer"));
    EXPECT_THAT(Msg(s), HasSubstr("aligned to " + std::to_string(a.memory)));
  }
  EXPECT_EQ(f.CheckAligned(0, 0, buf->data(), 10).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.CheckAligned(0, a.offset, nullptr, 11).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(f.CheckAligned(a.offset * 3, a.offset * 2, buf->data(), 12).ok());
  ::unlink(path.c_str());
}

TEST(DirectFileTest, SchedulerRejectsMisalignedRequestsBeforeQueueing) {
  const std::string path = TempPath("f");
  WritePatternFile(path, 1 << 20, 1);
  IOSCHED_OPEN_DIRECT_OR_SKIP(probe, path, DirectFile::Options{});
  if (probe.alignment().offset < 2) GTEST_SKIP() << "no offset alignment rule here";
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Open(path, SchedulerOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<AlignedBuffer> buf = AlignedBuffer::Allocate(1 << 16, 4096);
  ASSERT_TRUE(buf.ok());
  IoRequest rq;
  rq.id = 42;
  rq.offset = 100;
  rq.length = 4096;
  rq.buffer = buf->data();
  bool called = false;
  absl::Status st =
      (*s)->Submit(rq, [&](IoRequest&, const absl::Status&, uint32_t) { called = true; });
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(st), HasSubstr("offset 100"));
  EXPECT_THAT(Msg(st), HasSubstr("request 42"));
  // A write to a read-only target is refused as well.
  rq.offset = 0;
  rq.op = Op::kWrite;
  st = (*s)->Submit(rq, [&](IoRequest&, const absl::Status&, uint32_t) { called = true; });
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(st), HasSubstr("read-only"));
  ASSERT_TRUE((*s)->Drain().ok());
  EXPECT_FALSE(called);
  EXPECT_EQ((*s)->submitted(), 0u);
  ::unlink(path.c_str());
}

TEST(DirectFileTest, BufferedModeIsExplicitAndHasNoAlignment) {
  const std::string path = TempPath("f");
  WritePatternFile(path, 8192, 1);
  DirectFile::Options o;
  o.buffered = true;
  absl::StatusOr<DirectFile> f = DirectFile::Open(path, o);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->direct());
  EXPECT_EQ(f->alignment().source, AlignmentSource::kBuffered);
  char c;
  EXPECT_TRUE(f->CheckAligned(3, 5, &c, 1).ok());
  ::unlink(path.c_str());
}

TEST(DirectFileTest, OpenErrorsNameThePath) {
  const std::string missing = TempPath("missing");
  absl::StatusOr<DirectFile> f = DirectFile::Open(missing, DirectFile::Options{});
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Msg(f.status()), HasSubstr(missing));

  // A directory is neither a regular file nor a block device. (O_DIRECT on a
  // directory may itself fail first; either way the path is named.)
  const std::string dir = TempPath("dir");
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  f = DirectFile::Open(dir, DirectFile::Options{});
  EXPECT_FALSE(f.ok());
  EXPECT_THAT(Msg(f.status()), HasSubstr(dir));
  ::rmdir(dir.c_str());

  DirectFile::Options bad;
  bad.create = true;  // without writable
  f = DirectFile::Open(missing, bad);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
}

#if IOSCHED_HAVE_SECCOMP_UTIL
// Makes every openat(2) with O_DIRECT fail with EINVAL, as on a file system
// without direct I/O (tmpfs before Linux 6.6, vfat).
bool RefuseODirect() {
  return InstallSeccompFilter({
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      // flags: the low 32 bits of the third argument (little-endian).
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, O_DIRECT),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
  });
}

TEST(DirectFileTest, FileSystemWithoutODirectIsAClearErrorAndBufferedIsOptIn) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string path = TempPath("nodirect");
  WritePatternFile(path, 8192, 1);
  auto child = [&] {
    if (!RefuseODirect()) std::_Exit(6);
    absl::StatusOr<DirectFile> f = DirectFile::Open(path, DirectFile::Options{});
    std::fprintf(stderr, "status: %s\n", f.status().ToString().c_str());
    if (f.ok() || f.status().code() != absl::StatusCode::kFailedPrecondition) std::_Exit(1);
    if (Msg(f.status()).find(path) == std::string::npos) std::_Exit(2);
    // The scheduler reports the same error rather than falling back.
    if (Scheduler::Open(path, SchedulerOptions{}).status().code() !=
        absl::StatusCode::kFailedPrecondition) {
      std::_Exit(3);
    }
    DirectFile::Options buffered;
    buffered.buffered = true;
    absl::StatusOr<DirectFile> b = DirectFile::Open(path, buffered);
    std::_Exit(b.ok() && !b->direct() ? 0 : 4);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "does not support O_DIRECT");
  ::unlink(path.c_str());
}
// Makes statx(2) fail with ENOSYS, as on a kernel older than 4.11.
bool RefuseStatx() { return FailSyscall(__NR_statx, ENOSYS); }

// Without statx the rule for a regular file is the file system's block size
// (st_blksize), for offsets, lengths and buffers alike: never 512 by default.
TEST(DirectFileTest, WithoutStatxTheFileSystemBlockSizeIsTheRule) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string path = TempPath("nostatx");
  WritePatternFile(path, 1 << 16, 1);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const uint32_t blksize = static_cast<uint32_t>(st.st_blksize);
  auto child = [&] {
    if (!RefuseStatx()) std::_Exit(6);
    absl::StatusOr<DirectFile> f = DirectFile::Open(path, DirectFile::Options{});
    if (!f.ok()) {
      std::fprintf(stderr, "open: %s\n", f.status().ToString().c_str());
      std::_Exit(f.status().code() == absl::StatusCode::kFailedPrecondition ? 0 : 1);
    }
    const Alignment& a = f->alignment();
    std::fprintf(stderr, "source %s offset %u memory %u\n",
                 std::string(AlignmentSourceName(a.source)).c_str(), a.offset, a.memory);
    const bool good =
        a.source == AlignmentSource::kFilesystemBlock && a.offset == blksize && a.memory == blksize;
    std::_Exit(good ? 0 : 2);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "");
  ::unlink(path.c_str());
}
#endif

// The discovered rule is the kernel's: an aligned O_DIRECT read works, one
// at half the offset alignment is refused by the kernel with EINVAL (on
// file systems that enforce it: ext4, xfs, block devices). The memory rule
// is not checked the same way: statx's stx_dio_mem_align may be stricter
// than what a given kernel lets through (here 512 reported, 256 accepted).
TEST(DirectFileTest, DiscoveredAlignmentMatchesWhatTheKernelEnforces) {
  const std::string path = TempPath("enforced");
  WritePatternFile(path, 1 << 20, 1);
  IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, DirectFile::Options{});
  const Alignment& a = f.alignment();
  absl::StatusOr<AlignedBuffer> buf =
      AlignedBuffer::Allocate(size_t{a.offset} * 4, std::max<uint32_t>(a.memory, 4096));
  ASSERT_TRUE(buf.ok());
  EXPECT_EQ(::pread(f.fd(), buf->data(), a.offset, a.offset), static_cast<ssize_t>(a.offset));
  if (a.source != AlignmentSource::kStatx || a.offset < 2) {
    GTEST_SKIP() << "rule from " << AlignmentSourceName(a.source)
                 << ": may be stricter than the kernel's";
  }
  // statx reports the smallest alignment that works: half of it must not.
  errno = 0;
  EXPECT_EQ(::pread(f.fd(), buf->data(), a.offset, a.offset / 2), -1);
  EXPECT_EQ(errno, EINVAL);
  ::unlink(path.c_str());
}

TEST(DirectFileTest, CreateAndMinSizeExtendButNeverShrink) {
  const std::string path = TempPath("new");
  DirectFile::Options o;
  o.writable = true;
  o.create = true;
  o.min_size = 3 << 20;
  {
    IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, o);
    EXPECT_EQ(f.size(), 3u << 20);
    EXPECT_TRUE(f.writable());
  }
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 3 << 20);
  o.min_size = 1 << 20;
  {
    IOSCHED_OPEN_DIRECT_OR_SKIP(f, path, o);
    EXPECT_EQ(f.size(), 3u << 20);
  }
  ::unlink(path.c_str());
}

TEST(BufferPoolTest, BuffersAreAlignedDistinctAndRecycled) {
  absl::StatusOr<std::unique_ptr<BufferPool>> pool = BufferPool::Create(8, 3000, 4096);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ((*pool)->buffer_size(), 4096u);
  std::set<void*> seen;
  std::vector<void*> held;
  for (int i = 0; i < 8; ++i) {
    void* p = (*pool)->TryAcquire();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 4096, 0u);
    EXPECT_TRUE((*pool)->Contains(p));
    EXPECT_TRUE(seen.insert(p).second);
    held.push_back(p);
  }
  EXPECT_EQ((*pool)->TryAcquire(), nullptr);
  (*pool)->Release(held[3]);
  EXPECT_EQ((*pool)->TryAcquire(), held[3]);
  EXPECT_FALSE((*pool)->Contains(&seen));

  absl::StatusOr<AlignedBuffer> big = AlignedBuffer::Allocate(100, 1 << 16);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big->data()) % (1 << 16), 0u);
  EXPECT_EQ(big->size(), 1u << 16);
  EXPECT_FALSE(AlignedBuffer::Allocate(100, 3000).ok());
}

}  // namespace
}  // namespace iosched
