"""provider responses: a response is owned by a State or by a provider organization, never both

Providers (international organizations, donors) answer a provider questionnaire of their own:
``responses.state_id`` becomes nullable, ``responses.organization`` names the provider, and a check
says exactly one owner is set. Existing responses are all States': nothing to move.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization', sa.String(length=200), nullable=True))
        batch_op.alter_column('state_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_responses_organization'), ['organization'], unique=False)
        batch_op.create_unique_constraint('one_per_organization_version_and_round',
                                          ['organization', 'version_id', 'round_id'])
        batch_op.create_check_constraint('one_owner', sa.text('(state_id IS NULL) <> (organization IS NULL)'))


def downgrade() -> None:
    """Fails while providers' responses exist: they have no State to fall back to."""
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_responses_one_owner'), type_='check')
        batch_op.drop_constraint('one_per_organization_version_and_round', type_='unique')
        batch_op.drop_index(batch_op.f('ix_responses_organization'))
        batch_op.alter_column('state_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('organization')
