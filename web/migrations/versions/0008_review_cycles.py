"""review cycles: chapters and version of a round, responses in a round, carried answers, experts,
country reviews with their reviewing States, timeline and report

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('country_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('desk_review_on', sa.Date(), nullable=True),
    sa.Column('dialogue_kind', sa.String(length=16), nullable=False),
    sa.Column('dialogue_on', sa.Date(), nullable=True),
    sa.Column('draft_report_on', sa.Date(), nullable=True),
    sa.Column('final_report_on', sa.Date(), nullable=True),
    sa.Column('successes', sa.Text(), nullable=False),
    sa.Column('challenges', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('assistance_needs', sa.Text(), nullable=False),
    sa.Column('report_status', sa.String(length=16), nullable=False),
    sa.Column('finalised_at', web.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("dialogue_kind IN ('dialogue', 'visit')", name=op.f('ck_country_reviews_known_dialogue_kind')),
    sa.CheckConstraint("report_status IN ('draft', 'final')", name=op.f('ck_country_reviews_known_report_status')),
    sa.CheckConstraint("stage IN ('self_assessment', 'desk_review', 'dialogue', 'draft_report', 'final_report', 'done')", name=op.f('ck_country_reviews_known_stage')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_country_reviews_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['users.id'], name=op.f('fk_country_reviews_finalised_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['reporting_rounds.id'], name=op.f('fk_country_reviews_round_id_reporting_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_country_reviews_state_id_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_country_reviews')),
    sa.UniqueConstraint('round_id', 'state_id', name='one_per_state_and_round')
    )
    with op.batch_alter_table('country_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_country_reviews_round_id'), ['round_id'], unique=False)

    op.create_table('reviewing_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['country_reviews.id'], name=op.f('fk_reviewing_states_review_id_country_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_reviewing_states_state_id_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewing_states')),
    sa.UniqueConstraint('review_id', 'state_id', name='one_per_review')
    )
    with op.batch_alter_table('reviewing_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewing_states_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewing_states_state_id'), ['state_id'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from', sa.String(length=32), nullable=True))

    with op.batch_alter_table('reporting_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chapters', web.models.base.Json, server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reporting_rounds_version_id_questionnaire_versions'), 'questionnaire_versions', ['version_id'], ['id'])

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('one_per_state_and_version'), type_='unique')
        batch_op.create_index(batch_op.f('ix_responses_round_id'), ['round_id'], unique=False)
        batch_op.create_unique_constraint('one_per_state_version_and_round', ['state_id', 'version_id', 'round_id'])
        batch_op.create_foreign_key(batch_op.f('fk_responses_round_id_reporting_rounds'), 'reporting_rounds', ['round_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('expert')

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_responses_round_id_reporting_rounds'), type_='foreignkey')
        batch_op.drop_constraint('one_per_state_version_and_round', type_='unique')
        batch_op.drop_index(batch_op.f('ix_responses_round_id'))
        batch_op.create_unique_constraint(batch_op.f('one_per_state_and_version'), ['state_id', 'version_id'])
        batch_op.drop_column('round_id')

    with op.batch_alter_table('reporting_rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reporting_rounds_version_id_questionnaire_versions'), type_='foreignkey')
        batch_op.drop_column('version_id')
        batch_op.drop_column('chapters')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('carried_from')

    with op.batch_alter_table('reviewing_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewing_states_state_id'))
        batch_op.drop_index(batch_op.f('ix_reviewing_states_review_id'))

    op.drop_table('reviewing_states')
    with op.batch_alter_table('country_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_country_reviews_round_id'))

    op.drop_table('country_reviews')
