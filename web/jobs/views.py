"""What a download answers while its file is prepared by a job: a page that checks again by itself
(HTTP 202, ``Retry-After``, a ``<meta refresh>``: no script needed), or JSON for scripts; when the
job failed, the reason and a link to try again (HTTP 503)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request

from . import JobState

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
