"""Who may see and change what: every query of States, responses and answers is scoped here.

Views never filter by hand; they ask this module. A State user sees only their State (REDCap's
data access groups); the secretariat sees every State; readers see no response, only what is
published (profiles and aggregates). Anything a user may not see answers 404, so that ids of
other States' records reveal nothing.

What leaves a State is the State's choice (``web.consent``): readers and providers see a profile
only when the State consented to it and the secretariat published it; figures count the accepted
responses whose State consented to aggregate figures; named needs reach providers only with the
``assistance`` level. The secretariat, which reviews, sees everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, or_, select

import engine

from . import consent
from .db import db
from .models import RepositoryEntry, Response, State, User

F = TypeVar("F", bound=Callable[..., Any])


def require_roles(*roles: str) -> Callable[[F], F]:
    """Allow a view only to logged-in users with one of ``roles`` (others get 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from .extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


SECRETARIAT = ("secretariat_admin", "secretariat_reviewer")
STATE_USERS = ("focal_point", "contributor")
ANSWERING = STATE_USERS
EVERYONE = ("secretariat_admin", "secretariat_reviewer", "focal_point", "contributor", "reader", "provider")
#: Who may see technical-assistance needs shared by consent, and the directory of focal points.
ASSISTANCE_READERS = ("secretariat_admin", "secretariat_reviewer", "provider")


# -- States ----------------------------------------------------------------------------------
def states(user: User) -> Select[tuple[State]]:
    query = select(State)
    if user.is_secretariat:
        return query
    if user.role in STATE_USERS:
        return query.where(State.id == user.state_id)
    return query.where(State.id.in_(published().with_only_columns(Response.state_id)))


def state(user: User, code: str) -> State:
    found = db.session.scalars(states(user).where(State.code == code.upper())).first()
    if found is None:
        abort(404)
    return found


# -- responses ---------------------------------------------------------------------------------
def responses(user: User) -> Select[tuple[Response]]:
    """Responses whose answers the user may read."""
    query = select(Response)
    if user.is_secretariat:
        return query
    if user.role in STATE_USERS:
        return query.where(Response.state_id == user.state_id)
    return query.where(Response.id == -1)  # readers see published profiles, not answers


def published() -> Select[tuple[Response]]:
    """Responses the secretariat accepted and published within the State's consent: what delegates
    and donors may read."""
    return select(Response).where(Response.published.is_(True), Response.status == "accepted",
                                  consent.covers("profile"))


def consented(level: str) -> Select[tuple[Response]]:
    """Accepted responses whose State consented to share at least ``level``."""
    return select(Response).where(Response.status == "accepted", consent.covers(level))


def public_view(user: User) -> bool:
    """Readers (anyone neither secretariat nor a State's user) see published content only."""
    return not user.is_secretariat and user.role not in STATE_USERS


def data_responses(user: User) -> Select[tuple[Response]]:
    """Responses whose record-level data (exports, profiles) the user may have: their own scope, or
    for readers the published ones."""
    return published() if public_view(user) else responses(user)


def readable_responses(user: User) -> Select[tuple[Response]]:
    """Responses whose published content the user may read: their scope, and every published one
    (a State's users read other States' published measures as any reader does)."""
    if public_view(user) or user.is_secretariat:
        return data_responses(user)
    return select(Response).where(or_(Response.id.in_(responses(user).with_only_columns(Response.id)),
                                      Response.id.in_(published().with_only_columns(Response.id))))


def aggregate_responses(user: User) -> Select[tuple[Response]]:
    """Responses counted in figures across States: every one for the secretariat, else the accepted
    ones whose State consented to aggregate figures (``named`` says which may be named)."""
    return responses(user) if user.is_secretariat else consented("aggregate")


def named(user: User, response: Response, level: str, chapter: str | None = None) -> bool:
    """May ``user`` see ``response``'s State named in a figure or list at ``level``?"""
    return user.is_secretariat or consent.allows(response, level, chapter)


def assistance_responses(user: User) -> Select[tuple[Response]]:
    """Responses whose technical-assistance needs ``user`` may see by State: the secretariat every
    one, a State's users their own, providers and readers those shared with them."""
    if user.is_secretariat:
        return responses(user)
    if user.role in STATE_USERS:
        return select(Response).where(or_(Response.state_id == user.state_id,
                                          Response.id.in_(consented("assistance").with_only_columns(Response.id))))
    return consented("assistance")


def response(user: User, response_id: int) -> Response:
    found = db.session.scalars(responses(user).where(Response.id == response_id)).first()
    if found is None:
        abort(404)
    return found


def answers_for(user: User, resp: Response) -> bool:
    """Is the user one of those who answer for the response's State (whatever its status)?"""
    return user.role in ANSWERING and user.state_id == resp.state_id


def can_answer(user: User, resp: Response) -> bool:
    """May the user change answers of this response at all (own State, not under review)?"""
    return answers_for(user, resp) and resp.status in ("draft", "returned")


def can_answer_question(user: User, q: engine.Questionnaire, question_id: str) -> bool:
    """A contributor with an assignment may change only questions of the assigned chapters or articles."""
    if user.role != "contributor" or not user.assignments:
        return True
    framework = q.framework
    if framework is None:
        return False
    allowed_articles = {a.ref for a in user.assignments if a.scope == "article"}
    allowed_chapters = {a.ref for a in user.assignments if a.scope == "chapter"}
    for ref in q.provisions_of(question_id):
        article = framework.article_of(ref)
        if article is not None and (article.id in allowed_articles or article.chapter in allowed_chapters):
            return True
    return False


def can_submit(user: User, resp: Response) -> bool:
    return user.role == "focal_point" and user.state_id == resp.state_id and resp.status in ("draft", "returned")


def can_start(user: User, state_row: State) -> bool:
    return user.role == "focal_point" and user.state_id == state_row.id


def repository_entries(user: User) -> ColumnElement[bool]:
    """Repository entries ``user`` may read: those of the responses in their scope, and of published
    responses those of the chapters the State consented to (``Response.consent_chapters``)."""
    own = RepositoryEntry.response_id.in_(responses(user).with_only_columns(Response.id))
    if user.is_secretariat:
        return own
    shared = [RepositoryEntry.response_id.in_(published().where(Response.consent_chapters.is_(None))
                                              .with_only_columns(Response.id))]
    for response_id, chapters in db.session.execute(published().where(Response.consent_chapters.is_not(None))
                                                    .with_only_columns(Response.id, Response.consent_chapters)):
        shared.append(and_(RepositoryEntry.response_id == response_id, RepositoryEntry.chapter.in_(chapters or [])))
    return or_(own, *shared) if shared else or_(own, false())
