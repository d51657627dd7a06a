// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "study_report.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gnuplot_draw.h"
#include "iosched/status_macros.h"
#include "report.h"
#include "study.h"

namespace iosched {
namespace {

bool LowerIsBetter(const std::string& m) {
  return m.find("lat") != std::string::npos || m.find("wait") != std::string::npos ||
         m.find("service") != std::string::npos || m.find("seek") != std::string::npos ||
         m == "span_s";
}

double Metric(const OrderedJson& cell, const std::string& m) {
  const OrderedJson& v = cell["result"][m];
  return v.is_number() ? v.get<double>() : NAN;
}

std::string GroupOf(const OrderedJson& c) {
  const OrderedJson& k = c["cell"];
  return absl::StrCat(k["trace"].get<std::string>(), " on ", k["disk"].get<std::string>(), ", ",
                      k["mode"].get<std::string>(), ", depth ", k["depth"].get<uint32_t>(),
                      k["mode"] == "closed" ? absl::StrCat(", async_writes ", k["async_writes"].get<uint32_t>())
                                            : std::string());
}

}  // namespace

absl::Status WriteStudyReport(const std::string& study_dir, const std::string& out_dir,
                              StudyReportFiles* files) {
  IOSCHED_ASSIGN_OR_RETURN(StudyFolder f, ReadStudyFolder(study_dir));
  if (f.cells.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(study_dir, ": no finished cell to report"));
  }
  const OrderedJson& st = f.manifest["study"];
  const std::string metric = st.value("metric", "lat_mean_ms");
  std::string baseline = st.value("baseline", "");
  const bool lower = LowerIsBetter(metric);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(out_dir, ": cannot create: ", ec.message()));

  // Groups in plan order; settings in plan order.
  std::vector<std::string> group_order, specs;
  std::map<std::string, std::vector<const OrderedJson*>> groups;
  std::set<std::string> seen_spec;
  for (const OrderedJson& c : f.cells) {
    const std::string g = GroupOf(c);
    if (!groups.count(g)) group_order.push_back(g);
    groups[g].push_back(&c);
    const std::string spec = c["cell"]["spec"];
    if (seen_spec.insert(spec).second) specs.push_back(spec);
  }
  if (baseline.empty() || !seen_spec.count(baseline)) baseline = specs.front();

  std::string md = absl::StrCat("# Study ", st.value("name", ""), "\n\n", f.cells.size(), " of ",
                                st.value("cells_total", 0), " cells; metric `", metric, "` (",
                                lower ? "lower" : "higher", " is better); baseline `", baseline,
                                "`. Study file `", st.value("file", ""), "` (", st.value("sha256", ""),
                                ").\n\n");
  // Summary: wins and geometric-mean ratio against the baseline.
  std::map<std::string, int> wins;
  std::map<std::string, std::pair<double, int>> logsum;  // spec -> (sum log ratio, n)
  std::map<std::string, std::map<std::string, std::pair<double, int>>> heat;  // spec -> trace -> ...
  std::string tables;
  for (const std::string& g : group_order) {
    std::vector<const OrderedJson*> cells = groups[g];
    std::stable_sort(cells.begin(), cells.end(), [&](const OrderedJson* a, const OrderedJson* b) {
      const double x = Metric(*a, metric), y = Metric(*b, metric);
      return lower ? x < y : x > y;
    });
    wins[(*cells.front())["cell"]["spec"]]++;
    double base = NAN;
    for (const OrderedJson* c : cells) {
      if ((*c)["cell"]["spec"] == baseline) base = Metric(*c, metric);
    }
    absl::StrAppend(&tables, "### ", g, "\n\n| rank | elevator | ", metric,
                    " | vs baseline | mean ms | p99 ms | MB/s |\n|---:|---|---:|---:|---:|---:|---:|\n");
    int rank = 0;
    for (const OrderedJson* c : cells) {
      const double v = Metric(*c, metric);
      const double ratio = v / base;
      const std::string spec = (*c)["cell"]["spec"];
      if (std::isfinite(ratio) && ratio > 0) {
        logsum[spec].first += std::log(ratio);
        logsum[spec].second++;
        auto& h = heat[spec][(*c)["cell"]["trace"].get<std::string>()];
        h.first += std::log(ratio);
        h.second++;
      }
      absl::StrAppend(&tables, absl::StrFormat("| %d | `%s` | %.4g | %.3f | %.4g | %.4g | %.4g |\n", ++rank,
                                               spec, v, ratio, Metric(*c, "lat_mean_ms"),
                                               Metric(*c, "lat_p99_ms"), Metric(*c, "mb_s")));
    }
    tables += "\n";
  }
  absl::StrAppend(&md, "## Summary across ", group_order.size(), " trace × disk × replay groups\n\n",
                  "| elevator | wins | geometric-mean ratio of ", metric, " to `", baseline,
                  "` |\n|---|---:|---:|\n");
  for (const std::string& s : specs) {
    const auto& [sum, n] = logsum[s];
    absl::StrAppend(&md, absl::StrFormat("| `%s` | %d | %s |\n", s, wins[s],
                                         n ? absl::StrFormat("%.3f", std::exp(sum / n)) : "n/a"));
  }
  md += "\n## Ranked per trace and disk\n\n" + tables;

  // Plots.
  std::vector<std::pair<std::string, std::string>> plots;  // (stem, caption)
  std::vector<std::string> notes;
  if (!HaveGnuplot()) {
    notes.push_back("gnuplot not found: no plots (install gnuplot-nox)");
  } else {
    // Sweeps: patterns with one swept tunable.
    std::map<std::string, std::map<std::string, std::vector<std::pair<double, double>>>> sweeps;
    std::map<std::string, std::string> sweep_tunable;
    for (const OrderedJson& c : f.cells) {
      const OrderedJson& sw = c["cell"]["swept"];
      if (sw.size() != 1) continue;
      const std::string pattern = c["cell"]["pattern"];
      sweep_tunable[pattern] = sw.begin().key();
      const double x = std::strtod(sw.begin().value().get<std::string>().c_str(), nullptr);
      sweeps[pattern][GroupOf(c)].emplace_back(x, Metric(c, metric));
    }
    int n = 0;
    for (auto& [pattern, lines] : sweeps) {
      const std::string stem = absl::StrCat("sweep_", ++n);
      const std::string tunable = sweep_tunable[pattern];
      absl::Status s = DrawPngAndSvg(out_dir, stem, kPlotHeight, [&](Gnuplot& gp) {
        gp << "set title " << GnuplotQuote(absl::StrCat(pattern, ": ", metric, " against ", tunable)) << "\n";
        gp << "set xlabel " << GnuplotQuote(tunable) << "\nset ylabel " << GnuplotQuote(metric) << "\n";
        gp << "set key outside right top\nplot ";
        bool first = true;
        for (const auto& [g, pts] : lines) {
          gp << (first ? "" : ", ") << "'-' with linespoints lw 2 title " << GnuplotQuote(g);
          first = false;
        }
        gp << "\n";
        for (auto& [g, pts] : lines) {
          std::sort(pts.begin(), pts.end());
          gp.send1d(pts);
        }
      });
      if (!s.ok()) return s;
      plots.emplace_back(stem, absl::StrCat("Sweep ", pattern));
    }
    // Heatmap: spec x trace.
    std::vector<std::string> traces;
    for (const std::string& g : group_order) {
      const std::string t = (*groups[g].front())["cell"]["trace"];
      if (std::find(traces.begin(), traces.end(), t) == traces.end()) traces.push_back(t);
    }
    absl::Status s = DrawPngAndSvg(out_dir, "heatmap", kPlotHeight, [&](Gnuplot& gp) {
      gp << "set title " << GnuplotQuote(absl::StrCat(metric, " / ", baseline, " (geometric mean over disks)")) << "\n";
      gp << "set xtics rotate by -30 noenhanced\nset ytics noenhanced\nset cblabel 'ratio'\n";
      gp << "set palette defined (0 'dark-green', 1 'white', 2 'dark-red')\nset cbrange [0:2]\n";
      gp << "set xtics (";
      for (size_t i = 0; i < traces.size(); ++i) {
        gp << (i ? ", " : "") << GnuplotQuote(std::filesystem::path(traces[i]).filename().string()) << " " << i;
      }
      gp << ")\nset ytics (";
      for (size_t j = 0; j < specs.size(); ++j) gp << (j ? ", " : "") << GnuplotQuote(specs[j]) << " " << j;
      gp << ")\nset xrange [-0.5:" << traces.size() - 0.5 << "]\nset yrange [-0.5:" << specs.size() - 0.5
         << "]\nplot '-' using 1:2:3 with image notitle\n";
      std::vector<std::tuple<double, double, double>> pts;
      for (size_t j = 0; j < specs.size(); ++j) {
        for (size_t i = 0; i < traces.size(); ++i) {
          const auto& h = heat[specs[j]][traces[i]];
          pts.emplace_back(i, j, h.second ? std::exp(h.first / h.second) : 1.0);
        }
      }
      gp.send1d(pts);
    });
    if (!s.ok()) return s;
    plots.emplace_back("heatmap", "Elevator setting × trace");
  }
  std::string md_plots, html_plots;
  for (const auto& [stem, caption] : plots) {
    absl::StrAppend(&md_plots, "### ", caption, "\n\n![", caption, "](", stem, ".png)\n\n");
    std::ifstream in(out_dir + "/" + stem + ".svg");
    std::stringstream svg;
    svg << in.rdbuf();
    absl::StrAppend(&html_plots, "<h3>", HtmlEscape(caption), "</h3>\n",
                    InlineSvg(svg.str(), stem + "-", caption), "\n");
  }
  const std::string folder = std::filesystem::absolute(study_dir).string();
  const std::string reproduce = absl::StrCat(
      "## Reproduce\n\n```\niosched study run ", ShellQuote(folder + "/study.toml"), " --out ",
      ShellQuote(folder), "\niosched report ", ShellQuote(folder), " --out ", ShellQuote(out_dir),
      "\n```\n\nEvery cell's JSON (", folder,
      "/cells/KEY.json) records the program, its argv and every setting.\n\n");
  md += "## Plots\n\n" + md_plots + reproduce;
  for (const std::string& n2 : notes) absl::StrAppend(&md, "Note: ", n2, "\n");
  // HTML: the Markdown tables as <pre> blocks would be ugly; render simply.
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Study " +
                     HtmlEscape(st.value("name", "")) +
                     "</title><style>body{font-family:sans-serif;max-width:1200px;margin:auto}"
                     "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
                     "</style></head><body>\n";
  std::istringstream lines(md);
  std::string line;
  bool in_table = false, in_pre = false;
  while (std::getline(lines, line)) {
    if (line.rfind("```", 0) == 0) {
      html += in_pre ? "</pre>\n" : "<pre>";
      in_pre = !in_pre;
      continue;
    }
    if (in_pre) {
      html += HtmlEscape(line) + "\n";
      continue;
    }
    if (!line.empty() && line[0] == '|') {
      if (line.find("---") != std::string::npos) continue;
      if (!in_table) html += "<table>\n";
      in_table = true;
      html += "<tr>";
      std::string cell;
      std::istringstream cells(line.substr(1));
      while (std::getline(cells, cell, '|')) html += "<td>" + HtmlEscape(cell) + "</td>";
      html += "</tr>\n";
      continue;
    }
    if (in_table) html += "</table>\n";
    in_table = false;
    if (line.rfind("![", 0) == 0) continue;  // the HTML has the SVGs
    if (line.rfind("## Plots", 0) == 0) {
      html += "<h2>Plots</h2>\n" + html_plots;
      continue;
    }
    if (line.rfind("### ", 0) == 0 && line.find("Sweep") == std::string::npos &&
        line.find("heatmap") == std::string::npos && line.find("×") == std::string::npos) {
      html += "<h3>" + HtmlEscape(line.substr(4)) + "</h3>\n";
    } else if (line.rfind("## ", 0) == 0) {
      html += "<h2>" + HtmlEscape(line.substr(3)) + "</h2>\n";
    } else if (line.rfind("# ", 0) == 0) {
      html += "<h1>" + HtmlEscape(line.substr(2)) + "</h1>\n";
    } else if (!line.empty() && line.rfind("### ", 0) != 0) {
      html += "<p>" + HtmlEscape(line) + "</p>\n";
    }
  }
  if (in_table) html += "</table>\n";
  html += "</body></html>\n";
  IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/study.md", md));
  IOSCHED_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/study.html", html));
  if (files) {
    files->md = out_dir + "/study.md";
    files->html = out_dir + "/study.html";
    for (const auto& p : plots) files->plots.push_back(p.first);
    files->notes = notes;
  }
  return absl::OkStatus();
}

}  // namespace iosched
