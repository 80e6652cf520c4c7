"""The life of a response: draft -> submitted -> returned or accepted -> amended as a new revision.

Submitting freezes an immutable snapshot (answers, questionnaire version, content hash, who, when)
in the same transaction as the status change, so a crash leaves either the old state or the new
one. Every step first takes the response's lock (``lock``), the same one every save of answers
holds (``web.answers.hold``): a save and a status change of one response never interleave, so a
snapshot is exactly the answers at the moment of submission. Profiles of submitted responses are
built from their latest snapshot, not from the live answers. Every step is written to the
response's activity log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import func, select, update

import engine

from . import catalog, cycles
from .db import db
from .loaded import loaded
from .models import Activity, QuestionnaireVersion, Response, Snapshot, User
from .models.base import utcnow
from .models.responses import TRANSITIONS
from .progress import refresh

#: Sent as ``step_logged.send(response, action=..., user=..., details=...)`` for every step logged
#: (before the commit); ``web.profiles.refresh`` queues re-rendering of the State's profiles once the
#: step is committed, ``web.mail.events`` writes the notifications in the step's transaction.
step_logged = Namespace().signal("workflow-step-logged")


class WorkflowError(Exception):
    """A step that is not allowed now (wrong status, incomplete answers, a concurrent change)."""

    def __init__(self, code: str, issues: dict[str, tuple[engine.Problem, ...]] | None = None):
        super().__init__(code)
        self.code = code
        self.issues = issues or {}


def log(response: Response, user: User | None, action: str, **details: Any) -> None:
    db.session.add(Activity(response_id=response.id, user_id=user.id if user else None, action=action,
                            details=details))
    step_logged.send(response, action=action, user=user, details=details)


def lock(response: Response) -> None:
    """Hold the response's lock until the transaction ends, with its status re-read under it."""
    db.lock(response, "status", "version_id", "revision", "published")


