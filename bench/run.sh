#!/usr/bin/env bash
# Throughput benchmark: events/s through the Operations agent (Kafka in -> agent -> decisions
# out, with checkpoints) on the embedded broker and on a real Apache Kafka broker, and a
# Kafka Streams count-by-key peer on the same broker, same input, same partition count. The
# audit of a run (every embedded run, the first on the real broker) is measured against it:
# events/s and peak resident size. On the real broker aetherial runs twice per round, with
# at_least_once (against Streams, which runs at_least_once too) and with exactly_once, and a
# plain librdkafka consumer reads the same input (the physical limit of consuming it). Then
# event -> decision latency (p50/p99/p99.9) under an open-loop load at 25, 50 and 90 % of the
# peak measured (bench/throughput/latency_bench.cpp).
#
# Usage: bench/run.sh [options]
#   --events N           input events on the real broker (default 500000)
#   --embedded-events N  input events on the embedded broker (default: --events, at most
#                        200000: the embedded broker keeps about 5 MiB per partition)
#   --partitions P       partitions of every topic (default 4)
#   --repeat R           rounds; each runs the three systems in turn (default 3)
#   --commit-ms MS       checkpoint interval (aetherial) = commit.interval.ms (Streams)
#                        (default 5000, the runtime's default)
#   --streams-threads T  Kafka Streams num.stream.threads (default: nproc, as the runtime's
#                        actor scheduler)
#   --latency-seconds S  length of each latency phase (default 10)
#   --tiny               CI-sized run: --events 2000 --repeat 1 --latency-seconds 2, results
#                        under build-release/
#   --results-dir D      where throughput-<date>.json/.png go (default bench/results)
#   --no-setup           skip ops/setup.sh --streams
#
# Builds Release into build-release/ (never build/), starts its own broker (first free port
# pair from 29092, state in build-release/bench-kafka) and stops it on exit. The input is
# produced once per run; every system reads that same topic, each with its own group.
# Environment: AETHERIAL_JOBS (build jobs, default 2), AETHERIAL_CACHE (jar cache).
set -euo pipefail
AETHERIAL_LOG_TAG=bench
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../ops/lib/common.sh
source "$root/ops/lib/common.sh"

events=500000
embedded_events=""
partitions=4
repeat=3
commit_ms=5000
streams_threads="$(nproc)"
latency_seconds=10
results_dir="$root/bench/results"
setup=1
while (($#)); do
  case "$1" in
  --events) events="$2"; shift ;;
  --embedded-events) embedded_events="$2"; shift ;;
  --partitions) partitions="$2"; shift ;;
  --repeat) repeat="$2"; shift ;;
  --commit-ms) commit_ms="$2"; shift ;;
  --streams-threads) streams_threads="$2"; shift ;;
  --latency-seconds) latency_seconds="$2"; shift ;;
  --tiny) events=2000; repeat=1; latency_seconds=2; results_dir="$root/build-release/bench-results" ;;
  --results-dir) results_dir="$2"; shift ;;
  --no-setup) setup=0 ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
for v in "$events" "$partitions" "$repeat" "$commit_ms" "$streams_threads" "$latency_seconds"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "numbers must be positive integers (got '$v')"
done
[[ -n "$embedded_events" ]] || embedded_events=$((events < 200000 ? events : 200000))

build="$root/build-release"
bench_bin="$build/bench/throughput/throughput_bench"
latency_bin="$build/bench/throughput/latency_bench"
classes="$build/bench/throughput/streams-classes"
work="$build/bench-run"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
raw="$work/raw-$stamp.json"
out_base="$results_dir/throughput-$(date -u +%Y-%m-%d)"
tty_flag=()
[[ -t 2 ]] && tty_flag=(--progress)

# matplotlib comes from Debian's python3-matplotlib: prefer the system interpreter.
python=python3
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import matplotlib' >/dev/null 2>&1; then
    python="$p"
    break
  fi
done

load_at_start="$(cut -d' ' -f1 /proc/loadavg)"
if ((setup)); then
  phase_begin "setup (packages, Kafka and Kafka Streams jars)"
  bash "$root/ops/setup.sh" --streams
fi

phase_begin "build Release into build-release/"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAETHERIAL_TESTS=OFF >/dev/null
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" ||
  die "$build is not a Release tree"
cmake --build "$build" -j "${AETHERIAL_JOBS:-2}" --target throughput_bench latency_bench
mkdir -p "$classes" "$work"
javac -d "$classes" -cp "$(streams_libs)/*" "$root/bench/throughput/streams/CountByKey.java"

phase_begin "start a Kafka $AETHERIAL_KAFKA_VERSION broker"
kafka_dir="$build/bench-kafka"
broker_start_scoped "$kafka_dir" 29092
brokers="$BROKER_ADDRESS"
log "broker at $brokers"

