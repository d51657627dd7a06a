// GoogleTest main shared by every test binary.
//
// ctest runs each test case in its own process, two or more at a time, and
// many tests write files under ::testing::TempDir().  Fixed names there race
// between processes, so each process gets its own directory: it is created
// under the usual temp dir (TEST_TMPDIR, else TMPDIR, else /tmp — ext4 on the
// CI machines, which the O_DIRECT tests rely on), exported as TEST_TMPDIR so
// TempDir() returns it, and removed with everything in it when the process
// exits normally.

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace {

std::string BaseTempDir() {
  for (const char* var : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = BaseTempDir() + "/iosched-test.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    std::perror(("mkdtemp " + dir).c_str());
    return 2;
  }
  ::setenv("TEST_TMPDIR", (dir + "/").c_str(), /*overwrite=*/1);
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // Best effort: a leftover is harmless.
  return rc;
}
