// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Subcommands of the `iosched` program. Each lives in its own cmd_*.cc file
// and registers itself on the CLI11 app with a Setup function that returns
// the action to run when the subcommand was given.
//
// Exit codes (every subcommand): 0 success, 1 runtime error (unreadable or
// malformed input, a failed run), 2 usage error (unknown option, elevator,
// tunable or disk preset, bad value). Errors are one line on stderr,
// prefixed "iosched: ".

#ifndef IOSCHED_TOOLS_COMMANDS_H_
#define IOSCHED_TOOLS_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace iosched {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// Prints "iosched: <what>" on stderr and returns `code`.
int Fail(int code, const std::string& what);

// The subcommand that was selected runs its action; options are parsed into
// state the Setup function captured.
using CommandAction = std::function<int()>;
struct Command {
  CLI::App* app;
  CommandAction action;
};

Command SetupCompare(CLI::App& app);
Command SetupReplay(CLI::App& app);
Command SetupElevators(CLI::App& app);
Command SetupDisks(CLI::App& app);
Command SetupFormats(CLI::App& app);
Command SetupConvert(CLI::App& app);
Command SetupInfo(CLI::App& app);
Command SetupGenerate(CLI::App& app);
Command SetupPlot(CLI::App& app);
Command SetupReport(CLI::App& app);
Command SetupBlocks(CLI::App& app);
Command SetupFsbench(CLI::App& app);
Command SetupSortbench(CLI::App& app);
Command SetupValidate(CLI::App& app);
Command SetupStudy(CLI::App& app);

}  // namespace iosched

#endif  // IOSCHED_TOOLS_COMMANDS_H_
