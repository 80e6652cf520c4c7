"""technical assistance: the State's consent on each response, focal points for assistance, providers

Responses the secretariat had published before consent existed keep their profile public: they get
the level ``profile`` (every chapter); every other response starts at ``none``, so nothing that was
not public becomes so.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('secretariat_admin', 'secretariat_reviewer', 'focal_point', 'contributor', 'reader')"
NEW_ROLES = ("role IN ('secretariat_admin', 'secretariat_reviewer', 'focal_point', 'contributor', 'reader', "
             "'provider')")


def upgrade() -> None:
    op.create_table('assistance_sources',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('indexed_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_assistance_sources_response_id_responses')),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_assistance_sources'))
    )
    op.create_table('assistance_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('article', sa.String(length=16), nullable=False),
    sa.Column('provision', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('provider', sa.String(length=300), nullable=False),
    sa.Column('provider_key', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.CheckConstraint("kind IN ('need', 'offer')", name=op.f('ck_assistance_items_known_kind')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_assistance_items_response_id_responses')),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_assistance_items_state_id_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_items'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', web.models.base.Json, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('repository_contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=True),
    sa.Column('articles', web.models.base.Json, nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('link', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'published', 'rejected')", name=op.f('ck_repository_contributions_known_status')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_repository_contributions_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_repository_contributions_state_id_states')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_repository_contributions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repository_contributions'))
    )
    with op.batch_alter_table('repository_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repository_contributions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('assistance_items', schema=None) as batch_op:
        batch_op.create_index('ix_assistance_items_match', ['state_id', 'article', 'category'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_items_response_id'), ['response_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ta_focal_point', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('position', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=50), server_default='', nullable=False))
        batch_op.add_column(sa.Column('organization', sa.String(length=200), server_default='', nullable=False))
        batch_op.drop_constraint(op.f('ck_users_known_role'), type_='check')
        batch_op.create_check_constraint('known_role', sa.text(NEW_ROLES))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent', sa.String(length=16), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('consent_chapters', web.models.base.Json, nullable=True))

    responses = sa.table("responses", sa.column("published", sa.Boolean), sa.column("consent", sa.String))
    op.execute(responses.update().where(responses.c.published.is_(True)).values(consent="profile"))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_check_constraint('known_consent',
                                         sa.text("consent IN ('none', 'aggregate', 'assistance', 'profile')"))
        batch_op.create_check_constraint('published_within_consent',
                                         sa.text("published = false OR consent = 'profile'"))


def downgrade() -> None:
    op.drop_table('repository_contributions')
    op.drop_table('api_tokens')
    op.drop_table('assistance_items')
    op.drop_table('assistance_sources')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_responses_published_within_consent'), type_='check')
        batch_op.drop_constraint(op.f('ck_responses_known_consent'), type_='check')
        batch_op.drop_column('consent_chapters')
        batch_op.drop_column('consent')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_known_role'), type_='check')
        batch_op.create_check_constraint('known_role', sa.text(OLD_ROLES))
        batch_op.drop_column('organization')
        batch_op.drop_column('phone')
        batch_op.drop_column('position')
        batch_op.drop_column('ta_focal_point')
