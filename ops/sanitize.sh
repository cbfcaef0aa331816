#!/usr/bin/env bash
# Builds Aetherial with clang 14 under a sanitizer, in a build directory of its own, and runs
# tests there. `ops/test.sh` (and so CI) runs both after the regular suite.
#
# Usage: ops/sanitize.sh address|thread [--no-kafka] [-- CTEST_ARGS...]
#   address     AddressSanitizer + UndefinedBehaviorSanitizer (leaks included): the whole
#               suite, every label, in "$AETHERIAL_BUILD_DIR-asan"
#   thread      ThreadSanitizer: the runtime's unit tests (runtime_unit_test: supervisors and
#               hosts, the crash guard, the health board and the HTTP server on their
#               threads), in "$AETHERIAL_BUILD_DIR-tsan". The node tests are left out: Debian's
#               CAF and librdkafka are not instrumented, and every message handed between
#               actors through libcaf_core is reported as a race (tests/sanitizers/README.md)
#   --no-kafka  no real broker: leave out the tests labelled `system`
#   CTEST_ARGS  passed to ctest, e.g. `-- -R snapshot`
#
# Any report fails the test that produced it (halt_on_error); the suppression files of
# tests/sanitizers/ name what is left out and why. The build is -O1 with line tables, no
# benchmarks; a second run rebuilds only what changed (ccache, as the regular build).
set -euo pipefail
AETHERIAL_LOG_TAG=sanitize
ops="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$ops/lib/common.sh"
cd "$AETHERIAL_ROOT"

kind="${1:-}"
case "$kind" in
address | thread) shift ;;
-h | --help) usage "${BASH_SOURCE[0]}" ;;
*) die "first argument must be address or thread (see --help)" ;;
esac
with_kafka=1
ctest_args=()
while (($#)); do
  case "$1" in
  --no-kafka) with_kafka=0 ;;
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

command -v clang++-14 >/dev/null || die "clang++-14 is missing: run ops/setup.sh"
base_build="$AETHERIAL_BUILD_DIR"
supp="$AETHERIAL_ROOT/tests/sanitizers"
if [[ "$kind" == address ]]; then
  AETHERIAL_BUILD_DIR="$base_build-asan"
  targets=(all)
  # The whole suite: every test target and the binary the tests start.
  selection=()
else
  AETHERIAL_BUILD_DIR="$base_build-tsan"
  targets=(runtime_unit_test)
  selection=(-R '^runtime_unit_test$')
fi
export AETHERIAL_BUILD_DIR
export CC=clang-14 CXX=clang++-14
# clang's warnings differ from g++'s; the regular build holds the -Werror line.
AETHERIAL_CMAKE_ARGS="-DAETHERIAL_SANITIZE=$kind -DAETHERIAL_BENCH=OFF -DAETHERIAL_WERROR=OFF"
export AETHERIAL_CMAKE_ARGS
log "configuring $AETHERIAL_BUILD_DIR ($kind sanitizer, clang 14)"
cmake_configure >/dev/null
log "building ${targets[*]}"
cmake_build --target "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$supp/tsan.supp"
ctest_cmd=(ctest --test-dir "$AETHERIAL_BUILD_DIR" --output-on-failure --no-tests=error
  -j "${AETHERIAL_CTEST_JOBS:-1}" "${selection[@]}")
if ((with_kafka)) && [[ "$kind" == address ]]; then
  "$AETHERIAL_ROOT/tests/system/kafka_fixture.sh" --dir "$AETHERIAL_BUILD_DIR/kafka-test" \
    -- "${ctest_cmd[@]}" "${ctest_args[@]}"
else
  "${ctest_cmd[@]}" -LE system "${ctest_args[@]}"
fi
