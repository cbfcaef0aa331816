#!/usr/bin/env bash
# Prints or applies the least-privilege ACL set of a deployment (`aetherial acls`).
#
# Usage: ops/kafka/acls.sh print [aetherial acls options]
#        ops/kafka/acls.sh apply --bootstrap HOST:PORT --admin-config FILE [aetherial acls options]
#
# `apply` creates the bindings with Kafka's Admin client (Java, from the broker's jars):
# FILE holds the admin's client properties (security.protocol, sasl.mechanism,
# sasl.jaas.config, ssl.truststore.*). Existing bindings are kept; creating one twice is
# harmless. The aetherial binary is AETHERIAL_BIN, or build/app/aetherial.
# Options passed on (see `aetherial acls --help`): --topic-prefix, --group, --runtime-principal,
# --gateway-principal, --platform-principal, --effects-principal, --auditor-principal.
set -euo pipefail
AETHERIAL_LOG_TAG=acls
# shellcheck source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

cmd="${1:-}"
[[ -n "$cmd" ]] || usage "${BASH_SOURCE[0]}"
shift
bin="${AETHERIAL_BIN:-$AETHERIAL_ROOT/build/app/aetherial}"
[[ -x "$bin" ]] || die "no aetherial binary at $bin (build it, or set AETHERIAL_BIN)"
case "$cmd" in
print) exec "$bin" acls "$@" ;;
apply)
  bootstrap="" admin_config="" pass=()
  while (($#)); do
    case "$1" in
    --bootstrap) bootstrap="$2"; shift ;;
    --admin-config) admin_config="$2"; shift ;;
    *) pass+=("$1") ;;
    esac
    shift
  done
  [[ -n "$bootstrap" && -r "$admin_config" ]] ||
    die "apply needs --bootstrap HOST:PORT and a readable --admin-config FILE"
  libs="$(kafka_libs)"
  [[ -f "$libs/.complete" ]] || die "Kafka jars missing in $libs: run ops/setup.sh"
  "$bin" acls --format tsv "${pass[@]}" |
    java -cp "$libs/*" "$AETHERIAL_ROOT/ops/kafka/CreateAcls.java" "$bootstrap" "$admin_config"
  ;;
-h | --help) usage "${BASH_SOURCE[0]}" ;;
*) die "unknown command: $cmd (print or apply)" ;;
esac
