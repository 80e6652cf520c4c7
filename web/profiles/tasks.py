"""Profile jobs: what a worker runs (:func:`render_profile`) and how the app asks for it."""

from __future__ import annotations

from typing import Any

from .. import consent
from ..extensions import db
from ..jobs import INTERACTIVE, JobState, ask, job_id
from ..models import Response
from . import Wanted, render_file

TASK = "web.profiles.tasks.render_profile"


class ResponseGone(Exception):
    code = "gone"


def render_profile(response_id: int, kind: str, lang: str, shared: bool = False) -> dict[str, Any]:
    """The job: render the profile of the response as it is when the job runs (or find it cached);
    ``shared``: the edition readers get, of the chapters the State consents to share (read now)."""
    response = db.session.get(Response, response_id)
    if response is None:
        raise ResponseGone(f"response {response_id} no longer exists")
    code = response.of_state.code
    chapters = consent.shared_chapters(response) if shared else None
    path, rendered = render_file(response, lang, kind, chapters=chapters)
    result: dict[str, Any] = {"file": str(path), "state": code, "kind": kind, "lang": lang,
                              "rendered": rendered is not None}
    if rendered is not None:
        result.update(seconds=round(rendered.seconds, 3), cpu_seconds=round(rendered.cpu_seconds, 3),
                      pages=rendered.pages, size=rendered.size, peak_memory=rendered.peak_memory)
    return result


def download_job(wanted: Wanted) -> str:
    """The job id of a requested file: the same for every request of the same content."""
    variant = (wanted.variant,) if wanted.variant else ()
    return job_id("profile", wanted.response.of_state.code, wanted.kind, wanted.lang, *variant, wanted.key[:32])


def request_render(wanted: Wanted, retry: bool = False, priority: str = INTERACTIVE) -> JobState:
    """The job preparing ``wanted``: the one already waiting or running, else a new one. A failed job
    is reported as failed until someone asks to ``retry``."""
    args = (wanted.response.id, wanted.kind, wanted.lang, *((True,) if wanted.chapters is not None else ()))
    return ask(TASK, args, download_job(wanted), retry=retry, priority=priority)
