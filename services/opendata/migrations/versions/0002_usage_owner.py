"""usage rows carry the owner of their key, so a signed-in developer sees every key's calls

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.String(length=64), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_usage_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_owner_id"))
        batch_op.drop_column("owner_id")
