// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// FsLayout::Build and FsLayoutProbe (fs_layout.h): the simulated
// filesystem's directories, inodes and extents.

#include "iosched/fs_layout.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace iosched {
namespace {

absl::Status Validate(const FsLayoutOptions& o) {
  if (!(o.fragmentation >= 0.0 && o.fragmentation <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("fragmentation must be in [0, 1], got ", o.fragmentation));
  }
  if (o.files == 0 || o.dirs == 0 || o.dir_fanout == 0 || o.chunk_blocks == 0 ||
      o.inodes_per_group == 0) {
    return absl::InvalidArgumentError(
        "files, dirs, dir_fanout, chunk_blocks and inodes_per_group must be >= 1");
  }
  if (o.block_bytes < 512 || o.block_bytes % 512 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("block size must be a multiple of 512 bytes, got ", o.block_bytes));
  }
  if (o.min_file_bytes == 0 || o.min_file_bytes > o.max_file_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("file sizes: expected 0 < min <= max, got ",
                                                   o.min_file_bytes, " and ", o.max_file_bytes));
  }
  if (o.meta_blocks >= o.blocks_per_group) {
    return absl::InvalidArgumentError(absl::StrCat("a group of ", o.blocks_per_group,
                                                   " blocks cannot hold ", o.meta_blocks,
                                                   " metadata blocks"));
  }
  return absl::OkStatus();
}

// Free-space bitmap with first-fit search.
class Blocks {
 public:
  explicit Blocks(uint64_t n) : used_(n, 0), free_(n) {}
  uint64_t size() const { return used_.size(); }
  uint64_t free() const { return free_; }
  void Use(uint64_t b) {
    if (!used_[b]) --free_;
    used_[b] = 1;
  }
  // Takes up to `n` contiguous free blocks at the first free block at or
  // after `from` (wrapping at the end). Returns {start, count}; count 0 if
  // the disk is full.
  std::pair<uint64_t, uint64_t> Take(uint64_t from, uint64_t n) {
    if (free_ == 0) return {0, 0};
    uint64_t b = from % used_.size();
    while (used_[b]) b = (b + 1) % used_.size();
    uint64_t len = 0;
    while (len < n && b + len < used_.size() && !used_[b + len]) {
      used_[b + len] = 1;
      ++len;
    }
    free_ -= len;
    return {b, len};
  }

 private:
  std::vector<uint8_t> used_;
  uint64_t free_;
};

}  // namespace

