"""A response's answers, read once per request and shared by everything in it.

``loaded(response)`` gives the request's one :class:`Loaded` per response (kept on ``flask.g``): the
page being filled, the save, the refused path, submission and exports read the answers through it,
so no row is read or parsed twice. It reads only what it is asked for: the rows of a page
(``rows.get`` / :meth:`Loaded.prefetch`), or every row at once (:meth:`Loaded.whole`) for what
shows the whole response (table of contents, print view, submission). Its evaluation is the stored
one (``web.evaluations``) read key by key, or a full evaluation of every answer when nothing is
stored yet or the whole response was read anyway.

A rollback forgets every loaded response of the request: what was read may no longer be true.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask import g, has_app_context
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

import engine

from . import evaluations
from .db import db
from .evaluations import ABSENT
from .models import Answer, Response

#: Some answer rows of a response: one statement, whatever the number of ids (each id is not
#: coerced on its own, and the statement is compiled once).
_SOME_ROWS = (select(Answer).where(Answer.response_id == bindparam("response_id"),
                                   Answer.question_id.in_(bindparam("ids", expanding=True)))
              .execution_options(populate_existing=True))


class Rows(Mapping[str, Answer]):
    """The stored answer rows of a response, read when first asked for."""

    def __init__(self, response_id: int):
        self.response_id = response_id
        self.known: dict[str, Answer | None] = {}  # None: no row
        self.complete = False

    def load(self, ids: Iterable[str]) -> None:
        wanted = sorted({qid for qid in ids if qid not in self.known}) if not self.complete else []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found = {row.question_id: row for row in db.session.scalars(_SOME_ROWS, {
                "response_id": self.response_id, "ids": chunk})}
            for qid in chunk:
                self.known[qid] = found.get(qid)

    def load_all(self) -> None:
        if self.complete:
            return
        rows = db.session.scalars(select(Answer).where(Answer.response_id == self.response_id)
                                  .execution_options(populate_existing=True))
        self.known = {row.question_id: row for row in rows}
        self.complete = True

    def remember(self, row: Answer) -> None:
        self.known[row.question_id] = row

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self.known and not self.complete:
            self.load([key])
        found = self.known.get(key)
        return default if found is None else found

    def __getitem__(self, key: str) -> Answer:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return (qid for qid, row in self.known.items() if row is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Answers(evaluations.ByKey):
    """The stored answers as engine values, parsed when first asked for (values that no longer parse,
    and answers to questions the version lacks, read as nothing, as ``engine.answers_from_json``)."""

    def __init__(self, q: engine.Questionnaire, rows: Rows):
        self.q = q
        self.rows = rows
        self.parsed: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        value = self.parsed.get(key, ABSENT)
        if value is ABSENT:
            row = self.rows.get(key)
            value = self.parsed[key] = (engine.answers_from_json(self.q, {key: row.value}).get(key, ABSENT)
                                        if row is not None else ABSENT)
        return default if value is ABSENT else value

    def __iter__(self) -> Iterator[str]:
        return (qid for qid in self.rows if qid in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def forget(self, ids: Iterable[str]) -> None:
        for qid in ids:
            self.parsed.pop(qid, None)


class Loaded:
    """One response's answers and evaluation for the rest of the request."""

    def __init__(self, response: Response, q: engine.Questionnaire):
        self.response = response
        self.q = q
        self.version_id = response.version_id
        self.rows = Rows(response.id)
        self.answers = Answers(q, self.rows)
        self._evaluation: engine.Evaluation | None = None
        self._full = False  # the evaluation is a full one over every answer
        self._carried: dict[str, str] | None = None
        #: The transaction whose lock on the response was held when this was made (``db.lock_of``):
        #: what is read here is read under that lock, and a save in it need not read it again.
        self.lock = db.lock_of(response)

    def prefetch(self, ids: Iterable[str]) -> None:
        """Read the rows and the stored visibility of ``ids`` in one query each (a page's questions
        and what their conditions read)."""
        ids = set(ids)
        self.rows.load(ids)
        evaluation = self.evaluation
        evaluations.prefetch(evaluation, ids)

    def whole(self) -> Loaded:
        """Read every answer now (one query) and evaluate them all: for what shows the whole response."""
        if not self._full:
            self.rows.load_all()
            self._evaluation = engine.evaluate(self.q, dict(self.answers))
            self._full = True
        return self

    @property
    def evaluation(self) -> engine.Evaluation:
        """The stored evaluation (read key by key), or a full one when none is stored."""
        if self._evaluation is None:
            stored = evaluations.load(self.response, self.q, self.answers)
            if stored is None:
                return self.whole().evaluation
            self._evaluation = stored
        return self._evaluation

    def carried(self) -> dict[str, str]:
        """The carried-over answers not yet confirmed (``web.cycles.carried_answers``), read once."""
        if self._carried is None:
            from .cycles import carried_answers

            self._carried = carried_answers(self.response)
        return self._carried

    def fresh(self) -> Loaded:
        """Forget what was read: a save reads again under the response's lock."""
        self._carried = None
        self.rows.known.clear()
        self.rows.complete = False
        self.answers.parsed.clear()
        self._evaluation = None
        self._full = False
        return self

    def saved(self, rows: Iterable[Answer], evaluation: engine.Evaluation) -> None:
        """After a save: its rows and its evaluation are now the response's."""
        rows = list(rows)
        for row in rows:
            self.rows.remember(row)
            if self._carried is not None:
                self._carried.pop(row.question_id, None)
                if row.carried_from and row.value is not None:
                    self._carried[row.question_id] = row.carried_from
        self.answers.forget(row.question_id for row in rows)
        self._evaluation = evaluation
        self._full = self._full and not evaluations.is_stored(evaluation)

    def json_of(self, ids: Iterable[str]) -> dict[str, Any]:
        """The stored JSON values of ``ids`` (those with a row)."""
        return {qid: row.value for qid in ids if (row := self.rows.get(qid)) is not None}

    def versions_of(self, ids: Iterable[str]) -> dict[str, int]:
        return {qid: row.version for qid in ids if (row := self.rows.get(qid)) is not None}


def loaded(response: Response, q: engine.Questionnaire | None = None) -> Loaded:
    """The request's :class:`Loaded` of ``response`` (one per response and request)."""
    cache: dict[int, Loaded] = g.setdefault("loaded_responses", {})
    found = cache.get(response.id)
    if found is None or found.version_id != response.version_id:  # moved to another version meanwhile
        from . import catalog

        found = cache[response.id] = Loaded(response, q or catalog.questionnaire(response.version))
    return found


def forget() -> None:
    """Drop every loaded response of the request (after a rollback)."""
    if has_app_context():
        g.pop("loaded_responses", None)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    forget()
