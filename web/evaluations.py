"""Each response's evaluation, stored and kept in step with its answers.

Evaluating a response from scratch reads and parses every answer, which grows with the
questionnaire. What cannot be worked out from a few answers is stored instead (``engine.stored``):
whether each section, group and question is visible (``evaluation_items``) and the completeness
counts of each group, provision and article (``evaluation_totals``, the source of progress per
provision), and of each page (``web.fill.pages``: what its status reads, :func:`page_totals`), so the
side navigation and the progress figure read every page's status in one row (:func:`page_statuses`)
instead of every answer. A page
reads the keys it shows; a save (``web.answers``) updates the evaluation from the changed answers
only (``engine.Evaluation.update``), page totals by the changed contributions (added in the UPDATE), and writes back
what changed, in its own transaction and under the response's lock, so the stored state always
matches the stored answers.

The first save of a response, or the first after it moved to another questionnaire version, stores
the whole state from a full evaluation (``evaluation_states`` says for which version it holds);
until then, pages evaluate every answer as before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    TableClause,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)

import engine
from engine.evaluate import Progress
from engine.layers import Layered
from engine.stored import StoredChanges, full_tables, reach, restored, stored_changes

from .db import db
from .models import EvaluationItem, EvaluationState, EvaluationTotal, Response
from .models.base import utcnow

if TYPE_CHECKING:
    from .fill.pages import Page

ABSENT: Any = object()
_ZERO = Progress()
_CHUNK = 500
COUNTS = ("questions", "answered", "required", "required_answered", "errors")
_STORED_VERSION = "stored evaluation version"  # read under the response's lock
_READ_VERSION = "stored evaluation version, read"  # read with the response, without its lock
_PAGE_STATUSES = "stored page statuses"


class ByKey(Mapping[str, Any]):
    """A mapping read through ``get`` (a missing key reads as ``ABSENT``): stored tables, loaded answers."""

    def get(self, key: str, default: Any = None) -> Any:
        raise NotImplementedError

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, ABSENT)
        if value is ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, ABSENT) is not ABSENT


class Table(ByKey):
    """One stored table of one response, read key by key (or in one query for many keys)."""

    def __init__(self, load: Callable[[list[str] | None], dict[str, Any]]):
        self._load = load
        self._known: dict[str, Any] = {}
        self._complete = False

    def prefetch(self, keys: Iterable[str]) -> None:
        wanted = [key for key in set(keys) if key not in self._known] if not self._complete else []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            found = self._load(chunk)
            for key in chunk:
                self._known[key] = found.get(key, ABSENT)

    def learn(self, keys: Iterable[str], found: Mapping[str, Any]) -> None:
        """What a query of another table read for this one too: ``found`` among ``keys``."""
        for key in keys:
            self._known.setdefault(key, found.get(key, ABSENT))

    def wrote(self, values: Mapping[str, Any]) -> None:
        """``values`` were written to the stored table: read from here on as written."""
        self._known.update(values)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._known and not self._complete:
            self.prefetch([key])
        value = self._known.get(key, ABSENT)
        return default if value is ABSENT else value

    def __iter__(self) -> Iterator[str]:  # the whole table: only for callers that list everything
        if not self._complete:
            self._known = self._load(None)
            self._complete = True
        return (key for key, value in self._known.items() if value is not ABSENT)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_ALL_ITEMS = select(EvaluationItem.item_id, EvaluationItem.visible).where(
    EvaluationItem.response_id == bindparam("response_id"))
#: Some keys: one statement whatever their number (each key is not coerced on its own).
_SOME_ITEMS = _ALL_ITEMS.where(EvaluationItem.item_id.in_(bindparam("keys", expanding=True)))
_TOTALS = select(EvaluationTotal.scope, EvaluationTotal.key, *[getattr(EvaluationTotal, name) for name in COUNTS]
                 ).where(EvaluationTotal.response_id == bindparam("response_id"),
                         EvaluationTotal.scope.in_(bindparam("scopes", expanding=True)))
_SOME_TOTALS = _TOTALS.where(EvaluationTotal.key.in_(bindparam("keys", expanding=True)))
_TOTALS_TABLE = cast(TableClause, EvaluationTotal.__table__)  # Core: many rows, each its own WHERE
_PAGE_TOTALS = _TOTALS_TABLE.c
#: A save's changes to some pages' totals (``_page_changes``), added where they are stored.
_ADD_TO_PAGE = (update(_TOTALS_TABLE).where(
    _PAGE_TOTALS.response_id == bindparam("page_response"), _PAGE_TOTALS.scope == "page",
    _PAGE_TOTALS.key == bindparam("page_key"))
    .values({name: _PAGE_TOTALS[name] + bindparam(f"add_{name}") for name in COUNTS}))
_PAGE_STATUS_QUERIES: dict[Any, Select[str]] = {}


def _items(response_id: int) -> Table:
    def load(keys: list[str] | None) -> dict[str, Any]:
        query, params = (_ALL_ITEMS, {}) if keys is None else (_SOME_ITEMS, {"keys": keys})
        return {item_id: bool(visible) for item_id, visible in
                db.session.execute(query, {"response_id": response_id, **params})}
    return Table(load)


def _scoped_totals(response_id: int, scopes: tuple[str, ...]) -> list[Table]:
    """The stored totals of ``scopes``, one table each, read together: the keys one table is asked
    for are read for every scope in the same query (an update asks the same keys of each); the
    whole of a table is read alone."""
    tables: dict[str, Table] = {}

    def loader(scope: str) -> Callable[[list[str] | None], dict[str, Any]]:
        def load(keys: list[str] | None) -> dict[str, Any]:
            read = scopes if keys is not None else (scope,)
            params: dict[str, Any] = {"response_id": response_id, "scopes": list(read)}
            query = _TOTALS if keys is None else _SOME_TOTALS
            if keys is not None:
                params["keys"] = keys
            found: dict[str, dict[str, Any]] = {name: {} for name in read}
            for row in db.session.execute(query, params):
                found[row[0]][row[1]] = Progress(*row[2:])
            if keys is not None:
                for other in read:
                    if other != scope:
                        tables[other].learn(keys, found[other])
            return found[scope]
        return load

    for scope in scopes:
        tables[scope] = Table(loader(scope))
    return [tables[scope] for scope in scopes]


def load(response: Response, q: engine.Questionnaire, answers: Mapping[str, Any]) -> engine.Evaluation | None:
    """The stored evaluation of ``response`` over ``answers`` (its stored answers), read when asked;
    None when none is stored for its current version."""
    notes = db.transaction_notes()
    version = notes.get((_STORED_VERSION, response.id), ABSENT)
    if version is ABSENT and db.lock_of(response) is None:  # read with the response; no lock taken since
        version = notes.get((_READ_VERSION, response.id), ABSENT)
    if version is ABSENT:
        version = db.session.scalar(stored_version(response.id))
    if version != response.version_id:
        return None
    return restored(q, answers, _items(response.id), *_scoped_totals(response.id, ("group", "provision", "article")))


def stored_version(response_id: Any) -> Select[int]:
    """The questionnaire version ``response_id``'s evaluation is stored for (no row: none is): a
    query, or a correlated subquery with ``Response.id``."""
    return select(EvaluationState.version_id).where(EvaluationState.response_id == response_id)


def note_stored_version(response: Response, version: int | None) -> None:
    """``version`` (:func:`stored_version`) was read with ``response`` in this transaction, in the
    same statement (``access.response``): :func:`load` need not read it again. Read under the
    response's lock, it holds to the transaction's end; read without it, only until a lock is taken
    (``web.answers.hold`` after an unlocked read: :func:`load` then reads it again, under the lock)."""
    key = _STORED_VERSION if db.lock_of(response) is not None else _READ_VERSION
    db.transaction_notes()[(key, response.id)] = version


def is_stored(evaluation: engine.Evaluation) -> bool:
    """Whether ``evaluation`` reads its state from the database (not a full evaluation)."""
    visible = evaluation.visible
    return isinstance(visible.base if isinstance(visible, Layered) else visible, Table)


def prefetch(evaluation: engine.Evaluation, ids: Iterable[str], totals: Collection[str] = ()) -> None:
    """Read the stored visibility of ``ids`` and their groups, and the totals of ``totals``, at once."""
    if not is_stored(evaluation):
        return
    q = evaluation.questionnaire
    wanted = set(ids)
    for item_id in list(wanted):
        wanted.update(group.id for group in q.ancestors(item_id)) if item_id in q.index.items else None
    for table, keys in ((evaluation.visible, wanted), (evaluation.groups, totals),
                        (evaluation.provisions, totals), (evaluation.articles, totals)):
        base = table.base if isinstance(table, Layered) else table
        if isinstance(base, Table):
            base.prefetch(keys)


def before_update(evaluation: engine.Evaluation, rows: Any, changed: Iterable[str], also: Iterable[str] = ()) -> None:
    """Read at once what an update after ``changed`` may read (``engine.stored.reach``), and the
    items ``also``: stored visibility, totals, and the answer rows (``rows.load``; None: they are
    read already)."""
    items, totals = reach(evaluation.questionnaire, changed)
    items.update(also)
    if rows is not None:
        rows.load(items)
    prefetch(evaluation, items, totals)


def store(response: Response, before: engine.Evaluation, after: engine.Evaluation) -> None:
    """Write ``after`` (an update of ``before``): only what changed when ``before`` was the stored
    state, else the whole state."""
    if not isinstance(before.visible, Table):  # not the stored state as it was read
        build(response, after)
        return
    changes = stored_changes(before, after)
    if changes.visible:
        db.session.execute(update(EvaluationItem), [
            {"response_id": response.id, "item_id": key, "visible": value} for key, value in changes.visible.items()])
    totals = [(scope, key, value) for scope, table in (("group", changes.groups), ("provision", changes.provisions),
                                                       ("article", changes.articles)) for key, value in table.items()]
    if totals:
        db.session.execute(update(EvaluationTotal), [_total(response.id, scope, key, value)
                                                     for scope, key, value in totals])


    pages = _page_changes(before.questionnaire, changes)
    if pages:  # added to the stored totals in the statement: nothing to read first
        db.session.execute(_ADD_TO_PAGE, [{"page_response": response.id, "page_key": key,
                                           **{f"add_{name}": count for name, count in zip(COUNTS, delta, strict=True)}}
                                          for key, delta in pages.items()])
        db.transaction_notes().pop((_PAGE_STATUSES, response.id), None)


def page_totals(evaluation: engine.Evaluation, page: Page) -> Progress:
    """What the status of ``page`` reads (``web.progress.page_status``): ``questions`` counts its
    visible items, notes included (none: the page is not shown); the other counts are those of its
    visible questions."""
    shown = [qid for qid in page.question_ids if evaluation.is_visible(qid)]
    if not shown or not evaluation.is_visible(page.group.id):
        return _ZERO
    return Progress(len(shown), *evaluation.progress_of(shown)[1:])


def _page_changes(q: engine.Questionnaire, changes: StoredChanges) -> dict[str, Progress]:
    """How the totals of each page changed with ``changes`` (items shown or hidden, questions whose
    contribution changed): a group hides every item inside it, so its own visibility adds nothing."""
    from .fill.pages import pages  # web.fill imports this module

    of_question = pages(q).of_question
    deltas: dict[str, Progress] = {}
    for key, shown in changes.visible.items():
        page = of_question.get(key)
        if page is not None:
            deltas[page.id] = deltas.get(page.id, _ZERO) + (1 if shown else -1, 0, 0, 0, 0)
    for key, change in changes.contributions.items():
        page = of_question.get(key)
        if page is not None:
            deltas[page.id] = deltas.get(page.id, _ZERO) + (0, *change[1:])
    return {key: delta for key, delta in deltas.items() if any(delta)}


def page_statuses(response: Response, status: Callable[[Any], ColumnElement[str]]) -> dict[str, str]:
    """Every page's status from its stored totals (:func:`page_totals`), worked out by the database:
    ``status(columns)`` is the expression (``web.progress.status_of``), and the pages come back as one
    string ("key status,key status..."), whatever their number. A page without a row is left out.
    Under the response's lock, read once for the transaction until :func:`store` changes them."""
    locked = db.lock_of(response) is not None
    if locked and (found := db.transaction_notes().get((_PAGE_STATUSES, response.id))) is not None:
        return dict(found)
    query = _PAGE_STATUS_QUERIES.get(status)
    if query is None:
        query = _PAGE_STATUS_QUERIES[status] = select(
            func.aggregate_strings(_PAGE_TOTALS.key + literal_column("' '") + status(_PAGE_TOTALS), ",")).where(
            _PAGE_TOTALS.response_id == bindparam("response_id"), _PAGE_TOTALS.scope == "page")
    joined = db.session.scalar(query, {"response_id": response.id})
    found = dict(entry.split(" ") for entry in joined.split(",")) if joined else {}
    if locked:
        db.transaction_notes()[(_PAGE_STATUSES, response.id)] = found
    return dict(found)


