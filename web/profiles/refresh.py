"""Profiles rendered ahead: after a submission, acceptance or publication is committed, the State's
profiles are queued for re-rendering, so that readers and delegates download them at once.

``web/workflow.py`` announces each step it logs (``workflow.step_logged``); the responses concerned
are noted on the database session, and queued only once the session commits (a rolled-back step
queues nothing). Each file is debounced (``JOBS_DEBOUNCE`` seconds): a submission followed by its
acceptance and publication a minute later renders each file once. ``PROFILE_RERENDER`` names the
kinds re-rendered, in every UN language ("" turns this off).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

import engine

from .. import workflow
from ..jobs import JobError, backend
from ..models import Response
from .tasks import TASK

log = logging.getLogger("web.profiles")

#: Logged steps after which a profile changes.
STEPS = frozenset({"submitted", "accepted", "published", "consent"})
_PENDING = "profiles_to_render"


def init_app(app: Flask) -> None:
    workflow.step_logged.connect(_noted)  # connected once: blinker keeps one entry per receiver
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)


def kinds() -> list[str]:
    raw = str(current_app.config.get("PROFILE_RERENDER") or "")
    return [kind for kind in (part.strip() for part in raw.replace(" ", ",").split(",")) if kind]


def _noted(response: Response, action: str = "", **details: Any) -> None:
    session = object_session(response)
    if action in STEPS and session is not None:
        session.info.setdefault(_PENDING, set()).add(response.id)


def _committed(session: Session) -> None:
    responses = session.info.pop(_PENDING, None)
    if responses and has_app_context():
        queue(sorted(responses))


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def queue(responses: list[int]) -> int:
    """Queue (debounced) every profile file of ``responses``; the number of jobs queued."""
    chosen = kinds()
    window = float(current_app.config.get("JOBS_DEBOUNCE") or 0)
    queued = 0
    try:
        for response_id in responses:
            for kind in chosen:
                for lang in engine.UN_LANGUAGES:
                    queued += backend().debounce(f"profile-{response_id}-{kind}-{lang}", window, TASK,
                                                 (response_id, kind, lang))
    except JobError as exc:  # the step itself is committed: say so, lose nothing
        log.error("profiles of responses %s not queued for re-rendering: %s", responses, exc)
    return queued
