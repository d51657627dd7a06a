// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// blkparse default text output:
//   maj,min cpu seq seconds pid action RWBS [sector + nsectors] [comm] …
// One record per Q (queue) event with a sector and nsectors > 0: the moment
// the request entered the block layer, attributed to the queuing pid. Sectors
// are 512 bytes; seconds have ns precision. device = (maj << 20) | min (the
// kernel's internal dev_t encoding: 12-bit major, 20-bit minor).
//
// Skipped (counted by skipped()): every other action (A remap, M/F merge, G,
// I, D, C, P, U, UT, m messages, …), Q events without a sector (flushes such
// as "Q FWFS [jbd2]") or with 0 sectors, discards (RWBS with D or E), Q
// events with neither R nor W (N), and the summary block blkparse prints at
// the end ("CPU0 (sda):", "Total (sda):", " Reads Queued: …",
// "Throughput …", "Events …", "Skips …", "Input file … added", per-process
// "comm (pid)" headers). Any other text line is skipped too, but makes
// format detection reject the file; a line with control characters (binary
// junk) is an error.
//
// The command in brackets after a Q event's extent names its pid's stream
// (TraceReader::stream_name). Lines are reported in file order: blkparse
// sorts per CPU, not globally.

#include "absl/strings/ascii.h"
#include "line_format.h"

