// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Runs the real `iosched` program (or any shell command) from a test and
// captures its exit code, stdout and stderr. Shared by every CLI test.
//
// stderr goes through a file in ::testing::TempDir() (one directory per test
// process, see test_main.cc) named after the call, so parallel test
// processes and successive calls never share one.
//
// Thread-safety: call from the test's thread.

#ifndef IOSCHED_TESTS_CLI_RUNNER_H_
#define IOSCHED_TESTS_CLI_RUNNER_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "test_files.h"

namespace iosched::testing_util {

struct CliRun {
  int code = -1;    // exit status; -1 if the command did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` with /bin/sh.
inline CliRun RunShell(const std::string& command) {
  static int calls = 0;
  const std::string err_file = ::testing::TempDir() + "/cli_stderr." + std::to_string(++calls);
  CliRun r;
  FILE* p = ::popen((command + " 2>" + err_file).c_str(), "r");
  if (p == nullptr) return {-1, "", "popen failed"};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  std::remove(err_file.c_str());
  return r;
}

// Runs `iosched ARGS`, with standard input from `stdin_file` when given.
inline CliRun RunIosched(const std::string& args, const std::string& stdin_file = "") {
  std::string cmd = IoschedBinary() + " " + args;
  if (!stdin_file.empty()) cmd += " <" + stdin_file;
  return RunShell(cmd);
}

}  // namespace iosched::testing_util

#endif  // IOSCHED_TESTS_CLI_RUNNER_H_
