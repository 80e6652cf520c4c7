"""The pages of country reviews (``/reviews``): assigning reviewing States, the review of one State
(its submitted answers in the cycle's chapters with their threads, the timeline, the report), the
report as PDF in any of the six languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine

from .. import bounds, catalog, cycles
from ..access import (
    can_draft_report,
    can_manage_reviews,
    can_open_thread,
    can_read_review,
    drafts_report,
    is_reviewer,
    login_required,
    reviews,
)
from ..access import review as review_for
from ..content import place_heading, raw_text, text
from ..db import db
from ..fill.pages import pages
from ..i18n import LANGUAGE_NAMES, current_language
from ..jobs import views
from ..models import Comment, CountryReview, QuestionnaireVersion, ReportingRound, Snapshot, User
from ..models.reviews import REPORT_PARTS, STAGES
from . import (
    ReviewError,
    assign,
    finalise,
    find_state,
    hold_draft,
    response_of,
    save_report,
    set_stage,
    submitted_snapshot,
    threads,
    timeline,
    timelines,
)

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

STEP_LABELS = {
    "self_assessment": _l("Self-assessment due"), "desk_review": _l("Desk review"),
    "dialogue": _l("Direct dialogue or country visit"), "draft_report": _l("Draft report"),
    "final_report": _l("Final report"),
}
STEP_STATUS = {"done": _l("Done"), "current": _l("Under way"), "late": _l("Late"), "planned": _l("Planned")}
PART_LABELS = {
    "successes": _l("Successes and good practices"), "challenges": _l("Challenges in implementation"),
    "recommendations": _l("Recommendations"), "assistance_needs": _l("Technical assistance needs"),
}
ERRORS = {
    "unknown_state": _l("Unknown State %(detail)s."), "unknown_cycle": _l("Unknown cycle."),
    "two_reviewers": _l("Give exactly two reviewing States."), "self_review": _l("A State cannot review itself."),
    "closed": _l("The cycle is closed."), "not_started": _l("The State has not started its self-assessment yet."),
    "length": _l("Write a comment of at most 5,000 characters."),
    "final": _l("The report was made final: it can no longer be changed."),
    "unknown_stage": _l("Unknown step."), "forbidden": _l("You cannot start a thread here."),
    "other_response": _l("That comment belongs to another review."), "date": _l("Give dates as YYYY-MM-DD."),
}


def error_text(exc: ReviewError) -> str:
    return str(ERRORS.get(exc.code, exc.code)) % {"detail": exc.detail}


def step_label(code: str) -> str:
    return str(STEP_LABELS.get(code, code))


def step_status(code: str) -> str:
    return str(STEP_STATUS.get(code, code))


def _review(review_id: int) -> CountryReview:
    return review_for(current_user, review_id)


@bp.get("/")
@login_required
def index() -> str:
    open_cycles = db.session.scalars(select(ReportingRound).where(
        ReportingRound.closed_at.is_(None), ReportingRound.version_id.is_not(None))).all()
    found = reviews(current_user)
    return render_template("reviews/index.html", reviews=found, cycles=open_cycles, timelines=timelines(found),
                           can_manage=can_manage_reviews(current_user))


@bp.post("/")
@login_required
def assign_reviewers() -> WerkzeugResponse:
    if not can_manage_reviews(current_user):
        abort(403)
    found = db.session.get(ReportingRound, bounds.db_int(request.form.get("cycle")) or 0)
    if found is None:
        abort(404)
    try:
        state = find_state(request.form.get("state", ""))
        reviewers = [find_state(code) for code in request.form.get("reviewers", "").replace(" ", ",").split(",")
                     if code.strip()][:5]
        review = assign(found, state, reviewers, current_user)
    except ReviewError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return redirect(url_for("reviews.index"))
    db.session.commit()
    flash(_("%(state)s is reviewed by %(reviewers)s.", state=review.state.code,
            reviewers=", ".join(review.reviewer_codes)), "success")
    return redirect(url_for("reviews.view", review_id=review.id))


@bp.get("/<int:review_id>")
@login_required
def view(review_id: int) -> str:
    review = _review(review_id)
    response = response_of(review)
    snapshot = submitted_snapshot(review)
    rows: list[dict[str, Any]] = []
    q = None
    if snapshot is not None:
        version = db.session.get(QuestionnaireVersion, snapshot.version_id)
        assert version is not None
        q = catalog.questionnaire(version)
        scope = scope_of_review(review)
        layout = scope.pages(q) if scope is not None else pages(q)
        for page in layout.list:
            for question in page.questions:
                item = snapshot.answers.get(question.id)
                if item is not None:
                    rows.append({"page": page, "title": place_heading(q, page.group), "question": question,
                                 "label": text(q, question.label),
                                 "value": raw_text(q, question, item["value"], "—")})
    found, replies = threads(review, response) if response is not None else ([], {})
    by_question: dict[str | None, list[Comment]] = {}
    for c in found:
        by_question.setdefault(c.question_id, []).append(c)
    authors = _authors({c.author_id for c in found} | {c.author_id for rs in replies.values() for c in rs})
    return render_template("reviews/review.html", review=review, response=response, snapshot=snapshot, rows=rows,
                           by_question=by_question, replies=replies, authors=authors, steps=timeline(review),
                           parts=REPORT_PARTS, part_labels=PART_LABELS, stages=STAGES[:-1],
                           can_comment=can_open_thread(current_user, review),
                           can_reply=can_read_review(current_user, review),
                           can_draft=can_draft_report(current_user, review),
                           can_manage=can_manage_reviews(current_user),
                           is_reviewer=is_reviewer(current_user, review), languages=engine.UN_LANGUAGES)


@bp.post("/<int:review_id>/comments")
@login_required
def comment(review_id: int) -> WerkzeugResponse:
    review = _review(review_id)
    given = request.form.get("parent_id")
    parent = db.session.get(Comment, bounds.db_int(given) or 0) if given else None
    if given and parent is None:
        abort(404)
    if parent is None and not can_open_thread(current_user, review):
        abort(403)
    question_id = request.form.get("question_id") or None
    snapshot = submitted_snapshot(review)
    if parent is None and not _shown(review, snapshot, question_id):
        abort(400)  # reviewers comment on what was submitted, in the cycle's chapters
    try:
        made = _comment(review, parent, question_id)
    except ReviewError as exc:
        db.session.rollback()
        if exc.code in ("other_response", "forbidden"):
            abort(403 if exc.code == "forbidden" else 404)
        flash(error_text(exc), "error")
        return redirect(url_for("reviews.view", review_id=review.id))
    db.session.commit()
    flash(_("Your comment is saved."), "success")
    return redirect(url_for("reviews.view", review_id=review.id, _anchor=f"comment-{made.parent_id or made.id}"))


def _authors(ids: set[int | None]) -> dict[int | None, str]:
    """Who wrote each comment, with their State's code (reviewers and the State under review)."""
    people = db.session.scalars(select(User).where(User.id.in_([i for i in ids if i]))).all()
    return {u.id: (u.name or u.email) + (f" ({u.state.code})" if u.state else "") for u in people}


