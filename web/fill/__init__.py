"""Completing a questionnaire: table of contents, one page per question area, saving and autosave.

The server is the authority: it re-evaluates visibility with the engine on every save, stores only
what the user may change, and never overwrites a colleague's newer answer (see ``web.answers``).
The browser helper (``static/fill.js``) adds instant branching from the engine's condition trees,
autosave and a local copy that survives a lost connection or an expired session; without
JavaScript the same pages work with plain form posts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import bindparam, func, select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from engine.model import Item
from engine.stored import conditions

from .. import access, bounds, catalog, cycles, progress
from ..access import login_required
from ..answers import NOT_ASSIGNED, Change, Conflict, ResponseClosed, Result, conflict_with, save
from ..content import group_title, level_label, raw_text, summary, text
from ..db import db
from ..faults import retry_safe
from ..i18n import current_language
from ..loaded import loaded
from ..models import Answer, AnswerRevision, Comment, QuestionnaireVersion, Response
from ..security import error_page, typed_values
from . import forms, navigation
from .messages import message, messages_for
from .pages import Page, pages

bp = Blueprint("fill", __name__)
#: Changes in one autosave: a page holds fewer questions than this.
MAX_CHANGES = 500


class Context:
    """Everything a page of a response needs, loaded once per request (``web.loaded``): a page reads
    its own answers and stored evaluation (``show``), the table of contents every answer (``whole``)."""

    def __init__(self, response_id: int, whole: bool = False, lock: bool = False):
        # lock: a save takes the response's lock first, so what the page reads is read once, under it
        self.response: Response = access.response(current_user, response_id, lock=lock)
        self.q = catalog.questionnaire(self.response.version)
        self.scope = cycles.scope_of(self.response)  # a review cycle's chapters: other pages are not shown
        self.pages = self.scope.pages(self.q) if self.scope is not None else pages(self.q)
        self.loaded = loaded(self.response, self.q)
        if whole:
            self.loaded.whole()
        self.pending = Pending(self.loaded.rows)  # carried over, not yet confirmed
        self._tracker: progress.Tracker | None = None
        self.can_edit = access.can_edit(current_user, self.response)
        #: A contributor limited to some chapters or articles works on those pages only.
        self.scoped = current_user.role == "contributor" and bool(current_user.assignments)

    @property
    def rows(self) -> Mapping[str, Answer]:
        return self.loaded.rows

    @property
    def answers(self) -> Mapping[str, Any]:
        return self.loaded.answers

    @property
    def evaluation(self) -> engine.Evaluation:
        return self.loaded.evaluation

    def show(self, page: Page) -> Page:
        """Read at once what ``page`` shows: its answers, and the visibility and answers its
        conditions read."""
        self.loaded.prefetch(self.shown(page))
        return page

    def show_to_save(self, page: Page) -> Page:
        """Read at once what ``page`` shows and what saving its questions may read (``web.answers.save``:
        the answers, visibility and totals an update after them reaches)."""
        from .. import evaluations

        evaluations.before_update(self.evaluation, self.loaded.rows, page.question_ids, self.shown(page))
        return page

    def shown(self, page: Page) -> set[str]:
        """What ``page`` reads: its questions and what their conditions read."""
        ids = set(page.question_ids)
        for question in page.questions:
            items: tuple[Item, ...] = (*self.q.ancestors(question.id), question)
            for item in items:
                for condition in conditions(item):
                    ids.update(condition.refs)
        return ids

    @property
    def tracker(self) -> progress.Tracker:
        """Every page's status, and the figure over the pages this person works on."""
        if self._tracker is None:
            pending = set(self.loaded.carried())
            known = progress.statuses(self.response, self.evaluation, self.pages, pending)
            self._tracker = progress.Tracker(self.q, self.evaluation, self._in_scope if self.scoped else None,
                                             layout=self.pages, pending=pending, known=known)
        return self._tracker

    def _in_scope(self, page: Page) -> bool:
        return any(access.can_answer_question(current_user, self.q, qid) for qid in page.question_ids)

    def require_edit(self) -> None:
        """Refuse a change: "already submitted" (409) to the State's own users, else 403."""
        if self.can_edit:
            return
        if access.answers_for(current_user, self.response):
            raise ResponseClosed(self.response.status)
        abort(403)

    def editable(self, question_id: str) -> bool:
        return (self.can_edit and access.can_answer_question(current_user, self.q, question_id)
                and (self.scope is None or self.scope.covers(self.q, question_id)))

    def page(self, page_id: str) -> Page:
        page = self.pages.by_id.get(page_id)
        if page is None:
            abort(404)
        return page

    def stored_json(self, page: Page) -> dict[str, Any]:
        return self.loaded.json_of(page.question_ids)

    def versions(self, page: Page) -> dict[str, int]:
        return self.loaded.versions_of(page.question_ids)


    def total(self) -> Any:
        """The response's figures as counted (chapters in scope, unconfirmed answers not done)."""
        from ..progress import counted_total

        return counted_total(self.response, self.q, self.answers, self.evaluation,
                             cycles.unconfirmed(self.response, self.loaded.carried()), self.rows)


