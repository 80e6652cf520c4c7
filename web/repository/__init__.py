"""The repository of national measures and legislation: every law, policy or measure that States
cite in their answers, with the provisions it implements and its link, searchable by article, State
and words; each entry leads back to the answer it came from.

Scoped by ``web.data.sources.readable_responses``: the secretariat sees every State's entries (drafts
from their live answers), a State's users their own and the published ones, readers the published ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, func, or_, select

import engine
from exports import data as exports
from exports.provisions import STATUS_ROLES

from .. import access
from ..access import login_required
from ..content import display, provision_number, text
from ..data import sources
from ..db import db
from ..fill.pages import pages
from ..i18n import current_language
from ..models import Response, State
from ..models.repository import RepositoryContribution, RepositoryEntry
from . import contributions, index

bp = Blueprint("repository", __name__, url_prefix="/repository")

PER_PAGE = 25
_ARTICLE = re.compile(r"[0-9A-Za-z]{1,16}")


def http_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address that is safe to put in a link, else None (shown as text)."""
    if not url:
        return None
    url = url.strip()
    if any(ord(c) < 33 or c in "\"'<>`\\" for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def article_key(article: str) -> tuple[int, str]:
    return (int(article), "") if article.isdigit() else (10_000, article)


@dataclass
class Measure:
    """A law, policy or measure of one State, with its citations (matching the search)."""

    state: State
    title: str
    language: str | None = None  # of the title, when the State said which language it wrote in
    years: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    citations: list[RepositoryEntry] = field(default_factory=list)


def _scope() -> Any:
    scoped = sources.readable_responses(current_user)
    index.refresh(db.session.scalars(scoped).all())
    return scoped


@bp.get("/")
@login_required
def search() -> str:
    scoped = _scope()
    conditions: list[ColumnElement[bool]] = [RepositoryEntry.response_id.in_(scoped.with_only_columns(Response.id)),
                                             access.repository_entries(current_user)]
    query = request.args.get("q", "")[:300]
    for word in index.words(query):
        conditions.append(RepositoryEntry.search.like(index.like(word), escape="\\"))
    code = request.args.get("state", "").strip().upper()[:3]
    state = None
    if code:
        state = sources.state_in_scope(scoped, code)
        conditions.append(RepositoryEntry.state_id == (state.id if state else -1))
    article = request.args.get("article", "").strip()
    if article:
        conditions.append(RepositoryEntry.article == (article if _ARTICLE.fullmatch(article) else ""))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)  # an offset the database can take

    lang = current_language()
    groups = list(db.session.execute(select(RepositoryEntry.state_id, RepositoryEntry.instrument_key)
                                     .where(*conditions)
                                     .group_by(RepositoryEntry.state_id, RepositoryEntry.instrument_key)).all())
    states = {s.id: s for s in db.session.scalars(select(State).where(State.id.in_({g[0] for g in groups})))}
    groups.sort(key=lambda g: (states[g[0]].name(lang).casefold(), g[1]))
    pages_total = max((len(groups) + PER_PAGE - 1) // PER_PAGE, 1)
    shown = groups[(page - 1) * PER_PAGE: page * PER_PAGE]
    measures = _measures(shown, conditions, states)
    return render_template(
        "repository/index.html", measures=measures, total=len(groups), page=page, pages_total=pages_total,
        query=query, state_code=code, article=article, state_options=_state_options(scoped, lang),
        article_options=_article_options(scoped), http_link=http_link, provision_number=provision_number,
        furnished=contributions.published(query, article, state.id if state else (-1 if code else None)),
        to_review=_to_review(), public=access.public_view(current_user),
        can_furnish=current_user.is_provider)


def _to_review() -> int:
    if not current_user.is_secretariat:
        return 0
    return db.session.scalar(select(func.count()).select_from(RepositoryContribution).where(
        RepositoryContribution.status == "pending")) or 0


def _measures(shown: list[Any], conditions: list[ColumnElement[bool]], states: dict[int, State]) -> list[Measure]:
    if not shown:
        return []
    keys = [and_(RepositoryEntry.state_id == state_id, RepositoryEntry.instrument_key == key)
            for state_id, key in shown]
    entries = db.session.scalars(select(RepositoryEntry).where(*conditions, or_(*keys))
                                 .order_by(RepositoryEntry.id)).all()
    found: dict[tuple[int, str], Measure] = {}
    for entry in entries:
        measure = found.setdefault((entry.state_id, entry.instrument_key),
                                   Measure(states[entry.state_id], entry.instrument, entry.language))
        measure.citations.append(entry)
        if entry.year and entry.year not in measure.years:
            measure.years.append(entry.year)
        if entry.link and entry.link not in measure.links:
            measure.links.append(entry.link)
    for measure in found.values():
        measure.citations.sort(key=lambda e: (article_key(e.article), e.provision, e.row))
        measure.years.sort()
    return [found[(state_id, key)] for state_id, key in shown if (state_id, key) in found]


def _state_options(scoped: Any, lang: str) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(State).where(State.id.in_(
        select(RepositoryEntry.state_id).where(RepositoryEntry.response_id.in_(
            scoped.with_only_columns(Response.id)))))).all()
    return sorted(((s.code, s.name(lang)) for s in rows), key=lambda item: item[1].casefold())


