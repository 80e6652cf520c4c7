"""Figures across States kept ready: counted when responses change, read in one row.

Counting the figures reads every State's answers (about three seconds for 193 States). So they are
counted ahead, for each questionnaire and audience (``all``: the secretariat's, every State's
latest response; ``published``: everyone else's, the accepted responses whose State consented to
aggregate figures, ``web.access.aggregate_responses``), and stored in ``figure_aggregates`` without
language: codes of States, articles, categories, regions and provisions; the page adds the names in
the reader's language. A State is counted in every figure, but listed by code only as far as its
consent goes (``figures.StateData.named``/``chapters``): the number of States counted is stored
beside the codes named. After a submission, return, acceptance, amendment or (un)publication commits,
a job counts them again (``refresh``, debounced). A page first compares the stored row's ``key``
with the responses as they are (one light query: ids, statuses, publication, time of the last
change); if they differ (a draft was saved since, or the job has not run yet) it counts them at once
and stores them for the next reader.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import Select, delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, object_session

import engine

from .. import access, catalog, consent, workflow
from ..data import sources
from ..db import WRITE_METHODS, db
from ..jobs import JobError, backend
from ..models import FigureAggregate, QuestionnaireVersion, Response
from ..models.base import utcnow
from . import figures

log = logging.getLogger("web.analysis")
TASK = "web.analysis.aggregates.refresh"
AUDIENCES = ("all", "published")
#: The shape of the stored figures: changing it makes every stored row stale (counted again on read).
FORMAT = "2: groups"
#: Logged steps after which figures change.
STEPS = frozenset({"submitted", "returned", "accepted", "amended", "published", "unpublished", "consent"})
_PENDING = "figures_to_count"


def audience_of(user: Any) -> str:
    """Whose figures ``user`` sees (``web.access.aggregate_responses``)."""
    return "all" if user.is_secretariat else "published"


def _scope(audience: str, questionnaire_id: str) -> Select[Any]:
    query = select(Response) if audience == "all" else access.consented("aggregate")
    return sources.for_questionnaire(query.where(Response.state_id.is_not(None)), questionnaire_id)  # States only


def key(audience: str, questionnaire_id: str) -> str:
    """Changes whenever what the figures count can change (one query, no answers read)."""
    query = _scope(audience, questionnaire_id).with_only_columns(
        Response.id, Response.version_id, Response.status, Response.published, Response.updated_at,
        Response.consent, Response.consent_chapters
    ).order_by(Response.id)
    digest = hashlib.sha256(FORMAT.encode())
    for row in db.session.execute(query):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def count(version: QuestionnaireVersion, audience: str) -> dict[str, Any]:
    """Count the figures of ``version``'s questionnaire for ``audience`` (codes only, no names)."""
    q = catalog.questionnaire(version)
    query = _scope(audience, version.questionnaire_id).options(  # the versions' YAML text is not needed
        joinedload(Response.version).defer(QuestionnaireVersion.source))
    latest = sources.latest_per_state(db.session.scalars(query).all())
    keys = sources.source_keys(latest)
    everyone = audience == "all"  # the secretariat: every State named
    data = [figures.StateData(r.of_state.code, r.of_state.code, r.of_state.region,
                              sources.facts_cache.get(r, keys[r.id]),
                              named=everyone or consent.allows(r, "assistance"),
                              chapters=None if everyone else named_chapters(r), group=r.of_state.group)
            for r in latest]

    def rows(found: list[figures.Row]) -> list[list[Any]]:  # the States named, and how many are counted
        return [[row.key, row.needs, row.high, row.reporting, _codes(row.states), row.state_count] for row in found]

    return {  # lists of States as codes joined by spaces: quick to read back
        "states": [[r.of_state.code, r.of_state.region, [r.of_state.name(lang) for lang in engine.UN_LANGUAGES],
                    r.of_state.group] for r in latest],
        "article": rows(figures.ta_by_article(data, q, q.default_language)),
        "category": rows(figures.ta_by_category(data, q, q.default_language)),
        "region": rows(figures.ta_by_region(data, q.default_language)),
        "group": rows(figures.ta_by_group(data)),
        "compliance": [[row.provision, row.article, row.chapter, row.level,
                        {bucket: _codes(states) for bucket, states in row.states.items()}, dict(row.counts)]
                       for row in figures.compliance_by_provision(data, q)],
    }


def named_chapters(response: Response) -> frozenset[str] | None:
    """Chapters in which a State is named in figures on provisions: those of its published profile,
    by consent (None: every chapter; empty: none)."""
    return consent.shared_chapters(response) if response.published else frozenset()


def _codes(states: list[tuple[str, str]]) -> str:
    return " ".join(code for code, _name in states)


