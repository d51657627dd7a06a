// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// LoadDiskSimParv (disksim.h): DiskSim 4.0 parameter files → HddParams.
//
// Each block is read through a BlockReader that marks every parameter it
// consumes; what is left over, or consumed but without effect in iosched's
// model, ends up in a warning naming the block, its file:line and the
// parameters, so that nothing is ignored silently.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "disksim_parser.h"
#include "iosched/disk_policy.h"
#include "iosched/disksim.h"
#include "iosched/status_macros.h"

namespace iosched {
namespace {

using disksim::Block;
using disksim::Location;
using disksim::Param;
using disksim::ParameterFile;
using disksim::TopologyNode;
using disksim::Value;

constexpr char kNoEffect[] = "no effect in iosched's model (one command at a time at the disk)";
constexpr char kReporting[] = "statistics and reporting only";
constexpr char kNotModelled[] = "not modelled";

absl::Status At(const Location& loc, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(loc.Prefix(), what));
}

std::string BlockLabel(const Block& b) {
  return b.name.empty() ? b.type : absl::StrCat(b.type, " ", b.name);
}

// Parses a whole word as a number (DiskSim's I and D parameter types).
bool ParseNumber(const std::string& text, double* out) {
  if (text.empty()) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (end != begin + text.size() || errno == ERANGE || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

class BlockReader {
 public:
  BlockReader(const Block& block, std::vector<std::string>* warnings)
      : block_(block), warnings_(warnings) {}
  ~BlockReader() { Finish(); }

  const Block& block() const { return block_; }

  const Param* Get(const std::string& name) {
    const Param* p = block_.Find(name);
    if (p != nullptr) used_.insert(name);
    return p;
  }
  bool Has(const std::string& name) const { return block_.Find(name) != nullptr; }

  absl::StatusOr<double> Number(const std::string& name, std::optional<double> fallback = {}) {
    const Param* p = Get(name);
    if (p == nullptr) {
      if (fallback.has_value()) return *fallback;
      return At(block_.loc, absl::StrCat(BlockLabel(block_), ": missing parameter '", name, "'"));
    }
    return NumberOf(*p, name);
  }
  static absl::StatusOr<double> NumberOf(const Param& p, const std::string& name) {
    double v = 0;
    if (p.value.kind == Value::Kind::kWord && ParseNumber(p.value.text, &v)) return v;
    const std::string got = p.value.kind == Value::Kind::kWord
                                ? absl::StrCat("'", p.value.text, "'")
                            : p.value.kind == Value::Kind::kList ? std::string("a list")
                                                                 : std::string("a block");
    return At(p.value.loc, absl::StrCat("expected a number for '", name, "', got ", got));
  }
  // A non-negative time in milliseconds.
  absl::StatusOr<double> Ms(const std::string& name, std::optional<double> fallback = 0.0) {
    IOSCHED_ASSIGN_OR_RETURN(double v, Number(name, fallback));
    if (v < 0) return At(Loc(name), absl::StrCat("expected a time >= 0 for '", name, "', got ", v));
    return v;
  }
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t lo, int64_t hi,
                              std::optional<int64_t> fallback = {}) {
    std::optional<double> f;
    if (fallback.has_value()) f = static_cast<double>(*fallback);
    IOSCHED_ASSIGN_OR_RETURN(double v, Number(name, f));
    if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      return At(Loc(name), absl::StrCat("expected an integer in [", lo, ", ", hi, "] for '", name,
                                        "', got ", v));
    }
    return static_cast<int64_t>(v);
  }
  absl::StatusOr<bool> Flag(const std::string& name, bool fallback = false) {
    IOSCHED_ASSIGN_OR_RETURN(int64_t v, Int(name, 0, 1, fallback ? 1 : 0));
    return v != 0;
  }
  absl::StatusOr<std::string> Word(const std::string& name) {
    const Param* p = Get(name);
    if (p == nullptr) {
      return At(block_.loc, absl::StrCat(BlockLabel(block_), ": missing parameter '", name, "'"));
    }
    if (p->value.kind != Value::Kind::kWord) {
      return At(p->value.loc, absl::StrCat("expected a word for '", name, "'"));
    }
    return p->value.text;
  }
  Location Loc(const std::string& name) const {
    const Param* p = block_.Find(name);
    return p ? p->loc : block_.loc;
  }
  // Marks `name` read, with a reason to report.
  void Note(const std::string& name, const std::string& reason) {
    if (!Has(name)) return;
    used_.insert(name);
    notes_[reason].push_back(name);
  }
  // Marks every parameter read, reported with `reason`; nested blocks list
  // their parameters too: "Scheduler {Scheduling policy, …}".
  void NoteAll(const std::string& reason) {
    for (const Param& p : block_.params) {
      used_.insert(p.name);
      notes_[reason].push_back(Describe(p));
    }
  }
  void NoteNested(const std::string& name, const std::string& reason) {
    const Param* p = block_.Find(name);
    if (p == nullptr) return;
    used_.insert(name);
    notes_[reason].push_back(Describe(*p));
  }
  static std::string Describe(const Param& p) {
    std::vector<std::string> inner;
    auto add = [&inner](const Value& v, auto&& self) -> void {
      if (v.kind == Value::Kind::kBlock) {
        for (const Param& q : v.block->params) inner.push_back(Describe(q));
      } else if (v.kind == Value::Kind::kList) {
        for (const Value& e : v.list) self(e, self);
      }
    };
    add(p.value, add);
    if (inner.empty()) return p.name;
    return absl::StrCat(p.name, " {", absl::StrJoin(inner, ", "), "}");
  }

 private:
  void Finish() {
    for (const Param& p : block_.params) {
      if (used_.count(p.name) == 0) {
        notes_[kNotModelled].push_back(p.name);
        used_.insert(p.name);
      }
    }
    for (const auto& [reason, names] : notes_) {
      warnings_->push_back(absl::StrCat(block_.loc.Prefix(), BlockLabel(block_), ": ", reason, ": ",
                                        absl::StrJoin(names, ", ")));
    }
  }

  const Block& block_;
  std::vector<std::string>* warnings_;
  std::set<std::string> used_;
  std::map<std::string, std::vector<std::string>> notes_;
};

// A parameter whose value must be a block (inline, `source`, or the name of
// a top-level block).
absl::StatusOr<const Block*> BlockParam(BlockReader& r, const ParameterFile& file,
                                        const std::string& name, const std::string& type) {
  const Param* p = r.Get(name);
  if (p == nullptr) {
    return At(r.block().loc,
              absl::StrCat(BlockLabel(r.block()), ": missing parameter '", name, "'"));
  }
  const Block* b = nullptr;
  if (p->value.kind == Value::Kind::kBlock) {
    b = p->value.block.get();
  } else if (p->value.kind == Value::Kind::kWord) {
    b = file.FindBlock(p->value.text);
    if (b == nullptr) {
      return At(p->value.loc,
                absl::StrCat("no block named '", p->value.text, "' for '", name, "'"));
    }
  } else {
    return At(p->value.loc, absl::StrCat("expected a block for '", name, "', got a list"));
  }
  if (!type.empty() && b->type != type) {
    return At(p->value.loc, absl::StrCat("'", name, "' must be a ", type, " block, got ", b->type,
                                         " (not supported by iosched's model)"));
  }
  return b;
}

absl::StatusOr<std::vector<uint32_t>> IntList(const Param& p, const std::string& what) {
  std::vector<uint32_t> out;
  if (p.value.kind != Value::Kind::kList) {
    return At(p.value.loc, absl::StrCat("expected a list for '", what, "'"));
  }
  for (const Value& v : p.value.list) {
    double d = 0;
    if (v.kind != Value::Kind::kWord || !ParseNumber(v.text, &d) || d < 0 || d != std::floor(d) ||
        d > 4e9) {
      return At(v.loc, absl::StrCat("expected a non-negative integer in '", what, "', got '",
                                    v.kind == Value::Kind::kWord ? v.text : "a block", "'"));
    }
    out.push_back(static_cast<uint32_t>(d));
  }
  return out;
}

absl::Status ReadZone(const Block& zb, HddZone* z, std::vector<std::string>* warnings) {
  BlockReader r(zb, warnings);
  IOSCHED_ASSIGN_OR_RETURN(int64_t first, r.Int("First cylinder number", 0, 1 << 30));
  IOSCHED_ASSIGN_OR_RETURN(int64_t last, r.Int("Last cylinder number", 0, 1 << 30));
  IOSCHED_ASSIGN_OR_RETURN(int64_t spt, r.Int("Blocks per track", 1, 1 << 24));
  IOSCHED_ASSIGN_OR_RETURN(double offset, r.Number("Offset of first block", 0.0));
  IOSCHED_ASSIGN_OR_RETURN(int64_t gap, r.Int("Empty space at zone front", 0, int64_t{1} << 31, 0));
  IOSCHED_ASSIGN_OR_RETURN(double tskew, r.Number("Skew for track switch", 0.0));
  IOSCHED_ASSIGN_OR_RETURN(double cskew, r.Number("Skew for cylinder switch", 0.0));
  IOSCHED_ASSIGN_OR_RETURN(int64_t spares, r.Int("Number of spares", 0, int64_t{1} << 31, 0));
  if (offset < 0 || tskew < 0 || cskew < 0) {
    return At(zb.loc, "offsets and skews must be >= 0");
  }
  z->first_cylinder = static_cast<uint32_t>(first);
  z->last_cylinder = static_cast<uint32_t>(last);
  z->sectors_per_track = static_cast<uint32_t>(spt);
  z->first_block_offset = offset;
  z->front_gap = static_cast<uint32_t>(gap);
  z->track_skew = tskew;
  z->cylinder_skew = cskew;
  z->spares = static_cast<uint32_t>(spares);
  if (const Param* p = r.Get("slips")) {
    IOSCHED_ASSIGN_OR_RETURN(z->slips, IntList(*p, "slips"));
    std::sort(z->slips.begin(), z->slips.end());
  }
  if (const Param* p = r.Get("defects")) {
    IOSCHED_ASSIGN_OR_RETURN(std::vector<uint32_t> d, IntList(*p, "defects"));
    if (d.size() % 2 != 0) {
      return At(p->value.loc, "expected an even number of defect values (defect, spare pairs)");
    }
    for (size_t i = 0; i < d.size(); i += 2) z->defects.emplace_back(d[i], d[i + 1]);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<uint32_t, double>>> ReadSeekFile(const std::string& path,
                                                                      const Location& from) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(from.Prefix(), "cannot open seek file '", path, "'"));
  }
  std::vector<std::pair<uint32_t, double>> table;
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.rfind("Seek distances measured", 0) == 0) continue;
    std::vector<std::string> fields;
    size_t start = 0;
    while (start <= line.size()) {
      const size_t comma = line.find(',', start);
      std::string f =
          line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      f.erase(0, f.find_first_not_of(" \t"));
      f.erase(f.find_last_not_of(" \t") + 1);
      fields.push_back(f);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    double d = 0, t = 0;
    if (fields.size() < 2 || fields.size() > 3 || !ParseNumber(fields[0], &d) ||
        !ParseNumber(fields[1], &t) || d < 0 || d != std::floor(d) || t < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", no, ": expected 'distance, time_ms[, stddev]', got '", line, "'"));
    }
    if (!table.empty() && d <= table.back().first) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", no, ": expected distances in ascending order, got ", d));
    }
    table.emplace_back(static_cast<uint32_t>(d), t);
  }
  if (table.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no seek distances"));
  }
  return table;
}

