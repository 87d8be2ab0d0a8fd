"""document views spell their state as the content contract's PublicState ('redirect' is 'redirected' there);
the renderer emits no events, so its outbox table goes (it keeps the inbox of its consumers)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 10:40:00
"""

from __future__ import annotations

from alembic import op

from shared.messaging.tables import create_outbox_table, drop_outbox_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE document_views SET state = 'redirected' WHERE state = 'redirect'")
    drop_outbox_table(op)


def downgrade() -> None:
    create_outbox_table(op)
    op.execute("UPDATE document_views SET state = 'redirect' WHERE state = 'redirected'")
