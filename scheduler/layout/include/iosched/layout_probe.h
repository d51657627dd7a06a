// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Layout probes: where a file's bytes live, as far as user space can tell
// (Love, "Linux System Programming", ch. 4, "Scheduling I/O in user space").
//
// Four methods, from cheapest to most exact:
//
//   path    the name the file was opened under (readlink /proc/self/fd/N).
//           Sorting by it is the crudest approximation; it has no numeric
//           key, so it is available through MapFile() for callers that sort
//           their own lists, not to elevators.
//   inode   (st_dev, st_ino) from fstat(2). Unprivileged, one call per file.
//   fibmap  ioctl(FIBMAP) per logical block: file block -> device block, in
//           units of the filesystem block size (ioctl FIGETBSZ). Needs
//           CAP_SYS_RAWIO (EPERM otherwise); filesystems without a block map
//           say EINVAL (tmpfs, btrfs, NFS); 0 means a hole; ERANGE when the
//           block number does not fit an int.
//   fiemap  ioctl(FS_IOC_FIEMAP): the extent map, unprivileged; iterated
//           until an extent carries FIEMAP_EXTENT_LAST. Extents flagged
//           UNKNOWN, DELALLOC, ENCODED (or DATA_ENCRYPTED) or DATA_INLINE have
//           no usable device position ("unknown extent"); SHARED extents are
//           usable and reported. EOPNOTSUPP when the filesystem has none.
//           On btrfs fe_physical is a btrfs logical address (chunk mapping,
//           RAID), not a device offset: it still orders one filesystem's
//           extents roughly, but it is not where the heads go.
//
// Units: every offset, position and length in this header is in BYTES
// (file offsets, device offsets), except where a name says "block".
//
// Sort keys. An elevator that sorts file requests (inode, physical, fibmap;
// see registry.h) asks a LayoutProbe for each request's key, walking an
// explicit fallback chain (default fibmap -> fiemap -> inode) and recording
// why each step failed (ComputeLayoutKey). The key of a request is the device
// position of the filesystem block that holds the request's own first byte
// ("per-request" mode, the default), or of the file's logical block 0
// ("first-block" mode, the book's choice: one FIBMAP per file, all requests
// of a file sort together and then by offset).
//
// Keys sort by (st_dev, key class, value, file offset, arrival): requests are
// grouped by device first; device positions (fibmap/fiemap) come before
// inode numbers, which come before requests that could not be keyed at all.
//
// Thread-safety: SystemLayoutProbe is thread-safe (one internal mutex). The
// free functions are thread-safe. ProbeOs::Real() is thread-safe.

#ifndef IOSCHED_LAYOUT_PROBE_H_
#define IOSCHED_LAYOUT_PROBE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace iosched {

enum class ProbeMethod : uint8_t { kPath = 0, kInode = 1, kFibmap = 2, kFiemap = 3 };

// "path", "inode", "fibmap", "fiemap".
std::string_view ProbeMethodName(ProbeMethod m);
// Parses one name (any case). InvalidArgument quotes the text and lists the
// known names.
absl::StatusOr<ProbeMethod> ParseProbeMethod(std::string_view name);

// At most this many steps in a fallback chain.
inline constexpr size_t kMaxProbeChain = 4;

// Parses a comma-separated fallback chain, e.g. "fibmap,fiemap,inode".
// Only methods with a numeric key (inode, fibmap, fiemap) are allowed, each
// at most once. InvalidArgument names the offending entry.
absl::StatusOr<std::vector<ProbeMethod>> ParseProbeChain(std::string_view list);

// The same rules for a chain given as a list: not empty, at most
// kMaxProbeChain steps, no `path`, no method twice. InvalidArgument names
// the chain and the offending entry.
absl::Status CheckProbeChain(const std::vector<ProbeMethod>& chain);

// "fibmap,fiemap,inode".
std::string ProbeChainName(const std::vector<ProbeMethod>& chain);

// The default chain: fibmap -> fiemap -> inode.
std::vector<ProbeMethod> DefaultProbeChain();