// The six "HPL seek equation values" into s.
absl::Status ReadHplValues(BlockReader& r, const Block& mb, HddSeekCurve* s) {
  const Param* v = r.Get("HPL seek equation values");
  if (v == nullptr || v->value.kind != Value::Kind::kList || v->value.list.size() != 6) {
    return At(v ? v->value.loc : mb.loc, "expected 6 'HPL seek equation values'");
  }
  double vals[6];
  for (int i = 0; i < 6; ++i) {
    const Value& e = v->value.list[i];
    if (e.kind != Value::Kind::kWord || !ParseNumber(e.text, &vals[i])) {
      return At(e.loc, absl::StrCat("expected a number in 'HPL seek equation values', got '",
                                    e.text, "'"));
    }
  }
  s->boundary = vals[0];
  s->sqrt_a_ms = vals[1];
  s->sqrt_b_ms = vals[2];
  s->linear_c_ms = vals[3];
  s->linear_e_ms = vals[4];
  s->hpl_single_ms = vals[5];
  return absl::OkStatus();
}

// The ten "First ten seek times" into s.
absl::Status ReadFirstTenSeeks(BlockReader& r, const Block& mb, HddSeekCurve* s) {
  const Param* v = r.Get("First ten seek times");
  if (v == nullptr || v->value.kind != Value::Kind::kList || v->value.list.size() != 10) {
    return At(v ? v->value.loc : mb.loc, "expected 10 'First ten seek times'");
  }
  for (int i = 0; i < 10; ++i) {
    const Value& e = v->value.list[i];
    if (e.kind != Value::Kind::kWord || !ParseNumber(e.text, &s->first_ten_ms[i])) {
      return At(e.loc,
                absl::StrCat("expected a number in 'First ten seek times', got '", e.text, "'"));
    }
  }
  return absl::OkStatus();
}

