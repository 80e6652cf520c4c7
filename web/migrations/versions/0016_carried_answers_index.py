"""an index of the carried-over answers still to confirm

Every page of a response in a review cycle reads its carried-over answers not yet confirmed
(``web.cycles.carried_answers``); the query read every answer of the response to find them. A
partial index holds only the answers with ``carried_from`` set (a few, and none once confirmed).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_WHERE = sa.text("carried_from IS NOT NULL")


def upgrade() -> None:
    op.create_index('ix_answers_carried', 'answers', ['response_id'], unique=False,
                    sqlite_where=_WHERE, postgresql_where=_WHERE)


def downgrade() -> None:
    op.drop_index('ix_answers_carried', table_name='answers')
