"""Notifications of what happens to a response, written to the outbox in the transaction of the
event itself: ``web.workflow`` announces every step it logs (``step_logged``), and the accounts'
code announces assignments (:func:`assignment_given`).

Who hears of what: a submission goes to the secretariat ("submitted") and, as a receipt, to the
State's focal points and contributors ("received"); a return, an acceptance and a publication go to
the State's people; a comment goes to the people who wrote the answer commented on (the State's
focal points when nobody did, or for a comment on the whole response) and to everyone who took
part in the thread. Nobody is told of their own action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import object_session

from .. import workflow
from ..db import db
from ..models import AnswerRevision, Comment, Response, User
from ..models.users import SECRETARIAT_ROLES, STATE_ROLES
from .outbox import add


def init_app(app: Flask) -> None:
    workflow.step_logged.connect(_on_step)  # blinker keeps one entry per receiver


def _on_step(response: Response, action: str = "", user: User | None = None, details: dict[str, Any] | None = None,
             **_ignored: Any) -> None:
    handler = HANDLERS.get(action)
    if handler is not None and object_session(response) is not None:
        handler(response, user, details or {})


def state_people(state_id: int, roles: Iterable[str] = STATE_ROLES) -> list[User]:
    return list(db.session.scalars(select(User).where(User.state_id == state_id, User.role.in_(tuple(roles)),
                                                      User.active.is_(True)).order_by(User.id)))


def owner_people(response: Response, roles: Iterable[str] = STATE_ROLES) -> list[User]:
    """The State's people (of ``roles``) for a State's response; for a provider's, the provider
    accounts of its organization."""
    if response.state_id is not None:
        return state_people(response.state_id, roles)
    return list(db.session.scalars(select(User).where(
        User.role == "provider", User.organization == response.organization, User.active.is_(True)).order_by(User.id)))


def secretariat() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(SECRETARIAT_ROLES), User.active.is_(True))
                                   .order_by(User.id)))


def _tell(people: Iterable[User], actor: User | None, kind: str, params: dict[str, Any]) -> None:
    seen: set[int] = set()
    for person in people:
        if person.id in seen or (actor is not None and person.id == actor.id):
            continue
        seen.add(person.id)
        add(person, kind, params)


def _submitted(response: Response, actor: User | None, details: dict[str, Any]) -> None:
    params = {"response": response.id, "snapshot": details.get("snapshot")}
    _tell(secretariat(), actor, "submitted", params)
    for person in owner_people(response):  # a receipt, the submitter's own included
        add(person, "received", params)


def _to_state(kind: str) -> Callable[[Response, User | None, dict[str, Any]], None]:
    def handler(response: Response, actor: User | None, details: dict[str, Any]) -> None:
        params: dict[str, Any] = {"response": response.id}
        if details.get("note"):
            params["note"] = str(details["note"])[:2000]
        _tell(owner_people(response), actor, kind, params)

    return handler


def _commented(response: Response, actor: User | None, details: dict[str, Any]) -> None:
    comment = db.session.get(Comment, int(details.get("comment") or 0))
    if comment is None:
        return
    root = db.session.get(Comment, comment.parent_id) if comment.parent_id else comment
    assert root is not None
    in_thread = {c.author_id for c in db.session.scalars(select(Comment).where(
        (Comment.id == root.id) | (Comment.parent_id == root.id)))}
    people = [user for user in db.session.scalars(select(User).where(User.id.in_(
        [i for i in in_thread if i]), User.active.is_(True)))]
    if actor is None or actor.is_secretariat or actor.state_id != response.state_id:  # reviewers too
        people += _answer_authors(response, comment.question_id)
    _tell(people, actor, "comment", {"response": response.id, "comment": comment.id})


def _answer_authors(response: Response, question_id: str | None) -> list[User]:
    """The State's people who wrote the answer (its focal points for a comment on the whole response
    or on an answer nobody of the State wrote)."""
    ids: set[int] = set()
    if question_id:
        ids = {uid for uid in db.session.scalars(select(AnswerRevision.user_id).where(
            AnswerRevision.response_id == response.id, AnswerRevision.question_id == question_id).distinct()) if uid}
    writers = [u for u in owner_people(response) if u.id in ids]
    return writers or owner_people(response, ("focal_point",))


HANDLERS: dict[str, Callable[[Response, User | None, dict[str, Any]], None]] = {
    "submitted": _submitted,
    "returned": _to_state("returned"),
    "accepted": _to_state("accepted"),
    "published": _to_state("published"),
    "commented": _commented,
}


def assignment_given(user: User, before: set[tuple[str, str]]) -> None:
    """A contributor's assignment changed: tell them what was added (not for a new account, whose
    invitation comes first)."""
    now = {(a.scope, a.ref) for a in user.assignments}
    added = sorted(now - before)
    if user.id is not None and added and user.role == "contributor":
        add(user, "assignment", {"refs": [f"{scope}:{ref}" for scope, ref in added]})
