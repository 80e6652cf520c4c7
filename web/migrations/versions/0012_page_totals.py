"""stored totals per page (web.evaluations.page_totals): the side navigation and the progress figure
read them instead of evaluating every answer

The evaluations stored so far lack them: they are dropped, and each response stores its whole
state again at its next save (until then its pages evaluate every answer, as before 0010).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_SCOPES = "scope IN ('group', 'provision', 'article')"
NEW_SCOPES = "scope IN ('group', 'provision', 'article', 'page')"


def _clear() -> None:
    for table in ('evaluation_items', 'evaluation_totals', 'evaluation_states'):
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade() -> None:
    _clear()
    with op.batch_alter_table('evaluation_totals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluation_totals_known_scope'), type_='check')
        batch_op.create_check_constraint('known_scope', sa.text(NEW_SCOPES))


def downgrade() -> None:
    _clear()
    with op.batch_alter_table('evaluation_totals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluation_totals_known_scope'), type_='check')
        batch_op.create_check_constraint('known_scope', sa.text(OLD_SCOPES))
