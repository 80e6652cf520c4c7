"""Review cycles: a reporting round that covers some chapters, answered on one questionnaire version.

The secretariat opens a cycle (``checklist cycles open`` or ``/admin/deadlines``): a name, the
chapters of the framework in scope, the questionnaire version and the dates. It is a
``ReportingRound`` with ``chapters`` and ``version_id``; there is no second concept. A State's
response started while the cycle is open belongs to it (``Response.round_id``), and
``web.deadlines.round_of`` reads that link.

**Chapters in scope.** The forms, progress, check page and profile of a response in a cycle show
only the questions of its chapters, and the questions tied to no provision (general information,
the focal point). Answers to other chapters are kept, never shown or counted (:class:`Scope`).

**Carried forward, confirmed.** A State that starts a cycle after an earlier response to the same
questionnaire gets its previous answers carried over, through the version mappings when the
version changed (``web.versions.carry``). Each carried answer is marked with the version it came
from (``Answer.carried_from``) until the State confirms it (one action per provision) or changes
it; progress counts an unconfirmed answer as not done, and submission waits for every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

import engine

from .. import catalog
from ..db import db
from ..fill.pages import Page, Pages, pages
from ..models import Answer, AnswerRevision, QuestionnaireVersion, ReportingRound, Response, State, User
from ..models.base import utcnow


class CycleError(ValueError):
    """A cycle that cannot be opened or started as asked; ``str()`` is a code, ``detail`` the values."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


# -- scope -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """The chapters a cycle covers."""

    chapters: frozenset[str]

    def covers(self, q: engine.Questionnaire, question_id: str) -> bool:
        """A question of a chapter in scope, or tied to no provision at all (general questions)."""
        framework = q.framework
        refs = q.provisions_of(question_id)
        if framework is None or not refs:
            return True
        for ref in refs:
            article = framework.article_of(ref)
            if article is None or article.chapter in self.chapters:
                return True
        return False

    def question_ids(self, q: engine.Questionnaire) -> list[str]:
        return [qid for qid, item in q.index.items.items()
                if isinstance(item, engine.Question) and self.covers(q, qid)]

    def pages(self, q: engine.Questionnaire) -> Pages:
        """The pages of the questionnaire with a question in scope (cached per questionnaire)."""
        key = "pages-in-scope:" + ",".join(sorted(self.chapters))
        cached: Pages | None = q.index.cache.get(key)
        if cached is None:
            cached = q.index.cache[key] = pages(q).subset(lambda page: self._shows(q, page))
        return cached

    def _shows(self, q: engine.Questionnaire, page: Page) -> bool:
        return any(self.covers(q, qid) for qid in page.question_ids)


def scope_of(response: Response) -> Scope | None:
    """The chapters in scope of the cycle a response belongs to (None: the whole questionnaire)."""
    found = db.session.get(ReportingRound, response.round_id) if response.round_id else None
    if found is None or not found.chapters:
        return None
    return Scope(frozenset(found.chapters))


def pages_of(response: Response, q: engine.Questionnaire) -> Pages:
    scope = scope_of(response)
    return scope.pages(q) if scope is not None else pages(q)


def chapter_ids(q: engine.Questionnaire) -> list[str]:
    return [chapter.id for chapter in q.framework.chapters] if q.framework else []


# -- opening ------------------------------------------------------------------------------------------
def open_cycle(questionnaire_id: str, name: str, chapters: Iterable[str], due_on: date, opens_on: date | None,
               user_id: int | None, version: str | None = None) -> ReportingRound:
    """Open a cycle of ``questionnaire_id`` (its live version unless ``version`` is given)."""
    from ..deadlines import DeadlineError, open_new
    from ..versions import live_version, published_version

    target = published_version(questionnaire_id, version) if version else live_version(questionnaire_id)
    if target is None:
        raise CycleError("unknown_version", f"{questionnaire_id} {version or ''}".strip())
    wanted = [c.strip().upper() for c in chapters if c.strip()]
    known = chapter_ids(catalog.questionnaire(target))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise CycleError("unknown_chapters", ", ".join(unknown) + " (" + ", ".join(known) + ")")
    try:
        found = open_new(questionnaire_id, name, due_on, opens_on, user_id)
    except DeadlineError as exc:
        raise CycleError(str(exc)) from None
    found.chapters = sorted(set(wanted), key=known.index)
    found.version_id = target.id
    db.session.flush()
    return found


def open_cycle_of(questionnaire_id: str) -> ReportingRound | None:
    """The open round of the questionnaire if it is a review cycle (it names a version); a plain
    reporting round (a due date only) leaves responses as they were."""
    from ..deadlines import open_round

    found = open_round(questionnaire_id)
    return found if found is not None and found.version_id is not None else None


def names() -> dict[int, str]:
    """Every round's name by id (for listings)."""
    return {row[0]: row[1] for row in db.session.execute(select(ReportingRound.id, ReportingRound.name))}


def started(questionnaire_id: str, responses: Iterable[Response]) -> bool:
    """Has the State (whose ``responses`` these are) a response to answer now: in the open cycle of
    the questionnaire, or, without an open cycle, any response to it?"""
    found = open_cycle_of(questionnaire_id)
    mine = [r for r in responses if r.version.questionnaire_id == questionnaire_id]
    return any(r.round_id == found.id for r in mine) if found is not None else bool(mine)


def version_of(found: ReportingRound) -> QuestionnaireVersion | None:
    from ..versions import live_version

    if found.version_id:
        return db.session.get(QuestionnaireVersion, found.version_id)
    return live_version(found.questionnaire_id)


