#!/usr/bin/env bash
# Runs every check and test of Aetherial, as CI does (`bash .ci/run` runs this script).
#
# Usage: ops/test.sh [--no-kafka] [--no-sanitizers] [--no-fuzz] [-- CTEST_ARGS...]
#   --no-kafka       no real broker: skip the Kafka jars and the tests labelled `system`
#   --no-sanitizers  skip the sanitizer builds and their runs
#   --no-fuzz        skip the last phase: ops/fuzz.sh (each libFuzzer target for 30 s, build-fuzz/)
#   CTEST_ARGS       passed to ctest, e.g. `-- -L unit` or `-- -R snapshot`
#
# Phases: layering check, Debian packages, format check, configure (build/, kept between
# runs, -DAETHERIAL_WERROR=ON), build (-j2) while the Kafka jars are fetched, then ctest for
# all labels with a real Kafka broker on a free loopback port (from 19092, state under the
# build directory), exported as AETHERIAL_TEST_KAFKA and stopped on exit. Then the same
# suite built with clang under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/),
# and the runtime's unit tests under ThreadSanitizer (build-tsan/): ops/sanitize.sh.
# The repository stands alone: when a folder `shared/` sits beside the checkout, everything
# after the package set-up runs in a private mount namespace where that folder is an empty
# read-only tmpfs, so a build step or test that reads outside the repository fails here.
# Environment: AETHERIAL_BUILD_DIR, AETHERIAL_BUILD_TYPE, AETHERIAL_CMAKE_ARGS,
#              AETHERIAL_JOBS, AETHERIAL_CTEST_JOBS (default 1), AETHERIAL_CACHE.
set -euo pipefail
AETHERIAL_LOG_TAG=tests
ops="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$ops/lib/common.sh"
cd "$AETHERIAL_ROOT"

original_args=("$@")
with_kafka=1
with_sanitizers=1
with_fuzz=1
ctest_args=()
while (($#)); do
  case "$1" in
  --no-kafka) with_kafka=0 ;;
  --no-sanitizers) with_sanitizers=0 ;;
  --no-fuzz) with_fuzz=0 ;;
  --)
    shift
    ctest_args=("$@")
    break
    ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

jars_pid=""
jars_log="$AETHERIAL_BUILD_DIR/setup-kafka.log"
ctest_log="$AETHERIAL_BUILD_DIR/ctest.log"
rm -f "$ctest_log"
finish() {
  local rc=$?
  if [[ -n "$jars_pid" ]] && kill -0 "$jars_pid" 2>/dev/null; then
    kill "$jars_pid" 2>/dev/null || true
  fi
  phase_report
  if ((rc == 0)); then
    log "all checks and tests passed"
  else
    log "FAILED (exit $rc)"
  fi
  # The chaos test's one-line result (tests/chaos), which ctest keeps in its log only.
  local chaos_line
  chaos_line="$(grep -h '^chaos: ' "$AETHERIAL_BUILD_DIR/Testing/Temporary/LastTest.log" \
    2>/dev/null | tail -n 1 || true)"
  [[ -z "$chaos_line" ]] || log "$chaos_line"
  # ctest's summary again as the closing line, after the timings.
  if [[ -f "$ctest_log" ]]; then
    grep -E '^[0-9]+% tests passed' "$ctest_log" | tail -n 1 || true
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${AETHERIAL_ISOLATED:-}" ]]; then
  phase_begin "layering and standalone checks"
  "$ops/check.sh" --layering --standalone

  phase_begin "setup: Debian packages"
  "$ops/setup.sh" --no-kafka

  sibling="$(dirname "$AETHERIAL_ROOT")/shared"
  if [[ -d "$sibling" ]]; then
    phase_end
    if unshare --mount --propagation private true 2>/dev/null; then
      log "hiding $sibling from the build and the tests (private mount namespace)"
      trap - EXIT
      exec unshare --mount --propagation private bash -c \
        'mount -t tmpfs -o ro,size=16k,mode=555 aetherial-hidden "$1" && shift &&
         AETHERIAL_ISOLATED=1 exec bash "$@"' \
        hide "$sibling" "${BASH_SOURCE[0]}" "${original_args[@]}"
    fi
    log "warning: cannot hide $sibling (no mount namespace); the standalone check above still holds"
  fi
fi

phase_begin "format check"
"$ops/check.sh" --format

mkdir -p "$AETHERIAL_BUILD_DIR"
if ((with_kafka)); then
  # Network-bound; overlaps the CPU-bound build. A cached set returns at once.
  "$ops/setup.sh" --no-apt >"$jars_log" 2>&1 &
  jars_pid=$!
fi

phase_begin "configure"
cmake_configure

phase_begin "build"
cmake_build

if ((with_kafka)); then
  phase_begin "setup: Kafka jars"
  if ! wait "$jars_pid"; then
    jars_pid=""
    cat "$jars_log" >&2
    die "fetching the Kafka jars failed"
  fi
  jars_pid=""
  cat "$jars_log" >&2
fi

phase_begin "tests"
ctest_cmd=(ctest --test-dir "$AETHERIAL_BUILD_DIR" --output-on-failure --no-tests=error
  -j "${AETHERIAL_CTEST_JOBS:-1}")
if ((with_kafka)); then
  "$AETHERIAL_ROOT/tests/system/kafka_fixture.sh" --dir "$AETHERIAL_BUILD_DIR/kafka-test" \
    -- "${ctest_cmd[@]}" "${ctest_args[@]}" 2>&1 | tee "$ctest_log"
else
  "${ctest_cmd[@]}" -LE system "${ctest_args[@]}" 2>&1 | tee "$ctest_log"
fi

if ((with_sanitizers)); then
  sanitize_args=()
  ((with_kafka)) || sanitize_args+=(--no-kafka)
  phase_begin "sanitizers: ASan + UBSan, whole suite"
  "$ops/sanitize.sh" address "${sanitize_args[@]}" -- "${ctest_args[@]}"
  phase_begin "sanitizers: TSan, runtime unit tests"
  "$ops/sanitize.sh" thread --no-kafka
fi

# Fuzzing: every libFuzzer target of tests/fuzz for its default budget, in its own Clang build
# tree ($AETHERIAL_BUILD_DIR-fuzz); any crash fails the run. Skipped with --no-fuzz.
if ((with_fuzz)); then
  phase_begin "fuzz"
  "$ops/fuzz.sh"
fi