@bp.get("/responses/<int:response_id>")
@login_required
def overview(response_id: int) -> str:
    ctx = Context(response_id)
    tracker = ctx.tracker
    nav = navigation.build(ctx.q, tracker, ctx.response, None, navigation.Filters.read(request.args, ctx.q),
                           ctx.scoped)  # the contents: the side navigation of every page, unfolded here
    return render_template("fill/overview.html", ctx=ctx, nav=nav, filter_labels=navigation.FILTERS,
                           figure=tracker.figure(), whole=tracker.figure(ctx.pages.list), total=ctx.total(),
                           resume=_resume_page(ctx), **_workflow_panel(ctx))


def _workflow_panel(ctx: Context) -> dict[str, Any]:
    from .. import consent, versions, workflow
    from ..models import Snapshot
    from ..templating import CONSENT_LABELS

    response = ctx.response
    live = versions.live_version(response.version.questionnaire_id)
    newer = live if live is not None and live.id != response.version_id and live.id > response.version_id else None
    open_comments = db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.response_id == response.id, Comment.status == "open", Comment.parent_id.is_(None))) or 0
    snapshots = db.session.scalars(select(Snapshot).where(Snapshot.response_id == response.id)
                                   .order_by(Snapshot.number)).all()
    return {"newer": newer, "orphans": versions.orphans(response), "open_comments": open_comments,
            "snapshots": snapshots, "latest_snapshot": workflow.latest_snapshot(response),
            "can_set_consent": consent.may_set(current_user, response), "consent_levels": CONSENT_LABELS,
            "consent_chapters": _framework_chapters(ctx.q)}


def _framework_chapters(q: engine.Questionnaire) -> list[tuple[str, str]]:
    """(id, title) of the framework's chapters, for choosing which a profile may show."""
    if q.framework is None:
        return []
    return [(c.id, text(q, c.title).text) for c in q.framework.chapters]


