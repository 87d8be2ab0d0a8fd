"""the provider announces revoked access tokens (identity.tokens.revoked.v1): its outbox comes back

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 14:00:00
"""

from __future__ import annotations

from alembic import op

from shared.messaging.tables import create_outbox_table, drop_outbox_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_table(op)


def downgrade() -> None:
    drop_outbox_table(op)
