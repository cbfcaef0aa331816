#!/usr/bin/env python3
"""Summarizes a state-size sweep (bench/state/run.sh): results JSON with the machine, a PNG.

Usage: report.py --raw RAW.json --json OUT.json --png OUT.png [--load-at-start L]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from machine import machine  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--png", required=True)
    ap.add_argument("--load-at-start", type=float, default=None)
    a = ap.parse_args()
    with open(a.raw) as f:
        raw = json.load(f)
    raw["machine"] = machine()
    raw["machine"]["load_average_1m_at_start"] = a.load_at_start
    with open(a.json, "w") as f:
        json.dump(raw, f, indent=2)

    sizes = raw["sizes"]
    keys = [s["keys"] for s in sizes]
    ms = lambda field: [1000 * s[field] if field in s else float("nan") for s in sizes]  # noqa: E731
    fig, ax = plt.subplots(1, 3, figsize=(16, 4.8))

    ax[0].plot(keys, ms("full_checkpoint_s"), "o-", label="checkpoint, every key changed")
    ax[0].plot(keys, ms("one_percent_checkpoint_s"), "s-", label="checkpoint, 1 % of keys changed")
    ax[0].set_title("Checkpoint duration")
    ax[0].set_ylabel("ms")

    ax[1].plot(keys, ms("restart_local_flushed_to_first_decision_s"), "o-",
               label="local RocksDB (store flushed)")
    ax[1].plot(keys, ms("restart_local_to_first_decision_s"), "s-",
               label="local RocksDB, right after a checkpoint of every key (log replayed)")
    ax[1].plot(keys, ms("rebuild_from_log_to_first_decision_s"), "^-",
               label="peer: rebuild from the log")
    if any("restart_changelog_to_first_decision_s" in s for s in sizes):
        ax[1].plot(keys, ms("restart_changelog_compacted_to_first_decision_s"), "D-",
                   label="empty data dir: from the compacted changelog (Kafka)")
        ax[1].plot(keys, ms("restart_changelog_to_first_decision_s"), "v--",
                   label="empty data dir: from the changelog as written, uncompacted (Kafka)")
    ax[1].set_title("Restart -> first new decision")
    ax[1].set_ylabel("ms")

    ax[2].plot(keys, [s["load_events_per_s"] for s in sizes], "o-", label="load (new keys)")
    ax[2].plot(keys, [s["update_events_per_s"] for s in sizes], "s-",
               label="update (random existing keys)")
    ax2 = ax[2].twinx()
    ax2.plot(keys, [s["rss_mib_after_load"] for s in sizes], "k:", label="RSS after load (MiB)")
    ax2.set_ylabel("RSS MiB")
    ax[2].set_title("Events/s and memory")
    ax[2].set_ylabel("events/s")
    ax2.legend(loc="lower right", fontsize=8)

    for x in ax:
        x.set_xscale("log")
        x.set_xlabel("services (keys) on the partition")
        x.legend(fontsize=7, loc="best")
        x.grid(True, which="both", alpha=0.3)
    ax[0].set_yscale("log")
    ax[1].set_yscale("log")
    fig.suptitle(f"Operations agent keyed state, one partition, RocksDB on disk "
                 f"({raw['machine']['nproc']} cores, {raw['started'][:10]})")
    fig.tight_layout()
    fig.savefig(a.png, dpi=110)


if __name__ == "__main__":
    main()
