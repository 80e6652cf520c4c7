"""Who may see and change what: every query of States, responses and answers is scoped here.

Views never filter by hand; they ask this module. A State user sees only their State (REDCap's
data access groups); the secretariat sees every State; readers see no response, only what is
published (profiles and aggregates). Anything a user may not see answers 404, so that ids of
other States' records reveal nothing.

A provider (an international organization or donor, tied to no State) answers the provider
questionnaires for its organization: it sees its organization's responses and no other, and no
State sees a provider's response (the activities in it reach States only as the matching of needs
to offers, ``web.assistance``).

What leaves a State is the State's choice (``web.consent``): readers and providers see a profile
only when the State consented to it and the secretariat published it; figures count the accepted
responses whose State consented to aggregate figures; named needs reach providers only with the
``assistance`` level. The secretariat, which reviews, sees everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import flask_login
from flask import Flask, abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, or_, select

import engine

from . import consent
from .db import db
from .models import Comment, CountryReview, ReportingRound, RepositoryEntry, Response, ReviewingState, State, User
from .models.responses import EDITABLE_STATUSES, TRANSITIONS

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def login_required(view: F) -> F:
    """Flask-Login's ``login_required`` (which has no type hints), keeping the view's type."""
    return cast(F, flask_login.login_required(view))


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
def _scoped(user: User, query: Select[T], state_id: Any, others: Any) -> Select[T]:
    """``query`` for the secretariat, limited to the user's State (``state_id`` is the column to
    compare) for a State's users, and to ``others`` (a condition) for anyone else."""
    if user.is_secretariat:
        return query
    return query.where(state_id == user.state_id if user.role in STATE_USERS else others)


def _own_organization(user: User) -> ColumnElement[bool]:
    """A provider's responses: those of its organization (none for an account without one)."""
    if user.role != "provider" or not user.organization:
        return false()
    return and_(Response.state_id.is_(None), Response.organization == user.organization)


def states(user: User) -> Select[State]:
    return _scoped(user, select(State), State.id, State.id.in_(published().with_only_columns(Response.state_id)))


def state(user: User, code: str) -> State:
    found = db.session.scalars(states(user).where(State.code == code.upper())).first()
    if found is None:
        abort(404)
    return found


# -- responses ---------------------------------------------------------------------------------
def responses(user: User) -> Select[Response]:
    """Responses whose answers the user may read (readers see published profiles, not answers;
    providers their organization's own)."""
    return _scoped(user, select(Response), Response.state_id, _own_organization(user))


def published() -> Select[Response]:
    """Responses the secretariat accepted and published within the State's consent: what delegates
    and donors may read."""
    return select(Response).where(Response.published.is_(True), Response.status == "accepted",
                                  consent.covers("profile"))


def consented(level: str) -> Select[Response]:
    """Accepted responses whose State consented to share at least ``level``."""
    return select(Response).where(Response.status == "accepted", consent.covers(level))


def public_view(user: User) -> bool:
    """Readers (anyone neither secretariat nor a State's user) see published content only."""
    return not user.is_secretariat and user.role not in STATE_USERS


def data_responses(user: User) -> Select[Response]:
    """Responses whose record-level data (exports, profiles) the user may have: their own scope, or
    for readers the published ones."""
    return published() if public_view(user) else responses(user)


def readable_responses(user: User) -> Select[Response]:
    """Responses whose published content the user may read: their scope, and every published one
    (a State's users read other States' published measures as any reader does)."""
    if public_view(user) or user.is_secretariat:
        return data_responses(user)
    return select(Response).where(or_(Response.id.in_(responses(user).with_only_columns(Response.id)),
                                      Response.id.in_(published().with_only_columns(Response.id))))


def aggregate_responses(user: User) -> Select[Response]:
    """Responses counted in figures across States: every one for the secretariat, else the accepted
    ones whose State consented to aggregate figures (``named`` says which may be named)."""
    return responses(user) if user.is_secretariat else consented("aggregate")


def named(user: User, response: Response, level: str, chapter: str | None = None) -> bool:
    """May ``user`` see ``response``'s State named in a figure or list at ``level``?"""
    return user.is_secretariat or consent.allows(response, level, chapter)


def assistance_responses(user: User) -> Select[Response]:
    """Responses whose technical-assistance needs ``user`` may see by State: the secretariat every
    one, a State's users their own, providers and readers those shared with them."""
    if user.is_secretariat:
        return responses(user)
    if user.role in STATE_USERS:
        return select(Response).where(or_(Response.state_id == user.state_id,
                                          Response.id.in_(consented("assistance").with_only_columns(Response.id))))
    return consented("assistance")


