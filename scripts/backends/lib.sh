# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables here are used by the scripts that source this
# Shared helpers for scripts/backends/*.sh. Sourced, never run.
# Everything the backends write lives under var/backends/ (git-ignored).

BACKENDS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BACKENDS_DIR/../.." && pwd)
VAR_DIR=${SG_BACKENDS_VAR:-$REPO_ROOT/var/backends}

_tag() { printf '%s' "${SG_BACKEND_NAME:-backends}"; }
say() { printf '[%s] %s\n' "$(_tag)" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$(_tag)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(_tag)" "$*" >&2; exit 1; }

# now_s: seconds since the epoch with milliseconds (for timings).
now_s() { date +%s.%3N; }
# elapsed START: seconds since START (as printed by now_s), one decimal.
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_port_closed HOST PORT TIMEOUT_S
wait_port_closed() {
    local host=$1 port=$2 timeout=$3 i=0
    while port_open "$host" "$port"; do
        i=$((i + 1))
        [ "$i" -ge $((timeout * 10)) ] && return 1
        sleep 0.1
    done
    return 0
}

# pid_alive PID: the process exists (and is not a zombie).
pid_alive() {
    local pid=$1 state
    [ -n "$pid" ] || return 1
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || true)
    [ -n "$state" ] && [ "$state" != Z ]
}

# pid_cmdline_has PID TEXT: the process's command line contains TEXT.
pid_cmdline_has() {
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# read_pid FILE MARKER: print the pid stored in FILE when that process is alive
# and its command line contains MARKER (guards against recycled pids).
read_pid() {
    local file=$1 marker=$2 pid
    [ -f "$file" ] || return 1
    pid=$(cat "$file" 2>/dev/null || true)
    if pid_alive "$pid" && pid_cmdline_has "$pid" "$marker"; then
        printf '%s\n' "$pid"
        return 0
    fi
    return 1
}

# stop_pid PID TIMEOUT_S: SIGTERM, wait, then SIGKILL if it is still there.
stop_pid() {
    local pid=$1 timeout=$2 i=0
    kill -TERM "$pid" 2>/dev/null || return 0
    while pid_alive "$pid"; do
        i=$((i + 1))
        if [ "$i" -ge $((timeout * 10)) ]; then
            warn "pid $pid did not exit within ${timeout}s after SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.1
    done
}

# show_log_tail FILE [N]: print the last N lines of a log to stderr.
show_log_tail() {
    local file=$1 n=${2:-40}
    if [ -f "$file" ]; then
        printf -- '----- last %s lines of %s -----\n' "$n" "$file" >&2
        tail -n "$n" "$file" >&2
        printf -- '----- end of %s -----\n' "$file" >&2
    else
        printf '(no log file at %s)\n' "$file" >&2
    fi
}

# show_log_since FILE OFFSET [N]: like show_log_tail, but only what was written to FILE
# after byte OFFSET (so an earlier run's lines do not mislead).
show_log_since() {
    local file=$1 offset=$2 n=${3:-40}
    if [ -f "$file" ] && [ "$(stat -c %s "$file")" -gt "$offset" ]; then
        printf -- '----- last %s lines of %s (this start) -----\n' "$n" "$file" >&2
        tail -c +"$((offset + 1))" "$file" | tail -n "$n" >&2
        printf -- '----- end of %s -----\n' "$file" >&2
    else
        printf '(nothing written to %s by this start)\n' "$file" >&2
    fi
}

# apt_install PKG...: install Debian packages (needs root), non-interactively.
apt_install() {
    [ "$(id -u)" = 0 ] || die "need root to apt-get install $*; install them and rerun"
    command -v apt-get >/dev/null 2>&1 || die "no apt-get here; install $* by hand"
    say "apt-get install $* ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# venv_python: the project's Python (the venv's, else python3 on PATH).
venv_python() {
    if [ -n "${SG_PYTHON:-}" ] && [ -x "$SG_PYTHON" ]; then
        printf '%s\n' "$SG_PYTHON"
    elif [ -x "$REPO_ROOT/.venv/bin/python" ]; then
        printf '%s\n' "$REPO_ROOT/.venv/bin/python"
    elif command -v python3 >/dev/null 2>&1; then
        command -v python3
    else
        return 1
    fi
}

# take_lock FILE: serialize start/stop of one backend across concurrent callers
# (fd 9; children that outlive the script must be started with 9>&-).
take_lock() {
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$1"
        flock -w 300 9 || die "could not lock $1 within 300s"
    fi
}

# find_java: print a java 17+ (JAVA_HOME's, else the PATH's); fail when there is none.
find_java() {
    local j major
    for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null || true)"; do
        if [ -z "$j" ] || [ ! -x "$j" ]; then continue; fi
        major=$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
        if [ -n "$major" ] && [ "$major" -ge 17 ]; then
            printf '%s\n' "$j"
            return 0
        fi
    done
    return 1
}

# ensure_java: JAVA, a java 17+, installed with apt when there is none (Kafka and Elasticsearch run on it).
ensure_java() {
    JAVA=$(find_java || true)
    if [ -z "$JAVA" ]; then
        apt_install openjdk-17-jre-headless
        JAVA=$(find_java || true)
        [ -n "$JAVA" ] || die "no Java 17+ found (set JAVA_HOME)"
    fi
}
