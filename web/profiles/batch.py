"""Many profiles at once (``checklist profiles``): every State with a response, in every language
asked for, queued for the workers (batch priority: downloads go first), then collected into a
folder as the jobs finish. Files already in the cache are copied at once."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from exports import profile as profiles
from exports.cache import ProfileCache

from ..extensions import db
from ..jobs import BATCH, backend, job_id
from ..models import QuestionnaireVersion, Response, State
from . import QUESTIONNAIRE, Settings, gettext_for, profile_data
from .tasks import TASK


@dataclass
class Outcome:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # name -> why


@dataclass
class Batch:
    """Files asked for: those found in the cache (copied), and those left to jobs."""

    out: Path
    total: int = 0
    outcome: Outcome = field(default_factory=Outcome)
    jobs: dict[str, str] = field(default_factory=dict)  # job id -> output file name, while pending

    def wait(self, progress: Callable[[str], None] | None = None, poll: float = 0.5) -> Outcome:
        """Collect the files as their jobs finish; ``progress(name)`` after each one."""
        queue = backend()
        while self.jobs:
            for state in queue.states(list(self.jobs)):
                if state.pending:
                    continue
                name = self.jobs.pop(state.id)
                if state.status == "finished" and state.result.get("file"):
                    shutil.copyfile(state.result["file"], self.out / name)
                    (self.outcome.rendered if state.result.get("rendered") else self.outcome.cached).append(name)
                else:
                    why = state.detail or state.error or state.status
                    self.outcome.failed[name] = "job lost (expired or deleted)" if state.status == "missing" else why
                if progress:
                    progress(name)
            if self.jobs:
                time.sleep(poll)
        return self.outcome


def latest_responses(codes: list[str] | None = None) -> list[Response]:
    """Each State's newest response to the profile questionnaire (every State with one, or ``codes``)."""
    query = (select(Response).join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
             .join(State, Response.state_id == State.id)
             .where(QuestionnaireVersion.questionnaire_id == QUESTIONNAIRE)
             .order_by(State.code, Response.created_at.desc(), Response.id.desc()))
    if codes:
        query = query.where(State.code.in_([code.upper() for code in codes]))
    latest: dict[int, Response] = {}
    for response in db.session.scalars(query):
        latest.setdefault(response.of_state.id, response)
    return list(latest.values())


def output_name(code: str, kind: str, lang: str) -> str:
    return f"{code}-{kind}-{lang}.pdf"


def queue_all(responses: list[Response], langs: list[str], kinds: list[str], out: Path,
              settings: Settings | None = None, progress: Callable[[str], None] | None = None) -> Batch:
    """Copy the cached files to ``out`` and queue a job for each of the others (workers start on the
    first ones at once); ``progress(name)`` for each file copied or failed here."""
    settings = settings or Settings.current()
    cache = ProfileCache(settings.folder)
    out.mkdir(parents=True, exist_ok=True)
    batch = Batch(out, total=len(responses) * len(langs) * len(kinds))
    translations = {lang: gettext_for(lang) for lang in langs}
    run = uuid.uuid4().hex[:8]
    queue = backend()
    chosen = [(response.id, response.of_state.code) for response in responses]
    for response_id, code in chosen:
        error = ""
        try:
            data = profile_data(db.session.get_one(Response, response_id))
        except Exception as exc:  # noqa: BLE001 - one broken response must not stop the batch
            data, error = None, f"{type(exc).__name__}: {exc}"
        db.session.rollback()  # a short transaction per response: workers read meanwhile (on SQLite too)
        for lang in langs:
            for kind in kinds:
                name = output_name(code, kind, lang)
                path = None if data is None else cache.get(
                    code, kind, lang, profiles.cache_key(data, lang, kind, translations[lang]))
                if data is not None and path is None:
                    state = queue.enqueue(TASK, (response_id, kind, lang), priority=BATCH,
                                          job_id=job_id("batch", run, code, kind, lang))
                    batch.jobs[state.id] = name
                    continue
                if path is not None:
                    shutil.copyfile(path, out / name)
                    batch.outcome.cached.append(name)
                else:
                    batch.outcome.failed[name] = error
                if progress:
                    progress(name)
    return batch