// The seek curve of "Seek type" `type` and the parameters it reads (the
// three seek times are already in s).
absl::Status ReadSeekCurve(BlockReader& r, const Block& mb, const std::string& type,
                           const std::string& parv_dir_file, HddSeekCurve* s,
                           std::vector<std::string>* warnings) {
  if (type == "hplplus10") {
    s->kind = HddSeekCurve::Kind::kHplPlus10;
    IOSCHED_RETURN_IF_ERROR(ReadHplValues(r, mb, s));
    return ReadFirstTenSeeks(r, mb, s);
  }
  if (type == "hpl") {
    s->kind = HddSeekCurve::Kind::kHpl;
    return ReadHplValues(r, mb, s);
  }
  if (type == "extracted") {
    s->kind = HddSeekCurve::Kind::kTable;
    IOSCHED_ASSIGN_OR_RETURN(std::string file, r.Word("Full seek curve"));
    IOSCHED_ASSIGN_OR_RETURN(std::string path, disksim::ResolveSourceFile(
                                                   parv_dir_file, file, r.Loc("Full seek curve")));
    IOSCHED_ASSIGN_OR_RETURN(s->table, ReadSeekFile(path, r.Loc("Full seek curve")));
    return absl::OkStatus();
  }
  if (type == "constant") {
    s->kind = HddSeekCurve::Kind::kConstant;
    if (r.Has("Constant seek time")) {
      IOSCHED_ASSIGN_OR_RETURN(s->constant_ms, r.Ms("Constant seek time"));
    } else {
      s->constant_ms = s->average_ms;
    }
    return absl::OkStatus();
  }
  if (type == "linear") {
    s->kind = HddSeekCurve::Kind::kLinear;
    warnings->push_back(absl::StrCat(r.Loc("Seek type").Prefix(),
                                     "Seek type 'linear': iosched uses the documented 3-point line "
                                     "through the single-cylinder, average and full-stroke times"));
    return absl::OkStatus();
  }
  if (type == "curve") {
    s->kind = HddSeekCurve::Kind::kCurve;
    return absl::OkStatus();
  }
  return At(r.Loc("Seek type"),
            absl::StrCat("expected a seek type (linear, curve, constant, hpl, hplplus10, "
                         "extracted), got '",
                         type, "'"));
}

// Marks the seek fields that seek curve `kind` does not use.
void NoteUnusedSeekFields(BlockReader& r, HddSeekCurve::Kind kind) {
  if (kind != HddSeekCurve::Kind::kHplPlus10)
    r.Note("First ten seek times", "unused by this seek type");
  if (kind != HddSeekCurve::Kind::kHplPlus10 && kind != HddSeekCurve::Kind::kHpl) {
    r.Note("HPL seek equation values", "unused by this seek type");
  }
  if (kind != HddSeekCurve::Kind::kTable) r.Note("Full seek curve", "unused by this seek type");
  if (kind == HddSeekCurve::Kind::kHplPlus10 || kind == HddSeekCurve::Kind::kTable) {
    r.Note("Single cylinder seek time", "unused by this seek type");
    r.Note("Average seek time", "unused by this seek type");
    r.Note("Full strobe seek time", "unused by this seek type");
  }
}

// The dm_mech_g1 block: seek curve, settling, head switch and rotation.
absl::Status ReadMechanics(const Block& mb, const std::string& parv_dir_file, HddParams* p,
                           std::vector<std::string>* warnings) {
  BlockReader r(mb, warnings);
  if (r.Has("Access time type")) {
    IOSCHED_ASSIGN_OR_RETURN(std::string access, r.Word("Access time type"));
    if (access != "trackSwitchPlusRotation") {
      warnings->push_back(absl::StrCat(r.Loc("Access time type").Prefix(), "Access time type '",
                                       access,
                                       "' not modelled: iosched simulates seek and rotation "
                                       "(trackSwitchPlusRotation)"));
    }
  }
  IOSCHED_ASSIGN_OR_RETURN(std::string type, r.Word("Seek type"));
  IOSCHED_ASSIGN_OR_RETURN(p->seek.single_cylinder_ms, r.Ms("Single cylinder seek time"));
  IOSCHED_ASSIGN_OR_RETURN(p->seek.average_ms, r.Ms("Average seek time"));
  IOSCHED_ASSIGN_OR_RETURN(p->seek.full_stroke_ms, r.Ms("Full strobe seek time"));
  IOSCHED_RETURN_IF_ERROR(ReadSeekCurve(r, mb, type, parv_dir_file, &p->seek, warnings));
  // Fields the chosen seek type does not use.
  NoteUnusedSeekFields(r, p->seek.kind);
  // DiskSim puts no lower bound on the settle delay (a validated drive has
  // a negative one) and adds it to every write seek.
  IOSCHED_ASSIGN_OR_RETURN(p->write_settle_ms, r.Number("Add. write settling delay", 0.0));
  if (p->write_settle_ms < 0) {
    warnings->push_back(absl::StrCat(r.Loc("Add. write settling delay").Prefix(),
                                     "Add. write settling delay ", p->write_settle_ms,
                                     " ms is negative: added to every write seek as DiskSim does, "
                                     "a write's positioning never going below 0"));
  }
  IOSCHED_ASSIGN_OR_RETURN(p->head_switch_ms, r.Ms("Head switch time"));
  IOSCHED_ASSIGN_OR_RETURN(p->rpm, r.Number("Rotation speed (in rpms)"));
  if (!(p->rpm > 0)) return At(r.Loc("Rotation speed (in rpms)"), "expected an rpm > 0");
  IOSCHED_ASSIGN_OR_RETURN(double rpm_error, r.Number("Percent error in rpms", 0.0));
  if (rpm_error != 0)
    r.Note("Percent error in rpms", "not modelled (nominal rpm used)");
  else
    r.Note("Percent error in rpms", "zero: nothing to model");
  return absl::OkStatus();
}

