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
    #: The YAML source as published (the engine loads it from here).
    source: Mapped[str] = mapped_column(Text)
    #: ``{language: title}``, for listings without loading the source.
    title: Mapped[dict[str, Any]] = mapped_column(Json)
    #: ``draft`` (being edited), ``published`` (the live one) or ``retired``.
    status: Mapped[str] = mapped_column(String(16), default="published")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Decisions recorded at publication (answer mappings, confirmed removals).
    notes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)

    def title_in(self, lang: str) -> str:
        return str(self.title.get(lang) or self.title.get("en") or self.questionnaire_id)
