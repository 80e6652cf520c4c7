"""deadlines, e-mail outbox, preferences and account links

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('auth_version', sa.Integer(), nullable=False),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('invitation', 'reset')", name=op.f('ck_account_tokens_known_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', web.models.base.Json, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('subject', sa.String(length=400), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested', 'dropped')", name=op.f('ck_mail_outbox_known_status')),
    sa.ForeignKeyConstraint(['digest_id'], ['mail_outbox.id'], name=op.f('fk_mail_outbox_digest_id_mail_outbox'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_mail_outbox_dedupe_key'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbox_user_id'), ['user_id'], unique=False)

    op.create_table('mail_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('reminders', sa.Boolean(), nullable=False),
    sa.Column('reviews', sa.Boolean(), nullable=False),
    sa.Column('comments', sa.Boolean(), nullable=False),
    sa.Column('assignments', sa.Boolean(), nullable=False),
    sa.Column('updated_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mail_preferences'))
    )
    op.create_table('reporting_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('closed_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reporting_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_rounds'))
    )
    with op.batch_alter_table('reporting_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_reporting_rounds_one_open', ['questionnaire_id'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.create_table('state_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['reporting_rounds.id'], name=op.f('fk_state_deadlines_round_id_reporting_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_state_deadlines_set_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_state_deadlines_state_id_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_state_deadlines')),
    sa.UniqueConstraint('round_id', 'state_id', name='one_per_state')
    )
    with op.batch_alter_table('state_deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_state_deadlines_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('state_deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_state_deadlines_round_id'))

    op.drop_table('state_deadlines')
    with op.batch_alter_table('reporting_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_reporting_rounds_one_open', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.drop_table('reporting_rounds')
    op.drop_table('mail_preferences')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_user_id'))
        batch_op.drop_index('ix_mail_outbox_due')

    op.drop_table('mail_outbox')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_user_id'))

    op.drop_table('account_tokens')
