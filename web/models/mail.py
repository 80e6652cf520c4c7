"""E-mail: the outbox (every message, written in the same transaction as the event that causes
it, sent later by a job), people's notification preferences, and single-use account links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Json, UTCDateTime, utcnow

#: pending: to send (at ``next_attempt_at``); sending: claimed by a sender; sent; failed: given up
#: (a permanent refusal, or too long without success; the secretariat can send it again);
#: held: waits for the person's daily digest; digested: went out in digest ``digest_id``;
#: dropped: nobody to send to (a reset asked for an address without an account, an account
#: closed meanwhile, a notification switched off meanwhile).
MESSAGE_STATUSES = ("pending", "sending", "sent", "failed", "held", "digested", "dropped")


class OutboxMessage(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested', 'dropped')",
                        name="known_status"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The recipient's account (none for a reset asked for an address: resolved when sending).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Where it goes (the account's address when the message was written).
    address: Mapped[str] = mapped_column(String(254))
    #: What it says: ``invitation``, ``password_reset``, ``reminder``, ``submitted``, ``digest``...
    kind: Mapped[str] = mapped_column(String(32))
    #: What the message is about, as plain values (ids, codes, a note); rendered when it is sent, in
    #: the recipient's language then. Never a secret: links with tokens are made when sending.
    params: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: Makes a message unique (a reminder per deadline step and person, a digest per person and day).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The subject as sent, and the language it was written in (for the delivery log).
    subject: Mapped[str | None] = mapped_column(String(400))
    language: Mapped[str | None] = mapped_column(String(8))
    #: The Message-ID header it was sent with.
    message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: The digest that carried this notification.
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id", ondelete="SET NULL"))


class MailPreference(Base):
    """What a person wants by e-mail (no row: the defaults, every notification, one by one)."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: One message a day with every notification, instead of one message per event.
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    reviews: Mapped[bool] = mapped_column(Boolean, default=True)
    comments: Mapped[bool] = mapped_column(Boolean, default=True)
    assignments: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountToken(Base):
    """A single-use, expiring link to set one's password (an invitation or a reset).

    Only the SHA-256 of the token is stored; the token itself exists only in the e-mail. A token
    is refused once used, after ``expires_at``, when the account's address changed, and when the
    password changed since it was issued (``auth_version``).
    """

    __tablename__ = "account_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('invitation', 'reset')", name="known_purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The address the link was sent to.
    email: Mapped[str] = mapped_column(String(254))
    #: The account's ``auth_version`` when issued: a password change since makes the link worthless.
    auth_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
