// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched elevators`, `iosched disks`, `iosched formats`: what is available.

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/trace.h"

namespace iosched {

Command SetupElevators(CLI::App& app) {
  CLI::App* cmd =
      app.add_subcommand("elevators", "List elevators and their tunables (kernel names)");
  return {cmd, [] {
            for (const std::string& name : KnownElevators()) {
              auto e = MakeElevator(name);
              std::cout << name << "\n";
              for (const TunableInfo& t : (*e)->Tunables()) {
                std::printf("  %-26s %8s %-10s %s\n", t.name.c_str(), t.value.c_str(),
                            t.unit.c_str(), t.help.c_str());
              }
            }
            return kExitOk;
          }};
}

Command SetupDisks(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("disks", "List disk presets");
  return {cmd, [] {
            for (const DiskPresetInfo& d : KnownDiskPresets()) {
              std::printf("%-14s %s\n", d.name.c_str(), d.description.c_str());
            }
            return kExitOk;
          }};
}

Command SetupFormats(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("formats", "List trace formats");
  return {cmd, [] {
            for (const std::string& f : KnownTraceFormats()) std::cout << f << "\n";
            return kExitOk;
          }};
}

}  // namespace iosched
