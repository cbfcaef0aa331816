#!/usr/bin/env bash
# Checks with kcat (Debian's librdkafka) that a broker serves what Aetherial uses:
# idempotent compressed produce, consume, a consumer group that resumes from its committed
# offsets, and a transactional produce read back with read_committed.
#
# Usage: ops/kafka/smoke.sh [BOOTSTRAP]   (default: $AETHERIAL_TEST_KAFKA)
# Exits 77 (skipped) when neither is given, 1 when a check fails.
# Topics are named smoke.<random>, so the check can run again on the same broker.
set -euo pipefail
AETHERIAL_LOG_TAG=smoke
# shellcheck source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

b="${1:-${AETHERIAL_TEST_KAFKA:-}}"
if [[ -z "$b" ]]; then
  log "skipped: no bootstrap address given and AETHERIAL_TEST_KAFKA is not set"
  exit 77
fi
run="$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
t="smoke.$run"
n=1000
passed=0
failed=0
check() {
  local what="$1" got="$2" want="$3"
  if [[ "$got" == "$want" ]]; then
    log "ok: $what"
    passed=$((passed + 1))
  else
    log "FAIL: $what: got '$got', expected '$want'"
    failed=$((failed + 1))
  fi
}

kcat -b "$b" -L -m 10 >/dev/null || die "no broker answers on $b"

seq 1 "$n" | sed 's/^/k:v/' |
  kcat -b "$b" -P -t "$t.in" -K: -z lz4 -X enable.idempotence=true -X acks=all -m 30 2>/dev/null
got="$(kcat -b "$b" -C -t "$t.in" -e -q -m 30 | wc -l)"
check "idempotent lz4 produce of $n, consume" "$got" "$n"

got="$(timeout 60 kcat -b "$b" -G "$t.group" -X auto.offset.reset=earliest -c "$n" -q "$t.in" |
  wc -l)"
check "consumer group reads $n" "$got" "$n"
printf 'k:after\n' | kcat -b "$b" -P -t "$t.in" -K: -X enable.idempotence=true 2>/dev/null
got="$(timeout 60 kcat -b "$b" -G "$t.group" -c 1 -q -f '%s' "$t.in")"
check "consumer group resumes at its committed offset" "$got" "after"

seq 1 100 | kcat -b "$b" -P -t "$t.txn" -X "transactional.id=$t.tx" -m 30 2>/dev/null
got="$(kcat -b "$b" -C -t "$t.txn" -e -q -m 30 -X isolation.level=read_committed | wc -l)"
check "transactional produce of 100, read_committed" "$got" 100

echo "smoke: $passed passed, $failed failed"
((failed == 0))
