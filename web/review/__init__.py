"""Submission and review: submit, return, accept, amend, publish; comments; history; snapshots;
moving a response to a newer questionnaire version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine

from .. import access, bounds, catalog, consent, versions, workflow
from ..access import login_required
from ..answers import stored, values
from ..content import question_place, raw_text
from ..db import db
from ..fill.pages import pages
from ..models import Activity, AnswerRevision, Comment, QuestionnaireVersion, Response, Snapshot, User
from ..models.base import utcnow
from . import check_answers
from .wordiff import WordDiff, word_diff, worth_a_diff

bp = Blueprint("review", __name__)


def _response(response_id: int) -> Response:
    return access.response(current_user, response_id)  # CSRF is checked on every POST by CSRFProtect


def _back(response_id: int) -> WerkzeugResponse:
    return redirect(url_for("fill.overview", response_id=response_id))


@bp.get("/responses/<int:response_id>/check")
@login_required
def check(response_id: int) -> str:
    """Check your answers: what is left, or every answer with "Change" links; submitting starts here."""
    response = _response(response_id)
    return _check_page(response)


def _check_page(response: Any, refused: bool = False) -> str:
    q = catalog.questionnaire(response.version)
    from ..cycles import pages_of, unconfirmed

    found = check_answers.build(q, engine.evaluate(q, values(q, stored(response))), pages_of(response, q),
                                set(unconfirmed(response)))
    return render_template("review/check.html", response=response, q=q, check=found, refused=refused)


@bp.get("/responses/<int:response_id>/submit")
@login_required
def submit_page(response_id: int) -> WerkzeugResponse:
    """Reloading the submit address (or following a link to it) leads to the check page."""
    _response(response_id)
    return redirect(url_for("review.check", response_id=response_id))


@bp.post("/responses/<int:response_id>/submit")
@login_required
def submit(response_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    response = _response(response_id)
    if not access.can_submit(current_user, response):
        abort(403)
    try:
        snapshot = workflow.submit(response, current_user)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        if exc.code == "incomplete":
            return _check_page(response, refused=True), 400
        if exc.code == "unconfirmed":
            flash(ngettext("%(num)d answer carried over from the previous cycle is not confirmed yet: confirm or "
                           "update it first.", "%(num)d answers carried over from the previous cycle are not "
                           "confirmed yet: confirm or update them first.", len(exc.issues)), "error")
            return _back(response_id)
        flash(_("The self-assessment could not be submitted: its status changed meanwhile."), "error")
        return _back(response_id)
    db.session.commit()
    return redirect(url_for("review.submitted", response_id=response_id, number=snapshot.number))


@bp.get("/responses/<int:response_id>/submitted/<int:number>")
@login_required
def submitted(response_id: int, number: int) -> str:
    """The confirmation: when, what happens next, the snapshot and the PDF."""
    response = _response(response_id)
    snap = db.session.scalars(select(Snapshot).where(Snapshot.response_id == response.id,
                                                     Snapshot.number == number)).first()
    if snap is None:
        abort(404)
    from ..profiles import QUESTIONNAIRE

    return render_template("review/submitted.html", response=response, snap=snap,
                           has_profile=response.version.questionnaire_id == QUESTIONNAIRE)


def _step(response_id: int, step: str, take: Callable[[Response], object],
          done: Callable[[Response], str] | None = None) -> WerkzeugResponse:
    """Take a review step (return, accept, amend, publish): 403 unless the user is one of those who
    take it (``access.may``), 409 when the status does not allow it now; commit, say so, go back."""
    response = _response(response_id)
    if not access.may(current_user, response, step):
        abort(403)
    try:
        take(response)
    except workflow.WorkflowError as exc:
        if exc.code != "no_consent":
            abort(409)
        db.session.rollback()  # publishing beyond the State's consent: refused, said so
        flash(_("The State has not consented to the publication of its profile."), "error")
        return _back(response_id)
    db.session.commit()
    if done is not None:
        flash(done(response), "success")
    return _back(response_id)


@bp.post("/responses/<int:response_id>/return")
@login_required
def return_(response_id: int) -> WerkzeugResponse:
    def take(response: Response) -> None:
        note = request.form.get("note") or ""
        workflow.return_to_state(response, current_user, note)
        if note.strip():
            db.session.add(Comment(response_id=response.id, author_id=current_user.id, body=note.strip()[:5000]))

    return _step(response_id, "return", take,
                 lambda response: _("The self-assessment is returned to the State with your comments."))


@bp.post("/responses/<int:response_id>/accept")
@login_required
def accept(response_id: int) -> WerkzeugResponse:
    def accepted(response: Response) -> str:
        if request.form.get("publish") == "1" and not response.published:  # published within consent only
            flash(_("The State has not consented to the publication of its profile."), "error")
        return _("The self-assessment is accepted.")

    return _step(response_id, "accept",
                 lambda response: workflow.accept(response, current_user, publish=request.form.get("publish") == "1"),
                 accepted)


@bp.post("/responses/<int:response_id>/amend")
@login_required
def amend(response_id: int) -> WerkzeugResponse:
    return _step(response_id, "amend", lambda response: workflow.amend(response, current_user),
                 lambda response: _("Revision %(n)d is open for amendments. What was accepted stays in its "
                                    "snapshot.", n=response.revision))


@bp.post("/responses/<int:response_id>/publish")
@login_required
def publish(response_id: int) -> WerkzeugResponse:
    return _step(response_id, "publish", lambda response: workflow.set_published(
        response, current_user, request.form.get("published") == "1"))


@bp.post("/responses/<int:response_id>/consent")
@login_required
def set_consent(response_id: int) -> WerkzeugResponse:
    """The State's focal point decides what the secretariat may share of the response."""
    response = _response(response_id)
    if not consent.may_set(current_user, response):
        abort(403)
    level = request.form.get("consent", "")
    q = catalog.questionnaire(response.version)
    known = {c.id for c in q.framework.chapters} if q.framework is not None else set()
    chosen = request.form.getlist("chapter")
    if level not in consent.LEVELS or not set(chosen) <= known or len(chosen) > len(known):
        abort(400)
    chapters = None if level != "profile" or not chosen or set(chosen) == known else chosen
    changed = consent.set_consent(response, current_user, level, chapters)
    db.session.commit()
    if changed:
        flash(_("Your choice of what may be shared is saved and recorded in the activity log."), "success")
    return _back(response_id)