namespace iosched::traces_internal {
namespace {

constexpr uint32_t kMaxMajor = (1u << 12) - 1;
constexpr uint32_t kMaxMinor = (1u << 20) - 1;

// "259,0" → true with maj/min set.
bool ParseDevice(std::string_view s, uint32_t* maj, uint32_t* min) {
  const size_t comma = s.find(',');
  if (comma == std::string_view::npos) return false;
  return ParseUint32(s.substr(0, comma), maj) && ParseUint32(s.substr(comma + 1), min);
}

bool LooksLikeEventLine(std::string_view first_field) {
  return !first_field.empty() && absl::ascii_isdigit(first_field[0]) &&
         first_field.find(',') != std::string_view::npos;
}

bool IsAction(std::string_view s) {
  if (s.empty() || s.size() > 2) return false;
  for (char c : s) {
    if (!absl::ascii_isalpha(c)) return false;
  }
  return true;
}

// Summary block and other known non-event lines.
bool IsKnownTextLine(const std::string_view* f, size_t n) {
  if (n == 0) return false;
  static constexpr std::string_view kFirstWords[] = {
      "Total",  "Reads", "Read",  "Writes", "Write",      "IO",       "PC",    "Throughput",
      "Events", "Skips", "Input", "Timer",  "Allocation", "Dispatch", "Unplug"};
  if (f[0].starts_with("CPU")) return true;
  for (std::string_view w : kFirstWords) {
    if (f[0] == w) return true;
  }
  // Per-process summary header "comm (pid)".
  const std::string_view last = f[n - 1];
  uint32_t pid;
  return n >= 2 && last.size() > 2 && last.front() == '(' && last.back() == ')' &&
         ParseUint32(last.substr(1, last.size() - 2), &pid);
}

// RWBS letters blkparse prints: R W D (discard) E (secure erase) F (flush /
// FUA) N (none) S (sync) M (meta) A (read-ahead) B (barrier, old kernels).
// What the reader needs from them, in one pass.
struct Rwbs {
  bool valid = false;
  bool read = false, write = false, discard = false;
};

Rwbs ParseRwbs(std::string_view s) {
  Rwbs r;
  if (s.empty()) return r;
  for (char c : s) {
    switch (c) {
      case 'R':
        r.read = true;
        break;
      case 'W':
        r.write = true;
        break;
      case 'D':
      case 'E':
        r.discard = true;
        break;
      case 'F':
      case 'N':
      case 'S':
      case 'M':
      case 'A':
      case 'B':
        break;
      default:
        return r;  // not valid
    }
  }
  r.valid = true;
  return r;
}

absl::Status ParseBlkparseLine(std::string_view line, const LineContext& ctx, TraceRecord* rec,
                               LineKind* kind) {
  std::string_view f[10];
  const size_t n = SplitBlanks(line, f, 10);
  if (!LooksLikeEventLine(f[0])) {
    // Free text is tolerated (summaries vary between versions), binary junk
    // is not.
    for (unsigned char c : line) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return LineError(ctx, "a blkparse text line", line);
    }
    *kind = IsKnownTextLine(f, n) ? LineKind::kHeader : LineKind::kForeign;
    return absl::OkStatus();
  }
  uint32_t maj, min;
  if (!ParseDevice(f[0], &maj, &min) || maj > kMaxMajor || min > kMaxMinor) {
    return LineError(ctx, "a device maj,min (major < 4096, minor < 2^20)", f[0]);
  }
  if (n < 6) {
    return LineError(ctx, "an event line 'maj,min cpu seq seconds pid action …'", line);
  }
  uint32_t cpu, pid;
  uint64_t seq;
  if (!ParseUint32(f[1], &cpu)) return LineError(ctx, "a CPU number", f[1]);
  if (!ParseUint64(f[2], &seq)) return LineError(ctx, "a sequence number", f[2]);
  int64_t time_ns;
  if (absl::Status s = ParseTime(ctx, f[3], 9, "a time in seconds", &time_ns); !s.ok()) return s;
  if (!ParseUint32(f[4], &pid)) return LineError(ctx, "a pid", f[4]);
  if (!IsAction(f[5])) return LineError(ctx, "an action (Q, D, C, …)", f[5]);
  if (f[5].size() != 1 || f[5][0] != 'Q') {
    *kind = LineKind::kEvent;
    return absl::OkStatus();
  }
  const Rwbs rwbs = n < 7 ? Rwbs() : ParseRwbs(f[6]);
  if (!rwbs.valid) {
    return LineError(ctx, "RWBS flags (letters from RWDEFNSMAB)", n < 7 ? line : f[6]);
  }
  // "Q FWFS [jbd2/dm-4-8]": a flush with no sector.
  if (n < 8 || f[7].front() == '[') {
    *kind = LineKind::kEvent;
    return absl::OkStatus();
  }
  uint64_t offset, length;
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[7], "a sector", &offset); !s.ok()) return s;
  if (n < 10 || f[8].size() != 1 || f[8][0] != '+') {
    return LineError(ctx, "'sector + nsectors'", line);
  }
  if (absl::Status s = ParseSectorsAsBytes(ctx, f[9], "a sector count", &length); !s.ok()) {
    return s;
  }
  if (length == 0 || rwbs.discard || (!rwbs.read && !rwbs.write)) {
    *kind = LineKind::kEvent;
    return absl::OkStatus();
  }
  if (absl::Status s = CheckExtent(ctx, offset, f[7], length, f[9]); !s.ok()) return s;
  rec->time_ns = time_ns;
  rec->op = rwbs.read ? TraceOp::kRead : TraceOp::kWrite;
  rec->offset = offset;
  rec->length = length;
  rec->device = (maj << 20) | min;
  rec->stream = pid;
  if (ctx.stream_name != nullptr) {
    // "[comm]" follows "sector + nsectors"; a command may contain blanks.
    // Usually "[comm]" is the next field and ends the line: short scans.
    const char* const end = line.data() + line.size();
    const char* open = f[9].data() + f[9].size();
    while (open < end && *open != '[') ++open;
    const char* close = end;  // one past the last ']'
    while (close > open && *(close - 1) != ']') --close;
    if (open < end && close > open + 2) {
      *ctx.stream_name = std::string_view(open + 1, static_cast<size_t>(close - open - 2));
    }
  }
  *kind = LineKind::kRecord;
  return absl::OkStatus();
}

}  // namespace

const LineFormat kBlkparseFormat = {
    .name = "blkparse",
    .time_unit = "s",
    .parse = &ParseBlkparseLine,
    .time_mode = TimeMode::kRelativeToFirst,
    .ns_per_raw_unit = 1,
};

}  // namespace iosched::traces_internal
