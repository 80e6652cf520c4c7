"""Helpers of the e-mail tests: a queue that records the jobs asked for (the tests then run them as
a worker would, in an app context, so that nothing runs behind their back), and outbox readers."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.utils import import_string

from tests.conftest import context
from web.jobs import JobError, JobState


class RecordingQueue:
    """The job queue's interface; keeps what is asked of it. ``fail`` makes it act as a Redis down."""

    name = "recording queue (tests)"

    def __init__(self) -> None:
        self.jobs: list[tuple[str, tuple[Any, ...], str | None, float]] = []
        self.fail = False

    def enqueue(self, task: str, args: tuple[Any, ...], job_id: str | None = None, priority: str = "interactive",
                delay: float = 0.0, meta: dict[str, Any] | None = None) -> JobState:
        if self.fail:
            raise JobError("the job queue does not answer: Connection refused")
        self.jobs.append((task, args, job_id, delay))
        return JobState(job_id or "x", "queued")

    def state(self, job_id: str) -> JobState:
        return JobState(job_id, "missing")

    def debounce(self, key: str, window: float, task: str, args: tuple[Any, ...]) -> bool:
        return False

    def states(self, job_ids: list[str]) -> list[JobState]:
        return [self.state(j) for j in job_ids]

    def forget(self, job_id: str) -> None:
        return None

    def health(self) -> dict[str, tuple[bool, str]]:
        return {}

    def workers(self) -> int:
        return 1

    def run(self, app: Flask) -> list[Any]:
        """Run the jobs queued so far, as a worker would (each in its own app context)."""
        jobs, self.jobs = self.jobs, []
        results = []
        for task, args, _job_id, _delay in jobs:
            with app.app_context():
                results.append(import_string(task)(*args))
        return results


def send(app: Flask) -> dict[str, int]:
    """One run of the sending job, as a worker runs it."""
    from web.mail.outbox import send_pending

    with app.app_context():
        return send_pending()


def outbox(**where: Any) -> list[Any]:
    from web.extensions import db
    from web.models import OutboxMessage

    with context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(db.session.scalars(query))


def set_language(user: Any, lang: str | None) -> None:
    from web.extensions import db
    from web.models import User

    with context():
        db.session.get(User, user.id).language = lang
        db.session.commit()


def prefer(user: Any, **choices: bool) -> None:
    from web.extensions import db
    from web.models import MailPreference

    with context():
        row = db.session.get(MailPreference, user.id) or MailPreference(user_id=user.id)
        for name, value in {"digest": False, "reminders": True, "reviews": True, "comments": True,
                            "assignments": True, **choices}.items():
            setattr(row, name, value)
        db.session.merge(row)
        db.session.commit()
