"""Figures across States: technical-assistance needs by article, category and region, and compliance
by provision. Places are counted two ways: by UN M49 region (geography) and by UN regional group
(the groups in which States meet at the Conference of the States Parties). Counting is done here
on plain data (:class:`StateData`); which States count is the caller's business
(``web.data.sources.aggregate_responses``).

A State counts once per provision, with its applicable answers only: an answer that other answers
hide (e.g. assistance categories after "technical assistance would not help") is never counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from babel import Locale

import engine
from exports.provisions import BUCKETS, ProvisionFacts, choices_of, layouts


@dataclass(frozen=True)
class StateData:
    """A State in the figures. It always counts; it is *named* (in lists of States, CSV columns of
    codes) only as far as its consent goes: ``named`` for its assistance needs, ``chapters`` for its
    answers on provisions (None: every chapter; empty: none)."""

    code: str
    name: str
    region: str  # UN M49 region code
    facts: tuple[ProvisionFacts, ...]
    named: bool = True
    chapters: frozenset[str] | None = None
    group: str = ""  # UN regional group (web.models.states.REGIONAL_GROUPS)

    def named_in(self, chapter: str) -> bool:
        return self.chapters is None or chapter in self.chapters


@dataclass
class Row:
    """One line of a table: a key, its label, its counts and the States behind them."""

    key: str
    label: str
    needs: int = 0  # provisions x States
    high: int = 0  # of which high priority
    states: list[tuple[str, str]] = field(default_factory=list)  # named (code, name), in name order
    reporting: int = 0  # by region or group: States in the data
    counted: set[str] = field(default_factory=set)  # codes of every State counted, named or not
    total: int | None = None  # States counted, when read back from stored figures (no codes kept)

    def add_state(self, state: StateData) -> None:
        self.counted.add(state.code)
        if state.named and (state.code, state.name) not in self.states:
            self.states.append((state.code, state.name))

    @property
    def state_count(self) -> int:
        return len(self.counted) if self.total is None else self.total

    @property
    def names(self) -> str:
        """The names of the States named, as a list in a sentence ("France, Kenya")."""
        return ", ".join(name for _code, name in self.states)

    @property
    def unnamed(self) -> int:
        """States counted whose consent does not let them be named."""
        return self.state_count - len(self.states)


def article_order(article: str) -> tuple[int, str]:
    return (int(article), "") if article.isdigit() else (10_000, article)


def _needs(data: Sequence[StateData]) -> list[tuple[StateData, ProvisionFacts]]:
    return [(state, facts) for state in data for facts in state.facts if facts.applicable and facts.ta_needed]


def _finish(rows: list[Row]) -> list[Row]:
    for row in rows:
        row.states.sort(key=lambda item: item[1].casefold())
    return rows


def ta_by_article(data: Sequence[StateData], q: engine.Questionnaire, lang: str) -> list[Row]:
    framework = q.framework
    rows: dict[str, Row] = {}
    for state, facts in _needs(data):
        row = rows.get(facts.article)
        if row is None:
            title = ""
            if framework is not None and facts.article in framework.articles:
                title = q.text(framework.articles[facts.article].title, lang).text
            row = rows[facts.article] = Row(facts.article, title)
        row.needs += 1
        row.high += facts.ta_priority == "high"
        row.add_state(state)
    return _finish([rows[key] for key in sorted(rows, key=article_order)])


def ta_by_category(data: Sequence[StateData], q: engine.Questionnaire, lang: str) -> list[Row]:
    rows = {choice.code: Row(choice.code, q.text(choice.label, lang).text)
            for choice in choices_of(q, "assistance_kinds")}
    for state, facts in _needs(data):
        for code in facts.ta_categories:
            row = rows.setdefault(code, Row(code, code))
            row.needs += 1
            row.high += facts.ta_priority == "high"
            row.add_state(state)
    return _finish(list(rows.values()))


def region_name(code: str, lang: str) -> str:
    return str(Locale.parse(lang).territories.get(code, code))


def ta_by_place(data: Sequence[StateData], place: Callable[[StateData], str],
                name: Callable[[str], str]) -> list[Row]:
    """Needs by where States are: ``place`` gives a State's region or group code, ``name`` its label."""
    rows: dict[str, Row] = {}
    for state in data:
        code = place(state)
        row = rows.setdefault(code, Row(code, name(code)))
        row.reporting += 1
    for state, facts in _needs(data):
        row = rows[place(state)]
        row.needs += 1
        row.high += facts.ta_priority == "high"
        row.add_state(state)
    return _finish(sorted(rows.values(), key=lambda r: r.label.casefold()))


def ta_by_region(data: Sequence[StateData], lang: str) -> list[Row]:
    return ta_by_place(data, lambda state: state.region, lambda code: region_name(code, lang))


def ta_by_group(data: Sequence[StateData]) -> list[Row]:
    """By UN regional group; labels are the codes (the page names them in the reader's language)."""
    return ta_by_place(data, lambda state: state.group, lambda code: code)


@dataclass
class ComplianceRow:
    provision: str
    article: str
    chapter: str
    level: str
    states: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {b: [] for b in BUCKETS})  # named
    counts: dict[str, int] = field(default_factory=lambda: {b: 0 for b in BUCKETS})

    def count(self, bucket: str) -> int:
        return self.counts[bucket]

    def names(self, bucket: str) -> str:
        """The names of the States of ``bucket`` named, as a list in a sentence ("France, Kenya"),
        joined here in one go rather than name by name in the template."""
        return ", ".join(name for _code, name in self.states[bucket])


def compliance_by_provision(data: Sequence[StateData], q: engine.Questionnaire,
                            chapter: str | None = None) -> list[ComplianceRow]:
    """Per provision of ``q`` that asks where a State stands (optionally of one chapter): the States
    per bucket (``exports.provisions.BUCKETS``): yes, in part, no, not a gap (a negative answer
    where the level has no gaps), or not answered (no answer, or a questionnaire version without the
    provision); a State whose other answers hide the provision is in none."""
    rows = []
    answers = [(state, {f.provision: f for f in state.facts}) for state in data]
    for layout in layouts(q):
        if (chapter and layout.chapter != chapter) or not layout.assessed:
            continue
        row = ComplianceRow(layout.provision, layout.article, layout.chapter, layout.level)
        for state, given in answers:
            facts = given.get(layout.provision)
            if facts is not None and not facts.applicable:
                continue  # other answers of the State hide it: it does not apply to that State
            bucket = facts.bucket if facts is not None else None
            key = bucket if bucket in BUCKETS else "not_answered"
            row.counts[key] += 1
            if state.named_in(layout.chapter):
                row.states[key].append((state.code, state.name))
        for states in row.states.values():
            states.sort(key=lambda item: item[1].casefold())
        rows.append(row)
    return rows
