"""the crawl frontier's queue read by an index: each take of a 100,000-page job scanned every URL it had found

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 10:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_frontier_job_state_seq", "frontier", ["job_id", "state", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_frontier_job_state_seq", table_name="frontier")
