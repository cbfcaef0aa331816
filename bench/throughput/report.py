#!/usr/bin/env python3
"""Summarizes a throughput run (bench/run.sh): results JSON, a PNG bar chart, a table.

Usage: report.py --raw RAW.json --json OUT.json --png OUT.png

RAW is the JSON array throughput_bench and run.sh append to: one "input" record (the
production), then per round one record for aetherial on the embedded broker, one for
aetherial on the real broker (at_least_once), one for aetherial-exactly-once on the real
broker, one for Kafka Streams (at_least_once) on the real broker and one for a plain
librdkafka consumer of the same input (the physical limit).
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from machine import machine  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ORDER = [("aetherial", "embedded"), ("aetherial", None), ("aetherial-exactly-once", None),
         ("kafka-streams", None), ("librdkafka-consumer", None)]
SYSTEMS = {s for s, _ in ORDER}


def name_of(s):
    n = s["events"]
    events = f"{n // 1000}k events" if n >= 10000 else f"{n} events"
    if s["system"] == "aetherial":
        where = "embedded broker" if s["broker"] == "embedded" else s["broker"]
        return f"aetherial\nOperations agent\n({where}, {events})"
    if s["system"] == "aetherial-exactly-once":
        return f"aetherial\nexactly_once\n({s['broker']}, {events})"
    if s["system"] == "librdkafka-consumer":
        return f"librdkafka\nconsumer only\n({s['broker']}, {events})"
    return f"Kafka Streams\ncount-by-key\n({s['broker']}, {events})"


def summarize(runs):
    groups = {}
    for r in runs:
        if r.get("system") in SYSTEMS:
            groups.setdefault((r["system"], r["broker"]), []).append(r)
    real = sorted({b for (_, b) in groups if b != "embedded"})
    out = []
    for system, broker in ORDER:
        for b in [broker] if broker else real:
            rs = groups.get((system, b))
            if not rs:
                continue
            rates = [r["events_per_s"] for r in rs]
            proc = [r["events_per_s_processing"] for r in rs]
            out.append({
                "system": system,
                "broker": b,
                "events": rs[0]["events"],
                "partitions": rs[0]["partitions"],
                "rounds": len(rs),
                "events_per_s_median": statistics.median(rates),
                "events_per_s_min": min(rates),
                "events_per_s_max": max(rates),
                "events_per_s_processing_median": statistics.median(proc),
                "cpu_us_per_event_median": statistics.median(r["cpu_us_per_event"] for r in rs),
                "events_per_s_second_half_median": statistics.median(
                    [r["events_per_s_second_half"] for r in rs
                     if r.get("events_per_s_second_half")] or [float("nan")]),
                "first_event_s_median": statistics.median(r["first_event_s"] for r in rs),
            })
    return out


def pairs_with_aetherial(runs, summary, system):
    """Per broker where `system` ran beside aetherial (at_least_once): (broker, the summary of
    aetherial, the summary of `system`, per-round pairs of runs (aetherial, system))."""
    for s in summary:
        if s["system"] != system:
            continue
        ours = next((x for x in summary
                     if x["system"] == "aetherial" and x["broker"] == s["broker"]), None)
        if not ours:
            continue
        a = [r for r in runs if r.get("system") == "aetherial" and r["broker"] == s["broker"]]
        k = [r for r in runs if r.get("system") == system and r["broker"] == s["broker"]]
        yield s["broker"], ours, s, list(zip(a, k))


def ratios(runs, summary):
    """aetherial / Kafka Streams on the same broker: of the medians and round by round."""
    out = {}
    for broker, ours, s, rounds in pairs_with_aetherial(runs, summary, "kafka-streams"):
        out[broker] = {
            "of_medians": ours["events_per_s_median"] / s["events_per_s_median"],
            "of_medians_processing_only": ours["events_per_s_processing_median"] /
            s["events_per_s_processing_median"],
            "of_medians_second_half": ours["events_per_s_second_half_median"] /
            s["events_per_s_second_half_median"],
            "cpu_per_event_streams_over_aetherial": s["cpu_us_per_event_median"] /
            ours["cpu_us_per_event_median"],
            "per_round": [x["events_per_s"] / y["events_per_s"] for x, y in rounds],
        }
    return out


def exactly_once_ratios(runs, summary):
    """aetherial exactly_once / at_least_once on the same broker: of the medians and by round."""
    out = {}
    for broker, alos, s, rounds in pairs_with_aetherial(runs, summary, "aetherial-exactly-once"):
        out[broker] = {
            "of_medians": s["events_per_s_median"] / alos["events_per_s_median"],
            "per_round": [y["events_per_s"] / x["events_per_s"] for x, y in rounds],
        }
    return out


def raw_ratios(runs, summary):
    """aetherial (at_least_once) / a plain librdkafka consumer of the same input: the share of
    the physical limit of consuming it, of the medians and round by round."""
    out = {}
    for broker, ours, s, rounds in pairs_with_aetherial(runs, summary, "librdkafka-consumer"):
        out[broker] = {
            "of_medians": ours["events_per_s_median"] / s["events_per_s_median"],
            "of_medians_processing_only": ours["events_per_s_processing_median"] /
            s["events_per_s_processing_median"],
            "cpu_per_event_raw_over_aetherial": s["cpu_us_per_event_median"] /
            ours["cpu_us_per_event_median"],
            "per_round": [x["events_per_s"] / y["events_per_s"] for x, y in rounds],
        }
    return out


def audits(runs):
    """The audited runs: audit events/s against the same run's live rate, and its memory."""
    return [{
        "broker": r["broker"],
        "events": r["events"],
        "live_events_per_s": r["events_per_s"],
        "audit_events_per_s": r["audit_events_per_s"],
        "audit_vs_live": r["audit_vs_live"],
        "rss_before_mib": r["audit_rss_before_mib"],
        "peak_rss_mib": r["audit_peak_rss_mib"],
        "divergences": r["audit_divergences"],
    } for r in runs if r.get("system") == "aetherial" and "audit_events_per_s" in r]


