"""Evidence files attached to answers: upload (a plain form post), download, removal.

A file question's answer (or a table cell of a file column) is a list of references
``{"sha256", "name", "size", "type"}``; the content is in the file store (:mod:`.store`), checked by
:mod:`.checks` before it is kept. Uploading or removing a file is a change of the answer like any
other (``web.answers.save``, with the version the page showed: a colleague's newer answer is never
overwritten). Downloads follow the answer's access rules (``web.access``): a State's users and the
secretariat read their scope, readers only files of published responses; anything else is 404. Every
upload and download is written to the response's activity log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from engine.model import Question
from engine.types import file_size_limit

from .. import access, bounds, catalog
from ..access import login_required
from ..answers import Change, ResponseClosed, save, stored
from ..db import db
from ..i18n import current_language
from ..models import AnswerRevision, Response, Snapshot, StoredFile, User
from ..workflow import latest_snapshot, log
from . import checks
from .store import Empty, FileStore, TooLarge, from_config, receive

bp = Blueprint("evidence", __name__)
#: Routes that take files larger than the app's ``MAX_CONTENT_LENGTH`` (each still bounded).
UPLOAD_ENDPOINTS = frozenset({"evidence.upload", "transfer.upload"})

REFUSALS = {
    "file_name": _l("The file name %(name)s cannot be used: give a name without folders."),
    "file_content": _l("%(name)s is not a file of a kind accepted here (%(allowed)s), whatever its name says."),
    "file_type": _l("%(name)s is not of a kind this question accepts (%(allowed)s)."),
    "file_mismatch": _l("%(name)s is in fact a %(kind)s file: rename it with the right extension."),
    "macros": _l("%(name)s may contain macros: save it as .docx, .xlsx or PDF, without macros, and try again."),
    "zip_bomb": _l("%(name)s expands to far more than an office file should: it was refused."),
    "xml_entities": _l("%(name)s contains XML entity declarations, which are not allowed: it was refused."),
    "damaged": _l("%(name)s is damaged and cannot be read."),
    "empty": _l("%(name)s is empty (0 bytes)."),
    "too_large": _l("%(name)s is larger than %(limit)s."),
    "no_file": _l("Choose a file to upload."),
}


def refusal(code: str, **params: Any) -> str:
    return str(REFUSALS[code]) % params


def file_store() -> FileStore:
    found = current_app.extensions.get("evidence_store")
    if found is None:
        found = current_app.extensions["evidence_store"] = from_config(current_app.config, current_app.instance_path)
    return found  # type: ignore[no-any-return]


def human_size(size: int) -> str:
    from babel.numbers import format_decimal

    if size >= 1024 * 1024:
        return _("%(n)s MB", n=format_decimal(round(size / 1024 / 1024, 1), locale=current_language()))
    return _("%(n)s KB", n=format_decimal(max(1, round(size / 1024)), locale=current_language()))


# -- where a file goes ------------------------------------------------------------------------------------
def target(q: engine.Questionnaire, question_id: str, column_id: str | None) -> tuple[Question, Question]:
    """The question and the file question or column a posted target names (404 otherwise)."""
    item = q.index.items.get(question_id)
    if not isinstance(item, Question):
        abort(404)
    if item.type == "file" and not column_id:
        return item, item
    column = item.column(column_id) if item.type == "table" and column_id else None
    if column is None or column.type != "file":
        abort(404)
    return item, column


def with_file(question: Question, current: Any, row: int | None, column: str | None, ref: dict[str, Any]) -> Any:
    """The answer's JSON with ``ref`` added (to row ``row`` of a table: one past the last adds a row); the
    same content already attached is not attached twice."""
    if question.type == "file":
        files = list(current or [])
        return files if any(f.get("sha256") == ref["sha256"] for f in files) else files + [ref]
    rows = [dict(r) for r in (current or [])]
    if row is None or row > len(rows):
        abort(400)
    if row == len(rows):
        rows.append({})
    files = list(rows[row].get(column, []))  # type: ignore[call-overload]
    rows[row][column] = files if any(f.get("sha256") == ref["sha256"] for f in files) else files + [ref]  # type: ignore[index]
    return rows


def without_file(question: Question, current: Any, row: int | None, column: str | None, sha: str) -> Any:
    if question.type == "file":
        return [f for f in (current or []) if f.get("sha256") != sha] or None
    rows = [dict(r) for r in (current or [])]
    if row is None or row >= len(rows):
        abort(400)
    rows[row][column] = [f for f in rows[row].get(column, []) if f.get("sha256") != sha]  # type: ignore[index]
    if not rows[row][column]:  # type: ignore[index]
        del rows[row][column]  # type: ignore[arg-type]
    return rows


# -- upload and removal --------------------------------------------------------------------------------
def _posted_target(response: Response) -> tuple[engine.Questionnaire, Question, Question, int | None, str | None]:
    q = catalog.questionnaire(response.version)
    qid = request.form.get("question", "")
    column_id = request.form.get("column") or None
    question, spot = target(q, qid, column_id)
    row = bounds.row_index(request.form["row"]) if request.form.get("row") else None
    if column_id and row is None:
        abort(400)
    if not access.can_edit(current_user, response):
        if access.answers_for(current_user, response):
            raise ResponseClosed(response.status)
        abort(403)
    if not access.can_answer_question(current_user, q, question.id):
        abort(403)
    return q, question, spot, row, column_id


def _back(response: Response, q: engine.Questionnaire, question_id: str) -> WerkzeugResponse:
    from ..fill.pages import pages

    page = pages(q).of_question.get(question_id)
    if page is None:
        return redirect(url_for("fill.overview", response_id=response.id))
    return redirect(url_for("fill.page", response_id=response.id, page_id=page.id, _anchor=f"q-{question_id}"))


def hold(sha256: str) -> bool:
    """Hold the row of ``sha256`` in ``stored_files`` until the transaction ends (PostgreSQL locks the
    row, SQLite the database), so that keeping the file's content and removing it
    (:mod:`.cleanup`) never interleave. False when there is no such row."""
    touched = db.session.execute(update(StoredFile).where(StoredFile.sha256 == sha256)
                                 .values(size=StoredFile.size).execution_options(synchronize_session=False))
    return bool(getattr(touched, "rowcount", 0))


def receive_upload(upload: Any, spot: Question, user: User) -> dict[str, Any]:
    """Check and keep one posted file; its reference for the answer. Raises :class:`checks.Refused`."""
    name = checks.check_name(upload.filename or "")
    limit = file_size_limit(spot)
    store = file_store()
    try:
        incoming = receive(upload.stream, limit, store.temp_folder())
    except TooLarge:
        raise checks.Refused("too_large", name=name, limit=human_size(limit)) from None
    except Empty:
        raise checks.Refused("empty", name=name) from None
    try:
        kind, media = checks.kind_of(incoming.path, name, spot.accept)
    except checks.Refused:
        incoming.discard()
        raise
    if not hold(incoming.sha256):
        try:
            with db.session.begin_nested():
                db.session.add(StoredFile(sha256=incoming.sha256, size=incoming.size, kind=kind, media_type=media,
                                          created_by_id=user.id))
        except IntegrityError:  # the same content arrived in another request at the same moment
            hold(incoming.sha256)
    store.keep(incoming)  # while this request holds the file's row: the clean-up cannot remove it meanwhile
    return {"sha256": incoming.sha256, "name": name, "size": incoming.size, "type": media}


@bp.post("/responses/<int:response_id>/files")
@login_required
def upload(response_id: int) -> WerkzeugResponse:
    response = access.response(current_user, response_id)
    q, question, spot, row, column = _posted_target(response)
    files = [f for f in request.files.getlist("file") if f and f.filename][:engine.types.MAX_FILES]
    if not files:
        flash(refusal("no_file"), "error")
        return _back(response, q, question.id)
    rows = stored(response)
    current = rows[question.id].value if question.id in rows else None
    base = bounds.version(request.form.get("_v"))
    value = current
    added = []
    for upload_ in files:
        try:
            ref = receive_upload(upload_, spot, current_user)
        except checks.Refused as refused:
            db.session.rollback()
            flash(refusal(refused.code, **refused.params), "error")
            return _back(response, q, question.id)
        value = with_file(question, value, row, column, ref)
        added.append(ref)
    result = save(response, q, [Change(question.id, value, base)], current_user, source="upload",
                  may_answer=lambda qid: access.can_answer_question(current_user, q, qid))
    if result.conflicts or result.refused:
        db.session.rollback()
        flash(_("The file was not attached: a colleague changed this answer meanwhile. Check it and upload again.")
              if result.conflicts else _("The file was not attached: the answer would not be valid."), "error")
        return _back(response, q, question.id)
    for ref in added:
        log(response, current_user, "file_uploaded", question=question.id, name=ref["name"], sha256=ref["sha256"],
            size=ref["size"])
    db.session.commit()
    flash(_("File attached: %(names)s", names=", ".join(ref["name"] for ref in added)), "success")
    return _back(response, q, question.id)


@bp.post("/responses/<int:response_id>/files/remove")
@login_required
def remove(response_id: int) -> WerkzeugResponse:
    response = access.response(current_user, response_id)
    q, question, _spot, row, column = _posted_target(response)
    sha = request.form.get("sha256", "")
    rows = stored(response)
    current = rows[question.id].value if question.id in rows else None
    value = without_file(question, current, row, column, sha)
    result = save(response, q, [Change(question.id, value, bounds.version(request.form.get("_v")))], current_user,
                  source="upload")
    if result.conflicts:
        db.session.rollback()
        flash(_("The file was not removed: a colleague changed this answer meanwhile."), "error")
        return _back(response, q, question.id)
    log(response, current_user, "file_removed", question=question.id, sha256=sha)
    db.session.commit()
    flash(_("File removed."), "success")
    return _back(response, q, question.id)


# -- download ----------------------------------------------------------------------------------------------
def refs_in(value: Any) -> list[dict[str, Any]]:
    """Every file reference inside a JSON answer (a file answer, or a table's file cells)."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str) and "name" in value:
            return [value]
        for cell in value.values():
            found += refs_in(cell)
    elif isinstance(value, list):
        for item in value:
            found += refs_in(item)
    return found


def _find(values: Any, sha: str) -> dict[str, Any] | None:
    return next((ref for ref in refs_in(list(values)) if ref["sha256"] == sha), None)


def referenced(user: User, response: Response, sha: str) -> dict[str, Any] | None:
    """The reference to ``sha`` the user may read in ``response``: in the user's own scope (their State,
    or every State for the secretariat), in the live answers, a snapshot or the history; for anyone
    else, only in what is published (the latest snapshot of a published response)."""
    own = db.session.scalars(access.responses(user).where(Response.id == response.id)).first() is not None
    if not own:
        snapshot = latest_snapshot(response) if response.published and response.status == "accepted" else None
        return _find((a.get("value") for a in snapshot.answers.values()), sha) if snapshot else None
    found = _find((row.value for row in stored(response).values()), sha)
    if found is None:
        for answers in db.session.scalars(select(Snapshot.answers).where(Snapshot.response_id == response.id)):
            found = found or _find((a.get("value") for a in answers.values()), sha)
    if found is None:
        for old, new in db.session.execute(select(AnswerRevision.old_value, AnswerRevision.new_value).where(
                AnswerRevision.response_id == response.id, AnswerRevision.source != "conflict")):
            found = found or _find([old, new], sha)
    return found


@bp.get("/responses/<int:response_id>/files/<sha256>")
@login_required
def download(response_id: int, sha256: str) -> WerkzeugResponse:
    response = db.session.scalars(access.readable_responses(current_user).where(Response.id == response_id)).first()
    if response is None:
        abort(404)
    ref = referenced(current_user, response, sha256)
    if ref is None:
        abort(404)
    try:
        content = file_store().open(sha256)
    except FileNotFoundError:
        abort(404)
    log(response, current_user, "file_downloaded", name=ref["name"], sha256=sha256)
    db.session.commit()
    reply = send_file(content, mimetype="application/octet-stream", as_attachment=True,
                      download_name=checks.safe_name(ref["name"]) or "file", conditional=False, max_age=0)
    reply.headers["X-Content-Type-Options"] = "nosniff"
    reply.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    reply.headers["Cache-Control"] = "private, no-store"
    return reply


def accept_attr(kinds: tuple[str, ...]) -> str:
    """The ``accept`` attribute of a file input: extensions (the server checks the content anyway)."""
    extra = {"jpg": ".jpeg", "tif": ".tiff"}
    return ",".join("." + kind + ("," + extra[kind] if kind in extra else "") for kind in kinds)


def file_url(response_id: int, ref: dict[str, Any]) -> str:
    return url_for("evidence.download", response_id=response_id, sha256=ref["sha256"])


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor  # runs before every before_request (CSRF reads the form there)
    def larger_uploads(endpoint: str | None, values: Any) -> None:
        if endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = engine.types.MAX_FILE_SIZE + 1024 * 1024

    app.jinja_env.globals.update(file_url=file_url, human_size=human_size, refs_in=refs_in,
                                 file_kinds=engine.types.FILE_KINDS, file_size_limit=file_size_limit,
                                 accept_attr=accept_attr)
    app.register_blueprint(bp)
