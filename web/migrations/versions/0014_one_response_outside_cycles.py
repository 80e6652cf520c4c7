"""one response per State (or provider organization) and version outside review cycles

The unique constraints on (state_id, version_id, round_id) and (organization, version_id, round_id)
let rows whose round_id is NULL differ, so two starts at the same moment (a double click) could
create two responses of one State to one version outside a review cycle. Two partial unique indexes
close that. (If an instance already holds such duplicates, this migration stops on them: merge or
delete the extra, empty one first.)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

STATE = "round_id IS NULL AND state_id IS NOT NULL"
ORGANIZATION = "round_id IS NULL AND organization IS NOT NULL"


def upgrade() -> None:
    op.create_index('one_per_state_and_version_outside_cycles', 'responses', ['state_id', 'version_id'],
                    unique=True, sqlite_where=sa.text(STATE), postgresql_where=sa.text(STATE))
    op.create_index('one_per_organization_and_version_outside_cycles', 'responses', ['organization', 'version_id'],
                    unique=True, sqlite_where=sa.text(ORGANIZATION), postgresql_where=sa.text(ORGANIZATION))


def downgrade() -> None:
    op.drop_index('one_per_organization_and_version_outside_cycles', table_name='responses')
    op.drop_index('one_per_state_and_version_outside_cycles', table_name='responses')
