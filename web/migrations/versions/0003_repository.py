"""repository of national measures and legislation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('repository_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=200), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('provision', sa.String(length=32), nullable=False),
    sa.Column('article', sa.String(length=16), nullable=False),
    sa.Column('chapter', sa.String(length=16), nullable=False),
    sa.Column('instrument', sa.Text(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('link', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('instrument_key', sa.Text(), nullable=False),
    sa.Column('search', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_repository_entries_response_id_responses')),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_repository_entries_state_id_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repository_entries')),
    sa.UniqueConstraint('response_id', 'question_id', 'row', name='one_per_cited_row')
    )
    with op.batch_alter_table('repository_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repository_entries_article'), ['article'], unique=False)
        batch_op.create_index(batch_op.f('ix_repository_entries_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repository_entries_state_id'), ['state_id'], unique=False)

    op.create_table('repository_sources',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('indexed_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_repository_sources_response_id_responses')),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_repository_sources'))
    )


def downgrade() -> None:
    op.drop_table('repository_sources')
    with op.batch_alter_table('repository_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repository_entries_state_id'))
        batch_op.drop_index(batch_op.f('ix_repository_entries_response_id'))
        batch_op.drop_index(batch_op.f('ix_repository_entries_article'))

    op.drop_table('repository_entries')
