"""accounts, States, questionnaires, responses and answers

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('alpha2', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=3), nullable=False),
    sa.Column('names', web.models.base.Json, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_states')),
    sa.UniqueConstraint('alpha2', name=op.f('uq_states_alpha2')),
    sa.UniqueConstraint('code', name=op.f('uq_states_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('auth_version', sa.Integer(), nullable=False),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role IN ('focal_point', 'contributor')) = (state_id IS NOT NULL)", name=op.f('ck_users_state_roles_have_a_state')),
    sa.CheckConstraint("role IN ('secretariat_admin', 'secretariat_reviewer', 'focal_point', 'contributor', 'reader')", name=op.f('ck_users_known_role')),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_users_state_id_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_state_id'), ['state_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.CheckConstraint("scope IN ('chapter', 'article')", name=op.f('ck_assignments_known_scope')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('user_id', 'scope', 'ref', name='one_per_ref')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('questionnaire_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('title', web.models.base.Json, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notes', web.models.base.Json, nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'retired')", name=op.f('ck_questionnaire_versions_known_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaire_versions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_versions')),
    sa.UniqueConstraint('questionnaire_id', 'version', name='one_per_version')
    )
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_versions_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('required_total', sa.Integer(), nullable=False),
    sa.Column('required_answered', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'accepted')", name=op.f('ck_responses_known_status')),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_responses_state_id_states')),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_responses_version_id_questionnaire_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('state_id', 'version_id', name='one_per_state_and_version')
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_state_id'), ['state_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_version_id'), ['version_id'], unique=False)

    op.create_table('answer_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('old_value', web.models.base.Json, nullable=True),
    sa.Column('new_value', web.models.base.Json, nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('save_key', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answer_revisions_response_id_responses')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_answer_revisions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_revisions')),
    sa.UniqueConstraint('response_id', 'question_id', 'save_key', name='one_per_save')
    )
    with op.batch_alter_table('answer_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_revisions_response_id'), ['response_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=200), nullable=False),
    sa.Column('value', web.models.base.Json, nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_answers_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('response_id', 'question_id', name='one_per_question')
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_response_id'), ['response_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_response_id'))

    op.drop_table('answers')
    with op.batch_alter_table('answer_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_revisions_response_id'))

    op.drop_table('answer_revisions')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_version_id'))
        batch_op.drop_index(batch_op.f('ix_responses_state_id'))

    op.drop_table('responses')
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_versions_questionnaire_id'))

    op.drop_table('questionnaire_versions')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_user_id'))

    op.drop_table('assignments')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_state_id'))

    op.drop_table('users')
    op.drop_table('states')