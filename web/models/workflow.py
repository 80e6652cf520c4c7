"""The review workflow: immutable submission snapshots, comments on answers, the activity log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json, UTCDateTime, utcnow


class Snapshot(Base):
    """What was submitted, frozen: never updated, never deleted (an official act)."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("response_id", "number", name="one_number_per_response"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: 1, 2, ... in the order of submission (a returned and resubmitted response has several).
    number: Mapped[int] = mapped_column(Integer)
    #: The response's revision (amendments after acceptance open a new one).
    revision: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    #: The questionnaire's content hash at submission.
    content_hash: Mapped[str] = mapped_column(String(64))
    #: ``{question id: {"value": ..., "version": n, "language": ...}}`` as stored at submission.
    answers: Mapped[dict[str, Any]] = mapped_column(Json)
    #: Completeness figures at submission.
    summary: Mapped[dict[str, Any]] = mapped_column(Json)
    #: SHA-256 of the canonical JSON of ``answers``: proof the snapshot was not changed.
    answers_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(Base):
    """A comment by the secretariat on one answer (or the whole response), answered by the State."""

    __tablename__ = "comments"
    __table_args__ = (CheckConstraint("status IN ('open', 'resolved')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: The question commented on; empty for a comment on the whole response.
    question_id: Mapped[str | None] = mapped_column(String(200))
    #: The comment this one answers (a thread).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    #: The country review whose page the thread was opened on (its replies carry it too); empty for
    #: the secretariat's threads with the State, which the reviewing States' experts never read.
    review_id: Mapped[int | None] = mapped_column(ForeignKey("country_reviews.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Activity(Base):
    """The response's activity log: who did what, when (append-only)."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: created, submitted, returned, accepted, amended, published, unpublished, commented,
    #: resolved, migrated
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
