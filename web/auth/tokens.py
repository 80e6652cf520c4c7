"""Single-use, expiring links to set one's password: invitations of new accounts, password resets.

The token is 32 random bytes (URL-safe); only its SHA-256 is stored (``AccountToken``), so a copy
of the database opens no account. A token works once, until ``INVITATION_MAX_AGE`` or
``PASSWORD_RESET_MAX_AGE`` seconds after it was issued, only while the account has the address it
was sent to, and only while the password has not changed since (the account's ``auth_version``).
Issuing a new link of the same purpose makes the older ones worthless. Tokens are issued when the
message is sent (``web.mail``), so the outbox never holds one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..db import db
from ..models import AccountToken, User
from ..models.base import utcnow

PURPOSES = {"invitation": "INVITATION_MAX_AGE", "reset": "PASSWORD_RESET_MAX_AGE"}


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def max_age(purpose: str) -> float:
    return float(current_app.config[PURPOSES[purpose]])


def issue(user: User, purpose: str) -> str:
    """A new token for ``user`` (the caller commits); older unused ones of this purpose stop working."""
    now = utcnow()
    db.session.execute(update(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=digest(raw), email=user.email,
                                auth_version=user.auth_version, created_at=now,
                                expires_at=now + timedelta(seconds=max_age(purpose))))
    db.session.flush()
    return raw


def find(raw: str) -> AccountToken | None:
    """The token's row if the link still works, else None (whatever the reason: never say which)."""
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalars(select(AccountToken).where(AccountToken.token_hash == digest(raw))).first()
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.active or user.email != token.email or user.auth_version != token.auth_version:
        return None
    return token


def use(token: AccountToken, password: str) -> User:
    """Set the account's password from the link (the one policy); the link and every session end.

    Raises :class:`web.admin.users.AccountError` when the password breaks the policy."""
    from ..admin.users import set_password

    user = db.session.get(User, token.user_id)
    assert user is not None
    done = db.session.execute(update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
                              .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]  # used meanwhile by another request
        raise LookupError("used")
    set_password(user, password, reason="link")
    return user