// Finds the disk in the topology and the chain of components above it.
struct Chain {
  const TopologyNode* disk = nullptr;
  std::vector<const TopologyNode*> ancestors;  // parent first
};

bool FindDisks(const TopologyNode& n, std::vector<const TopologyNode*>& path,
               std::vector<Chain>* out) {
  if (n.type == "disksim_disk") {
    Chain c;
    c.disk = &n;
    for (auto it = path.rbegin(); it != path.rend(); ++it) c.ancestors.push_back(*it);
    out->push_back(c);
  }
  path.push_back(&n);
  for (const TopologyNode& child : n.children) FindDisks(child, path, out);
  path.pop_back();
  return true;
}

// The spec block each instance of the file names (instance → spec name and
// where the instantiation is).
using SpecOf = std::map<std::string, std::pair<std::string, Location>>;

SpecOf Instances(const ParameterFile& file) {
  SpecOf spec_of;
  for (const auto& inst : file.instantiations) {
    for (const std::string& name : inst.instances) spec_of[name] = {inst.spec, inst.loc};
  }
  return spec_of;
}

// The block topology node `n` instantiates, checked to be of n's type.
absl::StatusOr<const Block*> SpecBlock(const SpecOf& spec_of, const ParameterFile& file,
                                       const TopologyNode& n) {
  auto it = spec_of.find(n.name);
  if (it == spec_of.end()) {
    return At(n.loc, absl::StrCat("component '", n.name, "' is not instantiated"));
  }
  const Block* b = file.FindBlock(it->second.first);
  if (b == nullptr) {
    return At(it->second.second,
              absl::StrCat("no block named '", it->second.first, "' to instantiate"));
  }
  if (b->type != n.type) {
    return At(n.loc, absl::StrCat("'", n.name, "' is a ", n.type, " in the topology but '", b->name,
                                  "' is a ", b->type));
  }
  return b;
}

// The modelled disk's spec block and the blocks on its path to the host.
struct DiskPath {
  const Block* disk = nullptr;
  const Block* bus = nullptr;    // the bus the disk is on (null: none)
  const Block* ctlr = nullptr;   // the controller above it (null: none)
  std::set<const Block*> chain;  // every block on the path, the disk's included
};

// Finds the disk and what it hangs off: the topology's first disk, or
// without a topology the first disk spec (with a warning either way if
// that leaves something out). Sets out->instance.
absl::StatusOr<DiskPath> FindModelledDisk(const ParameterFile& file, const std::string& path,
                                          DiskSimImport* out) {
  std::vector<std::string>& warnings = out->warnings;
  const SpecOf spec_of = Instances(file);
  std::vector<Chain> disks;
  for (const TopologyNode& root : file.topology) {
    std::vector<const TopologyNode*> p;
    FindDisks(root, p, &disks);
  }
  DiskPath d;
  if (disks.empty()) {
    std::vector<const Block*> specs;
    for (const auto& b : file.blocks) {
      if (b->type == "disksim_disk") specs.push_back(b.get());
    }
    if (specs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": no disksim_disk in the topology"));
    }
    d.disk = specs.front();
    warnings.push_back(absl::StrCat(d.disk->loc.Prefix(), "no topology: using disk spec '",
                                    d.disk->name, "' without a bus (transfer times 0)"));
  } else {
    const Chain& c = disks.front();
    out->instance = c.disk->name;
    if (disks.size() > 1) {
      warnings.push_back(absl::StrCat(disks[1].disk->loc.Prefix(), disks.size(),
                                      " disks in the topology; iosched models one: using '",
                                      c.disk->name, "'"));
    }
    IOSCHED_ASSIGN_OR_RETURN(d.disk, SpecBlock(spec_of, file, *c.disk));
    for (const TopologyNode* a : c.ancestors) {
      IOSCHED_ASSIGN_OR_RETURN(const Block* b, SpecBlock(spec_of, file, *a));
      d.chain.insert(b);
      if (a->type == "disksim_bus" && d.bus == nullptr && d.ctlr == nullptr) d.bus = b;
      if (a->type == "disksim_ctlr" && d.ctlr == nullptr) d.ctlr = b;
    }
  }
  d.chain.insert(d.disk);
  return d;
}

// The dm_layout_g1 block: mapping, sparing and the zones.
absl::Status ReadLayout(const Block& layout, HddParams* p, std::vector<std::string>* warnings) {
  BlockReader l(layout, warnings);
  IOSCHED_ASSIGN_OR_RETURN(int64_t mapping, l.Int("LBN-to-PBN mapping scheme", 0, 2, 0));
  IOSCHED_ASSIGN_OR_RETURN(int64_t sparing, l.Int("Sparing scheme used", 0, 10, 0));
  IOSCHED_ASSIGN_OR_RETURN(int64_t range, l.Int("Rangesize for sparing", 1, 1 << 20, 1));
  p->mapping = static_cast<int>(mapping);
  p->sparing = static_cast<HddSparing>(sparing);
  p->sparing_range_cylinders = static_cast<uint32_t>(range);
  const Param* zones = l.Get("Zones");
  if (zones == nullptr || zones->value.kind != Value::Kind::kList || zones->value.list.empty()) {
    return At(zones ? zones->value.loc : layout.loc, "expected a list of zones in 'Zones'");
  }
  for (const Value& zv : zones->value.list) {
    if (zv.kind != Value::Kind::kBlock || zv.block->type != "dm_layout_g1_zone") {
      return At(zv.loc, "expected a dm_layout_g1_zone block in 'Zones'");
    }
    HddZone z;
    IOSCHED_RETURN_IF_ERROR(ReadZone(*zv.block, &z, warnings));
    p->zones.push_back(std::move(z));
  }
  return absl::OkStatus();
}

