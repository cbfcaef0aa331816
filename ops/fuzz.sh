#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Clang (ASan and UBSan) and runs each for a
# bounded time on a copy of its checked-in seed corpus; CI runs it after the tests.
#
# Usage: ops/fuzz.sh [--seconds N] [--runs N] [TARGET...]
#   --seconds N  time budget of each target (default 30; 0: no time limit)
#   --runs N     stop each target after N executions (with --seconds, whichever comes first;
#                alone, no time limit)
#   TARGET       envelope, json, snapshot, command (default: all, one after the other)
#
# Build tree: $AETHERIAL_BUILD_DIR-fuzz (build-fuzz/ beside build/), configured with
# CC=clang-14 CXX=clang++-14 -DAETHERIAL_FUZZ=ON (only the fuzz targets and the libraries
# they use). The checked-in corpus tests/fuzz/corpus/TARGET/ is only read: each run starts
# from a copy in <build>/fuzz/TARGET/corpus, where new inputs go; a crash, leak or hang
# (over 10 s on one input) is written to <build>/fuzz/TARGET/ and fails the script. Prints per
# target: executions, exec/s, corpus size, crashes.
# Environment: AETHERIAL_BUILD_DIR, AETHERIAL_JOBS, AETHERIAL_FUZZ_CC (default clang-14),
#              AETHERIAL_FUZZ_CXX (default clang++-14).
set -euo pipefail
AETHERIAL_LOG_TAG=fuzz
ops="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$ops/lib/common.sh"
cd "$AETHERIAL_ROOT"

all_targets=(envelope json snapshot command)
seconds=""
runs=""
targets=()
while (($#)); do
  case "$1" in
  --seconds)
    seconds="${2:?--seconds needs a number}"
    shift
    ;;
  --runs)
    runs="${2:?--runs needs a number}"
    shift
    ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  -*) die "unknown option: $1 (see --help)" ;;
  *)
    t="${1%_fuzz}"
    [[ " ${all_targets[*]} " == *" $t "* ]] || die "unknown target: $1 (${all_targets[*]})"
    targets+=("$t")
    ;;
  esac
  shift
done
((${#targets[@]})) || targets=("${all_targets[@]}")
[[ -z "$seconds" && -z "$runs" ]] && seconds=30
[[ -z "$seconds" ]] && seconds=0
[[ "$seconds$runs" =~ ^[0-9]+$ ]] || die "--seconds and --runs take whole numbers"

build="$AETHERIAL_BUILD_DIR-fuzz"
export CC="${AETHERIAL_FUZZ_CC:-clang-14}" CXX="${AETHERIAL_FUZZ_CXX:-clang++-14}"
command -v "$CXX" >/dev/null || die "$CXX not found (ops/setup.sh installs clang-14)"

phase_begin "fuzz: configure and build"
AETHERIAL_BUILD_DIR="$build" AETHERIAL_CMAKE_ARGS="-DAETHERIAL_FUZZ=ON ${AETHERIAL_CMAKE_ARGS:-}" \
  cmake_configure >/dev/null
AETHERIAL_BUILD_DIR="$build" cmake_build --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
report=()
for t in "${targets[@]}"; do
  phase_begin "fuzz: $t"
  work="$build/fuzz/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus"
  cp -r "tests/fuzz/corpus/$t/." "$work/corpus/"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$work/")
  [[ -n "$runs" ]] && args+=(-runs="$runs")
  [[ -f "tests/fuzz/$t.dict" ]] && args+=(-dict="tests/fuzz/$t.dict")
  rc=0
  nice "$build/tests/fuzz/${t}_fuzz" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)"
  files="$(find "$work/corpus" -type f | wc -l)"
  kib="$(du -sk "$work/corpus" | cut -f1)"
  crashes="$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
  line="$(printf '%-9s %12s executions %8s exec/s  corpus %5s files %6s KiB  crashes %s' \
    "$t" "${execs:-?}" "${rate:-?}" "$files" "$kib" "$crashes")"
  report+=("$line")
  log "$line"
  if ((rc != 0 || crashes != 0)); then
    failed+=("$t")
    tail -n 60 "$work/log" >&2
    log "$t failed (exit $rc); its inputs are in $work (log: $work/log)"
  fi
done
phase_report
printf '\nFuzzing (%s s, %s runs per target):\n' "$seconds" "${runs:-unbounded}"
printf '  %s\n' "${report[@]}"
((${#failed[@]} == 0)) || die "fuzz targets failed: ${failed[*]}"
log "no crashes"
