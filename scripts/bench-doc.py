#!/usr/bin/env python3
"""Turn `aether bench --json` runs into the Markdown tables of
docs/performance.md: the first run's medians, and each target's range over
all runs. Usage: scripts/bench-doc.py RUN.json [RUN.json ...] > tables.md

Replace the part of docs/performance.md between the "bench:begin" and
"bench:end" markers with the output; the prose around it says what the
numbers mean and must be checked against them by hand."""

import json
import sys


def med(v):
    return v["median"] if isinstance(v, dict) else v


def num(v, digits=0):
    v = med(v)
    if v is None or v != v:
        return ""
    return f"{v:.{digits}f}"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    r = runs[0]
    m = r["machine"]
    loads = ", ".join(f"{run['machine'].get('load_start', '?')} / "
                      f"{run['machine'].get('load_end', '?')}" for run in runs)
    busy = sum(1 for run in runs if run["machine"].get("busy"))
    clock = r.get("settings", {}).get("clock", "monotonic")
    print(f"One run of {len(runs)} (the tables); the targets give the range of all "
          f"{len(runs)}. Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, "
          f"{m.get('caches', '')}; {m.get('kernel', '')}; clock: {clock}; load "
          f"average at the start / end of each run: {loads}"
          + (f" (busy in {busy} of {len(runs)} runs)" if busy else "") + ".\n")

    print("### 1. Scheduler overhead (64-frame block, ns)\n")
    rows = []
    for s in r["scheduler"]:
        if s["graph"] == "empty":
            rows.append(["empty", 0, num(s["engine_ns"]), "", "", "", "", "", "",
                         num(s["deadline_pct"], 3)])
            continue
        rows.append([s["graph"], s["n"], num(s["engine_ns"]), num(s.get("unfused_ns")),
                     num(s["fused_ns"]), num(s["kernels_ns"]), num(s["ns_per_node"], 1),
                     num(s["overhead_ns_per_node"], 2), num(s["ratio_to_fused"], 2),
                     num(s["deadline_pct"], 3)])
    print(table(["graph", "N", "engine", "node by node", "hand-fused loop",
                 "kernels alone", "ns/node", "overhead ns/node", "engine / hand-fused",
                 "% of deadline"], rows))

    print("### 2. Realistic patches and voices\n")
    rows = [[p["patch"].replace("preset ", ""), p["nodes"], num(p["engine_ns"]),
             num(p["deadline_pct"], 2)] for p in r["patches"]]
    print(table(["patch", "nodes", "ns per block", "% of deadline"], rows))
    rows = [[v["patch"], num(v["engine_ns"]), num(v["hand_kernels_ns"]),
             num(v["ratio_to_hand_kernels"], 3), num(v["hand_fused_ns"]),
             num(v["ratio_to_hand_fused"], 1), num(v["deadline_pct"], 2)]
            for v in r["voices"]]
    print(table(["voices", "engine ns", "same kernels by hand", "engine / by hand",
                 "one hand-written loop", "engine / loop", "% of deadline"], rows))

    print("### 2c. Against outside references (Faust)\n")
    if r.get("faust") is None:
        print("faust not installed: outside references skipped.\n")
    else:
        print(f"Faust {r['faust']}.\n")
    rows = []
    for x in r.get("references", []):
        if "aether_ns" not in x:
            continue
        rows.append([x["reference"], num(x["aether_ns"]), num(x.get("faust_ns")),
                     num(x.get("ratio"), 3), num(x["aether_deadline_pct"], 2),
                     num(x.get("faust_deadline_pct"), 2), num(x.get("aether_level_db"), 1),
                     num(x.get("faust_level_db"), 1), num(x.get("aether_rt60_s"), 2),
                     num(x.get("faust_rt60_s"), 2)])
    print(table(["work", "Aether ns", "Faust ns", "Aether / Faust",
                 "Aether % of deadline", "Faust % of deadline", "Aether level dB",
                 "Faust level dB", "Aether RT60 s", "Faust RT60 s"], rows))
    for x in r.get("references", []):
        if "aether_alias_db" in x:
            print(f"Aliasing of a saw at 4186 Hz (alias energy against the harmonics'): "
                  f"the Oscillator node {num(x['aether_alias_db'], 1)} dB, Faust's "
                  f"os.polyblep_saw {num(x.get('faust_alias_db'), 1) or '-'} dB, a naive "
                  f"saw {num(x['naive_alias_db'], 1)} dB.\n")
        if "aether_kernel_ns" in x:
            print(f"The Reverb kernel alone: {num(x['aether_kernel_ns'])} ns, "
                  f"{num(x.get('kernel_ratio'), 3) or '-'} times Faust.\n")

    print("### 2d. The worst block: 32 voices under edits (ns)\n")
    rows = [[x["case"], int(x["blocks"]), int(x["edits"]), int(x["swaps"]),
             num(x["median_ns"]), num(x["p99_ns"]), num(x["p999_ns"]), num(x["max_ns"]),
             num(x["p999_over_median"], 2), num(x["max_over_median"], 2),
             num(x["max_deadline_pct"], 1)] for x in r.get("edit_load", [])]
    print(table(["case", "blocks", "edits", "swaps", "median", "99th pct", "99.9th pct",
                 "max", "99.9th / median", "max / median", "max, % of deadline"], rows))

    print("### 3. Edits\n")
    rows = [[c["nodes"], num(c["commit_us"], 1), num(c["ns_per_node"])]
            for c in r["compile"]]
    print(table(["nodes", "commit (us)", "per node (ns)"], rows))
    rows = [[f"{s['nodes']} nodes, compiled on {s['compiled_on']}",
             num(s["block_with_swap_ns"]), num(s["block_ns"]), num(s["swap_ns"])]
            for s in r["swap"]]
    print(table(["schedule swap", "block with swap (ns)", "block without (ns)",
                 "swap (ns)"], rows))
    rows = [[f"{p['nodes']} nodes", int(p["bytes"]), num(p["parse_ms"], 2),
             num(p["ns_per_node"]), num(p["mb_per_s"])] for p in r["parse"]]
    print(table(["parse + validate", "bytes", "ms", "ns per node", "MB/s"], rows))

    print("### 4. Through the plugin (default effect patch, ns per frame)\n")
    rows = [[p["host"], p["block"], num(p["plugin_ns_per_frame"]),
             num(p["engine_ns_per_frame"]), num(p["plugin_to_engine"], 2),
             num(p["deadline_pct"], 2)] for p in r["plugin"] if "block" in p]
    print(table(["host", "block", "plugin", "engine directly", "plugin / engine",
                 "% of deadline"], rows))
    for p in r["plugin"]:
        if "per_frame_1_to_64" in p:
            print(f"A frame at block 1 costs {num(p['per_frame_1_to_64'], 2)} times "
                  f"a frame at block 64 ({p['host']}).\n")

    print("### 5. Node types (one 64-frame block, default parameters)\n")
    rows = [[n["type"], num(n["kernel_ns"]), num(n["kernel_ns_per_frame"], 2),
             num(n["engine_overhead_ns"]), num(n["deadline_pct"], 3)] for n in r["nodes"]]
    print(table(["type", "ns per block", "ns per frame", "in the engine, above the kernel (ns)",
                 "% of deadline"], rows))

    print("### Targets\n")
    rows = []
    for t in r["targets"]:
        # Matched by name: runs of other versions may list other targets.
        same = [g for run in runs for g in run["targets"] if g["name"] == t["name"]]
        values = [g["value"] for g in same if g["value"] is not None]
        met = sum(1 for g in same if g["met"])
        name = f"{t['label']} (`{t['name']}`)" if t.get("label") else t["name"]
        if not values:
            rows.append([name, f"at most {t['limit']:g} {t['unit']}", "not measured",
                         "-"])
            continue
        lo, hi = min(values), max(values)
        digits = 3 if max(abs(lo), abs(hi)) < 10 else 0
        span = f"{lo:.{digits}f}" if lo == hi else f"{lo:.{digits}f} to {hi:.{digits}f}"
        status = "**met**" if met == len(same) else (
            "**missed**" if met == 0 else f"met in {met} of {len(same)} runs")
        rows.append([name, f"at most {t['limit']:g} {t['unit']}",
                     f"{span} {t['unit']}", status])
    print(table(["target", "limit", f"measured ({len(runs)} runs)", "status"], rows))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