// The disk's dm_disk "Model" block: surfaces, cylinders, the block count
// (into *block_count) and its layout and mechanical blocks (added to
// *consumed).
absl::Status ReadModel(BlockReader& r, const ParameterFile& file, HddParams* p,
                       uint64_t* block_count, std::set<const Block*>* consumed,
                       std::vector<std::string>* warnings) {
  IOSCHED_ASSIGN_OR_RETURN(const Block* model, BlockParam(r, file, "Model", "dm_disk"));
  consumed->insert(model);
  BlockReader m(*model, warnings);
  IOSCHED_ASSIGN_OR_RETURN(int64_t heads, m.Int("Number of data surfaces", 1, 1 << 16));
  IOSCHED_ASSIGN_OR_RETURN(int64_t cyls, m.Int("Number of cylinders", 1, 1 << 30));
  IOSCHED_ASSIGN_OR_RETURN(int64_t count, m.Int("Block count", 0, int64_t{1} << 40, 0));
  p->heads = static_cast<uint32_t>(heads);
  p->cylinders = static_cast<uint32_t>(cyls);
  *block_count = static_cast<uint64_t>(count);
  IOSCHED_ASSIGN_OR_RETURN(const Block* layout,
                           BlockParam(m, file, "Layout Model", "dm_layout_g1"));
  consumed->insert(layout);
  IOSCHED_RETURN_IF_ERROR(ReadLayout(*layout, p, warnings));
  // DiskSim accepts a last zone that ends at the cylinder count (one past
  // the last cylinder) and maps blocks onto that cylinder: so do we.
  if (!p->zones.empty() && p->zones.back().last_cylinder == p->cylinders) {
    warnings->push_back(
        absl::StrCat(m.Loc("Number of cylinders").Prefix(), "the last zone ends at cylinder ",
                     p->cylinders, ", the cylinder count: the drive is taken to have ",
                     p->cylinders + 1, " cylinders, as DiskSim maps blocks onto that cylinder"));
    p->cylinders += 1;
  }
  IOSCHED_ASSIGN_OR_RETURN(const Block* mech,
                           BlockParam(m, file, "Mechanical Model", "dm_mech_g1"));
  consumed->insert(mech);
  return ReadMechanics(*mech, mech->loc.file, p, warnings);
}

// The disk's transfer time, queue, scheduler and buffer segments.
// DiskSim 4.0's `Scheduling policy` codes at the drive, as iosched runs
// them, with what to say about the code (empty: nothing).
struct DrivePolicyChoice {
  DiskPolicyKind kind;
  std::string note;
};
DrivePolicyChoice DrivePolicyForCode(int code) {
  if (std::optional<DiskPolicyKind> k = DiskPolicyFromDiskSimCode(code)) {
    std::string note;
    if (code == 2 || code == 4 || code == 5 || code == 17) {
      note =
          "DiskSim 4.0 crashes with this policy at the drive once every waiting command is "
          "ineligible; iosched runs it correctly";
    } else if (code == 10) {
      note = "DiskSim 4.0 asserts on this policy; iosched runs it correctly";
    } else if (code == 6 || code == 7 || code == 5) {
      note =
          "DiskSim 4.0's swapped mapping arguments make this policy C-LOOK-like; iosched uses "
          "true cylinders";
    }
    return {*k, note};
  }
  // No exact equivalent: the nearest policy iosched has.
  if (code >= 11 && code <= 16) return {DiskPolicyKind::kAgedSptf, "approximated by aged-sptf"};
  if (code == 20 || code == 21) return {DiskPolicyKind::kAgedSptf, "approximated by aged-sptf"};
  if (code == 18 || code == 19) return {DiskPolicyKind::kSstf, "approximated by sstf"};
  if (code == 27) return {DiskPolicyKind::kSptf, "approximated by sptf"};
  return {DiskPolicyKind::kFcfs, "approximated by fcfs"};
}

// The disk's command queue: `Max queue length` and its `Scheduler` block
// (docs/disk-queueing.md#import). Depth 1 (every validated drive) leaves
// the queue off.
absl::Status ReadDiskQueue(BlockReader& r, HddParams* p, std::vector<std::string>* warnings) {
  IOSCHED_ASSIGN_OR_RETURN(int64_t qlen, r.Int("Max queue length", 0, 1 << 20, 1));
  if (qlen <= 1) {
    r.Note("Max queue length", kNoEffect);
    r.NoteNested("Scheduler",
                 "not modelled (iosched's elevators order the host queue; the "
                 "disk serves one command at a time)");
    return absl::OkStatus();
  }
  if (qlen > 256) {
    return At(
        r.Loc("Max queue length"),
        absl::StrCat("expected 'Max queue length' <= 256 (iosched's drive queue), got ", qlen));
  }
  p->queue.depth = static_cast<uint32_t>(qlen);
  const Param* sched = r.Get("Scheduler");
  if (sched == nullptr || sched->value.kind != Value::Kind::kBlock) return absl::OkStatus();
  {
    BlockReader sr(*sched->value.block, warnings);
    IOSCHED_ASSIGN_OR_RETURN(int64_t code, sr.Int("Scheduling policy", 1, 28, 1));
    IOSCHED_ASSIGN_OR_RETURN(int64_t weight, sr.Int("Timeout time/weight", 0, 1 << 30, 0));
    const DrivePolicyChoice choice = DrivePolicyForCode(static_cast<int>(code));
    p->queue.policy = std::string(DiskPolicyName(choice.kind));
    p->queue.aging_weight = weight;
    if (!choice.note.empty()) {
      sr.Note("Scheduling policy",
              absl::StrCat("policy ", code, " runs as ", Sv(DiskPolicyName(choice.kind)), ": ",
                           choice.note));
    }
    IOSCHED_ASSIGN_OR_RETURN(int64_t scheme, sr.Int("Scheduling priority scheme", 0, 1, 0));
    if (scheme == 1) {
      IOSCHED_ASSIGN_OR_RETURN(int64_t pcode, sr.Int("Priority scheduling", 1, 28, 1));
      const DrivePolicyChoice pchoice = DrivePolicyForCode(static_cast<int>(pcode));
      p->queue.priority_scheme = true;
      p->queue.priority_policy = std::string(DiskPolicyName(pchoice.kind));
      if (!pchoice.note.empty()) {
        sr.Note("Priority scheduling",
                absl::StrCat("policy ", pcode, " runs as ", Sv(DiskPolicyName(pchoice.kind)), ": ",
                             pchoice.note));
      }
    } else {
      sr.Note("Priority scheduling", "no effect without 'Scheduling priority scheme = 1'");
    }
    sr.Note("Cylinder mapping strategy",
            "not modelled (iosched's cylinder policies use the "
            "true layout)");
  }
  return absl::OkStatus();
}

