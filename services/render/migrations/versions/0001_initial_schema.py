"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 23:26:40.311073
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_views',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_views'))
    )
    with op.batch_alter_table('channel_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_views_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_channel_views_site_path', ['site_id', 'path'], unique=True)

    op.create_table('document_views',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('notice', sa.String(length=500), nullable=True),
    sa.Column('redirect_url', sa.String(length=500), nullable=True),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_views'))
    )
    with op.batch_alter_table('document_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_views_site_id'), ['site_id'], unique=False)

    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=80), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=120), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id', name=op.f('pk_inbox'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=120), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_event_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending', ['id'], unique=False, postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))

    op.create_table('page_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_site_id', sa.String(length=40), nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel_path', sa.String(length=400), nullable=False),
    sa.Column('url_path', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('topic_category', sa.String(length=60), nullable=True),
    sa.Column('validity', sa.String(length=4), nullable=True),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_entries')),
    sa.UniqueConstraint('site_id', 'url_path', name='uq_page_entries_site_path')
    )
    with op.batch_alter_table('page_entries', schema=None) as batch_op:
        batch_op.create_index('ix_page_entries_channel_time', ['site_id', 'channel_path', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_entries_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_entries_site_id'), ['site_id'], unique=False)

    op.create_table('redirects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('old_path', sa.String(length=500), nullable=False),
    sa.Column('target', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redirects')),
    sa.UniqueConstraint('site_id', 'old_path', name='uq_redirects_site_path')
    )
    with op.batch_alter_table('redirects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redirects_site_id'), ['site_id'], unique=False)

    op.create_table('site_views',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_views'))
    )
    op.create_table('theme_settings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_settings')),
    sa.UniqueConstraint('site_id', name='uq_theme_settings_site')
    )
    with op.batch_alter_table('theme_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_settings_site_id'), ['site_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('theme_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_settings_site_id'))

    op.drop_table('theme_settings')
    op.drop_table('site_views')
    with op.batch_alter_table('redirects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redirects_site_id'))

    op.drop_table('redirects')
    with op.batch_alter_table('page_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_entries_site_id'))
        batch_op.drop_index(batch_op.f('ix_page_entries_document_id'))
        batch_op.drop_index('ix_page_entries_channel_time')

    op.drop_table('page_entries')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending', postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))

    op.drop_table('outbox')
    op.drop_table('inbox')
    with op.batch_alter_table('document_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_views_site_id'))

    op.drop_table('document_views')
    with op.batch_alter_table('channel_views', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_views_site_path')
        batch_op.drop_index(batch_op.f('ix_channel_views_site_id'))

    op.drop_table('channel_views')
