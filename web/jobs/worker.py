"""The worker (``checklist worker``): an RQ worker that runs each job inside the app's context.

It is RQ's ``SimpleWorker`` (no fork per job): the dangerous part of a job, rendering a PDF, already
runs in a separate, limited process (:func:`exports.pdf.render_pdf`: no network, an address-space
limit, a timeout), whose fork server keeps WeasyPrint loaded between jobs. The worker refuses jobs
that call anything outside :data:`~web.jobs.TASKS`, records the error code of a failed job, and
runs RQ's scheduler, which releases debounced jobs when their time comes.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from flask import Flask
from rq.job import Job
from rq.queue import Queue
from rq.serializers import JSONSerializer
from rq.worker import SimpleWorker

from . import TASKS
from .queue import connect, queue_names

log = logging.getLogger("web.jobs")


class UnknownTask(Exception):
    code = "refused"


class AllowedJob(Job):
    """A job that runs only the functions of :data:`~web.jobs.TASKS`."""

    def _execute(self) -> Any:
        if self.func_name not in TASKS:
            raise UnknownTask(f"{self.func_name} is not a job of this app")
        return super()._execute()


class AppWorker(SimpleWorker):
    app: Flask

    def run_maintenance_tasks(self) -> None:
        """RQ's own upkeep, then: every periodic job (``web.jobs.periodic``) has its next run scheduled."""
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]  # RQ leaves it unannotated
        from . import periodic

        with self.app.app_context():
            periodic.ensure()

    def perform_job(self, job: Job, queue: Queue) -> bool:
        marker = job.meta.get("debounce")
        if marker:  # from now on, a new event queues a new job (this one may have read older data)
            self.connection.delete(marker)
        with self.app.app_context():
            return bool(super().perform_job(job, queue))


def record_error(job: Job, kind: type[BaseException], value: BaseException, traceback: TracebackType) -> bool:
    """Keep the failure's code on the job (pages turn it into a message); then RQ's own handling."""
    job.meta["error"] = str(getattr(value, "code", "") or "failed")
    job.meta["detail"] = f"{value}"[:1000] or kind.__name__
    job.save_meta()
    return True


def make_worker(app: Flask) -> AppWorker:
    names = queue_names(app.config.get("JOBS_QUEUE") or "checklist")
    redis = connect(app.config["REDIS_URL"])
    queues = [Queue(name, connection=redis, serializer=JSONSerializer, job_class=AllowedJob)
              for name in names.values()]
    worker = AppWorker(queues, connection=redis, serializer=JSONSerializer, job_class=AllowedJob,
                       exception_handlers=[record_error])
    worker.app = app
    return worker


def run(app: Flask, burst: bool = False, logging_level: str = "INFO") -> bool:
    """Work until stopped (or, with ``burst``, until the queues are empty)."""
    worker = make_worker(app)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=logging_level))
