#!/usr/bin/env python3
"""Run `aether bench --quick --json` (the command line given) and check its
output: valid JSON, every key the issue asks for, finite numbers everywhere,
and a row in every table. The values themselves are never checked: speed is
not asserted in a test."""

import json
import math
import subprocess
import sys

TOP_NUMBERS = ["overhead_ns_per_node", "chain_1000_us_per_block", "deadline_ns"]
TABLES = {
    "scheduler": ["engine_ns", "fused_ns", "ns_per_node", "ratio_to_fused",
                  "deadline_pct"],
    "patches": ["engine_ns", "deadline_pct"],
    "voices": ["engine_ns", "hand_kernels_ns", "ratio_to_hand_kernels"],
    "compile": ["commit_us"],
    "swap": ["swap_ns"],
    "parse": ["parse_ms"],
    "plugin": ["plugin_ns_per_frame", "engine_ns_per_frame"],
    "nodes": ["kernel_ns", "in_engine_ns"],
}
N_TARGETS = 7  # the six, and 32 voices of the default synth


def fail(message):
    print("check_bench: " + message, file=sys.stderr)
    sys.exit(1)


def check_finite(value, where):
    """Every number (and every median, quartile, ...) must be finite."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_finite(item, where + "." + key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_finite(item, "%s[%d]" % (where, i))
    elif value is None:
        fail("%s is null (not measured)" % where)
    elif isinstance(value, float) and not math.isfinite(value):
        fail("%s is not finite" % where)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def main():
    run = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=False)
    if run.returncode != 0:
        fail("exit status %d" % run.returncode)
    try:
        doc = json.loads(run.stdout)
    except ValueError as e:
        fail("not JSON: %s" % e)

    for key in TOP_NUMBERS:
        if not is_number(doc.get(key)):
            fail("missing number %s" % key)
    for table, columns in TABLES.items():
        rows = doc.get(table)
        if not isinstance(rows, list) or not rows:
            fail("missing or empty table %s" % table)
        for column in columns:
            if not any(column in row for row in rows):
                fail("table %s has no column %s" % (table, column))
    targets = doc.get("targets", [])
    if len(targets) != N_TARGETS:
        fail("%d targets, expected %d" % (len(targets), N_TARGETS))
    for target in targets:
        if not is_number(target.get("value")):
            fail("target %s not measured" % target.get("name"))
    for key in ["cpu", "cores"]:
        if key not in doc.get("machine", {}):
            fail("machine has no %s" % key)
    check_finite(doc, "bench")
    print("check_bench: %d tables, %d targets, all finite"
          % (len(TABLES), len(targets)))


if __name__ == "__main__":
    main()
