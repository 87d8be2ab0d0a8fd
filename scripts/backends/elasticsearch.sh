#!/usr/bin/env bash
# A real Elasticsearch node (single-node cluster, security off) on loopback, for the
# real-backend tests.
#
#   scripts/backends/elasticsearch.sh install|start|stop|restart|status|reset
#
#   install  fetch org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip
#            from Maven Central into var/backends/elasticsearch/ and unpack it (skipped
#            when cached). It is the real server with the transport and x-pack modules,
#            without a bundled JDK: it runs on the system's Java 17+.
#   start    install if needed, write the node's config, start the node and wait until
#            /_cluster/health reports all primaries assigned. No-op when running.
#   stop     stop the node (SIGTERM by its pid) and wait until its ports are closed.
#            Keeps the data: stop + start keeps indices and documents.
#   restart  stop, then start.
#   status   exit 0 when running, 3 when stopped.
#   reset    stop and delete the data (indices, cluster state); the download stays cached.
#
# HTTP http://127.0.0.1:19250, transport 127.0.0.1:19350, cluster `sitegroup-test`,
# no TLS, no users (xpack.security.enabled: false).
# Elasticsearch refuses to run as root: when this script runs as root, the node runs as
# the system user `sgsearch` (created here), and its node dir (config, data, logs, tmp)
# belongs to that user. Run as anyone else, the node runs as that user.
# Nothing phones home: machine learning, APM telemetry and the GeoIP database downloader
# are switched off where the distribution has them (a setting it does not know stops the
# node, so each is written only when its module is there), and the node binds 127.0.0.1.
# Readiness is "yellow or better": a fresh node is green, but an index kept from an
# earlier run with number_of_replicas >= 1 stays yellow on one node (create test indices
# with number_of_replicas: 0).
# Layout under var/backends/elasticsearch/: elasticsearch-$ES_VERSION.zip (the cached
# download), elasticsearch-$ES_VERSION/ (unpacked, read-only), node/ (config, data,
# logs, tmp, the pid file; owned by the node's user). Log in node/logs/sitegroup-test.log.
# When the node's user cannot reach the checkout (e.g. it sits under a 0700 /root), the
# unpacked distribution and node/ go to a per-checkout dir in /tmp instead.
# Environment: SG_ES_PORT (19250), SG_ES_TRANSPORT_PORT (19350), SG_ES_HEAP (512m; -Xms = -Xmx),
#   SG_ES_START_TIMEOUT (120 s), SG_ES_STOP_TIMEOUT (60 s), SG_ES_USER (sgsearch; only used as root),
#   SG_ES_JAVA_OPTS (extra JVM options, passed as ES_JAVA_OPTS; a caller's ES_JAVA_OPTS is ignored),
#   SG_ES_DIR (where the unpacked distribution and node/ live), SG_MAVEN_REPO (Maven's
#   local repository, default ~/.m2/repository), JAVA_HOME.
set -euo pipefail
SG_BACKEND_NAME=elasticsearch
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ES_VERSION=8.19.21
ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip
HOST=127.0.0.1
PORT=${SG_ES_PORT:-19250}
TRANSPORT_PORT=${SG_ES_TRANSPORT_PORT:-19350}
HEAP=${SG_ES_HEAP:-512m}
START_TIMEOUT=${SG_ES_START_TIMEOUT:-120}
STOP_TIMEOUT=${SG_ES_STOP_TIMEOUT:-60}
ES_USER=${SG_ES_USER:-sgsearch}
CLUSTER=sitegroup-test
ES_DIR=""                                  # set by resolve_dirs

CACHE=$VAR_DIR/elasticsearch               # always in the checkout: the download, the logs of this script
ZIP=$CACHE/elasticsearch-$ES_VERSION.zip
INSTALL_LOG=$CACHE/install.log
START_LOG=$CACHE/start.log                 # what `bin/elasticsearch -d` prints (errors before logging is up)

ensure_user() {
    [ "$(id -u)" = 0 ] || return 0
    id "$ES_USER" >/dev/null 2>&1 && return 0
    say "creating system user $ES_USER (Elasticsearch refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$ES_USER" \
        || die "useradd $ES_USER failed"
}

