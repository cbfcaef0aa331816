# shellcheck shell=bash
# Shared helpers for the scripts under ops/. Source it; it defines functions and
# variables only and runs nothing.
#
# Environment (all optional):
#   AETHERIAL_CACHE          cache root for downloaded jars
#                            (default /var/cache/aetherial as root, else ~/.cache/aetherial)
#   AETHERIAL_KAFKA_VERSION  Apache Kafka broker version (default 4.3.1)

AETHERIAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [[ -z "${AETHERIAL_CACHE:-}" ]]; then
  if [[ $EUID -eq 0 ]]; then
    AETHERIAL_CACHE=/var/cache/aetherial
  else
    AETHERIAL_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/aetherial"
  fi
fi
AETHERIAL_KAFKA_VERSION="${AETHERIAL_KAFKA_VERSION:-4.3.1}"
# SLF4J 1.x binding for the 4.x broker (Kafka pins slf4j 1.7.36).
AETHERIAL_LOG4J_VERSION="${AETHERIAL_LOG4J_VERSION:-2.25.4}"
# Version of maven-dependency-plugin used to copy jars.
AETHERIAL_MVN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

kafka_home() { echo "$AETHERIAL_CACHE/kafka-${1:-$AETHERIAL_KAFKA_VERSION}"; }
kafka_libs() { echo "$(kafka_home "${1:-}")/libs"; }
streams_libs() { echo "$(kafka_home "${1:-}")/streams-libs"; }

# usage SCRIPT: prints the script's header comment (its usage) and exits 0, for -h/--help.
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"
  exit 0
}

log() { printf '[%s] %s\n' "${AETHERIAL_LOG_TAG:-ops}" "$*" >&2; }
die() {
  printf '[%s] error: %s\n' "${AETHERIAL_LOG_TAG:-ops}" "$*" >&2
  exit 1
}

# Phase timing: `phase_begin NAME` ... `phase_end`; `phase_report` prints a table.
_PHASE_NAMES=()
_PHASE_SECS=()
_PHASE_CURRENT=""
_PHASE_START=0
_now() { date +%s.%N; }
phase_begin() {
  [[ -n "$_PHASE_CURRENT" ]] && phase_end
  _PHASE_CURRENT="$1"
  _PHASE_START="$(_now)"
  printf '\n=== %s ===\n' "$1" >&2
}
phase_end() {
  [[ -z "$_PHASE_CURRENT" ]] && return 0
  local secs
  secs="$(awk -v a="$_PHASE_START" -v b="$(_now)" 'BEGIN { printf "%.1f", b - a }')"
  _PHASE_NAMES+=("$_PHASE_CURRENT")
  _PHASE_SECS+=("$secs")
  printf '=== %s: %ss ===\n' "$_PHASE_CURRENT" "$secs" >&2
  _PHASE_CURRENT=""
}
phase_report() {
  [[ -n "$_PHASE_CURRENT" ]] && phase_end
  local i total=0
  printf '\nPhase timings:\n' >&2
  for i in "${!_PHASE_NAMES[@]}"; do
    printf '  %-28s %8ss\n' "${_PHASE_NAMES[$i]}" "${_PHASE_SECS[$i]}" >&2
    total="$(awk -v a="$total" -v b="${_PHASE_SECS[$i]}" 'BEGIN { printf "%.1f", a + b }')"
  done
  printf '  %-28s %8ss\n' "total" "$total" >&2
}

