"""Evaluations rebuilt from stored visibility and totals (engine.stored): the same as a full
evaluation, read key by key, and an update of one stores only what changed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import stored
from engine.evaluate import Progress

from .test_evaluate import ANSWER, CHAIN, STATE


class Counting(Mapping[str, Any]):
    """A stored table that records which keys were read (and refuses to be listed)."""

    def __init__(self, table: Mapping[str, Any]):
        self.table = dict(table)
        self.read: set[str] = set()
        self.strict = True  # listing refused (the comparisons of the test open it)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self.table[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return self.table.get(key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, None) is not None

    def __iter__(self) -> Iterator[str]:
        assert not self.strict, "a stored table was listed"
        return iter(self.table)

    def __len__(self) -> int:
        assert not self.strict, "a stored table was counted"
        return len(self.table)


ZERO = Progress()


def _countings(table: Any) -> list[Counting]:
    base = getattr(table, "_base", table)
    return [base] if isinstance(base, Counting) else []


def restore(ev: engine.Evaluation, answers: Mapping[str, Any]) -> tuple[engine.Evaluation, list[Counting]]:
    tables = [Counting(table) for table in stored.full_tables(ev)]
    return stored.restored(ev.questionnaire, answers, *tables), tables


def same(a: engine.Evaluation, b: engine.Evaluation) -> None:
    for table in (a.visible, a.groups, a.provisions, a.articles):
        for counting in _countings(table):
            counting.strict = False
    for name in STATE:
        left, right = getattr(a, name), getattr(b, name)
        if name in ("groups", "provisions", "articles"):  # stored with zeros where nothing counts
            left = {k: v for k, v in dict(left).items() if v != ZERO}
            right = {k: v for k, v in dict(right).items() if v != ZERO}
        assert dict(left) == dict(right) if isinstance(left, Mapping) else set(left) == set(right), name


@settings(max_examples=200, deadline=None)
@given(st.lists(ANSWER, max_size=20), st.lists(ANSWER, min_size=1, max_size=3))
def test_an_update_of_a_restored_evaluation_equals_a_full_evaluation(before: list[tuple[str, object]],
                                                                       after: list[tuple[str, object]]) -> None:
    answers: dict[str, object] = {}
    for qid, value in before:
        answers.pop(qid, None) if value is None else answers.__setitem__(qid, value)
    full = engine.evaluate(CHAIN, answers)
    restored, tables = restore(full, answers)
    same(restored, full)
    restored, tables = restore(full, answers)  # afresh: nothing read yet
    new = dict(answers)
    for qid, value in after:
        new.pop(qid, None) if value is None else new.__setitem__(qid, value)
    changed = [qid for qid, _value in after]
    updated = restored.update(new, changed)
    items, totals = stored.reach(CHAIN, changed)
    assert tables[0].read <= items  # visibility read: only what the changes reach
    assert (tables[1].read | tables[2].read | tables[3].read) <= totals
    expected = engine.evaluate(CHAIN, new)
    same(updated, expected)
    delta = stored.stored_changes(restored, updated)
    visible, groups, provisions, articles = (dict(t.table) for t in tables)
    visible.update(delta.visible)
    groups.update(delta.groups)
    provisions.update(delta.provisions)
    articles.update(delta.articles)
    assert (visible, groups, provisions, articles) == stored.full_tables(expected)


def test_a_page_reads_only_its_own_keys() -> None:
    answers = {"c0": "yes", "n0": 3, "c1": "no"}
    ev, tables = restore(engine.evaluate(CHAIN, answers), answers)
    assert ev.is_visible("m0") and ev.is_required("n0") and ev.problems.get("n0") is None
    assert ev.progress_of(["c0", "n0", "m0"]).answered == 2
    assert tables[0].read == {"m0", "n0", "c0"}
