"""Periodic jobs, run by the workers through RQ's scheduler (no cron needed).

Each periodic job is scheduled for the next multiple of its interval, under a job id that names
that slot: whichever worker schedules it (every worker checks at start and then every few
minutes, ``AppWorker.run_maintenance_tasks``), there is one job per slot. Each run schedules the
next slot before it does its work, so a failing run does not stop the series.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app
from werkzeug.utils import import_string

from . import INTERACTIVE, JobError, backend, job_id

log = logging.getLogger("web.jobs")
TASK = "web.jobs.periodic.run"

#: name -> (the job function, the setting giving its interval in seconds)
EVERY = {
    "mail-send": ("web.mail.tasks.send_pending", "MAIL_SEND_EVERY"),
    "mail-check": ("web.mail.tasks.check", "MAIL_CHECK_EVERY"),
}


def interval(name: str) -> int:
    return max(1, int(current_app.config.get(EVERY[name][1]) or 60))


def schedule(name: str, now: float | None = None) -> bool:
    """Schedule ``name``'s next slot (True if this call queued it, False if it already was)."""
    now = time.time() if now is None else now
    every = interval(name)
    slot = int(now // every) + 1
    try:
        jobs = backend()
        wanted = job_id("every", name, str(slot))
        if jobs.state(wanted).status != "missing":
            return False
        jobs.enqueue(TASK, (name,), job_id=wanted, priority=INTERACTIVE, delay=max(0.5, slot * every - now))
    except JobError as exc:
        log.info("periodic job %s not scheduled now: %s", name, exc)
        return False
    return True


def ensure() -> None:
    """Every periodic job has its next run scheduled."""
    for name in EVERY:
        schedule(name)


def run(name: str) -> Any:
    """The job: schedule the next run, then do this one."""
    if name not in EVERY:
        raise ValueError(f"{name} is not a periodic job")
    schedule(name)
    return import_string(EVERY[name][0])()