class Pending(Mapping[str, str]):
    """Answers carried over from the previous cycle and not yet confirmed (question id -> where
    from), read from the rows a page reads (``web.loaded``): a page never reads the whole response."""

    def __init__(self, rows: Mapping[str, Answer]):
        self.rows = rows

    def __getitem__(self, qid: str) -> str:
        row = self.rows.get(qid)
        if row is None or not row.carried_from or row.value is None:
            raise KeyError(qid)
        return row.carried_from

    def __contains__(self, qid: object) -> bool:
        return isinstance(qid, str) and self.get(qid) is not None

    def __bool__(self) -> bool:  # asked key by key: a page never lists them all
        return True

    def __iter__(self) -> Iterator[str]:  # every row: for what shows the whole response
        return (qid for qid in self.rows if qid in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _resume_page(ctx: Context) -> Page | None:
    """The next page to do: the first incomplete page from the one this person edited last (that
    one included), else from the start; every page done: the first page."""
    last = db.session.scalars(select(AnswerRevision.question_id).where(
        AnswerRevision.response_id == ctx.response.id, AnswerRevision.user_id == current_user.id,
        AnswerRevision.source != "conflict").order_by(AnswerRevision.id.desc())).first()
    tracker = ctx.tracker
    edited = ctx.pages.of_question.get(last) if last else None
    if edited is not None and tracker.status(edited) in progress.TO_DO:
        return edited
    page = tracker.next_to_do(edited)
    if page is not None:
        return page
    return tracker.in_scope[0] if tracker.in_scope else None


@bp.post("/responses/<int:response_id>/pages/<page_id>/confirm")
@login_required
def confirm(response_id: int, page_id: str) -> WerkzeugResponse:
    """Confirm the carried-over answers of a page (a provision) as they are: one action."""
    ctx = Context(response_id)
    current = ctx.page(page_id)
    ctx.require_edit()
    done = cycles.confirm(ctx.response, ctx.q, [qid for qid in current.question_ids if ctx.editable(qid)],
                          current_user)
    db.session.commit()
    if done:
        flash(_("The answers carried over are confirmed."), "success")
    return redirect(url_for("fill.page", response_id=response_id, page_id=current.id))


@bp.get("/responses/<int:response_id>/resume")
@login_required
def resume(response_id: int) -> WerkzeugResponse:
    ctx = Context(response_id)  # the statuses from the stored page totals
    page = _resume_page(ctx)
    if page is None:
        return redirect(url_for("fill.overview", response_id=response_id))
    return redirect(url_for("fill.page", response_id=response_id, page_id=page.id))


@bp.get("/responses/<int:response_id>/pages/<page_id>")
@login_required
def page(response_id: int, page_id: str) -> str:
    ctx = Context(response_id)
    current = ctx.show(ctx.page(page_id))
    form, entries = forms.build(ctx.q, current, ctx.stored_json(current), ctx.versions(current), ctx.editable,
                                row_counts=_requested_rows(current))
    return _render_page(ctx, current, form, entries, problems=ctx.evaluation.problems)


def _requested_rows(page: Page) -> dict[str, int]:
    """Rows to show per table, as asked in the query string (bounded by the engine's limit)."""
    counts = {}
    for question in page.questions:
        requested = bounds.db_int(request.args.get(f"rows-{question.id}"))
        if requested:
            counts[question.id] = min(requested, engine.types.MAX_ROWS)
    return counts


@bp.post("/responses/<int:response_id>/pages/<page_id>")
@login_required
@retry_safe(lambda: bool(request.form.get("_k")))  # the page key makes a repeat count once
def save_page(response_id: int, page_id: str) -> str | WerkzeugResponse | tuple[str, int]:
    ctx = Context(response_id, lock=True)
    current = ctx.show_to_save(ctx.page(page_id))
    ctx.require_edit()
    counts = forms.posted_row_counts(current, request.form)
    form, entries = forms.build(ctx.q, current, ctx.stored_json(current), ctx.versions(current), ctx.editable,
                                formdata=request.form, row_counts=counts)
    if not form.validate():  # only the CSRF token: answers are checked by the engine
        abort(400)
    outside = {qid: (NOT_ASSIGNED,) for qid in current.question_ids  # posted, but not the user's to change
               if request.form.get(f"_p-{qid}") == "1" and not ctx.editable(qid)}
    action = request.form.get("_action")
    changes, row_counts = forms.read_changes(current, form, request.form, ctx.editable, action)
    result = save(ctx.response, ctx.q, changes, current_user, source="save", language=current_language(),
                  may_answer=ctx.editable)
    result.refused.update(forms.too_many_rows(current, request.form))
    result.refused.update(outside)
    db.session.commit()
    session["fill_received"] = request.form.get("_k", "")[:64]  # this browser's copy of the page arrived
    if result.conflicts:
        return render_template("fill/conflict.html", ctx=ctx, page=current,
                               conflicts=_conflicts(ctx, result.conflicts)), 409
    if result.refused:  # keep what was typed on screen, with the errors next to the fields
        ctx.show(current)  # the answers as this save left them (read once: web.loaded)
        form, entries = forms.build(ctx.q, current, ctx.stored_json(current), ctx.versions(current), ctx.editable,
                                    formdata=request.form, row_counts=counts)
        problems = {qid: ctx.evaluation.problems.get(qid, ()) for qid in current.question_ids}
        problems.update(result.refused)
        return _render_page(ctx, current, form, entries, problems=problems), 400
    rows: dict[str, Any] = {f"rows-{qid}": n for qid, n in row_counts.items() if action and n}
    target = current
    if request.form.get("_go") == "next" and not action:
        target = ctx.pages.neighbours(current)[1] or current
        rows = {}
    after_save = result.evaluation or ctx.evaluation
    if target is current and any(after_save.problems.get(qid) for qid in current.question_ids):
        session["fill_saved"] = current.id  # the page says it once: saved, some answers to check
    else:
        flash(_("Your answers are saved."), "success")
    return redirect(url_for("fill.page", response_id=response_id, page_id=target.id, **rows)
                    + (f"#{action.split(':')[1]}" if action and ":" in action else ""))


def _too_deep() -> str:
    return _("What was sent is nested too deeply (at most %(n)d levels) and could not be read.",
             n=bounds.MAX_JSON_DEPTH)


@bp.app_errorhandler(ResponseClosed)
def after_closed(error: ResponseClosed) -> tuple[str | WerkzeugResponse, int]:
    """A save that lost the race against a submission (or a move to a new version), on any page: the
    transaction is rolled back. A change refused because the response stopped taking answers on the way: nothing was
    stored. Autosave gets JSON (the browser keeps the change and says why); a page shows what was
    typed, to copy."""
    db.session.rollback()
    if error.moved:
        reason = _("This self-assessment was moved to a newer version of the questionnaire in the meantime, "
                   "so your change was not saved. Open the page again.")
    else:
        reason = _("This self-assessment has already been submitted, so your change was not saved. "
                   "It can be changed again if the secretariat returns it or after an amendment.")
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=reason, code=409, closed=True, status=error.status), 409
    response_id = request.view_args.get("response_id") if request.view_args else None
    return render_template("fill/closed.html", reason=reason, typed=typed_values(),
                           back=url_for("fill.overview", response_id=response_id) if response_id else None), 409


