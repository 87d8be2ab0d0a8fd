#!/usr/bin/env bash
# Start the real backends for the tests -- PostgreSQL, Kafka, S3, Elasticsearch -- in parallel,
# then write var/backends/env (source it) and print it.
#
#   scripts/backends/up.sh            # then: . var/backends/env
#
# Each start is idempotent, so rerunning is cheap. Stop them with scripts/backends/down.sh.
set -euo pipefail
SG_BACKEND_NAME=up
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

mkdir -p "$VAR_DIR"
t0=$(now_s)
names=(postgres kafka s3 elasticsearch)
declare -A pids=()
for n in "${names[@]}"; do
    (
        s=$(now_s)
        rc=0
        "$BACKENDS_DIR/$n.sh" start || rc=$?
        printf '%s %s %s\n' "$n" "$rc" "$(elapsed "$s")" >"$VAR_DIR/.up.$n"
        exit "$rc"
    ) &
    pids[$n]=$!
done

failed=()
for n in "${names[@]}"; do
    wait "${pids[$n]}" || failed+=("$n")
done

# var/backends/start-times: "name exit-code seconds" per backend (check.py prints it).
: >"$VAR_DIR/start-times"
say "start times (s):"
for n in "${names[@]}"; do
    if [ -f "$VAR_DIR/.up.$n" ]; then
        read -r _ rc secs <"$VAR_DIR/.up.$n"
        printf '  %-13s %6s  %s\n' "$n" "$secs" "$([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc)")"
        cat "$VAR_DIR/.up.$n" >>"$VAR_DIR/start-times"
        rm -f "$VAR_DIR/.up.$n"
    fi
done
printf '  %-13s %6s\n' total "$(elapsed "$t0")"
printf 'total 0 %s\n' "$(elapsed "$t0")" >>"$VAR_DIR/start-times"

if [ "${#failed[@]}" -gt 0 ]; then
    die "failed to start: ${failed[*]} (see the messages above; scripts/backends/down.sh stops the rest)"
fi

ENV_FILE=$VAR_DIR/env
cat >"$ENV_FILE" <<E
export SG_TEST_DATABASE_URL='postgresql+asyncpg://postgres@127.0.0.1:${SG_PG_PORT:-55432}/postgres'
export SG_TEST_BUS_URL='kafka://127.0.0.1:${SG_KAFKA_PORT:-19092}'
export SG_TEST_BLOB_URL='s3://${SG_S3_ACCESS_KEY:-minioadmin}:${SG_S3_SECRET_KEY:-minioadmin}@127.0.0.1:${SG_S3_PORT:-18333}/sitegroup-test?secure=false'
export SG_TEST_KAFKA_CTL='$BACKENDS_DIR/kafka.sh'
export SG_TEST_SEARCH_URL='http://127.0.0.1:${SG_ES_PORT:-19250}'
E
say "wrote $ENV_FILE (source it: . $ENV_FILE)"
cat "$ENV_FILE"
