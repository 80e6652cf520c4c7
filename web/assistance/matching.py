"""Needs matched to offers: per State, article and kind of assistance, who covers what.

A *need* (State, article, kind) is covered by every offer to the same State on the same article
whose kind is the same, or that names no kind (an offer "on article 15" covers each need on it),
and a need without a kind is covered by any offer on its article. A need nobody covers is a *gap*;
one that several providers cover is an *overlap*.

Rows come from ``assistance_items`` (kept up to date on submission and acceptance by
``web.assistance.index``); which States' responses count is the caller's scope (``web.access``).
The offers of providers' submitted responses (their provider questionnaires) count for everyone
who sees matching: that is what providers answer for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, or_, select

from ..db import db
from ..models import AssistanceItem, Response, State

PRIORITIES = ("high", "medium", "low")


@dataclass
class Need:
    state: str  # code
    article: str
    category: str
    priority: str  # the highest given
    provisions: set[str] = field(default_factory=set)
    providers: dict[str, str] = field(default_factory=dict)  # key -> name as written

    @property
    def gap(self) -> bool:
        return not self.providers

    @property
    def overlap(self) -> bool:
        return len(self.providers) > 1


@dataclass(frozen=True)
class Filters:
    group: str = ""  # a UN regional group
    category: str = ""
    priority: str = ""


@dataclass
class Matching:
    needs: list[Need]
    states: dict[str, State]
    offers: int  # offers counted (State x article x kind x provider)

    def by(self, attribute: str) -> list[tuple[str, int, int, int]]:
        """(key, needs, gaps, overlaps) per State code, article or category, in order."""
        rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for need in self.needs:
            row = rows[getattr(need, attribute)]
            row[0] += 1
            row[1] += need.gap
            row[2] += need.overlap
        return [(k, *v) for k, v in sorted(rows.items(), key=lambda item: _order(attribute, item[0]))]  # type: ignore[misc]

    @property
    def gaps(self) -> int:
        return sum(need.gap for need in self.needs)

    @property
    def overlaps(self) -> int:
        return sum(need.overlap for need in self.needs)


def _order(attribute: str, value: str) -> tuple[int, str]:
    if attribute == "article":
        return (int(value), "") if value.isdigit() else (10_000, value)
    return (0, value)


def _rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def match(scope: Select[Response], filters: Filters = Filters()) -> Matching:
    """The needs of the responses in ``scope``, each with the providers that cover it (offers are
    read from the same scope, and from every provider's submitted response)."""
    ids = scope.with_only_columns(Response.id)
    query = select(AssistanceItem.kind, State.code, AssistanceItem.article, AssistanceItem.category,
                   AssistanceItem.priority, AssistanceItem.provision, AssistanceItem.provider_key,
                   AssistanceItem.provider).join(State, State.id == AssistanceItem.state_id).where(
        or_(AssistanceItem.response_id.in_(ids),
            and_(AssistanceItem.kind == "offer", AssistanceItem.response_id.in_(providers_responses()))))
    if filters.group:
        query = query.where(State.group == filters.group)
    needs: dict[tuple[str, str, str], Need] = {}
    offers: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    count = 0
    for kind, code, article, category, priority, provision, provider_key, provider in db.session.execute(query):
        if kind == "need":
            need = needs.get((code, article, category))
            if need is None:
                need = needs[(code, article, category)] = Need(code, article, category, priority)
            elif _rank(priority) < _rank(need.priority):
                need.priority = priority
            if provision:
                need.provisions.add(provision)
        elif provider_key not in offers[(code, article)][category]:
            offers[(code, article)][category][provider_key] = provider
            count += 1
    for (code, article, category), need in needs.items():
        given = offers.get((code, article))
        if not given:
            continue
        for offered, providers in given.items():
            if offered == category or not offered or not category:
                need.providers.update(providers)
    chosen = [n for n in needs.values() if (not filters.category or n.category == filters.category)
              and (not filters.priority or n.priority == filters.priority)]
    chosen.sort(key=lambda n: (n.state, *_order("article", n.article), n.category))
    states = {s.code: s for s in db.session.scalars(select(State).where(State.code.in_({n.state for n in chosen})))}
    return Matching(chosen, states, count)


def providers_responses() -> Select[int]:
    """The ids of providers' responses whose offers count: submitted at least once."""
    return select(Response.id).where(Response.state_id.is_(None), Response.status != "draft")


def providers_of(needs: Iterable[Need]) -> list[tuple[str, int]]:
    """(provider, needs it covers), most first."""
    counts: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for need in needs:
        for provider_key, name in need.providers.items():
            counts[provider_key] += 1
            names.setdefault(provider_key, name)
    return sorted(((names[k], n) for k, n in counts.items()), key=lambda item: (-item[1], item[0].casefold()))
