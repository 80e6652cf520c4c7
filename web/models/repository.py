"""The repository of national measures and legislation: every law, policy or measure cited in the
answers, one entry per row of a measures table, searchable on SQLite and PostgreSQL alike.

The entries are derived data, rebuilt from a response's answers whenever they change (see
``web.repository.index``); the answers stay the record. ``search`` holds the words of an entry in a
normalised form (case-folded, accents and Arabic diacritics removed) that searches match with
``LIKE`` on both databases.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json, UTCDateTime, utcnow


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


class RepositoryContribution(Base):
    """A document a provider of assistance furnishes to the repository (a model law, an assessment
    it carried out): shown, marked as furnished by its organization, once the secretariat publishes it."""

    __tablename__ = "repository_contributions"
    __table_args__ = (CheckConstraint("status IN ('pending', 'published', 'rejected')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The provider's account, and the organization it speaks for (kept as it was when furnished).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organization: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    #: The State it concerns (an assessment), or none (a model law).
    state_id: Mapped[int | None] = mapped_column(ForeignKey("states.id"))
    #: Articles of the Convention, e.g. ``["15", "16"]``.
    articles: Mapped[list[str]] = mapped_column(Json)
    year: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: ``pending`` until the secretariat reviews it, then ``published`` or ``rejected``.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
