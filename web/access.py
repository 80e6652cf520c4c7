"""Who may see and change what: every query of States, responses and answers is scoped here.

Views never filter by hand; they ask this module. A State user sees only their State (REDCap's
data access groups); the secretariat sees every State; readers see no response, only what is
published (profiles and aggregates). Anything a user may not see answers 404, so that ids of
other States' records reveal nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, or_, select

import engine

from .db import db
from .models import Response, State, User

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
EVERYONE = ("secretariat_admin", "secretariat_reviewer", "focal_point", "contributor", "reader")


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
    """Responses the secretariat accepted and published: what delegates and donors may read."""
    return select(Response).where(Response.published.is_(True), Response.status == "accepted")


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
    """Responses counted in figures across States: every one for the secretariat, else published."""
    return responses(user) if user.is_secretariat else published()


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
