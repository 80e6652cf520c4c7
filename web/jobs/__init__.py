"""Background jobs: long work (PDF profiles today; coordination packs, Word/Excel and batch exports
later) runs in workers of a task queue, never inside a web request.

The queue is RQ on Redis (``REDIS_URL``). Two queues per installation, named from ``JOBS_QUEUE``:
``<name>`` for what a person is waiting for (a download) and ``<name>-batch`` for batches and
re-rendering after a submission; workers (``checklist worker``) take from the first before the
second. When no Redis answers at start-up, or ``REDIS_URL`` is empty, jobs run in a thread pool of
the app's own process instead (:class:`~web.jobs.local.LocalBackend`) and the app says so in its
log: fine for one person trying the app, not for production.

Rules every job follows:

* a job is a function listed in :data:`TASKS`, called with JSON values (ids, codes), inside an app
  context; workers refuse any other function, and jobs are stored as JSON, never pickled;
* a job reads what it needs from the database when it runs, so a job that waited in the queue
  works on the newest data;
* a failed job carries an error ``code`` (the exception's ``code`` attribute, e.g. a
  :class:`~exports.pdf.RenderError`'s), which pages turn into a message;
* events that ask for the same work in a short time (``JOBS_DEBOUNCE`` seconds) give one job:
  :meth:`Backend.debounce`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask, current_app

log = logging.getLogger("web.jobs")

#: The functions a job may call (dotted names), so that whoever can write to Redis cannot make a
#: worker call anything else.
TASKS = frozenset({"web.profiles.tasks.render_profile", "web.reviews.tasks.render_report",
                   "web.analysis.aggregates.refresh",
                   # e-mail (web/mail): sending the outbox, reminders and digests, and their periodic runs
                   "web.mail.tasks.send_pending", "web.mail.tasks.check", "web.jobs.periodic.run"})

#: Queue priorities: ``INTERACTIVE`` for someone waiting for a page, ``BATCH`` for the rest.
INTERACTIVE, BATCH = "interactive", "batch"

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

#: Statuses of :class:`JobState`. ``missing``: no such job (never queued, or expired).
PENDING = frozenset({"queued", "scheduled", "deferred", "started"})


class JobError(Exception):
    """The queue could not take or describe a job (Redis went away, a bad setting)."""


@dataclass(frozen=True)
class JobState:
    """What is known about one job."""

    id: str
    status: str  # queued, scheduled, deferred, started, finished, failed, stopped, canceled, missing
    error: str = ""  # the failure's code (finished jobs: empty)
    detail: str = ""  # the failure's message, for logs and the command line
    position: int | None = None  # jobs ahead of it in its queue, when queued
    result: dict[str, Any] = field(default_factory=dict)  # what a finished job returned

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "stopped", "canceled")


class Backend(Protocol):
    """What the app needs from a queue (RQ on Redis, or threads of this process)."""

    name: str  # shown on start-up and by /readyz

    def enqueue(self, task: str, args: tuple[Any, ...], job_id: str | None = None, priority: str = INTERACTIVE,
                delay: float = 0.0, meta: dict[str, Any] | None = None) -> JobState: ...

    def debounce(self, key: str, window: float, task: str, args: tuple[Any, ...]) -> bool: ...

    def state(self, job_id: str) -> JobState: ...

    def states(self, job_ids: list[str]) -> list[JobState]: ...

    def forget(self, job_id: str) -> None: ...

    def health(self) -> dict[str, tuple[bool, str]]: ...

    def workers(self) -> int: ...


def init_app(app: Flask) -> None:
    """Choose the backend: RQ when Redis answers, else threads of this process (said in the log)."""
    queue = app.config.get("JOBS_QUEUE") or "checklist"
    if not _NAME.fullmatch(queue):
        raise ValueError(f"JOBS_QUEUE={queue!r}: use 1 to 64 letters, digits, '-' or '_'")
    url = app.config.get("REDIS_URL") or ""
    backend: Backend | None = None
    if url:
        from .queue import RedisBackend, RedisUnavailable

        try:
            backend = RedisBackend(url, queue, app.config)
        except RedisUnavailable as exc:
            log.warning("NO JOB QUEUE: Redis does not answer at %s (%s). PDF profiles and other background "
                        "jobs run in a thread of this process instead. Start Redis and `checklist worker` "
                        "for production (docs/deploy.md).", safe_url(url), exc)
    else:
        log.info("REDIS_URL is empty: background jobs run in a thread of this process")
    if backend is None:
        from .local import LocalBackend

        backend = LocalBackend(app, url)
    app.extensions["jobs"] = backend


def backend() -> Backend:
    """The current app's queue."""
    found: Backend = current_app.extensions["jobs"]
    return found


def job_id(*parts: str) -> str:
    """A job id made of ``JOBS_QUEUE`` and ``parts`` (RQ allows letters, digits, '-' and '_')."""
    text = "-".join([current_app.config.get("JOBS_QUEUE") or "checklist", *parts])
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def ask(task: str, args: tuple[Any, ...], name: str, retry: bool = False, priority: str = INTERACTIVE) -> JobState:
    """The job ``name`` (a file someone waits for): the one already waiting or running, else a new
    one. A failed job is reported as failed until someone asks to ``retry``."""
    jobs = backend()
    state = jobs.state(name)
    if state.pending or (state.failed and not retry):
        return state
    try:
        return jobs.enqueue(task, args, job_id=name, priority=priority)
    except JobError:
        state = jobs.state(name)  # another request queued it meanwhile
        if state.pending:
            return state
        raise


def safe_url(url: str) -> str:
    """The URL without its password, for the log."""
    return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)
