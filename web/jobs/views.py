"""What a download answers while its file is prepared by a job: a page that checks again by itself
(HTTP 202, ``Retry-After``, a ``<meta refresh>``: no script needed), or JSON for scripts; when the
job failed, the reason and a link to try again (HTTP 503).

:func:`download` is the whole view logic the PDF downloads share (profiles, coordination packs,
review reports): send the cached file, else queue its job and answer :func:`pending`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from . import JobError, JobState

REFRESH = 3  # seconds between checks


def wants_json() -> bool:
    """``?format=json`` or a client that prefers JSON (``Accept: application/json``)."""
    return request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json"


def ready(url: str) -> tuple[Any, int]:
    """JSON: the file is ready at ``url``."""
    return jsonify({"status": "ready", "url": url}), 200


def pending(job: JobState, what: str, retry_url: str, message: str) -> tuple[Any, int, dict[str, str]]:
    """The answer while ``job`` prepares the file described by ``what`` (or after it failed)."""
    if wants_json():
        body: dict[str, Any] = {"status": "failed" if job.failed else "pending", "job": job.status,
                                "position": job.position}
        if job.failed:
            body.update(error=job.error or job.status, message=message, retry=retry_url)
            return jsonify(body), 503, {}
        return jsonify({**body, "retry_after": REFRESH}), 202, {"Retry-After": str(REFRESH)}
    if job.failed:
        return render_template("jobs/pending.html", failed=True, message=message, what=what,
                               retry_url=retry_url), 503, {}
    return render_template("jobs/pending.html", failed=False, what=what, position=job.position,
                           refresh=REFRESH), 202, {"Retry-After": str(REFRESH)}


def download(path: Path | None, endpoint: str, values: dict[str, Any], *, name: str,
             request_job: Callable[[bool], JobState], what: Callable[[], str], message: Callable[[str], str],
             label: str, attachment: bool = True) -> WerkzeugResponse | tuple[Any, ...]:
    """A PDF download made by a job. ``path``: the cached file, if any, sent as ``name`` (``attachment``:
    saved rather than shown); ``endpoint`` and ``values``: this view's URL; ``request_job(retry)``: the
    job preparing the file (``web.jobs.ask``); ``what()``: the file, for the waiting page;
    ``message(error code)``: what a failure says; ``label``: the file, for the log.

    ``?retry=1`` queues a failed job again, then sends back to the plain URL: the page that checks
    again must not ask for a new job each time. A queue that cannot take the job answers as a failed
    job (503, error ``queue``)."""
    url = url_for(endpoint, **values)
    if path is not None:
        if wants_json():
            return ready(url)
        return send_file(path, mimetype="application/pdf", as_attachment=attachment, download_name=name,
                         max_age=0)
    retry = request.args.get("retry") == "1"
    try:
        job = request_job(retry)
    except JobError as exc:
        current_app.logger.error("%s could not be queued: %s", label, exc)
        job = JobState("", "failed", error="queue")
    if retry and not job.failed and not wants_json():
        return redirect(url)
    if job.failed:
        current_app.logger.error("%s failed: %s", label, job.error or job.status)
    return pending(job, what=what(), retry_url=url_for(endpoint, **values, retry="1"), message=message(job.error))
