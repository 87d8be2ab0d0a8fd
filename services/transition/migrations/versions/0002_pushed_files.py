"""files the operator's machine pushed for a job (a mirror's attachments), adopted when its pages link them

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pushed_files',
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('legacy_key', sa.String(length=500), nullable=False),
    sa.Column('legacy_url', sa.String(length=1000), nullable=False),
    sa.Column('blob_key', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_pushed_files_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'legacy_key', name=op.f('pk_pushed_files'))
    )
    with op.batch_alter_table('pushed_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pushed_files_site_id'), ['site_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pushed_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pushed_files_site_id'))
    op.drop_table('pushed_files')
