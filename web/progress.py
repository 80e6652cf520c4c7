"""Progress of a response: one figure, defined here and nowhere else.

**The unit is a page** (one provision, or one other question area: see ``web.fill.pages``). A page is

* ``not_applicable`` when none of its questions is visible (other answers hide it): it counts in
  no figure;
* ``has_errors`` when a visible answer breaks a rule;
* ``to_confirm`` when it shows an answer carried over from an earlier cycle and not yet confirmed
  (``web.cycles``): not complete until confirmed;
* ``optional`` when nothing on it is required now (good practices, say): it counts in no figure
  either, since it cannot be left incomplete;
* ``complete`` when every visible required answer is given and nothing breaks a rule;
* ``not_started`` when nothing is answered yet, else ``in_progress``.

**The figure** is the number of complete pages out of the counted ones ("37 of 219"). A follow-up
question that appears adds to what its page asks, not to the number of pages, so the figure never
falls because a follow-up appeared; it falls only when a complete page stops being complete.

The same figure is shown on the dashboard and every listing (stored on the response by
:func:`refresh`), on the contents page, in the side navigation, on the check page and in the review
screens. :class:`Tracker` takes an optional *scope*: the pages a person works on (a contributor's
assigned chapters; a review cycle's chapters), so "of what is assigned to you" is the same figure
over fewer pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, case

import engine
from engine.evaluate import Progress

from . import evaluations
from .models import Response

if TYPE_CHECKING:
    from .fill.pages import Page, Pages

#: Statuses of a page, in the order a list of pages is read.
STATUSES = ("not_started", "in_progress", "to_confirm", "has_errors", "complete", "optional", "not_applicable")
#: Pages that count in no figure.
UNCOUNTED = ("optional", "not_applicable")
ZERO = Progress()
#: Pages still to do: "next unanswered" and resuming go to the first of these.
TO_DO = ("not_started", "in_progress", "to_confirm", "has_errors")


@dataclass(frozen=True)
class Figure:
    """Complete pages out of counted ones."""

    complete: int
    total: int

    @property
    def percent(self) -> int:
        return self.complete * 100 // self.total if self.total else 100


def page_status(evaluation: engine.Evaluation, page: Page, pending: AbstractSet[str] = frozenset()) -> str:
    """The status of one page for one evaluation (the rules above); ``pending``: carried-over
    answers not yet confirmed."""
    to_confirm = bool(pending) and any(qid in pending and evaluation.is_visible(qid) for qid in page.question_ids)
    return status_of(evaluations.page_totals(evaluation, page), to_confirm)


#: A page's status from its totals before carried-over answers count: the first rule that holds,
#: else ``in_progress``. Written once, read by Python over numbers (:func:`status_of`) and by the
#: database over the stored columns (:func:`statuses`).
_RULES: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("not_applicable", lambda totals: totals.questions == 0),
    ("has_errors", lambda totals: totals.errors != 0),
    ("optional", lambda totals: totals.required == 0),
    ("complete", lambda totals: totals.required_answered >= totals.required),
    ("not_started", lambda totals: totals.answered == 0),
)
#: What an unconfirmed carried-over answer does not change: a page not shown, or breaking a rule.
_BEFORE_CONFIRMING = ("not_applicable", "has_errors")


def status_of(totals: Progress, to_confirm: bool) -> str:
    """The status of a page from its totals (``web.evaluations.page_totals``, computed or stored)
    and whether it shows an unconfirmed carried-over answer."""
    return _confirming(next((status for status, holds in _RULES if holds(totals)), "in_progress"), to_confirm)


def _confirming(status: str, to_confirm: bool) -> str:
    return "to_confirm" if to_confirm and status not in _BEFORE_CONFIRMING else status


def _status_column(totals: Any) -> ColumnElement[str]:
    """:func:`status_of` (without carried-over answers) as a SQL expression over the stored columns."""
    return case(*[(holds(totals), status) for status, holds in _RULES], else_="in_progress")


_UNSTORED = status_of(ZERO, False)  # a page without stored totals


def statuses(response: Response, evaluation: engine.Evaluation, layout: Pages,
             pending: AbstractSet[str] = frozenset()) -> dict[str, str]:
    """Every page's status: from the stored page totals (one query returning one row, however large
    the questionnaire) when ``evaluation`` is the response's stored one, else from ``evaluation`` itself."""
    if not evaluations.is_stored(evaluation):
        return {page.id: page_status(evaluation, page, pending) for page in layout.list}
    stored = evaluations.page_statuses(response, _status_column)
    evaluations.prefetch(evaluation, pending)
    found = {page.id: stored.get(page.id, _UNSTORED) for page in layout.list}
    for qid in pending:
        if (page := layout.of_question.get(qid)) is not None and page.id in found and evaluation.is_visible(qid):
            found[page.id] = _confirming(found[page.id], True)
    return found