absl::Status ReadDiskSegments(BlockReader& r, HddParams* p, std::vector<std::string>* warnings) {
  HddCacheParams& c = p->cache;
  IOSCHED_ASSIGN_OR_RETURN(double disk_bulk, r.Ms("Bulk sector transfer time"));
  p->disk_bulk_sector_ms = disk_bulk;
  IOSCHED_RETURN_IF_ERROR(ReadDiskQueue(r, p, warnings));
  IOSCHED_ASSIGN_OR_RETURN(int64_t segs, r.Int("Number of buffer segments", 0, 1 << 16, 0));
  c.segments = static_cast<uint32_t>(segs);
  IOSCHED_ASSIGN_OR_RETURN(int64_t segsize,
                           r.Int("Segment size (in blks)", 0, int64_t{1} << 31, 0));
  c.segment_sectors = static_cast<uint32_t>(segsize);
  if (c.segments > 0 && c.segment_sectors == 0) {
    return At(r.Loc("Segment size (in blks)"), "expected a segment size >= 1");
  }
  IOSCHED_ASSIGN_OR_RETURN(int64_t wsegs, r.Int("Maximum number of write segments", 0, 1 << 16,
                                                std::max<int64_t>(1, segs)));
  if (c.segments > 0 && (wsegs < 1 || wsegs > segs)) {
    return At(r.Loc("Maximum number of write segments"),
              absl::StrCat("expected 1..", segs, " write segments, got ", wsegs));
  }
  c.max_write_segments = static_cast<uint32_t>(wsegs);
  IOSCHED_ASSIGN_OR_RETURN(c.separate_write_segment, r.Flag("Use separate write segment"));
  r.Note("Use separate write segment", "ignored, as DiskSim 4.0 itself ignores it");
  r.Note("Print stats", kReporting);
  r.Note("Avg sectors per cylinder", "a hint for host schedulers, not used by the disk");
  r.Note("Calc sector by sector", "no effect (media transfers are timed sector by sector)");
  return absl::OkStatus();
}

// The disk's per-request overhead and scale, bus holding, read hit kinds
// and water marks.
absl::Status ReadDiskHostProtocol(BlockReader& r, HddParams* p) {
  HddCacheParams& c = p->cache;
  IOSCHED_ASSIGN_OR_RETURN(double per_request, r.Ms("Per-request overhead time"));
  p->overheads.per_request_ms = per_request;
  IOSCHED_ASSIGN_OR_RETURN(p->overhead_scale, r.Number("Time scale for overheads", 1.0));
  if (p->overhead_scale < 0) return At(r.Loc("Time scale for overheads"), "expected a scale >= 0");
  IOSCHED_ASSIGN_OR_RETURN(p->hold_bus_for_read, r.Flag("Hold bus entire read xfer", true));
  IOSCHED_ASSIGN_OR_RETURN(p->hold_bus_for_write, r.Flag("Hold bus entire write xfer"));
  r.Note("Hold bus entire write xfer",
         "only matters for writes larger than a segment, whose buffer stalls are approximated");
  IOSCHED_ASSIGN_OR_RETURN(c.almost_read_hits, r.Flag("Allow almost read hits"));
  IOSCHED_ASSIGN_OR_RETURN(c.sneaky_full_read_hits, r.Flag("Allow sneaky full read hits"));
  IOSCHED_ASSIGN_OR_RETURN(c.sneaky_partial_read_hits, r.Flag("Allow sneaky partial read hits"));
  r.Note("Allow sneaky intermediate read hits", kNoEffect);
  IOSCHED_ASSIGN_OR_RETURN(c.read_hits_on_write_data, r.Flag("Allow read hits on write data"));
  IOSCHED_ASSIGN_OR_RETURN(c.write_prebuffering, r.Flag("Allow write prebuffering"));
  if (p->queue.depth <= 1) {
    r.Note("Preseeking level", kNoEffect);
  } else {
    // With a drive queue: when the arm moves on to the next command.
    IOSCHED_ASSIGN_OR_RETURN(int64_t preseek, r.Int("Preseeking level", 0, 2, 0));
    p->queue.preseek_level = preseek >= 1 ? 1 : 0;
    if (preseek == 2) {
      r.Note("Preseeking level",
             "level 2 runs as 1 (the next seek overlaps the completion, not the data transfer)");
    }
  }
  IOSCHED_ASSIGN_OR_RETURN(p->never_disconnect, r.Flag("Never disconnect"));
  IOSCHED_ASSIGN_OR_RETURN(c.write_water_mark, r.Number("Low (write) water mark", 0.0));
  IOSCHED_ASSIGN_OR_RETURN(c.read_water_mark, r.Number("High (read) water mark", 0.0));
  if (c.read_water_mark < 0 || c.read_water_mark > 1 || c.write_water_mark < 0 ||
      c.write_water_mark > 1) {
    return At(r.Loc("High (read) water mark"), "expected water marks in [0, 1]");
  }
  r.Note("Low (write) water mark",
         "only matters for writes larger than a segment, whose buffer stalls are approximated");
  IOSCHED_ASSIGN_OR_RETURN(c.water_mark_by_request_size, r.Flag("Set watermark by reqsize", true));
  return absl::OkStatus();
}