def _named(codes: str, names: dict[str, str], order: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """The States of ``codes`` with their names, in name order (``order``: each code's rank in the
    name order of every State, to sort without comparing names again)."""
    found = codes.split()
    if order is not None:
        try:
            found.sort(key=order.__getitem__)
        except KeyError:  # a code without a name (not among the States counted): sorted by the code
            pass
        else:
            return [(code, names[code]) for code in found]
    return sorted(((code, names.get(code, code)) for code in found), key=lambda s: s[1].casefold())


def _store(version: QuestionnaireVersion, audience: str, found_key: str, data: dict[str, Any]) -> None:
    """Replace the stored figures: in a transaction of their own during a page view (its session
    only reads), else in the current one (a job's), committed."""
    reading = has_request_context() and request.method not in WRITE_METHODS
    try:
        with db.writing() if reading else nullcontext(db.session) as session:
            session.execute(delete(FigureAggregate).where(
                FigureAggregate.questionnaire_id == version.questionnaire_id, FigureAggregate.audience == audience))
            session.add(FigureAggregate(questionnaire_id=version.questionnaire_id, audience=audience,
                                        version_id=version.id, key=found_key, data=data, counted_at=utcnow()))
            if not reading:
                session.commit()
    except IntegrityError:  # another process stored the same figures at the same moment
        db.session.rollback() if not reading else None
        log.info("figures of %s (%s) stored by another process meanwhile", version.questionnaire_id, audience)


def ready(version: QuestionnaireVersion, audience: str) -> dict[str, Any]:
    """The figures of ``version`` for ``audience``: the stored ones when still true, else counted now
    (and stored)."""
    found_key = key(audience, version.questionnaire_id)
    row = db.session.scalars(select(FigureAggregate).where(
        FigureAggregate.questionnaire_id == version.questionnaire_id, FigureAggregate.audience == audience)).first()
    if row is not None and row.key == found_key and row.version_id == version.id:
        return row.data  # type: ignore[no-any-return]
    data = count(version, audience)
    _store(version, audience, found_key, data)
    return data


def refresh(questionnaire_id: str) -> dict[str, Any]:
    """The job: count the figures of the current version of ``questionnaire_id`` for every audience."""
    counted = {}
    with db.reading():  # no write lock held while counting
        version = next((v for v in catalog.current_versions() if v.questionnaire_id == questionnaire_id), None)
        if version is None:
            return {"questionnaire": questionnaire_id, "counted": False}
        for audience in AUDIENCES:
            counted[audience] = (key(audience, questionnaire_id), count(version, audience))
    for audience, (found_key, data) in counted.items():
        _store(version, audience, found_key, data)
    return {"questionnaire": questionnaire_id, "counted": True}


# -- what a page shows: the stored codes with names in the reader's language ---------------------------------
@dataclass(frozen=True)
class Figures:
    data: list[figures.StateData]  # the States counted (no facts: the figures are counted already)
    stored: dict[str, Any]
    names: dict[str, str]  # State code -> name in the reader's language

    @cached_property
    def order(self) -> dict[str, int]:
        """Each State's rank in name order (read once per page rather than per list of States)."""
        return {code: rank for rank, code in enumerate(sorted(self.names, key=lambda c: self.names[c].casefold()))}

    def rows(self, by: str, q: engine.Questionnaire, lang: str) -> list[figures.Row]:
        labels = _labels(by, q, lang)
        out = []
        for row_key, needs, high, reporting, codes, counted in self.stored[by]:
            states = _named(codes, self.names, self.order)
            label = figures.region_name(row_key, lang) if by == "region" else labels.get(
                row_key, "" if by == "article" else row_key)
            out.append(figures.Row(row_key, label, needs, high, states, reporting, total=counted))
        if by in ("region", "group"):
            out.sort(key=lambda r: r.label.casefold())
        return out

    def compliance(self, chapter: str | None, named: bool = True) -> list[figures.ComplianceRow]:
        """The rows of ``chapter`` (None: every chapter); without the States named in each count
        unless ``named``."""
        out = []
        for provision, article, chapter_id, level, buckets, counts in self.stored["compliance"]:
            if chapter and chapter_id != chapter:
                continue
            states = {bucket: _named(codes, self.names, self.order) if named else []
                      for bucket, codes in buckets.items()}
            out.append(figures.ComplianceRow(provision, article, chapter_id, level, states, dict(counts)))
        return out


def _labels(by: str, q: engine.Questionnaire, lang: str) -> dict[str, str]:
    if by == "article":
        framework = q.framework
        return {a.id: q.text(a.title, lang).text for a in framework.articles.values()} if framework else {}
    if by == "category":
        from exports.provisions import choices_of

        return {choice.code: q.text(choice.label, lang).text for choice in choices_of(q, "assistance_kinds")}
    if by == "group":
        from ..models.states import REGIONAL_GROUPS
        from ..reference import group_label

        return {code: group_label(code) for code in REGIONAL_GROUPS}
    return {}


def for_page(version: QuestionnaireVersion, user: Any, lang: str) -> Figures:
    stored = ready(version, audience_of(user))
    column = engine.UN_LANGUAGES.index(lang) if lang in engine.UN_LANGUAGES else engine.UN_LANGUAGES.index("en")
    names = {code: names[column] for code, _region, names, _group in stored["states"]}
    data = [figures.StateData(code, names[code], region, (), group=group)
            for code, region, _names, group in stored["states"]]
    return Figures(data, stored, names)


# -- counting again after a step -------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    workflow.step_logged.connect(_noted)
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)


def _noted(response: Response, action: str = "", **details: Any) -> None:
    session = object_session(response)
    if action in STEPS and session is not None:
        session.info.setdefault(_PENDING, set()).add(response.version.questionnaire_id)


def _committed(session: Session) -> None:
    questionnaires = session.info.pop(_PENDING, None)
    if not questionnaires or not has_app_context() or not current_app.config.get("FIGURES_AHEAD", True):
        return  # (off: the first page after a step counts them)
    window = float(current_app.config.get("JOBS_DEBOUNCE") or 0)
    for questionnaire_id in sorted(questionnaires):
        try:
            backend().debounce(f"figures-{questionnaire_id}", window, TASK, (questionnaire_id,))
        except JobError as exc:  # the step is committed; the next page counts the figures itself
            log.error("figures of %s not queued: %s", questionnaire_id, exc)


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