class Tracker:
    """The status of every page of a questionnaire for one evaluation, computed once.

    ``layout``: the pages shown (a review cycle's chapters; default: every page); ``scope(page)``
    limits the pages counted among them (a contributor's assignment; None: all); ``pending``:
    carried-over answers not yet confirmed; ``known``: the statuses already worked out (:func:`statuses`).
    """

    def __init__(self, q: engine.Questionnaire, evaluation: engine.Evaluation,
                 scope: Callable[[Page], bool] | None = None, layout: Pages | None = None,
                 pending: AbstractSet[str] = frozenset(), known: Mapping[str, str] | None = None):
        from .fill.pages import pages  # web.fill imports this module

        self.q = q
        self.evaluation = evaluation
        self.pages = layout if layout is not None else pages(q)
        self.statuses: dict[str, str] = (dict(known) if known is not None else  # read from the stored totals
                                         {page.id: page_status(evaluation, page, pending) for page in self.pages.list})
        self.in_scope: list[Page] = [p for p in self.pages.list if scope is None or scope(p)]

    def status(self, page: Page) -> str:
        return self.statuses[page.id]

    def figure(self, among: Iterable[Page] | None = None) -> Figure:
        """Complete pages out of counted ones, among ``among`` (default: the pages in scope)."""
        statuses = [self.statuses[p.id] for p in (self.in_scope if among is None else among)]
        counted = [s for s in statuses if s not in UNCOUNTED]
        return Figure(sum(1 for s in counted if s == "complete"), len(counted))

    def next_to_do(self, after: Page | None = None, statuses: tuple[str, ...] = TO_DO) -> Page | None:
        """The first page in scope after ``after`` (wrapping round) with one of ``statuses``."""
        ordered = self.in_scope
        start = 0
        if after is not None:
            start = next((i + 1 for i, p in enumerate(ordered) if p.index >= after.index), len(ordered))
        for page in ordered[start:] + ordered[:start]:
            if self.statuses[page.id] in statuses and (after is None or page.id != after.id):
                return page
        return None

    def counts(self) -> dict[str, int]:
        """How many pages in scope have each status."""
        out = dict.fromkeys(STATUSES, 0)
        for page in self.in_scope:
            out[self.statuses[page.id]] += 1
        return out


def figure(q: engine.Questionnaire, evaluation: engine.Evaluation) -> Figure:
    """The figure over every page."""
    return Tracker(q, evaluation).figure()


def counted_figure(response: Response, q: engine.Questionnaire, evaluation: engine.Evaluation,
                   pending: AbstractSet[str] | None = None) -> Figure:
    """The response's figure as every screen shows it: the pages of its review cycle's chapters
    (``web.cycles``), a page with an unconfirmed carried-over answer not complete (``pending``:
    those answers, read when not given)."""
    from .cycles import pages_of, unconfirmed

    if pending is None:
        pending = set(unconfirmed(response)) if response.id else set()
    layout = pages_of(response, q)
    known = statuses(response, evaluation, layout, pending) if response.id else None
    return Tracker(q, evaluation, layout=layout, pending=pending, known=known).figure()


def refresh(response: Response, q: engine.Questionnaire, answers: Mapping[str, Any],
            evaluation: engine.Evaluation | None = None, carried: Mapping[str, str] | None = None,
            rows: Any = None) -> engine.Evaluation:
    """Store the figure (and the engine's answer counts) of ``answers`` on ``response`` for
    listings; returns the evaluation. ``carried``: the response's carried-over answers not yet
    confirmed, when the caller read them already (``web.loaded.Loaded.carried``); ``rows``: the
    answer rows ``answers`` reads, to load at once what leaving those answers out reads."""
    from .cycles import unconfirmed

    evaluation = evaluation or engine.evaluate(q, answers)
    pending = unconfirmed(response, carried) if response.id else {}
    total = counted_total(response, q, answers, evaluation, pending, rows)
    response.percent = (counted_figure(response, q, evaluation, set(pending)).percent
                        if (total.required or total.questions) else 0)
    response.answered = total.answered
    response.required_total = total.required
    response.required_answered = total.required_answered
    response.problems = total.errors
    return evaluation


def counted_total(response: Response, q: engine.Questionnaire, answers: Mapping[str, Any],
                  evaluation: engine.Evaluation, pending: Mapping[str, str] | None = None,
                  rows: Any = None) -> Progress:
    """The figures that count (review cycles, ``web.cycles``): only the chapters in scope, and an
    unconfirmed carried-over answer counts as not done (``pending``: those answers, read when not
    given). Without them, the evaluation is updated from those answers only, not redone."""
    from .cycles import scope_of, unconfirmed

    if pending is None:
        pending = unconfirmed(response) if response.id else {}
    if pending:
        evaluations.before_update(evaluation, rows, pending)
        evaluation = evaluation.update(_Without(answers, pending), pending)
    scope = scope_of(response)
    if scope is None:
        evaluations.prefetch(evaluation, (), [section.id for section in q.sections])
        return evaluation.total
    ids = scope.question_ids(q)
    if rows is not None and evaluations.is_stored(evaluation):  # every answer in scope: read them at once
        rows.load(ids)
        evaluations.prefetch(evaluation, ids)
    return evaluation.progress_of(ids)


class _Without(Mapping[str, Any]):
    """Answers without some of them."""

    def __init__(self, answers: Mapping[str, Any], left_out: AbstractSet[str] | Mapping[str, Any]):
        self.answers = answers
        self.left_out = left_out

    def get(self, key: str, default: Any = None) -> Any:
        return default if key in self.left_out else self.answers.get(key, default)

    def __getitem__(self, key: str) -> Any:
        if key in self.left_out:
            raise KeyError(key)
        return self.answers[key]

    def __contains__(self, key: object) -> bool:
        return key not in self.left_out and key in self.answers

    def __iter__(self) -> Iterator[str]:
        return (key for key in self.answers if key not in self.left_out)

    def __len__(self) -> int:
        return sum(1 for _ in self)