def _move(response: Response, action: str) -> None:
    """Change the status only if nobody changed it meanwhile (under the lock, and compare-and-set)."""
    allowed, target = TRANSITIONS[action]
    lock(response)
    if response.status not in allowed:
        raise WorkflowError("wrong_status")
    done = db.session.execute(
        update(Response).where(Response.id == response.id, Response.status == response.status)
        .values(status=target, updated_at=utcnow()).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise WorkflowError("concurrent_change")
    db.session.refresh(response)


def canonical(answers: dict[str, Any]) -> str:
    return json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def submit(response: Response, user: User) -> Snapshot:
    """Freeze the answers; refused while a visible required answer is missing or breaks a rule."""
    lock(response)  # before reading the answers: no save may land between the read and the status change
    if response.status not in TRANSITIONS["submit"][0]:
        raise WorkflowError("wrong_status")
    q = catalog.questionnaire(response.version)
    state = loaded(response, q).fresh().whole()  # read under the lock
    rows, evaluation = state.rows, state.evaluation
    pending = [qid for qid in cycles.unconfirmed(response) if evaluation.is_visible(qid)]
    if pending:  # carried over from the previous cycle: the State confirms or changes each first
        raise WorkflowError("unconfirmed", {qid: () for qid in pending})
    issues = evaluation.issues(include_missing=True)
    scope = cycles.scope_of(response)  # a review cycle asks only its chapters
    if scope is not None:
        issues = {qid: found for qid, found in issues.items() if scope.covers(q, qid)}
    if issues:
        raise WorkflowError("incomplete", issues)
    refresh(response, q, evaluation.answers, evaluation)
    _move(response, "submit")
    number = (db.session.scalar(select(func.max(Snapshot.number)).where(Snapshot.response_id == response.id))
              or 0) + 1
    frozen = {qid: {"value": row.value, "version": row.version, "language": row.language}
              for qid, row in sorted(rows.items()) if row.value is not None}
    total = evaluation.total
    snapshot = Snapshot(
        response_id=response.id, number=number, revision=response.revision, version_id=response.version_id,
        content_hash=response.version.content_hash, answers=frozen,
        summary={"percent": response.percent, "answered": total.answered, "required": total.required,
                 "required_answered": total.required_answered,
                 "not_applicable": sorted(evaluation.not_applicable)},
        answers_hash=hashlib.sha256(canonical(frozen).encode()).hexdigest(), created_by_id=user.id,
        created_at=utcnow())
    db.session.add(snapshot)
    response.submitted_at = snapshot.created_at
    db.session.flush()
    log(response, user, "submitted", snapshot=number, revision=response.revision)
    return snapshot


def return_to_state(response: Response, user: User, note: str = "") -> None:
    _move(response, "return")
    log(response, user, "returned", note=note[:2000])


def accept(response: Response, user: User, publish: bool = False) -> None:
    """Accept; publish the profile too when asked and the State's consent allows it (else not)."""
    _move(response, "accept")
    response.accepted_at = utcnow()
    response.published = publish and response.consent == "profile"
    log(response, user, "accepted", published=response.published)


def amend(response: Response, user: User) -> None:
    """Reopen an accepted response as its next revision; what was accepted stays in its snapshot."""
    _move(response, "amend")
    response.revision += 1
    response.published = False
    log(response, user, "amended", revision=response.revision)


def set_published(response: Response, user: User, published: bool) -> None:
    lock(response)
    if response.status != "accepted":
        raise WorkflowError("wrong_status")
    if published and response.consent != "profile":
        raise WorkflowError("no_consent")  # the State has not let its profile be published
    response.published = published
    log(response, user, "published" if published else "unpublished")


def latest_snapshot(response: Response) -> Snapshot | None:
    return db.session.scalars(select(Snapshot).where(Snapshot.response_id == response.id)
                              .order_by(Snapshot.number.desc())).first()


@dataclass(frozen=True)
class ProfileSource:
    """What a profile or an export is built from: a snapshot when there is one, else live answers."""

    response: Response
    version: QuestionnaireVersion
    questionnaire: engine.Questionnaire
    answers: dict[str, Any]  # question id -> engine value
    languages: dict[str, str]  # question id -> language a text answer was written in
    snapshot: Snapshot | None
    as_of: datetime
    raw: dict[str, Any]  # question id -> stored JSON value (not null)
    versions: dict[str, int]  # question id -> version of the answer

    @property
    def key(self) -> str:
        """Changes whenever the content of the profile can change (for caching rendered files)."""
        return source_key(self.response, self.snapshot)


def source_key(response: Response, snapshot: Snapshot | None) -> str:
    """The one name of what a profile or an export of ``response`` is built from: its latest
    ``snapshot`` (id and hash of the answers), or the time of its last save when it has none."""
    if snapshot is not None:
        return f"s{snapshot.id}-{snapshot.answers_hash[:16]}"
    return f"r{response.id}-{response.updated_at.timestamp():.6f}"


def profile_source(response: Response, live: bool = False) -> ProfileSource:
    """The answers a profile shows: the latest snapshot of a submitted or accepted response
    (``live=True`` forces the current answers, e.g. for a State previewing its draft)."""
    snapshot = None if live or response.status == "draft" else latest_snapshot(response)
    if snapshot is not None:
        version = db.session.get(QuestionnaireVersion, snapshot.version_id)
        assert version is not None
        q = catalog.questionnaire(version)
        raw = {qid: item["value"] for qid, item in snapshot.answers.items() if item.get("value") is not None}
        versions = {qid: int(item.get("version") or 0) for qid, item in snapshot.answers.items()}
        languages = {qid: item["language"] for qid, item in snapshot.answers.items() if item.get("language")}
        as_of = snapshot.created_at
    else:
        version = response.version
        q = catalog.questionnaire(version)
        rows = loaded(response, q).rows  # every row, read once per request
        raw = {qid: row.value for qid, row in rows.items() if row.value is not None}
        versions = {qid: row.version for qid, row in rows.items()}
        languages = {qid: row.language for qid, row in rows.items() if row.language}
        as_of = response.updated_at
    parsed = engine.answers_from_json(q, raw)
    return ProfileSource(response, version, q, parsed, languages, snapshot, as_of, raw, versions)
