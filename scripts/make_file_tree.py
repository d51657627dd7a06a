#!/usr/bin/env python3
# Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
"""Makes a directory tree of small files for `iosched sortbench`.

The tree is written the way an archive extraction writes it: directory by
directory, the files of a directory in a random order (so name order is not
creation order), sizes log-uniform in [--min-kb, --max-kb]. Everything is
fsync'ed so that the blocks are allocated before the benchmark probes them.

--fragment K allocates the files of each directory K at a time, in turns of
--piece-kb (posix_fallocate), before writing them: each file then has an
extent per piece, interleaved with K-1 other files (on ext4, xfs).

Deterministic for a given --seed. Prints one summary line.
"""

import argparse
import math
import os
import random
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", help="directory to create (must not exist)")
    p.add_argument("--files", type=int, default=3000)
    p.add_argument("--dirs", type=int, default=60)
    p.add_argument("--min-kb", type=int, default=4)
    p.add_argument("--max-kb", type=int, default=256)
    p.add_argument("--fragment", type=int, default=0,
                   help="interleave the allocation of K files at a time (0: off)")
    p.add_argument("--piece-kb", type=int, default=16)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.files < 1 or a.dirs < 1 or not 0 < a.min_kb <= a.max_kb or a.piece_kb < 4:
        sys.exit("make_file_tree: bad sizes or counts")
    if os.path.exists(a.dir):
        sys.exit(f"make_file_tree: {a.dir} exists; pick a new directory")

    rng = random.Random(a.seed)
    os.makedirs(a.dir)
    dirs = []
    for d in range(a.dirs):
        # Two levels: d/00 .. d/NN under a few top-level directories.
        path = os.path.join(a.dir, f"t{d % 8}", f"d{d:03d}")
        os.makedirs(path, exist_ok=True)
        dirs.append(path)
    names = list(range(a.files))
    rng.shuffle(names)
    per_dir = [[] for _ in dirs]
    lo, hi = math.log(a.min_kb * 1024), math.log(a.max_kb * 1024)
    for i in range(a.files):
        size = int(math.exp(lo + (hi - lo) * rng.random()))
        size = max(4096, (size + 4095) // 4096 * 4096)
        per_dir[rng.randrange(len(dirs))].append((f"f{names[i]:06d}", size))

    total = 0
    for d, files in zip(dirs, per_dir):
        rng.shuffle(files)
        k = max(1, a.fragment)
        for start in range(0, len(files), k):
            group = files[start:start + k]
            fds = [os.open(os.path.join(d, n), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                   for n, _ in group]
            if a.fragment:
                piece = a.piece_kb * 1024
                done = [0] * len(group)
                while any(done[j] < group[j][1] for j in range(len(group))):
                    for j, (_, size) in enumerate(group):
                        if done[j] < size:
                            n = min(piece, size - done[j])
                            os.posix_fallocate(fds[j], done[j], n)
                            done[j] += n
            for fd, (_, size) in zip(fds, group):
                data = rng.randbytes(size)
                os.pwrite(fd, data, 0)
                os.fsync(fd)
                os.close(fd)
                total += size
    print(f"{a.dir}: {a.files} files, {total / 1e6:.1f} MB in {len(dirs)} directories"
          f"{f', allocation interleaved {a.fragment} at a time' if a.fragment else ''}")


if __name__ == "__main__":
    main()
