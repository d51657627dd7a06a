// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched blocks FILE... [--method fibmap|fiemap|auto] [--format table|csv|json]`:
// each file's logical -> physical block map, the chapter's print_blocks()
// done with both ioctls (layout_probe.h: MapPath).
//
// Units: blocks of the filesystem block size (FIGETBSZ), as filefrag prints
// them; ranges are inclusive ("16..127"), lengths in blocks.
// --method auto tries FIBMAP, then FIEMAP, and says why FIBMAP was not used
// (not permitted, not supported, or no block mapped in a non-empty file).
// A file that cannot be mapped (missing, a directory, a filesystem with
// neither map such as tmpfs, FIBMAP without CAP_SYS_RAWIO) gets one error
// line on stderr; the other files are still printed, and the exit code is 1.

#include <sys/sysmacros.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "commands.h"
#include "iosched/layout_probe.h"
#include "iosched/status_macros.h"
#include "json_io.h"

namespace iosched {
namespace {

struct BlocksFlags {
  std::vector<std::string> files;
  std::string method = "auto";
  std::string format = "table";
  bool sync = false;
};

struct Mapped {
  FileLayout layout;
  std::string note;  // why an earlier method was not used (auto)
};

// Maps `path` as asked. Errors are one line without the "iosched: " prefix.
absl::StatusOr<Mapped> MapOne(const std::string& path, const BlocksFlags& f) {
  if (f.method != "auto") {
    IOSCHED_ASSIGN_OR_RETURN(ProbeMethod m, ParseProbeMethod(f.method));
    absl::StatusOr<FileLayout> l = MapPath(path, m, f.sync);
    if (!l.ok()) {
      if (FailureOf(l.status()) == ProbeFailure::kPermission) {
        return absl::PermissionDeniedError(
            absl::StrCat(l.status().message(), "; try --method fiemap or --method auto"));
      }
      return l.status();
    }
    return Mapped{*std::move(l), ""};
  }
  absl::StatusOr<FileLayout> fib = MapPath(path, ProbeMethod::kFibmap, f.sync);
  if (fib.ok() && (!fib->extents.empty() || fib->stat.size == 0)) {
    return Mapped{*std::move(fib), ""};
  }
  if (fib.ok()) {
    // FIBMAP answered 0 for every block of a non-empty file: a sparse or
    // preallocated file, or a filesystem that declines (XFS reflinked files,
    // FUSE). FIEMAP may know better.
    absl::StatusOr<FileLayout> fie = MapPath(path, ProbeMethod::kFiemap, f.sync);
    if (!fie.ok() || fie->extents.empty()) return Mapped{*std::move(fib), ""};
    return Mapped{*std::move(fie),
                  "fibmap mapped no block (FIBMAP answers 0 for holes, unwritten extents and "
                  "files the filesystem declines to map)"};
  }
  // Problems with the file itself are the same for every method.
  const ProbeFailure why = FailureOf(fib.status());
  if (why == ProbeFailure::kNoFile || why == ProbeFailure::kNotRegular ||
      why == ProbeFailure::kChanged) {
    return fib.status();
  }
  absl::StatusOr<FileLayout> fie = MapPath(path, ProbeMethod::kFiemap, f.sync);
  // MapPath prefixes "PATH: "; keep only the reason for the note.
  std::string fib_reason(fib.status().message());
  if (fib_reason.rfind(path + ": ", 0) == 0) fib_reason.erase(0, path.size() + 2);
  if (!fie.ok()) {
    std::string fie_reason(fie.status().message());
    if (fie_reason.rfind(path + ": ", 0) == 0) fie_reason.erase(0, path.size() + 2);
    return absl::Status(fie.status().code(),
                        absl::StrCat(path, ": no block map: ", fib_reason, "; ", fie_reason));
  }
  return Mapped{*std::move(fie), fib_reason};
}

uint64_t Blocks(uint64_t bytes, uint64_t unit) { return (bytes + unit - 1) / unit; }

void PrintTable(const std::string& path, const Mapped& m) {
  const FileLayout& l = m.layout;
  const uint64_t unit = l.block_size != 0 ? l.block_size : 1;
  std::cout << absl::StrFormat("%s: %u bytes, %u blocks of %u bytes, inode %u on device %u:%u\n",
                               path, l.stat.size, Blocks(l.stat.size, unit), unit, l.stat.ino,
                               major(l.stat.dev), minor(l.stat.dev));
  std::cout << absl::StrFormat("method %s (%u ioctls)%s\n", ProbeMethodName(l.method),
                               l.ioctl_calls, m.note.empty() ? "" : " because " + m.note);
  if (l.extents.empty()) {
    std::cout << "no allocated blocks\n";
  } else {
    // filefrag -v's columns (without "expected").
    std::cout << absl::StrFormat("%4s: %22s: %24s: %8s: %s\n", "ext", "logical_block",
                                 "physical_block", "length", "flags");
    for (size_t i = 0; i < l.extents.size(); ++i) {
      const Extent& e = l.extents[i];
      const uint64_t n = Blocks(e.length, unit);
      std::cout << absl::StrFormat("%4u: %10u..%10u: %11u..%11u: %8u: %s\n", i, e.logical / unit,
                                   e.logical / unit + n - 1, e.physical / unit,
                                   e.physical / unit + n - 1, n, ExtentFlagNames(e.flags));
    }
  }
  std::cout << absl::StrFormat("%s: %u extent%s found\n", path, l.extents.size(),
                               l.extents.size() == 1 ? "" : "s");
}

void PrintCsv(const std::string& path, const Mapped& m) {
  const FileLayout& l = m.layout;
  const uint64_t unit = l.block_size != 0 ? l.block_size : 1;
  std::string quoted = path;
  if (quoted.find_first_of(",\"\n") != std::string::npos) {
    quoted = absl::StrCat("\"", absl::StrReplaceAll(path, {{"\"", "\"\""}}), "\"");
  }
  for (size_t i = 0; i < l.extents.size(); ++i) {
    const Extent& e = l.extents[i];
    std::cout << absl::StrFormat("%s,%s,%u,%u,%u,%u,%u,%s\n", quoted, ProbeMethodName(l.method), i,
                                 e.logical / unit, e.physical / unit, Blocks(e.length, unit), unit,
                                 absl::StrReplaceAll(ExtentFlagNames(e.flags), {{",", "|"}}));
  }
}

// One object per file: {"file", "size", "block_size", "inode", "device",
// "method", "ioctl_calls", "note", "extents": [{"extent", "logical_block",
// "physical_block", "length_blocks", "flags": [...]}]}; a file that could
// not be mapped is {"file", "error"} (and the error is on stderr as well).
Json FileJson(const std::string& path, const Mapped& m) {
  const FileLayout& l = m.layout;
  const uint64_t unit = l.block_size != 0 ? l.block_size : 1;
  Json j;
  j["file"] = path;
  j["size"] = l.stat.size;
  j["block_size"] = unit;
  j["inode"] = l.stat.ino;
  j["device"] = absl::StrCat(major(l.stat.dev), ":", minor(l.stat.dev));
  j["method"] = ProbeMethodName(l.method);
  j["ioctl_calls"] = l.ioctl_calls;
  j["note"] = m.note;
  Json& extents = j["extents"] = Json::array();
  for (size_t i = 0; i < l.extents.size(); ++i) {
    const Extent& e = l.extents[i];
    Json x;
    x["extent"] = i;
    x["logical_block"] = e.logical / unit;
    x["physical_block"] = e.physical / unit;
    x["length_blocks"] = Blocks(e.length, unit);
    Json& flags = x["flags"] = Json::array();
    const std::vector<std::string> names =
        absl::StrSplit(ExtentFlagNames(e.flags), ',', absl::SkipEmpty());
    for (const std::string& name : names) flags.push_back(name);
    extents.push_back(std::move(x));
  }
  return j;
}

int RunBlocks(const BlocksFlags& f) {
  int code = kExitOk;
  Json files = Json::array();
  if (f.format == "csv") {
    std::cout << "file,method,extent,logical_block,physical_block,length_blocks,block_size,"
                 "flags\n";
  }
  bool first = true;
  for (const std::string& path : f.files) {
    absl::StatusOr<Mapped> m = MapOne(path, f);
    if (!m.ok()) {
      std::cout.flush();
      std::string msg(m.status().message());
      if (msg.rfind(path + ": ", 0) != 0) msg = absl::StrCat(path, ": ", msg);
      code = Fail(kExitRuntime, msg);
      if (f.format == "json") files.push_back(Json{{"file", path}, {"error", msg}});
      continue;
    }
    if (f.format == "json") {
      files.push_back(FileJson(path, *m));
    } else if (f.format == "csv") {
      PrintCsv(path, *m);
    } else {
      if (!first) std::cout << "\n";
      PrintTable(path, *m);
    }
    first = false;
  }
  if (f.format == "json") std::cout << DumpJson(Json{{"files", std::move(files)}});
  std::cout.flush();
  return code;
}

}  // namespace

Command SetupBlocks(CLI::App& app) {
  auto f = std::make_shared<BlocksFlags>();
  CLI::App* cmd = app.add_subcommand(
      "blocks", "Print files' logical -> physical block maps (FIBMAP / FIEMAP), like filefrag -v");
  cmd->add_option("files", f->files, "Regular files")->required();
  cmd->add_option("--method", f->method,
                  "fibmap (needs CAP_SYS_RAWIO), fiemap, or auto (fibmap, then fiemap)")
      ->check(CLI::IsMember({"auto", "fibmap", "fiemap"}))
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_flag("--sync", f->sync, "FIEMAP_FLAG_SYNC: flush delayed allocations first");
  return {cmd, [f] { return RunBlocks(*f); }};
}

}  // namespace iosched
