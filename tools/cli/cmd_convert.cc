// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// `iosched convert IN OUT [--to FORMAT]`: reads a trace (any readable
// format, the shared transforms applied) and writes it in a writable
// format, streaming (bounded memory). Without --to the format follows OUT's
// name: *.iosb or *.bin → iosched-bin, *.iolog → fio-v3, *.spc → spc,
// *.blkparse → blkparse, *.disksim → disksim, anything else → iosched-csv
// (a trailing .gz, .xz, .bz2 or .zst compresses the output and is ignored here).
// OUT "-" is standard output. OUT follows the output rule
// (iosched/output_file.h): never the input (by device and inode), never a
// device; it is written under a temporary name and renamed into place on
// success, so a failed or killed convert leaves OUT as it was.

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "iosched/output_file.h"
#include "iosched/status_macros.h"
#include "iosched/trace_pipeline.h"
#include "iosched/trace_writer.h"
#include "trace_options.h"

namespace iosched {
namespace {

struct ConvertFlags {
  std::string in, out, to;
  std::string output;  // -o/--output: the same as `out`
  bool keep_device = false;
  bool keep_ioprio = false;
  bool force = false;
  std::string fio_file = "/dev/iosched0";
  TraceFlags trace_flags;
};

std::string FormatFromName(std::string name) {
  for (const char* z : {".gz", ".xz", ".bz2", ".zst"}) {
    if (absl::EndsWith(name, z)) name.resize(name.size() - std::string_view(z).size());
  }
  if (absl::EndsWith(name, ".iosb") || absl::EndsWith(name, ".bin")) return "iosched-bin";
  if (absl::EndsWith(name, ".iolog")) return "fio-v3";
  if (absl::EndsWith(name, ".spc")) return "spc";
  if (absl::EndsWith(name, ".blkparse")) return "blkparse";
  if (absl::EndsWith(name, ".disksim")) return "disksim";
  return "iosched-csv";
}

int RunConvert(ConvertFlags& f) {
  if (!f.output.empty() && !f.out.empty() && f.output != f.out) {
    return Fail(kExitUsage,
                "convert: two outputs ('" + f.out + "' and -o '" + f.output + "'); give one");
  }
  if (f.out.empty()) f.out = f.output;
  if (f.out.empty()) {
    return Fail(kExitUsage, "convert: no output; give OUT or -o FILE (- for standard output)");
  }
  TraceReadOptions read;
  TraceTransform transform;
  if (absl::Status s = BuildTraceOptions(f.trace_flags, &read, &transform); !s.ok()) {
    return Fail(kExitUsage, std::string(s.message()));
  }
  TraceWriterOptions wo;
  wo.format = f.to.empty() ? FormatFromName(f.out) : f.to;
  wo.device_column = f.keep_device;
  wo.ioprio_column = f.keep_ioprio;
  wo.fio_file = f.fio_file;
  {
    // Check the output format before reading anything.
    std::string scratch;
    if (absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriterToString(&scratch, wo);
        !w.ok()) {
      return Fail(kExitUsage, std::string(w.status().message()));
    }
  }
  const std::vector<std::string> inputs = TraceInputs(f.in, f.trace_flags);
  if (absl::Status s = CheckOutputPath("OUT", f.out, {.inputs = inputs, .force = f.force});
      !s.ok()) {
    return Fail(kExitUsage, std::string(s.message()));
  }
  absl::StatusOr<std::unique_ptr<TracePipeline>> p = OpenTracePipeline(inputs, read, transform);
  if (!p.ok()) return Fail(kExitRuntime, std::string(p.status().message()));
  wo.stream_names = p->get();  // blkparse keeps the commands
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = OpenTraceWriter(f.out, wo);
  if (!w.ok()) return Fail(kExitRuntime, std::string(w.status().message()));
  auto fail = [&](const absl::Status& s) {
    w->reset();  // removes the temporary; OUT is untouched
    return Fail(kExitRuntime, std::string(s.message()));
  };
  TraceRecord rec;
  while (true) {
    absl::StatusOr<bool> more = (*p)->Next(&rec);
    if (!more.ok()) return fail(more.status());
    if (!*more) break;
    if (absl::Status s = (*w)->Write(rec); !s.ok()) return fail(s);
  }
  if (absl::Status s = (*w)->Finish(); !s.ok()) return fail(s);
  for (const std::string& note : PipelineNotes(**p)) std::fprintf(stderr, "%s\n", note.c_str());
  if (::isatty(STDERR_FILENO)) {
    std::fprintf(stderr, "converted %llu records (%s, time unit %s) to %s\n",
                 static_cast<unsigned long long>((*w)->records_written()),
                 std::string((*p)->format()).c_str(), std::string((*p)->time_unit()).c_str(),
                 std::string((*w)->format()).c_str());
  }
  return kExitOk;
}

}  // namespace

Command SetupConvert(CLI::App& app) {
  auto f = std::make_shared<ConvertFlags>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert a trace between formats");
  cmd->add_option("in", f->in, "Input trace (- for standard input)")->required();
  cmd->add_option("out", f->out, "Output file (- for standard output; .gz/.xz/.bz2/.zst compress)");
  cmd->add_option("-o,--output", f->output, "The output file, as OUT");
  cmd->add_option("--to", f->to,
                  "Output format: iosched-csv, iosched-bin, spc, blkparse, fio-v2, fio-v3, "
                  "disksim (default: from OUT's name)");
  cmd->add_flag("--keep-device", f->keep_device, "iosched-csv: write the device column");
  cmd->add_flag("--keep-ioprio", f->keep_ioprio,
                "iosched-csv: write the ioprio column (and the device column before it; also "
                "written when the first record has an ioprio)");
  cmd->add_flag("--force", f->force, "Replace an existing OUT that iosched did not write");
  cmd->add_option("--fio-file", f->fio_file, "fio: file name of device 0 (device d: NAME.d)")
      ->capture_default_str();
  AddTraceOptions(cmd, &f->trace_flags);
  return {cmd, [f] { return RunConvert(*f); }};
}

}  // namespace iosched