// The disk's caching, read-ahead and write-back policy.
absl::Status ReadDiskCachePolicy(BlockReader& r, HddCacheParams* cache) {
  HddCacheParams& c = *cache;
  IOSCHED_ASSIGN_OR_RETURN(int64_t enable, r.Int("Enable caching in buffer", 0, 2, 1));
  c.enable_caching = enable != 0;
  if (enable == 2) r.Note("Enable caching in buffer", "value 2 modelled as 1");
  IOSCHED_ASSIGN_OR_RETURN(int64_t contread, r.Int("Buffer continuous read", 0, 4, 0));
  c.buffer_continuous_read = static_cast<int>(contread);
  const int64_t seg_max = c.segments > 0 ? c.segment_sectors : (int64_t{1} << 31);
  IOSCHED_ASSIGN_OR_RETURN(int64_t minra, r.Int("Minimum read-ahead (blks)", 0, seg_max, 0));
  IOSCHED_ASSIGN_OR_RETURN(int64_t maxra, r.Int("Maximum read-ahead (blks)", 0, seg_max, 0));
  c.min_read_ahead_sectors = static_cast<uint32_t>(minra);
  c.max_read_ahead_sectors = static_cast<uint32_t>(maxra);
  IOSCHED_ASSIGN_OR_RETURN(int64_t over, r.Int("Read-ahead over requested", -1, 1, 0));
  c.read_ahead_over_requested = static_cast<int>(over);
  IOSCHED_ASSIGN_OR_RETURN(c.read_ahead_on_idle_hit, r.Flag("Read-ahead on idle hit"));
  IOSCHED_ASSIGN_OR_RETURN(bool any_free, r.Flag("Read any free blocks"));
  r.Note("Read any free blocks",
         any_free ? "not modelled (reads start at the requested sector)" : "off: nothing to model");
  IOSCHED_ASSIGN_OR_RETURN(int64_t fast, r.Int("Fast write level", 0, 2, 0));
  c.fast_write_level = static_cast<int>(fast);
  if (fast > 0) {
    r.Note("Fast write level",
           "write-back approximated: completion after the data phase, media write in the "
           "background; appends and prepends are not combined");
  }
  IOSCHED_ASSIGN_OR_RETURN(int64_t immed_r, r.Int("Immediate buffer read", 0, 2, 0));
  IOSCHED_ASSIGN_OR_RETURN(int64_t immed_w, r.Int("Immediate buffer write", 0, 2, 0));
  r.Note("Immediate buffer read", immed_r ? "not modelled (zero-latency reads: iosched reads "
                                            "in LBN order)"
                                          : "off: nothing to model");
  r.Note("Immediate buffer write", immed_w ? "not modelled (zero-latency writes: iosched "
                                             "writes in LBN order)"
                                           : "off: nothing to model");
  IOSCHED_ASSIGN_OR_RETURN(c.combine_sequential_writes, r.Flag("Combine seq writes"));
  r.Note("Combine seq writes", fast > 0 ? "not modelled (write-back appends)"
                                        : "no effect without write-back (fast write level 0)");
  IOSCHED_ASSIGN_OR_RETURN(c.stop_prefetch_in_sector, r.Flag("Stop prefetch in sector"));
  IOSCHED_ASSIGN_OR_RETURN(c.disconnect_write_if_seek, r.Flag("Disconnect write if seek"));
  IOSCHED_ASSIGN_OR_RETURN(c.write_hit_stop_prefetch, r.Flag("Write hit stop prefetch"));
  r.Note("Write hit stop prefetch",
         "no effect: a write always stops the read-ahead when "
         "commands are served one at a time");
  IOSCHED_ASSIGN_OR_RETURN(c.read_directly_to_buffer, r.Flag("Read directly to buffer", true));
  if (!c.read_directly_to_buffer) {
    r.Note("Read directly to buffer",
           "0 not modelled (buffer room is checked before each "
           "sector is read)");
  }
  IOSCHED_ASSIGN_OR_RETURN(c.immediate_transfer_partial_hit, r.Flag("Immed transfer partial hit"));
  return absl::OkStatus();
}

