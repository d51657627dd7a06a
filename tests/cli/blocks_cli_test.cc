// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched blocks` against `filefrag -v` (e2fsprogs) on real files in the
// temp dir: a contiguous file, a file fragmented on purpose (interleaved
// fallocate with another file), and a sparse one with an unwritten
// (preallocated) extent. FIEMAP output must match filefrag extent for
// extent; FIBMAP output must match it after merging contiguous extents and
// leaving out unwritten ones (FIBMAP does not map preallocated blocks).
// Plus the bad inputs: a missing file, a directory, tmpfs (neither ioctl),
// and FIBMAP without CAP_SYS_RAWIO (a child process that dropped it).

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_io.h"
#include "test_files.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

struct ShellRun {
  int code;
  std::string out, err;
};

// Runs `cmd` through the shell; with `drop_rawio`, in a child that first
// dropped CAP_SYS_RAWIO (code 77 if it could not).
ShellRun Shell(const std::string& cmd, bool drop_rawio = false) {
  const std::string out = ::testing::TempDir() + "/blocks_out.txt";
  const std::string err = ::testing::TempDir() + "/blocks_err.txt";
  const std::string full = cmd + " >" + out + " 2>" + err;
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (drop_rawio) {
      // Bounding set first, so that root does not get it back at execve.
      if (::prctl(PR_CAPBSET_DROP, CAP_SYS_RAWIO, 0, 0, 0) != 0) ::_exit(77);
      struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
      struct __user_cap_data_struct data[2] = {};
      if (::syscall(SYS_capget, &hdr, data) != 0) ::_exit(77);
      const unsigned bit = 1u << (CAP_SYS_RAWIO % 32);
      data[CAP_SYS_RAWIO / 32].effective &= ~bit;
      data[CAP_SYS_RAWIO / 32].permitted &= ~bit;
      data[CAP_SYS_RAWIO / 32].inheritable &= ~bit;
      if (::syscall(SYS_capset, &hdr, data) != 0) ::_exit(77);
    }
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return ShellRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing_util::ReadFile(out), testing_util::ReadFile(err)};
}

const std::string kIosched = testing_util::IoschedBinary();

bool HaveFilefrag() { return std::system("command -v filefrag >/dev/null 2>&1") == 0; }

struct Ext {
  uint64_t logical, physical, length;  // blocks
  bool unwritten;
  bool operator==(const Ext& o) const {
    return logical == o.logical && physical == o.physical && length == o.length;
  }
};

std::ostream& operator<<(std::ostream& os, const Ext& e) {
  return os << "{" << e.logical << "," << e.physical << "," << e.length
            << (e.unwritten ? ",unwritten" : "") << "}";
}

// Extents of `filefrag -v FILE` (its FIEMAP view).
std::vector<Ext> Filefrag(const std::string& file) {
  ShellRun r = Shell("filefrag -v '" + file + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  static const std::regex line(
      R"(^\s*\d+:\s*(\d+)\.\.\s*(\d+):\s*(\d+)\.\.\s*(\d+):\s*(\d+):(.*)$)");
  std::vector<Ext> out;
  std::istringstream in(r.out);
  std::string s;
  while (std::getline(in, s)) {
    std::smatch m;
    if (!std::regex_match(s, m, line)) continue;
    out.push_back(Ext{std::stoull(m[1]), std::stoull(m[3]), std::stoull(m[5]),
                      m[6].str().find("unwritten") != std::string::npos});
  }
  return out;
}

// Extents of `iosched blocks --format csv --method METHOD FILE`.
std::vector<Ext> Blocks(const std::string& file, const std::string& method) {
  ShellRun r = Shell(kIosched + " blocks --format csv --method " + method + " '" + file + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<Ext> out;
  std::istringstream in(r.out);
  std::string s;
  std::getline(in, s);
  EXPECT_EQ(s, "file,method,extent,logical_block,physical_block,length_blocks,block_size,flags");
  while (std::getline(in, s)) {
    std::vector<std::string> f;
    std::stringstream ss(s);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    if (f.size() < 7) {
      ADD_FAILURE() << "bad CSV row: " << s;
      continue;
    }
    if (method == "auto") {
      EXPECT_TRUE(f[1] == "fibmap" || f[1] == "fiemap") << f[1];
    } else {
      EXPECT_EQ(f[1], method);
    }
    out.push_back(Ext{std::stoull(f[3]), std::stoull(f[4]), std::stoull(f[5]),
                      f.size() > 7 && f[7].find("unwritten") != std::string::npos});
  }
  return out;
}

// What FIBMAP sees of a FIEMAP map: written blocks only, runs merged.
std::vector<Ext> AsFibmapSeesIt(const std::vector<Ext>& in) {
  std::vector<Ext> out;
  for (const Ext& e : in) {
    if (e.unwritten) continue;
    if (!out.empty() && out.back().logical + out.back().length == e.logical &&
        out.back().physical + out.back().length == e.physical) {
      out.back().length += e.length;
    } else {
      out.push_back(e);
    }
  }
  return out;
}

class BlocksCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveFilefrag()) GTEST_SKIP() << "filefrag (e2fsprogs) is not installed";
    dir_ = tmp_.path();
    ASSERT_FALSE(dir_.empty());
    const std::string probe = dir_ + "/.fiemap_check";
    { std::ofstream(probe) << "x"; }
    ShellRun r = Shell("filefrag -v '" + probe + "'");
    if ((r.out + r.err).find("unsupported") != std::string::npos || r.code != 0) {
      GTEST_SKIP() << "no FIEMAP in the temp dir (" << dir_ << ")";
    }
    ::unlink(probe.c_str());
  }
  int Open(const std::string& name) {
    return ::open((dir_ + "/" + name).c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  }
  static void Write(int fd, uint64_t off, uint64_t len, char c) {
    std::string b(len, c);
    ASSERT_EQ(::pwrite(fd, b.data(), len, static_cast<off_t>(off)), static_cast<ssize_t>(len));
  }
  void ExpectSameAsFilefrag(const std::string& name, size_t min_extents) {
    const std::string path = dir_ + "/" + name;
    const std::vector<Ext> ff = Filefrag(path);
    ASSERT_GE(ff.size(), min_extents) << "filefrag found fewer extents than the test made";
    EXPECT_EQ(Blocks(path, "fiemap"), ff) << name;
    // auto uses FIBMAP as root, FIEMAP otherwise; either way the blocks agree.
    EXPECT_EQ(AsFibmapSeesIt(Blocks(path, "auto")), AsFibmapSeesIt(ff)) << name;
    ShellRun probe = Shell(kIosched + " blocks --method fibmap '" + path + "'");
    if (probe.code == 0) {
      EXPECT_EQ(Blocks(path, "fibmap"), AsFibmapSeesIt(ff)) << name;
    }
  }
  testing_util::TempDir tmp_;  // removed with the fixture
  std::string dir_;
};

