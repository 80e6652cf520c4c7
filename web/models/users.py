"""Accounts, their role, their State and (for contributors) their assignment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Base, UTCDateTime, utcnow
from .states import State

#: secretariat administrator, secretariat reviewer, State focal point, State contributor, reader,
#: provider of technical assistance (an international organization or a donor; tied to no State)
ROLES = ("secretariat_admin", "secretariat_reviewer", "focal_point", "contributor", "reader", "provider")
STATE_ROLES = ("focal_point", "contributor")
SECRETARIAT_ROLES = ("secretariat_admin", "secretariat_reviewer")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('secretariat_admin', 'secretariat_reviewer', 'focal_point', "
                        "'contributor', 'reader', 'provider')", name="known_role"),
        CheckConstraint("(role IN ('focal_point', 'contributor')) = (state_id IS NOT NULL)",
                        name="state_roles_have_a_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-case e-mail address, the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    #: The State a focal point or contributor answers for; none for other roles.
    state_id: Mapped[int | None] = mapped_column(ForeignKey("states.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The State's focal point for technical assistance (State users only; listed in its directory).
    ta_focal_point: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Contact details shown in the directory of focal points (within the State's consent).
    position: Mapped[str] = mapped_column(String(200), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(50), default="", server_default="")
    #: The institution (State users) or the organization a provider account speaks for.
    organization: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: A governmental expert of their State: reads the submitted self-assessments of the States
    #: their State reviews in a cycle and comments on them (``web.reviews``).
    expert: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Interface language chosen by the user (remembered across sessions).
    language: Mapped[str | None] = mapped_column(String(8))
    #: Bumped when the password is reset: every session opened before stops working.
    auth_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    state: Mapped[State | None] = relationship(lazy="joined")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                         lazy="selectin")

    # -- Flask-Login ---------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.auth_version}"

    # -- passwords -------------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # -- roles -------------------------------------------------------------------------------
    @property
    def is_secretariat(self) -> bool:
        return self.role in SECRETARIAT_ROLES

    @property
    def is_provider(self) -> bool:
        return self.role == "provider"

    @property
    def is_expert(self) -> bool:
        return self.expert and self.role in STATE_ROLES and self.state_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role == "secretariat_admin"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Assignment(Base):
    """Limits a contributor to some chapters or articles of the framework (none: everything)."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "scope", "ref", name="one_per_ref"),
        CheckConstraint("scope IN ('chapter', 'article')", name="known_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: ``chapter`` or ``article``.
    scope: Mapped[str] = mapped_column(String(16))
    #: A chapter id (``III``) or article id (``15``) of the questionnaire's framework.
    ref: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="assignments")


class LoginSession(Base):
    """One login, known to the server: the browser's cookie carries only its random token.

    A session ends on the server (logout, a password change or reset, the idle or absolute
    lifetime), so a copy of an old cookie is worth nothing. Rows are kept as a record of logins.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token kept in the session cookie (the token itself is never stored).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last request seen (noted at most once a minute).
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ``logout``, ``password`` (changed by the user), ``reset`` (by an administrator or the CLI).
    ended_reason: Mapped[str | None] = mapped_column(String(16))