absl::StatusOr<FsLayout> FsLayout::Build(const FsLayoutOptions& o, uint64_t capacity_sectors) {
  if (absl::Status st = Validate(o); !st.ok()) return st;
  FsLayout layout;
  layout.options_ = o;
  layout.capacity_bytes_ = capacity_sectors * 512;
  const uint64_t block = o.block_bytes;
  const uint64_t total_blocks = layout.capacity_bytes_ / block;
  const uint64_t groups = total_blocks / o.blocks_per_group;
  if (groups == 0) {
    return absl::InvalidArgumentError(absl::StrCat("the disk (", layout.capacity_bytes_,
                                                   " bytes) holds no whole block group of ",
                                                   uint64_t{o.blocks_per_group} * block, " bytes"));
  }
  if (uint64_t{o.files} > groups * o.inodes_per_group) {
    return absl::InvalidArgumentError(absl::StrCat(o.files, " files need more inodes than the ",
                                                   groups * o.inodes_per_group, " of the disk"));
  }
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  // Space: metadata at the start of every group; a partial tail group is
  // left unused.
  Blocks blocks(groups * o.blocks_per_group);
  for (uint64_t g = 0; g < groups; ++g) {
    for (uint32_t i = 0; i < o.meta_blocks; ++i) blocks.Use(g * o.blocks_per_group + i);
  }

  // Directories: a breadth-first tree; names by index, so sibling name
  // order is index order.
  std::vector<int64_t> parent(o.dirs, -1);
  std::vector<std::vector<uint32_t>> children(o.dirs);
  std::vector<std::string> dir_path(o.dirs, "");
  std::vector<uint64_t> dir_group(o.dirs, 0);
  std::uniform_int_distribution<uint64_t> any_group(0, groups - 1);
  dir_group[0] = any_group(rng);
  for (uint32_t i = 1; i < o.dirs; ++i) {
    parent[i] = (i - 1) / o.dir_fanout;
    children[parent[i]].push_back(i);
    dir_path[i] = absl::StrFormat("%s/d%03u", dir_path[parent[i]], i);
    // Orlov: top-level directories spread over the groups, deeper ones stay
    // with their parent.
    dir_group[i] = parent[i] == 0 ? any_group(rng) : dir_group[parent[i]];
  }

  // Files: a random directory, a random (unique) name, a log-uniform size.
  layout.files_.resize(o.files);
  std::vector<uint32_t> names(o.files);
  std::iota(names.begin(), names.end(), 0);
  std::shuffle(names.begin(), names.end(), rng);
  std::uniform_int_distribution<uint32_t> any_dir(0, o.dirs - 1);
  const double lo = std::log(static_cast<double>(o.min_file_bytes));
  const double hi = std::log(static_cast<double>(o.max_file_bytes));
  std::vector<std::vector<uint32_t>> dir_files(o.dirs);
  uint64_t need_blocks = 0;
  for (uint32_t i = 0; i < o.files; ++i) {
    FsFile& f = layout.files_[i];
    f.dir = any_dir(rng);
    f.path = absl::StrFormat("%s/f%06u", dir_path[f.dir], names[i]);
    const double bytes = std::exp(lo + (hi - lo) * unit(rng));
    f.size = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(bytes / block))) * block;
    need_blocks += f.size / block;
    dir_files[f.dir].push_back(i);
  }
  if (need_blocks > blocks.free()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the files (", need_blocks * block, " bytes) do not fit on the disk (",
                     blocks.free() * block, " bytes free for data); use fewer or smaller files"));
  }

  // Creation: directories depth-first in a random order, each directory's
  // files one after the other in a random order.
  std::vector<uint64_t> cursor(groups);  // allocation goal per group
  std::vector<uint32_t> next_inode(groups, 0);
  for (uint64_t g = 0; g < groups; ++g) cursor[g] = g * o.blocks_per_group + o.meta_blocks;
  std::uniform_int_distribution<uint64_t> any_block(0, blocks.size() - 1);
  absl::Status status;
  auto create = [&](FsFile& f) {
    uint64_t g = dir_group[f.dir];
    while (next_inode[g] >= o.inodes_per_group) g = (g + 1) % groups;
    f.ino = g * o.inodes_per_group + next_inode[g]++ + 1;
    const uint64_t home = dir_group[f.dir];
    uint64_t left = f.size / block, logical = 0;
    uint64_t at = cursor[home];
    bool on_cursor = true;  // still growing from the group's goal
    while (left > 0 && status.ok()) {
      const uint64_t n = std::min<uint64_t>(left, o.chunk_blocks);
      if (o.fragmentation > 0 && unit(rng) < o.fragmentation) {
        if (o.jump_groups == 0) {
          at = any_block(rng);
        } else {
          const uint64_t span = uint64_t{o.jump_groups} * o.blocks_per_group;
          const uint64_t lo = at > span ? at - span : 0;
          const uint64_t hi = std::min(blocks.size() - 1, at + span);
          at = std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
        }
        on_cursor = false;
      }
      uint64_t got = 0;
      while (got < n) {
        auto [start, len] = blocks.Take(at, n - got);
        if (len == 0) {
          status = absl::ResourceExhaustedError("the simulated disk is full");
          return;
        }
        const uint64_t phys = start * block;
        if (!f.extents.empty() && f.extents.back().physical + f.extents.back().length == phys) {
          f.extents.back().length += len * block;
        } else {
          f.extents.push_back(Extent{logical * block, phys, len * block, 0});
        }
        logical += len;
        got += len;
        at = start + len;
      }
      left -= n;
      if (on_cursor) cursor[home] = at;
    }
    if (!f.extents.empty()) f.extents.back().flags |= kExtentLast;
  };
  std::function<void(uint32_t)> visit = [&](uint32_t d) {
    std::vector<uint32_t> mine = dir_files[d];
    std::shuffle(mine.begin(), mine.end(), rng);
    for (uint32_t i : mine) create(layout.files_[i]);
    std::vector<uint32_t> kids = children[d];
    std::shuffle(kids.begin(), kids.end(), rng);
    for (uint32_t k : kids) visit(k);
  };
  visit(0);
  if (!status.ok()) return status;
  return layout;
}

uint64_t FsLayout::total_bytes() const {
  uint64_t n = 0;
  for (const FsFile& f : files_) n += f.size;
  return n;
}

double FsLayout::extents_per_file() const {
  if (files_.empty()) return 0;
  uint64_t n = 0;
  for (const FsFile& f : files_) n += f.extents.size();
  return static_cast<double>(n) / static_cast<double>(files_.size());
}

ProbeAnswer FsLayoutProbe::Query(int fd, uint64_t offset, ProbeMethod method, bool first_block) {
  ProbeAnswer a;
  if (fd < 0 || static_cast<size_t>(fd) >= layout_->files().size()) {
    a.failure = ProbeFailure::kNoFile;
    return a;
  }
  const FsFile& f = layout_->files()[static_cast<size_t>(fd)];
  a.dev = 1;
  switch (method) {
    case ProbeMethod::kPath:
      a.failure = ProbeFailure::kUnsupported;
      return a;
    case ProbeMethod::kInode:
      a.cls = KeyClass::kInode;
      a.value = f.ino;
      return a;
    case ProbeMethod::kFibmap:
    case ProbeMethod::kFiemap:
      break;
  }
  const uint64_t pos = first_block ? 0 : offset;
  const uint64_t block = layout_->options().block_bytes;
  for (const Extent& x : f.extents) {
    if (pos >= x.logical && pos < x.logical + x.length) {
      a.cls = KeyClass::kPosition;
      a.value = x.physical + (pos - x.logical) / block * block;
      return a;
    }
  }
  a.failure = ProbeFailure::kHole;
  return a;
}

}  // namespace iosched
