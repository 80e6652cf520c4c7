"""States: UN regional group (with its note) and UN formal names

Existing rows get their regional group here (the groups as DGACM listed them on 5 December 2026,
frozen in this file, so that the migration does the same whatever the data file says later) and
empty formal names; ``checklist states load`` then writes the UN names from
web/data/un_member_states.csv.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import web.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

GROUPS = {
    "african": "AGO BDI BEN BFA BWA CAF CIV CMR COD COG COM CPV DJI DZA EGY ERI ETH GAB GHA GIN GMB GNB GNQ KEN "
               "LBR LBY LSO MAR MDG MLI MOZ MRT MUS MWI NAM NER NGA RWA SDN SEN SLE SOM SSD STP SWZ SYC TCD TGO "
               "TUN TZA UGA ZAF ZMB ZWE",
    "asia_pacific": "AFG ARE BGD BHR BRN BTN CHN CYP FJI FSM IDN IND IRN IRQ JOR JPN KAZ KGZ KHM KIR KOR KWT LAO "
                    "LBN LKA MDV MHL MMR MNG MYS NPL NRU OMN PAK PHL PLW PNG PRK QAT SAU SGP SLB SYR THA TJK TKM "
                    "TLS TON TUV UZB VNM VUT WSM YEM",
    "eastern_european": "ALB ARM AZE BGR BIH BLR CZE EST GEO HRV HUN LTU LVA MDA MKD MNE POL ROU RUS SRB SVK SVN "
                        "UKR",
    "latin_american_caribbean": "ARG ATG BHS BLZ BOL BRA BRB CHL COL CRI CUB DMA DOM ECU GRD GTM GUY HND HTI JAM "
                                "KNA LCA MEX NIC PAN PER PRY SLV SUR TTO URY VCT VEN",
    "western_european_other": "AND AUS AUT BEL CAN CHE DEU DNK ESP FIN FRA GBR GRC IRL ISL ISR ITA LIE LUX MCO "
                              "MLT NLD NOR NZL PRT SMR SWE TUR USA",
}
NOTES = {"USA": "observer", "TUR": "also_asia_pacific"}

states = sa.table("states", sa.column("code", sa.String), sa.column("regional_group", sa.String),
                  sa.column("group_note", sa.String), sa.column("formal_names", web.models.base.Json))


def upgrade() -> None:
    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regional_group', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('group_note', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('formal_names', web.models.base.Json, nullable=True))

    for group, codes in GROUPS.items():
        op.execute(states.update().where(states.c.code.in_(codes.split())).values(regional_group=group))
    for code, note in NOTES.items():
        op.execute(states.update().where(states.c.code == code).values(group_note=note))
    op.execute(states.update().values(formal_names={}))
    unknown = op.get_bind().execute(sa.select(states.c.code).where(states.c.regional_group.is_(None))).scalars().all()
    if unknown:
        raise RuntimeError(f"States {', '.join(sorted(unknown))} are not UN Member States, so they have no "
                           "regional group: delete them, then run the upgrade again (nothing was changed).")

    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.alter_column('regional_group', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('formal_names', existing_type=web.models.base.Json, nullable=False)
        batch_op.create_check_constraint(
            batch_op.f('ck_states_known_regional_group'),
            "regional_group IN ('african', 'asia_pacific', 'eastern_european', 'latin_american_caribbean', "
            "'western_european_other')")
        batch_op.create_check_constraint(
            batch_op.f('ck_states_known_group_note'),
            "group_note IS NULL OR group_note IN ('observer', 'also_asia_pacific')")


def downgrade() -> None:
    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_states_known_group_note'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_states_known_regional_group'), type_='check')
        batch_op.drop_column('formal_names')
        batch_op.drop_column('group_note')
        batch_op.drop_column('regional_group')
