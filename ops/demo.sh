#!/usr/bin/env bash
# Builds Aetherial and runs `aetherial demo`: the agents on the embedded Kafka
# cluster, with no Java and no broker to start.
#
# Usage: ops/demo.sh [DEMO_ARGS...]   (arguments go to `aetherial demo`)
# Environment: AETHERIAL_BIN (the binary, default build/app/aetherial), and the build
#              variables of ops/test.sh (AETHERIAL_BUILD_DIR, AETHERIAL_BUILD_TYPE, ...).
set -euo pipefail
AETHERIAL_LOG_TAG=demo
ops="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$ops/lib/common.sh"

# The binary and its CMake target.
AETHERIAL_BIN="${AETHERIAL_BIN:-$AETHERIAL_BUILD_DIR/app/aetherial}"
AETHERIAL_TARGET="${AETHERIAL_TARGET:-aetherial}"

case "${1:-}" in
-h | --help) usage "${BASH_SOURCE[0]}" ;;
esac

trap phase_report EXIT

phase_begin "setup: Debian packages"
"$ops/setup.sh" --no-kafka

phase_begin "configure"
cmake_configure >/dev/null

phase_begin "build"
cmake_build --target "$AETHERIAL_TARGET"
[[ -x "$AETHERIAL_BIN" ]] || die "built target $AETHERIAL_TARGET, but $AETHERIAL_BIN is missing"

phase_begin "demo"
"$AETHERIAL_BIN" demo "$@"