# -- starting, carrying forward ------------------------------------------------------------------------
def previous_response(state_id: int, questionnaire_id: str, before: Response | None = None) -> Response | None:
    """The State's latest response to the questionnaire (other than ``before``), any version."""
    query = (select(Response).join(QuestionnaireVersion).where(
        Response.state_id == state_id, QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(Response.created_at.desc(), Response.id.desc()))
    if before is not None:
        query = query.where(Response.id != before.id)
    return db.session.scalars(query).first()


def start(state: State, version: QuestionnaireVersion, user: User) -> tuple[Response, bool]:
    """The State's response to ``version`` in the open cycle of its questionnaire (started if needed,
    with the previous answers carried forward). Returns the response and whether it is new."""
    from ..progress import refresh

    found = open_cycle_of(version.questionnaire_id)
    if found is not None:
        version = version_of(found) or version
    round_id = found.id if found is not None else None
    mine = select(Response).where(
        Response.state_id == state.id, Response.version_id == version.id,
        Response.round_id.is_(None) if round_id is None else Response.round_id == round_id)
    existing = db.session.scalars(mine).first()
    if existing is not None:
        return existing, False
    earlier = previous_response(state.id, version.questionnaire_id) if found is not None else None
    response = Response(state_id=state.id, version_id=version.id, status="draft", round_id=round_id)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # started at the same moment by another request (a double click): that one
        return db.session.scalars(mine).one(), False
    refresh(response, catalog.questionnaire(version), {})
    if earlier is not None:
        carry_forward(earlier, response, user)
    return response, True


def carry_forward(earlier: Response, response: Response, user: User) -> int:
    """Copy the answers of ``earlier`` into the new, empty ``response`` (mapped to its version), each
    marked "carried over from <version>"; returns how many were carried. ``earlier`` is left as it
    was. Answers the version has no question for are copied as written, unmarked (listed read-only).
    One insert for all rows: the values were checked when stored and again by ``versions.carry``."""
    from ..answers import hold, stored, values
    from ..progress import refresh
    from ..versions import carry
    from ..workflow import log

    if response.round_id is None:  # what carried_answers relies on to read nothing outside cycles
        raise ValueError(f"response {response.id} is in no review cycle: answers are carried over only into one")
    hold(response)
    q = catalog.questionnaire(response.version)
    rows = stored(earlier)
    given = {qid: row.value for qid, row in rows.items() if row.value is not None}
    moved = carry(earlier.version, response.version, given)
    label = earlier.version.version
    homeless = [qid for qid in moved.orphans if not isinstance(q.index.items.get(qid), engine.Question)]
    placed: list[tuple[str, str, Any, str | None]] = [
        (new_id, old_id, value, label) for new_id, (old_id, value) in moved.values.items()]
    placed += [(qid, qid, given[qid], None) for qid in homeless]
    now = utcnow()
    if placed:
        db.session.execute(insert(Answer), [
            {"response_id": response.id, "question_id": new_id, "value": value, "language": rows[old_id].language,
             "version": 1, "updated_at": now, "updated_by_id": user.id, "carried_from": mark}
            for new_id, old_id, value, mark in placed])
        db.session.execute(insert(AnswerRevision), [
            {"response_id": response.id, "question_id": new_id, "version": 1, "old_value": None, "new_value": value,
             "language": rows[old_id].language, "user_id": user.id, "created_at": now, "source": "carried"}
            for new_id, old_id, value, _mark in placed])
    refresh(response, q, values(q, stored(response)))
    log(response, user, "carried", source=earlier.id, version=label, carried=len(moved.values),
        orphans=sorted(moved.orphans))
    return len(moved.values)


def unconfirmed(response: Response, carried: Mapping[str, str] | None = None) -> dict[str, str]:
    """Carried answers not yet confirmed or changed, in the cycle's chapters (the State cannot see
    the others): question id -> version carried from. ``carried``: every such answer, in or out of
    the chapters, when the caller read them already (:func:`carried_answers`)."""
    rows = list((carried if carried is not None else carried_answers(response)).items())
    scope = scope_of(response) if rows else None
    q = catalog.questionnaire(response.version) if scope is not None else None
    return {qid: str(label) for qid, label in rows if q is None or scope is None or scope.covers(q, qid)}


def carried_answers(response: Response) -> dict[str, str]:
    """Every carried answer not yet confirmed or changed, in one query (see :func:`unconfirmed`).
    None, and no query, outside review cycles: answers are carried over only into a cycle's new
    response (:func:`start`, :func:`carry_forward`), and a response never changes cycle."""
    if response.round_id is None:
        return {}
    return {qid: str(label) for qid, label in db.session.execute(select(Answer.question_id, Answer.carried_from).where(
        Answer.response_id == response.id, Answer.carried_from.is_not(None), Answer.value.is_not(None)))}


def confirm(response: Response, q: engine.Questionnaire, question_ids: Iterable[str], user: User) -> list[str]:
    """Confirm carried answers as they are (one action for a provision's page); logged."""
    from ..answers import hold, stored, values
    from ..progress import refresh
    from ..workflow import log

    hold(response)
    wanted = [qid for qid in question_ids if qid in unconfirmed(response)]
    if not wanted:
        return []
    db.session.execute(update(Answer).where(Answer.response_id == response.id, Answer.question_id.in_(wanted))
                       .values(carried_from=None).execution_options(synchronize_session=False))
    db.session.expire_all()
    refresh(response, q, values(q, stored(response)))
    log(response, user, "confirmed", questions=sorted(wanted))
    return wanted