@bp.post("/responses/<int:response_id>/migrate")
@login_required
def migrate(response_id: int) -> WerkzeugResponse:
    response = _response(response_id)
    if not access.may(current_user, response, "migrate"):
        abort(403)
    workflow.lock(response)  # no save or submission of this response until the move is committed
    if not access.can_migrate(current_user, response):
        abort(409)
    target_id = bounds.db_int(request.form.get("version_id"))
    target = db.session.get(QuestionnaireVersion, target_id) if target_id else None
    if target is None:
        abort(404)
    try:
        result = versions.migrate(response, target, current_user)
    except catalog.PublishError:
        db.session.rollback()
        abort(409)
    db.session.commit()
    flash(_("The answers moved to version %(v)s: %(n)d carried over, %(m)d moved to a new question, "
            "%(o)d kept without a home (shown read-only).", v=target.version, n=result.carried,
            m=len(result.mapped), o=len(result.orphans)), "success")
    return _back(response_id)


# -- comments ----------------------------------------------------------------------------------------
@bp.route("/responses/<int:response_id>/comments", methods=["GET", "POST"])
@login_required
def comments(response_id: int) -> str | WerkzeugResponse:
    response = _response(response_id)
    q = catalog.questionnaire(response.version)
    if request.method == "POST":
        body = (request.form.get("body") or "").strip()
        given = request.form.get("parent_id")
        parent_id = bounds.db_int(given)
        parent = db.session.get(Comment, parent_id) if parent_id else None
        if (given and parent is None) or (parent is not None and parent.response_id != response.id):
            abort(404)
        if not access.can_comment(current_user, response, parent):
            abort(403)
        question_id = parent.question_id if parent else (request.form.get("question_id") or None)
        if question_id and question_id not in q.index.items:
            abort(400)
        if not body or len(body) > 5000:
            flash(_("Write a comment of at most 5,000 characters."), "error")
        else:
            comment = Comment(response_id=response.id, question_id=question_id, author_id=current_user.id,
                              body=body, parent_id=parent.id if parent else None,
                              review_id=parent.review_id if parent else None)  # a reply stays in its review
            db.session.add(comment)
            db.session.flush()
            workflow.log(response, current_user, "commented", question=question_id, comment=comment.id)
            db.session.commit()
            flash(_("Your comment is saved."), "success")
        return redirect(url_for("review.comments", response_id=response.id, q=question_id or None))
    rows = db.session.scalars(select(Comment).where(Comment.response_id == response.id)
                              .order_by(Comment.created_at, Comment.id)).all()
    threads = [c for c in rows if c.parent_id is None]
    replies: dict[int, list[Comment]] = defaultdict(list)
    for c in rows:
        if c.parent_id:
            replies[c.parent_id].append(c)
    authors = _authors({c.author_id for c in rows} | {c.resolved_by_id for c in rows})
    status = request.args.get("status", "all")
    if status in ("open", "resolved"):
        threads = [t for t in threads if t.status == status]
    return render_template("review/comments.html", response=response, q=q, threads=threads, replies=replies,
                           authors=authors, selected=request.args.get("q"), status=status,
                           label=lambda qid: _label(q, qid))


