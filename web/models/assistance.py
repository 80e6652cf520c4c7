"""Technical assistance, needs and offers, one row per State x article x kind of assistance: derived
data, rebuilt from a response whenever it is submitted or accepted (``web.assistance.index``), so
that matching needs to offers across 193 States reads rows instead of evaluating questionnaires.

The answers stay the record; who may see a row is decided when it is read, by the consent of the
response it comes from (``web.consent``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json, UTCDateTime, utcnow


class AssistanceSource(Base):
    """Which answers of a response the rows were built from."""

    __tablename__ = "assistance_sources"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    #: ``s<snapshot id>``: the submission the rows come from.
    source_key: Mapped[str] = mapped_column(String(64))
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssistanceItem(Base):
    """A need of a State, or assistance offered to it, on one article and kind of assistance."""

    __tablename__ = "assistance_items"
    __table_args__ = (
        CheckConstraint("kind IN ('need', 'offer')", name="known_kind"),
        Index("ix_assistance_items_match", "state_id", "article", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The response the row was read from (a checklist, or a report of activities).
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: The State in need, or receiving the assistance.
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"))
    #: ``need`` or ``offer`` (assistance received, planned or delivered).
    kind: Mapped[str] = mapped_column(String(8))
    article: Mapped[str] = mapped_column(String(16))
    #: The provision, when the need was expressed on one ('' otherwise).
    provision: Mapped[str] = mapped_column(String(32), default="")
    #: A code of the ``ta_categories`` list ('' when none was given).
    category: Mapped[str] = mapped_column(String(32), default="")
    #: Needs: ``high``, ``medium``, ``low`` or ''.
    priority: Mapped[str] = mapped_column(String(16), default="")
    #: Offers: the provider as written, and normalised (one provider, however it is spelt).
    provider: Mapped[str] = mapped_column(String(300), default="")
    provider_key: Mapped[str] = mapped_column(String(300), default="")
    #: Offers: planned, ongoing, completed (cancelled activities are not offers).
    status: Mapped[str] = mapped_column(String(16), default="")


class ApiToken(Base):
    """A token of the read-only API for coordination platforms, issued, scoped and revoked by the
    secretariat. Only the SHA-256 of the token is stored: it is shown once, when issued."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who the token is for (a coordination platform, a donors' group).
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: What it may read: ``needs`` (aggregated needs and offers), ``profiles`` (published profiles).
    scopes: Mapped[list[str]] = mapped_column(Json)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
