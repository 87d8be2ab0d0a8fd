"""document views spell their state as the content contract's PublicState ('redirect' was 'redirected' there)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 10:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE document_views SET state = 'redirected' WHERE state = 'redirect'")


def downgrade() -> None:
    op.execute("UPDATE document_views SET state = 'redirect' WHERE state = 'redirected'")