@bp.errorhandler(CSRFError)
def expired_token(error: CSRFError) -> tuple[str | WerkzeugResponse, int]:
    """An expired page must not lose what was typed: a page of answers is shown again; anything else
    of this blueprint gets the usual error page."""
    if request.endpoint == "fill.save_page" and not request.is_json:
        return after_expired_token(), 400
    return error_page(error)


def after_expired_token() -> str:
    """A page posted with an expired token or after the session ended: nothing was saved. Show the
    page again with what was typed (and a fresh token) or, logged out, what was typed to copy."""
    response_id = request.view_args.get("response_id") if request.view_args else None
    page_id = request.view_args.get("page_id") if request.view_args else None
    if current_user.is_authenticated and response_id is not None:
        ctx = Context(int(response_id))
        current = ctx.show(ctx.page(str(page_id)))
        counts = forms.posted_row_counts(current, request.form)
        form, entries = forms.build(ctx.q, current, ctx.stored_json(current), ctx.versions(current), ctx.editable,
                                    formdata=request.form, row_counts=counts)
        flash(_("The page was open for a long time, so nothing was saved yet. Your answers are shown "
                "again: check them and save."), "warning")
        return _render_page(ctx, current, form, entries, problems=ctx.evaluation.problems)
    return render_template("fill/expired.html", typed=typed_values(),
                           login=url_for("auth.login", next=request.path))