prefix="bench.$stamp."
input="${prefix}platform.metrics"
real_label="kafka-$AETHERIAL_KAFKA_VERSION"
phase_begin "produce $events events to $input"
"$bench_bin" --brokers "$brokers" --events "$events" --partitions "$partitions" \
  --topic-prefix "$prefix" --produce-only --label "$real_label" --out "$raw"

add_streams_result() { # $1 = round, $2 = JSON line printed by CountByKey
  "$python" - "$raw" "$1" "$2" "$events" "$partitions" "$streams_threads" "$commit_ms" \
    "$real_label" <<'EOF'
import json, sys, time
path, rnd, line, events, parts, threads, commit_ms, label = sys.argv[1:]
r = json.loads(line)
n = int(events)
r.update(system="kafka-streams", broker=label, round=int(rnd), events=n, partitions=int(parts),
         threads=int(threads), commit_interval_ms=int(commit_ms),
         date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
         events_per_s=n / (r["process_s"] + r["close_s"]),
         events_per_s_processing=n / r["process_s"], cpu_us_per_event=r["cpu_s"] * 1e6 / n,
         events_per_s_second_half=(n - n // 2) / r["second_half_s"])
with open(path) as f:
    runs = json.load(f)
runs.append(r)
with open(path, "w") as f:
    json.dump(runs, f, indent=2)
print(f"kafka streams on {label}: {n} events, {parts} partitions: {r['process_s']:.2f} s from the "
      f"first record to the last + {r['close_s']:.3f} s close (commit) = "
      f"{r['events_per_s']:.0f} events/s; {r['cpu_us_per_event']:.1f} us CPU per event")
EOF
}

for ((round = 1; round <= repeat; ++round)); do
  phase_begin "round $round/$repeat: aetherial, embedded broker ($embedded_events events)"
  "$bench_bin" --events "$embedded_events" --partitions "$partitions" \
    --checkpoint-interval-ms "$commit_ms" --label embedded --out "$raw" --audit

  phase_begin "round $round/$repeat: aetherial, $real_label"
  # Only the first run on the shared topics can be audited: later runs add to its journal.
  audit_flag=()
  ((round == 1)) && audit_flag=(--audit)
  "$bench_bin" --brokers "$brokers" --events "$events" --partitions "$partitions" \
    --topic-prefix "$prefix" --consume-only --checkpoint-interval-ms "$commit_ms" \
    --label "$real_label" --out "$raw" "${audit_flag[@]}"

  phase_begin "round $round/$repeat: aetherial exactly_once, $real_label"
  "$bench_bin" --brokers "$brokers" --events "$events" --partitions "$partitions" \
    --topic-prefix "$prefix" --consume-only --checkpoint-interval-ms "$commit_ms" \
    --label "$real_label" --out "$raw" --guarantee exactly_once

  phase_begin "round $round/$repeat: a plain librdkafka consumer (the physical limit), $real_label"
  "$bench_bin" --brokers "$brokers" --events "$events" --partitions "$partitions" \
    --topic-prefix "$prefix" --consume-only --raw-librdkafka --label "$real_label" --out "$raw"

  phase_begin "round $round/$repeat: Kafka Streams count-by-key, $real_label"
  state="$work/streams-state-$stamp-$round"
  line="$(java -cp "$classes:$(streams_libs)/*" CountByKey "$brokers" "$input" \
    "${prefix}streams.counts.$round" "$events" "$state" "$streams_threads" "$commit_ms" \
    "${tty_flag[@]}" | tail -n 1)"
  rm -rf "$state"
  add_streams_result "$round" "$line"
done

# Latency at 25, 50 and 90 % of the peak just measured (median at_least_once on the real broker).
peak="$("$python" -c '
import json, statistics, sys
rs = [r["events_per_s"] for r in json.load(open(sys.argv[1]))
      if r.get("system") == "aetherial" and r.get("broker") == sys.argv[2]]
print(int(statistics.median(rs)))' "$raw" "$real_label")"
rates=()
for f in 25 50 90; do rates+=($((peak * f / 100))); done
phase_begin "latency at ${rates[*]} events/s (25/50/90 % of $peak), $real_label"
latency_raw="$work/latency-$stamp.json"
"$latency_bin" --brokers "$brokers" --partitions "$partitions" --rates "${rates[@]}" \
  --seconds "$latency_seconds" --label "$real_label" --out "$latency_raw"

phase_begin "report"
mkdir -p "$results_dir"
"$python" "$root/bench/throughput/report.py" --raw "$raw" --json "$out_base.json" \
  --png "$out_base.png" --load-at-start "$load_at_start" --latency-raw "$latency_raw" \
  --latency-png "$results_dir/latency-$(date -u +%Y-%m-%d).png" --peak "$peak"
phase_report