# resolve_dirs: ES_DIR (unpacked distribution + node dir), ES_HOME, NODE and the paths in
# it. As root, the node's user must reach ES_DIR; when it cannot, use a per-checkout dir
# in /tmp (as postgres.sh does). SG_ES_DIR overrides.
resolve_dirs() {
    [ -n "$ES_DIR" ] && return 0   # once per run
    ES_DIR=${SG_ES_DIR:-$CACHE}
    if [ "$(id -u)" = 0 ] && [ -z "${SG_ES_DIR:-}" ] && id "$ES_USER" >/dev/null 2>&1; then
        if ! runuser -u "$ES_USER" -- test -x "$CACHE" 2>/dev/null; then
            ES_DIR=/tmp/sitegroup-backends-es-$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)
            say "note: user $ES_USER cannot reach $CACHE; using $ES_DIR"
        fi
    fi
    ES_HOME=$ES_DIR/elasticsearch-$ES_VERSION
    NODE=$ES_DIR/node
    CONF_DIR=$NODE/config
    DATA=$NODE/data
    LOGS=$NODE/logs
    TMP=$NODE/tmp
    PIDFILE=$NODE/elasticsearch.pid
    LOG=$LOGS/$CLUSTER.log
}

# ensure_es_java: JAVA (a java 17+) and ES_JAVA_HOME (its home, for bin/elasticsearch).
ensure_es_java() {
    ensure_java
    ES_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
}

zip_cached() { [ -s "$ZIP" ] && [ -f "$ZIP.sha1" ] && [ "$(cat "$ZIP.sha1")" = "$(sha1sum "$ZIP" | cut -d' ' -f1)" ]; }
dist_installed() { [ -f "$ES_HOME/.installed" ] && [ "$(cat "$ES_HOME/.installed")" = "$ES_VERSION" ]; }

