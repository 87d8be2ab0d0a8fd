"""the identity provider emits and consumes no events: its outbox and inbox tables go

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 11:30:00
"""

from __future__ import annotations

from alembic import op

from shared.messaging.tables import create_inbox_table, create_outbox_table, drop_outbox_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_outbox_table(op)
    op.drop_table("inbox")


def downgrade() -> None:
    create_inbox_table(op)
    create_outbox_table(op)
