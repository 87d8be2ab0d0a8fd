#!/usr/bin/env bash
# Stop the real backends started by scripts/backends/up.sh (in parallel).
# Data stays in var/backends/ (and the Kafka jars in var/backends/kafka/libs, the
# Elasticsearch download in var/backends/elasticsearch); delete
# var/backends/{pg,kafka/data,s3,elasticsearch/node/data} for a clean slate.
set -euo pipefail
SG_BACKEND_NAME=down
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

names=(postgres kafka s3 elasticsearch)
declare -A pids=()
for n in "${names[@]}"; do
    "$BACKENDS_DIR/$n.sh" stop &
    pids[$n]=$!
done
failed=()
for n in "${names[@]}"; do
    wait "${pids[$n]}" || failed+=("$n")
done
[ "${#failed[@]}" -eq 0 ] || die "failed to stop: ${failed[*]}"
rm -f "$VAR_DIR/env"
say "all stopped"
