"""Evaluating a set of answers: visibility, required answers, problems, completeness.

:func:`evaluate` is a pure function of the questionnaire and the answers. :meth:`Evaluation.update`
re-evaluates after some answers changed, touching only what depends on them (the dependency graph
built at load time), and returns a new :class:`Evaluation`; the old one is left as it was. The new
one shares every table with the old one and keeps only its changes (:mod:`engine.layers`), so an
update costs in proportion to what depends on the change, whatever the size of the questionnaire.

Rules, the same for every renderer:

* an item is visible when its parent is visible and its ``show_if`` holds; conditions read only the
  answers of visible questions (a hidden answer reads as nothing);
* an answer to a hidden question is **kept** and reported in :attr:`Evaluation.not_applicable`;
  it is excluded from required checks, validation and completeness;
* a visible question is required when ``required`` is true or its condition holds; a required
  question without an answer is *missing* (whether that blocks anything is the caller's choice:
  drafts may be incomplete, submissions may not);
* a visible answer is checked by its type's built-in checks, then by its constraints.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, MutableMapping, MutableSet
from collections.abc import Set as AbstractSet
from typing import Any, NamedTuple

from .layers import Staged, StagedSet
from .model import Group, Question, Questionnaire
from .types import TYPES, Problem


class Progress(NamedTuple):
    """Counts over the visible questions of a section, group, provision or article."""

    questions: int = 0  # visible questions that take an answer
    answered: int = 0
    required: int = 0
    required_answered: int = 0
    errors: int = 0  # visible answers that break a rule

    def __add__(self, other: tuple[int, ...]) -> Progress:  # type: ignore[override]
        a, b, c, d, e = other
        return Progress(self[0] + a, self[1] + b, self[2] + c, self[3] + d, self[4] + e)

    def __sub__(self, other: tuple[int, ...]) -> Progress:
        a, b, c, d, e = other
        return Progress(self[0] - a, self[1] - b, self[2] - c, self[3] - d, self[4] - e)

    @property
    def status(self) -> str:
        """``not_started``, ``in_progress``, ``complete`` or ``has_errors``."""
        if self.errors:
            return "has_errors"
        if self.answered == 0:
            return "not_started" if self.required or self.questions else "complete"
        if self.required_answered < self.required:
            return "in_progress"
        return "complete"

    @property
    def percent(self) -> int:
        """Required answers given, in percent (answers given if nothing is required)."""
        if self.required:
            return self.required_answered * 100 // self.required
        if self.questions:
            return self.answered * 100 // self.questions
        return 100


_ZERO = Progress()


class _Plan:
    """Per-questionnaire tables for fast evaluation, computed once and cached on the index."""

    def __init__(self, q: Questionnaire):
        self.entries: list[tuple[str, str | None, Any, Question | None]] = []
        self.position: dict[str, int] = {}
        self.children: dict[str, tuple[str, ...]] = {}
        self.containers: dict[str, tuple[str, ...]] = {}  # question -> its groups and section
        self.provisions: dict[str, tuple[str, ...]] = {}
        self.articles: dict[str, tuple[str, ...]] = {}
        self.keys: dict[str, tuple[tuple[int, str], ...]] = {}  # question -> what its answer counts towards
        self.answerable = tuple(question for question in q.questions if question.type != "note")
        framework = q.framework
        for item_id, item in q.index.items.items():
            parent = q.index.parent.get(item_id)
            self.position[item_id] = len(self.entries)
            question = item if isinstance(item, Question) else None
            self.entries.append((item_id, parent, item.show_if, question))
            if isinstance(item, Group):
                self.children[item_id] = tuple(child.id for child in item.items)
            elif item.type != "note":
                self.containers[item_id] = tuple(g.id for g in q.ancestors(item_id))
                mapped = q.provisions_of(item_id)
                self.provisions[item_id] = mapped
                if framework is not None:
                    arts = {framework.article_of(ref).id for ref in mapped  # type: ignore[union-attr]
                            if framework.article_of(ref) is not None}
                    self.articles[item_id] = tuple(sorted(arts))
                else:
                    self.articles[item_id] = ()
                self.keys[item_id] = (tuple((0, g) for g in self.containers[item_id])
                                      + tuple((1, p) for p in mapped)
                                      + tuple((2, a) for a in self.articles[item_id]))
        grouped: dict[tuple[tuple[int, str], ...], list[str]] = {}
        for item_id, keys in self.keys.items():
            grouped.setdefault(keys, []).append(item_id)
        self.key_groups = [(tuple(qids), keys) for keys, qids in grouped.items()]

    @staticmethod
    def of(q: Questionnaire) -> _Plan:
        plan = q.index.cache.get("evaluation_plan")
        if plan is None:
            plan = q.index.cache["evaluation_plan"] = _Plan(q)
        return plan


class Evaluation:
    """The state of one set of answers. Read it; never change it (use :meth:`update`)."""

    __slots__ = ("questionnaire", "answers", "visible", "values", "required", "problems", "missing",
                 "not_applicable", "_contrib", "groups", "provisions", "articles")

    def __init__(self, questionnaire: Questionnaire, answers: Mapping[str, Any]):
        self.questionnaire = questionnaire
        self.answers = answers
        # Plain dicts and sets after a full evaluation; layers over them after an update.
        self.visible: Mapping[str, bool] = {}
        self.values: Mapping[str, Any] = {}  # answers that count: visible and not empty
        self.required: Mapping[str, bool] = {}  # visible questions -> required now
        self.problems: Mapping[str, tuple[Problem, ...]] = {}  # visible answers that break rules
        self.missing: AbstractSet[str] = set()  # visible, required, unanswered
        self.not_applicable: AbstractSet[str] = set()  # answered but hidden: kept, not counted
        self._contrib: Mapping[str, tuple[int, ...]] = {}  # question -> its Progress as a plain tuple
        self.groups: Mapping[str, Progress] = {}
        self.provisions: Mapping[str, Progress] = {}
        self.articles: Mapping[str, Progress] = {}

    # -- reading ---------------------------------------------------------------------------
    def is_visible(self, item_id: str) -> bool:
        return self.visible.get(item_id, False)

    def is_required(self, question_id: str) -> bool:
        return self.required.get(question_id, False)

    def progress(self, item_id: str) -> Progress:
        """Progress of a section or group (a question's own contribution for a question)."""
        return self.groups.get(item_id) or Progress(*self._contrib.get(item_id, _ZERO))

    def progress_of(self, question_ids: Iterable[str]) -> Progress:
        """Progress over some questions (e.g. those shown on one page)."""
        result = _ZERO
        for qid in question_ids:
            result = result + self._contrib.get(qid, _ZERO)  # type: ignore[operator]
        return result

    def status(self, item_id: str) -> str:
        if not self.is_visible(item_id):
            return "not_applicable"
        return self.progress(item_id).status

    @property
    def total(self) -> Progress:
        result = _ZERO
        for section in self.questionnaire.sections:
            if self.visible.get(section.id):
                result = result + self.groups.get(section.id, _ZERO)
        return result

    def issues(self, include_missing: bool = True) -> dict[str, tuple[Problem, ...]]:
        """Every visible question with something wrong: problems, and missing answers if asked."""
        out = dict(self.problems)
        if include_missing:
            for qid in self.missing:
                question = self.questionnaire.question(qid)
                out[qid] = (Problem("required", {}, question.required_message or None),) + out.get(qid, ())
        return out

    @property
    def is_complete(self) -> bool:
        return not self.missing and not self.problems

    # -- computing -------------------------------------------------------------------------
    def _compute_all(self) -> None:
        plan = _Plan.of(self.questionnaire)
        visible: dict[str, bool] = {}
        values: dict[str, Any] = {}
        answers = self.answers
        self.visible, self.values = visible, values
        for item_id, parent, show_if, question in plan.entries:
            shown = visible[parent] if parent is not None else True
            if shown and show_if is not None:
                shown = bool(show_if.fn(values, None))
            visible[item_id] = shown
            if question is not None:
                answer = answers.get(item_id)
                if answer is not None and shown and not _empty(answer):
                    values[item_id] = answer
        # The same rules as _check, unrolled for speed: this runs for every page view.
        required_now: dict[str, bool] = {}
        problems: dict[str, tuple[Problem, ...]] = {}
        missing: set[str] = set()
        hidden: set[str] = set()
        contrib_of: dict[str, tuple[int, ...]] = {}
        self.required, self.problems, self.missing, self.not_applicable = required_now, problems, missing, hidden
        self._contrib = contrib_of
        for question in plan.answerable:
            qid = question.id
            answer = answers.get(qid)
            answered = answer is not None and answer != "" and answer != () and answer != []
            if not visible[qid]:
                if answered:
                    hidden.add(qid)
                contrib_of[qid] = _ZERO
                continue
            required = question.required
            if required is not True and required is not False:
                required = bool(required.fn(values, None))
            required_now[qid] = required
            errors = 0
            if answered:
                found = _validate(question, answer, values)
                if found:
                    problems[qid] = found
                    errors = 1
            elif required:
                missing.add(qid)
            contrib_of[qid] = (1, 1 if answered else 0, 1 if required else 0, 1 if required and answered else 0,
                               errors)
        self._sum(plan)

    def _sum(self, plan: _Plan) -> None:
        totals: dict[tuple[int, str], list[int]] = {}  # (0 group | 1 provision | 2 article, id)
        for gid in plan.children:
            totals[0, gid] = [0, 0, 0, 0, 0]
        contrib_of = self._contrib
        for qids, keys in plan.key_groups:  # questions that count towards the same places, together
            a = b = c = d = e = 0
            for qid in qids:
                contrib = contrib_of[qid]
                if contrib is _ZERO:
                    continue
                a += contrib[0]
                b += contrib[1]
                c += contrib[2]
                d += contrib[3]
                e += contrib[4]
            if not a:
                continue
            for target in keys:
                acc = totals.get(target)
                if acc is None:
                    acc = totals[target] = [0, 0, 0, 0, 0]
                acc[0] += a
                acc[1] += b
                acc[2] += c
                acc[3] += d
                acc[4] += e
        tables: tuple[dict[str, Progress], ...] = ({}, {}, {})
        for (kind, key), acc in totals.items():
            tables[kind][key] = Progress(*acc)
        self.groups, self.provisions, self.articles = tables

    def update(self, answers: Mapping[str, Any], changed: Iterable[str]) -> Evaluation:
        """A new evaluation for ``answers``, recomputing only what the ``changed`` ids affect."""
        q = self.questionnaire
        plan = _Plan.of(q)
        t = _Changes(self)
        dependents = q.index.dependents
        entries, position = plan.entries, plan.position
        heap = [position[item_id] for item_id in changed if item_id in position]
        heapq.heapify(heap)
        seen: set[int] = set()
        recheck: set[str] = set()
        while heap:
            index = heapq.heappop(heap)
            if index in seen:
                continue
            seen.add(index)
            item_id, parent, show_if, question = entries[index]
            shown = t.visible[parent] if parent is not None else True
            if shown and show_if is not None:
                shown = bool(show_if.fn(t.values, None))
            was_shown = t.visible[item_id]
            if shown != was_shown:
                t.visible[item_id] = shown
            if question is None:
                if shown != was_shown:
                    for child in plan.children[item_id]:
                        heapq.heappush(heap, position[child])
                continue
            answer = answers.get(item_id)
            old_value = t.values.get(item_id)
            if answer is not None and shown and not _empty(answer):
                if answer is not old_value:
                    t.values[item_id] = answer
            elif old_value is not None:
                del t.values[item_id]
            recheck.add(item_id)
            if t.values.get(item_id) != old_value or shown != was_shown:
                for dependent in dependents.get(item_id, ()):
                    heapq.heappush(heap, position[dependent])
                    recheck.add(dependent)
        for qid in recheck:
            item = q.index.items[qid]
            if isinstance(item, Question) and item.type != "note":
                old = t.contrib.get(qid, _ZERO)
                contrib = t.check(item, answers.get(qid))
                if contrib != old:
                    t.apply(qid, Progress(*contrib) - old, plan)
        return t.evaluation(q, answers)

class _Changes:
    """The tables of an evaluation while an update changes them (engine.layers.Staged): read
    through to the old evaluation's, which stay as they were."""

    def __init__(self, old: Evaluation):
        self.visible: MutableMapping[str, bool] = Staged(old.visible)
        self.values: MutableMapping[str, Any] = Staged(old.values)
        self.required: MutableMapping[str, bool] = Staged(old.required)
        self.problems: MutableMapping[str, tuple[Problem, ...]] = Staged(old.problems)
        self.missing: MutableSet[str] = StagedSet(old.missing)
        self.not_applicable: MutableSet[str] = StagedSet(old.not_applicable)
        self.contrib: MutableMapping[str, tuple[int, ...]] = Staged(old._contrib)
        self.groups: MutableMapping[str, Progress] = Staged(old.groups)
        self.provisions: MutableMapping[str, Progress] = Staged(old.provisions)
        self.articles: MutableMapping[str, Progress] = Staged(old.articles)

    def check(self, question: Question, answer: Any) -> tuple[int, ...]:
        """Required, problems and missing of one question again; returns its contribution."""
        qid = question.id
        answered = answer is not None and not _empty(answer)
        visible = self.visible[qid]
        found: tuple[Problem, ...] = ()
        required = False
        if visible:
            rule = question.required
            required = rule if isinstance(rule, bool) else bool(rule.fn(self.values, None))
            if self.required.get(qid) is not required:
                self.required[qid] = required
            if answered:
                found = _validate(question, answer, self.values)
        elif qid in self.required:
            del self.required[qid]
        _mark(self.problems, qid, found)
        _member(self.missing, qid, visible and required and not answered)
        _member(self.not_applicable, qid, answered and not visible)
        if not visible:
            contrib: tuple[int, ...] = _ZERO
        else:
            contrib = (1, 1 if answered else 0, 1 if required else 0, 1 if required and answered else 0,
                       1 if found else 0)
        if self.contrib.get(qid) != contrib:
            self.contrib[qid] = contrib
        return contrib

    def apply(self, qid: str, delta: Progress, plan: _Plan) -> None:
        for gid in plan.containers[qid]:
            self.groups[gid] = self.groups[gid] + delta
        for pid in plan.provisions[qid]:
            self.provisions[pid] = self.provisions.get(pid, _ZERO) + delta
        for aid in plan.articles[qid]:
            self.articles[aid] = self.articles.get(aid, _ZERO) + delta

    def evaluation(self, q: Questionnaire, answers: Mapping[str, Any]) -> Evaluation:
        """The new evaluation: the old tables with these changes layered on top."""
        new = Evaluation(q, answers)
        new.visible, new.values, new.required = _frozen(self.visible), _frozen(self.values), _frozen(self.required)
        new.problems, new._contrib = _frozen(self.problems), _frozen(self.contrib)
        new.missing, new.not_applicable = _frozen_set(self.missing), _frozen_set(self.not_applicable)
        new.groups, new.provisions, new.articles = (_frozen(self.groups), _frozen(self.provisions),
                                                    _frozen(self.articles))
        return new


def _mark(table: MutableMapping[str, Any], key: str, value: Any) -> None:
    """Set ``key`` to ``value``, or remove it for an empty value, changing nothing that is so already."""
    if value:
        table[key] = value
    elif key in table:
        del table[key]


def _member(members: MutableSet[str], key: str, wanted: bool) -> None:
    if wanted and key not in members:
        members.add(key)
    elif not wanted and key in members:
        members.discard(key)


def _frozen(table: MutableMapping[str, Any]) -> Mapping[str, Any]:
    assert isinstance(table, Staged)
    return table.freeze()


def _frozen_set(members: MutableSet[str]) -> AbstractSet[str]:
    assert isinstance(members, StagedSet)
    return members.freeze()


def evaluate(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Evaluation:
    """Evaluate ``answers`` (question id -> canonical value) against ``questionnaire``."""
    evaluation = Evaluation(questionnaire, answers)
    evaluation._compute_all()
    return evaluation


def _empty(value: Any) -> bool:
    return bool(value == "" or value == () or value == [])


def _validate(question: Question, value: Any, values: Mapping[str, Any]) -> tuple[Problem, ...]:
    problems = TYPES[question.type].check(question, value)
    for constraint in question.constraints:
        if not constraint.rule.fn(values, value):
            problems.append(Problem("constraint", {}, constraint.message or None))
    return tuple(problems)
