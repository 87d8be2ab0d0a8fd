"""every site names its language (the group runs foreign-language sites); zh-CN for the sites there were

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("lang", sa.String(length=16), nullable=False, server_default="zh-CN"))


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("lang")
