"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 17:49:46.655413
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
    op.create_table('attachments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('blob_key', sa.String(length=500), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('renditions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_site_id'), ['site_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['site_id', 'entity', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_site_id'), ['site_id'], unique=False)

    op.create_table('basic_channels',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('parent_key', sa.String(length=60), nullable=True),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_basic_channels'))
    )
    op.create_table('channels',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('link_url', sa.String(length=500), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('basic_key', sa.String(length=60), nullable=True),
    sa.Column('unit_name', sa.String(length=100), nullable=True),
    sa.Column('unit_code', sa.String(length=20), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['channels.id'], name=op.f('fk_channels_parent_id_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('site_id', 'path', name='uq_channels_site_path')
    )
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channels_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channels_site_id'), ['site_id'], unique=False)

    op.create_table('counters',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counters')),
    sa.UniqueConstraint('site_id', 'name', name='uq_counters_site_name')
    )
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counters_site_id'), ['site_id'], unique=False)

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

    op.create_table('platform_check_terms',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('suggestion', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_check_terms')),
    sa.UniqueConstraint('kind', 'term', name='uq_platform_check_terms_kind_term')
    )
    op.create_table('site_check_terms',
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('suggestion', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_check_terms')),
    sa.UniqueConstraint('site_id', 'kind', 'term', name='uq_site_check_terms_kind_term')
    )
    with op.batch_alter_table('site_check_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_check_terms_site_id'), ['site_id'], unique=False)

    op.create_table('site_domains',
    sa.Column('host', sa.String(length=253), nullable=False),
    sa.Column('is_main', sa.Boolean(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('host', name=op.f('pk_site_domains'))
    )
    with op.batch_alter_table('site_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_domains_site_id'), ['site_id'], unique=False)

    op.create_table('sites',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('abbreviation', sa.String(length=20), nullable=False),
    sa.Column('host_unit', sa.String(length=100), nullable=False),
    sa.Column('site_code', sa.String(length=12), nullable=False),
    sa.Column('org_code', sa.String(length=20), nullable=False),
    sa.Column('icp_number', sa.String(length=60), nullable=True),
    sa.Column('police_number', sa.String(length=60), nullable=True),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('parent_id', sa.String(length=40), nullable=True),
    sa.Column('theme', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('contact_email', sa.String(length=120), nullable=True),
    sa.Column('contact_address', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['sites.id'], name=op.f('fk_sites_parent_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('site_code', name=op.f('uq_sites_site_code'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_parent_id'), ['parent_id'], unique=False)

    op.create_table('channel_subscriptions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_site_id', sa.String(length=40), nullable=False),
    sa.Column('source_channel_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_subscriptions_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_subscriptions')),
    sa.UniqueConstraint('channel_id', 'source_channel_id', name='uq_channel_subscriptions_pair')
    )
    with op.batch_alter_table('channel_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_subscriptions_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_subscriptions_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_subscriptions_source_channel_id'), ['source_channel_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subtitle', sa.String(length=200), nullable=True),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('author', sa.String(length=60), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('cover_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('attachment_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('index_number', sa.String(length=60), nullable=True),
    sa.Column('document_number', sa.String(length=60), nullable=True),
    sa.Column('written_on', sa.Date(), nullable=True),
    sa.Column('issuing_body', sa.String(length=100), nullable=True),
    sa.Column('topic_category', sa.String(length=40), nullable=True),
    sa.Column('subject_words', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('validity', sa.String(length=4), nullable=False),
    sa.Column('workflow_state', sa.String(length=12), nullable=False),
    sa.Column('review_step', sa.Integer(), nullable=False),
    sa.Column('review_steps', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('public_state', sa.String(length=12), nullable=False),
    sa.Column('live_revision', sa.Integer(), nullable=True),
    sa.Column('live_title', sa.String(length=200), nullable=True),
    sa.Column('url_path', sa.String(length=500), nullable=True),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unpublish_reason', sa.Text(), nullable=True),
    sa.Column('redirect_url', sa.String(length=500), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_documents_channel_id_channels')),
    sa.ForeignKeyConstraint(['cover_id'], ['attachments.id'], name=op.f('fk_documents_cover_id_attachments'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('index_number', name=op.f('uq_documents_index_number'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index('ix_documents_due', ['workflow_state', 'publish_at'], unique=False)
        batch_op.create_index('ix_documents_expiring', ['public_state', 'expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_documents_site_workflow', ['site_id', 'workflow_state'], unique=False)

    op.create_table('workflows',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('steps', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_workflows_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflows')),
    sa.UniqueConstraint('site_id', 'channel_id', name='uq_workflows_site_channel')
    )
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflows_site_id'), ['site_id'], unique=False)

    op.create_table('document_links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('interpretation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('policy_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('policy_site_id', sa.String(length=40), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['interpretation_id'], ['documents.id'], name=op.f('fk_document_links_interpretation_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['documents.id'], name=op.f('fk_document_links_policy_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_links')),
    sa.UniqueConstraint('interpretation_id', 'policy_id', name='uq_document_links_pair')
    )
    with op.batch_alter_table('document_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_links_interpretation_id'), ['interpretation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_links_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_links_site_id'), ['site_id'], unique=False)

    op.create_table('document_revisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_revisions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_revisions')),
    sa.UniqueConstraint('document_id', 'number', name='uq_document_revisions_doc_number')
    )
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_revisions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_revisions_site_id'), ['site_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_site_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('url_path', sa.String(length=500), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_placements_channel_id_channels')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_placements_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements')),
    sa.UniqueConstraint('channel_id', 'document_id', name='uq_placements_channel_document')
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_placements_listing', ['site_id', 'channel_id', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_placements_url', ['site_id', 'url_path'], unique=False)

    op.create_table('review_actions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('actor_name', sa.String(length=60), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('site_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_review_actions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_actions'))
    )
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_actions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_actions_site_id'), ['site_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_actions_site_id'))
        batch_op.drop_index(batch_op.f('ix_review_actions_document_id'))

    op.drop_table('review_actions')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_url')
        batch_op.drop_index(batch_op.f('ix_placements_site_id'))
        batch_op.drop_index('ix_placements_listing')
        batch_op.drop_index(batch_op.f('ix_placements_document_id'))

    op.drop_table('placements')
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_revisions_site_id'))
        batch_op.drop_index(batch_op.f('ix_document_revisions_document_id'))

    op.drop_table('document_revisions')
    with op.batch_alter_table('document_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_links_site_id'))
        batch_op.drop_index(batch_op.f('ix_document_links_policy_id'))
        batch_op.drop_index(batch_op.f('ix_document_links_interpretation_id'))

    op.drop_table('document_links')
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflows_site_id'))

    op.drop_table('workflows')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_site_workflow')
        batch_op.drop_index(batch_op.f('ix_documents_site_id'))
        batch_op.drop_index('ix_documents_expiring')
        batch_op.drop_index('ix_documents_due')
        batch_op.drop_index(batch_op.f('ix_documents_channel_id'))

    op.drop_table('documents')
    with op.batch_alter_table('channel_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_subscriptions_source_channel_id'))
        batch_op.drop_index(batch_op.f('ix_channel_subscriptions_site_id'))
        batch_op.drop_index(batch_op.f('ix_channel_subscriptions_channel_id'))

    op.drop_table('channel_subscriptions')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_parent_id'))

    op.drop_table('sites')
    with op.batch_alter_table('site_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_domains_site_id'))

    op.drop_table('site_domains')
    with op.batch_alter_table('site_check_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_check_terms_site_id'))

    op.drop_table('site_check_terms')
    op.drop_table('platform_check_terms')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending', postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))

    op.drop_table('outbox')
    op.drop_table('inbox')
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counters_site_id'))

    op.drop_table('counters')
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channels_site_id'))
        batch_op.drop_index(batch_op.f('ix_channels_parent_id'))

    op.drop_table('channels')
    op.drop_table('basic_channels')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_site_id'))
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_site_id'))

    op.drop_table('attachments')
