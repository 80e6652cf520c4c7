"""threads of a country review kept apart from the secretariat's threads with the State

The expert review page listed every thread on the State's response, including those the secretariat
and the State had written while the answers were a draft. A thread now records the review it was
opened in (``comments.review_id``; replies carry it too) and the review page shows only those. The
threads opened in a review before this migration are found in the activity log ("commented", with
the review's id), as their replies.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_comments_review_id'), ['review_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comments_review_id_country_reviews'), 'country_reviews',
                                    ['review_id'], ['id'], ondelete='SET NULL')
    connection = op.get_bind()
    opened: dict[int, int] = {}
    for details in connection.execute(sa.text("SELECT details FROM activities WHERE action = 'commented'")).scalars():
        found = json.loads(details) if isinstance(details, str) else details
        if isinstance(found, dict) and found.get("review") and found.get("comment"):
            opened[int(found["comment"])] = int(found["review"])
    comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('parent_id', sa.Integer),
                        sa.column('review_id', sa.Integer))
    roots = {}
    for comment_id, parent_id in connection.execute(sa.select(comments.c.id, comments.c.parent_id)):
        roots[comment_id] = parent_id
    for comment_id, review_id in opened.items():
        if comment_id in roots:
            connection.execute(comments.update().where(comments.c.id == comment_id).values(review_id=review_id))
    for comment_id, parent_id in roots.items():  # a reply belongs where its thread was opened
        if parent_id is not None and parent_id in opened:
            connection.execute(comments.update().where(comments.c.id == comment_id)
                               .values(review_id=opened[parent_id]))


def downgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_review_id_country_reviews'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comments_review_id'))
        batch_op.drop_column('review_id')