# Is a TCP port on 127.0.0.1 accepting connections?
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# broker_start_scoped DIR FIRST_PORT [KEEP [BROKER ARGS...]]: starts a fresh broker
# (ops/kafka/broker.sh, with BROKER ARGS such as --property K=V) with its state in DIR on the
# first free port pair from FIRST_PORT, and stops it when the script exits, fails or is
# interrupted, unless KEEP is 1. Sets BROKER_PORT and BROKER_ADDRESS
# (host:port). Installs the EXIT, INT and TERM traps; call it in the script itself, not in a
# subshell.
broker_start_scoped() {
  _BROKER_DIR="$1"
  _BROKER_KEEP="${3:-0}"
  _BROKER_STARTED=0
  BROKER_PORT="$(free_port_pair "$2")" || die "no free port pair on 127.0.0.1 from $2"
  trap _broker_stop_on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  _BROKER_STARTED=1
  BROKER_ADDRESS="$("$AETHERIAL_ROOT/ops/kafka/broker.sh" start --fresh --dir "$_BROKER_DIR" \
    --port "$BROKER_PORT" "${@:4}")"
}
_broker_stop_on_exit() {
  local rc=$?
  if ((_BROKER_STARTED && !_BROKER_KEEP)); then
    "$AETHERIAL_ROOT/ops/kafka/broker.sh" stop --dir "$_BROKER_DIR" --port "$BROKER_PORT" || true
  fi
  exit "$rc"
}

# First port at or above $1 such that it and the next one are both free on loopback.
free_port_pair() {
  local p="$1" last=$(($1 + 200))
  while ((p < last)); do
    if ! port_open "$p" && ! port_open $((p + 1)); then
      echo "$p"
      return 0
    fi
    p=$((p + 2))
  done
  return 1
}

# Java major version of `java` on PATH (0 when absent).
java_major() {
  local v
  command -v java >/dev/null 2>&1 || {
    echo 0
    return
  }
  v="$(java -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
  v="${v#1.}"
  echo "${v%%[.+-]*}" | grep -E '^[0-9]+$' || echo 0
}

# Build directory and CMake configuration shared by ops/test.sh and ops/demo.sh, so both
# use (and keep warm) one build tree.
#   AETHERIAL_BUILD_DIR   default build/ in the repository
#   AETHERIAL_BUILD_TYPE  CMAKE_BUILD_TYPE (unset: the project's default)
#   AETHERIAL_CMAKE_ARGS  extra arguments for cmake, split on spaces
#   AETHERIAL_JOBS        parallel build jobs (default 2)
AETHERIAL_BUILD_DIR="${AETHERIAL_BUILD_DIR:-$AETHERIAL_ROOT/build}"
# Compiled objects are cached across build trees and clones (CMakeLists.txt uses ccache when
# it is installed): paths are made relative to the checkout so that another clone hits too.
export CCACHE_DIR="${CCACHE_DIR:-$AETHERIAL_CACHE/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$AETHERIAL_ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-3G}"
AETHERIAL_JOBS="${AETHERIAL_JOBS:-2}"

cmake_configure() {
  local build="$AETHERIAL_BUILD_DIR" cache="$AETHERIAL_BUILD_DIR/CMakeCache.txt"
  local args=(-S "$AETHERIAL_ROOT" -B "$build" -G Ninja -DAETHERIAL_WERROR=ON)
  [[ -n "${AETHERIAL_BUILD_TYPE:-}" ]] && args+=("-DCMAKE_BUILD_TYPE=$AETHERIAL_BUILD_TYPE")
  if [[ -n "${AETHERIAL_CMAKE_ARGS:-}" ]]; then
    local extra
    read -r -a extra <<<"$AETHERIAL_CMAKE_ARGS"
    args+=("${extra[@]}")
  fi
  # A tree configured with another generator or from another source checkout cannot be
  # reused: start it afresh.
  if [[ -f "$cache" ]]; then
    local gen src
    gen="$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$cache")"
    src="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")"
    if [[ "$gen" != Ninja || "$src" != "$AETHERIAL_ROOT" ]]; then
      log "build tree $build was configured for '$gen' from '$src': reconfiguring from scratch"
      rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
    fi
  fi
  cmake "${args[@]}"
}

cmake_build() {
  cmake --build "$AETHERIAL_BUILD_DIR" -j "$AETHERIAL_JOBS" "$@"
}
