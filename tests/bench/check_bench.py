#!/usr/bin/env python3
"""Run `aether bench --quick --json` (the command line given) and check its
output: valid JSON, every key the issues ask for, finite numbers everywhere,
and a row in every table. The values themselves are never checked: speed is
not asserted in a test.

The outside references (issue 15) are Faust programs built in when the
faust compiler is installed: then their figures must be finite too; without
it ("faust": null) they must be null and the references' note must say they
were skipped."""

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
    "references": ["aether_ns", "faust_ns", "ratio", "aether_deadline_pct",
                   "faust_deadline_pct", "aether_level_db", "faust_level_db",
                   "aether_rt60_s", "faust_rt60_s", "aether_alias_db",
                   "faust_alias_db"],
    "edit_load": ["blocks", "edits", "swaps", "median_ns", "p99_ns",
                  "p999_ns", "max_ns", "p999_over_median", "max_over_median"],
}
# Issue 8's six, 32 voices of the default synth, and issue 15's five.
N_TARGETS = 12
NEW_TARGETS = ["synth32_vs_faust", "reverb_vs_faust",
               "synth32_edit_p999_over_median",
               "synth32_edit_max_over_median", "dag10000_vs_fused"]
# Measured against Faust: null when faust is not installed.
FAUST_TARGETS = ["synth32_vs_faust", "reverb_vs_faust"]
FAUST_KEYS = ["faust_ns", "ratio", "faust_deadline_pct", "faust_level_db",
              "faust_rt60_s", "kernel_ratio", "faust_alias_db"]
SKIPPED = "faust not installed: outside references skipped"


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
    if "faust" not in doc:
        fail("no key faust (its version, or null)")
    have_faust = doc["faust"] is not None
    refs = doc["references"]
    if len(refs) != 3:
        fail("%d reference rows, expected 3 (synth32, reverb, saw)"
             % len(refs))
    for row in refs:
        for key in FAUST_KEYS:
            if key not in row:
                continue
            if have_faust != (row[key] is not None):
                fail("references %s: %s is %s with faust %s"
                     % (row.get("reference"), key, row[key], doc["faust"]))
            if not have_faust:
                del row[key]  # checked: null, as it must be
    note = doc.get("notes", {}).get("references", "")
    if not have_faust and SKIPPED not in note:
        fail("faust is missing and the references' note does not say so")

    targets = doc.get("targets", [])
    if len(targets) != N_TARGETS:
        fail("%d targets, expected %d" % (len(targets), N_TARGETS))
    names = [target.get("name") for target in targets]
    for name in NEW_TARGETS:
        if name not in names:
            fail("no target %s" % name)
    for target in targets:
        if not have_faust and target.get("name") in FAUST_TARGETS:
            if target.get("value") is not None or target.get("met") is not None:
                fail("target %s measured without faust" % target["name"])
            target["value"] = 0.0  # checked: null, as it must be
            target["met"] = False
            continue
        if not is_number(target.get("value")):
            fail("target %s not measured" % target.get("name"))
    for key in ["cpu", "cores"]:
        if key not in doc.get("machine", {}):
            fail("machine has no %s" % key)
    del doc["faust"]
    check_finite(doc, "bench")
    print("check_bench: %d tables, %d targets, all finite; faust: %s"
          % (len(TABLES), len(targets),
             "yes" if have_faust else "no (" + SKIPPED + ")"))


if __name__ == "__main__":
    main()
