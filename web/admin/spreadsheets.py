"""Questionnaire definitions as XLSForm spreadsheets in the browser: download any version, upload a
spreadsheet as a new draft (checked, every problem placed on its cell; nothing stored if it has
errors)."""

from __future__ import annotations

import io
import secrets

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from exports.xlsform import export_workbook, import_workbook

from ..access import require_roles
from ..db import db
from ..models import QuestionnaireVersion
from . import bp

MAX_XLSX = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/questionnaires/<int:version_id>/xlsform")
@require_roles("secretariat_admin")
def export_xlsform(version_id: int) -> WerkzeugResponse:
    version = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    try:
        data = export_workbook(version.source, f"{version.questionnaire_id}.yaml")
    except engine.QuestionnaireError:
        flash(_("The draft has errors: correct them before downloading it as XLSForm."), "error")
        return redirect(url_for("admin.edit_text", version_id=version.id))
    name = version.version if version.status != "draft" else "draft"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"{version.questionnaire_id}-{name}.xlsx")


@bp.post("/questionnaires/xlsform")
@require_roles("secretariat_admin")
def import_xlsform() -> str | WerkzeugResponse | tuple[str, int]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose an XLSForm file (.xlsx)."), "error")
        return redirect(url_for("admin.questionnaires"))
    data = upload.read(MAX_XLSX + 1)
    if len(data) > MAX_XLSX:
        abort(413)
    result = import_workbook(data, upload.filename)
    if result.text is None:
        rows = [(d.where(_), d.code, d.severity, d.body(_)) for d in result.diagnostics]
        return render_template("admin/xlsform_report.html", name=upload.filename, rows=rows), 400
    q = engine.load(result.text).questionnaire
    draft = QuestionnaireVersion(
        questionnaire_id=q.id, version=f"draft-{secrets.token_hex(4)}", content_hash="", source=result.text,
        title=dict(q.title), status="draft", created_by_id=current_user.id, notes={"imported_from": upload.filename})
    db.session.add(draft)
    db.session.commit()
    flash(_("The XLSForm %(name)s is now a draft: review it and publish it when ready.", name=upload.filename),
          "success")
    return redirect(url_for("admin.edit_draft", version_id=draft.id))
