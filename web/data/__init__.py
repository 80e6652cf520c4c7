"""Data exports (CSV, XLSX, JSON; long and wide forms) and the JSON import, scoped by role.

What each role gets (``web.data.sources``): the secretariat every State; a State's users their own
State; readers the published responses only, and of those the answers about provisions (no
personal data of the officials who answered). A State outside the user's scope answers 404, so
that asking for another State reveals nothing. Importing is for the secretariat's administrators.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from exports import data as exports
from exports import schemas

from .. import catalog
from ..access import login_required, require_roles
from ..db import db
from ..i18n import current_language, valid
from ..models import Response as ResponseRow
from ..models import State
from . import importer, sources

bp = Blueprint("data", __name__, url_prefix="/data")

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

#: Import problems, by code (``exports.schemas``, ``web.data.importer``).
IMPORT_MESSAGES = {
    "invalid_json": _l("The file is not valid JSON."),
    "required": _l("This value is missing."),
    "null": _l("This value may not be empty."),
    "wrong_type": _l("This value has the wrong type."),
    "too_large": _l("This number is too large."),
    "invalid": _l("This value is not allowed."),
    "unknown_field": _l("This key is not part of the format."),
    "duplicate_response": _l("This State's answers to this questionnaire appear twice in the file."),
    "unknown_questionnaire": _l("There is no such questionnaire version."),
    "unknown_state": _l("There is no State with this code."),
    "not_writable": _l("You may not write answers for this State and questionnaire."),
    "under_review": _l("This response is submitted or accepted: it cannot take answers now."),
    "unknown_question": _l("This questionnaire version has no question %(question)s."),
    "duplicate_question": _l("The question %(question)s is answered twice."),
    "wrong_value": _l("This value does not fit the question %(question)s (type %(type)s)."),
}


def words() -> exports.Words:
    return exports.Words(yes=_("Yes"), no=_("No"), truncated=_("[truncated: the full text is in the JSON export]"))


def export_language() -> str:
    return valid(request.args.get("export_lang")) or current_language()


@bp.get("/")
@login_required
def index() -> str:
    scoped = sources.responses(current_user)
    states = db.session.scalars(select(State).where(State.id.in_(scoped.with_only_columns(ResponseRow.state_id))))
    lang = current_language()
    return render_template("data/index.html", states=sorted(states, key=lambda s: s.name(lang).casefold()),
                           public=sources.public_view(current_user), questionnaires=catalog.current_versions(),
                           can_import=current_user.is_admin)


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str) -> WerkzeugResponse:
    if fmt not in FORMATS:
        abort(404)
    form = request.args.get("form", "long")
    if form not in exports.FORMS:
        abort(400)
    query = sources.responses(current_user)
    code = request.args.get("state", "").strip()
    scope = "all"
    if code:
        state = sources.state_in_scope(query, code)
        if state is None:
            abort(404)
        query = query.where(ResponseRow.state_id == state.id)
        scope = state.code
    questionnaire = request.args.get("q", "").strip()
    if questionnaire:
        query = sources.for_questionnaire(query, questionnaire)
    rows = db.session.scalars(query).all()
    lang = export_language()
    provisions_only = sources.public_view(current_user)
    loaded = (sources.load(row, lang, provisions_only) for row in sources.in_order(rows))
    name = f"uncac-{form}-{scope.lower()}-{dt.date.today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"}
    if fmt == "csv":
        chunks = exports.csv_chunks(exports.rows(loaded, form, lang, words()), exports.columns(form))
        return Response(stream_with_context(_encoded(chunks)), mimetype=FORMATS[fmt], headers=headers)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        title = {"long": "answers", "wide": "provisions"}[form]
        exports.write_xlsx([(title, exports.columns(form), exports.rows(loaded, form, lang, words()))], buffer,
                           words())
        return Response(buffer.getvalue(), mimetype=FORMATS[fmt], headers=headers)
    if form == "wide":
        text = schemas.dumps_wide(exports.rows(loaded, form, lang, words()))
    else:
        text = schemas.dumps(schemas.document(loaded, lang, words()))
    return Response(text, mimetype=FORMATS[fmt], headers=headers)


def _encoded(chunks: Iterator[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


@bp.post("/import")
@require_roles("secretariat_admin")
def import_answers() -> str | WerkzeugResponse | tuple[str, int]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a JSON file exported from this application."), "error")
        return redirect(url_for("data.index"))
    text = upload.read()
    try:
        outcome = importer.run(text, current_user)
    except schemas.ImportRefused as exc:
        db.session.rollback()
        issues = [(issue.path, IMPORT_MESSAGES.get(issue.code, IMPORT_MESSAGES["invalid"]) % issue.params)
                  for issue in exc.issues[:200]]
        return render_template("data/import.html", issues=issues, total=len(exc.issues), conflicts=[],
                               refused=[]), 400
    except importer.ImportConflict as exc:
        return render_template("data/import.html", issues=[], total=0, conflicts=exc.conflicts,
                               refused=exc.refused), 409
    db.session.commit()
    flash(_("Answers imported: %(saved)d stored, %(unchanged)d unchanged, for %(responses)s.",
            saved=outcome.saved, unchanged=outcome.unchanged, responses=", ".join(outcome.responses)), "success")
    if outcome.ignored:
        flash(_("%(count)d answers were not stored because other answers in the file make their questions "
                "not applicable.", count=len(outcome.ignored)), "warning")
    return redirect(url_for("data.index"))
