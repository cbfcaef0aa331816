#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, broker + controller in one JVM) on 127.0.0.1.
#
# Usage: ops/kafka/broker.sh start|stop|status|restart [options]
#   --port P             client listener port (default 19092)
#   --controller-port C  controller listener port (default P+1)
#   --dir D              state directory: config, data, broker.log, broker.pid
#                        (default ops/.kafka in the repository)
#   --fresh              (start) delete the data directory first
#   --heap SIZE          JVM heap, -Xms512m and -Xmx SIZE (default 1g)
#
# `start` formats the storage when the directory is new, waits until the broker answers
# a metadata request (up to AETHERIAL_KAFKA_START_TIMEOUT seconds, default 90) and prints
# the bootstrap address (alone, on stdout). `stop` sends SIGTERM and SIGKILL after 30 s.
# `status` exits 0 when the broker is running and answering, 3 otherwise.
# Jars come from ops/setup.sh (AETHERIAL_CACHE, AETHERIAL_KAFKA_VERSION).
set -euo pipefail
AETHERIAL_LOG_TAG=broker
# shellcheck source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

cmd="${1:-}"
[[ -n "$cmd" ]] || {
  usage >&2
  exit 2
}
shift
port=19092
cport=""
dir="$AETHERIAL_ROOT/ops/.kafka"
fresh=0
heap=1g
while (($#)); do
  case "$1" in
  --port) port="$2"; shift ;;
  --port=*) port="${1#*=}" ;;
  --controller-port) cport="$2"; shift ;;
  --controller-port=*) cport="${1#*=}" ;;
  --dir) dir="$2"; shift ;;
  --dir=*) dir="${1#*=}" ;;
  --fresh) fresh=1 ;;
  --heap) heap="$2"; shift ;;
  --heap=*) heap="${1#*=}" ;;
  -h | --help) usage; exit 0 ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
[[ -n "$cport" ]] || cport=$((port + 1))
[[ "$port" =~ ^[0-9]+$ && "$cport" =~ ^[0-9]+$ ]] || die "ports must be numbers"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

bootstrap="127.0.0.1:$port"
pidfile="$dir/broker.pid"
logfile="$dir/broker.log"
datadir="$dir/data"
props="$dir/server.properties"
libs="$(kafka_libs)"
start_timeout="${AETHERIAL_KAFKA_START_TIMEOUT:-90}"

# The pid of the broker that owns $dir, if it is alive (checked by command line, so a
# recycled pid is never taken for the broker).
running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid
  pid="$(cat "$pidfile" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Daetherial.broker.dir=$dir " ||
    return 1
  echo "$pid"
}

# The listener opens only once the broker is ready; a metadata request confirms it.
answers() {
  port_open "$port" || return 1
  kcat -b "$bootstrap" -L -m 3 -X topic.metadata.refresh.interval.ms=-1 2>/dev/null |
    grep -q "broker 1 at"
}

show_log_tail() {
  if [[ -f "$logfile" ]]; then
    printf -- '--- last lines of %s ---\n' "$logfile" >&2
    tail -n 40 "$logfile" >&2
    printf -- '---\n' >&2
  fi
}

write_config() {
  cat >"$props" <<EOF
# Written by ops/kafka/broker.sh: single-node KRaft broker on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$datadir
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
EOF
  if [[ "$AETHERIAL_KAFKA_VERSION" == 3.* ]]; then
    cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
EOF
  else
    cat >"$dir/log4j2.properties" <<'EOF'
# Quiet: warnings and errors, plus the server's start and shutdown lines.
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = STDOUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = info
EOF
  fi
}

if [[ "$AETHERIAL_KAFKA_VERSION" == 3.* ]]; then
  jvm_log_opts=("-Dlog4j.configuration=file:$dir/log4j.properties")
else
  jvm_log_opts=("-Dlog4j2.configurationFile=$dir/log4j2.properties"
    -Dlog4j2.shutdownHookEnabled=false)
fi

# A cluster id as `kafka-storage random-uuid` makes it: 16 random bytes in URL-safe base64
# without padding, never starting with '-', without starting a JVM for it.
cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ ${#id} -eq 22 && "$id" != -* ]] && break
  done
  echo "$id"
}

format_storage() {
  local id
  id="$(cluster_id)"
  log "formatting $datadir (cluster id $id)"
  if ! java "${jvm_log_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format --standalone \
    -t "$id" -c "$props" >>"$logfile" 2>&1; then
    show_log_tail
    die "formatting the storage failed"
  fi
  printf '%s\n' "$cport" >"$dir/formatted-controller-port"
}

do_start() {
  local pid
  if pid="$(running_pid)"; then
    if answers; then
      log "already running (pid $pid)"
      echo "$bootstrap"
      return 0
    fi
    die "a broker for $dir is running (pid $pid) but not answering on $bootstrap; stop it first"
  fi
  [[ -f "$libs/.complete" ]] ||
    die "Kafka $AETHERIAL_KAFKA_VERSION jars missing in $libs: run ops/setup.sh"
  command -v kcat >/dev/null 2>&1 || die "kcat not found: run ops/setup.sh"
  (($(java_major) >= 17)) || die "Java 17+ required (found: $(java_major))"
  if port_open "$port" || port_open "$cport"; then
    die "port $port or $cport on 127.0.0.1 is already in use"
  fi

  if ((fresh)); then
    rm -rf "$datadir" "$dir/formatted-controller-port"
  fi
  if [[ -f "$datadir/meta.properties" && -f "$dir/formatted-controller-port" &&
    "$(cat "$dir/formatted-controller-port")" != "$cport" ]]; then
    die "$datadir was formatted for controller port $(cat "$dir/formatted-controller-port"), not $cport: use --fresh"
  fi
  : >"$logfile"
  write_config
  if [[ ! -f "$datadir/meta.properties" ]]; then
    rm -rf "$datadir"
    format_storage
  fi

  local t0
  t0="$(_now)"
  # setsid: the broker gets its own session, so a Ctrl-C aimed at the caller reaches it only
  # through `stop`. The inner shell records its own pid, then becomes the JVM.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" \
    java -Xms512m "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "-Daetherial.broker.dir=$dir" "${jvm_log_opts[@]}" \
    -cp "$libs/*" kafka.Kafka "$props" >>"$logfile" 2>&1 </dev/null &
  local waited=0
  while [[ ! -s "$pidfile" ]] && ((waited < 50)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "the broker process did not start"
  log "started pid $pid (Kafka $AETHERIAL_KAFKA_VERSION, log $logfile), waiting for $bootstrap"

  local deadline=$((SECONDS + start_timeout))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail
      rm -f "$pidfile"
      die "the broker exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      die "the broker did not answer on $bootstrap within ${start_timeout}s"
    fi
    sleep 0.2
  done
  log "ready in $(awk -v a="$t0" -v b="$(_now)" 'BEGIN { printf "%.1f", b - a }')s at $bootstrap"
  echo "$bootstrap"
}

do_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    log "not running ($dir)"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  log "stopped"
}

do_status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "stopped ($dir)"
    return 3
  fi
  if answers; then
    echo "running pid $pid at $bootstrap ($dir)"
    return 0
  fi
  echo "running pid $pid but not answering on $bootstrap ($dir)"
  return 3
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
restart)
  do_stop
  do_start
  ;;
-h | --help) usage ;;
*)
  usage >&2
  exit 2
  ;;
esac