// Why a probe step gave no key.
enum class ProbeFailure : uint8_t {
  kNone = 0,
  kPermission,     // EPERM: FIBMAP without CAP_SYS_RAWIO
  kUnsupported,    // EINVAL, ENOTTY, EOPNOTSUPP: the filesystem has no such map
  kUnknownExtent,  // FIEMAP extent flagged UNKNOWN/DELALLOC/ENCODED/INLINE
  kHole,           // no block there: FIBMAP 0, a gap between extents, or EOF
  kOutOfRange,     // ERANGE: FIBMAP's int cannot hold the block number
  kChanged,        // the file changed size/mtime while it was being mapped
  kNotRegular,     // a directory, socket, … (not a file nor a block device)
  kNoFile,         // no file descriptor, or fstat failed (EBADF, …)
  kError,          // any other errno
};
inline constexpr int kNumProbeFailures = 10;

// Stable short names used in counters and CSV: "none", "eperm",
// "unsupported", "unknown_extent", "hole", "erange", "changed",
// "not_regular", "no_file", "error".
std::string_view ProbeFailureName(ProbeFailure f);

// ---- Whole-file maps (the chapter's program; `iosched blocks`) ----------

// FIEMAP extent flags (values of <linux/fiemap.h>, so that callers need not
// include it). FIBMAP maps carry kExtentMerged, and kExtentLast on the last
// extent, as filefrag prints them.
inline constexpr uint32_t kExtentLast = 0x0001;
inline constexpr uint32_t kExtentUnknown = 0x0002;
inline constexpr uint32_t kExtentDelalloc = 0x0004;
inline constexpr uint32_t kExtentEncoded = 0x0008;
inline constexpr uint32_t kExtentEncrypted = 0x0080;
inline constexpr uint32_t kExtentNotAligned = 0x0100;
inline constexpr uint32_t kExtentInline = 0x0200;
inline constexpr uint32_t kExtentTail = 0x0400;
inline constexpr uint32_t kExtentUnwritten = 0x0800;
inline constexpr uint32_t kExtentMerged = 0x1000;
inline constexpr uint32_t kExtentShared = 0x2000;

// Flag names joined by ',' in filefrag's words ("last", "unknown_loc",
// "delalloc", "encoded", "unwritten", "merged", "shared", …); "" for none.
std::string ExtentFlagNames(uint32_t flags);

struct Extent {
  uint64_t logical = 0;   // file offset, bytes
  uint64_t physical = 0;  // device offset, bytes (meaningless unless placed())
  uint64_t length = 0;    // bytes
  uint32_t flags = 0;     // kExtent* bits

  // True when `physical` is a device position one can sort by: not UNKNOWN,
  // DELALLOC, ENCODED, ENCRYPTED or DATA_INLINE.
  bool placed() const {
    return (flags & (kExtentUnknown | kExtentDelalloc | kExtentEncoded | kExtentEncrypted |
                     kExtentInline)) == 0;
  }
};

// What fstat says about a file, in the units above.
struct FileStat {
  uint64_t dev = 0;   // st_dev
  uint64_t ino = 0;   // st_ino
  uint64_t rdev = 0;  // st_rdev (block devices)
  uint64_t size = 0;  // bytes
  int64_t mtime_ns = 0;
  uint32_t mode = 0;  // st_mode
  bool regular() const;
  bool block_device() const;
  bool directory() const;
};

// The map one method produced for one file.
struct FileLayout {
  ProbeMethod method = ProbeMethod::kInode;
  FileStat stat;
  std::string path;         // kPath: the name under /proc/self/fd; else empty
  uint32_t block_size = 0;  // kFibmap/kFiemap: filesystem block size (FIGETBSZ)
  // kFibmap/kFiemap: extents in ascending logical order, not overlapping;
  // holes are gaps. FIBMAP extents are runs of blocks that are contiguous
  // both logically and physically.
  std::vector<Extent> extents;
  uint64_t ioctl_calls = 0;  // FIBMAP: one per block; FIEMAP: one per batch