def response(user: User, response_id: int, lock: bool = False) -> Response:
    """The response ``response_id`` among those ``user`` may read (else 404), read with the version
    its stored evaluation holds for (``web.evaluations``), in the same statement. ``lock``: read
    under the response's lock (``SELECT ... FOR UPDATE``), held to the end of the transaction, for a
    request that saves (``web.answers.hold`` then takes no second lock and nothing read after it
    need be read again)."""
    from . import evaluations

    # with what a page or a save reads next: for which version its evaluation is stored
    query = responses(user).where(Response.id == response_id).add_columns(
        evaluations.stored_version(Response.id).scalar_subquery())
    if lock:
        query = query.with_for_update(of=Response).execution_options(populate_existing=True)
    row = db.session.execute(query).first()
    if row is None:
        abort(404)
    found: Response = row[0]
    if lock:
        db.held(found)
    evaluations.note_stored_version(found, row[1])
    return found


# -- what a user may do with a response ---------------------------------------------------------
# Views and templates ask these (templates through ``can``, see ``template_context``); none of them
# tests a role or a status itself. ``may`` answers "is this someone who takes the step?" (no: 403);
# ``can`` adds "does the status allow it now?" (no: the step is refused on its merits, 409).


def answers_for(user: User, resp: Response) -> bool:
    """Is the user one of those who answer for the response's State, or provider organization
    (whatever its status)?"""
    if resp.state_id is None:
        return user.role == "provider" and bool(user.organization) and user.organization == resp.organization
    return user.role in ANSWERING and user.state_id == resp.state_id


def can_read(user: User, resp: Response) -> bool:
    """May the user open the response's pages (the secretariat, the State's own users)?"""
    return user.is_secretariat or answers_for(user, resp)


def can_review(user: User, resp: Response) -> bool:
    """Is the user a reviewer of the response: comments, returns, accepts and publishes it?"""
    return user.is_secretariat


def can_edit(user: User, resp: Response) -> bool:
    """May the user change answers of this response at all (own State, not under review)?"""
    return answers_for(user, resp) and resp.status in EDITABLE_STATUSES


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


def can_start(user: User, state_row: State) -> bool:
    """May the user start a response of the State (its focal point)?"""
    return user.role == "focal_point" and user.state_id == state_row.id


def can_start_for_organization(user: User) -> bool:
    """May the user start a response of its provider organization (a provider account with one)?"""
    return user.role == "provider" and bool(user.organization)


def repository_entries(user: User) -> ColumnElement[bool]:
    """Repository entries ``user`` may read: those of the responses in their scope, and of published
    responses those of the chapters the State consented to (``Response.consent_chapters``)."""
    own = RepositoryEntry.response_id.in_(responses(user).with_only_columns(Response.id))
    if user.is_secretariat:
        return own
    shared: list[ColumnElement[bool]] = [RepositoryEntry.response_id.in_(
        published().where(Response.consent_chapters.is_(None)).with_only_columns(Response.id))]
    for response_id, chapters in db.session.execute(published().where(Response.consent_chapters.is_not(None))
                                                    .with_only_columns(Response.id, Response.consent_chapters)):
        shared.append(and_(RepositoryEntry.response_id == response_id, RepositoryEntry.chapter.in_(chapters or [])))
    return or_(own, *shared) if shared else or_(own, false())


def _focal_point_of(user: User, resp: Response) -> bool:
    """The State's focal point; for a provider's response, any account of the organization."""
    if resp.state is None:
        return answers_for(user, resp)
    return user.role == "focal_point" and user.state_id == resp.state_id


def _mover(user: User, resp: Response) -> bool:
    return user.is_secretariat or _focal_point_of(user, resp)


#: Who takes each step of a response's life, whatever its status now.
TAKES: dict[str, Callable[[User, Response], bool]] = {
    "submit": _focal_point_of, "return": can_review, "accept": can_review, "amend": _focal_point_of,
    "publish": can_review, "migrate": _mover,
}
#: The statuses each step leaves from: the four review transitions, publishing, moving to a newer version.
STEP_FROM: dict[str, frozenset[str]] = {
    **{step: leaves for step, (leaves, _target) in TRANSITIONS.items()},
    "publish": frozenset({"accepted"}), "migrate": EDITABLE_STATUSES,
}


def may(user: User, resp: Response, step: str) -> bool:
    """Is the user one of those who take ``step`` (a key of ``TAKES``) for this response?"""
    return TAKES[step](user, resp)


