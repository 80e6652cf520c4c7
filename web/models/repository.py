"""The repository of national measures and legislation: every law, policy or measure cited in the
answers, one entry per row of a measures table, searchable on SQLite and PostgreSQL alike.

The entries are derived data, rebuilt from a response's answers whenever they change (see
``web.repository.index``); the answers stay the record. ``search`` holds the words of an entry in a
normalised form (case-folded, accents and Arabic diacritics removed) that searches match with
``LIKE`` on both databases.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class RepositorySource(Base):
    """Which answers of a response the repository was built from (rebuilt when they change)."""

    __tablename__ = "repository_sources"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    #: ``s<snapshot id>`` for a submitted response, ``r<time of the last change>`` for a draft.
    source_key: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer, default=0)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RepositoryEntry(Base):
    """One law, policy or measure cited for one provision (a row of a measures table)."""

    __tablename__ = "repository_entries"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "row", name="one_per_cited_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"), index=True)
    #: The measures table the entry comes from (``p15_a.measures``) and its row (0, 1, ...).
    question_id: Mapped[str] = mapped_column(String(200))
    row: Mapped[int] = mapped_column(Integer)
    #: The provision, article and chapter of the framework the measure implements.
    provision: Mapped[str] = mapped_column(String(32))
    article: Mapped[str] = mapped_column(String(16), index=True)
    chapter: Mapped[str] = mapped_column(String(16))
    #: As the State wrote them.
    instrument: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8))
    #: The instrument's title normalised: entries of one State with the same key are one measure.
    instrument_key: Mapped[str] = mapped_column(Text)
    #: Normalised words of the entry (title, reference, year, link, the State's names).
    search: Mapped[str] = mapped_column(Text)
