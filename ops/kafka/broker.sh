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
#   --sasl-ssl DIR       one SASL_SSL listener instead of PLAINTEXT: TLS with DIR/broker.pem
#                        (key and certificate) and DIR/ca.pem (ops/kafka/certs.sh makes both);
#                        the users of DIR/users (lines `name password`; `admin` is required: the
#                        broker's own and the only super user besides the broker's certificate)
#                        sign in with SCRAM-SHA-512 or PLAIN (librdkafka before 2.6.1, Debian 12's
#                        2.0.2 included, cannot complete SCRAM with a Kafka 4 broker: use PLAIN,
#                        which TLS protects, from those clients); KRaft's StandardAuthorizer with
#                        no access unless an ACL grants it (`aetherial acls --apply`). SCRAM users
#                        are added when the storage is formatted: a new one needs --fresh.
#                        The controller listener requires the broker's certificate (mutual TLS).
#   --property K=V       an extra line of server.properties (repeatable), e.g.
#                        group.min.session.timeout.ms=1000
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
secure=""
extra_props=()
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
  --sasl-ssl) secure="$2"; shift ;;
  --sasl-ssl=*) secure="${1#*=}" ;;
  --property) extra_props+=("$2"); shift ;;
  --property=*) extra_props+=("${1#*=}") ;;
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
kcat_opts=()
if [[ -n "$secure" ]]; then
  secure="$(cd "$secure" && pwd)" || die "--sasl-ssl: no directory $secure"
  for f in broker.pem ca.pem users; do
    [[ -r "$secure/$f" ]] || die "--sasl-ssl: $secure/$f is missing (ops/kafka/certs.sh makes the certificates; users holds lines 'name password')"
  done
  admin_password="$(awk '$1 == "admin" { print $2; exit }' "$secure/users")"
  [[ -n "$admin_password" ]] || die "--sasl-ssl: $secure/users has no 'admin <password>' line"
  # kcat reads the admin's password from a file of its own, never from its command line.
  kcat_conf="$dir/kcat-admin.conf"
  (
    umask 077
    printf 'security.protocol=SASL_SSL\nsasl.mechanisms=PLAIN\nsasl.username=admin\nsasl.password=%s\nssl.ca.location=%s\n' \
      "$admin_password" "$secure/ca.pem" >"$kcat_conf"
  )
  kcat_opts=(-F "$kcat_conf")
fi
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
  kcat "${kcat_opts[@]}" -b "$bootstrap" -L -m 3 -X topic.metadata.refresh.interval.ms=-1 2>/dev/null |
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
  (umask 077 && : >"$dir/format.log")
  # The file may hold the admin's password: readable by its owner only.
  : >"$props"
  chmod 600 "$props"
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
  local prop
  for prop in "${extra_props[@]}"; do
    [[ "$prop" =~ ^[a-z0-9._-]+=.+$ ]] || die "--property: expected key=value, got '$prop'"
    printf '%s\n' "$prop" >>"$props"
  done
  if [[ -n "$secure" ]]; then
    # One SASL_SSL listener for clients and the broker itself; the controller listener takes
    # only the broker's certificate. No ACL, no access.
    sed -i -e "s|^listeners=.*|listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport|" \
      -e "s|^advertised.listeners=.*|advertised.listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport|" \
      -e "s|^inter.broker.listener.name=.*|inter.broker.listener.name=SASL_SSL|" \
      -e "s|^listener.security.protocol.map=.*|listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL|" \
      "$props"
    local plain_users="" name password
    while read -r name password _; do
      [[ -z "$name" || "$name" == \#* ]] && continue
      [[ "$name" =~ ^[A-Za-z0-9_.]+$ ]] || die "$secure/users: user name '$name' may hold only letters, digits, '_' and '.'"
      [[ -n "$password" && "$password" != *\"* && "$password" != *\\* ]] ||
        die "$secure/users: user $name needs a password without quotes or backslashes"
      plain_users+=" user_$name=\"$password\""
    done <"$secure/users"
    cat >>"$props" <<EOF
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_password"$plain_users;
ssl.keystore.type=PEM
ssl.keystore.location=$secure/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$secure/ca.pem
listener.name.controller.ssl.client.auth=required
listener.name.sasl_ssl.ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:CN=aetherial-broker
allow.everyone.if.no.acl.found=false
EOF
  fi
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
  local scram=()
  if [[ -n "$secure" ]]; then
    local name password
    while read -r name password _; do
      [[ -z "$name" || "$name" == \#* ]] && continue
      [[ -n "$password" ]] || die "$secure/users: user $name has no password"
      scram+=(--add-scram "SCRAM-SHA-512=[name=\"$name\",password=\"$password\"]")
    done <"$secure/users"
  fi
  if ! java "${jvm_log_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format --standalone \
    -t "$id" -c "$props" "${scram[@]}" >"$dir/format.log" 2>&1; then
    tail -n 20 "$dir/format.log" >&2
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
