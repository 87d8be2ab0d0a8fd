#!/usr/bin/env bash
# Throwaway PostgreSQL cluster on 127.0.0.1:55432 for the real-backend tests.
#
#   scripts/backends/postgres.sh start|stop|status
#
# Trust auth (user postgres, no password), UTF8, C.UTF-8 locale, fsync=off,
# max_connections=200. Data in var/backends/pg/data, log in var/backends/pg/server.log.
# Installs the Debian `postgresql` package when no initdb is found.
# Environment: SG_PG_PORT (55432), SG_PG_DIR (var/backends/pg; a dir in /tmp is used
#   instead when the postgres user cannot reach the checkout).
set -euo pipefail
SG_BACKEND_NAME=postgres
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

PORT=${SG_PG_PORT:-55432}
HOST=127.0.0.1

# resolve_dirs: PG_DIR, PGDATA, LOG. The server runs as the postgres user, which must
# reach PG_DIR; when the checkout sits where it cannot (e.g. under a 0700 /root), use a
# per-checkout dir in /tmp instead. SG_PG_DIR overrides.
resolve_dirs() {
    PG_DIR=${SG_PG_DIR:-$VAR_DIR/pg}
    if [ "$(id -u)" = 0 ] && [ -z "${SG_PG_DIR:-}" ] && id postgres >/dev/null 2>&1; then
        mkdir -p "$PG_DIR"
        chown postgres:postgres "$PG_DIR"
        if ! runuser -u postgres -- test -w "$PG_DIR" 2>/dev/null; then
            PG_DIR=/tmp/sitegroup-backends-pg-$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)
            say "note: user postgres cannot reach $VAR_DIR/pg; using $PG_DIR"
        fi
    fi
    PGDATA=$PG_DIR/data
    LOG=$PG_DIR/server.log
}

find_pgbin() {
    local d best=""
    # Prefer 15 (what the project targets), else the newest installed.
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
        return 0
    fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && best=$d
    done
    [ -n "$best" ] && printf '%s\n' "$best"
}

ensure_installed() {
    PGBIN=$(find_pgbin || true)
    if [ -z "$PGBIN" ]; then
        apt_install postgresql
        PGBIN=$(find_pgbin || true)
        [ -n "$PGBIN" ] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb found"
    fi
}

# as_pg CMD...: run as the postgres user when we are root (the server refuses root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

is_running() {
    [ -f "$PGDATA/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

cmd_start() {
    local t0
    t0=$(now_s)
    ensure_installed
    resolve_dirs
    if is_running; then
        say "already running on $HOST:$PORT (data $PGDATA)"
        return 0
    fi
    if port_open "$HOST" "$PORT"; then
        die "port $HOST:$PORT is taken by another process (not our cluster in $PGDATA)"
    fi
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "no postgres user (the postgresql package creates it)"
        chown postgres:postgres "$PG_DIR"
    fi
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        rm -rf "$PGDATA"
        say "initdb $PGDATA ($("$PGBIN/postgres" --version))"
        as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 -N >"$PG_DIR/initdb.log" 2>&1 \
            || { show_log_tail "$PG_DIR/initdb.log"; die "initdb failed"; }
    fi
    # Unix socket in the data dir if the path fits (108-byte limit), else none.
    local sockdir=$PGDATA
    [ "${#sockdir}" -gt 90 ] && sockdir=""
    say "starting on $HOST:$PORT"
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 -o "\
-c port=$PORT -c listen_addresses=$HOST -c unix_socket_directories='$sockdir' \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=200" start >/dev/null; then
        show_log_tail "$LOG"
        die "pg_ctl start failed"
    fi
    "$PGBIN/pg_isready" -q -h "$HOST" -p "$PORT" -t 10 \
        || { show_log_tail "$LOG"; die "server started but pg_isready fails"; }
    say "ready on $HOST:$PORT in $(elapsed "$t0")s (postgresql://postgres@$HOST:$PORT/postgres)"
}

cmd_stop() {
    resolve_dirs
    PGBIN=$(find_pgbin || true)
    if [ -z "$PGBIN" ] || ! is_running; then
        say "not running"
        return 0
    fi
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null \
        || { show_log_tail "$LOG"; die "pg_ctl stop failed"; }
    wait_port_closed "$HOST" "$PORT" 30 || die "stopped, but $HOST:$PORT still open"
    say "stopped"
}

cmd_status() {
    resolve_dirs
    PGBIN=$(find_pgbin || true)
    if [ -n "$PGBIN" ] && is_running; then
        say "running on $HOST:$PORT (pid $(head -n 1 "$PGDATA/postmaster.pid"), data $PGDATA)"
        return 0
    fi
    say "stopped"
    return 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
