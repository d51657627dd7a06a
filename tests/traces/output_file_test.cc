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
  // --force lets a foreign file be replaced, never an input.
  OutputPathRule rule{.inputs = {"-", a}, .force = true};
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

// Issue 18: an existing file that iosched did not write is replaced only
// with force; ours are recognised by their marker in the first 4 KiB.
TEST(OutputFileTest, ForeignFilesNeedForce) {
  const std::string notes = Tmp("notes.txt");
  std::ofstream(notes) << "my notes, not a result\n";
  absl::Status st = CheckOutputPath("-o", notes, {});
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message(), "-o " + notes +
                              " exists and was not written by iosched (no iosched trace header "
                              "or results schema_version in its first 4 KiB); refusing to "
                              "overwrite it (use --force)");
  EXPECT_TRUE(CheckOutputPath("-o", notes, {.force = true}).ok());
  EXPECT_FALSE(IsOurOutputFile(notes));
  const std::string json = Tmp("result.json");
  std::ofstream(json) << "{\n  \"schema_version\": 1,\n  \"requests\": 3\n}\n";
  EXPECT_TRUE(IsOurOutputFile(json));
  EXPECT_TRUE(CheckOutputPath("-o", json, {}).ok());
  const std::string csv = Tmp("trace.csv");
  std::ofstream(csv) << "# iosched trace v1 time_unit=ns\ntime_ns,op,offset,length\n";
  EXPECT_TRUE(IsOurOutputFile(csv));
  const std::string bin = Tmp("trace.bin");
  std::ofstream(bin) << "IOSCHEDB" << std::string(56, '\0');
  EXPECT_TRUE(IsOurOutputFile(bin));
  const std::string empty = Tmp("empty");
  std::ofstream{empty};
  EXPECT_TRUE(IsOurOutputFile(empty));
  EXPECT_TRUE(CheckOutputPath("-o", Tmp("new-file"), {}).ok());  // absent
  // The marker must be near the start: a foreign file that mentions it
  // later is still foreign.
  const std::string late = Tmp("late.txt");
  std::ofstream(late) << std::string(5000, 'x') << "schema_version";
  EXPECT_FALSE(IsOurOutputFile(late));
  for (const std::string& p : {notes, json, csv, bin, empty, late}) std::remove(p.c_str());
}

TEST(OutputFileTest, FoldersNeedToBeOursOrEmpty) {
  const std::string dir = Tmp("plots");
  ASSERT_TRUE(PrepareOutputFolder("--plot", dir + "/sub", false).ok());  // created, parents too
  EXPECT_EQ(::access((dir + "/sub/.iosched-output").c_str(), F_OK), 0);
  // Ours (marked): written into again without force.
  std::ofstream(dir + "/sub/latency.png") << "png";
  EXPECT_TRUE(PrepareOutputFolder("--plot", dir + "/sub", false).ok());
  // A folder with someone else's files.
  const std::string other = Tmp("photos");
  ASSERT_EQ(::mkdir(other.c_str(), 0777), 0);
  std::ofstream(other + "/holiday.jpg") << "jpg";
  absl::Status st = PrepareOutputFolder("--plot", other, false);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("--plot " + other + " holds files iosched did not write (holiday.jpg"));
  EXPECT_THAT(st.message(), HasSubstr("use --force"));
  EXPECT_EQ(::access((other + "/.iosched-output").c_str(), F_OK), -1);  // untouched
  EXPECT_TRUE(PrepareOutputFolder("--plot", other, true).ok());
  // Empty subfolders hold nothing to lose.
  const std::string watched = Tmp("watched");
  ASSERT_EQ(::mkdir(watched.c_str(), 0777), 0);
  ASSERT_EQ(::mkdir((watched + "/cells").c_str(), 0777), 0);
  EXPECT_TRUE(PrepareOutputFolder("--out", watched, false).ok());
  // An empty folder is fine; a file is not a folder.
  const std::string empty = Tmp("empty-dir");
  ASSERT_EQ(::mkdir(empty.c_str(), 0777), 0);
  EXPECT_TRUE(PrepareOutputFolder("-o", empty, false).ok());
  const std::string file = Tmp("a-file");
  std::ofstream(file) << "x";
  EXPECT_THAT(PrepareOutputFolder("-o", file, true).message(), HasSubstr("is not a folder"));
  // A study folder is recognised by its manifest.
  const std::string study = Tmp("study");
  ASSERT_EQ(::mkdir(study.c_str(), 0777), 0);
  std::ofstream(study + "/manifest.json") << "{\"schema_version\": 1}";
  EXPECT_TRUE(PrepareOutputFolder("--out", study, false).ok());
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
