"""Importing answers from the JSON export: checked completely first, then stored through
``web.answers.save`` (source ``import``) with the exported answer versions as the base of each
change. An answer changed since the export is a conflict: then nothing at all is stored.

Only the secretariat's administrators import (a State's answers written on its behalf, e.g. sent
offline); only responses that are being answered (draft, returned) can take answers, and a State
that has not started the questionnaire gets a draft response.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

import engine
from exports import schemas

from .. import bounds, catalog
from ..answers import TEXT_TYPES, Change, Conflict, save
from ..db import db
from ..models import QuestionnaireVersion, Response, State, User
from ..models.responses import EDITABLE_STATUSES
from ..progress import refresh
from ..workflow import log


@dataclass
class Outcome:
    saved: int = 0
    unchanged: int = 0
    responses: list[str] = field(default_factory=list)  # "KEN uncac_checklist 2026.1"
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (State, question): hidden by the answers
    not_applicable: int = 0


class ImportConflict(Exception):
    """Answers changed since the export (or refused by the engine): nothing was stored."""

    def __init__(self, conflicts: list[tuple[str, Conflict]], refused: list[tuple[str, str, str]]):
        super().__init__("conflict")
        self.conflicts = conflicts  # (State, conflict)
        self.refused = refused  # (State, question, problem code)


def _version(questionnaire_id: str, version: str) -> QuestionnaireVersion | None:
    return db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id, QuestionnaireVersion.version == version)).first()


def _questionnaire(questionnaire_id: str, version: str) -> engine.Questionnaire | None:
    found = _version(questionnaire_id, version)
    return catalog.questionnaire(found) if found is not None else None


def _target(state_code: str, questionnaire_id: str, version: str) -> tuple[State | None, Response | None]:
    state = db.session.scalars(select(State).where(State.code == state_code)).first()
    found = _version(questionnaire_id, version)
    if state is None or found is None:
        return state, None
    response = db.session.scalars(select(Response).where(
        Response.state_id == state.id, Response.version_id == found.id)).first()
    return state, response


def may_write(user: User):  # type: ignore[no-untyped-def]
    def check(state_code: str, questionnaire_id: str, version: str) -> str | None:
        if not user.is_admin:
            return "not_writable"
        state, response = _target(state_code, questionnaire_id, version)
        if state is None:
            return "unknown_state"
        if response is None:
            found = _version(questionnaire_id, version)
            return None if found is not None and found.status == "published" else "not_writable"
        return None if response.status in EDITABLE_STATUSES else "under_review"

    return check


def run(text: str | bytes, user: User) -> Outcome:
    """Check and store; the caller commits. Raises ``schemas.ImportRefused`` or :class:`ImportConflict`
    (after rolling back everything this import did)."""
    try:
        bounds.loads(text)  # nested too deeply: refused before anything walks it
    except (ValueError, UnicodeDecodeError):
        raise schemas.ImportRefused([schemas.Issue("", "invalid_json")]) from None
    planned = schemas.load_import(text, _questionnaire, may_write(user))
    outcome = Outcome()
    conflicts: list[tuple[str, Conflict]] = []
    refused: list[tuple[str, str, str]] = []
    for plan in planned:
        version = _version(plan.questionnaire_id, plan.version)
        assert version is not None
        q = catalog.questionnaire(version)
        state, response = _target(plan.state, plan.questionnaire_id, plan.version)
        assert state is not None
        if response is None:
            response = Response(state_id=state.id, version_id=version.id, status="draft")
            db.session.add(response)
            db.session.flush()
            refresh(response, q, {})
            log(response, user, "created", source="import")
        saved = 0
        for language, changes in _by_language(q, plan.changes):
            result = save(response, q, changes, user, source="import", language=language)
            saved += len(result.saved)
            outcome.unchanged += len(result.unchanged)
            conflicts += [(plan.state, conflict) for conflict in result.conflicts]
            refused += [(plan.state, qid, problems[0].code) for qid, problems in result.refused.items()]
            outcome.ignored += [(plan.state, qid) for qid in result.ignored]
        outcome.saved += saved
        outcome.not_applicable += plan.not_applicable
        outcome.responses.append(f"{plan.state} {plan.questionnaire_id} {plan.version}")
        log(response, user, "imported", saved=saved)
    if conflicts or refused:
        db.session.rollback()
        raise ImportConflict(conflicts, refused)
    return outcome


def _by_language(q: engine.Questionnaire, changes: tuple[schemas.Change, ...]) -> list[tuple[str | None, list[Change]]]:
    """``save`` takes one language per call: the changes grouped by the language of their text, the
    largest group (with every non-text answer, on which conditions depend) first."""
    def is_text(change: schemas.Change) -> bool:
        return q.question(change.question_id).type in TEXT_TYPES

    counts = Counter(c.language for c in changes if is_text(c))
    main = counts.most_common(1)[0][0] if counts else None
    groups: dict[str | None, list[Change]] = {main: []}
    for change in changes:
        language = change.language if is_text(change) else main
        groups.setdefault(language, []).append(Change(change.question_id, change.value, change.base_version))
    return [(language, group) for language, group in groups.items() if group]
