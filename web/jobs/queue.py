"""The queue on Redis: RQ queues, jobs stored as JSON, and our own keys for debouncing.

Keys: RQ's own (``rq:queue:<name>``, ``rq:job:<id>``, registries), and ours under
``<JOBS_QUEUE>:`` (``<JOBS_QUEUE>:debounce:<what>``). Several installations, or test sessions, share
one Redis safely when their ``JOBS_QUEUE`` differ.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker_registration import WORKERS_BY_QUEUE_KEY

from . import BATCH, INTERACTIVE, JobError, JobState, safe_url

RESULT_TTL = 3600  # seconds a finished job's record (and its result) is kept
FAILURE_TTL = 3600  # seconds a failed job is remembered (its page says so until someone retries)


class RedisUnavailable(Exception):
    """No Redis answered at start-up."""


def queue_names(name: str) -> dict[str, str]:
    """The RQ queues of an installation, in the order workers take jobs from them."""
    return {INTERACTIVE: name, BATCH: f"{name}-batch"}


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)


class RedisBackend:
    def __init__(self, url: str, name: str, config: Mapping[str, Any]):
        self.redis = connect(url)
        try:
            self.redis.ping()
        except RedisError as exc:
            raise RedisUnavailable(str(exc) or type(exc).__name__) from None
        self.queues = {priority: Queue(queue, connection=self.redis, serializer=JSONSerializer)
                       for priority, queue in queue_names(name).items()}
        self.prefix = f"{name}:"
        self.timeout = int(float(config.get("PROFILE_TIMEOUT") or 120)) + 60  # the render's own limit comes first
        names = ", ".join(queue.name for queue in self.queues.values())
        self.name = f"RQ on Redis at {safe_url(url)}, queues {names}"

    # -- jobs --------------------------------------------------------------------------------------
    def enqueue(self, task: str, args: tuple[Any, ...], job_id: str | None = None, priority: str = INTERACTIVE,
                delay: float = 0.0, meta: dict[str, Any] | None = None) -> JobState:
        queue = self.queues[priority]
        options: dict[str, Any] = {"job_id": job_id or f"{self.queues[INTERACTIVE].name}-{uuid.uuid4().hex}",
                                   "job_timeout": self.timeout, "result_ttl": RESULT_TTL, "failure_ttl": FAILURE_TTL,
                                   "meta": meta or {}}
        try:
            if job_id:
                self.forget(job_id)
            if delay > 0:
                job = queue.enqueue_in(timedelta(seconds=delay), task, *args, **options)
            else:
                job = queue.enqueue(task, *args, **options)
        except RedisError as exc:
            raise JobError(f"the job queue does not answer: {exc}") from exc
        return _state(job)

    def debounce(self, key: str, window: float, task: str, args: tuple[Any, ...]) -> bool:
        """Queue ``task`` in ``window`` seconds unless a job for ``key`` is already waiting; the worker
        clears the key when the job starts, so later events queue a new one. True if queued."""
        marker = f"{self.prefix}debounce:{key}"
        try:
            if not self.redis.set(marker, "1", nx=True, ex=int(window) + self.timeout + 60):
                return False
            self.enqueue(task, args, priority=BATCH, delay=window, meta={"debounce": marker})
        except RedisError as exc:
            raise JobError(f"the job queue does not answer: {exc}") from exc
        except JobError:
            self.redis.delete(marker)
            raise
        return True

    def state(self, job_id: str) -> JobState:
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            return JobState(job_id, "missing")
        except RedisError as exc:
            raise JobError(f"the job queue does not answer: {exc}") from exc
        return _state(job)

    def states(self, job_ids: list[str]) -> list[JobState]:
        try:
            jobs = Job.fetch_many(job_ids, connection=self.redis, serializer=JSONSerializer)
            return [_state(job, with_position=False) if job else JobState(job_id, "missing")
                    for job_id, job in zip(job_ids, jobs, strict=True)]
        except RedisError as exc:
            raise JobError(f"the job queue does not answer: {exc}") from exc

    def forget(self, job_id: str) -> None:
        """Delete a job that is not waiting or running (a failed or finished one)."""
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            return
        if _state(job, with_position=False).pending:
            raise JobError(f"job {job_id} is still waiting or running")
        job.delete()

    # -- health ------------------------------------------------------------------------------------
    def workers(self) -> int:
        """Workers alive (their key not expired) that listen on the interactive queue."""
        queue = self.queues[INTERACTIVE]
        try:
            keys = sorted(self.redis.smembers(WORKERS_BY_QUEUE_KEY % queue.name))
            return int(sum(self.redis.exists(key) for key in keys))
        except RedisError as exc:
            raise JobError(f"the job queue does not answer: {exc}") from exc

    def health(self) -> dict[str, tuple[bool, str]]:
        try:
            self.redis.ping()
        except RedisError as exc:
            return {"redis": (False, f"no answer: {exc}"), "queue": (False, "Redis does not answer")}
        try:
            count = self.workers()
            waiting = {queue.name: queue.count for queue in self.queues.values()}
        except (RedisError, JobError) as exc:
            return {"redis": (True, "ok"), "queue": (False, f"no answer: {exc}")}
        backlog = ", ".join(f"{name}: {n} waiting" for name, n in waiting.items())
        workers = (True, f"{count} worker(s)") if count else (
            False, f"no worker listens on queue '{self.queues[INTERACTIVE].name}' (start `checklist worker`): "
                   "downloads of files not yet rendered wait until one does")
        return {"redis": (True, "ok"), "queue": (True, backlog), "workers": workers}


def _state(job: Job, with_position: bool = True) -> JobState:
    status = job.get_status(refresh=False)
    value = status.value if status is not None else "missing"
    position = job.get_position() if with_position and value == "queued" else None
    result: Any = job.return_value(refresh=False) if value == "finished" else None
    failed = value != "finished"
    return JobState(job.id, value, str(job.meta.get("error", "")) if failed else "",
                    str(job.meta.get("detail", "")) if failed else "", position,
                    result if isinstance(result, dict) else {})
