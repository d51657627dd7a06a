#!/usr/bin/env python3
# Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
"""Checks that two iosched binaries print the same JSON and CSV documents
apart from the number format.

Usage: scripts/json_equivalence.py BEFORE AFTER [--rel 1e-5]

BEFORE and AFTER are `iosched` executables (e.g. a build of main and a
build of a branch). Each runs the same commands on the bundled traces in
traces/data/ (run from the repository root); their outputs must have the
same keys in the same order, the same nesting, the same strings and
booleans, arrays of the same length, and numbers equal within a relative
tolerance (default 1e-5: the old writer printed 6 significant digits).
Integers must be equal exactly. A duplicate key in an object is an error.
CSV output is compared cell by cell the same way.

Exit status 0 when every command matches, 1 otherwise.
"""

import argparse
import csv
import io
import json
import math
import subprocess
import sys

COMMANDS = [
    "compare traces/data/msr_hm0-msr-cambridge1-sample.csv --disk hp-c2247a --fit scale "
    "--time-scale 0.05 --format json",
    "compare traces/data/disksim-hp_c2247a.trace --disk hp-c2247a --fit scale --format json",
    "compare traces/data/mqsim_umass_websearch-wsrch-small.trace --disk hp-c2247a --fit scale "
    "--time-scale 0.05 --format json",
    "compare traces/data/msr_hm0-msr-cambridge1-sample.csv --disk hp-c2247a --fit scale "
    "--time-scale 0.05 --format csv",
    "compare traces/data/mqsim_umass_websearch-wsrch-small.trace --disk hp-c2247a --fit scale "
    "--time-scale 0.05 --format csv",
    "replay traces/data/msr_hm0-msr-cambridge1-sample.csv --elevator deadline --time-scale 0.05 "
    "--offsets wrap --format json",
    "info traces/data/msr_hm0-msr-cambridge1-sample.csv --format json",
    "info traces/data/mqsim_umass_websearch-wsrch-small.trace --format json",
    "validate --parv traces/data/disksim-hp_c2247a.parv --trace traces/data/disksim-hp_c2247a.trace "
    "--format json",
    "fsbench --files 200 --dirs 20 --format json",
    "compare --fs-tree --files 200 --dirs 20 --format json",
]


class Mismatch(Exception):
    pass


class Stats:
    def __init__(self):
        self.numbers = 0
        self.max_rel = 0.0


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Mismatch("duplicate key in object: %s" % keys)
    return pairs  # a list of (key, value): keeps the order for comparison


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def same_number(a, b, rel, where, stats):
    stats.numbers += 1
    if isinstance(a, int) and isinstance(b, int):
        if a != b:
            raise Mismatch("%s: integer %d != %d" % (where, a, b))
        return
    a, b = float(a), float(b)
    if a == b:
        return
    d = abs(a - b) / max(abs(a), abs(b))
    stats.max_rel = max(stats.max_rel, d)
    if not d <= rel:
        raise Mismatch("%s: %r vs %r (relative difference %.3g)" % (where, a, b, d))


def same(a, b, rel, where, stats):
    if is_number(a) and is_number(b):
        return same_number(a, b, rel, where, stats)
    if type(a) is not type(b):
        raise Mismatch("%s: %s vs %s" % (where, type(a).__name__, type(b).__name__))
    if isinstance(a, Obj):
        ka, kb = [k for k, _ in a.pairs], [k for k, _ in b.pairs]
        if ka != kb:
            raise Mismatch("%s: keys %s vs %s" % (where, ka, kb))
        for (k, va), (_, vb) in zip(a.pairs, b.pairs):
            same(va, vb, rel, "%s.%s" % (where, k), stats)
    elif isinstance(a, list):
        if len(a) != len(b):
            raise Mismatch("%s: %d vs %d elements" % (where, len(a), len(b)))
        for i, (va, vb) in enumerate(zip(a, b)):
            same(va, vb, rel, "%s[%d]" % (where, i), stats)
    elif a != b:
        raise Mismatch("%s: %r vs %r" % (where, a, b))


class Obj:
    """A JSON object as an ordered list of members."""

    def __init__(self, pairs):
        self.pairs = no_duplicates(pairs)


def parse_json(text):
    return json.loads(text, object_pairs_hook=Obj)


def parse_cell(s):
    for conv in (int, float):
        try:
            return conv(s)
        except ValueError:
            pass
    return s


def parse_csv(text):
    return [[parse_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]


def run(binary, command):
    p = subprocess.run([binary] + command.split(), capture_output=True, text=True)
    if p.returncode != 0:
        raise Mismatch("%s %s: exit %d: %s" % (binary, command, p.returncode, p.stderr[-500:]))
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rel", type=float, default=1e-5)
    args = ap.parse_args()
    failed = 0
    for command in COMMANDS:
        stats = Stats()
        try:
            a, b = run(args.before, command), run(args.after, command)
            if "--format csv" in command:
                same(parse_csv(a), parse_csv(b), args.rel, "csv", stats)
            else:
                same(parse_json(a), parse_json(b), args.rel, "$", stats)
            print("same   %-100s %7d numbers, max relative difference %.2g, %d -> %d bytes" %
                  (command[:100], stats.numbers, stats.max_rel, len(a), len(b)))
        except (Mismatch, ValueError) as e:
            failed += 1
            print("DIFFER %s\n       %s" % (command, e))
    print("%d of %d commands differ" % (failed, len(COMMANDS)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