@bp.post("/responses/<int:response_id>/autosave")
@login_required
@retry_safe(lambda: _every_change_has_a_key())  # each change's key makes a repeat count once
def autosave(response_id: int) -> tuple[WerkzeugResponse, int] | WerkzeugResponse:
    ctx = Context(response_id, lock=True)
    if not ctx.can_edit and not access.answers_for(current_user, ctx.response):
        return jsonify(error=_("You cannot change these answers."), code=403), 403
    ctx.require_edit()
    try:
        payload = bounds.loads(request.get_data(cache=True))
    except ValueError as exc:
        too_deep = str(exc) == bounds.TOO_DEEP
        return jsonify(error=_too_deep() if too_deep else _("The request could not be understood. Please go back "
                                                             "and try again."), code=400), 400
    if not isinstance(payload, dict) or not isinstance(payload.get("changes"), list) \
            or len(payload["changes"]) > MAX_CHANGES:
        return jsonify(error=_("The request could not be understood. Please go back and try again."), code=400), 400
    changes = []
    for item in payload["changes"]:
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            continue
        key = item.get("key")
        changes.append(Change(item["q"], item.get("value"), bounds.version(item.get("base")),
                              key[:64] if isinstance(key, str) and key else None))
    current = ctx.pages.by_id.get(str(payload.get("page", "")))
    result = save(ctx.response, ctx.q, changes, current_user, source="autosave", language=current_language(),
                  may_answer=ctx.editable, read=ctx.shown(current) if current is not None else ())
    db.session.commit()
    if current is not None:
        ctx.show(current)
    return jsonify(_autosave_reply(ctx, current, result))


def _every_change_has_a_key() -> bool:
    try:
        payload = bounds.loads(request.get_data(cache=True))
    except ValueError:
        return False
    changes = payload.get("changes") if isinstance(payload, dict) else None
    return isinstance(changes, list) and all(isinstance(c, dict) and c.get("key") for c in changes)


def _autosave_reply(ctx: Context, current: Page | None, result: Result) -> dict[str, Any]:
    evaluation = result.evaluation or ctx.evaluation
    reply: dict[str, Any] = {
        "saved": result.saved, "unchanged": result.unchanged, "ignored": result.ignored,
        "refused": {qid: [message(ctx.q, p) for p in problems] for qid, problems in result.refused.items()},
        "conflicts": _conflicts(ctx, result.conflicts), "problems": {}, "cells": {},
        "kept": {qid: {"version": version, "value": value} for qid, (version, value) in result.kept.items()},
    }
    if current is not None:
        for qid in current.question_ids:
            own, cells = messages_for(ctx.q, ctx.q.question(qid), evaluation.problems.get(qid, ()))
            reply["problems"][qid] = own
            reply["cells"][qid] = {f"{row}-{col}": msgs for (row, col), msgs in cells.items()}
        reply["visible"] = {qid: evaluation.is_visible(qid) for qid in current.question_ids}
        reply["page_status"] = progress.page_status(evaluation, current, set(ctx.loaded.carried()))
    reply["percent"] = ctx.response.percent
    return reply


def _conflicts(ctx: Context, conflicts: list[Conflict]) -> list[dict[str, Any]]:
    out = []
    for conflict in conflicts:
        question = ctx.q.question(conflict.question_id)
        out.append({
            "q": conflict.question_id, "label": text(ctx.q, question.label).text,
            "theirs": conflict.theirs, "their_version": conflict.their_version, "mine": conflict.mine,
            "theirs_text": raw_text(ctx.q, question, conflict.theirs),
            "mine_text": raw_text(ctx.q, question, conflict.mine),
            "by": conflict.updated_by,
            "at": conflict.updated_at.isoformat() if conflict.updated_at else None,
            "mine_json": json.dumps(conflict.mine, ensure_ascii=False),
        })
    return out