  // The extent holding byte `offset`, or nullptr (hole, past EOF).
  const Extent* Find(uint64_t offset) const;
};

// The system calls a probe makes. Every method returns 0 or a positive
// errno. Tests substitute a fake; ProbeOs::Real() is Linux.
class ProbeOs {
 public:
  virtual ~ProbeOs() = default;
  virtual int Stat(int fd, FileStat* out) = 0;
  // ioctl(FIGETBSZ): the filesystem block size in bytes.
  virtual int BlockSize(int fd, uint32_t* bytes) = 0;
  // ioctl(FIBMAP) for logical block `logical`; *physical = 0 for a hole.
  virtual int Fibmap(int fd, uint64_t logical, uint64_t* physical) = 0;
  // One ioctl(FS_IOC_FIEMAP) over [start, start + length) with room for
  // `max_extents`; appends what it returned to *out. `flags` are FIEMAP
  // request flags (FIEMAP_FLAG_SYNC = 1).
  virtual int Fiemap(int fd, uint64_t start, uint64_t length, uint32_t flags, uint32_t max_extents,
                     std::vector<Extent>* out) = 0;
  // The path `fd` was opened under.
  virtual int PathOf(int fd, std::string* out) = 0;

  static ProbeOs& Real();
};

// Maps the whole file open as `fd` with `method`.
//   kPath   stat + path.          kInode  stat only.
//   kFibmap one FIBMAP per logical block (ceil(size / block size)), merged
//           into extents; holes (0) are skipped.
//   kFiemap FIEMAP batches until an extent carries kExtentLast.
// `sync`: FIEMAP_FLAG_SYNC (flush delayed allocations first).
// Errors (messages name the method, the errno and what to do):
//   PermissionDenied  FIBMAP EPERM (needs CAP_SYS_RAWIO)
//   Unimplemented     EINVAL/ENOTTY/EOPNOTSUPP: the filesystem has no map
//   OutOfRange        FIBMAP ERANGE
//   FailedPrecondition not a regular file ("is a directory")
//   Aborted           the file changed size or mtime during the mapping
//                     (retried twice first)
//   Internal/Unknown  other errnos
absl::StatusOr<FileLayout> MapFile(int fd, ProbeMethod method, bool sync = false,
                                   ProbeOs& os = ProbeOs::Real());

// Opens `path` read-only and calls MapFile. NotFound / PermissionDenied /
// FailedPrecondition ("is a directory") name the path.
absl::StatusOr<FileLayout> MapPath(const std::string& path, ProbeMethod method, bool sync = false,
                                   ProbeOs& os = ProbeOs::Real());

// The failure class of an errno from a probe ioctl or fstat: EPERM/EACCES
// kPermission; EINVAL, ENOTTY, EOPNOTSUPP, ENOSYS, EBADR kUnsupported; ERANGE
// kOutOfRange; EBADF/ENOENT kNoFile; anything else kError.
ProbeFailure ClassifyProbeErrno(int error);

// The status a failed step stands for, as MapFile reports it, e.g.
// PermissionDenied "fibmap: not permitted (EPERM): FIBMAP needs
// CAP_SYS_RAWIO (root); fiemap works without privileges".
absl::Status ProbeFailureStatus(ProbeMethod method, ProbeFailure failure, int error);

// The failure behind a MapFile error status, for callers that want the
// enum (kError when the status is not one MapFile produces).
ProbeFailure FailureOf(const absl::Status& status);
// The errno behind a MapFile / ProbeFailureStatus error (carried as a status
// payload), or 0.
int ProbeErrnoOf(const absl::Status& status);

// ---- Per-request sort keys ---------------------------------------------

// Key classes in sweep order.
enum class KeyClass : uint8_t {
  kPosition = 0,  // a device byte offset (fibmap, fiemap, block device, sector)
  kInode = 1,     // st_ino
  kNone = 2,      // nothing worked: sorted last, in arrival order
};