TEST_F(BlocksCli, ContiguousFileMatchesFilefrag) {
  const int fd = Open("contig");
  Write(fd, 0, 1 << 20, 'c');
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  ExpectSameAsFilefrag("contig", 1);
}

TEST_F(BlocksCli, FragmentedFileMatchesFilefrag) {
  // fallocate 16 KiB pieces of two files in turn, then fill them: each file
  // gets blocks interleaved with the other's.
  const int a = Open("frag_a"), b = Open("frag_b");
  for (int i = 0; i < 24; ++i) {
    ASSERT_EQ(::posix_fallocate(a, i * 16384, 16384), 0);
    ASSERT_EQ(::posix_fallocate(b, i * 16384, 16384), 0);
  }
  Write(a, 0, 24 * 16384, 'a');
  Write(b, 0, 24 * 16384, 'b');
  ASSERT_EQ(::fsync(a), 0);
  ASSERT_EQ(::fsync(b), 0);
  ::close(a);
  ::close(b);
  ExpectSameAsFilefrag("frag_a", 4);
  ExpectSameAsFilefrag("frag_b", 4);
}

TEST_F(BlocksCli, SparseFileWithUnwrittenExtentMatchesFilefrag) {
  const int fd = Open("sparse");
  Write(fd, 0, 64 << 10, 's');
  Write(fd, 1 << 20, 8 << 10, 't');
  ASSERT_EQ(::posix_fallocate(fd, 2 << 20, 64 << 10), 0);  // preallocated: unwritten
  Write(fd, 3 << 20, 4 << 10, 'u');
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  const std::vector<Ext> ff = Filefrag(dir_ + "/sparse");
  ASSERT_EQ(ff.size(), 4u);
  EXPECT_TRUE(ff[2].unwritten);
  const std::vector<Ext> ours = Blocks(dir_ + "/sparse", "fiemap");
  ASSERT_EQ(ours.size(), 4u);
  EXPECT_TRUE(ours[2].unwritten) << "the unwritten flag must be reported";
  ExpectSameAsFilefrag("sparse", 4);
}

TEST_F(BlocksCli, PreallocatedFileFallsBackToFiemapInAuto) {
  // Only unwritten extents: FIBMAP maps no block (ext4 answers 0), so auto
  // must not print an empty map when FIEMAP has one.
  const int fd = Open("prealloc");
  ASSERT_EQ(::posix_fallocate(fd, 0, 256 << 10), 0);
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  const std::string path = dir_ + "/prealloc";
  const std::vector<Ext> ff = Filefrag(path);
  ASSERT_GE(ff.size(), 1u);
  EXPECT_TRUE(ff[0].unwritten);
  EXPECT_EQ(Blocks(path, "auto"), ff);
  ShellRun r = Shell(kIosched + " blocks '" + path + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("method fiemap"));
  EXPECT_THAT(r.out, ::testing::AnyOf(HasSubstr("because fibmap mapped no block"),
                                      HasSubstr("because fibmap: not permitted")));
  EXPECT_THAT(r.out, HasSubstr("unwritten"));
}

