"""authoring: publication notes, translation reviews

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('questionnaire_versions') as batch:
        batch.add_column(sa.Column('publication_notes', sa.Text(), nullable=True))
    op.create_table('translation_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', web.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('reviewed', 'imported')", name=op.f('ck_translation_reviews_known_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_translation_reviews_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'],
                            name=op.f('fk_translation_reviews_version_id_questionnaire_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_reviews')),
    sa.UniqueConstraint('version_id', 'key', 'lang', name='one_per_text'),
    )
    with op.batch_alter_table('translation_reviews') as batch:
        batch.create_index(batch.f('ix_translation_reviews_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('translation_reviews') as batch:
        batch.drop_index(batch.f('ix_translation_reviews_version_id'))
    op.drop_table('translation_reviews')
    with op.batch_alter_table('questionnaire_versions') as batch:
        batch.drop_column('publication_notes')
