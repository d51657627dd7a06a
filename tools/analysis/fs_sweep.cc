// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "fs_sweep.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gnuplot_draw.h"
#include "iosched/disk_model.h"
#include "iosched/disksim.h"
#include "iosched/status_macros.h"
#include "json_io.h"
#include "result_meta.h"

namespace iosched {
namespace {

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

}  // namespace

absl::StatusOr<std::vector<double>> ParseFragmentationList(const std::string& list,
                                                           const std::string& flag) {
  std::vector<double> out;
  for (absl::string_view piece : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    piece = absl::StripAsciiWhitespace(piece);
    double v;
    if (!absl::SimpleAtod(piece, &v) || !(v >= 0.0 && v <= 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": expected numbers in [0, 1], got '", piece, "'"));
    }
    out.push_back(v);
  }
  if (out.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, ": no value given"));
  return out;
}

absl::StatusOr<FsSweepResult> RunFsSweep(const FsSweepOptions& o) {
  if (o.fragmentation.empty()) {
    return absl::InvalidArgumentError("no fragmentation level given");
  }
  for (double f : o.fragmentation) {
    if (!(f >= 0.0 && f <= 1.0)) {
      return absl::InvalidArgumentError(absl::StrCat("fragmentation must be in [0, 1], got ", f));
    }
  }
  if (o.orders.empty()) return absl::InvalidArgumentError("no order given");
  FsSweepResult out;
  out.options = o;
  out.disk = o.disk;
  // --parv: the drive imported from a DiskSim 4.0 parameter file. What is
  // wrong with the file is a runtime error, not a usage error.
  std::optional<HddParams> imported;
  if (!o.parv.empty()) {
    absl::StatusOr<DiskSimImport> model = LoadDiskSimParv(o.parv);
    if (!model.ok()) {
      return model.status().code() == absl::StatusCode::kInvalidArgument
                 ? absl::FailedPreconditionError(model.status().message())
                 : model.status();
    }
    out.disk = model->params.name;
    out.disk_warnings = std::move(model->warnings);
    imported = std::move(model->params);
  }
  const auto make_disk = [&]() {
    return imported ? MakeHddModel(*imported) : MakeDiskModel(o.disk);
  };
  absl::StatusOr<std::unique_ptr<DiskModel>> sizing_disk = make_disk();
  if (!sizing_disk.ok()) {
    // An unknown preset is a usage error.
    return imported ? sizing_disk.status()
                    : absl::InvalidArgumentError(sizing_disk.status().message());
  }
  const uint64_t capacity = (*sizing_disk)->capacity_sectors();

  FsLayoutOptions lo;
  lo.seed = o.seed;
  lo.files = o.files;
  lo.dirs = o.dirs;
  lo.dir_fanout = o.fanout;
  lo.min_file_bytes = o.min_file_kb << 10;
  lo.max_file_bytes = o.max_file_kb << 10;
  lo.jump_groups = o.jump_groups;
  FsWorkloadOptions wo;
  wo.request_bytes = o.request_kb << 10;
  wo.depth = o.depth;
  wo.seed = o.seed;

  for (double frag : o.fragmentation) {
    lo.fragmentation = frag;
    IOSCHED_ASSIGN_OR_RETURN(FsLayout layout, FsLayout::Build(lo, capacity));
    out.total_bytes = layout.total_bytes();
    FsSweepPoint p{frag, layout.extents_per_file(), {}};
    for (FsOrder order : o.orders) {
      IOSCHED_ASSIGN_OR_RETURN(std::unique_ptr<DiskModel> disk, make_disk());
      IOSCHED_ASSIGN_OR_RETURN(FsWorkloadResult r, RunFsWorkload(layout, order, *disk, wo));
      p.runs.push_back(std::move(r));
    }
    out.points.push_back(std::move(p));
  }
  return out;
}

std::string FsSweepTitle(const FsSweepResult& r) {
  const FsSweepOptions& o = r.options;
  return absl::StrFormat(
      "%u files (%.1f MB) in %u directories on %s, %u KiB reads, every request queued at once%s",
      o.files, r.total_bytes / 1e6, o.dirs, r.disk, o.request_kb,
      o.jump_groups == 0 ? "" : absl::StrFormat(", jumps within %u groups", o.jump_groups));
}

std::string FormatFsSweepTable(const FsSweepResult& r, const std::string& command) {
  std::string s = absl::StrCat(command, ": ", FsSweepTitle(r), ", seed ", r.options.seed, "\n");
  s += "total time to read every file, seconds (lower is better)\n";
  s += absl::StrFormat("%13s %12s", "fragmentation", "extents/file");
  for (FsOrder o : r.options.orders) s += absl::StrFormat(" %14s", FsOrderName(o));
  s += "\n";
  for (const FsSweepPoint& p : r.points) {
    s += absl::StrFormat("%13.2f %12.2f", p.fragmentation, p.extents_per_file);
    for (const FsWorkloadResult& run : p.runs) s += absl::StrFormat(" %14.2f", Seconds(run.total));
    s += "\n";
  }
  return s;
}

