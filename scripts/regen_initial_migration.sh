#!/usr/bin/env bash
# Regenerate a service's 0001 migration from its models (only while nothing has been deployed).
set -euo pipefail
service=${1:?service}
cd "$(dirname "$0")/.."
dir=services/$service/migrations/versions
keep=$(mktemp -d)
mv "$dir"/0002_* "$keep"/ 2>/dev/null || true
rm -f "$dir"/0001_*.py
db=$(mktemp -u --suffix .db)
.venv/bin/python - "$service" "$db" <<'PY'
import asyncio, importlib, sys
from shared.db.migrate import autogenerate_revision
main = importlib.import_module(f"services.{sys.argv[1]}.main")
asyncio.run(autogenerate_revision(f"sqlite+aiosqlite:///{sys.argv[2]}", main.SCHEMA.script_location, main.SCHEMA.version_table, "initial schema"))
PY
f=$(ls "$dir"/*_initial_schema.py)
sed -i "s/^revision = '[0-9a-f]*'/revision = '0001'/; s/^Revision ID: [0-9a-f]*/Revision ID: 0001/; s/astext_type=Text()/astext_type=sa.Text()/g; s/shared.db.types.UtcDateTime(timezone=True)/sa.DateTime(timezone=True)/g; /### commands auto generated/d; /### end Alembic commands/d" "$f"
mv "$f" "$dir/0001_initial_schema.py"
mv "$keep"/* "$dir"/ 2>/dev/null || true
rm -f "$db"
echo "regenerated $dir/0001_initial_schema.py"
