#!/usr/bin/env bash
# Installs everything Aetherial needs to build, test and run on Debian 12, and caches the
# Apache Kafka broker jars. Idempotent: a second run checks and returns in seconds.
#
# Usage: ops/setup.sh [--no-kafka] [--streams] [--no-apt]
#   --no-kafka  skip the Kafka broker jars (enough for building and `aetherial demo`)
#   --streams   also fetch the Kafka Streams jars (benchmark peer)
#   --no-apt    skip Debian packages (when they are known to be present)
#
# Environment: AETHERIAL_CACHE (jar cache root), AETHERIAL_KAFKA_VERSION (default 4.3.1),
#              AETHERIAL_M2_REPO (Maven local repository, default ~/.m2/repository).
set -euo pipefail
AETHERIAL_LOG_TAG=setup
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

want_kafka=1
want_streams=0
want_apt=1
while (($#)); do
  case "$1" in
  --no-kafka) want_kafka=0 ;;
  --streams) want_streams=1 ;;
  --no-apt) want_apt=0 ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

PACKAGES=(
  g++ cmake ninja-build pkg-config
  libcaf-dev librdkafka-dev librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  prometheus-cpp-dev libboost-dev libboost-test-dev libcli11-dev libspdlog-dev nlohmann-json3-dev
  libtomlplusplus-dev libssl-dev openssl kcat clang-format maven curl python3-matplotlib ccache
  clang-14 libclang-rt-14-dev
)

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

javac_major() {
  command -v javac >/dev/null 2>&1 || {
    echo 0
    return
  }
  local v
  v="$(javac -version 2>&1 | awk '{ print $2; exit }')"
  v="${v#1.}"
  echo "${v%%[.+-]*}" | grep -E '^[0-9]+$' || echo 0
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $* (or rerun with --no-apt)"
  fi
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    pkg_installed "$p" || missing+=("$p")
  done
  # Kafka 4.x needs Java 17+; a JDK that did not come from apt counts too.
  if (($(java_major) < 17)); then
    pkg_installed openjdk-17-jre-headless || missing+=(openjdk-17-jre-headless)
  fi
  # A JDK: ops/kafka/acls.sh runs a single-file Java program (CreateAcls.java) on the
  # broker's client jars, and the Streams benchmark compiles its peer.
  if ((want_kafka || want_streams)) && (($(javac_major) < 17)); then
    pkg_installed openjdk-17-jdk-headless || missing+=(openjdk-17-jdk-headless)
  fi
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all ${#PACKAGES[@]} present"
    return 0
  fi
  log "Debian packages missing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for p in "${missing[@]}"; do
    pkg_installed "$p" || die "package $p did not install"
  done
  log "Debian packages: installed ${missing[*]}"
}

# fetch_jars NAME OUTDIR GROUP:ARTIFACT:VERSION...
# Copies the runtime closure of the given artifacts into OUTDIR with Maven. A marker file
# listing the artifacts makes the next run a no-op.
fetch_jars() {
  local name="$1" out="$2"
  shift 2
  local marker="$out/.complete" want
  want="$(printf '%s\n' "$@")"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    log "$name jars: cached in $out ($(find "$out" -name '*.jar' | wc -l) jars)"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: run ops/setup.sh without --no-apt"
  (($(java_major) >= 17)) || die "Java 17+ required for Kafka (found: $(java_major))"

  local work="$out.work" deps="" coord g a v
  rm -rf "$work" "$out.tmp"
  mkdir -p "$work"
  for coord in "$@"; do
    IFS=: read -r g a v <<<"$coord"
    deps+="    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>
"
  done
  cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>aetherial.ops</groupId>
  <artifactId>$name-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$deps  </dependencies>
</project>
EOF
  local mvn_args=(-B -q -f "$work/pom.xml")
  [[ -n "${AETHERIAL_M2_REPO:-}" ]] && mvn_args+=("-Dmaven.repo.local=$AETHERIAL_M2_REPO")
  mvn_args+=("$AETHERIAL_MVN_DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime
    "-DoutputDirectory=$out.tmp")
  log "$name jars: fetching $* with Maven"
  local attempt
  for attempt in 1 2 3; do
    if mvn "${mvn_args[@]}" >"$work/mvn.log" 2>&1; then
      break
    fi
    if ((attempt == 3)); then
      tail -n 40 "$work/mvn.log" >&2
      die "$name jars: Maven failed (log: $work/mvn.log)"
    fi
    log "$name jars: Maven failed (attempt $attempt), retrying"
    sleep $((attempt * 5))
  done
  local n
  n="$(find "$out.tmp" -name '*.jar' | wc -l)"
  ((n > 0)) || die "$name jars: Maven copied no jars"
  rm -rf "$out"
  mv "$out.tmp" "$out"
  printf '%s\n' "$want" >"$marker"
  rm -rf "$work"
  log "$name jars: $n jars in $out"
}

kafka_artifacts() {
  local v="$AETHERIAL_KAFKA_VERSION"
  echo "org.apache.kafka:kafka_2.13:$v"
  if [[ "$v" == 3.* ]]; then
    # Kafka 3.x logs through reload4j.
    echo "org.slf4j:slf4j-reload4j:1.7.36"
  else
    echo "org.apache.logging.log4j:log4j-slf4j-impl:$AETHERIAL_LOG4J_VERSION"
    echo "org.apache.logging.log4j:log4j-core:$AETHERIAL_LOG4J_VERSION"
  fi
}

streams_artifacts() {
  echo "org.apache.kafka:kafka-streams:$AETHERIAL_KAFKA_VERSION"
  echo "org.apache.logging.log4j:log4j-slf4j-impl:$AETHERIAL_LOG4J_VERSION"
  echo "org.apache.logging.log4j:log4j-core:$AETHERIAL_LOG4J_VERSION"
}

start="$(_now)"
if ((want_apt)); then
  install_packages
fi
if ((want_kafka || want_streams)); then
  mkdir -p "$(kafka_home)"
fi
if ((want_kafka)); then
  mapfile -t arts < <(kafka_artifacts)
  fetch_jars "kafka-$AETHERIAL_KAFKA_VERSION" "$(kafka_libs)" "${arts[@]}"
fi
if ((want_streams)); then
  mapfile -t arts < <(streams_artifacts)
  fetch_jars "kafka-streams-$AETHERIAL_KAFKA_VERSION" "$(streams_libs)" "${arts[@]}"
fi
log "done in $(awk -v a="$start" -v b="$(_now)" 'BEGIN { printf "%.1f", b - a }')s"
