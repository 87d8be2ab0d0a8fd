"""a 修改/废止/失效 mark carries its note and the document that replaces it

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("validity_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("replaced_by_id", BIG_ID, nullable=True))
        batch.create_foreign_key(
            "fk_documents_replaced_by_id_documents", "documents", ["replaced_by_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("fk_documents_replaced_by_id_documents", type_="foreignkey")
        batch.drop_column("replaced_by_id")
        batch.drop_column("validity_note")
