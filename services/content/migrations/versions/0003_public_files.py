"""public files: every attachment gets a random public id, and live_files says which files the live revision of
each document shows (the public may fetch those, and only those); the never-reset `public` flag goes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 11:00:00
"""

from __future__ import annotations

import json
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
    conn = op.get_bind()
    for (attachment_id,) in conn.execute(sa.text("SELECT id FROM attachments")).all():
        conn.execute(
            sa.text("UPDATE attachments SET public_id = :p WHERE id = :i"),
            {"p": secrets.token_urlsafe(16), "i": attachment_id},
        )
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("public_id", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint("uq_attachments_public_id", ["public_id"])
        batch.drop_column("public")
    op.create_table(
        "live_files",
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("attachment_id", BIG_ID, nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_live_files_document_id_documents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"], name="fk_live_files_attachment_id_attachments"),
        sa.PrimaryKeyConstraint("document_id", "attachment_id", name="pk_live_files"),
    )
    op.create_index("ix_live_files_attachment_id", "live_files", ["attachment_id"])
    op.create_index("ix_live_files_site_id", "live_files", ["site_id"])
    _fill_live_files(conn)


def _fill_live_files(conn: sa.Connection) -> None:
    """The files of every live document's live revision, as publication would have written them."""
    live = conn.execute(
        sa.text(
            "SELECT d.id, d.site_id, r.content FROM documents d JOIN document_revisions r"
            " ON r.document_id = d.id AND r.number = d.live_revision WHERE d.public_state = 'live'"
        )
    ).all()
    for doc_id, site_id, content in live:
        content = json.loads(content) if isinstance(content, str) else content
        files = {i for i in [content.get("cover_id"), *(content.get("attachment_ids") or [])] if i}
        for attachment_id in sorted(files):
            conn.execute(
                sa.text("INSERT INTO live_files (document_id, attachment_id, site_id) VALUES (:d, :a, :s)"),
                {"d": doc_id, "a": attachment_id, "s": site_id},
            )


def downgrade() -> None:
    op.drop_index("ix_live_files_site_id", table_name="live_files")
    op.drop_index("ix_live_files_attachment_id", table_name="live_files")
    op.drop_table("live_files")
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.drop_constraint("uq_attachments_public_id", type_="unique")
        batch.drop_column("public_id")
