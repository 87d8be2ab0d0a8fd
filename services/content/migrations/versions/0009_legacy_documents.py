"""documents migrated from a legacy site remember where they lived (path[?query]) and what the migration last
brought, so a re-run of the job updates them instead of adding copies

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("legacy_key", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("legacy_fingerprint", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_documents_site_legacy_key", ["site_id", "legacy_key"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("uq_documents_site_legacy_key", type_="unique")
        batch.drop_column("legacy_fingerprint")
        batch.drop_column("legacy_key")
