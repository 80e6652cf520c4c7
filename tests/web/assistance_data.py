"""Generated needs and offers for 193 States and 20 providers, with the coverage known in advance
(used by tests/web/test_assistance.py and bench/assistance.py).

State number ``i`` (in code order) has one accepted checklist response and needs on article
``5 + i % 10``: legal advice always, capacity-building when ``i % 3 == 0``. Provider ``i % 20``
offers legal advice on that article when ``i`` is even, provider ``i % 20 + 1`` too when
``i % 4 == 0``, and provider ``i % 20 + 2`` the article whatever the kind when ``i % 5 == 0``.
:func:`expected` states the coverage from these rules, independently of ``web.assistance``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

PROVIDERS = [f"Provider {n:02d}" for n in range(22)]  # 20 used per State, numbers wrap below


def provider(n: int) -> str:
    return PROVIDERS[n % 20]


def article(i: int) -> str:
    return str(5 + i % 10)


def covering(i: int) -> dict[str, set[str]]:
    """The providers covering each need of State ``i``, by kind."""
    legal: set[str] = set()
    if i % 2 == 0:
        legal.add(provider(i))
    if i % 4 == 0:
        legal.add(provider(i + 1))
    general = {provider(i + 2)} if i % 5 == 0 else set()
    needs = {"legal_advisory": legal | general}
    if i % 3 == 0:
        needs["capacity_building"] = set(general)
    return needs


def expected(count: int = 193) -> dict[str, int]:
    needs = [providers for i in range(count) for providers in covering(i).values()]
    return {"needs": len(needs), "gaps": sum(not p for p in needs), "overlaps": sum(len(p) > 1 for p in needs)}


def generate(consent: str = "assistance") -> dict[str, Any]:
    """Rows for every State (in an app context; the caller commits)."""
    from web.extensions import db
    from web.models import AssistanceItem, QuestionnaireVersion, Response, State

    version = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == "uncac_checklist")).first()
    assert version is not None, "publish the checklist first"
    states = db.session.scalars(select(State).order_by(State.code)).all()
    assert len(states) == 193
    rows = []
    for i, state in enumerate(states):
        response = Response(state_id=state.id, version_id=version.id, status="accepted", consent=consent)
        db.session.add(response)
        db.session.flush()
        art = article(i)
        needs = ["legal_advisory"] + (["capacity_building"] if i % 3 == 0 else [])
        for category in needs:
            rows.append(AssistanceItem(response_id=response.id, state_id=state.id, kind="need", article=art,
                                       category=category, priority="high" if i % 2 else "low"))
        offers = []
        if i % 2 == 0:
            offers.append((provider(i), "legal_advisory"))
        if i % 4 == 0:
            offers.append((provider(i + 1), "legal_advisory"))
        if i % 5 == 0:
            offers.append((provider(i + 2), ""))
        offers.append((provider(i + 3), "technology"))  # on a kind nobody needs: covers nothing
        for name, category in offers:
            rows.append(AssistanceItem(response_id=response.id, state_id=state.id, kind="offer", article=art,
                                       category=category, provider=name, provider_key=name.casefold(),
                                       status="ongoing"))
    db.session.add_all(rows)
    return {"states": [s.code for s in states]}
