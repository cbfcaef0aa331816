#!/usr/bin/env bash
# Runs a command with a real Apache Kafka broker on loopback, for the `system` tests.
#
# Usage: tests/system/kafka_fixture.sh [--port P] [--dir D] [--keep] -- COMMAND [ARGS...]
#   --port P  first port to try (default 19092); the broker takes the first free pair
#             P, P+1 (client, controller)
#   --dir D   broker state directory (default build/kafka-test); emptied before start
#   --keep    leave the broker running after COMMAND
#
# The broker's address is exported as AETHERIAL_TEST_KAFKA (host:port) for COMMAND, its
# state directory and port as AETHERIAL_TEST_KAFKA_DIR and AETHERIAL_TEST_KAFKA_PORT. When
# AETHERIAL_TEST_KAFKA is already set, no broker is started and COMMAND runs against that
# one. The broker is stopped when COMMAND ends, fails or is interrupted. Exits with
# COMMAND's status.
#
# Example: tests/system/kafka_fixture.sh -- ctest --test-dir build -L system
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AETHERIAL_LOG_TAG=kafka-fixture
# shellcheck source=../../ops/lib/common.sh
source "$root/ops/lib/common.sh"

port=19092
dir="$AETHERIAL_BUILD_DIR/kafka-test"
keep=0
while (($#)); do
  case "$1" in
  --port) port="$2"; shift ;;
  --dir) dir="$2"; shift ;;
  --keep) keep=1 ;;
  --) shift; break ;;
  -h | --help)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) break ;;
  esac
  shift
done
(($#)) || die "no command given (see --help)"

if [[ -n "${AETHERIAL_TEST_KAFKA:-}" ]]; then
  log "using the broker at AETHERIAL_TEST_KAFKA=$AETHERIAL_TEST_KAFKA"
  exec "$@"
fi

broker_start_scoped "$dir" "$port" "$keep"
export AETHERIAL_TEST_KAFKA="$BROKER_ADDRESS"
# For tests that stop and start the broker (ops/kafka/broker.sh stop|start --dir D --port P).
export AETHERIAL_TEST_KAFKA_DIR="$dir" AETHERIAL_TEST_KAFKA_PORT="$BROKER_PORT"
log "AETHERIAL_TEST_KAFKA=$AETHERIAL_TEST_KAFKA"
set +e
"$@"
rc=$?
set -e
exit "$rc"
