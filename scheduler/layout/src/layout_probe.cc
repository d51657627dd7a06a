// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Layout probes (layout_probe.h): names, parsing, error classification and
// the fallback-chain walk. The system calls are in layout_probe_os.cc, the
// whole-file maps in layout_probe_map.cc, the caching probe in
// layout_probe_cache.cc.

#include "iosched/layout_probe.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iosched/status_macros.h"

namespace iosched {

std::string_view ProbeMethodName(ProbeMethod m) {
  switch (m) {
    case ProbeMethod::kPath:
      return "path";
    case ProbeMethod::kInode:
      return "inode";
    case ProbeMethod::kFibmap:
      return "fibmap";
    case ProbeMethod::kFiemap:
      return "fiemap";
  }
  return "?";
}

absl::StatusOr<ProbeMethod> ParseProbeMethod(std::string_view name) {
  const std::string n = absl::AsciiStrToLower(absl::StripAsciiWhitespace(Sv(name)));
  for (ProbeMethod m :
       {ProbeMethod::kPath, ProbeMethod::kInode, ProbeMethod::kFibmap, ProbeMethod::kFiemap}) {
    if (n == ProbeMethodName(m)) return m;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown layout probe '", Sv(name), "' (known: path, inode, fibmap, fiemap)"));
}

absl::StatusOr<std::vector<ProbeMethod>> ParseProbeChain(std::string_view list) {
  std::vector<ProbeMethod> chain;
  for (absl::string_view piece : absl::StrSplit(Sv(list), ',')) {
    IOSCHED_ASSIGN_OR_RETURN(ProbeMethod m, ParseProbeMethod(StdSv(piece)));
    chain.push_back(m);
  }
  IOSCHED_RETURN_IF_ERROR(CheckProbeChain(chain));
  return chain;
}

std::string ProbeChainName(const std::vector<ProbeMethod>& chain) {
  std::string out;
  for (ProbeMethod m : chain) absl::StrAppend(&out, out.empty() ? "" : ",", Sv(ProbeMethodName(m)));
  return out;
}

absl::Status CheckProbeChain(const std::vector<ProbeMethod>& chain) {
  const std::string name = ProbeChainName(chain);
  if (chain.empty()) return absl::InvalidArgumentError("probe chain is empty");
  if (chain.size() > kMaxProbeChain) {
    return absl::InvalidArgumentError(
        absl::StrCat("probe chain '", name, "': more than ", kMaxProbeChain, " steps"));
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain[i] == ProbeMethod::kPath) {
      return absl::InvalidArgumentError(absl::StrCat(
          "probe chain '", name, "': 'path' has no numeric key; use inode, fibmap, fiemap"));
    }
    if (std::find(chain.begin(), chain.begin() + i, chain[i]) != chain.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat(
          "probe chain '", name, "': '", Sv(ProbeMethodName(chain[i])), "' appears twice"));
    }
  }
  return absl::OkStatus();
}

std::vector<ProbeMethod> DefaultProbeChain() {
  return {ProbeMethod::kFibmap, ProbeMethod::kFiemap, ProbeMethod::kInode};
}

std::string_view ProbeFailureName(ProbeFailure f) {
  switch (f) {
    case ProbeFailure::kNone:
      return "none";
    case ProbeFailure::kPermission:
      return "eperm";
    case ProbeFailure::kUnsupported:
      return "unsupported";
    case ProbeFailure::kUnknownExtent:
      return "unknown_extent";
    case ProbeFailure::kHole:
      return "hole";
    case ProbeFailure::kOutOfRange:
      return "erange";
    case ProbeFailure::kChanged:
      return "changed";
    case ProbeFailure::kNotRegular:
      return "not_regular";
    case ProbeFailure::kNoFile:
      return "no_file";
    case ProbeFailure::kError:
      return "error";
  }
  return "?";
}

ProbeFailure ClassifyProbeErrno(int error) {
  switch (error) {
    case 0:
      return ProbeFailure::kNone;
    case EPERM:
    case EACCES:
      return ProbeFailure::kPermission;
    case EINVAL:
    case ENOTTY:
    case EOPNOTSUPP:
    case ENOSYS:
    case EBADR:  // FIEMAP: a request flag the filesystem does not know
      return ProbeFailure::kUnsupported;
    case ERANGE:
    case EOVERFLOW:
      return ProbeFailure::kOutOfRange;
    case EBADF:
    case ENOENT:
      return ProbeFailure::kNoFile;
    default:
      return ProbeFailure::kError;
  }
}

ProbeFailure FailureOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return ProbeFailure::kNone;
    case absl::StatusCode::kPermissionDenied:
      return ProbeFailure::kPermission;
    case absl::StatusCode::kUnimplemented:
      return ProbeFailure::kUnsupported;
    case absl::StatusCode::kOutOfRange:
      return ProbeFailure::kOutOfRange;
    case absl::StatusCode::kAborted:
      return ProbeFailure::kChanged;
    case absl::StatusCode::kFailedPrecondition:
      return ProbeFailure::kNotRegular;
    case absl::StatusCode::kNotFound:
      return ProbeFailure::kNoFile;
    default:
      return ProbeFailure::kError;
  }
}

std::string ExtentFlagNames(uint32_t flags) {
  // filefrag's words, in its order.
  static constexpr struct {
    uint32_t bit;
    const char* name;
  } kNames[] = {
      {kExtentLast, "last"},           {kExtentUnknown, "unknown_loc"},
      {kExtentDelalloc, "delalloc"},   {kExtentEncoded, "encoded"},
      {kExtentEncrypted, "encrypted"}, {kExtentNotAligned, "not_aligned"},
      {kExtentInline, "inline"},       {kExtentTail, "tail_packed"},
      {kExtentUnwritten, "unwritten"}, {kExtentMerged, "merged"},
      {kExtentShared, "shared"},
  };
  std::vector<std::string> out;
  uint32_t seen = 0;
  for (const auto& n : kNames) {
    if (flags & n.bit) out.emplace_back(n.name);
    seen |= n.bit;
  }
  if (flags & ~seen) out.push_back(absl::StrCat("0x", absl::Hex(flags & ~seen)));
  return absl::StrJoin(out, ",");
}

bool FileStat::regular() const { return S_ISREG(mode); }
bool FileStat::block_device() const { return S_ISBLK(mode); }
bool FileStat::directory() const { return S_ISDIR(mode); }

const Extent* FileLayout::Find(uint64_t offset) const {
  // First extent whose end is beyond `offset`.
  auto it =
      std::upper_bound(extents.begin(), extents.end(), offset,
                       [](uint64_t off, const Extent& e) { return off < e.logical + e.length; });
  if (it == extents.end() || it->logical > offset) return nullptr;
  return &*it;
}

LayoutKey ComputeLayoutKey(LayoutProbe& probe, const std::vector<ProbeMethod>& chain, int fd,
                           uint64_t offset, bool first_block) {
  LayoutKey key;
  const size_t n = std::min(chain.size(), kMaxProbeChain);
  for (size_t i = 0; i < n; ++i) {
    const ProbeAnswer a = probe.Query(fd, offset, chain[i], first_block);
    if (a.dev != 0) key.dev = a.dev;
    if (a.failure == ProbeFailure::kNone) {
      key.cls = a.cls;
      key.dev = a.dev;
      key.value = a.value;
      key.method = chain[i];
      return key;
    }
    key.steps[key.failed++] = ProbeStep{chain[i], a.failure, a.error};
  }
  key.cls = KeyClass::kNone;
  key.value = 0;
  return key;
}

}  // namespace iosched