def can(user: User, resp: Response, step: str) -> bool:
    """May the user take ``step`` now: one of those who take it, and the status allows it? Publishing
    also needs the State's consent (withdrawing a published profile never does)."""
    if step == "publish" and not resp.published and not consent.allows(resp, "profile"):
        return False
    return may(user, resp, step) and resp.status in STEP_FROM[step]


def _step_rule(step: str) -> Callable[[User, Response], bool]:
    def rule(user: User, resp: Response) -> bool:
        return can(user, resp, step)

    rule.__name__ = rule.__qualname__ = f"can_{step}"
    rule.__doc__ = f"May the user take the step '{step}' now?"
    return rule


can_submit = _step_rule("submit")
can_return = _step_rule("return")
can_accept = _step_rule("accept")
can_amend = _step_rule("amend")
can_publish = _step_rule("publish")
can_migrate = _step_rule("migrate")


def can_comment(user: User, resp: Response, parent: Comment | None = None) -> bool:
    """May the user start a thread of comments (reviewers), or reply to ``parent`` (the State's users too)?"""
    return can_review(user, resp) or (parent is not None and user.role in STATE_USERS)


def can_reply(user: User, resp: Response) -> bool:
    """May the user reply to a thread of the response's comments?"""
    return can_review(user, resp) or user.role in STATE_USERS


def can_resolve(user: User, resp: Response) -> bool:
    """May the user mark a comment resolved or open it again?"""
    return can_review(user, resp)


#: The rules templates ask by name: ``can("submit", response)``.
RULES: dict[str, Callable[[User, Response], bool]] = {
    "read": can_read, "review": can_review, "edit": can_edit, "submit": can_submit, "return": can_return,
    "accept": can_accept, "amend": can_amend, "publish": can_publish, "migrate": can_migrate,
    "comment": can_comment, "reply": can_reply, "resolve": can_resolve,
}


# -- country reviews (web/reviews) ------------------------------------------------------------------------
def reviewing_state_ids(review: CountryReview) -> set[int]:
    return {r.state_id for r in review.reviewers}


def is_reviewer(user: User, review: CountryReview) -> bool:
    """A governmental expert of one of the review's reviewing States (reads only the submitted snapshot)."""
    return user.is_expert and user.state_id in reviewing_state_ids(review)


def can_read_review(user: User, review: CountryReview) -> bool:
    """The secretariat, the reviewing States' experts and the State under review (never a third State)."""
    return user.is_secretariat or is_reviewer(user, review) or (
        user.role in STATE_USERS and user.state_id == review.state_id)


def can_open_thread(user: User, review: CountryReview) -> bool:
    """Experts and the secretariat open threads on answers; the State under review answers in them."""
    return user.is_secretariat or is_reviewer(user, review)


def drafts_report(user: User, review: CountryReview) -> bool:
    """The secretariat and the reviewing States' experts write the report (while it is a draft)."""
    return user.is_secretariat or is_reviewer(user, review)


def can_draft_report(user: User, review: CountryReview) -> bool:
    return drafts_report(user, review) and review.report_status == "draft"


def can_manage_reviews(user: User) -> bool:
    """Assign reviewing States, set timelines, finalise reports: the secretariat."""
    return user.is_secretariat


def reviews(user: User) -> list[CountryReview]:
    """The reviews the user takes part in (every one for the secretariat), newest cycle first."""
    query = select(CountryReview).join(ReportingRound).order_by(ReportingRound.opens_on.desc(), CountryReview.id)
    if user.is_secretariat:
        return list(db.session.scalars(query))
    if user.role not in STATE_USERS or user.state_id is None:
        return []
    mine = CountryReview.state_id == user.state_id
    if user.is_expert:
        reviewing = select(ReviewingState.review_id).where(ReviewingState.state_id == user.state_id)
        return list(db.session.scalars(query.where(or_(mine, CountryReview.id.in_(reviewing)))))
    return list(db.session.scalars(query.where(mine)))


def review(user: User, review_id: int) -> CountryReview:
    """A review the user may read, or 404."""
    found = db.session.get(CountryReview, review_id)
    if found is None or not can_read_review(user, found):
        abort(404)
    return found


def template_context() -> dict[str, Any]:
    """``can(rule, response)`` for templates: a rule of ``RULES`` asked for the current user."""

    def can_(rule: str, resp: Response) -> bool:
        return RULES[rule](current_user, resp)

    return {"can": can_}


def init_app(app: Flask) -> None:
    app.context_processor(template_context)
