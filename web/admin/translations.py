"""Translating a questionnaire's content: every text in six languages side by side, what is missing,
what changed in the source language since it was translated, reviews; PO and XLIFF 2.0 files out
to translators, and back in with checks.

A file carries, for one language, every text of a version: the key of the text (its place in the
definition), the default-language text as the source, the current translation if any. Importing it
back writes the translations into a new draft, never into a published version; texts whose source
changed since the export, unknown keys, empty and unfinished (fuzzy, XLIFF ``initial``) entries are
reported and not applied.

Reviews are stored per version and text (:class:`web.models.TranslationReview`) with the hashes of
the source text and of the translation looked at: a review holds in later versions while neither
changed; an imported translation remembers the source it was made from. A translation is "changed
in the source since translated" when the source differs from the one recorded with it, or, with no
record, from the previous published version's while the translation stayed the same.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405  (writing only; files are read with defusedxml)

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from engine.stats import compute
from engine.translate import TextEntry, apply, texts

from .. import catalog, i18n
from ..access import require_roles
from ..db import db
from ..models import QuestionnaireVersion, TranslationReview, User
from ..models.base import utcnow
from . import bp

MAX_FILE = 8 * 1024 * 1024
PER_PAGE = 40
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
FILTERS = ("all", "missing", "changed", "unreviewed")


def digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _version(version_id: int) -> QuestionnaireVersion:
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None or version.status == "draft":
        abort(404)
    return version


# -- the status of each translation -----------------------------------------------------------------
@dataclass
class Cell:
    text: str | None
    state: str  # source | missing | translated | reviewed | changed
    review: TranslationReview | None = None


@dataclass
class Row:
    key: str
    line: int
    cells: dict[str, Cell]


def _records(version: QuestionnaireVersion) -> dict[tuple[str, str], TranslationReview]:
    """The latest review or import record of each (key, language), in this version or an earlier one
    of the same questionnaire (a review carries over while nothing changed)."""
    rows = db.session.scalars(select(TranslationReview).join(
        QuestionnaireVersion, QuestionnaireVersion.id == TranslationReview.version_id).where(
        QuestionnaireVersion.questionnaire_id == version.questionnaire_id, TranslationReview.version_id <= version.id)
        .order_by(TranslationReview.version_id, TranslationReview.created_at, TranslationReview.id))
    return {(row.key, row.lang): row for row in rows}


def _previous(version: QuestionnaireVersion, default: str) -> dict[str, TextEntry]:
    earlier = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == version.questionnaire_id, QuestionnaireVersion.id < version.id,
        QuestionnaireVersion.status != "draft").order_by(QuestionnaireVersion.id.desc())).first()
    return {entry.key: entry for entry in texts(earlier.source, default)} if earlier else {}


def table(version: QuestionnaireVersion, q: engine.Questionnaire) -> list[Row]:
    """Every text with the state of each language."""
    default = q.default_language
    records = _records(version)
    previous = _previous(version, default)
    rows = []
    for entry in texts(version.source, default):
        source = entry.values.get(default)
        cells = {default: Cell(source, "source")}
        before = previous.get(entry.key)
        for lang in q.languages:
            if lang == default:
                continue
            value = entry.values.get(lang)
            record = records.get((entry.key, lang))
            if not value:
                cells[lang] = Cell(value, "missing")
            elif record is not None and record.text_hash == digest(value):
                if record.source_hash != digest(source):
                    cells[lang] = Cell(value, "changed", record)
                else:
                    cells[lang] = Cell(value, "reviewed" if record.kind == "reviewed" else "translated", record)
            elif (record is None and before is not None and before.values.get(default) != source
                  and before.values.get(lang) == value):
                cells[lang] = Cell(value, "changed")
            else:
                cells[lang] = Cell(value, "translated")
        rows.append(Row(entry.key, entry.line, cells))
    return rows


def _filtered(rows: list[Row], lang: str, show: str, words: str) -> list[Row]:
    wanted = words.casefold()
    out = []
    for row in rows:
        state = row.cells[lang].state if lang in row.cells else "source"
        if show == "missing" and state != "missing":
            continue
        if show == "changed" and state != "changed":
            continue
        if show == "unreviewed" and state in ("reviewed", "source"):
            continue
        if wanted and not (wanted in row.key.casefold()
                           or any(wanted in (cell.text or "").casefold() for cell in row.cells.values())):
            continue
        out.append(row)
    return out


@bp.get("/questionnaires/<int:version_id>/translations")
@require_roles("secretariat_admin")
def translations(version_id: int) -> str:
    version = _version(version_id)
    q = catalog.questionnaire(version)
    return _page(version, q, report=None)


def _page(version: QuestionnaireVersion, q: engine.Questionnaire, report: Report | None) -> str:
    stats = compute(q)
    coverage = [(lang, stats.translated.get(lang, 0), stats.texts, stats.coverage(lang)) for lang in q.languages]
    others = [lang for lang in q.languages if lang != q.default_language]
    lang = request.args.get("tlang")  # not "lang": that one chooses the interface language
    lang = lang if lang in others else (others[0] if others else q.default_language)
    show = request.args.get("show", "all")
    show = show if show in FILTERS else "all"
    words = request.args.get("search", "").strip()[:200]
    rows = table(version, q)
    counts = {state: sum(1 for row in rows if lang in row.cells and row.cells[lang].state == state)
              for state in ("missing", "changed", "reviewed")}
    found = _filtered(rows, lang, show, words)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(page, pages)
    names = _reviewers(row.cells[lang].review for row in found if lang in row.cells)
    order = [q.default_language, *others]
    return render_template("admin/translations.html", version=version, q=q, coverage=coverage, report=report,
                           rows=found[(page - 1) * PER_PAGE: page * PER_PAGE], total=len(found), page=page,
                           pages=pages, chosen=lang, show=show, words=words, counts=counts, order=order,
                           others=others, reviewers=names, filters=FILTERS, states=state_labels(),
                           filter_labels=filter_labels())


def _reviewers(records: Iterable[TranslationReview | None]) -> dict[int, str]:
    ids = {r.user_id for r in records if r is not None and r.user_id}
    if not ids:
        return {}
    return {user.id: user.name or user.email for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.post("/questionnaires/<int:version_id>/translations/review")
@require_roles("secretariat_admin")
def mark_reviewed(version_id: int) -> WerkzeugResponse:
    """Mark translations as reviewed (who and when are stored with the version and the texts)."""
    version = _version(version_id)
    q = catalog.questionnaire(version)
    lang = request.form.get("lang", "")
    if lang not in q.languages or lang == q.default_language:
        abort(400)
    current = {entry.key: entry for entry in texts(version.source, q.default_language)}
    marked = 0
    for key in request.form.getlist("key"):
        entry = current.get(key)
        if entry is None or not entry.values.get(lang):
            continue
        _record(version, key, lang, "reviewed", entry.values.get(q.default_language), entry.values[lang])
        marked += 1
    db.session.commit()
    flash(_("Translations marked as reviewed: %(n)d", n=marked), "success")
    return redirect(url_for("admin.translations", version_id=version.id, tlang=lang,
                            show=request.form.get("show", "all"), search=request.form.get("search", ""),
                            page=request.form.get("page", 1)))


def _record(version: QuestionnaireVersion, key: str, lang: str, kind: str, source: str | None, text: str) -> None:
    row = db.session.scalars(select(TranslationReview).where(
        TranslationReview.version_id == version.id, TranslationReview.key == key,
        TranslationReview.lang == lang)).first()
    if row is None:
        row = TranslationReview(version_id=version.id, key=key, lang=lang)
        db.session.add(row)
    row.kind, row.source_hash, row.text_hash = kind, digest(source), digest(text)
    row.user_id = current_user.id
    row.created_at = utcnow()


# -- files for translators ------------------------------------------------------------------------------
def _exported(version: QuestionnaireVersion, q: engine.Questionnaire, lang: str) -> list[tuple[TextEntry, str]]:
    if lang not in q.languages or lang == q.default_language:
        abort(404)
    return [(entry, entry.values[q.default_language]) for entry in texts(version.source, q.default_language)
            if entry.values.get(q.default_language)]


@bp.get("/questionnaires/<int:version_id>/translations/<lang>.po")
@require_roles("secretariat_admin")
def export_po(version_id: int, lang: str) -> WerkzeugResponse:
    version = _version(version_id)
    q = catalog.questionnaire(version)
    po = Catalog(locale=lang, project=f"{q.id} {q.version}", version=q.version, fuzzy=False)
    for entry, source in _exported(version, q, lang):
        po.add(source, entry.values.get(lang, ""), context=entry.key,
               auto_comments=[f"{q.id} {q.version}, line {entry.line}"])
    buffer = io.BytesIO()
    write_po(buffer, po, width=0, include_previous=False)
    buffer.seek(0)
    return send_file(buffer, mimetype="text/x-gettext-translation", as_attachment=True,
                     download_name=f"{q.id}-{q.version}-{lang}.po")


@bp.get("/questionnaires/<int:version_id>/translations/<lang>.xlf")
@require_roles("secretariat_admin")
def export_xliff(version_id: int, lang: str) -> WerkzeugResponse:
    """XLIFF 2.0: one unit per text (its key as the unit's name), the review state as the segment's."""
    version = _version(version_id)
    q = catalog.questionnaire(version)
    states = {row.key: row.cells[lang].state for row in table(version, q) if lang in row.cells}
    root = ET.Element("xliff", {"xmlns": XLIFF_NS, "version": "2.0", "srcLang": q.default_language,
                                "trgLang": lang})
    file = ET.SubElement(root, "file", {"id": "f1", "original": f"{q.id} {q.version}"})
    for index, (entry, source) in enumerate(_exported(version, q, lang), start=1):
        unit = ET.SubElement(file, "unit", {"id": f"u{index}", "name": entry.key})
        notes = ET.SubElement(unit, "notes")
        ET.SubElement(notes, "note", {"category": "location"}).text = f"{q.id} {q.version}, line {entry.line}"
        target = entry.values.get(lang)
        state = {"reviewed": "reviewed", "missing": "initial"}.get(states.get(entry.key, ""), "translated")
        segment = ET.SubElement(unit, "segment", {"state": state if target else "initial"})
        ET.SubElement(segment, "source").text = source
        if target:
            ET.SubElement(segment, "target").text = target
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/xliff+xml", as_attachment=True,
                     download_name=f"{q.id}-{q.version}-{lang}.xlf")


@dataclass
class Entry:
    """One translation read from a translator's file."""

    key: str
    source: str
    target: str
    unfinished: bool  # PO fuzzy, XLIFF state initial


def read_xliff(data: bytes, lang: str) -> list[Entry]:
    """The units of an XLIFF 2.0 file (read with defusedxml: no entities, no external references)."""
    root = SafeET.fromstring(data)
    if root.tag != f"{{{XLIFF_NS}}}xliff" or not str(root.get("version", "")).startswith("2."):
        raise ValueError("not XLIFF 2")
    if root.get("trgLang") and root.get("trgLang") != lang:
        raise ValueError(f"the file is for '{root.get('trgLang')}'")
    ns = {"x": XLIFF_NS}
    out = []
    for unit in root.iterfind(".//x:unit", ns):
        segments = unit.findall("x:segment", ns)
        sources = [s.find("x:source", ns) for s in segments]
        source = "".join("".join(found.itertext()) for found in sources if found is not None)
        targets = [s.find("x:target", ns) for s in segments]
        target = "".join("".join(t.itertext()) for t in targets if t is not None)
        unfinished = any(s.get("state", "initial") == "initial" for s in segments)
        out.append(Entry(unit.get("name") or "", source, target, unfinished))
    return out


def read_po_entries(data: bytes, lang: str) -> list[Entry]:
    po = read_po(io.BytesIO(data), locale=lang)
    return [Entry(str(m.context), str(m.id), str(m.string or ""), bool(m.fuzzy)) for m in po if m.id and m.context]


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
    """Import a PO or an XLIFF 2.0 file into a new draft."""
    version = _version(version_id)
    q = catalog.questionnaire(version)
    lang = i18n.valid(request.form.get("lang")) or ""
    upload = request.files.get("file")
    if lang not in q.languages or lang == q.default_language or upload is None:
        flash(_("Choose a language and a PO or XLIFF file."), "error")
        return redirect(url_for("admin.translations", version_id=version.id))
    data = upload.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        abort(413)
    xliff = (upload.filename or "").lower().endswith((".xlf", ".xliff")) or data.lstrip()[:5] == b"<?xml"
    try:
        entries = read_xliff(data, lang) if xliff else read_po_entries(data, lang)
    except (ValueError, SyntaxError, DefusedXmlException, ET.ParseError) as exc:
        flash(_("This file is not an XLIFF 2.0 file that can be read (%(why)s).", why=str(exc)[:200]) if xliff
              else _("This file is not a PO file that can be read."), "error")
        return redirect(url_for("admin.translations", version_id=version.id))
    except Exception:  # noqa: BLE001 - any unreadable file is the user's to fix, not a crash
        flash(_("This file is not a PO file that can be read."), "error")
        return redirect(url_for("admin.translations", version_id=version.id))
    report, updates = _compare(version, q, lang, entries)
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
            db.session.flush()
            current = {entry.key: entry for entry in texts(version.source, q.default_language)}
            for key, values in updates.items():  # remember which source each translation was made from
                _record(draft, key, lang, "imported", current[key].values.get(q.default_language), values[lang])
            db.session.commit()
            report.draft = draft
    return _page(version, q, report)


def _compare(version: QuestionnaireVersion, q: engine.Questionnaire, lang: str,
             entries: list[Entry]) -> tuple[Report, dict[str, dict[str, str]]]:
    report = Report(lang)
    current = {entry.key: entry for entry in texts(version.source, q.default_language)}
    updates: dict[str, dict[str, str]] = {}
    for message in entries:
        if not message.key:
            continue
        key = message.key
        entry = current.get(key)
        if entry is None:
            report.unknown.append(key)
        elif entry.values.get(q.default_language) != message.source:
            report.stale.append(key)
        elif message.unfinished and message.target.strip():
            report.fuzzy.append(key)
        elif not message.target.strip():
            report.missing.append(key)
        elif entry.values.get(lang) == message.target:
            report.unchanged += 1
        else:
            updates[key] = {lang: message.target}
            report.applied += 1
    return report, updates


def filter_labels() -> dict[str, str]:
    return {"all": _("all texts"), "missing": _("missing in this language"),
            "changed": _("changed in the source language since translated"), "unreviewed": _("not reviewed")}


def state_labels() -> dict[str, Any]:
    return {"missing": _("missing"), "changed": _("source changed since translated"), "reviewed": _("reviewed"),
            "translated": _("translated"), "source": _("source")}