def _shown(review: CountryReview, snapshot: Snapshot | None, question_id: str | None) -> bool:
    if snapshot is None:
        return False
    if question_id is None:
        return True
    if question_id not in snapshot.answers:
        return False
    version = db.session.get(QuestionnaireVersion, snapshot.version_id)
    scope = scope_of_review(review)
    return version is not None and (scope is None or scope.covers(catalog.questionnaire(version), question_id))


def scope_of_review(review: CountryReview) -> cycles.Scope | None:
    return cycles.Scope(frozenset(review.round.chapters)) if review.round.chapters else None


def _comment(review: CountryReview, parent: Comment | None, question_id: str | None) -> Comment:
    from . import comment as add

    return add(review, current_user, request.form.get("body", ""), question_id, parent)


def _change(review_id: int, may: Callable[[User, CountryReview], bool], work: Callable[[CountryReview], None],
            done: str, anchor: str) -> WerkzeugResponse:
    """A POST that changes a review's report or timeline: 404 for those who may not read the review,
    403 unless ``may``; ``work`` begins by holding the review's row (``web.reviews.hold_draft``), so
    of two requests racing, the second waits and is refused once the first made the report final.
    A refusal (:class:`ReviewError`) stores nothing and says why on the review's page."""
    review = _review(review_id)
    if not may(current_user, review):
        abort(403)
    try:
        work(review)
    except ReviewError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return redirect(url_for("reviews.view", review_id=review_id))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("reviews.view", review_id=review_id, _anchor=anchor))


def _secretariat(user: User, _found: CountryReview) -> bool:
    return can_manage_reviews(user)


@bp.post("/<int:review_id>/report")
@login_required
def report(review_id: int) -> WerkzeugResponse:
    parts = {part: request.form.get(part, "") for part in REPORT_PARTS if part in request.form}
    return _change(review_id, drafts_report, lambda review: save_report(review, current_user, parts),
                   _("The report is saved."), "report")


@bp.post("/<int:review_id>/finalise")
@login_required
def finalise_report(review_id: int) -> WerkzeugResponse:
    return _change(review_id, _secretariat,
                   lambda review: finalise(review, current_user), _("The report is final."), "report")


@bp.post("/<int:review_id>/timeline")
@login_required
def set_timeline(review_id: int) -> WerkzeugResponse:
    return _change(review_id, _secretariat, _save_timeline,
                   _("The timeline is saved."), "timeline")


def _save_timeline(review: CountryReview) -> None:
    hold_draft(review)  # the form is offered while the report is a draft; a final report's step is "done"
    for name in ("desk_review_on", "dialogue_on", "draft_report_on", "final_report_on"):
        given = (request.form.get(name) or "").strip()
        try:
            setattr(review, name, date.fromisoformat(given) if given else None)
        except ValueError:
            raise ReviewError("date", given) from None
    if request.form.get("dialogue_kind") in ("dialogue", "visit"):
        review.dialogue_kind = request.form["dialogue_kind"]
    stage = request.form.get("stage")
    if stage and stage != review.stage:
        set_stage(review, stage, current_user)


@bp.get("/<int:review_id>/report.pdf")
@login_required
def report_pdf(review_id: int) -> WerkzeugResponse | tuple[Any, ...]:
    """The report in ``?lang=``: the cached file; or, while a worker prepares it, a page that checks
    again by itself (JSON for scripts: ``?format=json`` or ``Accept: application/json``), as for
    profiles. Nothing is rendered here. The file does not depend on who asks."""
    from .tasks import locate, request_render

    review = _review(review_id)
    lang = request.args.get("lang", "en")
    if lang not in engine.UN_LANGUAGES:
        abort(404)
    found = locate(review, lang)
    return views.download(
        found.path, "reviews.report_pdf", {"review_id": review.id, "lang": lang},
        name=f"review-{review.state.code}-{review.round.name}-{lang}.pdf", attachment=False,
        request_job=lambda retry: request_render(found, retry=retry),
        what=lambda: " · ".join((review.state.name(current_language()), _("Country review report (PDF)"),
                                 LANGUAGE_NAMES[lang])),
        message=lambda _code: _("The report could not be prepared. The team has been told; please try again "
                                "later."),
        label=f"review report {review.id} {lang}")