@bp.post("/comments/<int:comment_id>/resolve")
@login_required
def resolve_comment(comment_id: int) -> WerkzeugResponse:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    response = access.response(current_user, comment.response_id)
    if not access.can_resolve(current_user, response):
        abort(403)
    reopen = request.form.get("reopen") == "1"
    comment.status = "open" if reopen else "resolved"
    comment.resolved_at = None if reopen else utcnow()
    comment.resolved_by_id = None if reopen else current_user.id
    workflow.log(response, current_user, "reopened" if reopen else "resolved", comment=comment.id)
    db.session.commit()
    return redirect(url_for("review.comments", response_id=response.id))


# -- history, activity, snapshots -------------------------------------------------------------------------
@bp.get("/responses/<int:response_id>/history/<question_id>")
@login_required
def history(response_id: int, question_id: str) -> str:
    response = _response(response_id)
    q = catalog.questionnaire(response.version)
    question = q.index.items.get(question_id)
    revisions = db.session.scalars(select(AnswerRevision).where(
        AnswerRevision.response_id == response.id, AnswerRevision.question_id == question_id)
        .order_by(AnswerRevision.id.desc())).all()
    if not isinstance(question, engine.Question) and not revisions:
        abort(404)
    authors = _authors({r.user_id for r in revisions})
    def shown(raw: Any) -> str:
        if isinstance(question, engine.Question):
            return raw_text(q, question, raw, "")
        return "" if raw is None else str(raw)

    texts = isinstance(question, engine.Question) and question.type in ("text", "long_text")
    older = {id(r): revisions[i + 1] if i + 1 < len(revisions) else None for i, r in enumerate(revisions)}
    rows = [_change(r, shown(r.old_value), shown(r.new_value), texts, older[id(r)]) for r in revisions]
    return render_template("review/history.html", response=response, q=q, question=question,
                           question_id=question_id, rows=rows, authors=authors,
                           place=question_place(q, question_id))


@dataclass(frozen=True)
class _Change:
    revision: AnswerRevision
    before: str
    after: str
    diff: WordDiff | None  # long texts: what changed, word by word
    before_lang: str | None  # the language each text was written in, if known
    after_lang: str | None


def _change(revision: AnswerRevision, before: str, after: str, texts: bool,
            older: AnswerRevision | None) -> _Change:
    diff = word_diff(before, after) if texts and worth_a_diff(before, after) else None
    return _Change(revision, before, after, diff, older.language if older else None, revision.language)


@bp.get("/responses/<int:response_id>/activity")
@login_required
def activity(response_id: int) -> str:
    response = _response(response_id)
    entries = db.session.scalars(select(Activity).where(Activity.response_id == response.id)
                                 .order_by(Activity.id.desc())).all()
    revisions = db.session.scalars(select(AnswerRevision).where(AnswerRevision.response_id == response.id)
                                   .order_by(AnswerRevision.id.desc()).limit(200)).all()
    snapshots = db.session.scalars(select(Snapshot).where(Snapshot.response_id == response.id)
                                   .order_by(Snapshot.number)).all()
    q = catalog.questionnaire(response.version)
    authors = _authors({e.user_id for e in entries} | {r.user_id for r in revisions} |
                       {s.created_by_id for s in snapshots})
    return render_template("review/activity.html", response=response, entries=entries, revisions=revisions,
                           snapshots=snapshots, authors=authors, label=lambda qid: _label(q, qid))


@bp.get("/responses/<int:response_id>/snapshots/<int:number>")
@login_required
def snapshot(response_id: int, number: int) -> str:
    response = _response(response_id)
    snap = db.session.scalars(select(Snapshot).where(Snapshot.response_id == response.id,
                                                     Snapshot.number == number)).first()
    if snap is None:
        abort(404)
    version = db.session.get(QuestionnaireVersion, snap.version_id)
    q = catalog.questionnaire(version)  # type: ignore[arg-type]
    rows = []
    for page in pages(q).list:
        for question in page.questions:
            item = snap.answers.get(question.id)
            if item is not None:
                rows.append((page, question, raw_text(q, question, item["value"], "—"), item.get("language")))
    return render_template("review/snapshot.html", response=response, snap=snap, version=version, q=q, rows=rows,
                           author=_authors({snap.created_by_id}).get(snap.created_by_id, ""),
                           not_applicable=set(snap.summary.get("not_applicable", [])))


def _authors(ids: set[int | None]) -> dict[int | None, str]:
    found: dict[int | None, str] = {u.id: (u.name or u.email) for u in db.session.scalars(select(User).where(
        User.id.in_([i for i in ids if i])))}
    return found


def _label(q: engine.Questionnaire, qid: str | None) -> str:
    """What a comment or a change is about: "Article 15 (a) · compliance"."""
    if not qid:
        return _("The whole self-assessment")
    return question_place(q, qid)
