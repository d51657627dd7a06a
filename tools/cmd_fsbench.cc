// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched fsbench`: the simulated version of the chapter's question. Lays
// out a directory tree on a simulated disk (fs_layout.h) at several
// fragmentation levels and reads every file in each order (random, path,
// inode, physical, physical-first), every request queued at once.
//
// Output: a table of total times (seconds) per fragmentation and order, or
// CSV with one row per (fragmentation, order); --plot DIR writes
// fsbench.png and fsbench.svg (x: fragmentation, y: total time, one line per
// order).

#include <gnuplot-iostream.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "commands.h"
#include "iosched/disk_model.h"
#include "iosched/fs_layout.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

struct FsbenchFlags {
  std::string disk = "hp-c2247a";
  std::string fragmentation = "0,0.25,0.5,0.75,1";
  std::string orders = "random,path,inode,physical";
  std::string format = "table";
  std::string plot_dir;
  uint32_t files = 2000, dirs = 100, fanout = 8;
  uint64_t min_file_kb = 4, max_file_kb = 256;
  uint32_t request_kb = 64, depth = 1;
  uint32_t jump_groups = 0;
  uint64_t seed = 1;
};

struct Point {
  double fragmentation;
  double extents_per_file;
  std::vector<FsWorkloadResult> runs;  // one per order
};

absl::StatusOr<std::vector<double>> ParseFractions(const std::string& list) {
  std::vector<double> out;
  for (absl::string_view piece : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    double v;
    if (!absl::SimpleAtod(piece, &v) || !(v >= 0.0 && v <= 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--fragmentation: expected numbers in [0, 1], got '", piece, "'"));
    }
    out.push_back(v);
  }
  if (out.empty()) return absl::InvalidArgumentError("--fragmentation: no value given");
  return out;
}

double Seconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }

std::string OrderColor(FsOrder o) {
  switch (o) {
    case FsOrder::kRandom:
      return "#999999";
    case FsOrder::kPath:
      return "#1b9e77";
    case FsOrder::kInode:
      return "#e6ab02";
    case FsOrder::kPhysical:
      return "#a6761d";
    case FsOrder::kPhysicalFirst:
      return "#7570b3";
  }
  return "#333333";
}

absl::Status WritePlot(const std::string& dir, const std::string& title,
                       const std::vector<FsOrder>& orders, const std::vector<Point>& points,
                       std::vector<std::string>* written) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    return absl::FailedPreconditionError(
        "gnuplot not found: install the Debian package gnuplot-nox to write plots");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(dir, ": ", ec.message()));
  const struct {
    const char* ext;
    const char* terminal;
  } kTerminals[] = {
      {"png", "set terminal pngcairo size 1200,750 enhanced font 'DejaVu Sans,13' noenhanced"},
      {"svg", "set terminal svg size 1200,750 dynamic font 'DejaVu Sans,13' noenhanced"},
  };
  for (const auto& t : kTerminals) {
    const std::string path = absl::StrCat(dir, "/fsbench.", t.ext);
    const std::string errors = dir + "/.gnuplot-errors.txt";
    {
      Gnuplot gp("gnuplot 2>" + errors);
      gp << t.terminal << "\nset output '" << path << "'\n";
      gp << "set grid\nset key outside right top\nset border 3\nset tics nomirror\n";
      // Two lines (a long title is clipped): break after the disk name.
      std::string two_lines = title;
      if (size_t at = two_lines.find(", "); at != std::string::npos) {
        two_lines.replace(at, 2, "\\n");
      }
      gp << "set title \"" << two_lines << "\"\n";
      gp << "set xlabel 'fragmentation (probability that an allocation jumps)'\n";
      gp << "set ylabel 'total time to read every file (s)'\nset yrange [0:*]\n";
      gp << "plot ";
      for (size_t i = 0; i < orders.size(); ++i) {
        gp << (i ? ", " : "") << "'-' with linespoints lw 2 pt 7 lc rgb '" << OrderColor(orders[i])
           << "' title '" << FsOrderName(orders[i]) << "'";
      }
      gp << "\n";
      for (size_t i = 0; i < orders.size(); ++i) {
        std::vector<std::pair<double, double>> xy;
        for (const Point& p : points) xy.emplace_back(p.fragmentation, Seconds(p.runs[i].total));
        gp.send1d(xy);
      }
      gp << "set output\n";
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || st.st_size == 0) {
      return absl::InternalError(absl::StrCat("gnuplot did not write ", path, "; see ", errors));
    }
    std::remove(errors.c_str());
    written->push_back(path);
  }
  return absl::OkStatus();
}

