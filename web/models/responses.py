"""A State's response to a questionnaire version, its answers, and every change ever made to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Json, UTCDateTime, utcnow
from .questionnaires import QuestionnaireVersion
from .states import State

RESPONSE_STATUSES = ("draft", "submitted", "returned", "accepted")
#: The statuses in which a response takes answers (saved, imported, moved to a newer version).
EDITABLE_STATUSES = frozenset({"draft", "returned"})
#: The four review transitions: step -> (the statuses it leaves from, the status it leads to). Who may
#: take each step is decided by ``web.access``; ``web.workflow`` takes it.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (EDITABLE_STATUSES, "submitted"),
    "return": (frozenset({"submitted"}), "returned"),
    "accept": (frozenset({"submitted"}), "accepted"),
    "amend": (frozenset({"accepted"}), "draft"),
}


class Response(Base):
    """One per State per questionnaire version (and per review cycle it answers)."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("state_id", "version_id", "round_id", name="one_per_state_version_and_round"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'accepted')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: The reporting round or review cycle the response answers (none: started outside any cycle).
    round_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_rounds.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Completeness as the engine computed it at the last save (for listings without evaluating).
    percent: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    required_total: Mapped[int] = mapped_column(Integer, default=0)
    required_answered: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    #: 1 for the first submission; each amendment after acceptance opens the next revision.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: Readers (delegates, donors) may see the profile of the accepted response.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    state: Mapped[State] = relationship(lazy="joined")
    version: Mapped[QuestionnaireVersion] = relationship(lazy="joined")


class Answer(Base):
    """The current answer to one question. Rows are never deleted: clearing stores ``null``."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id", name="one_per_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: The stable question id of the definition (``p15_a.compliance``).
    question_id: Mapped[str] = mapped_column(String(200))
    #: The answer as JSON (the engine's ``to_json`` form); ``null`` when cleared.
    value: Mapped[Any] = mapped_column(Json, nullable=True)
    #: The language a text answer was written in.
    language: Mapped[str | None] = mapped_column(String(8))
    #: Optimistic lock: a save must carry the version it was based on.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The version an answer was carried over from at the start of a cycle (``2026.1``) until the
    #: State confirms or changes it; an unconfirmed answer counts as not done.
    carried_from: Mapped[str | None] = mapped_column(String(32))


class AnswerRevision(Base):
    """Append-only history: every change to every answer (who, when, old and new, which save)."""

    __tablename__ = "answer_revisions"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "save_key", name="one_per_save"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(200))
    #: The answer version this revision produced.
    version: Mapped[int] = mapped_column(Integer)
    old_value: Mapped[Any] = mapped_column(Json, nullable=True)
    new_value: Mapped[Any] = mapped_column(Json, nullable=True)
    language: Mapped[str | None] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: ``save``, ``autosave``, ``conflict``, ``import``, ``migration``.
    source: Mapped[str] = mapped_column(String(16))
    #: The client's key for this change: the same save sent twice is recorded once.
    save_key: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