// The disk's controller overheads (HddOverheads, per_request_ms aside).
absl::Status ReadDiskOverheads(BlockReader& r, HddOverheads* overheads) {
  HddOverheads& o = *overheads;
  IOSCHED_ASSIGN_OR_RETURN(o.read_hit_after_read_ms, r.Ms("Read hit over. after read"));
  IOSCHED_ASSIGN_OR_RETURN(o.read_hit_after_write_ms, r.Ms("Read hit over. after write"));
  IOSCHED_ASSIGN_OR_RETURN(o.read_miss_after_read_ms, r.Ms("Read miss over. after read"));
  IOSCHED_ASSIGN_OR_RETURN(o.read_miss_after_write_ms, r.Ms("Read miss over. after write"));
  IOSCHED_ASSIGN_OR_RETURN(o.write_hit_after_read_ms, r.Ms("Write hit over. after read"));
  IOSCHED_ASSIGN_OR_RETURN(o.write_hit_after_write_ms, r.Ms("Write hit over. after write"));
  IOSCHED_ASSIGN_OR_RETURN(o.write_miss_after_read_ms, r.Ms("Write miss over. after read"));
  IOSCHED_ASSIGN_OR_RETURN(o.write_miss_after_write_ms, r.Ms("Write miss over. after write"));
  IOSCHED_ASSIGN_OR_RETURN(o.read_completion_ms, r.Ms("Read completion overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.write_completion_ms, r.Ms("Write completion overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.data_prep_ms, r.Ms("Data preparation overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.reselect_first_ms, r.Ms("First reselect overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.reselect_other_ms, r.Ms("Other reselect overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.read_disconnect_after_read_ms, r.Ms("Read disconnect afterread"));
  IOSCHED_ASSIGN_OR_RETURN(o.read_disconnect_after_write_ms, r.Ms("Read disconnect afterwrite"));
  IOSCHED_ASSIGN_OR_RETURN(o.write_disconnect_ms, r.Ms("Write disconnect overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.extra_write_disconnect, r.Flag("Extra write disconnect"));
  IOSCHED_ASSIGN_OR_RETURN(o.extradisc_command_ms, r.Ms("Extradisc command overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.extradisc_disconnect_ms, r.Ms("Extradisc disconnect overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.extradisc_inter_disconnect_ms,
                           r.Ms("Extradisc inter-disconnect delay"));
  IOSCHED_ASSIGN_OR_RETURN(o.extradisc_second_disconnect_ms,
                           r.Ms("Extradisc 2nd disconnect overhead"));
  IOSCHED_ASSIGN_OR_RETURN(o.extradisc_seek_delta_ms, r.Ms("Extradisc seek delta"));
  IOSCHED_ASSIGN_OR_RETURN(o.minimum_seek_delay_ms, r.Ms("Minimum seek delay"));
  return absl::OkStatus();
}

// The disksim_disk block and the model, layout and mechanics blocks under
// it (added to *consumed); the block count, 0 if unset, into *block_count.
// Warnings are added in reading order: the innermost block's first.
absl::Status ReadDisk(const Block& disk, const ParameterFile& file, HddParams* p,
                      uint64_t* block_count, std::set<const Block*>* consumed,
                      std::vector<std::string>* warnings) {
  BlockReader r(disk, warnings);
  IOSCHED_RETURN_IF_ERROR(ReadModel(r, file, p, block_count, consumed, warnings));
  IOSCHED_RETURN_IF_ERROR(ReadDiskSegments(r, p, warnings));
  IOSCHED_RETURN_IF_ERROR(ReadDiskHostProtocol(r, p));
  IOSCHED_RETURN_IF_ERROR(ReadDiskCachePolicy(r, &p->cache));
  return ReadDiskOverheads(r, &p->overheads);
}

// The bus the disk is on: its transfer and arbitration times.
absl::Status ReadDiskBus(const Block& bus, HddParams* p, std::vector<std::string>* warnings) {
  BlockReader r(bus, warnings);
  IOSCHED_ASSIGN_OR_RETURN(p->bus_read_sector_ms, r.Ms("Read block transfer time"));
  IOSCHED_ASSIGN_OR_RETURN(p->bus_write_sector_ms, r.Ms("Write block transfer time"));
  IOSCHED_ASSIGN_OR_RETURN(p->bus_arbitration_ms, r.Ms("Arbitration time"));
  r.Note("type", "no effect with a single device on the bus");
  r.Note("Arbitration type", "no effect with a single device on the bus");
  r.Note("Print stats", kReporting);
  return absl::OkStatus();
}

// The controller above the bus: a pass-through controller's message delay,
// or another type's bulk transfer time.
absl::Status ReadController(const Block& ctlr, HddParams* p, std::vector<std::string>* warnings) {
  BlockReader r(ctlr, warnings);
  IOSCHED_ASSIGN_OR_RETURN(int64_t type, r.Int("type", 1, 3, 1));
  IOSCHED_ASSIGN_OR_RETURN(double scale, r.Number("Scale for delays", 0.0));
  IOSCHED_ASSIGN_OR_RETURN(double bulk, r.Ms("Bulk sector transfer time"));
  if (scale < 0) return At(r.Loc("Scale for delays"), "expected a scale >= 0");
  if (type == 1) {
    // DiskSim's pass-through controller delays each message 1 ms × scale.
    p->controller_message_ms = 1.0 * scale;
    r.Note("Bulk sector transfer time",
           "no effect: DiskSim times pass-through transfers on the disk's bus");
  } else {
    p->controller_bulk_sector_ms = bulk;
    p->controller_message_ms = 0;
    r.Note("type", absl::StrCat("controller type ", type,
                                " approximated as a pass-through controller whose bulk "
                                "transfer time bounds the host transfer"));
    r.Note("Scale for delays", "not modelled for this controller type");
  }
  r.Note("Maximum queue length", kNoEffect);
  r.Note("Print stats", kReporting);
  return absl::OkStatus();
}

// Everything else in the file: each block's parameters are reported with
// why the disk model does not use them.
void NoteOtherBlocks(const ParameterFile& file, const DiskPath& d,
                     const std::set<const Block*>& consumed, std::vector<std::string>* warnings) {
  for (const auto& b : file.blocks) {
    if (b.get() == d.disk || b.get() == d.bus || b.get() == d.ctlr || consumed.count(b.get())) {
      continue;
    }
    BlockReader r(*b, warnings);
    std::string reason;
    if (b->type == "disksim_global" || b->type == "disksim_stats") {
      reason = "simulation control and statistics, not used by the disk model";
    } else if (b->type == "disksim_iodriver") {
      if (const Param* cat = b->Find("Constant access time")) {
        double v = 0;
        if (cat->value.kind == Value::Kind::kWord && ParseNumber(cat->value.text, &v) && v != 0) {
          r.Note("Constant access time", "not modelled (the disk model is simulated)");
        }
      }
      reason =
          "host device driver: not modelled (iosched's dispatcher and elevators take its "
          "place)";
    } else if (b->type == "disksim_bus") {
      reason = d.chain.count(b.get()) ? "host-side bus: no effect (a pass-through "
                                        "controller's transfers are timed on the disk's "
                                        "bus)"
                                      : "not in the disk's path";
    } else if (b->type == "disksim_disk" || b->type == "disksim_ctlr") {
      reason = "not in the path of the modelled disk";
    } else {
      reason = "not used by the disk model";
    }
    r.NoteAll(reason);
  }
}

}  // namespace

absl::StatusOr<DiskSimImport> LoadDiskSimParv(const std::string& path) {
  IOSCHED_ASSIGN_OR_RETURN(ParameterFile file, disksim::ParseParameterFile(path));
  DiskSimImport out;
  out.path = path;
  std::vector<std::string>& warnings = out.warnings;

  // The disk and what it hangs off.
  IOSCHED_ASSIGN_OR_RETURN(const DiskPath d, FindModelledDisk(file, path, &out));
  HddParams& p = out.params;
  p.name = d.disk->name;
  p.description = absl::StrCat("DiskSim 4.0 disk '", d.disk->name, "' imported from ", path);
  uint64_t block_count = 0;
  std::set<const Block*> consumed;  // model, layout and mechanics blocks
  IOSCHED_RETURN_IF_ERROR(ReadDisk(*d.disk, file, &p, &block_count, &consumed, &warnings));

  // The bus the disk is on, and the controller above it.
  if (d.bus != nullptr) IOSCHED_RETURN_IF_ERROR(ReadDiskBus(*d.bus, &p, &warnings));
  if (d.ctlr != nullptr) IOSCHED_RETURN_IF_ERROR(ReadController(*d.ctlr, &p, &warnings));
  NoteOtherBlocks(file, d, consumed, &warnings);

  // Capacity check against "Block count".
  const uint64_t capacity = HddCapacitySectors(p);
  if (block_count != 0 && block_count != capacity) {
    warnings.push_back(absl::StrCat(d.disk->loc.Prefix(), "Block count ", block_count,
                                    " differs from the zones' ", capacity,
                                    " sectors; the zones win (as in DiskSim)"));
  } else {
    p.expected_capacity_sectors = block_count;
  }
  if (absl::Status s = ValidateHddParams(p); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(d.disk->loc.Prefix(), std::string(s.message())));
  }
  return out;
}

}  // namespace iosched