cmd_install() {
    local t0 t1 dl_s
    resolve_dirs
    if dist_installed; then
        say "Elasticsearch $ES_VERSION cached in $ES_HOME"
        return 0
    fi
    t0=$(now_s)
    mkdir -p "$CACHE"
    if zip_cached; then
        say "Elasticsearch $ES_VERSION download cached in $ZIP"
        dl_s=0.0
    else
        command -v mvn >/dev/null 2>&1 || apt_install maven
        ensure_es_java
        say "fetching $ARTIFACT from Maven Central ..."
        rm -rf "$CACHE/dl.tmp"
        local mvn_args=(-B -q --no-transfer-progress -Dstyle.color=never
            org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy
            -Dartifact="$ARTIFACT" -DoutputDirectory="$CACHE/dl.tmp")
        [ -n "${SG_MAVEN_REPO:-}" ] && mvn_args+=(-Dmaven.repo.local="$SG_MAVEN_REPO")
        # Run from the cache dir: mvn must not pick up a pom.xml from the caller's cwd.
        if ! (cd "$CACHE" && mvn "${mvn_args[@]}") >"$INSTALL_LOG" 2>&1; then
            show_log_tail "$INSTALL_LOG"
            die "mvn dependency:copy of $ARTIFACT failed"
        fi
        [ -s "$CACHE/dl.tmp/elasticsearch-$ES_VERSION.zip" ] || die "elasticsearch-$ES_VERSION.zip missing after mvn"
        mv "$CACHE/dl.tmp/elasticsearch-$ES_VERSION.zip" "$ZIP"
        rmdir "$CACHE/dl.tmp"
        sha1sum "$ZIP" | cut -d' ' -f1 >"$ZIP.sha1"
        dl_s=$(elapsed "$t0")
    fi
    command -v unzip >/dev/null 2>&1 || apt_install unzip
    t1=$(now_s)
    mkdir -p "$ES_DIR"
    rm -rf "$ES_HOME" "$ES_DIR/unzip.tmp"
    unzip -q "$ZIP" -d "$ES_DIR/unzip.tmp" || die "unzip $ZIP failed"
    [ -x "$ES_DIR/unzip.tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ] \
        || die "no elasticsearch-$ES_VERSION/bin/elasticsearch in $ZIP"
    mv "$ES_DIR/unzip.tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rmdir "$ES_DIR/unzip.tmp"
    # Read-only for the node's user; its writable files live in node/.
    chmod -R a+rX "$ES_HOME"
    printf '%s\n' "$ES_VERSION" >"$ES_HOME/.installed"
    say "installed Elasticsearch $ES_VERSION ($(find "$ES_HOME/modules" -mindepth 1 -maxdepth 1 -type d | wc -l) modules, $(du -sh "$ES_HOME" | cut -f1)) in $(elapsed "$t0")s (download ${dl_s}s, unzip $(elapsed "$t1")s)"
}

has_module() { [ -d "$ES_HOME/modules/$1" ]; }

# write_config: node/config from the distribution's config dir (jvm.options,
# log4j2.properties, ...), with our elasticsearch.yml and heap.
write_config() {
    mkdir -p "$CONF_DIR/jvm.options.d" "$DATA" "$LOGS" "$TMP"
    local f
    for f in "$ES_HOME"/config/*; do
        [ -f "$f" ] || continue
        case "$(basename "$f")" in elasticsearch.yml | elasticsearch.keystore) continue ;; esac
        cp "$f" "$CONF_DIR/"
    done
    {
        cat <<Y
# Written by scripts/backends/elasticsearch.sh on every start; edit the script, not this file.
cluster.name: $CLUSTER
node.name: sg-es-1
path.data: $DATA
path.logs: $LOGS
network.host: $HOST
http.port: $PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
# Tests fill the disk of a developer's machine as it is: no read-only indices at 95%.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests may delete their indices by wildcard (DELETE /sg-test-*).
action.destructive_requires_name: false
Y
        # Nothing that phones home. Only settings the distribution knows: an unknown
        # setting stops the node (8.19.21 integ-test-zip: modules apm, transport-netty4,
        # x-pack-core, x-pack-security; it rejects ingest.geoip.downloader.enabled).
        if has_module x-pack-core; then
            printf '%s\n' "# No machine learning (no model downloads; the ml node role goes too)." \
                "xpack.ml.enabled: false"
        fi
        if has_module apm; then
            printf '%s\n' "# No APM metrics or traces sent anywhere (the default; said explicitly)." \
                "telemetry.metrics.enabled: false" "telemetry.tracing.enabled: false"
        fi
        if has_module ingest-geoip; then
            printf '%s\n' "# No GeoIP database downloads." "ingest.geoip.downloader.enabled: false"
        fi
    } >"$CONF_DIR/elasticsearch.yml"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$CONF_DIR/jvm.options.d/heap.options"
    if [ "$(id -u)" = 0 ]; then
        chown -R "$ES_USER:$ES_USER" "$NODE"
    fi
}

# node_pid: the pid in the pid file, when that process is our node (its command line
# names our ES_HOME).
node_pid() { read_pid "$PIDFILE" "$ES_HOME"; }

# health [WAIT_PARAMS]: the body of /_cluster/health (empty when it does not answer).
health() {
    curl -s -m 5 "http://$HOST:$PORT/_cluster/health${1:+?$1}" 2>/dev/null || true
}

# ready: the node answers and all primaries are assigned (yellow or green).
ready() {
    health 'wait_for_status=yellow&timeout=1s' | grep -q '"status":"\(yellow\|green\)"'
}

cmd_start() {
    local t0 pid deadline p log_offset=0 rc
    t0=$(now_s)
    command -v curl >/dev/null 2>&1 || apt_install curl
    ensure_user
    mkdir -p "$CACHE"
    resolve_dirs
    if pid=$(node_pid); then
        if ready; then
            say "already running (pid $pid) on http://$HOST:$PORT"
            return 0
        fi
        say "pid $pid is starting; waiting for it"
    else
        for p in "$PORT" "$TRANSPORT_PORT"; do
            port_open "$HOST" "$p" && die "port $HOST:$p is taken by another process (not our node)"
        done
        dist_installed || cmd_install
        ensure_es_java
        write_config
        log_offset=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
        rm -f "$PIDFILE"
        say "starting Elasticsearch $ES_VERSION on http://$HOST:$PORT (transport $TRANSPORT_PORT, heap $HEAP$([ "$(id -u)" = 0 ] && echo ", user $ES_USER")), log $LOG"
        # -d: the launcher returns once the node has started (or failed) and leaves it
        # running in the background, with its pid in PIDFILE. setsid: its own session, so
        # the caller's Ctrl-C or process group ending does not take the node down with it.
        # As root it runs as $ES_USER (runuser), from / (which that user can read).
        # timeout: a launcher that hangs is killed with its process group (the node too).
        local as_user=()
        [ "$(id -u)" = 0 ] && as_user=(runuser -u "$ES_USER" --)
        rc=0
        (cd / && setsid -w "${as_user[@]}" timeout "$START_TIMEOUT" env ES_PATH_CONF="$CONF_DIR" \
            ES_TMPDIR="$TMP" ES_JAVA_HOME="$ES_JAVA_HOME" ES_JAVA_OPTS="${SG_ES_JAVA_OPTS:-}" \
            "$ES_HOME/bin/elasticsearch" -d -p "$PIDFILE" \
            >"$START_LOG" 2>&1 </dev/null 9>&-) || rc=$?
        if [ "$rc" != 0 ]; then
            show_log_tail "$START_LOG" 30
            show_log_since "$LOG" "$log_offset"
            if pid=$(node_pid); then stop_pid "$pid" 30; fi
            rm -f "$PIDFILE"
            [ "$rc" = 124 ] && die "bin/elasticsearch -d did not return within ${START_TIMEOUT}s; stopped it (full log: $LOG)"
            die "bin/elasticsearch -d exited $rc (full log: $LOG)"
        fi
        pid=$(node_pid) || {
            show_log_tail "$START_LOG" 30
            show_log_since "$LOG" "$log_offset"
            die "bin/elasticsearch -d returned but no node is running (full log: $LOG)"
        }
    fi
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    until ready; do
        if ! pid_alive "$pid"; then
            show_log_since "$LOG" "$log_offset"
            rm -f "$PIDFILE"
            die "the node exited during start-up (full log: $LOG)"
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            show_log_since "$LOG" "$log_offset"
            stop_pid "$pid" 30
            rm -f "$PIDFILE"
            die "the node was not yellow or green within ${START_TIMEOUT}s; stopped it (full log: $LOG)"
        fi
        sleep 0.2
    done
    say "ready (pid $pid, $(health | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')) on http://$HOST:$PORT in $(elapsed "$t0")s"
}

cmd_stop() {
    local pid t0
    t0=$(now_s)
    resolve_dirs
    if ! pid=$(node_pid); then
        rm -f "$PIDFILE" 2>/dev/null || true
        if port_open "$HOST" "$PORT"; then
            warn "no node of ours running, but $HOST:$PORT is open (another process?)"
        fi
        say "not running"
        return 0
    fi
    say "stopping (pid $pid) ..."
    stop_pid "$pid" "$STOP_TIMEOUT"
    wait_port_closed "$HOST" "$PORT" 30 || die "$HOST:$PORT still open after the node exited"
    wait_port_closed "$HOST" "$TRANSPORT_PORT" 30 || die "$HOST:$TRANSPORT_PORT still open after the node exited"
    rm -f "$PIDFILE" 2>/dev/null || true
    say "stopped in $(elapsed "$t0")s (data kept in $DATA)"
}

cmd_status() {
    local pid
    resolve_dirs
    if pid=$(node_pid); then
        if port_open "$HOST" "$PORT"; then
            say "running (pid $pid) on http://$HOST:$PORT, Elasticsearch $ES_VERSION, $(health | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')"
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
    rm -rf "$DATA"
    say "data deleted; next start begins an empty cluster"
}

mkdir -p "$CACHE"
case "${1:-}" in start | stop | restart | reset | install) take_lock "$CACHE/.lock" ;; esac
case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    *) echo "usage: $0 {install|start|stop|restart|status|reset}" >&2; exit 2 ;;
esac
