#!/usr/bin/env bash
# State-size sweep: the Operations agent's keyed state from 1k to 1M services on one partition
# (state_bench: real RocksDB on disk). With a real Kafka broker (started here, first free port
# pair from 29192, state in build-release/state-kafka, stopped on exit) every checkpoint also
# writes its rows to a changelog topic, and a node with an empty data directory restores from
# it. Writes bench/results/state-<date>.json and state-<date>.png and prints the table.
#
# Usage: bench/state/run.sh [options]
#   --keys "N ..."       state sizes (default "1000 10000 100000 1000000")
#   --tiny               CI-sized: --keys "500 2000", results under build-release/
#   --results-dir D      where state-<date>.json/.png go (default bench/results)
#   --no-setup           skip ops/setup.sh (packages, the Kafka broker's jars)
#   --no-kafka           no broker: skip the restarts from the changelog
#
# Builds Release into build-release/ (never build/). The stores go to build-release/state-run
# and are removed after each size. Environment: AETHERIAL_JOBS (build jobs, default 2).
set -euo pipefail
AETHERIAL_LOG_TAG=state-bench
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../ops/lib/common.sh
source "$root/ops/lib/common.sh"

keys="1000 10000 100000 1000000"
results_dir="$root/bench/results"
setup=1
kafka=1
while (($#)); do
  case "$1" in
  --keys) keys="$2"; shift ;;
  --tiny) keys="500 2000"; results_dir="$root/build-release/bench-results" ;;
  --results-dir) results_dir="$2"; shift ;;
  --no-setup) setup=0 ;;
  --no-kafka) kafka=0 ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
for k in $keys; do
  [[ "$k" =~ ^[1-9][0-9]*$ ]] || die "sizes must be positive integers (got '$k')"
done

python=python3
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import matplotlib' >/dev/null 2>&1; then
    python="$p"
    break
  fi
done

if ((setup)); then
  phase_begin "setup (packages)"
  bash "$root/ops/setup.sh"
fi

build="$root/build-release"
phase_begin "build Release into build-release/"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAETHERIAL_TESTS=OFF >/dev/null
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" ||
  die "$build is not a Release tree"
cmake --build "$build" -j "${AETHERIAL_JOBS:-2}" --target state_bench

work="$build/state-run"
mkdir -p "$work" "$results_dir"
out_base="$results_dir/state-$(date -u +%Y-%m-%d)"
load_at_start="$(cut -d' ' -f1 /proc/loadavg)"
broker_args=()
if ((kafka)); then
  phase_begin "start a Kafka $AETHERIAL_KAFKA_VERSION broker"
  broker_start_scoped "$build/state-kafka" 29192
  broker_args=(--brokers "$BROKER_ADDRESS")
fi
phase_begin "state sizes: $keys"
# shellcheck disable=SC2086 # one argument per size
"$build/bench/state/state_bench" --keys $keys --work-dir "$work" --out "$out_base.raw.json" \
  "${broker_args[@]}"
"$python" "$root/bench/state/report.py" --raw "$out_base.raw.json" --json "$out_base.json" \
  --png "$out_base.png" --load-at-start "$load_at_start"
rm -f "$out_base.raw.json"
log "results: $out_base.json, $out_base.png"
