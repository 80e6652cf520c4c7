"""An evaluation rebuilt from what a caller stored, read key by key.

A full :func:`engine.evaluate` reads every answer; a caller that keeps the evaluation of a set of
answers (a database, for instance) need not. Of an evaluation, only two things cannot be worked out
from a few answers: which items are **visible** (it follows chains of conditions through the whole
questionnaire) and the **totals** per group, provision and article (they add up every question).
:func:`restored` makes an :class:`~engine.Evaluation` from those stored tables and the answers, and
derives the rest when asked, for the keys asked only: the values conditions read, which questions are
required, missing or not applicable, their problems and their contribution to the totals. Any of the
mappings given may load lazily; nothing here iterates them unless the caller iterates the result.

:meth:`~engine.Evaluation.update` works on such an evaluation as on any other, and :func:`stored_changes`
gives what the caller must store again afterwards: the visibility and totals that changed.
:func:`reach` lists what an update after some changes may read, so that the caller can load it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .evaluate import _ZERO, Evaluation, Progress, _empty, _Plan, _validate
from .layers import _ABSENT, KeySet, Layered, ReadByGet
from .model import Condition, Group, Question, Questionnaire
from .types import Problem

V = TypeVar("V")


class _Derived(ReadByGet[V], Mapping[str, V]):
    """A table worked out key by key (``derive`` returns :data:`_ABSENT` for a key not in it)."""

    __slots__ = ("_derive", "_keys", "_memo")

    def __init__(self, derive: Callable[[str], Any], keys: Callable[[], Iterable[str]]):
        self._derive = derive
        self._keys = keys
        self._memo: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        value = self._memo.get(key, _ABSENT)
        if value is _ABSENT:
            value = self._memo[key] = self._derive(key)
        return default if value is _ABSENT else value

    def __iter__(self) -> Iterator[str]:  # the whole questionnaire: only for callers that list everything
        return (key for key in self._keys() if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def restored(q: Questionnaire, answers: Mapping[str, Any], visible: Mapping[str, bool],
             groups: Mapping[str, Progress], provisions: Mapping[str, Progress],
             articles: Mapping[str, Progress]) -> Evaluation:
    """The evaluation of ``answers`` whose visibility and totals were stored (see the module)."""
    plan = _Plan.of(q)
    items = q.index.items

    def answerable() -> list[str]:  # only for callers that list everything: not built for a save or a page
        return [question.id for question in plan.answerable]

    def question(key: str) -> Question | None:
        item = items.get(key)
        return item if isinstance(item, Question) and item.type != "note" else None

    def answered(key: str) -> bool:
        answer = answers.get(key)
        return answer is not None and not _empty(answer)

    def value(key: str) -> Any:
        return answers[key] if visible.get(key, False) and question(key) and answered(key) else _ABSENT

    values: _Derived[Any] = _Derived(value, answerable)

    def required(key: str) -> Any:
        found = question(key)
        if found is None or not visible.get(key, False):
            return _ABSENT
        rule = found.required
        return rule if isinstance(rule, bool) else bool(rule.fn(values, None))

    required_now: _Derived[bool] = _Derived(required, answerable)

    def problems_of(key: str) -> Any:
        found = question(key)
        if found is None or not visible.get(key, False) or not answered(key):
            return _ABSENT
        return _validate(found, answers[key], values) or _ABSENT

    problems: _Derived[tuple[Problem, ...]] = _Derived(problems_of, answerable)

    def missing(key: str) -> Any:
        return True if required_now.get(key) and not answered(key) else _ABSENT

    def hidden(key: str) -> Any:
        return True if question(key) and not visible.get(key, False) and answered(key) else _ABSENT

    def contrib(key: str) -> Any:
        if question(key) is None:
            return _ABSENT
        if not visible.get(key, False):
            return _ZERO
        done, needed = answered(key), bool(required_now.get(key))
        return (1, int(done), int(needed), int(needed and done), int(key in problems))

    evaluation = Evaluation(q, answers)
    evaluation.visible, evaluation.values, evaluation.required = visible, values, required_now
    evaluation.problems, evaluation._contrib = problems, _Derived(contrib, answerable)
    evaluation.missing = KeySet(_Derived(missing, answerable))
    evaluation.not_applicable = KeySet(_Derived(hidden, answerable))
    evaluation.groups, evaluation.provisions, evaluation.articles = groups, provisions, articles
    return evaluation


@dataclass(frozen=True)
class StoredChanges:
    """What changed in the stored tables of an evaluation after :meth:`Evaluation.update`."""

    visible: dict[str, bool]
    groups: dict[str, Progress]
    provisions: dict[str, Progress]
    articles: dict[str, Progress]
    #: Question -> how its contribution to every total changed (new minus old): for a caller that
    #: keeps totals over other sets of questions (pages, say) up to date.
    contributions: dict[str, Progress] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.visible or self.groups or self.provisions or self.articles or self.contributions)


def stored_changes(before: Evaluation, after: Evaluation) -> StoredChanges:
    """The visibility and totals of ``after`` that differ from ``before`` (an update of it)."""
    def changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
        if new is old:
            return {}
        if isinstance(new, Layered):
            keys: Iterable[str] = new.changed_keys()
        else:  # not an update: compare everything
            keys = set(new) | set(old)
        return {key: new.get(key) for key in keys if new.get(key) != old.get(key)}

    return StoredChanges(changed(before.visible, after.visible), changed(before.groups, after.groups),
                         changed(before.provisions, after.provisions), changed(before.articles, after.articles),
                         _contributions(before, after))


def _contributions(before: Evaluation, after: Evaluation) -> dict[str, Progress]:
    old, new = before._contrib, after._contrib
    if new is old:
        return {}
    keys: Iterable[str] = new.changed_keys() if isinstance(new, Layered) else set(new) | set(old)
    out = {}
    for key in keys:
        delta = Progress(*new.get(key, _ZERO)) - old.get(key, _ZERO)
        if any(delta):
            out[key] = delta
    return out


def reach(q: Questionnaire, changed: Iterable[str]) -> tuple[set[str], set[str]]:
    """What an update after ``changed`` answers may read: (items whose visibility or answer it may
    read, groups, provisions and articles whose totals it may change). An over-estimate, in
    proportion to what depends on the changes."""
    plan = _Plan.of(q)
    index = q.index
    items: set[str] = set()
    todo = [item_id for item_id in changed if item_id in index.items]
    while todo:
        item_id = todo.pop()
        if item_id in items:
            continue
        items.add(item_id)
        todo.extend(index.dependents.get(item_id, ()))
        todo.extend(plan.children.get(item_id, ()))
    read: set[str] = set(items)
    totals: set[str] = set()
    for item_id in items:
        item = index.items[item_id]
        parent = index.parent.get(item_id)
        if parent is not None:
            read.add(parent)
        for condition in conditions(item):
            read.update(condition.refs)
        totals.update(plan.containers.get(item_id, ()), plan.provisions.get(item_id, ()),
                      plan.articles.get(item_id, ()))
    for section in q.sections:
        read.add(section.id)
        totals.add(section.id)
    return read, totals


def conditions(item: Question | Group) -> Iterator[Condition]:
    """An item's conditions: when it shows, when it is required, its constraints."""
    if item.show_if is not None:
        yield item.show_if
    if isinstance(item, Question):
        if not isinstance(item.required, bool):
            yield item.required
        for constraint in item.constraints:
            yield constraint.rule


def full_tables(evaluation: Evaluation) -> tuple[dict[str, bool], dict[str, Progress], dict[str, Progress],
                                                   dict[str, Progress]]:
    """Every stored table of ``evaluation`` (to store it the first time): visibility of every item,
    totals of every group, provision and article (zero where nothing counts)."""
    q = evaluation.questionnaire
    plan = _Plan.of(q)
    visible = {item_id: evaluation.is_visible(item_id) for item_id in q.index.items}
    groups = {gid: evaluation.groups.get(gid, _ZERO) for gid in plan.children}
    provisions = {pid: evaluation.provisions.get(pid, _ZERO) for refs in plan.provisions.values() for pid in refs}
    articles = {aid: evaluation.articles.get(aid, _ZERO) for refs in plan.articles.values() for aid in refs}
    return visible, groups, provisions, articles