def plot(summary, ratio, eos, raw, audited, info, path):
    fig, (ax, cx, dx) = plt.subplots(1, 3, figsize=(20, 5.6),
                                     gridspec_kw={"width_ratios": [3, 2, 2]})
    labels = [name_of(s) for s in summary]
    colors = ["#7fa7d9" if s["broker"] == "embedded" else
              "#2b6cb0" if s["system"] == "aetherial" else
              "#2c7a7b" if s["system"] == "aetherial-exactly-once" else
              "#718096" if s["system"] == "librdkafka-consumer" else "#c05621" for s in summary]
    med = [s["events_per_s_median"] / 1000 for s in summary]
    err = [[m - s["events_per_s_min"] / 1000 for m, s in zip(med, summary)],
           [s["events_per_s_max"] / 1000 - m for m, s in zip(med, summary)]]
    bars = ax.bar(labels, med, yerr=err, capsize=6, color=colors)
    for b, m in zip(bars, med):
        ax.text(b.get_x() + b.get_width() / 2, m / 2, f"{m:.0f}k" if m >= 10 else f"{m:.2f}k",
                ha="center", va="center", fontsize=11, color="white", fontweight="bold")
    for broker, r in ratio.items():
        text = f"aetherial / Kafka Streams\non {broker}: {r['of_medians']:.2f}x"
        if broker in eos:
            text += f"\nexactly_once / at_least_once: {eos[broker]['of_medians']:.2f}x"
        if broker in raw:
            text += f"\naetherial / raw librdkafka: {raw[broker]['of_medians']:.2f}x"
        ax.text(0.98, 0.97, text, transform=ax.transAxes, ha="right", va="top", fontsize=10,
                bbox={"boxstyle": "round", "fc": "white", "ec": "#999999"})
    ax.set_ylabel("events/s, thousands (median; whiskers: min-max)")
    ax.set_ylim(0, max(s["events_per_s_max"] / 1000 for s in summary) * 1.3)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title("Throughput (to the final checkpoint / commit)", fontsize=11)

    cpu = [s["cpu_us_per_event_median"] for s in summary]
    short = [{"kafka-streams": "Streams", "aetherial-exactly-once": "aetherial EOS",
              "librdkafka-consumer": "librdkafka"}.get(
        s["system"], "aetherial") + "\n" + s["broker"] for s in summary]
    cbars = cx.bar(short, cpu, color=colors)
    for b, c in zip(cbars, cpu):
        cx.annotate(f"{c:.1f}", (b.get_x() + b.get_width() / 2, c), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10)
    for broker, r in ratio.items():
        cx.text(0.02, 0.97, f"Streams / aetherial: {r['cpu_per_event_streams_over_aetherial']:.2f}x",
                transform=cx.transAxes, ha="left", va="top", fontsize=10,
                bbox={"boxstyle": "round", "fc": "white", "ec": "#999999"})
    cx.set_ylabel("CPU µs per event (median; embedded: broker included)")
    cx.set_ylim(0, max(cpu) * 1.3)
    cx.tick_params(axis="x", labelsize=8)
    cx.set_title("CPU cost (lower is better)", fontsize=11)
    if audited:
        names = [f"{a['broker']}\n{a['events'] // 1000}k events\nrun {i + 1}"
                 for i, a in enumerate(audited)]
        vs = [a["audit_vs_live"] for a in audited]
        dbars = dx.bar(names, vs, color=["#7fa7d9" if a["broker"] == "embedded" else "#2b6cb0"
                                         for a in audited])
        for b, a in zip(dbars, audited):
            dx.annotate(f"{a['audit_vs_live']:.2f}x\npeak {a['peak_rss_mib']:.0f} MiB",
                        (b.get_x() + b.get_width() / 2, a["audit_vs_live"]), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=9)
        dx.axhline(1.0, color="#999999", linestyle="--", linewidth=1)
        dx.set_ylim(0, max(vs + [1.0]) * 1.35)
        dx.tick_params(axis="x", labelsize=8)
    dx.set_ylabel("audit events/s / live events/s (same run)")
    dx.set_title("Audit vs live, and its peak resident size", fontsize=11)
    rounds = max(s["rounds"] for s in summary)
    fig.suptitle(f"{summary[0]['partitions']} partitions, {rounds} round(s); {info['cpu_model']}, "
                 f"{info['nproc']} cores, load {info['load_average_1m_at_start']}; {info['date']}",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def plot_latency(lat, peak, info, path):
    """p50 / p99 / p99.9 event -> decision latency per load level, log scale."""
    phases = lat["phases"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    names = [f"{p['rate'] / 1000:.0f}k/s\n({100 * p['rate'] / peak:.0f} % of peak)" if peak
             else f"{p['rate'] / 1000:.0f}k/s" for p in phases]
    width = 0.26
    for k, (field, label, color) in enumerate([("p50_ms", "p50", "#90cdf4"),
                                               ("p99_ms", "p99", "#3182ce"),
                                               ("p999_ms", "p99.9", "#1a365d")]):
        xs = [i + (k - 1) * width for i in range(len(phases))]
        vals = [max(p[field], 0.01) for p in phases]
        bars = ax.bar(xs, vals, width, label=label, color=color)
        for b, v in zip(bars, vals):
            ax.annotate(f"{v:.0f}" if v >= 10 else f"{v:.1f}", (b.get_x() + b.get_width() / 2, v),
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                        fontsize=8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(phases)))
    ax.set_xticklabels(names)
    ax.set_ylabel("event -> decision, ms (log scale)")
    ax.legend()
    ax.set_title(f"Operations agent, open-loop load, {lat['broker']}, {lat['guarantee']}; "
                 f"{lat['seconds_per_phase']:.0f} s per level", fontsize=10)
    fig.suptitle(f"{lat['partitions']} partitions; {info['cpu_model']}, {info['nproc']} cores; "
                 f"{info['date']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--png", required=True)
    ap.add_argument("--load-at-start", default="", help="1-minute load average before the run")
    ap.add_argument("--latency-raw", help="latency_bench's JSON array (its last record is shown)")
    ap.add_argument("--latency-png")
    ap.add_argument("--peak", type=float, default=0, help="the peak the latency rates are of")
    args = ap.parse_args()
    with open(args.raw) as f:
        runs = json.load(f)
    summary = summarize(runs)
    if not summary:
        raise SystemExit(f"report.py: no results in {args.raw}")
    ratio = ratios(runs, summary)
    eos = exactly_once_ratios(runs, summary)
    raw = raw_ratios(runs, summary)
    audited = audits(runs)
    latency = None
    if args.latency_raw:
        with open(args.latency_raw) as f:
            latency = json.load(f)[-1]
        latency["peak_events_per_s"] = args.peak
    info = machine()
    info["date"] = time.strftime("%Y-%m-%d", time.gmtime())
    info["load_average_1m_at_start"] = args.load_at_start or "unknown"
    result = {"benchmark": "throughput", "date": info["date"], "machine": info,
              "summary": summary, "ratio_aetherial_over_streams": ratio,
              "ratio_exactly_once_over_at_least_once": eos,
              "ratio_aetherial_over_raw_librdkafka": raw, "audits": audited,
              "latency": latency,
              "runs": runs}
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    plot(summary, ratio, eos, raw, audited, info, args.png)
    if latency and args.latency_png:
        plot_latency(latency, args.peak, info, args.latency_png)

    print(f"\nThroughput ({info['cpu_model']}, {info['nproc']} cores, {info['date']}; load average "
          f"{info['load_average_1m_at_start']} at the start, "
          f"{info['load_average_1m_at_report']} at the end)\n")
    print("| system | broker | events | rounds | events/s median | min | max | "
          "processing only | second half | CPU µs/event |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in summary:
        print(f"| {s['system']} | {s['broker']} | {s['events']} | {s['rounds']} | "
              f"{s['events_per_s_median']:,.0f} | {s['events_per_s_min']:,.0f} | "
              f"{s['events_per_s_max']:,.0f} | {s['events_per_s_processing_median']:,.0f} | "
              f"{s['events_per_s_second_half_median']:,.0f} | {s['cpu_us_per_event_median']:.1f} |")
    for broker, r in ratio.items():
        rounds = ", ".join(f"{x:.2f}" for x in r["per_round"])
        print(f"\naetherial / Kafka Streams on {broker}: {r['of_medians']:.2f}x "
              f"(processing only {r['of_medians_processing_only']:.2f}x, second half "
              f"{r['of_medians_second_half']:.2f}x; per round {rounds}); "
              f"CPU per event, Streams / aetherial: "
              f"{r['cpu_per_event_streams_over_aetherial']:.2f}x")
    for broker, r in eos.items():
        rounds = ", ".join(f"{x:.2f}" for x in r["per_round"])
        print(f"\naetherial exactly_once / at_least_once on {broker}: {r['of_medians']:.2f}x "
              f"(per round {rounds})")
    for broker, r in raw.items():
        rounds = ", ".join(f"{x:.2f}" for x in r["per_round"])
        print(f"\naetherial / a plain librdkafka consumer on {broker}: {r['of_medians']:.2f}x "
              f"(per round {rounds}); CPU per event, librdkafka / aetherial: "
              f"{r['cpu_per_event_raw_over_aetherial']:.2f}x")
    if audited:
        print("\n| audit of | events | live events/s | audit events/s | audit / live | "
              "resident before | peak | divergences |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for a in audited:
            print(f"| {a['broker']} | {a['events']} | {a['live_events_per_s']:,.0f} | "
                  f"{a['audit_events_per_s']:,.0f} | {a['audit_vs_live']:.2f}x | "
                  f"{a['rss_before_mib']:.0f} MiB | {a['peak_rss_mib']:.0f} MiB | "
                  f"{a['divergences']} |")
    if latency:
        print(f"\nEvent -> decision latency, open-loop ({latency['broker']}, "
              f"{latency['guarantee']}, {latency['seconds_per_phase']:.0f} s per level)\n")
        print("| load | events/s | decisions | p50 | p99 | p99.9 | max |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for ph in latency["phases"]:
            share = f"{100 * ph['rate'] / args.peak:.0f} % of peak" if args.peak else "-"
            print(f"| {share} | {ph['rate']:,.0f} | {ph['decisions']} | {ph['p50_ms']:.1f} ms | "
                  f"{ph['p99_ms']:.1f} ms | {ph['p999_ms']:.1f} ms | {ph['max_ms']:.1f} ms |")
    print(f"\nresults: {args.json}\nplot:    {args.png}")
    if latency and args.latency_png:
        print(f"latency: {args.latency_png}")


if __name__ == "__main__":
    main()
