"""States: the parties that answer; each sees only its own answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json


class State(Base):
    __tablename__ = "states"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166-1 alpha-3 code, e.g. ``KEN``: how users, URLs and the CLI name a State.
    code: Mapped[str] = mapped_column(String(3), unique=True)
    #: ISO 3166-1 alpha-2 code, the key of the CLDR names.
    alpha2: Mapped[str] = mapped_column(String(2), unique=True)
    #: UN M49 region code: 002 Africa, 019 Americas, 142 Asia, 150 Europe, 009 Oceania.
    region: Mapped[str] = mapped_column(String(3))
    #: ``{language: name}`` taken from CLDR (Babel), never typed by hand.
    names: Mapped[dict[str, Any]] = mapped_column(Json)

    def name(self, lang: str) -> str:
        return str(self.names.get(lang) or self.names.get("en") or self.code)

    def __repr__(self) -> str:
        return f"<State {self.code}>"
