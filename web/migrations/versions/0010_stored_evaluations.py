"""stored evaluations of responses (web.evaluations), figures across States counted ahead
(web.analysis.aggregates)

Existing responses get theirs at their next save; until then their pages evaluate every answer.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import web.models.base

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation_items',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_evaluation_items_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_id', name=op.f('pk_evaluation_items'))
    )
    op.create_table('evaluation_states',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_evaluation_states_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_evaluation_states_version_id_questionnaire_versions')),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_evaluation_states'))
    )
    op.create_table('evaluation_totals',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('questions', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('required_answered', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.CheckConstraint("scope IN ('group', 'provision', 'article')", name=op.f('ck_evaluation_totals_known_scope')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_evaluation_totals_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'scope', 'key', name=op.f('pk_evaluation_totals'))
    )
    op.create_table('figure_aggregates',
    sa.Column('questionnaire_id', sa.String(length=64), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('counted_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("audience IN ('all', 'published')", name=op.f('ck_figure_aggregates_known_audience')),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_figure_aggregates_version_id_questionnaire_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('questionnaire_id', 'audience', name=op.f('pk_figure_aggregates'))
    )


def downgrade() -> None:
    op.drop_table('figure_aggregates')
    op.drop_table('evaluation_totals')
    op.drop_table('evaluation_states')
    op.drop_table('evaluation_items')
