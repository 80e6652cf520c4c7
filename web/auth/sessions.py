"""Login sessions known to the server.

The signed session cookie carries a random token; the server keeps its hash with the time the
session began and was last used (``LoginSession``). A request is logged in only while that row is
open, younger than ``SESSION_MAX_AGE`` and used within ``SESSION_IDLE_TIMEOUT`` (seconds). Logout
ends the row, a password change or reset ends every row of the account: a replayed copy of an old
cookie is anonymous.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import joinedload

from ..db import WRITE_METHODS, db
from ..models import LoginSession, User
from ..models.base import utcnow

#: Noting each use costs a write: at most once a minute per session.
TOUCH_EVERY = timedelta(seconds=60)
KEY = "sid"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(user: User) -> None:
    """A new server session for ``user`` (after a successful login), its token in the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(LoginSession(user_id=user.id, token_hash=_digest(token), created_at=now, seen_at=now))
    session[KEY] = token


def end(reason: str) -> None:
    """End the current request's server session (logout)."""
    token = session.pop(KEY, None)
    if token:
        db.session.execute(update(LoginSession).where(
            LoginSession.token_hash == _digest(token), LoginSession.ended_at.is_(None))
            .values(ended_at=utcnow(), ended_reason=reason))


def end_all(user: User, reason: str) -> None:
    """End every open session of ``user`` (password changed or reset); the caller commits."""
    db.session.execute(update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason))


#: Built once (every request runs it): SQLAlchemy then keeps its cache key with it.
_USER_WITH_SESSION = select(User, LoginSession).outerjoin(LoginSession, and_(
    LoginSession.user_id == User.id, LoginSession.token_hash == bindparam("digest"))).where(
    User.id == bindparam("user_id")).options(joinedload(User.assignments))


def user_with_session(user_id: int) -> tuple[User | None, LoginSession | None]:
    """The user ``user_id`` (with their State and assignments) and the request's server session,
    read in one query (every request reads both): the session is None when the token is unknown
    or another account's; without a token, nothing is read (no one is logged in). Check the
    session with :func:`is_open`."""
    token = session.get(KEY)
    if not isinstance(token, str) or not token:
        return None, None
    found = db.session.execute(_USER_WITH_SESSION, {"user_id": user_id, "digest": _digest(token)}).unique().first()
    if found is None:
        return None, None
    return found[0], found[1]


def is_open(user: User, row: LoginSession | None) -> bool:
    """Is ``row`` (the request's session as :func:`user_with_session` read it) an open server
    session of ``user``? Notes its use."""
    now = utcnow()
    config = current_app.config
    if (row is None or row.user_id != user.id or row.ended_at is not None
            or now - row.seen_at > timedelta(seconds=config["SESSION_IDLE_TIMEOUT"])
            or now - row.created_at > timedelta(seconds=config["SESSION_MAX_AGE"])):
        return False
    if now - row.seen_at >= TOUCH_EVERY:
        _touch(row, now)
    return True


def _touch(row: LoginSession, now: object) -> None:
    if request.method in WRITE_METHODS:  # the request's own write transaction
        row.seen_at = now  # type: ignore[assignment]
        return
    with db.writing() as writer:  # a read-only request: a short write of its own
        writer.execute(update(LoginSession).where(LoginSession.id == row.id).values(seen_at=now))
