#!/usr/bin/env bash
# Failover benchmark: SIGKILL of the node owning half the partitions -> first decision on
# them from the other node, which restores their state from the snapshot topic and the
# changelog (bench/failover/failover_bench.cpp). Runs with the group session timeout at the
# broker's default minimum (6000 ms) and at 1500 ms (the broker here allows 1000), under
# at_least_once and exactly_once. Writes bench/results/failover-<date>.json and .png.
#
# Usage: bench/failover/run.sh [options]
#   --rounds N       rounds per configuration (default 3)
#   --services S     services in the Operations agent's state (default 20000)
#   --results-dir D  where failover-<date>.json/.png go (default bench/results)
#   --no-setup       skip ops/setup.sh
#
# Builds Release into build-release/ (never build/), starts its own broker (first free port
# pair from 29292, state in build-release/failover-kafka) and stops it on exit.
set -euo pipefail
AETHERIAL_LOG_TAG=failover-bench
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../ops/lib/common.sh
source "$root/ops/lib/common.sh"

rounds=3
services=20000
results_dir="$root/bench/results"
setup=1
while (($#)); do
  case "$1" in
  --rounds) rounds="$2"; shift ;;
  --services) services="$2"; shift ;;
  --results-dir) results_dir="$2"; shift ;;
  --no-setup) setup=0 ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
for v in "$rounds" "$services"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "numbers must be positive integers (got '$v')"
done

python=python3
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import matplotlib' >/dev/null 2>&1; then
    python="$p"
    break
  fi
done
if ((setup)); then
  phase_begin "setup (packages, Kafka jars)"
  bash "$root/ops/setup.sh"
fi

build="$root/build-release"
phase_begin "build Release into build-release/"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAETHERIAL_TESTS=OFF >/dev/null
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" ||
  die "$build is not a Release tree"
cmake --build "$build" -j "${AETHERIAL_JOBS:-2}" --target failover_bench aetherial

phase_begin "start a Kafka $AETHERIAL_KAFKA_VERSION broker (group.min.session.timeout.ms=1000)"
broker_start_scoped "$build/failover-kafka" 29292 0 --property group.min.session.timeout.ms=1000
mkdir -p "$results_dir" "$build/failover-run"
out_base="$results_dir/failover-$(date -u +%Y-%m-%d)"
load_at_start="$(cut -d' ' -f1 /proc/loadavg)"
raws=()
for session in 6000 1500; do
  for guarantee in at_least_once exactly_once; do
    phase_begin "session timeout $session ms, $guarantee: $rounds rounds"
    raw="$build/failover-run/$guarantee-$session.json"
    "$build/bench/failover/failover_bench" --brokers "$BROKER_ADDRESS" --rounds "$rounds" \
      --services "$services" --session-timeout-ms "$session" --guarantee "$guarantee" \
      --out "$raw" 2>&1 | grep -v '^%' >&2
    raws+=("$raw")
  done
done
"$python" "$root/bench/failover/report.py" --json "$out_base.json" --png "$out_base.png" \
  --load-at-start "$load_at_start" "${raws[@]}"
log "results: $out_base.json, $out_base.png"
