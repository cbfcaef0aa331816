#!/usr/bin/env python3
"""Summarizes failover runs (bench/failover/run.sh): one results JSON with the machine and
medians, a PNG, and a table on stdout.

Usage: report.py --json OUT.json --png OUT.png [--load-at-start L] RAW.json...
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from machine import machine  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--png", required=True)
    ap.add_argument("--load-at-start", type=float, default=None)
    ap.add_argument("raw", nargs="+")
    a = ap.parse_args()
    runs = []
    for path in a.raw:
        with open(path) as f:
            run = json.load(f)
        for field in ("kill_to_reassigned_ms", "kill_to_first_decision_ms"):
            run["median_" + field] = statistics.median(r[field] for r in run["rounds"])
        runs.append(run)
    doc = {"machine": machine(), "runs": runs}
    doc["machine"]["load_average_1m_at_start"] = a.load_at_start
    with open(a.json, "w") as f:
        json.dump(doc, f, indent=2)

    print(f"{'session':>8} {'guarantee':<14} {'reassigned ms':>14} {'first decision ms':>18}")
    for r in runs:
        print(f"{r['session_timeout_ms']:>8} {r['guarantee']:<14} "
              f"{r['median_kill_to_reassigned_ms']:>14.0f} "
              f"{r['median_kill_to_first_decision_ms']:>18.0f}")

    fig, ax = plt.subplots(figsize=(9, 4.8))
    labels = [f"session {r['session_timeout_ms']} ms\n{r['guarantee']}" for r in runs]
    x = range(len(runs))
    ax.bar([i - 0.2 for i in x], [r["median_kill_to_reassigned_ms"] for r in runs], 0.4,
           label="kill -> survivor owns the partitions (median)")
    ax.bar([i + 0.2 for i in x], [r["median_kill_to_first_decision_ms"] for r in runs], 0.4,
           label="kill -> first decision on them (median)")
    for i, r in enumerate(runs):
        ax.plot([i + 0.2] * len(r["rounds"]),
                [x["kill_to_first_decision_ms"] for x in r["rounds"]], "k.", ms=5)
    ax.axhline(5000, color="red", ls="--", lw=1, label="goal from the changelog: 5 s")
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("ms after SIGKILL")
    services = runs[0]["services"]
    ax.set_title(f"Failover of a SIGKILLed node, state of {services} services restored from "
                 f"the changelog ({doc['machine']['nproc']} cores, {runs[0]['started'][:10]})",
                 fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.png, dpi=110)


if __name__ == "__main__":
    main()
