"""Daily digests: the notifications of people who prefer one message a day are ``held`` in the
outbox; once a day, after ``MAIL_DIGEST_HOUR`` (UTC), each such person's held notifications are
gathered into one message (unique per person and day), and each is marked as carried by it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..db import db
from ..models import OutboxMessage, User
from ..models.base import utcnow
from .outbox import add


def moment(now: datetime) -> datetime:
    """The latest digest time at or before ``now``."""
    hour = int(current_app.config.get("MAIL_DIGEST_HOUR") or 0) % 24
    cutoff = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return cutoff if cutoff <= now else cutoff - timedelta(days=1)


def run(now: datetime | None = None) -> int:
    """Write the digests due at ``now`` (default: now); the number written."""
    cutoff = moment(now or utcnow())
    held = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == "held", OutboxMessage.created_at < cutoff).order_by(OutboxMessage.id)))
    by_user: dict[int, list[OutboxMessage]] = {}
    for item in held:
        if item.user_id is not None:
            by_user.setdefault(item.user_id, []).append(item)
    written = 0
    for user_id, items in by_user.items():
        user = db.session.get(User, user_id)
        if user is None:
            continue
        digest = add(user, "digest", {"count": len(items)}, key=f"digest:{user_id}:{cutoff.date().isoformat()}")
        if digest is None:
            continue
        db.session.flush()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([i.id for i in items]),
                                                        OutboxMessage.status == "held")
                           .values(status="digested", digest_id=digest.id).execution_options(synchronize_session=False))
        written += 1
    db.session.commit()
    return written


def release(user: User) -> int:
    """The person gave up the digest: their held notifications go out one by one (the caller commits)."""
    done = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.status == "held")
        .values(status="pending", next_attempt_at=utcnow()).execution_options(synchronize_session=False))
    if done.rowcount:  # type: ignore[attr-defined]
        from .outbox import _WAKE

        db.session.info[_WAKE] = True
    return int(done.rowcount)  # type: ignore[attr-defined]