std::string FormatFsSweepCsv(const FsSweepResult& r) {
  // The result metadata first (result_meta.h), as in compare's CSV; numbers
  // are the shortest text that reads back as the same double.
  std::string s = FsSweepCsvHeader() +
                  ",fragmentation,extents_per_file,order,elevator,requests,total_s,seek_s,"
                  "rotation_s,transfer_s,mb_s,seek_mean_sectors,cache_hits\n";
  const std::vector<std::string> meta = FsSweepCsvMeta(r);  // one per run of a point
  for (const FsSweepPoint& p : r.points) {
    for (size_t i = 0; i < p.runs.size(); ++i) {
      const FsWorkloadResult& run = p.runs[i];
      // An elevator spec with a tunable list has commas: quote it.
      std::string elevator = run.elevator;
      if (elevator.find(',') != std::string::npos) elevator = "\"" + elevator + "\"";
      absl::StrAppend(&s, i < meta.size() ? meta[i] : std::string(), ",",
                      FormatDouble(p.fragmentation), ",", FormatDouble(p.extents_per_file), ",",
                      Sv(FsOrderName(run.order)), ",", elevator, ",", run.requests, ",",
                      FormatDouble(Seconds(run.total)), ",", FormatDouble(Seconds(run.seek)), ",",
                      FormatDouble(Seconds(run.rotation)), ",", FormatDouble(Seconds(run.transfer)),
                      ",", FormatDouble(run.summary.all.mb_s), ",",
                      FormatDouble(run.summary.seek_mean_sectors), ",", run.cache_hits, "\n");
    }
  }
  return s;
}

std::string FormatFsSweepJson(const FsSweepResult& r) {
  const FsSweepOptions& o = r.options;
  Json doc;
  doc["experiment"] = "fs-tree";
  doc["disk"] = r.disk;
  doc["files"] = o.files;
  doc["dirs"] = o.dirs;
  doc["fanout"] = o.fanout;
  doc["min_file_kb"] = o.min_file_kb;
  doc["max_file_kb"] = o.max_file_kb;
  doc["total_bytes"] = r.total_bytes;
  doc["request_kb"] = o.request_kb;
  doc["depth"] = o.depth;
  doc["jump_groups"] = o.jump_groups;
  doc["seed"] = o.seed;
  Json& orders = doc["orders"] = Json::array();
  for (FsOrder order : o.orders) orders.push_back(FsOrderName(order));
  Json& points = doc["points"] = Json::array();
  for (const FsSweepPoint& p : r.points) {
    Json point;
    point["fragmentation"] = p.fragmentation;
    point["extents_per_file"] = p.extents_per_file;
    Json& runs = point["runs"] = Json::array();
    for (const FsWorkloadResult& run : p.runs) {
      Json j;
      j["order"] = FsOrderName(run.order);
      j["elevator"] = run.elevator;
      j["requests"] = run.requests;
      j["total_s"] = Seconds(run.total);
      j["seek_s"] = Seconds(run.seek);
      j["rotation_s"] = Seconds(run.rotation);
      j["transfer_s"] = Seconds(run.transfer);
      j["mb_s"] = run.summary.all.mb_s;
      j["seek_mean_sectors"] = run.summary.seek_mean_sectors;
      j["cache_hits"] = run.cache_hits;
      runs.push_back(std::move(j));
    }
    points.push_back(std::move(point));
  }
  AddFsSweepMeta(&doc, r);  // "schema_version", "meta" (result_meta.h)
  return DumpJson(doc);
}

absl::Status WriteFsSweepPlot(const FsSweepResult& r, const std::string& dir,
                              const std::string& stem, std::vector<std::string>* written) {
  IOSCHED_RETURN_IF_ERROR(PreparePlotDir(dir));
  const std::vector<FsOrder>& orders = r.options.orders;
  IOSCHED_RETURN_IF_ERROR(DrawPngAndSvg(dir, stem, kPlotHeight, [&](Gnuplot& gp) {
    // Two lines (a long title is clipped): break after the disk name.
    std::string title = FsSweepTitle(r);
    if (size_t at = title.find(", "); at != std::string::npos) title.replace(at, 2, "\n");
    gp << "set title " << GnuplotDQuote(title) << "\n";
    gp << "set key outside right top\n";
    gp << "set xlabel 'fragmentation (probability that an allocation jumps)'\n";
    gp << "set ylabel 'total time to read every file (s)'\nset yrange [0:*]\n";
    gp << "plot ";
    for (size_t i = 0; i < orders.size(); ++i) {
      gp << (i ? ", " : "") << "'-' with linespoints lw 2 pt 7 ps 1.5*PS lc rgb '"
         << OrderColor(orders[i]) << "' title "
         << GnuplotQuote(std::string(FsOrderName(orders[i])));
    }
    gp << "\n";
    for (size_t i = 0; i < orders.size(); ++i) {
      std::vector<std::pair<double, double>> xy;
      for (const FsSweepPoint& p : r.points)
        xy.emplace_back(p.fragmentation, Seconds(p.runs[i].total));
      gp.send1d(xy);
    }
  }));
  if (written) {
    written->push_back(absl::StrCat(dir, "/", stem, ".png"));
    written->push_back(absl::StrCat(dir, "/", stem, ".svg"));
  }
  return absl::OkStatus();
}

}  // namespace iosched
