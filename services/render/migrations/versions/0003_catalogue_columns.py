"""page entries carry what the 信息公开目录 shows and filters on (索引号, 文号, 发布机构, 成文日期) and the cover
thumbnail lists show; filled from the documents' last snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (  # name, type: all nullable (filled by the backfill below, then by every event)
    ("index_number", sa.String(length=60)),
    ("document_number", sa.String(length=60)),
    ("issuing_body", sa.String(length=100)),
    ("written_on", sa.Date()),
    ("cover_path", sa.String(length=300)),
)


def upgrade() -> None:
    with op.batch_alter_table("page_entries") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    conn = op.get_bind()
    views = conn.execute(sa.text("SELECT id, snapshot FROM document_views")).all()
    for doc_id, snapshot in views:
        snapshot = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
        conn.execute(
            sa.text(
                "UPDATE page_entries SET index_number = :i, document_number = :n, issuing_body = :b, written_on = :w,"
                " cover_path = :c WHERE document_id = :d"
            ),
            _backfill(doc_id, snapshot),
        )


def _backfill(doc_id: int, snapshot: dict) -> dict:
    disclosure = snapshot.get("disclosure") or {}
    cover = snapshot.get("cover") or {}
    thumb = (cover.get("renditions") or {}).get("w320")
    return {
        "d": doc_id,
        "i": disclosure.get("index_number") or None,
        "n": disclosure.get("document_number"),
        "b": disclosure.get("issuing_body"),
        "w": date.fromisoformat(disclosure["written_on"]) if disclosure.get("written_on") else None,
        "c": f"/files/{cover['public_id']}/r/{thumb.rsplit('/', 1)[-1]}" if thumb and cover.get("public_id") else None,
    }


def downgrade() -> None:
    with op.batch_alter_table("page_entries") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
