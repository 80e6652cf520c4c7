"""What each kind of message says, in the recipient's language (called under ``force_locale``).

A kind is a small function from the message's parameters to its :class:`Content`: a subject,
paragraphs, an optional quotation (text a person wrote: a note, a comment), a link and a line for
the daily digest. Each kind belongs to a category that people may switch off, except ``account``
(invitations, password resets), which is always sent, at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

import engine

from .. import access, catalog
from ..content import text
from ..db import db
from ..models import Comment, CountryReview, QuestionnaireVersion, Response, State, User
from .links import external

ACCOUNT, REMINDERS, REVIEWS, COMMENTS, ASSIGNMENTS, DIGEST = (
    "account", "reminders", "reviews", "comments", "assignments", "digest")
#: Categories a person may switch off (the preferences page), with their labels.
OPTIONAL = {
    REMINDERS: _l("Reminders before and after a deadline"),
    REVIEWS: _l("Submissions received, returned, accepted and published"),
    COMMENTS: _l("New comments on answers I wrote"),
    ASSIGNMENTS: _l("Chapters or articles assigned to me"),
}


class Drop(Exception):
    """Nothing to send any more (the account is gone or closed, the response deleted)."""


@dataclass
class Content:
    subject: str
    paragraphs: list[str]
    link: str = ""
    link_label: str = ""
    quote: str = ""
    summary: str = ""  # one line in a digest
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ctx:
    params: dict[str, Any]
    user: User | None
    lang: str


@dataclass(frozen=True)
class Kind:
    category: str
    build: Callable[[Ctx], Content]


def _response(ctx: Ctx) -> Response:
    found = db.session.get(Response, int(ctx.params.get("response") or 0))
    if found is None:
        raise Drop("the response no longer exists")
    return found


def _names(ctx: Ctx) -> tuple[Response, str, str]:
    """The response, its State's (or provider's) name and the questionnaire's title in the recipient's language."""
    response = _response(ctx)
    return response, response.owner_name(ctx.lang), response.version.title_in(ctx.lang)


def _self_assessment(response: Response) -> bool:
    """A State's self-assessment, not a report of the assistance a provider (or a State) delivers:
    the messages then name the questionnaire rather than call it a self-assessment."""
    return not catalog.questionnaire(response.version).with_role("provider_activities")


def _overview(response: Response) -> str:
    return external("fill.overview", response_id=response.id)


def _person(user_id: Any) -> str:
    found = db.session.get(User, int(user_id)) if user_id else None
    return (found.name or found.email) if found is not None else gettext("The secretariat")


# -- account --------------------------------------------------------------------------------------
def invitation(ctx: Ctx) -> Content:
    from ..admin.forms import role_label
    from ..auth import tokens

    user = _account(ctx)
    raw = tokens.issue(user, "invitation")
    days = max(1, int(tokens.max_age("invitation") // 86400))
    who = (gettext("An account was created for you: %(email)s, %(role)s of %(state)s.", email=user.email,
                   role=role_label(user.role), state=user.state.name(ctx.lang)) if user.state else
           gettext("An account was created for you: %(email)s, %(role)s.", email=user.email,
                   role=role_label(user.role)))
    return Content(
        gettext("Your account for the UNCAC self-assessment"),
        [who,
         ngettext("Choose your password with the link below. The link works once, within %(num)d day.",
                  "Choose your password with the link below. The link works once, within %(num)d days.", days)],
        _set_password_link(raw), gettext("Choose my password"))


def password_reset(ctx: Ctx) -> Content:
    from ..auth import tokens

    user = _account(ctx)
    raw = tokens.issue(user, "reset")
    minutes = max(1, int(tokens.max_age("reset") // 60))
    return Content(
        gettext("Reset your password"),
        [gettext("Someone asked to reset the password of the account %(email)s.", email=user.email),
         ngettext("Choose a new password with the link below. The link works once, within %(num)d minute.",
                  "Choose a new password with the link below. The link works once, within %(num)d minutes.",
                  minutes),
         gettext("If you did not ask for this, ignore this message: your password stays as it is.")],
        _set_password_link(raw), gettext("Choose a new password"))


def _account(ctx: Ctx) -> User:
    if ctx.user is None or not ctx.user.active:
        raise Drop("no active account has this address")
    return ctx.user


def _set_password_link(raw: str) -> str:
    return external("auth.set_password", token=raw)


# -- reviews ---------------------------------------------------------------------------------------
def submitted(ctx: Ctx) -> Content:
    response, state, title = _names(ctx)
    own = _self_assessment(response)
    return Content(gettext("%(state)s submitted its self-assessment", state=state) if own else
                   gettext("%(state)s submitted its answers to “%(title)s”", state=state, title=title),
                   [gettext("%(state)s submitted its answers to “%(title)s” (submission %(n)d).", state=state,
                            title=title, n=int(ctx.params.get("snapshot") or 1))],
                   _overview(response), gettext("Review the self-assessment") if own else gettext("Review the answers"),
                   summary=gettext("%(state)s: submitted", state=state))


def received(ctx: Ctx) -> Content:
    response, state, title = _names(ctx)
    own = _self_assessment(response)
    return Content(gettext("Your self-assessment was received") if own else
                   gettext("Your answers to “%(title)s” were received", title=title),
                   [gettext("The secretariat received the answers of %(state)s to “%(title)s” (submission %(n)d). "
                            "It will review them and tell you the outcome.", state=state, title=title,
                            n=int(ctx.params.get("snapshot") or 1))],
                   _overview(response), gettext("Open the self-assessment") if own else gettext("Open the answers"),
                   summary=gettext("%(state)s: received by the secretariat", state=state))


def returned(ctx: Ctx) -> Content:
    response, state, title = _names(ctx)
    open_comments = int(db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.response_id == response.id, Comment.parent_id.is_(None), Comment.status == "open")) or 0)
    return Content(gettext("The self-assessment of %(state)s is returned with comments", state=state)
                   if _self_assessment(response) else
                   gettext("The answers of %(state)s to “%(title)s” are returned with comments", state=state,
                           title=title),
                   [gettext("The secretariat returned the answers of %(state)s to “%(title)s” with comments. "
                            "Please look at them, change the answers and submit again.", state=state, title=title),
                    ngettext("%(num)d comment is open.", "%(num)d comments are open.", open_comments)],
                   external("review.comments", response_id=response.id), gettext("Read the comments"),
                   quote=str(ctx.params.get("note") or ""),
                   summary=gettext("%(state)s: returned with comments", state=state))


def accepted(ctx: Ctx) -> Content:
    response, state, title = _names(ctx)
    own = _self_assessment(response)
    return Content(gettext("The self-assessment of %(state)s is accepted", state=state) if own else
                   gettext("The answers of %(state)s to “%(title)s” are accepted", state=state, title=title),
                   [gettext("The secretariat accepted the answers of %(state)s to “%(title)s”.", state=state,
                            title=title)],
                   _overview(response), gettext("Open the self-assessment") if own else gettext("Open the answers"),
                   summary=gettext("%(state)s: accepted", state=state))


def published(ctx: Ctx) -> Content:
    response, state, _title = _names(ctx)
    return Content(gettext("The country profile of %(state)s is published", state=state),
                   [gettext("The secretariat published the country profile of %(state)s: delegates and donors "
                            "can now read it.", state=state)],
                   _overview(response), gettext("Open the self-assessment"),
                   summary=gettext("%(state)s: profile published", state=state))


# -- comments and assignments --------------------------------------------------------------------------
def comment(ctx: Ctx) -> Content:
    response, state, _title = _names(ctx)
    found = db.session.get(Comment, int(ctx.params.get("comment") or 0))
    if found is None:
        raise Drop("the comment no longer exists")
    label = _question(response, found.question_id, ctx.lang)
    author = _person(found.author_id)
    return Content(gettext("New comment: %(question)s", question=_short(label)),
                   [gettext("%(author)s commented on “%(question)s” (%(state)s):", author=author, question=label,
                            state=state)],
                   _comment_link(response, found, ctx.user), gettext("Answer the comment"), quote=found.body,
                   summary=gettext("%(author)s on “%(question)s” (%(state)s)", author=author,
                                   question=_short(label), state=state))


def _comment_link(response: Response, found: Comment, user: User | None) -> str:
    """Where the recipient reads and answers the comment: the response's comments page for those who
    open the response (the secretariat, the State's people); the country review's page, at the
    thread, for the reviewing States' experts, who never open the response. Nothing for someone who
    may read neither any more (no longer a reviewer): the comment is not theirs to read."""
    if user is None or access.can_read(user, response):
        return external("review.comments", response_id=response.id, q=found.question_id or None)
    review = db.session.scalars(select(CountryReview).where(CountryReview.round_id == response.round_id,
                                                            CountryReview.state_id == response.state_id)).first()
    if review is None or not access.can_read_review(user, review):
        raise Drop("the recipient may no longer read the comment")
    return external("reviews.view", review_id=review.id) + f"#comment-{found.parent_id or found.id}"


def assignment(ctx: Ctx) -> Content:
    refs = [str(ref) for ref in ctx.params.get("refs") or []]
    described = ", ".join(_ref(ref) for ref in refs)
    return Content(gettext("You are assigned: %(refs)s", refs=described),
                   [gettext("You may now answer these parts of the self-assessment: %(refs)s.", refs=described)],
                   external("dashboard.index"), gettext("Open the self-assessment"),
                   summary=gettext("Assigned: %(refs)s", refs=described))


def _question(response: Response, question_id: str | None, lang: str) -> str:
    if not question_id:
        return str(gettext("The whole self-assessment"))
    q = catalog.questionnaire(response.version)
    item = q.index.items.get(question_id)
    return str(text(q, item.label, lang).text) if isinstance(item, engine.Question) else question_id


def _ref(ref: str) -> str:
    scope, _sep, name = ref.partition(":")
    return str(gettext("chapter %(id)s", id=name) if scope == "chapter" else gettext("article %(id)s", id=name))


def _short(words: str, limit: int = 80) -> str:
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


# -- reminders and digests --------------------------------------------------------------------------
def reminder(ctx: Ctx) -> Content:
    response = db.session.get(Response, int(ctx.params.get("response") or 0))
    version = db.session.get(QuestionnaireVersion, int(ctx.params.get("version") or 0))
    state = db.session.get(State, int(ctx.params.get("state_id") or 0))
    if state is None or version is None:
        raise Drop("the State or the questionnaire no longer exists")
    name, title = state.name(ctx.lang), version.title_in(ctx.lang)
    due = date.fromisoformat(str(ctx.params["due"]))
    when = format_date(due, "long")
    days = int(ctx.params.get("days") or 0)
    progress = (gettext("%(percent)d %% of the pages are complete.", percent=response.percent)
                if response is not None else gettext("The self-assessment is not started yet."))
    link = external("fill.overview", response_id=response.id) if response else external("dashboard.index")
    if days > 0:
        subject = ngettext("%(num)d day left: the self-assessment of %(state)s is due on %(date)s",
                           "%(num)d days left: the self-assessment of %(state)s is due on %(date)s", days,
                           state=name, date=when)
        lead = gettext("The answers of %(state)s to “%(title)s” are due on %(date)s.", state=name, title=title,
                       date=when)
    elif days == 0:
        subject = gettext("Due today: the self-assessment of %(state)s", state=name)
        lead = gettext("The answers of %(state)s to “%(title)s” are due today, %(date)s.", state=name, title=title,
                       date=when)
    else:
        subject = gettext("Overdue: the self-assessment of %(state)s was due on %(date)s", state=name, date=when)
        lead = ngettext("The answers of %(state)s to “%(title)s” were due on %(date)s, %(num)d day ago.",
                        "The answers of %(state)s to “%(title)s” were due on %(date)s, %(num)d days ago.", -days,
                        state=name, title=title, date=when)
    return Content(subject, [lead, progress, gettext("If you need more time, write to the secretariat.")],
                   link, gettext("Open the self-assessment"), summary=subject)


KINDS: dict[str, Kind] = {
    "invitation": Kind(ACCOUNT, invitation),
    "password_reset": Kind(ACCOUNT, password_reset),
    "submitted": Kind(REVIEWS, submitted),
    "received": Kind(REVIEWS, received),
    "returned": Kind(REVIEWS, returned),
    "accepted": Kind(REVIEWS, accepted),
    "published": Kind(REVIEWS, published),
    "comment": Kind(COMMENTS, comment),
    "assignment": Kind(ASSIGNMENTS, assignment),
    "reminder": Kind(REMINDERS, reminder),
}
#: Headings of a digest's groups, in the order they are shown.
GROUPS = {
    REMINDERS: _l("Deadlines"),
    REVIEWS: _l("Submissions and reviews"),
    COMMENTS: _l("Comments"),
    ASSIGNMENTS: _l("Assignments"),
}
