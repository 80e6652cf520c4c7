"""Which responses' data a user may have, loaded as plain data for ``exports.data``.

The secretariat has every response; a State's users have their State's (``web.access``). Readers
(delegates, donors) have no response in ``web.access``; here they get the **published** ones
(accepted by the secretariat and released), which is what their country profiles show, and of
those only the applicable answers about provisions of the framework: the general part (names,
e-mail addresses and telephones of the officials who answered) is personal data and stays out, and
answers that other answers make not applicable are no part of what the State asserts.

A submitted or accepted response is read from its latest submission snapshot, a draft from its
live answers (``web.workflow.profile_source``); the few drafts a user may see are the secretariat's
and the State's own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import load_only

from exports import data as exports
from exports import provisions

from .. import access, consent
from ..db import db
from ..models import QuestionnaireVersion, Response, Snapshot, State
from ..workflow import profile_source, source_key

# The scoping rules live in web.access (one place); these names are kept for the data modules.
public_view = access.public_view
published = access.published
responses = access.data_responses
readable_responses = access.readable_responses
aggregate_responses = access.aggregate_responses


def state_in_scope(query: Select[Response], code: str) -> State | None:
    """The State ``code`` if the scoped ``query`` holds one of its responses."""
    return db.session.scalars(select(State).where(
        State.code == code.strip().upper(), State.id.in_(query.with_only_columns(Response.state_id)))).first()


def for_questionnaire(query: Select[Response], questionnaire_id: str) -> Select[Response]:
    return query.where(Response.version_id.in_(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id)))


def in_order(rows: Iterable[Response]) -> list[Response]:
    """Responses by State code, questionnaire and version (every version: an export keeps them all)."""
    return sorted(rows, key=lambda r: (r.owner_code, r.version.questionnaire_id, r.version_id))


def latest_per_state(rows: Iterable[Response]) -> list[Response]:
    """Of several responses of a State (or provider) to one questionnaire (several versions), the newest."""
    best: dict[tuple[int | None, str | None, str], Response] = {}
    for row in rows:
        key = (row.state_id, row.organization, row.version.questionnaire_id)
        if key not in best or row.version_id > best[key].version_id:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.owner_code, r.version.questionnaire_id))


# -- loading ------------------------------------------------------------------------------------------
def load(response: Response, lang: str, provisions_only: bool = False) -> exports.Source:
    """A response's answers as an export source: its latest snapshot, or its live answers if a draft.
    ``provisions_only`` is the readers' view: answers about provisions, applicable ones only, of the
    chapters the State consented to share."""
    origin = profile_source(response)  # what it read is all an export needs: nothing is read again
    state = response.state
    return exports.Source(
        state_code=response.owner_code, state_name=response.owner_name(lang), questionnaire=origin.questionnaire,
        raw=origin.raw,
        versions=origin.versions, languages=dict(origin.languages), status=response.status,
        origin="snapshot" if origin.snapshot is not None else "live",
        snapshot=origin.snapshot.number if origin.snapshot is not None else None, as_of=origin.as_of,
        region=state.region if state is not None else "", provisions_only=provisions_only,
        include_not_applicable=not provisions_only,
        parsed=origin.answers, chapters=consent.shared_chapters(response) if provisions_only else None)


def source_keys(rows: Iterable[Response]) -> dict[int, str]:
    """A key per response that changes whenever what ``load`` reads changes: the latest snapshot
    (its id and the hash of its answers) of a submitted response, the time of the last save of a draft."""
    rows = list(rows)
    ids = [row.id for row in rows]
    latest: dict[int, Snapshot] = {}
    if ids:
        newest = (select(func.max(Snapshot.id)).where(Snapshot.response_id.in_(ids))
                  .group_by(Snapshot.response_id))
        for snapshot in db.session.scalars(select(Snapshot).where(Snapshot.id.in_(newest)).options(
                load_only(Snapshot.id, Snapshot.response_id, Snapshot.answers_hash))):
            latest[snapshot.response_id] = snapshot
    return {row.id: f"{row.version.content_hash[:12]}-"
            + source_key(row, latest.get(row.id) if row.status != "draft" else None) for row in rows}


class _Facts:
    """Per-provision facts of responses, kept in memory per (response, source key): counting across
    193 States then reads each snapshot once, not on every page view."""

    def __init__(self, size: int = 1024):
        self.size = size
        self.items: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, response: Response, key: str) -> tuple[provisions.ProvisionFacts, ...]:
        cache_key = (response.id, key)
        with self.lock:
            found = self.items.get(cache_key)
            if found is not None:
                self.items.move_to_end(cache_key)
                return found  # type: ignore[no-any-return]
        source = load(response, "en")
        facts = provisions.provision_facts(source.questionnaire, source.evaluation)
        with self.lock:
            self.items[cache_key] = facts
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return facts


facts_cache = _Facts()
