// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The output rule (iosched/output_file.h): same-file detection through
// hard links and symlinks, devices refused, temporary + rename.

#include "iosched/output_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace iosched {
namespace {

using ::testing::HasSubstr;

std::string Tmp(const std::string& name) {
  return ::testing::TempDir() + "/iosched_out_" + std::to_string(::getpid()) + "_" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

int TempFilesBeside(const std::string& path) {
  const std::string dir = path.substr(0, path.rfind('/'));
  const std::string prefix = path.substr(path.rfind('/') + 1) + ".tmp.";
  int n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) n += std::string(e->d_name).rfind(prefix, 0) == 0;
    ::closedir(d);
  }
  return n;
}

TEST(OutputFileTest, SameFileThroughLinks) {
  const std::string a = Tmp("a"), hard = Tmp("hard"), soft = Tmp("soft"), other = Tmp("other");
  std::ofstream(a) << "x";
  std::ofstream(other) << "x";
  ASSERT_EQ(::link(a.c_str(), hard.c_str()), 0);
  ASSERT_EQ(::symlink(a.c_str(), soft.c_str()), 0);
  EXPECT_TRUE(SameFile(a, hard));
  EXPECT_TRUE(SameFile(soft, a));
  EXPECT_FALSE(SameFile(a, other));
  EXPECT_FALSE(SameFile(a, Tmp("missing")));
  OutputPathRule rule{.inputs = {"-", a}};
  for (const std::string& out : {a, hard, soft}) {
    absl::Status st = CheckOutputPath("OUT", out, rule);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << out;
    EXPECT_THAT(st.message(), HasSubstr("is the same file as " + a)) << out;
  }
  EXPECT_TRUE(CheckOutputPath("OUT", other, rule).ok());
  EXPECT_TRUE(CheckOutputPath("OUT", Tmp("new"), rule).ok());
  EXPECT_TRUE(CheckOutputPath("OUT", "-", rule).ok());
  for (const std::string& p : {a, hard, soft, other}) ::unlink(p.c_str());
}

TEST(OutputFileTest, DevicesAndFoldersAreRefused) {
  absl::Status z = CheckOutputPath("--record", "/dev/zero", {});
  EXPECT_EQ(z.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(z.message(),
            "--record /dev/zero is a character device; refusing to write a file onto it");
  EXPECT_TRUE(CheckOutputPath("--record", "/dev/zero", {.allow_device = true}).ok());
  EXPECT_TRUE(CheckOutputPath("--record", "/dev/null", {}).ok());
  EXPECT_THAT(CheckOutputPath("-o", ::testing::TempDir(), {}).message(),
              HasSubstr("is a directory"));
  // Any block device on this machine (stat only; nothing is opened).
  if (DIR* d = ::opendir("/dev")) {
    while (struct dirent* e = ::readdir(d)) {
      const std::string p = std::string("/dev/") + e->d_name;
      struct stat st;
      if (::stat(p.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
        EXPECT_THAT(CheckOutputPath("--record", p, {}).message(), HasSubstr("is a block device"));
        break;
      }
    }
    ::closedir(d);
  }
}

TEST(OutputFileTest, CommitRenamesAbandonKeepsTheOldFile) {
  const std::string path = Tmp("atomic");
  std::ofstream(path) << "old";
  {
    absl::StatusOr<std::unique_ptr<AtomicOutputFile>> f = AtomicOutputFile::Create(path);
    ASSERT_TRUE(f.ok()) << f.status();
    ASSERT_EQ(::write((*f)->fd(), "new", 3), 3);
    EXPECT_NE((*f)->temp_path(), path);
    EXPECT_EQ(Slurp(path), "old");  // nothing visible before Commit
  }  // destroyed without Commit
  EXPECT_EQ(Slurp(path), "old");
  EXPECT_EQ(TempFilesBeside(path), 0);
  absl::StatusOr<std::unique_ptr<AtomicOutputFile>> f = AtomicOutputFile::Create(path);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(::write((*f)->fd(), "new", 3), 3);
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_EQ(Slurp(path), "new");
  EXPECT_EQ(TempFilesBeside(path), 0);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace iosched
