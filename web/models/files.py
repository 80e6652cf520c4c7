"""Evidence files: the content is in the file store (``web.evidence.store``) under its SHA-256; this
table records each distinct content once (its size, its type read from the content, who first sent
it), so backups and audits can list what the store must hold. Answers refer to files by hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class StoredFile(Base):
    __tablename__ = "stored_files"
    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    #: SHA-256 of the content, in hexadecimal: the file's name in the store.
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    #: The kind read from the content (magic bytes), e.g. 'pdf', and its media type.
    kind: Mapped[str] = mapped_column(String(16))
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