int RunFsbench(const FsbenchFlags& f) {
  absl::StatusOr<std::vector<double>> fractions = ParseFractions(f.fragmentation);
  if (!fractions.ok()) return Fail(kExitUsage, std::string(fractions.status().message()));
  absl::StatusOr<std::vector<FsOrder>> orders = ParseFsOrders(f.orders);
  if (!orders.ok()) {
    return Fail(kExitUsage, absl::StrCat("--order: ", orders.status().message()));
  }
  absl::StatusOr<std::unique_ptr<DiskModel>> probe_disk = MakeDiskModel(f.disk);
  if (!probe_disk.ok()) return Fail(kExitUsage, std::string(probe_disk.status().message()));
  const uint64_t capacity = (*probe_disk)->capacity_sectors();

  FsLayoutOptions lo;
  lo.seed = f.seed;
  lo.files = f.files;
  lo.dirs = f.dirs;
  lo.dir_fanout = f.fanout;
  lo.min_file_bytes = f.min_file_kb << 10;
  lo.max_file_bytes = f.max_file_kb << 10;
  lo.jump_groups = f.jump_groups;
  FsWorkloadOptions wo;
  wo.request_bytes = f.request_kb << 10;
  wo.depth = f.depth;
  wo.seed = f.seed;

  std::vector<Point> points;
  uint64_t total_bytes = 0;
  for (double frag : *fractions) {
    lo.fragmentation = frag;
    absl::StatusOr<FsLayout> layout = FsLayout::Build(lo, capacity);
    if (!layout.ok()) {
      return Fail(
          layout.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitRuntime,
          std::string(layout.status().message()));
    }
    total_bytes = layout->total_bytes();
    Point p{frag, layout->extents_per_file(), {}};
    for (FsOrder o : *orders) {
      absl::StatusOr<std::unique_ptr<DiskModel>> disk = MakeDiskModel(f.disk);
      if (!disk.ok()) return Fail(kExitUsage, std::string(disk.status().message()));
      absl::StatusOr<FsWorkloadResult> r = RunFsWorkload(*layout, o, **disk, wo);
      if (!r.ok()) {
        return Fail(
            r.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitRuntime,
            std::string(r.status().message()));
      }
      p.runs.push_back(*std::move(r));
    }
    points.push_back(std::move(p));
  }

  const std::string title = absl::StrFormat(
      "%u files (%.1f MB) in %u directories on %s, %u KiB reads, every request queued at once%s",
      f.files, total_bytes / 1e6, f.dirs, f.disk, f.request_kb,
      f.jump_groups == 0 ? "" : absl::StrFormat(", jumps within %u groups", f.jump_groups));
  if (f.format == "csv") {
    std::cout << "fragmentation,extents_per_file,order,elevator,requests,total_s,seek_s,"
                 "rotation_s,transfer_s,mb_s,seek_mean_sectors,cache_hits\n";
    for (const Point& p : points) {
      for (const FsWorkloadResult& r : p.runs) {
        std::cout << absl::StrFormat("%.4g,%.4f,%s,%s,%u,%.6f,%.6f,%.6f,%.6f,%.4f,%.1f,%u\n",
                                     p.fragmentation, p.extents_per_file, FsOrderName(r.order),
                                     r.elevator, r.requests, Seconds(r.total), Seconds(r.seek),
                                     Seconds(r.rotation), Seconds(r.transfer), r.summary.all.mb_s,
                                     r.summary.seek_mean_sectors, r.cache_hits);
      }
    }
  } else {
    std::cout << "fsbench: " << title << ", seed " << f.seed << "\n";
    std::cout << "total time to read every file, seconds (lower is better)\n";
    std::cout << absl::StrFormat("%13s %12s", "fragmentation", "extents/file");
    for (FsOrder o : *orders) std::cout << absl::StrFormat(" %14s", FsOrderName(o));
    std::cout << "\n";
    for (const Point& p : points) {
      std::cout << absl::StrFormat("%13.2f %12.2f", p.fragmentation, p.extents_per_file);
      for (const FsWorkloadResult& r : p.runs) {
        std::cout << absl::StrFormat(" %14.2f", Seconds(r.total));
      }
      std::cout << "\n";
    }
  }
  std::cout.flush();
  if (!f.plot_dir.empty()) {
    std::vector<std::string> written;
    if (absl::Status st = WritePlot(f.plot_dir, title, *orders, points, &written); !st.ok()) {
      return Fail(kExitRuntime, std::string(st.message()));
    }
    for (const std::string& w : written) std::fprintf(stderr, "wrote %s\n", w.c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupFsbench(CLI::App& app) {
  auto f = std::make_shared<FsbenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "fsbench",
      "Simulate reading every file of a tree in random, path, inode or physical order "
      "against fragmentation");
  cmd->add_option("--disk", f->disk, "Disk preset (see `iosched disks`)")->capture_default_str();
  cmd->add_option("--files", f->files, "Files in the tree")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  cmd->add_option("--dirs", f->dirs, "Directories, the root included")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  cmd->add_option("--fanout", f->fanout, "Subdirectories per directory")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  cmd->add_option("--min-file-kb", f->min_file_kb, "Smallest file (KiB; sizes are log-uniform)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--max-file-kb", f->max_file_kb, "Largest file (KiB)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--fragmentation", f->fragmentation,
                  "Comma-separated fragmentation levels in [0, 1]")
      ->capture_default_str();
  cmd->add_option("--order,--orders", f->orders,
                  "Comma-separated orders: random, path, inode, physical, physical-first")
      ->capture_default_str();
  cmd->add_option("--jump-groups", f->jump_groups,
                  "A fragmenting allocation lands within this many 32 MiB block groups of where "
                  "it was (0: anywhere on the disk)")
      ->check(CLI::Range(0u, 1000000u))
      ->capture_default_str();
  cmd->add_option("--request-kb", f->request_kb, "Read size of the application (KiB)")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
  cmd->add_option("--depth", f->depth, "Units in flight at the device")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed of the layout and of the random order")
      ->capture_default_str();
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "csv"}))
      ->capture_default_str();
  cmd->add_option("--plot", f->plot_dir, "Write fsbench.png and fsbench.svg into this directory");
  return {cmd, [f] { return RunFsbench(*f); }};
}

}  // namespace iosched
