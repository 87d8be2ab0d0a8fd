"""the outbox's published rows by when they were published: the relay's purge of rows past their retention read
the whole outbox without it (whole documents in its rows: 0.4 s a purge at 80,000 migrated documents)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:10:00
"""

from __future__ import annotations

from alembic import op

from shared.messaging.tables import create_outbox_published_index, drop_outbox_published_index

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_published_index(op)


def downgrade() -> None:
    drop_outbox_published_index(op)
