"""site policies and totp enrolment

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 02:38:19.289385
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('site_policies',
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('totp_required', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_site_policies'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_pending', sa.String(length=64), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('totp_pending')

    op.drop_table('site_policies')
