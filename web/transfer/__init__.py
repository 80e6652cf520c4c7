"""Word, Excel and JSON copies of a self-assessment, sent to ministries and brought back.

A State's users export the questions of a chapter, an article, a contributor's assignment or the
whole questionnaire, in any of the six languages (``copies``); whoever may change the answers
uploads the returned file and sees, per question, the stored value beside the file's (``review``);
only what they accept is saved, through ``web.answers.save`` (source ``import``), with the version
each answer had when the file was made: a colleague's change since then is a conflict, shown with
both values, and taken only if ticked. Every export, upload and import is in the activity log.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import access, catalog
from ..access import login_required
from ..answers import Change, ResponseClosed, save, stored
from ..db import db
from ..evidence import checks, file_store, human_size, refusal
from ..evidence.store import Empty, TooLarge, receive
from ..i18n import current_language
from ..models import Activity, Response, User
from ..workflow import log
from . import copies, review

bp = Blueprint("transfer", __name__)


def _contributors(response: Response) -> list[User]:
    return list(db.session.scalars(select(User).where(User.state_id == response.state_id,
                                                     User.role == "contributor").order_by(User.email)))


def may_import(response: Response) -> bool:
    return access.can_edit(current_user, response)


@bp.get("/responses/<int:response_id>/transfer")
@login_required
def index(response_id: int) -> str:
    response = access.response(current_user, response_id)
    q = catalog.questionnaire(response.version)
    framework = q.framework
    return render_template("transfer/index.html", response=response, q=q, framework=framework,
                           contributors=_contributors(response), can_import=may_import(response),
                           languages=q.languages)


def _scope(response: Response, q: Any) -> tuple[Any, str]:
    chapter = request.args.get("chapter") or None
    article = request.args.get("article") or None
    assignee = None
    if request.args.get("assignee"):
        assignee = next((u for u in _contributors(response) if str(u.id) == request.args["assignee"]), None)
        if assignee is None:
            abort(404)
    elif current_user.role == "contributor":
        assignee = current_user
    try:
        check = copies.in_scope(q, chapter, article, assignee)
    except copies.ScopeError:
        abort(404)
    name = (f"chapter {chapter}" if chapter else f"article {article}" if article else
            f"assignment {assignee.email}" if assignee is not None and assignee.assignments else "all")
    return check, name


@bp.get("/responses/<int:response_id>/transfer/export")
@login_required
def export(response_id: int) -> WerkzeugResponse:
    response = access.response(current_user, response_id)
    q = catalog.questionnaire(response.version)
    fmt = request.args.get("format", "docx")
    lang = request.args.get("lang") or current_language()
    if fmt not in copies.FORMATS or lang not in q.languages:
        abort(400)
    scope, name = _scope(response, q)
    copy = copies.build(response, lang, scope, name)
    data = copies.write(copy, fmt)
    log(response, current_user, "exported", format=fmt, scope=name, lang=lang,
        questions=len(copies.questions_of(copy)))
    db.session.commit()
    import io

    filename = f"{response.owner_code}-{q.id}-{q.version}-{name.replace(' ', '-')}-{lang}.{fmt}"
    reply = send_file(io.BytesIO(data), mimetype=copies.MEDIA[fmt], as_attachment=True,
                      download_name=checks.safe_name(filename))
    reply.headers["Cache-Control"] = "private, no-store"
    return reply


def _require_import(response: Response) -> None:
    if not may_import(response):
        if access.answers_for(current_user, response):
            raise ResponseClosed(response.status)
        abort(403)


def _may_answer(q: Any) -> Any:
    return lambda qid: access.can_answer_question(current_user, q, qid)


@bp.post("/responses/<int:response_id>/transfer/import")
@login_required
def upload(response_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    response = access.response(current_user, response_id)
    _require_import(response)
    posted = request.files.get("file")
    if posted is None or not posted.filename:
        flash(refusal("no_file"), "error")
        return redirect(url_for(".index", response_id=response.id))
    store = file_store()
    try:
        name = checks.check_name(posted.filename)
        incoming = receive(posted.stream, review.MAX_IMPORT, store.temp_folder())
    except checks.Refused as refused:
        flash(refusal(refused.code, **refused.params), "error")
        return redirect(url_for(".index", response_id=response.id))
    except (TooLarge, Empty) as exc:
        code = "too_large" if isinstance(exc, TooLarge) else "empty"
        flash(refusal(code, name=checks.safe_name(posted.filename), limit=human_size(review.MAX_IMPORT)), "error")
        return redirect(url_for(".index", response_id=response.id))
    try:
        fmt = review.kind_of(incoming.path)
    except checks.Refused as refused:
        incoming.discard()
        flash(refusal(refused.code, **{**refused.params, "name": name}), "error")
        return redirect(url_for(".index", response_id=response.id))
    sha = incoming.sha256
    store.keep(incoming)  # the returned file is kept (by its hash) until the review is accepted
    log(response, current_user, "import_uploaded", name=name, format=fmt, sha256=sha)
    db.session.commit()
    return _show(response, sha, fmt, name)


@contextmanager
def _local(sha: str) -> Iterator[Path]:
    """The stored returned file as a path: the store's own file, or a temporary copy (removed
    afterwards) when the store is not a local folder."""
    store = file_store()
    path = getattr(store, "path", None)
    if path is not None:
        yield path(sha)
        return
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        copy = Path(folder) / "copy"
        with store.open(sha) as source, copy.open("wb") as handle:
            shutil.copyfileobj(source, handle, 64 * 1024)
        yield copy


def _review(response: Response, sha: str, fmt: str) -> review.Review:
    q = catalog.questionnaire(response.version)
    try:
        with _local(sha) as path:
            return review.review(response, path, fmt, _may_answer(q), stored(response))
    except FileNotFoundError:
        abort(404)


def _show(response: Response, sha: str, fmt: str, name: str) -> str | tuple[str, int]:
    try:
        result = _review(response, sha, fmt)
    except review.Unreadable as exc:
        return render_template("transfer/review.html", response=response, result=None, error=str(exc),
                               name=name), 422
    return render_template("transfer/review.html", response=response, result=result, sha=sha, fmt=fmt, name=name,
                           error=None)


def _uploaded(response: Response, sha: str) -> tuple[str, str] | None:
    """(format, name) of the file with hash ``sha`` that was returned for ``response`` (the activity
    log records every upload), or None if none was."""
    if len(sha) != 64:
        return None
    entries = db.session.scalars(select(Activity.details).where(
        Activity.response_id == response.id, Activity.action == "import_uploaded").order_by(Activity.id.desc()))
    for details in entries:
        if details.get("sha256") == sha and details.get("format") in copies.FORMATS:
            return str(details["format"]), str(details.get("name") or "")
    return None


@bp.post("/responses/<int:response_id>/transfer/accept")
@login_required
def accept(response_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    response = access.response(current_user, response_id)
    _require_import(response)
    sha = request.form.get("sha256", "")
    uploaded = _uploaded(response, sha)
    if uploaded is None:  # a file returned for this response, never any stored file whose hash is known
        abort(400)
    fmt, name = uploaded
    try:
        result = _review(response, sha, fmt)
    except review.Unreadable:
        abort(400)
    taken = set(request.form.getlist("take"))
    changes = [Change(line.question.id, line.incoming,
                      line.current_version if line.status == "conflict" else line.base_version)
               for line in result.changes if line.question.id in taken]
    if not changes:
        flash(_("Nothing was imported: no change was ticked."), "info")
        return redirect(url_for("fill.overview", response_id=response.id))
    q = catalog.questionnaire(response.version)
    outcome = save(response, q, changes, current_user, source="import", language=None, may_answer=_may_answer(q))
    if outcome.conflicts or outcome.refused:
        db.session.rollback()
        flash(_("Nothing was imported: answers changed while you were reviewing. Here is the review again."),
              "error")
        return _show(response, sha, fmt, name)
    log(response, current_user, "imported", format=fmt, name=name, saved=len(outcome.saved),
        ignored=len(outcome.ignored))
    db.session.commit()
    flash(_("%(n)d answers imported.", n=len(outcome.saved)), "success")
    return redirect(url_for("fill.overview", response_id=response.id))