@bp.post("/responses/<int:response_id>/resolve")
@login_required
def resolve(response_id: int) -> WerkzeugResponse | tuple[str, int]:
    """The conflict screen's choice: keep the colleague's value, or store mine on top of it."""
    ctx = Context(response_id)
    ctx.require_edit()
    changes = []
    unchosen = []
    for qid in request.form.getlist("q")[:forms.MAX_QUESTIONS]:
        keep = request.form.get(f"keep-{qid}")
        if keep == "theirs":
            continue
        try:
            mine = bounds.loads(request.form.get(f"mine-{qid}", "null"))
        except ValueError as exc:
            if str(exc) == bounds.TOO_DEEP:
                return render_template("error.html", code=400, title=_too_deep()), 400
            abort(400)
        if keep != "mine":  # nothing is preselected: a choice is needed for every answer
            unchosen.append(conflict_with(qid, mine, ctx.rows.get(qid)))
            continue
        changes.append(Change(qid, mine, bounds.version(request.form.get(f"version-{qid}"))))
    page_id = request.form.get("page") or ""
    if unchosen:
        current = ctx.pages.by_id.get(page_id) or ctx.pages.list[0]
        return render_template("fill/conflict.html", ctx=ctx, page=current, unchosen=True,
                               conflicts=_conflicts(ctx, unchosen)), 400
    result = save(ctx.response, ctx.q, changes, current_user, source="resolve", language=current_language(),
                  may_answer=ctx.editable)
    if result.refused:  # beyond a hard limit: nothing of this choice is stored
        db.session.rollback()
        problems = [f"{text(ctx.q, ctx.q.question(qid).label).text}: {message(ctx.q, problem)}"
                    for qid, found in result.refused.items() for problem in found]
        return render_template("error.html", code=400, title="; ".join(problems)), 400
    db.session.commit()
    if result.conflicts:  # a colleague saved once more in the meantime: choose again, between the newest values
        current = ctx.pages.by_id.get(page_id) or ctx.pages.list[0]
        return render_template("fill/conflict.html", ctx=ctx, page=current,
                               conflicts=_conflicts(ctx, result.conflicts)), 409
    flash(_("Your choice is saved. Both values are kept in the history."), "success")
    if page_id in ctx.pages.by_id:
        return redirect(url_for("fill.page", response_id=response_id, page_id=page_id))
    return redirect(url_for("fill.overview", response_id=response_id))


def _render_page(ctx: Context, current: Page, form: Any, entries: list[forms.Entry],
                 problems: Mapping[str, tuple[engine.Problem, ...]]) -> str:
    before, after = ctx.pages.neighbours(current)
    messages = {}
    cells = {}
    for entry in entries:
        own, cell = messages_for(ctx.q, entry.question, problems.get(entry.question.id, ()))
        messages[entry.question.id] = own
        cells[entry.question.id] = cell
    client = _client_data(ctx, current)
    provision = current.group.provisions[0] if len(current.group.provisions) == 1 else None
    nav = navigation.build(ctx.q, ctx.tracker, ctx.response, current,
                           navigation.Filters.read(request.args, ctx.q), ctx.scoped)
    comments = _open_comments(ctx, current)
    saved_with_problems = session.pop("fill_saved", None) == current.id
    return render_template(
        "fill/page.html", ctx=ctx, page=current, form=form, entries=entries, messages=messages, cells=cells,
        before=before, after=after, title=group_title(ctx.q, current.group), summary=summary(ctx.q, current.group),
        level=level_label(ctx.q, provision) if provision else None, provision=provision,
        section_title=text(ctx.q, current.section.title), page_key=forms.page_key(),
        client_json=json.dumps(client, ensure_ascii=False, default=str),
        article=_article_of(ctx, current), comments=comments, nav=nav, saved_with_problems=saved_with_problems,
        may_comment=access.can_comment(current_user, ctx.response), filter_labels=navigation.FILTERS)