TEST_F(BlocksCli, TableOutputNamesMethodAndExtents) {
  const int fd = Open("t");
  Write(fd, 0, 8192, 'x');
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  ShellRun r = Shell(kIosched + " blocks --method fiemap '" + dir_ + "/t'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("8192 bytes, 2 blocks of 4096 bytes"));
  EXPECT_THAT(r.out, HasSubstr("method fiemap"));
  EXPECT_THAT(r.out, HasSubstr("1 extent found"));
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(BlocksCli, JsonHasTheCsvExtentsAndNamesFailures) {
  const int fd = Open("j");
  Write(fd, 0, 8192, 'x');
  Write(fd, 64 * 1024, 4096, 'y');  // a second extent after a hole
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  const std::string file = dir_ + "/j";
  ShellRun r = Shell(kIosched + " blocks --format json --method fiemap '" + file + "' '" + dir_ +
                     "/missing'");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("missing"));
  absl::StatusOr<JsonDocument> doc = ParseJson(r.out, "blocks.json");
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  const Json& files = doc->root()["files"];
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]["file"], file);
  EXPECT_EQ(files[0]["method"], "fiemap");
  EXPECT_EQ(files[0]["size"], 64 * 1024 + 4096);
  EXPECT_EQ(files[1]["file"], dir_ + "/missing");
  EXPECT_THAT(files[1]["error"].get<std::string>(), HasSubstr("missing"));
  const std::vector<Ext> csv = Blocks(file, "fiemap");
  const Json& extents = files[0]["extents"];
  ASSERT_EQ(extents.size(), csv.size());
  for (size_t i = 0; i < csv.size(); ++i) {
    EXPECT_EQ(extents[i]["logical_block"].get<uint64_t>(), csv[i].logical) << i;
    EXPECT_EQ(extents[i]["physical_block"].get<uint64_t>(), csv[i].physical) << i;
    EXPECT_EQ(extents[i]["length_blocks"].get<uint64_t>(), csv[i].length) << i;
  }
}

TEST_F(BlocksCli, BadInputsGiveOneClearLineEach) {
  const int fd = Open("ok");
  Write(fd, 0, 4096, 'o');
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  ShellRun r = Shell(kIosched + " blocks '" + dir_ + "/missing' '" + dir_ + "' '" + dir_ + "/ok'");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(dir_ + "/missing: No such file or directory"));
  EXPECT_THAT(r.err, HasSubstr(dir_ + ": is a directory, expected a regular file"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  EXPECT_THAT(r.out, HasSubstr(dir_ + "/ok: 1 extent found")) << "good files still print";
  EXPECT_EQ(Shell(kIosched + " blocks --method blockmap x").code, 2);
  EXPECT_EQ(Shell(kIosched + " blocks").code, 2);
}

TEST_F(BlocksCli, TmpfsHasNeitherMap) {
  if (::access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no writable /dev/shm";
  const std::string path = "/dev/shm/iosched_blocks_" + std::to_string(::getpid());
  { std::ofstream(path) << "tmpfs data"; }
  ShellRun r = Shell(kIosched + " blocks " + path);
  ShellRun fib = Shell(kIosched + " blocks --method fibmap " + path);
  ::unlink(path.c_str());
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no block map: fibmap: not supported by this filesystem (EINVAL); "
                               "fiemap: not supported by this filesystem (EOPNOTSUPP)"));
  EXPECT_EQ(fib.code, 1);
  EXPECT_THAT(fib.err, HasSubstr("fibmap: not supported by this filesystem (EINVAL)"));
}

TEST_F(BlocksCli, FibmapWithoutCapSysRawio) {
  const int fd = Open("f");
  Write(fd, 0, 16384, 'f');
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
  const std::string path = dir_ + "/f";
  ShellRun forced = Shell(kIosched + " blocks --method fibmap " + path, /*drop_rawio=*/true);
  if (forced.code == 77) GTEST_SKIP() << "cannot drop CAP_SYS_RAWIO here";
  EXPECT_EQ(forced.code, 1) << forced.out;
  EXPECT_THAT(forced.err, HasSubstr("fibmap: not permitted (EPERM)"));
  EXPECT_THAT(forced.err, HasSubstr("CAP_SYS_RAWIO"));
  EXPECT_THAT(forced.err, HasSubstr("try --method fiemap"));
  ShellRun fallback = Shell(kIosched + " blocks " + path, /*drop_rawio=*/true);
  EXPECT_EQ(fallback.code, 0) << fallback.err;
  EXPECT_THAT(fallback.out, HasSubstr("method fiemap"));
  EXPECT_THAT(fallback.out, HasSubstr("because fibmap: not permitted (EPERM)"));
  EXPECT_EQ(Blocks(path, "fiemap"), AsFibmapSeesIt(Filefrag(path)));
}

}  // namespace
}  // namespace iosched
