"""Jobs in threads of this process, for when no Redis answers (a trial on a laptop, a test).

Same interface and rules as the RQ backend: only :data:`~web.jobs.TASKS`, JSON-like arguments,
an app context per job, debouncing. The jobs are not shared with other processes and are lost
when the process stops (they can always be asked for again).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from flask import Flask
from werkzeug.utils import import_string

from . import TASKS, JobError, JobState

log = logging.getLogger("web.jobs")
KEEP = 2000  # job records kept; the oldest finished ones are dropped beyond


class LocalBackend:
    def __init__(self, app: Flask, url: str = ""):
        self.app = app
        self.url = url  # the REDIS_URL that did not answer at start-up ("": none configured)
        self.threads = threads = int(app.config.get("PROFILE_CONCURRENCY") or os.cpu_count() or 1)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="checklist-job")
        self.jobs: dict[str, JobState] = {}
        self.order: list[str] = []  # waiting jobs, oldest first (for positions)
        self.debounced: set[str] = set()
        self.lock = threading.Lock()
        self.name = f"threads of this process ({threads} at once; no Redis)"

    def enqueue(self, task: str, args: tuple[Any, ...], job_id: str | None = None, priority: str = "interactive",
                delay: float = 0.0, meta: dict[str, Any] | None = None) -> JobState:
        if task not in TASKS:
            raise JobError(f"{task} is not a job")
        job_id = job_id or uuid.uuid4().hex
        with self.lock:
            if job_id in self.jobs and self.jobs[job_id].pending:
                raise JobError(f"job {job_id} is still waiting or running")
            self._keep()
            self.jobs[job_id] = JobState(job_id, "scheduled" if delay > 0 else "queued")
        if delay > 0:
            timer = threading.Timer(delay, self._submit, (job_id, task, args, meta or {}))
            timer.daemon = True
            timer.start()
        else:
            self._submit(job_id, task, args, meta or {})
        return self.state(job_id)

    def _submit(self, job_id: str, task: str, args: tuple[Any, ...], meta: dict[str, Any]) -> None:
        with self.lock:
            self.jobs[job_id] = JobState(job_id, "queued")
            self.order.append(job_id)
        self.pool.submit(self._run, job_id, task, args, meta)

    def _run(self, job_id: str, task: str, args: tuple[Any, ...], meta: dict[str, Any]) -> None:
        with self.lock:
            self.order.remove(job_id)
            self.debounced.discard(meta.get("debounce", ""))
            self.jobs[job_id] = JobState(job_id, "started")
        try:
            with self.app.app_context():
                result = import_string(task)(*args)
            done = JobState(job_id, "finished", result=result if isinstance(result, dict) else {})
        except Exception as exc:  # noqa: BLE001 - recorded on the job, as RQ does
            log.error("job %s (%s) failed: %s: %s", job_id, task, type(exc).__name__, exc)
            done = JobState(job_id, "failed", error=str(getattr(exc, "code", "") or "failed"),
                            detail=f"{exc}"[:1000] or type(exc).__name__)
        with self.lock:
            self.jobs[job_id] = done

    def debounce(self, key: str, window: float, task: str, args: tuple[Any, ...]) -> bool:
        with self.lock:
            if key in self.debounced:
                return False
            self.debounced.add(key)
        self.enqueue(task, args, priority="batch", delay=window, meta={"debounce": key})
        return True

    def state(self, job_id: str) -> JobState:
        with self.lock:
            found = self.jobs.get(job_id)
            if found is None:
                return JobState(job_id, "missing")
            if found.status == "queued":
                return replace(found, position=self.order.index(job_id))
            return found

    def states(self, job_ids: list[str]) -> list[JobState]:
        return [self.state(job_id) for job_id in job_ids]

    def forget(self, job_id: str) -> None:
        with self.lock:
            found = self.jobs.get(job_id)
            if found is not None and found.pending:
                raise JobError(f"job {job_id} is still waiting or running")
            self.jobs.pop(job_id, None)

    def _keep(self) -> None:
        """Drop the oldest finished records beyond :data:`KEEP` (called with the lock held)."""
        if len(self.jobs) < KEEP:
            return
        for job_id in [key for key, state in self.jobs.items() if not state.pending][: len(self.jobs) - KEEP + 1]:
            del self.jobs[job_id]

    def workers(self) -> int:
        return self.threads

    def health(self) -> dict[str, tuple[bool, str]]:
        """Ready when no Redis is configured; when one is and did not answer at start-up, not ready
        (whether it answers now or not: this process keeps its threads until restarted)."""
        if not self.url:
            return {"redis": (True, "not configured (REDIS_URL is empty)"), "queue": (True, self.name)}
        from redis.exceptions import RedisError

        from .queue import connect

        try:
            connect(self.url).ping()
            why = "answers now, but this process started without it: restart the app to use the queue"
        except RedisError as exc:
            why = f"no answer: {exc}"
        return {"redis": (False, why), "queue": (False, f"jobs run in {self.name}")}
