// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched elevators`, `iosched disks`, `iosched formats`: what is available,
// as a table (default) or JSON (--format json):
//   elevators: [{"name": …, "tunables": [{"name", "value", "unit", "help"}]}]
//   disks:     [{"name": …, "description": …}]
//   formats:   [{"name": …, "writable": true|false}]

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "iosched/disk_model.h"
#include "iosched/registry.h"
#include "iosched/trace.h"
#include "iosched/trace_writer.h"
#include "json_io.h"

namespace iosched {
namespace {

void AddFormatOption(CLI::App* cmd, std::string* format) {
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

}  // namespace

Command SetupElevators(CLI::App& app) {
  CLI::App* cmd =
      app.add_subcommand("elevators", "List elevators and their tunables (kernel names)");
  auto format = std::make_shared<std::string>("table");
  AddFormatOption(cmd, format.get());
  return {cmd, [format] {
            Json w = Json::array();
            for (const std::string& name : KnownElevators()) {
              auto e = MakeElevator(name);
              if (*format == "json") {
                Json tunables = Json::array();
                for (const TunableInfo& t : (*e)->Tunables()) {
                  tunables.push_back(
                      {{"name", t.name}, {"value", t.value}, {"unit", t.unit}, {"help", t.help}});
                }
                w.push_back({{"name", name}, {"tunables", std::move(tunables)}});
                continue;
              }
              std::cout << name << "\n";
              for (const TunableInfo& t : (*e)->Tunables()) {
                std::printf("  %-26s %8s %-10s %s\n", t.name.c_str(), t.value.c_str(),
                            t.unit.c_str(), t.help.c_str());
              }
            }
            if (*format == "json") std::cout << DumpJson(w);
            return kExitOk;
          }};
}

Command SetupDisks(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("disks", "List disk presets");
  auto format = std::make_shared<std::string>("table");
  AddFormatOption(cmd, format.get());
  return {cmd, [format] {
            Json w = Json::array();
            for (const DiskPresetInfo& d : KnownDiskPresets()) {
              if (*format == "json") {
                w.push_back({{"name", d.name}, {"description", d.description}});
              } else {
                std::printf("%-14s %s\n", d.name.c_str(), d.description.c_str());
              }
            }
            if (*format == "json") std::cout << DumpJson(w);
            return kExitOk;
          }};
}

Command SetupFormats(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("formats", "List trace formats");
  auto format = std::make_shared<std::string>("table");
  AddFormatOption(cmd, format.get());
  return {cmd, [format] {
            const std::vector<std::string> writable = WritableTraceFormats();
            Json w = Json::array();
            for (const std::string& f : KnownTraceFormats()) {
              if (*format == "json") {
                w.push_back({{"name", f},
                             {"writable", std::find(writable.begin(), writable.end(), f) !=
                                              writable.end()}});
              } else {
                std::cout << f << "\n";
              }
            }
            if (*format == "json") std::cout << DumpJson(w);
            return kExitOk;
          }};
}

}  // namespace iosched
