#!/usr/bin/env bash
# The real Apache Kafka broker (KRaft, one node that is broker and controller) on
# loopback, for the real-backend tests.
#
#   scripts/backends/kafka.sh install|start|stop|restart|status|reset
#
#   install  fetch kafka_2.13 (version in kafka/pom.xml) and its dependencies from
#            Maven Central into var/backends/kafka/libs (skipped when cached)
#   start    install if needed, format the storage on first start, start the broker and
#            wait until it accepts an idempotent acks=all produce. No-op when running.
#   stop     stop the broker (controlled shutdown) and wait until its ports are closed.
#            Keeps the data dir and the cluster id: stop + start keeps topics, messages
#            and committed consumer offsets (tests use this to simulate an outage).
#   restart  stop, then start.
#   status   exit 0 when running, 3 when stopped.
#   reset    stop and delete the data (topics, offsets, cluster id); libs stay cached.
#
# Broker 127.0.0.1:19092 (PLAINTEXT), controller 127.0.0.1:19093. Log in
# var/backends/kafka/server.log, data in var/backends/kafka/data.
# Environment: SG_KAFKA_PORT (19092), SG_KAFKA_CONTROLLER_PORT (19093),
#   SG_KAFKA_HEAP (-Xms256m -Xmx1g: every test namespace adds partitions), SG_KAFKA_START_TIMEOUT (120 s),
#   SG_MAVEN_REPO (Maven's local repository, default ~/.m2/repository), JAVA_HOME.
set -euo pipefail
SG_BACKEND_NAME=kafka
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

