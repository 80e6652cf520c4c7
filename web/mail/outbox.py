"""The outbox: every message is a row written in the same transaction as its cause, and sent later
by a job.

* Writing: :func:`add` (an event, a reminder, an invitation) inserts a row; a notification the
  person switched off is not written, one the person wants in a daily digest is ``held``. After
  the transaction commits, a sending job is queued (a rolled-back event sends nothing). If the
  queue does not answer, the message waits: the worker's periodic run, or ``checklist mail
  send-pending``, sends it.
* Sending: :func:`send_pending` (a job, never a web request) claims each due message with a
  compare-and-set (``pending`` -> ``sending``), so two workers never send the same one; renders it
  in the recipient's language; sends it by SMTP; marks it ``sent``. A temporary failure (server
  down, 4xx) puts it back with a later ``next_attempt_at`` (``MAIL_RETRY_BASE`` seconds, doubling up
  to ``MAIL_RETRY_MAX``) and queues a job for then; after ``MAIL_GIVE_UP_AFTER`` seconds, or on a
  permanent refusal (5xx), it is ``failed``, listed on the delivery log, and can be sent again.
* A sender that died while holding a message gives it back after :data:`STALE` (the message may
  then go twice: at least once, never lost; the same Message-ID lets mail programs merge copies).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import db
from ..jobs import INTERACTIVE, JobError, backend, job_id
from ..models import MailPreference, OutboxMessage, User
from ..models.base import utcnow
from . import kinds, transport
from .render import render

log = logging.getLogger("web.mail")
SEND_TASK = "web.mail.tasks.send_pending"
STALE = timedelta(minutes=15)
_WAKE = "mail_to_send"


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)


# -- writing ----------------------------------------------------------------------------------------
def preferences(user: User) -> MailPreference:
    """The person's choices (defaults when never saved; not added to the session then)."""
    found = db.session.get(MailPreference, user.id)
    return found or MailPreference(user_id=user.id, digest=False, reminders=True, reviews=True, comments=True,
                                   assignments=True)


def wants(user: User, category: str) -> bool:
    return category in (kinds.ACCOUNT, kinds.DIGEST) or bool(getattr(preferences(user), category, True))


def add(user: User | None, kind: str, params: dict[str, Any] | None = None, *, address: str | None = None,
        key: str | None = None, session: Session | None = None) -> OutboxMessage | None:
    """Write a message to the outbox in the current transaction (the caller commits).

    ``user`` None: a message to ``address`` whose account is looked up when sending (a password
    reset: the request does the same work whether or not the address has an account). ``key``
    makes the message unique: a second one with the same key is not written (None returned)."""
    session = session or db.session
    category = kinds.KINDS[kind].category if kind in kinds.KINDS else kinds.DIGEST
    status = "pending"
    if user is not None and category not in (kinds.ACCOUNT, kinds.DIGEST):
        if not user.active or not wants(user, category):
            return None
        if preferences(user).digest:
            status = "held"
    row = OutboxMessage(user_id=user.id if user is not None else None,
                        address=(address or (user.email if user else "")).strip().lower()[:254], kind=kind,
                        params=params or {}, status=status, dedupe_key=key, attempts=0, next_attempt_at=utcnow(),
                        created_at=utcnow())
    if key is None:
        session.add(row)
    else:
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
            return None
        try:
            with session.begin_nested():  # another run wrote the same key meanwhile: keep theirs
                session.add(row)
        except IntegrityError:
            return None
    if status == "pending":
        session.info[_WAKE] = True
    return row


def _committed(session: Session) -> None:
    if session.info.pop(_WAKE, None) and has_app_context():
        wake()


def _rolled_back(session: Session) -> None:
    session.info.pop(_WAKE, None)


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def wake(delay: float = 0.0) -> None:
    """Queue a sending job (one at a time: while one waits, more messages join it)."""
    if not configured():
        return
    if delay > 0:
        at = int((utcnow() + timedelta(seconds=delay)).timestamp())
        name = job_id("mail-retry", str(at))
    else:
        name = job_id("mail-send")
    jobs = backend()
    try:
        if jobs.state(name).pending:  # a job waits or runs: it sends what is due when it looks
            return
        jobs.enqueue(SEND_TASK, (), job_id=name, priority=INTERACTIVE, delay=delay)
    except JobError as exc:  # queued by another process meanwhile, or no queue: the message is safe
        log.info("no sending job queued (%s); the outbox is sent by the next run", exc)


