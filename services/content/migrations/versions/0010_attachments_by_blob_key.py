"""a site's attachments found by their blob key: an import asks whether each legacy file it brings is already an
attachment (one per content), and without this index SQLite read every attachment of the site for each batch
(8.5 ms at 10,000 files, growing with the site)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attachments_site_blob_key", "attachments", ["site_id", "blob_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_attachments_site_blob_key", table_name="attachments")
