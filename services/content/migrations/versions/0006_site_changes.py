"""a closed site names where its visitors go (successor_id); requests to open, close and merge sites, and who
decided them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("successor_id", sa.String(length=40), nullable=True))
        batch.create_foreign_key("fk_sites_successor_id_sites", "sites", ["successor_id"], ["id"])
    op.create_table(
        "site_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("successor_id", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_site_changes"),
    )
    op.create_index("ix_site_changes_site_id", "site_changes", ["site_id"])


def downgrade() -> None:
    op.drop_index("ix_site_changes_site_id", table_name="site_changes")
    op.drop_table("site_changes")
    with op.batch_alter_table("sites") as batch:
        batch.drop_constraint("fk_sites_successor_id_sites", type_="foreignkey")
        batch.drop_column("successor_id")