#: Built once (every page runs it): SQLAlchemy then keeps its cache key with it.
_PAGE_COMMENTS = select(Comment).where(
    Comment.response_id == bindparam("response_id"), Comment.status == "open", Comment.parent_id.is_(None),
    Comment.question_id.in_(bindparam("ids", expanding=True))).order_by(Comment.created_at, Comment.id)


def _open_comments(ctx: Context, page: Page) -> dict[str, list[Any]]:
    """The open review comments on the page's questions (oldest first), shown beside their answers."""
    found = db.session.scalars(_PAGE_COMMENTS, {"response_id": ctx.response.id, "ids": list(page.question_ids)}).all()
    out: dict[str, list[Any]] = {}
    for comment in found:
        out.setdefault(comment.question_id or "", []).append(comment)
    return out


def _article_of(ctx: Context, page: Page) -> Any:
    return group_title(ctx.q, page.article) if page.article is not None else None


def _client_data(ctx: Context, page: Page) -> dict[str, Any]:
    """What the browser needs for instant branching: condition trees and answers read from elsewhere."""
    conditions = {}
    outside: dict[str, Any] = {}
    # answers shown as text (not the user's to change) cannot change here: read like those of other pages
    on_page = {qid for qid in page.question_ids if ctx.editable(qid)}
    for question in (q for q in page.questions if q.id in on_page):
        items: tuple[Item, ...] = (*ctx.q.ancestors(question.id), question)
        for item in items:
            condition = item.show_if
            if condition is None or item.id in conditions:
                continue
            conditions[item.id] = condition.as_json()
            for ref in condition.refs:
                if ref not in on_page and ref in ctx.evaluation.values:
                    outside[ref] = client_value(ctx.q.question(ref), ctx.evaluation.values[ref])
    chains = {qid: [g.id for g in ctx.q.ancestors(qid) if g.show_if is not None]  # in the page's order
              for qid in page.question_ids if qid in on_page}
    required: dict[str, Any] = {}
    # required as the engine decides: always, never, or when a condition holds
    for question in (q for q in page.questions if q.id in on_page):
        rule = question.required
        required[question.id] = rule if isinstance(rule, bool) else rule.as_json()
        if not isinstance(rule, bool):
            for ref in rule.refs:
                if ref not in on_page and ref in ctx.evaluation.values:
                    outside[ref] = client_value(ctx.q.question(ref), ctx.evaluation.values[ref])
    return {"response": ctx.response.id, "page": page.id, "conditions": conditions, "outside": outside,
            "chains": chains, "types": {q.id: q.type for q in page.questions if q.id in on_page}, "required": required,
            "received": session.pop("fill_received", None),
            "autosave": url_for("fill.autosave", response_id=ctx.response.id), "user": current_user.id}


def client_value(question: engine.Question, value: Any) -> Any:
    """An engine value as ``static/conditions.js`` reads it (numbers as exact decimal text)."""
    if value is None:
        return None
    if question.type == "number":
        return value if isinstance(value, int) and abs(value) < 2 ** 53 else {"dec": str(value)}
    if question.type == "date":
        return value.isoformat()
    if question.type in ("multiple_choice", "table"):
        return engine.TYPES[question.type].to_json(question, value)
    return value


@bp.get("/responses/<int:response_id>/print")
@login_required
def print_response(response_id: int) -> str:
    ctx = Context(response_id, whole=True)
    return render_template("fill/print.html", ctx=ctx, q=ctx.q, version=ctx.response.version, blank=False,
                           pages=ctx.pages.list, state=ctx.response.state)


@bp.get("/questionnaires/<int:version_id>/print")
@login_required
def print_blank(version_id: int) -> str:
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None or version.status != "published":
        abort(404)
    q = catalog.questionnaire(version)
    return render_template("fill/print.html", ctx=None, q=q, version=version, blank=True, pages=pages(q).list,
                           state=None)