def _article_options(scoped: Any) -> list[str]:
    found = db.session.scalars(select(func.distinct(RepositoryEntry.article)).where(
        RepositoryEntry.response_id.in_(scoped.with_only_columns(Response.id)))).all()
    return sorted((a for a in found if a), key=article_key)


@bp.get("/<int:response_id>/<question_id>/<int:row>")
@login_required
def entry(response_id: int, question_id: str, row: int) -> str:
    scoped = sources.readable_responses(current_user)
    response = db.session.scalars(scoped.where(Response.id == response_id)).first()
    if response is None:
        abort(404)
    index.refresh([response])
    visible = access.repository_entries(current_user)
    found = db.session.scalars(select(RepositoryEntry).where(
        RepositoryEntry.response_id == response.id, RepositoryEntry.question_id == question_id,
        RepositoryEntry.row == row, visible)).first()
    if found is None:
        abort(404)
    lang = current_language()
    source = sources.load(response, lang)
    q = source.questionnaire
    others = db.session.scalars(select(RepositoryEntry).where(
        RepositoryEntry.response_id.in_(scoped.with_only_columns(Response.id)), visible,
        RepositoryEntry.state_id == found.state_id, RepositoryEntry.instrument_key == found.instrument_key,
        RepositoryEntry.id != found.id)).all()
    return render_template(
        "repository/entry.html", entry=found, state=response.state, response=response,
        provision=_provision(q, found.provision, lang), answers=_answers(q, source, found, lang),
        others=sorted(others, key=lambda e: (article_key(e.article), e.provision, e.row)),
        answer_url=_answer_url(q, response, found.question_id), http_link=http_link,
        provision_number=provision_number, files=_files(source, found))


def _files(source: exports.Source, found: RepositoryEntry) -> list[dict[str, Any]]:
    """The evidence files attached to the entry's row (the text of the law, where it is not online)."""
    from ..evidence import refs_in

    rows = source.raw.get(found.question_id) or []
    return refs_in(rows[found.row]) if isinstance(rows, list) and found.row < len(rows) else []


def _provision(q: engine.Questionnaire, provision_id: str, lang: str) -> dict[str, Any] | None:
    framework = q.framework
    if framework is None or provision_id not in framework.provisions:
        return None
    provision = framework.provisions[provision_id]
    article = framework.articles[provision.article]
    return {"number": provision_number(provision.id), "summary": text(q, provision.summary, lang),
            "article": article.id, "article_title": text(q, article.title, lang)}


def _answers(q: engine.Questionnaire, source: exports.Source, found: RepositoryEntry,
             lang: str) -> list[tuple[str, str]]:
    """The answers about the same provision that explain the measure: where the State stands and how
    the measures give effect to the provision (by role, in the measure's block)."""
    block = q.block_of(found.question_id)
    shown = []
    for role in (*STATUS_ROLES, "summary"):
        qid = block.get(role) if block is not None else None
        value = source.evaluation.values.get(qid) if qid is not None else None
        if qid is not None and value is not None:
            question = q.question(qid)
            shown.append((text(q, question.label, lang).text, display(q, question, value, lang)))
    return shown


def _answer_url(q: engine.Questionnaire, response: Response, question_id: str) -> str | None:
    """The page where the answer is written, for those who may open it (not readers)."""
    if not access.can_read(current_user, response):
        return None
    page = pages(q).of_question.get(question_id)
    if page is None:
        return None
    return url_for("fill.page", response_id=response.id, page_id=page.id, _anchor=f"q-{question_id}")


contributions.register(bp)
