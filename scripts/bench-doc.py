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
    print(f"One run of {len(runs)} (the tables); the targets give the range of all "
          f"{len(runs)}. Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, "
          f"{m.get('caches', '')}; {m.get('kernel', '')}; load average "
          f"{m.get('load_start', '?')} at the start.\n")

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
    for i, t in enumerate(r["targets"]):
        values = [run["targets"][i]["value"] for run in runs]
        met = sum(1 for run in runs if run["targets"][i]["met"])
        lo, hi = min(values), max(values)
        digits = 3 if max(abs(lo), abs(hi)) < 10 else 0
        span = f"{lo:.{digits}f}" if lo == hi else f"{lo:.{digits}f} to {hi:.{digits}f}"
        status = "**met**" if met == len(runs) else (
            "**missed**" if met == 0 else f"met in {met} of {len(runs)} runs")
        rows.append([t["name"], f"at most {t['limit']:g} {t['unit']}",
                     f"{span} {t['unit']}", status])
    print(table(["target", "limit", f"measured ({len(runs)} runs)", "status"], rows))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