HOST=127.0.0.1
PORT=${SG_KAFKA_PORT:-19092}
CTL_PORT=${SG_KAFKA_CONTROLLER_PORT:-19093}
HEAP=${SG_KAFKA_HEAP:--Xms256m -Xmx1g}
START_TIMEOUT=${SG_KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${SG_KAFKA_STOP_TIMEOUT:-60}

POM=$BACKENDS_DIR/kafka/pom.xml
LOG4J_CONF=$BACKENDS_DIR/kafka/log4j2.properties
KDIR=$VAR_DIR/kafka
LIBS=$KDIR/libs
DATA=$KDIR/data
CONF=$KDIR/server.properties
PIDFILE=$KDIR/kafka.pid
LOG=$KDIR/server.log
STDOUT_LOG=$KDIR/stdout.log
CLUSTER_ID_FILE=$KDIR/cluster.id
READY_TOPIC=sg-backends-ready

kafka_version() {
    sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n 1
}


libs_installed() {
    [ -f "$LIBS/.installed" ] && [ "$(cat "$LIBS/.installed")" = "$(kafka_version)" ]
}

cmd_install() {
    local version t0
    version=$(kafka_version)
    [ -n "$version" ] || die "no <kafka.version> in $POM"
    if libs_installed; then
        say "Kafka $version libs cached in $LIBS"
        return 0
    fi
    t0=$(now_s)
    command -v mvn >/dev/null 2>&1 || apt_install maven
    ensure_java
    say "fetching org.apache.kafka:kafka_2.13:$version and dependencies from Maven Central ..."
    mkdir -p "$KDIR"
    rm -rf "$LIBS.tmp"
    local mvn_args=(-B -q --no-transfer-progress -Dstyle.color=never -f "$POM"
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp")
    [ -n "${SG_MAVEN_REPO:-}" ] && mvn_args+=(-Dmaven.repo.local="$SG_MAVEN_REPO")
    if ! mvn "${mvn_args[@]}" >"$KDIR/install.log" 2>&1; then
        show_log_tail "$KDIR/install.log"
        die "mvn dependency:copy-dependencies failed"
    fi
    [ -f "$LIBS.tmp/kafka_2.13-$version.jar" ] || die "kafka_2.13-$version.jar missing after mvn"
    printf '%s\n' "$version" >"$LIBS.tmp/.installed"
    rm -rf "$LIBS"
    mv "$LIBS.tmp" "$LIBS"
    say "installed Kafka $version ($(find "$LIBS" -name "*.jar" | wc -l) jars, $(du -sh "$LIBS" | cut -f1)) in $(elapsed "$t0")s"
}

write_config() {
    cat >"$CONF" <<P
# Written by scripts/backends/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CTL_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CTL_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=2
P
}

broker_pid() { read_pid "$PIDFILE" "$CONF"; }

# ready_check: an idempotent acks=all produce through aiokafka, retried until the
# deadline. Falls back to the broker's own "Kafka Server started" log line when no
# Python with aiokafka is at hand. $1 = deadline (epoch s), $2 = log byte offset.
ready_check() {
    local deadline=$1 log_offset=$2 py
    py=$(venv_python || true)
    if [ -n "$py" ] && "$py" -c 'import aiokafka' 2>/dev/null; then
        "$py" - "$HOST:$PORT" "$READY_TOPIC" "$deadline" <<'PY'
import asyncio, logging, sys, time
from aiokafka import AIOKafkaProducer

logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # retries are expected here

bootstrap, topic, deadline = sys.argv[1], sys.argv[2], float(sys.argv[3])

async def attempt():
    p = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                         request_timeout_ms=5000, client_id="sg-backends-ready")
    await p.start()
    try:
        await asyncio.wait_for(p.send_and_wait(topic, b"ready"), 15)
    finally:
        await p.stop()

async def main():
    last = None
    while time.time() < deadline:
        try:
            await attempt()
            return 0
        except Exception as e:  # not up yet: connection refused, no leader, ...
            last = e
            await asyncio.sleep(0.3)
    print(f"last produce error: {type(last).__name__}: {last}", file=sys.stderr)
    return 1

sys.exit(asyncio.run(main()))
PY
        return $?
    fi
    warn "no Python with aiokafka; judging readiness by the 'Kafka Server started' log line"
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if tail -c +"$((log_offset + 1))" "$LOG" 2>/dev/null | grep -q 'Kafka Server started'; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

cmd_start() {
    local t0 pid version deadline log_offset cluster_id p
    t0=$(now_s)
    mkdir -p "$KDIR"
    if pid=$(broker_pid); then
        if port_open "$HOST" "$PORT"; then
            say "already running (pid $pid) on $HOST:$PORT"
            return 0
        fi
        say "pid $pid is starting; waiting for it"
    else
        for p in "$PORT" "$CTL_PORT"; do
            port_open "$HOST" "$p" && die "port $HOST:$p is taken by another process (not our broker)"
        done
        libs_installed || cmd_install
        ensure_java
        version=$(kafka_version)
        write_config
        if [ ! -f "$DATA/meta.properties" ]; then
            if [ -s "$CLUSTER_ID_FILE" ]; then
                cluster_id=$(cat "$CLUSTER_ID_FILE")
            else
                # A Kafka cluster id is a base64url-encoded random 16-byte UUID, 22 chars.
                cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
                printf '%s\n' "$cluster_id" >"$CLUSTER_ID_FILE"
            fi
            say "formatting $DATA (cluster id $cluster_id)"
            mkdir -p "$DATA"
            if ! "$JAVA" -Xmx256m -cp "$LIBS/*" -Dlog4j2.configurationFile="$LOG4J_CONF" \
                -Dkafka.logs.dir="$KDIR" kafka.tools.StorageTool format \
                -t "$cluster_id" -c "$CONF" >"$KDIR/format.log" 2>&1; then
                show_log_tail "$KDIR/format.log"
                die "kafka.tools.StorageTool format failed"
            fi
        fi
        log_offset=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
        say "starting Kafka $version on $HOST:$PORT (controller $CTL_PORT), log $LOG"
        # setsid: its own session, so the caller's Ctrl-C or process group ending
        # does not take the broker down with it. stdout/stderr only carry JVM crashes.
        # shellcheck disable=SC2086
        setsid "$JAVA" $HEAP -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
            -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
            -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Dlog4j2.shutdownHookEnabled=false \
            -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$KDIR" \
            -cp "$LIBS/*" kafka.Kafka "$CONF" >"$STDOUT_LOG" 2>&1 </dev/null 9>&- &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi
    log_offset=${log_offset:-0}
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    # First the port, watching for an early death, then a real produce.
    while ! port_open "$HOST" "$PORT"; do
        if ! pid_alive "$pid"; then
            show_log_tail "$STDOUT_LOG" 20
            show_log_since "$LOG" "$log_offset"
            rm -f "$PIDFILE"
            die "the broker exited during start-up (full log: $LOG)"
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            show_log_since "$LOG" "$log_offset"
            stop_pid "$pid" 30
            rm -f "$PIDFILE"
            die "the broker did not open $HOST:$PORT within ${START_TIMEOUT}s; stopped it (full log: $LOG)"
        fi
        sleep 0.2
    done
    if ! ready_check "$deadline" "$log_offset"; then
        show_log_since "$LOG" "$log_offset"
        stop_pid "$pid" 30
        rm -f "$PIDFILE"
        die "the broker did not accept a produce within ${START_TIMEOUT}s; stopped it (full log: $LOG)"
    fi
    say "ready (pid $pid) on $HOST:$PORT in $(elapsed "$t0")s"
}

cmd_stop() {
    local pid t0
    t0=$(now_s)
    if ! pid=$(broker_pid); then
        rm -f "$PIDFILE"
        if port_open "$HOST" "$PORT"; then
            warn "no broker of ours running, but $HOST:$PORT is open (another process?)"
        fi
        say "not running"
        return 0
    fi
    say "stopping (pid $pid) ..."
    stop_pid "$pid" "$STOP_TIMEOUT"
    wait_port_closed "$HOST" "$PORT" 30 || die "$HOST:$PORT still open after the broker exited"
    wait_port_closed "$HOST" "$CTL_PORT" 30 || die "$HOST:$CTL_PORT still open after the broker exited"
    rm -f "$PIDFILE"
    say "stopped in $(elapsed "$t0")s (data kept in $DATA)"
}

cmd_status() {
    local pid
    if pid=$(broker_pid); then
        if port_open "$HOST" "$PORT"; then
            say "running (pid $pid) on $HOST:$PORT, Kafka $(cat "$LIBS/.installed" 2>/dev/null || echo '?')"
        else
            say "starting (pid $pid), $HOST:$PORT not open yet"
        fi
        return 0
    fi
    say "stopped"
    return 3
}

cmd_reset() {
    cmd_stop
    rm -rf "$DATA" "$CLUSTER_ID_FILE"
    say "data deleted; next start formats a new cluster"
}

mkdir -p "$KDIR"
case "${1:-}" in start | stop | restart | reset | install) take_lock "$KDIR/.lock" ;; esac
case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    *) echo "usage: $0 {install|start|stop|restart|status|reset}" >&2; exit 2 ;;
esac
