"""States: the parties that answer; each sees only its own answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json

#: The UN regional groups (DGACM's "Regional groups of Member States"), in DGACM's order.
REGIONAL_GROUPS = ("african", "asia_pacific", "eastern_european", "latin_american_caribbean",
                   "western_european_other")
#: How a State belongs to its group when not as a plain member.
GROUP_NOTES = ("observer", "also_asia_pacific")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class State(Base):
    __tablename__ = "states"
    __table_args__ = (
        CheckConstraint(_one_of("regional_group", REGIONAL_GROUPS), name="known_regional_group"),
        CheckConstraint(f"group_note IS NULL OR {_one_of('group_note', GROUP_NOTES)}", name="known_group_note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166-1 alpha-3 code, e.g. ``KEN``: how users, URLs and the CLI name a State.
    code: Mapped[str] = mapped_column(String(3), unique=True)
    #: ISO 3166-1 alpha-2 code, e.g. ``KE`` (checked against pycountry when the States are loaded).
    alpha2: Mapped[str] = mapped_column(String(2), unique=True)
    #: UN M49 region code: 002 Africa, 019 Americas, 142 Asia, 150 Europe, 009 Oceania.
    region: Mapped[str] = mapped_column(String(3))
    #: UN regional group, one of ``REGIONAL_GROUPS``; the United States of America is counted with
    #: ``western_european_other``, which it attends as an observer (``group_note``).
    group: Mapped[str] = mapped_column("regional_group", String(32))
    #: ``observer`` (the United States of America), ``also_asia_pacific`` (Türkiye), else None.
    group_note: Mapped[str | None] = mapped_column(String(32))
    #: ``{language: UN short name}`` in the six languages, from UNTERM (web/data/un_member_states.csv),
    #: e.g. ``{"en": "Bolivia (Plurinational State of)", ...}``; never typed in the database by hand.
    names: Mapped[dict[str, Any]] = mapped_column(Json)
    #: ``{language: UN formal name}`` with its article, e.g. ``{"en": "the Plurinational State of Bolivia"}``.
    formal_names: Mapped[dict[str, Any]] = mapped_column(Json)

    def name(self, lang: str) -> str:
        """The UN short name in ``lang`` (English, then the code, when the language is missing)."""
        return str(self.names.get(lang) or self.names.get("en") or self.code)

    def formal_name(self, lang: str) -> str:
        """The UN formal name in ``lang``, with its article ("the Republic of Kenya"), else the short name."""
        return str((self.formal_names or {}).get(lang) or self.name(lang))

    def __repr__(self) -> str:
        return f"<State {self.code}>"
