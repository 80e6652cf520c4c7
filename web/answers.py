"""Saving answers without ever losing or silently overwriting one.

Every change carries the version of the answer its author saw. A change based on an older
version than the stored one is a **conflict**: nothing is overwritten, the caller gets both
values, and the refused value is kept in the history too. A stale change whose value is the value
of the version it was based on changes nothing (a page save posts every field, touched or not):
the newer saved answer stays, without asking, and the caller is told (``Result.kept``). The same
change sent twice (same save key, or same value) is recorded once. Values posted for questions
that the new answers hide are ignored; stored answers of hidden questions are kept (flagged "not
applicable" by the engine).
Values that do not parse, or go beyond their type's hard limits (text length, table rows, list
length: ``web.bounds``), are refused with a problem for their field; values that parse but break a
softer rule (a pattern, a constraint, a question's own length) are saved (a draft may be imperfect)
and reported. Values for questions the user may not change (outside a contributor's assigned chapters
and articles) are refused too, with the problem ``not_assigned``: nothing is silently dropped.

Every save holds the response's lock for the rest of its transaction (``hold``) and re-reads the
status under it: a save that began before a submission (or any other status change) and would
commit after it is refused with :class:`ResponseClosed`, and stores nothing. Status changes take the
same lock (``web.workflow``), so a submission's snapshot always holds exactly the live answers.
The fill pages' saves (page save, autosave) read the response under its lock in the first place
(``access.response(lock=True)``): the status, the answers and the stored evaluation they read are
read once, under the lock, and the save reads nothing again; any other caller's save reads again,
under the lock, what it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import g
from sqlalchemy import Select, and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

import engine
from engine.types import Problem

from . import evaluations
from .bounds import beyond_hard_limit
from .db import db
from .loaded import Rows, loaded
from .models import Answer, AnswerRevision, Response, User
from .models.base import utcnow
from .models.responses import EDITABLE_STATUSES
from .progress import refresh

TEXT_TYPES = frozenset({"text", "long_text", "table"})
#: Why a value for a question outside the user's assignment was not stored.
NOT_ASSIGNED = Problem("not_assigned")


class ResponseClosed(Exception):
    """The response stopped taking answers while the request was on its way (it was submitted,
    accepted, or moved to another questionnaire version meanwhile): nothing was stored."""

    def __init__(self, status: str, moved: bool = False):
        super().__init__(status)
        self.status = status
        self.moved = moved


def hold(response: Response) -> None:
    """Serialise with every other write to ``response``: take its lock, re-read its status and
    version, and refuse if it no longer takes answers or moved to another version. A response read
    under its lock in this transaction (``db.lock_of``) is not read again: what was read is current."""
    seen_version = response.version_id
    if db.lock_of(response) is None:  # else read under the lock already (``access.response(lock=True)``)
        db.lock(response, "status", "version_id", "revision")
    if response.status not in EDITABLE_STATUSES or response.version_id != seen_version:
        raise ResponseClosed(response.status, moved=response.version_id != seen_version)


@dataclass(frozen=True)
class Change:
    """One answer a user wants stored: the raw (JSON) value and the version it was based on."""

    question_id: str
    value: Any
    base_version: int  # 0: there was no answer yet
    save_key: str | None = None


@dataclass(frozen=True)
class Conflict:
    question_id: str
    theirs: Any
    their_version: int
    mine: Any
    updated_by: str
    updated_at: datetime | None


@dataclass
class Result:
    saved: dict[str, int] = field(default_factory=dict)  # question id -> new version
    unchanged: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: dict[str, tuple[Problem, ...]] = field(default_factory=dict)  # not stored, shown to the user
    #: Stale changes that did not change anything (the value of the version they were based on): the
    #: newer saved answer stays, and the caller shows it -> (its version, its JSON value).
    kept: dict[str, tuple[int, Any]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # questions the new answers hide, or notes
    evaluation: engine.Evaluation | None = None


def stored(response: Response) -> dict[str, Answer]:
    rows = db.session.scalars(select(Answer).where(Answer.response_id == response.id))
    return {row.question_id: row for row in rows}


def values(q: engine.Questionnaire, rows: dict[str, Answer]) -> dict[str, Any]:
    """Stored answers as engine values (answers the version has no question for are skipped;
    they stay in the database, shown as they were written, never silently dropped)."""
    return engine.answers_from_json(q, {qid: row.value for qid, row in rows.items()})


def save(response: Response, q: engine.Questionnaire, changes: Iterable[Change], user: User, source: str,
         language: str | None = None, may_answer: Any = None, visible_only: bool = True,
         read: Iterable[str] = ()) -> Result:
    """Apply ``changes`` in the current transaction (the caller commits).

    ``read``: what the caller shows after the save (a page's questions and what their conditions
    read), read with what the save reads, so that showing it reads nothing more.

    ``visible_only=False`` (migrations, imports of whole responses) stores answers of questions
    the answers hide too: they are kept, flagged not applicable by the engine.
    """
    hold(response)
    result = Result()
    changes = list(changes)
    state = loaded(response, q)
    if state.lock is None or state.lock is not db.lock_of(response):
        state.fresh()  # read again under the lock: only what this save needs
    rows = state.rows
    current = state.answers
    parsed: dict[str, tuple[Change, Any]] = {}
    for change in changes:
        item = q.index.items.get(change.question_id)
        if not isinstance(item, engine.Question) or item.type == "note":
            result.ignored.append(change.question_id)
            continue
        if may_answer is not None and not may_answer(change.question_id):
            result.refused[change.question_id] = (NOT_ASSIGNED,)  # said, never silently dropped
            continue
        too_big = beyond_hard_limit(item, change.value)  # before parsing: no work on a value we refuse
        if too_big is not None:
            result.refused[change.question_id] = (too_big,)
            continue
        try:
            value = engine.TYPES[item.type].from_json(item, change.value)
        except engine.InvalidAnswer as exc:
            result.refused[change.question_id] = (exc.problem,)
            continue
        parsed[change.question_id] = (change, value)
    before = state.evaluation
    evaluations.before_update(before, rows, parsed, {*read, *parsed})  # the changed rows with what they reach
    proposed = Overlay(current, {qid: value for qid, (_change, value) in parsed.items()})
    evaluation = before.update(proposed, parsed)
    keys = _saved_keys(response.id, [(qid, change.save_key) for qid, (change, _value) in parsed.items()
                                     if change.save_key])
    taken_back: dict[str, Any] = {}
    for qid, (change, value) in parsed.items():
        if visible_only and not evaluation.is_visible(qid) and value is not None:
            result.ignored.append(qid)  # posted for a question the answers hide: the stored one stays
            taken_back[qid] = current.get(qid)
            continue
        question = q.question(qid)
        json_value = engine.TYPES[question.type].to_json(question, value) if value is not None else None
        _apply(response, rows, qid, change, json_value, user, source, language, result, question.type, keys)
    for qid in [c.question_id for c in result.conflicts] + list(result.kept):
        taken_back[qid] = current.get(qid)
    if taken_back:  # what was taken back stays as stored: evaluate the final answers
        final = Overlay(current, {qid: value for qid, (_change, value) in parsed.items()} | taken_back)
        evaluation = before.update(final, parsed)
    evaluations.store(response, before, evaluation)
    state.saved([rows[qid] for qid in result.saved], evaluation)
    result.evaluation = refresh(response, q, evaluation.answers, evaluation, carried=state.carried(), rows=rows)
    if result.saved:
        response.updated_at = utcnow()
    db.session.flush()
    return result


class Overlay(Mapping[str, Any]):
    """Answers with some changed (``None``: cleared) over the stored ones, without copying them."""

    def __init__(self, below: Mapping[str, Any], changes: Mapping[str, Any]):
        self.below = below
        self.changes = changes

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.changes:
            value = self.changes[key]
            return default if value is None else value
        return self.below.get(key, default)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        for key in self.below:
            if key not in self.changes:
                yield key
        yield from (key for key, value in self.changes.items() if value is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _apply(response: Response, rows: Rows, qid: str, change: Change, json_value: Any, user: User,
           source: str, language: str | None, result: Result, qtype: str,
           saved_keys: frozenset[tuple[str, str]] = frozenset()) -> None:
    session = db.session
    row = rows.get(qid)
    if change.save_key and (qid, change.save_key) in saved_keys:
        result.unchanged[qid] = row.version if row else 0
        return
    if row is not None and row.value == json_value:
        result.unchanged[qid] = row.version
        return
    if row is None and json_value is None:
        result.unchanged[qid] = 0
        return
    if row is not None and change.base_version != row.version and json_value == _value_at(row, change.base_version):
        result.kept[qid] = (row.version, row.value)  # untouched by this user: the newer value stays, no question
        return
    lang = language if qtype in TEXT_TYPES and json_value is not None else None
    now = utcnow()
    if row is None:
        if change.base_version != 0:
            _conflict(response, qid, change, json_value, None, user, result)
            return
        row = Answer(response_id=response.id, question_id=qid, value=json_value, language=lang, version=1,
                     updated_at=now, updated_by_id=user.id)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # a colleague created it at the same moment
            theirs = session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                          Answer.question_id == qid)).one()
            _conflict(response, qid, change, json_value, theirs, user, result)
            return
        rows.remember(row)
        old_value = None
    else:
        old_value = row.value
        done = session.execute(_UPDATE_ANSWER, {"row_id": row.id, "base": change.base_version, "value": json_value,
                                                "lang": lang, "now": now, "user_id": user.id})
        if done.rowcount != 1:  # type: ignore[attr-defined]
            session.refresh(row)
            _conflict(response, qid, change, json_value, row, user, result)
            return
        # the row now holds what was written, at the version after the one the update required:
        # noted on the loaded row without reading it back
        for name, written in (("value", json_value), ("version", change.base_version + 1), ("language", lang),
                              ("updated_at", now), ("updated_by_id", user.id), ("carried_from", None)):
            set_committed_value(row, name, written)
    session.execute(_INSERT_REVISION, {
        "response_id": response.id, "question_id": qid, "version": row.version, "old_value": old_value,
        "new_value": json_value, "language": lang, "user_id": user.id, "created_at": now, "source": source,
        "save_key": change.save_key, "request_id": g.get("request_id")})
    result.saved[qid] = row.version


#: Built once (each changed answer runs them): SQLAlchemy then keeps their cache keys with them. The
#: update requires the version the change was based on (optimistic locking: no row updated, a conflict).
_UPDATE_ANSWER = (update(Answer).where(Answer.id == bindparam("row_id"), Answer.version == bindparam("base"))
                  .values(value=bindparam("value"), version=Answer.version + 1, language=bindparam("lang"),
                          updated_at=bindparam("now"), updated_by_id=bindparam("user_id"),
                          carried_from=None)  # a changed answer is no longer "carried over"
                  .execution_options(synchronize_session=False))
_INSERT_REVISION = insert(AnswerRevision)


def _value_at(row: Answer, version: int) -> Any:
    """The JSON value an answer had at ``version`` (0: none yet), from its history."""
    if version == 0:
        return None
    return db.session.scalars(select(AnswerRevision.new_value).where(
        AnswerRevision.response_id == row.response_id, AnswerRevision.question_id == row.question_id,
        AnswerRevision.version == version, AnswerRevision.source != "conflict")
        .order_by(AnswerRevision.id.desc())).first()


#: Pairs looked up in one statement (two parameters each).
_PAIRS_PER_QUERY = 100


@lru_cache(maxsize=_PAIRS_PER_QUERY)
def _saved_keys_query(pairs: int) -> Select[str, str | None]:
    """The recorded revisions among ``pairs`` (question, save key) pairs of a response, each pair an
    exact lookup in the unique index ``one_per_save`` (response, question, key). By key alone the
    database read every revision of the response, or of the table, more with every save; with the
    questions and keys as two lists, PostgreSQL 15 chose a sequential scan from about 50 pairs on.
    Built once per number of pairs: SQLAlchemy then keeps its cache key with it."""
    return select(AnswerRevision.question_id, AnswerRevision.save_key).where(
        AnswerRevision.response_id == bindparam("response_id"),
        or_(*(and_(AnswerRevision.question_id == bindparam(f"q{i}"), AnswerRevision.save_key == bindparam(f"k{i}"))
              for i in range(pairs))),
        AnswerRevision.source != "conflict")


def _saved_keys(response_id: int, pairs: list[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """The (question, save key) pairs among ``pairs`` already recorded (a key may be a whole page
    save's, shared by its questions)."""
    found: set[tuple[str, str]] = set()
    unique = sorted(set(pairs))
    for start in range(0, len(unique), _PAIRS_PER_QUERY):
        chunk = unique[start:start + _PAIRS_PER_QUERY]
        values: dict[str, Any] = {"response_id": response_id}
        for i, (qid, key) in enumerate(chunk):
            values[f"q{i}"], values[f"k{i}"] = qid, key
        rows = db.session.execute(_saved_keys_query(len(chunk)), values)
        found.update((qid, key) for qid, key in rows if key is not None)
    return frozenset(found)


def _conflict(response: Response, qid: str, change: Change, mine: Any, theirs: Answer | None, user: User,
              result: Result) -> None:
    """Keep the refused value in the history and report both values."""
    db.session.add(AnswerRevision(response_id=response.id, question_id=qid, version=theirs.version if theirs else 0,
                                  old_value=theirs.value if theirs else None, new_value=mine, user_id=user.id,
                                  source="conflict", save_key=None, request_id=g.get("request_id")))
    result.conflicts.append(conflict_with(qid, mine, theirs))


def conflict_with(qid: str, mine: Any, theirs: Answer | None) -> Conflict:
    """``mine`` against the stored answer ``theirs``, as the conflict screen shows them."""
    author = db.session.get(User, theirs.updated_by_id) if theirs and theirs.updated_by_id else None
    return Conflict(qid, theirs.value if theirs else None, theirs.version if theirs else 0, mine,
                    (author.name or author.email) if author else "", theirs.updated_at if theirs else None)