# -- sending ----------------------------------------------------------------------------------------
def send_pending(limit: int | None = None) -> dict[str, int]:
    """Send every due message (at most ``limit``, default ``MAIL_BATCH``); counts per outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "dropped": 0}
    if not configured():
        counts["waiting"] = _count_pending()
        return counts
    _release_stale()
    config = current_app.config
    limit = limit or int(config.get("MAIL_BATCH") or 200)
    done = 0
    unreachable = False
    with transport.SMTPTransport(config) as smtp:
        while done < limit and not unreachable:  # again until none is due: messages written meanwhile too
            due = list(db.session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
                .order_by(OutboxMessage.id).limit(min(50, limit - done))))
            db.session.commit()
            if not due:
                break
            for message_id in due:
                done += 1
                if not _claim(message_id):
                    continue
                outcome = _deliver(message_id, smtp)
                counts[outcome] += 1
                if outcome == "retry" and smtp.connection is None:
                    unreachable = True  # the server does not answer: the rest wait for the next run
                    break
    _next_run(done >= limit and not unreachable)
    return counts


def _count_pending() -> int:
    return int(db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "pending")) or 0)


def _release_stale() -> None:
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.status == "sending", OutboxMessage.claimed_at < utcnow() - STALE)
        .values(status="pending").execution_options(synchronize_session=False))
    db.session.commit()


def _claim(message_id: int) -> bool:
    done = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(status="sending", claimed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def _deliver(message_id: int, smtp: transport.SMTPTransport) -> str:
    session = db.session
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    try:
        user = _recipient(message)
        items = list(session.scalars(select(OutboxMessage).where(OutboxMessage.digest_id == message.id)))
        rendered = render(message, user, items)
        message_id_header = _message_id(message)
        headers = {}
        if message.kind not in ("invitation", "password_reset"):
            from .links import external

            headers["List-Unsubscribe"] = f"<{external('mail.preferences')}>"
        smtp.send(transport.build(str(current_app.config["MAIL_SENDER"]), message.address, rendered,
                                  message_id_header, headers))
    except kinds.Drop as why:
        session.rollback()
        return _finish(message_id, "dropped", error=str(why))
    except transport.Permanent as exc:
        session.rollback()
        log.error("message %s to %s refused: %s", message_id, message.address, exc)
        return _finish(message_id, "failed", error=str(exc), attempt=True)
    except transport.Temporary as exc:
        session.rollback()
        return _retry(message_id, str(exc))
    except Exception as exc:  # a bug in rendering must not stop the other messages
        session.rollback()
        log.exception("message %s could not be written", message_id)
        return _retry(message_id, f"{type(exc).__name__}: {exc}")
    message.status, message.sent_at, message.subject = "sent", utcnow(), rendered.subject
    message.language, message.message_id, message.attempts = rendered.lang, message_id_header, message.attempts + 1
    message.last_error = None
    if message.user_id is None and user is not None:
        message.user_id = user.id
    session.commit()  # also commits the link's token, which exists only now that the link is sent
    return "sent"


def _recipient(message: OutboxMessage) -> User | None:
    if message.user_id is not None:
        user = db.session.get(User, message.user_id)
        if user is None:
            raise kinds.Drop("the account no longer exists")
        message.address = user.email  # the account's address now (an administrator may have corrected it)
        return user
    found = db.session.scalars(select(User).where(User.email == message.address)).first()
    return found  # None: the kind decides (a reset for an unknown address is dropped)


def _message_id(message: OutboxMessage) -> str:
    domain = transport.sender_domain(str(current_app.config["MAIL_SENDER"]))
    return f"<checklist.{message.id}.{int(message.created_at.timestamp())}@{domain}>"


def _finish(message_id: int, status: str, error: str = "", attempt: bool = False) -> str:
    values: dict[str, Any] = {"status": status, "last_error": error[:2000] or None, "claimed_at": None}
    if attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return status


def _retry(message_id: int, error: str) -> str:
    """Back to pending with a later attempt (doubling waits), or failed when it is too old."""
    config = current_app.config
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    attempts = message.attempts + 1
    if utcnow() - message.created_at > timedelta(seconds=float(config.get("MAIL_GIVE_UP_AFTER") or 0)):
        log.error("message %s to %s given up after %d attempts: %s", message_id, message.address, attempts, error)
        return _finish(message_id, "failed", error=f"gave up after {attempts} attempts: {error}", attempt=True)
    wait = min(float(config.get("MAIL_RETRY_MAX") or 3600),
               float(config.get("MAIL_RETRY_BASE") or 60) * 2 ** (attempts - 1))
    message.status, message.attempts, message.claimed_at = "pending", attempts, None
    message.next_attempt_at, message.last_error = utcnow() + timedelta(seconds=wait), error[:2000]
    db.session.commit()
    log.warning("message %s to %s not sent (attempt %d), next attempt in %.0f s: %s", message_id, message.address,
                attempts, wait, error)
    return "retry"


def _next_run(more_now: bool) -> None:
    """Queue the next sending job: at once when this run left due messages, else when the earliest
    waiting message is due (a scheduled re-queue: the backoff of temporary failures)."""
    if more_now:
        wake()
        return
    earliest: datetime | None = db.session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.status == "pending"))
    db.session.commit()
    if earliest is not None:
        wake(max(1.0, (earliest - utcnow()).total_seconds()))


def resend(message: OutboxMessage) -> None:
    """Send a failed or dropped message again (from the delivery log); the caller commits."""
    message.status, message.next_attempt_at, message.claimed_at = "pending", utcnow(), None
    db.session.info[_WAKE] = True
