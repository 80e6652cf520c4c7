"""Keeping ``assistance_items`` up to date: a response's needs and offers, read once per submission.

When a response is submitted or accepted (``workflow.step_logged``), its rows are rebuilt in the
step's own transaction from the submission the step froze, so the matching view reads rows and
never evaluates a questionnaire. What is read, by role (``engine.roles``), never by question id:

* a checklist: per provision that applies, ``assistance_needed`` with its ``assistance_kinds`` and
  ``assistance_priority``: one need per kind (or one without a kind);
* a report of activities (``assistance_activities``): each activity not cancelled is an offer, per
  article and kind, to its recipient: the reporting State itself for assistance received, the
  State named first in "recipient" for assistance delivered (South-South); and the needs no
  activity covers yet (``assistance_articles`` with ``assistance_kinds``);
* a provider questionnaire (``provider_activities``): each activity not cancelled is an offer of the
  organization answering (or, for a State recording what it delivers, of that State) to the State
  named in "country", per article and kind.

``rebuild`` does every response again (``checklist assistance rebuild``, after an upgrade).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import object_session

import engine
from exports.provisions import provision_facts

from .. import workflow
from ..db import db
from ..models import AssistanceItem, AssistanceSource, Response, State

#: Steps after which the rows of a response are rebuilt (they read the latest submission).
STEPS = frozenset({"submitted", "accepted"})
#: Activities that are offers (a provider questionnaire also has ``offered``: available on request).
OFFER_STATUSES = ("offered", "planned", "ongoing", "completed")


def init_app() -> None:
    workflow.step_logged.connect(_on_step)


def _on_step(response: Response, action: str = "", **details: Any) -> None:
    if action in STEPS and object_session(response) is not None:
        refresh(response)


def key(text: str) -> str:
    """A provider's name normalised: case, accents and spacing do not make another provider."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip().casefold()[:300]


def refresh(response: Response) -> int:
    """Rebuild the rows of ``response`` from its latest submission; returns how many."""
    snapshot = workflow.latest_snapshot(response)
    if snapshot is None:
        return 0
    source_key = f"s{snapshot.id}"
    found = db.session.get(AssistanceSource, response.id)
    if found is not None and found.source_key == source_key:
        return -1
    origin = workflow.profile_source(response)
    rows = list(items(origin.questionnaire, origin.answers, response.state_id, _states(),
                      provider=response.owner_name("en")))
    db.session.execute(delete(AssistanceItem).where(AssistanceItem.response_id == response.id))
    for row in rows:
        row.response_id = response.id
    db.session.add_all(rows)
    if found is None:
        db.session.add(AssistanceSource(response_id=response.id, source_key=source_key))
    else:
        found.source_key = source_key
    return len(rows)


def rebuild() -> int:
    """Every submitted response again (drafts have no submission to read)."""
    total = 0
    db.session.execute(delete(AssistanceItem))
    db.session.execute(delete(AssistanceSource))
    for response in db.session.scalars(select(Response).where(Response.status != "draft")):
        total += max(refresh(response), 0)
    return total


def _states() -> dict[str, int]:
    """State ids by every way of naming one: code and the UN short name in each language."""
    names: dict[str, int] = {}
    for state in db.session.scalars(select(State)):
        names[state.code.casefold()] = state.id
        for name in (state.names or {}).values():
            names[key(str(name))] = state.id
    return names


def items(q: engine.Questionnaire, answers: dict[str, Any], state_id: int | None,
          states: dict[str, int], provider: str = "") -> Iterator[AssistanceItem]:
    """The needs and offers in ``answers``; ``state_id`` is the State answering (None for a provider
    organization), ``provider`` the name of whoever answers (the provider of its activities)."""
    evaluation = engine.evaluate(q, answers)
    values = evaluation.values
    for question in q.with_role("provider_activities"):
        for row in values.get(question.id) or ():
            yield from _activity({**row, "provider": provider, "recipient": row.get("country")}, None, states)
    if state_id is None:  # a provider expresses no needs
        return
    for need in _checklist_needs(q, evaluation):
        need.state_id = state_id
        yield need
    for question in q.with_role("assistance_activities"):
        for row in values.get(question.id) or ():
            yield from _activity(row, state_id, states)
    for block in q.blocks:  # needs no activity covers: the articles, with the kinds of the same block
        articles, kinds = (block.get(role) for role in ("assistance_articles", "assistance_kinds"))
        for article in (values.get(articles) if articles else None) or ():
            for category in _or_blank(values.get(kinds) if kinds else None):
                yield _row(state_id=state_id, kind="need", article=str(article), category=category)


def _row(**values: Any) -> AssistanceItem:
    return AssistanceItem(**{"provision": "", "category": "", "priority": "", "provider": "", "provider_key": "",
                             "status": "", **values})


def _or_blank(codes: Iterable[str] | None) -> list[str]:
    return sorted(set(codes or ())) or [""]


def _checklist_needs(q: engine.Questionnaire, evaluation: engine.Evaluation) -> Iterator[AssistanceItem]:
    if q.framework is None or not q.with_role("assistance_needed"):
        return
    for facts in provision_facts(q, evaluation):
        if not facts.applicable or not facts.ta_needed:
            continue
        priority = facts.ta_priority
        for category in _or_blank(facts.ta_categories):
            yield _row(kind="need", article=facts.article, provision=facts.provision, category=category,
                                 priority=priority if isinstance(priority, str) else "")


def _activity(row: dict[str, Any], state_id: int | None, states: dict[str, int]) -> Iterator[AssistanceItem]:
    status = row.get("status")
    if status not in OFFER_STATUSES:
        return
    provider = str(row.get("provider") or "").strip()
    if row.get("direction") == "received" and state_id is not None:
        recipient: int | None = state_id
    else:
        named = str(row.get("recipient") or "").split(",")[0]
        recipient = states.get(key(named)) or states.get(named.strip().casefold())
    if recipient is None or not provider:
        return
    for article in row.get("articles") or ():
        for category in _or_blank(row.get("categories")):
            yield _row(state_id=recipient, kind="offer", article=str(article), category=category,
                                 provider=provider[:300], provider_key=key(provider), status=str(status))
