// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// iosched: the command-line front end. Git-style subcommands, one file each
// (cmd_*.cc); `--help` everywhere. Exit codes: see commands.h.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "iosched/output_file.h"
#include "iosched/status_macros.h"

namespace iosched {

int Fail(int code, const std::string& what) {
  std::fprintf(stderr, "iosched: %s\n", what.c_str());
  return code;
}

namespace {

// Edit distance (insertions, deletions, substitutions) of two short words.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "unknown command 'x'; did you mean 'y'?" for a first argument that is no
// command (git's wording), or "no command given" for none. Empty when
// argv names a command or starts with an option (CLI11 handles those).
std::string CommandError(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  if (argc < 2) return "no command given; commands: " + list + " (iosched --help)";
  const std::string_view word = argv[1];
  if (word.starts_with("-")) return "";
  if (std::find(names.begin(), names.end(), word) != names.end()) return "";
  std::string best;
  size_t best_d = 3;  // suggest within two edits, or a unique prefix
  for (const std::string& n : names) {
    const size_t d = n.starts_with(word) ? 1 : Distance(word, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  std::string msg = "unknown command '" + std::string(word) + "'";
  if (!best.empty()) return msg + "; did you mean '" + best + "'?";
  return msg + "; commands: " + list + " (iosched --help)";
}

// Old option spellings, still accepted for one release: rewritten to the
// new one before parsing, with a note on stderr (once per spelling).
struct Renamed {
  std::string_view command;  // empty: every command
  std::string_view old_name, new_name;
};
constexpr Renamed kRenamed[] = {
    {"", "--max-records", "--max-requests"},
    {"replay", "--offsets", "--fit"},
    {"plot", "--out", "--output"},
    {"report", "--out", "--output"},
};

std::vector<std::string> RewriteOldSpellings(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (argc < 2) return args;
  const std::string_view command = args[1];
  std::vector<std::string_view> noted;
  auto note = [&noted](std::string_view old_name, std::string_view new_name) {
    if (std::find(noted.begin(), noted.end(), old_name) != noted.end()) return;
    noted.push_back(old_name);
    std::fprintf(stderr, "iosched: note: %.*s is deprecated; use %.*s\n",
                 static_cast<int>(old_name.size()), old_name.data(),
                 static_cast<int>(new_name.size()), new_name.data());
  };
  for (size_t i = 2; i < args.size(); ++i) {
    std::string& a = args[i];
    if (a == "--") break;
    for (const Renamed& r : kRenamed) {
      if (!r.command.empty() && r.command != command) continue;
      if (a == r.old_name || a.starts_with(std::string(r.old_name) + "=")) {
        note(r.old_name, r.new_name);
        a = std::string(r.new_name) + a.substr(r.old_name.size());
      }
    }
    // `info --format text` is now `--format table`, as everywhere else.
    if (command == "info" && (a == "--format=text" ||
                              (a == "--format" && i + 1 < args.size() && args[i + 1] == "text"))) {
      note("--format text", "--format table");
      if (a == "--format") {
        args[i + 1] = "table";
      } else {
        a = "--format=table";
      }
    }
  }
  return args;
}

// Options that name a folder the command writes files into; each follows
// the folder rule of iosched/output_file.h (absent, empty or ours, else
// --force) and is checked and created before the command runs.
struct FolderOption {
  std::string_view command, subcommand, option;
};
constexpr FolderOption kFolderOptions[] = {
    {"compare", "", "--plot"},   {"validate", "", "--plot"}, {"fsbench", "", "--plot"},
    {"plot", "", "--output"},    {"report", "", "--output"}, {"study", "run", "--out"},
    {"study", "merge", "--out"},
};

// Every value given to an option of `app` or of its parsed subcommands
// except `skip`: the files a command reads (its trace, --merge, --parv, …)
// are among them, so -o can be checked against all of them.
std::vector<std::string> OptionValues(const CLI::App& app, std::string_view skip) {
  std::vector<std::string> values;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_name() == skip || opt->count() == 0) continue;
    for (const std::string& v : opt->results()) values.push_back(v);
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    const std::vector<std::string> more = OptionValues(*sub, skip);
    values.insert(values.end(), more.begin(), more.end());
  }
  return values;
}

bool ForceGiven(const CLI::App& app) {
  const CLI::Option* force = app.get_option_no_throw("--force");
  return force != nullptr && force->count() > 0;
}

absl::Status PrepareOutputFolders(CLI::App& cmd) {
  for (const FolderOption& f : kFolderOptions) {
    if (cmd.get_name() != f.command) continue;
    CLI::App* app = &cmd;
    if (!f.subcommand.empty()) {
      app = nullptr;
      for (CLI::App* sub : cmd.get_subcommands()) {  // the parsed ones
        if (sub->get_name() == f.subcommand) app = sub;
      }
      if (app == nullptr) continue;
    }
    const CLI::Option* opt = app->get_option_no_throw(std::string(f.option));
    if (opt == nullptr || opt->count() == 0) continue;
    const std::string dir = opt->as<std::string>();
    if (dir.empty()) continue;
    IOSCHED_RETURN_IF_ERROR(
        PrepareOutputFolder(f.option, dir, ForceGiven(*app) || ForceGiven(cmd)));
  }
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  CLI::App app{"iosched: compare I/O elevators on recorded traces and simulated disks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "iosched " IOSCHED_VERSION);
  const std::vector<Command> commands = {
      SetupCompare(app),   SetupReplay(app),   SetupElevators(app), SetupDisks(app),
      SetupFormats(app),   SetupConvert(app),  SetupInfo(app),      SetupGenerate(app),
      SetupPlot(app),      SetupReport(app),   SetupBlocks(app),    SetupFsbench(app),
      SetupSortbench(app), SetupValidate(app), SetupStudy(app),
  };
  // -o/--output FILE on every command that prints its result: standard
  // output goes to FILE instead (commands that write files name them
  // themselves with -o/--output).
  // FILE follows the output rule (iosched/output_file.h): an existing file
  // that iosched did not write is replaced only with --force.
  std::vector<std::string> outputs(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    CLI::App* sub = commands[i].app;
    if (sub->get_option_no_throw("--output") != nullptr) continue;
    sub->add_option("-o,--output", outputs[i],
                    "Write the result to FILE instead of standard output");
    if (sub->get_option_no_throw("--force") == nullptr) {
      sub->add_flag("--force")->description(
          "Let -o replace an existing file that iosched did not write");
    }
  }
  if (const std::string e = CommandError(app, argc, argv); !e.empty()) {
    return Fail(kExitUsage, e);
  }
  std::vector<std::string> args = RewriteOldSpellings(argc, argv);
  // "Usage: iosched …" whatever the path it was started by (and in the
  // man page generated from --help).
  app.name(args[0].substr(args[0].rfind('/') + 1));
  // CLI11 takes the arguments in reverse order, without the program name.
  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    if (!commands[i].app->parsed()) continue;
    if (!outputs[i].empty() && outputs[i] != "-") {
      const CLI::Option* force = commands[i].app->get_option_no_throw("--force");
      OutputPathRule rule;
      rule.force = force != nullptr && force->count() > 0;
      rule.inputs = OptionValues(*commands[i].app, "--output");
      if (absl::Status st = CheckOutputPath("-o", outputs[i], rule); !st.ok()) {
        return Fail(kExitUsage, std::string(st.message()));
      }
      if (std::freopen(outputs[i].c_str(), "w", stdout) == nullptr) {
        return Fail(kExitRuntime, outputs[i] + ": cannot create: " + std::strerror(errno));
      }
    }
    if (absl::Status st = PrepareOutputFolders(*commands[i].app); !st.ok()) {
      return Fail(kExitUsage, std::string(st.message()));
    }
    return commands[i].action();
  }
  return kExitUsage;
}

}  // namespace
}  // namespace iosched

int main(int argc, char** argv) { return iosched::Main(argc, argv); }
