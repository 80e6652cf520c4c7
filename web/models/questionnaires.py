"""Published questionnaire definitions: every version is kept with its source and hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json, UTCDateTime, utcnow


class QuestionnaireVersion(Base):
    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "version", name="one_per_version"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The ``id`` of the definition (e.g. ``uncac_checklist``), stable across versions.
    questionnaire_id: Mapped[str] = mapped_column(String(64), index=True)
    #: The ``version`` of the definition (e.g. ``2026.1``).
    version: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the source: what a response was answered against, exactly.
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The YAML source as published (the engine loads it from here). Deferred: read only when a
    #: process first loads this version (or an editor opens it), never with every response.
    source: Mapped[str] = mapped_column(Text, deferred=True)
    #: ``{language: title}``, for listings without loading the source.
    title: Mapped[dict[str, Any]] = mapped_column(Json)
    #: ``draft`` (being edited), ``published`` (the live one) or ``retired``.
    status: Mapped[str] = mapped_column(String(16), default="published")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Decisions recorded at publication (answer mappings, confirmed removals).
    notes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    #: What changed and why, written by the publisher; shown to States (None before this was asked).
    publication_notes: Mapped[str | None] = mapped_column(Text)

    def title_in(self, lang: str) -> str:
        return str(self.title.get(lang) or self.title.get("en") or self.questionnaire_id)


class TranslationReview(Base):
    """A translation a person checked, or one brought in from a translator's file.

    Stored per version and text; the hashes say which source text and which translation were
    looked at, so a review still holds in a later version while neither changed, and an English
    text changed since shows as needing a new translation.
    """

    __tablename__ = "translation_reviews"
    __table_args__ = (
        UniqueConstraint("version_id", "key", "lang", name="one_per_text"),
        CheckConstraint("kind IN ('reviewed', 'imported')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"), index=True)
    #: The text's place in the definition (``engine.translate`` key, e.g. ``sections[1].title``).
    key: Mapped[str] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(16))
    #: ``reviewed`` (marked by a person) or ``imported`` (from a PO or XLIFF file).
    kind: Mapped[str] = mapped_column(String(16), default="reviewed")
    #: SHA-256 of the default-language text the translation was checked against.
    source_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the translation as checked.
    text_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
