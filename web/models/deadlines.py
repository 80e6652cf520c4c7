"""Reporting rounds and their deadlines: when States must submit a questionnaire.

A :class:`ReportingRound` is one round of reporting on a questionnaire (by its stable id, e.g.
``uncac_checklist``, whatever version a State answers): a name, the date it opened and the date
answers are due for every State. A :class:`StateDeadline` moves that date for one State (an
extension granted by the secretariat). At most one round of a questionnaire is open at a time.

A round is also a **review cycle** of the Implementation Review Mechanism: the chapters of the
framework in scope (the first cycle III and IV, the second II and V; none: every chapter) and the
questionnaire version States answer in it. Responses started in the round belong to it
(``Response.round_id``); the countries reviewed in it are ``web.models.reviews.CountryReview``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Json, UTCDateTime, utcnow
from .states import State


class ReportingRound(Base):
    __tablename__ = "reporting_rounds"
    __table_args__ = (
        # one open round per questionnaire (closed rounds are kept as a record)
        Index("ix_reporting_rounds_one_open", "questionnaire_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The questionnaire's stable id (``uncac_checklist``): every version of it answers this round.
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    #: A name the secretariat gives (``2027 reporting``).
    name: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date] = mapped_column(Date)
    #: The day answers are due from every State (the last day on which a submission is on time).
    due_on: Mapped[date] = mapped_column(Date)
    #: Chapters of the framework in scope (``["II", "V"]``); empty: every chapter.
    chapters: Mapped[list[str]] = mapped_column(Json, default=list)
    #: The questionnaire version States answer in this cycle (none: the live version when they start).
    version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_versions.id"))
    #: Closed rounds send no reminders and list nothing as overdue.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    extensions: Mapped[list[StateDeadline]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                          lazy="selectin")


class StateDeadline(Base):
    """One State's own due date in a round (an extension or an earlier date)."""

    __tablename__ = "state_deadlines"
    __table_args__ = (UniqueConstraint("round_id", "state_id", name="one_per_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_rounds.id", ondelete="CASCADE"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"))
    due_on: Mapped[date] = mapped_column(Date)
    #: Why (shown to the secretariat), e.g. "extension asked for on 3 March".
    note: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[ReportingRound] = relationship(back_populates="extensions")
    state: Mapped[State] = relationship(lazy="joined")