def build(response: Response, evaluation: engine.Evaluation) -> None:
    """Store the whole state of a full evaluation of ``response``'s answers."""
    visible, groups, provisions, articles = full_tables(evaluation)
    session = db.session
    for model in (EvaluationItem, EvaluationTotal, EvaluationState):
        session.execute(delete(model).where(model.response_id == response.id))
    session.execute(insert(EvaluationState), [{"response_id": response.id, "version_id": response.version_id,
                                               "updated_at": utcnow()}])
    db.transaction_notes().pop((_STORED_VERSION, response.id), None)
    db.transaction_notes().pop((_READ_VERSION, response.id), None)
    db.transaction_notes().pop((_PAGE_STATUSES, response.id), None)
    items = [{"response_id": response.id, "item_id": key, "visible": value} for key, value in visible.items()]
    from .fill.pages import pages  # web.fill imports this module

    page_rows = {page.id: page_totals(evaluation, page) for page in pages(evaluation.questionnaire).list}
    totals = [_total(response.id, scope, key, value) for scope, table in
              (("group", groups), ("provision", provisions), ("article", articles), ("page", page_rows))
              for key, value in table.items()]
    for start in range(0, max(len(items), len(totals)), 2000):
        if items[start:start + 2000]:
            session.execute(insert(EvaluationItem), items[start:start + 2000])
        if totals[start:start + 2000]:
            session.execute(insert(EvaluationTotal), totals[start:start + 2000])


def _total(response_id: int, scope: str, key: str, value: Progress | None) -> dict[str, Any]:
    counts = value or Progress()
    return {"response_id": response_id, "scope": scope, "key": key, **dict(zip(COUNTS, counts, strict=True))}


def provision_progress(response: Response) -> dict[str, Progress]:
    """Completeness per provision of ``response`` as stored (empty when nothing is stored yet)."""
    rows = db.session.execute(select(EvaluationTotal.key, *[getattr(EvaluationTotal, n) for n in COUNTS]).where(
        EvaluationTotal.response_id == response.id, EvaluationTotal.scope == "provision"))
    return {row[0]: Progress(*row[1:]) for row in rows}
