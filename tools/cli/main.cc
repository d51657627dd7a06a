// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// iosched: the command-line front end. Git-style subcommands, one file each
// (cmd_*.cc); `--help` everywhere. Exit codes: see commands.h.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <vector>

#include "commands.h"

namespace iosched {

int Fail(int code, const std::string& what) {
  std::fprintf(stderr, "iosched: %s\n", what.c_str());
  return code;
}

namespace {

int Main(int argc, char** argv) {
  CLI::App app{"iosched: compare I/O elevators on recorded traces and simulated disks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "iosched 0.1.0");
  const std::vector<Command> commands = {
      SetupCompare(app),   SetupReplay(app),   SetupElevators(app), SetupDisks(app),
      SetupFormats(app),   SetupConvert(app),  SetupInfo(app),      SetupGenerate(app),
      SetupPlot(app),      SetupReport(app),   SetupBlocks(app),    SetupFsbench(app),
      SetupSortbench(app), SetupValidate(app), SetupStudy(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.action();
  }
  return kExitUsage;
}

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) { return iosched::Main(argc, argv); }
