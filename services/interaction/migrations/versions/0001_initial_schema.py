"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-12-05 21:25:57.896096
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
    op.create_table('desk_settings',
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('captcha', sa.Boolean(), nullable=False),
    sa.Column('sensitive_words', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('office_email', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_desk_settings'))
    )
    op.create_table('holidays',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('workday', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holidays'))
    )
    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=80), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=120), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id', name=op.f('pk_inbox'))
    )
    op.create_table('mails',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mails'))
    )
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.create_index('ix_mails_pending', ['sent_at', 'next_attempt_at'], unique=False)

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

    op.create_table('reply_templates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates'))
    )
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_templates_site_id'), ['site_id'], unique=False)

    op.create_table('sites',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    op.create_table('units',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('site_id', 'code', name=op.f('uq_units_site_id'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_site_id'), ['site_id'], unique=False)

    op.create_table('used_captchas',
    sa.Column('nonce', sa.String(length=40), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_used_captchas'))
    )
    op.create_table('letters',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('addressee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('contact_address', sa.String(length=200), nullable=True),
    sa.Column('id_number', sa.String(length=30), nullable=True),
    sa.Column('organisation', sa.String(length=100), nullable=True),
    sa.Column('submitter', sa.String(length=80), nullable=True),
    sa.Column('wants_public', sa.Boolean(), nullable=False),
    sa.Column('tracking_code', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_from', sa.Date(), nullable=True),
    sa.Column('limit_days', sa.Integer(), nullable=False),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('paused_workdays', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('alerted', sa.String(length=8), nullable=True),
    sa.Column('reply_draft', sa.Text(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('reply_unit', sa.String(length=100), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_basis', sa.String(length=200), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('public_title', sa.String(length=200), nullable=True),
    sa.Column('public_body', sa.Text(), nullable=True),
    sa.Column('public_reply', sa.Text(), nullable=True),
    sa.Column('rating', sa.String(length=8), nullable=True),
    sa.Column('rating_note', sa.String(length=500), nullable=True),
    sa.Column('supervised', sa.Boolean(), nullable=False),
    sa.Column('duplicate_of', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('flagged_words', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['addressee_id'], ['units.id'], name=op.f('fk_letters_addressee_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_letters_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_letters_tracking_code'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index('ix_letters_client', ['client_hash', 'received_at'], unique=False)
        batch_op.create_index('ix_letters_fingerprint', ['site_id', 'fingerprint'], unique=False)
        batch_op.create_index('ix_letters_public', ['site_id', 'published_at'], unique=False)
        batch_op.create_index('ix_letters_queue', ['site_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_submitter'), ['submitter'], unique=False)

    op.create_table('letter_attachments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('letter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('blob_key', sa.String(length=300), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_attachments_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_attachments'))
    )
    with op.batch_alter_table('letter_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_attachments_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_attachments_site_id'), ['site_id'], unique=False)

    op.create_table('letter_steps',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('letter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_steps_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_steps'))
    )
    with op.batch_alter_table('letter_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_steps_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_steps_site_id'), ['site_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('letter_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_steps_site_id'))
        batch_op.drop_index(batch_op.f('ix_letter_steps_letter_id'))

    op.drop_table('letter_steps')
    with op.batch_alter_table('letter_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_attachments_site_id'))
        batch_op.drop_index(batch_op.f('ix_letter_attachments_letter_id'))

    op.drop_table('letter_attachments')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_submitter'))
        batch_op.drop_index(batch_op.f('ix_letters_site_id'))
        batch_op.drop_index('ix_letters_queue')
        batch_op.drop_index('ix_letters_public')
        batch_op.drop_index('ix_letters_fingerprint')
        batch_op.drop_index('ix_letters_client')

    op.drop_table('letters')
    op.drop_table('used_captchas')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_site_id'))

    op.drop_table('units')
    op.drop_table('sites')
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_templates_site_id'))

    op.drop_table('reply_templates')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending', postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))

    op.drop_table('outbox')
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.drop_index('ix_mails_pending')

    op.drop_table('mails')
    op.drop_table('inbox')
    op.drop_table('holidays')
    op.drop_table('desk_settings')
