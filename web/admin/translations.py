"""Translating a questionnaire's content: PO files out to translators, and back in with checks.

A PO file carries, for one language, every text of a version: the key of the text (its place in
the definition) as context, the default-language text as the source, the current translation if
any. Importing it back writes the translations into a new draft, never into a published version;
texts whose source changed since the export, unknown keys, empty and fuzzy entries are reported and
not applied.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from engine.stats import compute
from engine.translate import apply, texts

from .. import catalog, i18n
from ..access import require_roles
from ..db import db
from ..models import QuestionnaireVersion
from . import bp

MAX_PO = 8 * 1024 * 1024


def _version(version_id: int) -> QuestionnaireVersion:
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None or version.status == "draft":
        abort(404)
    return version


@bp.get("/questionnaires/<int:version_id>/translations")
@require_roles("secretariat_admin")
def translations(version_id: int) -> str:
    version = _version(version_id)
    q = catalog.questionnaire(version)
    stats = compute(q)
    coverage = [(lang, stats.translated.get(lang, 0), stats.texts, stats.coverage(lang)) for lang in q.languages]
    return render_template("admin/translations.html", version=version, q=q, coverage=coverage, report=None)


@bp.get("/questionnaires/<int:version_id>/translations/<lang>.po")
@require_roles("secretariat_admin")
def export_po(version_id: int, lang: str) -> WerkzeugResponse:
    version = _version(version_id)
    q = catalog.questionnaire(version)
    if lang not in q.languages or lang == q.default_language:
        abort(404)
    po = Catalog(locale=lang, project=f"{q.id} {q.version}", version=q.version, fuzzy=False)
    for entry in texts(version.source, q.default_language):
        source = entry.values.get(q.default_language)
        if not source:
            continue
        po.add(source, entry.values.get(lang, ""), context=entry.key,
               auto_comments=[f"{q.id} {q.version}, line {entry.line}"])
    buffer = io.BytesIO()
    write_po(buffer, po, width=0, include_previous=False)
    buffer.seek(0)
    return send_file(buffer, mimetype="text/x-gettext-translation", as_attachment=True,
                     download_name=f"{q.id}-{q.version}-{lang}.po")


@dataclass
class Report:
    lang: str
    applied: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # the source text changed since the export
    unknown: list[str] = field(default_factory=list)
    draft: QuestionnaireVersion | None = None
    errors: list[engine.Diagnostic] = field(default_factory=list)


@bp.post("/questionnaires/<int:version_id>/translations/import")
@require_roles("secretariat_admin")
def import_po(version_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    version = _version(version_id)
    q = catalog.questionnaire(version)
    lang = i18n.valid(request.form.get("lang")) or ""
    upload = request.files.get("file")
    if lang not in q.languages or lang == q.default_language or upload is None:
        flash(_("Choose a language and a PO file."), "error")
        return redirect(url_for("admin.translations", version_id=version.id))
    data = upload.read(MAX_PO + 1)
    if len(data) > MAX_PO:
        abort(413)
    try:
        po = read_po(io.BytesIO(data), locale=lang)
    except Exception:  # noqa: BLE001 - any unreadable file is the user's to fix, not a crash
        flash(_("This file is not a PO file that can be read."), "error")
        return redirect(url_for("admin.translations", version_id=version.id))
    report, updates = _compare(version, q, lang, po)
    if updates:
        source = apply(version.source, q.default_language, updates)
        try:
            engine.load(source, source="translated.yaml")
        except engine.QuestionnaireError as exc:
            report.errors = list(exc.errors)
        else:
            draft = QuestionnaireVersion(
                questionnaire_id=version.questionnaire_id, version=f"draft-{secrets.token_hex(4)}", content_hash="",
                source=source, title=version.title, status="draft", created_by_id=current_user.id,
                notes={"based_on": version.id, "translations": lang})
            db.session.add(draft)
            db.session.commit()
            report.draft = draft
    stats = compute(q)
    coverage = [(code, stats.translated.get(code, 0), stats.texts, stats.coverage(code)) for code in q.languages]
    return render_template("admin/translations.html", version=version, q=q, coverage=coverage, report=report)


def _compare(version: QuestionnaireVersion, q: engine.Questionnaire, lang: str,
             po: Catalog) -> tuple[Report, dict[str, dict[str, str]]]:
    report = Report(lang)
    current = {entry.key: entry for entry in texts(version.source, q.default_language)}
    updates: dict[str, dict[str, str]] = {}
    for message in po:
        if not message.id or not message.context:
            continue
        key = message.context
        entry = current.get(key)
        if entry is None:
            report.unknown.append(key)
        elif entry.values.get(q.default_language) != message.id:
            report.stale.append(key)
        elif message.fuzzy:
            report.fuzzy.append(key)
        elif not (message.string or "").strip():
            report.missing.append(key)
        elif entry.values.get(lang) == message.string:
            report.unchanged += 1
        else:
            updates[key] = {lang: str(message.string)}
            report.applied += 1
    return report, updates
