// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A simulated filesystem layout and the workload of Love's chapter 4: read
// every file of a directory tree, in random order or sorted by path, inode
// or physical block, on a simulated disk.
//
// The model (FsLayout) is ext2/3/4-flavoured and deliberately small:
//   - the disk is cut into block groups of `blocks_per_group` filesystem
//     blocks; each group starts with `meta_blocks` of bitmaps and inode
//     table (never read by the workload: only file data is simulated) and
//     holds `inodes_per_group` inodes; ino = group × inodes_per_group +
//     slot + 1;
//   - directories form a tree (`dirs` directories, `dir_fanout` children
//     each, breadth-first); a top-level directory is placed in a random
//     group (Orlov spreads them), a deeper one in its parent's group;
//   - the tree is written the way `cp -r` or an archive extraction writes
//     it: directory by directory in a random depth-first order, the files of
//     a directory one after the other in a random order (readdir/hash order,
//     not name order). A file's inode is the next free slot of its
//     directory's group (the following groups when it is full); its data is
//     allocated in chunks of `chunk_blocks` at the group's allocation
//     cursor, first fit forward;
//   - fragmentation f in [0, 1]: before each chunk (a file's first chunk
//     too), with probability f the allocator cannot continue where it is and
//     takes the first free chunk after a uniformly random block of the whole
//     disk instead (or, with jump_groups = N > 0, of the N block groups
//     either side of where it was: a more local allocator). f = 0 gives
//     every file one extent laid out in creation order; f = 1 scatters every
//     chunk.
//   - file sizes are log-uniform in [min_file_bytes, max_file_bytes],
//     rounded up to whole blocks; names are random, so name order is not
//     creation order.
// With f = 0 inode order equals data order inside a group by construction
// (only group overflow breaks it); what fragmentation does to each order is
// what the benchmark measures.
//
// Units: bytes for sizes and positions unless a name says blocks; times in
// nanoseconds (Duration). Deterministic for a given seed.
// Thread-safety: an FsLayout is immutable after Build(); FsLayoutProbe is
// stateless (thread-safe); RunFsWorkload is reentrant.

#ifndef IOSCHED_FS_LAYOUT_H_
#define IOSCHED_FS_LAYOUT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/disk_model.h"
#include "iosched/layout_probe.h"
#include "iosched/metrics.h"
#include "iosched/time.h"

namespace iosched {

struct FsLayoutOptions {
  uint64_t seed = 1;
  uint32_t files = 2000;
  uint32_t dirs = 100;      // directories, the root included
  uint32_t dir_fanout = 8;  // children per directory (tree shape)
  uint64_t min_file_bytes = 4 << 10;
  uint64_t max_file_bytes = 256 << 10;
  double fragmentation = 0.0;  // [0, 1]
  uint32_t block_bytes = 4096;
  uint32_t blocks_per_group = 8192;  // 32 MiB groups with 4 KiB blocks
  uint32_t meta_blocks = 130;        // bitmaps + inode table at each group's start
  uint32_t inodes_per_group = 2048;
  uint32_t chunk_blocks = 4;  // allocation granule for the fragmentation draw (16 KiB)
  uint32_t jump_groups = 0;   // how far a jump may land, in groups either side; 0: anywhere
};

struct FsFile {
  std::string path;  // "/d003/d027/f81734"
  uint32_t dir = 0;  // index of its directory
  uint64_t ino = 0;
  uint64_t size = 0;            // bytes (whole blocks)
  std::vector<Extent> extents;  // logical and physical in bytes, ascending logical
};

class FsLayout {
 public:
  // Lays out the tree on a disk of `capacity_sectors` 512-byte sectors.
  // InvalidArgument for bad options (fragmentation outside [0, 1], zero
  // counts, min > max, groups that cannot hold their metadata) or when the
  // files do not fit (the message gives both sizes).
  static absl::StatusOr<FsLayout> Build(const FsLayoutOptions& options, uint64_t capacity_sectors);

  const FsLayoutOptions& options() const { return options_; }
  const std::vector<FsFile>& files() const { return files_; }
  uint64_t capacity_bytes() const { return capacity_bytes_; }
  uint64_t total_bytes() const;  // file data
  double extents_per_file() const;

 private:
  FsLayoutOptions options_;
  std::vector<FsFile> files_;
  uint64_t capacity_bytes_ = 0;
};

// The model's answers to layout queries, so the `inode`, `physical` and
// `fibmap` elevators run on simulated files exactly as on real ones. A
// "file descriptor" is an index into layout.files(); st_dev is 1. FIBMAP and
// FIEMAP both answer from the extents. Does not own the layout.
class FsLayoutProbe final : public LayoutProbe {
 public:
  explicit FsLayoutProbe(const FsLayout* layout) : layout_(layout) {}
  ProbeAnswer Query(int fd, uint64_t offset, ProbeMethod method, bool first_block) override;

 private:
  const FsLayout* layout_;
};

// The orders of the chapter. The user-space scheduler holds the whole batch
// (every request queued before the first is issued):
//   random          files in a random order, FIFO (elevator noop)
//   path            files sorted by path, FIFO (noop)
//   inode           elevator inode (st_dev, st_ino, offset)
//   physical        elevator physical, per-request keys (block of each offset)
//   physical-first  elevator physical:first_block=1 (the book: block 0 of
//                   each file, then offset)
enum class FsOrder { kRandom, kPath, kInode, kPhysical, kPhysicalFirst };
std::string_view FsOrderName(FsOrder order);
// Parses a comma-separated list of order names. InvalidArgument names the
// offending entry and lists the known ones.
absl::StatusOr<std::vector<FsOrder>> ParseFsOrders(std::string_view list);

struct FsWorkloadOptions {
  uint32_t request_bytes = 64 << 10;  // the application's read size
  uint32_t depth = 1;                 // units in flight at the device
  uint64_t seed = 1;                  // the random file order
};

struct FsWorkloadResult {
  FsOrder order = FsOrder::kRandom;
  std::string elevator;  // the elevator spec used
  uint64_t requests = 0;
  Duration total{0};  // first submission (t = 0) to last completion
  Duration seek{0}, rotation{0}, transfer{0};
  uint64_t cache_hits = 0;
  Summary summary;
};

// Reads every file of `layout` in `order` on `disk` (which must be fresh).
// Each file is read front to back in requests of request_bytes, split where
// an extent ends (as the kernel splits a bio at a discontiguity), so every
// request is contiguous on disk. Internal if a request is lost.
absl::StatusOr<FsWorkloadResult> RunFsWorkload(const FsLayout& layout, FsOrder order,
                                               DiskModel& disk, const FsWorkloadOptions& options);

}  // namespace iosched

#endif  // IOSCHED_FS_LAYOUT_H_