// One probe's answer for one method at one offset.
struct ProbeAnswer {
  ProbeFailure failure = ProbeFailure::kNone;
  int error = 0;  // errno behind `failure`, 0 if none
  KeyClass cls = KeyClass::kNone;
  uint64_t dev = 0;    // st_dev (st_rdev for a block device)
  uint64_t value = 0;  // see KeyClass
};

// A source of layout answers: the real filesystem (SystemLayoutProbe) or a
// model (the simulator's FsLayoutProbe).
class LayoutProbe {
 public:
  virtual ~LayoutProbe() = default;
  // Where byte `offset` of the file open as `fd` is, by `method`:
  //   kInode          cls kInode, value st_ino.
  //   kFibmap/kFiemap cls kPosition, value = device byte offset of the
  //                   filesystem block holding `offset`, or of logical block
  //                   0 when `first_block` is set.
  //   kPath           always kUnsupported (no numeric key).
  // A block device answers cls kPosition, value = offset, for every method.
  // `dev` is filled whenever the file could be stat'ed, even on failure.
  virtual ProbeAnswer Query(int fd, uint64_t offset, ProbeMethod method, bool first_block) = 0;
};

// A failed step of a chain walk.
struct ProbeStep {
  ProbeMethod method = ProbeMethod::kInode;
  ProbeFailure failure = ProbeFailure::kNone;
  int error = 0;
};

// The key of one request and how it was found.
struct LayoutKey {
  KeyClass cls = KeyClass::kNone;
  uint64_t dev = 0;
  uint64_t value = 0;
  ProbeMethod method = ProbeMethod::kInode;  // the step that answered (unless kNone)
  uint8_t failed = 0;                        // steps that failed before it
  ProbeStep steps[kMaxProbeChain];           // steps[0, failed)
};

// Walks `chain` (at most kMaxProbeChain methods) asking `probe`; the first
// step that answers gives the key, each failed step is recorded. With no
// answer the key is KeyClass::kNone.
LayoutKey ComputeLayoutKey(LayoutProbe& probe, const std::vector<ProbeMethod>& chain, int fd,
                           uint64_t offset, bool first_block);

// The probe over the real filesystem, with a per-file cache.
//
// Cache: one entry per (st_dev, st_ino), holding the block size, the FIBMAP
// answers asked for so far (per logical block) and the whole FIEMAP extent
// list (mapped on first use), plus per-method failures (EPERM, EINVAL, …
// are remembered per file). Every Query fstat()s the descriptor; an entry
// whose size or mtime differs is dropped and rebuilt ("invalidation"). Data
// still in delayed allocation shows as an unknown extent until the file
// changes, Invalidate() is called, or Options::fiemap_sync is set. The cache
// holds at most Options::max_files entries; when full it is cleared.
//
// Cost per Query: one fstat, one hash lookup; the first FIEMAP of a file maps
// it whole; FIBMAP costs one ioctl per distinct logical block asked. Memory
// is allocated per new file and per newly asked FIBMAP block, never on a
// cache hit.
// Thread-safe.
class SystemLayoutProbe final : public LayoutProbe {
 public:
  struct Options {
    bool fiemap_sync = false;  // FIEMAP_FLAG_SYNC on every FIEMAP mapping
    size_t max_files = 65536;
    ProbeOs* os = nullptr;  // not owned; null: ProbeOs::Real()
  };
  struct Stats {
    uint64_t queries = 0;
    uint64_t cache_hits = 0;                    // answered without an ioctl
    uint64_t invalidations = 0;                 // entries dropped for a size/mtime change
    uint64_t ioctls = 0;                        // FIBMAP + FIEMAP + FIGETBSZ calls
    uint64_t failures[kNumProbeFailures] = {};  // answers by ProbeFailure ([0]: answered)
  };

  SystemLayoutProbe();
  explicit SystemLayoutProbe(Options options);
  ~SystemLayoutProbe() override;

  ProbeAnswer Query(int fd, uint64_t offset, ProbeMethod method, bool first_block) override;

  // Drops every cached entry.
  void Invalidate();
  Stats stats() const;
  size_t cached_files() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iosched

#endif  // IOSCHED_LAYOUT_PROBE_H_
