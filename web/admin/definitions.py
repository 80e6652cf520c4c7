"""Questionnaire definitions in the browser: drafts, the editor, checks, previews, safe publishing."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from engine.diff import Diff

from .. import catalog, versions
from ..access import require_roles
from ..db import db
from ..fill.forms import build
from ..fill.pages import pages
from ..i18n import current_language
from ..models import QuestionnaireVersion
from . import bp, outline

MAX_SOURCE = 5 * 1024 * 1024


def _draft(version_id: int) -> QuestionnaireVersion:
    draft = db.session.get(QuestionnaireVersion, version_id)
    if draft is None or draft.status != "draft":
        abort(404)
    return draft


def _diagnostics(source: str) -> tuple[engine.Loaded | None, list[engine.Diagnostic]]:
    return outline.checked(source)


@bp.post("/questionnaires/<int:version_id>/draft")
@require_roles("secretariat_admin")
def new_draft(version_id: int) -> WerkzeugResponse:
    """Start editing: a draft copy of a stored version."""
    base = db.session.get(QuestionnaireVersion, version_id)
    if base is None:
        abort(404)
    draft = QuestionnaireVersion(
        questionnaire_id=base.questionnaire_id, version=f"draft-{secrets.token_hex(4)}", content_hash="",
        source=base.source, title=base.title, status="draft", created_by_id=current_user.id,
        notes={"based_on": base.id})
    db.session.add(draft)
    db.session.commit()
    return redirect(url_for("admin.edit_draft", version_id=draft.id))


@bp.get("/questionnaires/drafts/<int:version_id>")
@require_roles("secretariat_admin")
def edit_draft(version_id: int) -> str:
    """The outline editor: the tree, a search, the form of one item (the YAML is not in the page)."""
    draft = _draft(version_id)
    q = outline.model(draft.source)
    lang = current_language()
    words = request.args.get("q", "").strip()
    nodes = (outline.search(q, words, lang) if words else outline.children(q, None, lang)) if q else []
    cached = outline.cached(draft.source) if not request.args.get("check") else outline.checked(draft.source)
    diagnostics = cached[1] if cached else None
    sections = [(s.id, s.title) for s in q.sections] if q else []
    return render_template("admin/editor.html", draft=draft, q=q, nodes=nodes, words=words, diagnostics=diagnostics,
                           sections=sections, base=outline.source_hash(draft.source))


@bp.route("/questionnaires/drafts/<int:version_id>/text", methods=["GET", "POST"])
@require_roles("secretariat_admin")
def edit_text(version_id: int) -> str | tuple[str, int]:
    """The YAML text of a draft (CodeMirror with the engine's diagnostics next to the lines)."""
    draft = _draft(version_id)
    status = 200
    if request.method == "POST":
        source = request.form.get("source", "")
        if len(source.encode("utf-8")) > MAX_SOURCE:
            abort(413)
        if request.form.get("base") not in (None, "", outline.source_hash(draft.source)):
            flash(_("The draft was changed since you opened it (in another window?). Your text was not saved: "
                    "copy your changes, reload the page and apply them again."), "error")
            return render_template("admin/text.html", draft=draft, diagnostics=[], source=source, plain=True,
                                   base=outline.source_hash(draft.source)), 409
        draft.source = source.replace("\r\n", "\n")
        db.session.commit()
        flash(_("The draft is saved."), "success")
    plain = request.method == "POST" or bool(request.args.get("plain"))
    _loaded, diagnostics = outline.checked(draft.source) if plain else (None, [])
    return render_template("admin/text.html", draft=draft, diagnostics=diagnostics, plain=plain,
                           source=draft.source if plain else "", base=outline.source_hash(draft.source)), status


@bp.post("/questionnaires/check")
@require_roles("secretariat_admin")
def check() -> WerkzeugResponse | tuple[WerkzeugResponse, int]:
    """Diagnostics for the editor while typing (JSON)."""
    payload = request.get_json(silent=True) or {}
    source = payload.get("source")
    if not isinstance(source, str) or len(source.encode("utf-8")) > MAX_SOURCE:
        return jsonify(error="bad request"), 400
    _loaded, diagnostics = _diagnostics(source)
    return jsonify(diagnostics=[{"line": d.line, "column": d.column, "code": d.code, "severity": d.severity,
                                 "message": d.text(_)} for d in diagnostics])


@bp.get("/questionnaires/drafts/<int:version_id>/preview")
@require_roles("secretariat_admin")
def preview(version_id: int) -> str:
    draft = _draft(version_id)
    loaded, diagnostics = _diagnostics(draft.source)
    if loaded is None:
        return render_template("admin/preview.html", draft=draft, errors=diagnostics, q=None, blocks=[],
                               section=None)
    q = loaded.questionnaire
    section_id = request.args.get("section") or q.sections[0].id
    section = next((s for s in q.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    ctx = _PreviewContext(q)
    blocks = []
    for page in pages(q).in_section(section)[:40]:
        form, entries = build(q, page, {}, {}, lambda qid: True)
        blocks.append((page, form, entries))
    return render_template("admin/preview.html", draft=draft, errors=[], q=q, section=section, blocks=blocks,
                           ctx=ctx)


class _PreviewContext:
    """Enough of a response context for the question templates, with no answers."""

    def __init__(self, q: engine.Questionnaire):
        self.q = q
        self.evaluation = engine.evaluate(q, {})
        self.rows: dict[str, Any] = {}
        self.answers: dict[str, Any] = {}
        self.can_edit = False
        self.response = None


@bp.route("/questionnaires/drafts/<int:version_id>/publish", methods=["GET", "POST"])
@require_roles("secretariat_admin")
def publish_draft(version_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    draft = _draft(version_id)
    loaded, diagnostics = _diagnostics(draft.source)
    if loaded is None:
        flash(_("The draft has errors: correct them before publishing."), "error")
        return redirect(url_for("admin.edit_draft", version_id=draft.id))
    mapping = _mapping_from_form()
    source = draft.source
    wanted = request.form.get("version", "").strip()[:64]
    if request.method == "POST" and wanted and wanted != loaded.questionnaire.version:
        source = versions.set_version(source, wanted)  # the version written on the publishing form
        loaded, diagnostics = _diagnostics(source)
        if loaded is None:
            flash(_("The draft has errors: correct them before publishing."), "error")
            return redirect(url_for("admin.edit_draft", version_id=draft.id))
    plan = versions.plan(loaded, mapping, source)
    notes = request.form.get("publication_notes", "").strip()
    notes_missing = request.method == "POST" and not notes
    if request.method == "POST" and request.form.get("confirm") == "1" and plan.can_publish and notes:
        try:
            version = versions.publish(plan, source, f"{loaded.questionnaire.id}.yaml", mapping,
                                       current_user, draft=draft, notes=notes)
        except catalog.PublishError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Version %(v)s is published. States move their answers to it when they choose.",
                    v=version.version), "success")
            return redirect(url_for("admin.questionnaires"))
    # every decision point, also those the posted choices settle: a refused post shows them again
    undecided = versions.plan(loaded, versions.Mapping(), source) if mapping.decides_anything else plan
    candidates = _candidates(undecided)
    suggested = loaded.questionnaire.version
    if plan.live and versions.version_key(suggested) <= versions.version_key(plan.live.version):
        suggested = versions.next_version(plan.live.version)
    return render_template("admin/publish.html", draft=draft, loaded=loaded, plan=plan, mapping=mapping,
                           summary=_summary(plan.diff), candidates=candidates, warnings=diagnostics,
                           decisions=undecided.blockers, open_ids={b.question_id for b in plan.blockers},
                           list_changes=_list_changes(plan),
                           notes=notes, notes_missing=notes_missing, suggested=suggested,
                           posted=request.method == "POST"), \
        (400 if request.method == "POST" else 200)


def _mapping_from_form() -> versions.Mapping:
    """The decisions posted with the publish page (as ``checklist questionnaires publish`` takes them):
    a removed question's new home, a removed code's new code (or several, for a multiple choice), or
    a confirmation that the answers stay behind."""
    mapping = versions.Mapping()
    for key, value in request.form.items():
        if key.startswith("map-") and value:
            mapping.questions[key[4:]] = value
        elif key.startswith("confirm-") and value == "1":
            mapping.confirmed.add(key[8:])
        elif key.startswith(("code-", "list-")):
            codes = [code for code in request.form.getlist(key) if code]
            if codes:
                name, _sep, code = key.partition("-")[2].partition("|")
                into = mapping.codes if key.startswith("code-") else mapping.lists
                into.setdefault(name, {})[code] = codes[0] if len(codes) == 1 else codes
    return mapping


def _list_changes(plan: versions.Plan) -> list[tuple[str, list[str], list[str]]]:
    """Choice lists kept in the new version with codes removed: ``(list, removed codes, new codes)``.
    A decision for a list's code holds for every question and table column that uses the list."""
    if plan.diff is None:
        return []
    old, new = plan.diff.old, plan.diff.new
    out = []
    for name, before in old.choice_lists.items():
        after = new.choice_lists.get(name)
        if after is None:
            continue
        kept = [c.code for c in after.choices]
        removed = [c.code for c in before.choices if c.code not in kept]
        if removed:
            out.append((name, removed, kept))
    return out


def _candidates(plan: versions.Plan) -> dict[str, list[str]]:
    """For each removed question: the added questions of the same type it could map to."""
    if plan.diff is None:
        return {}
    new = plan.diff.new
    added = [c.item for c in plan.diff.of_kind("added")]
    out: dict[str, list[str]] = {}
    for blocker in plan.blockers:
        if blocker.kind == "removed":
            old = plan.diff.old.question(blocker.question_id)
            out[blocker.question_id] = [qid for qid in added if new.question(qid).type == old.type]
    return out


def _summary(changes: Diff | None) -> list[tuple[str, str, int, bool]]:
    """(kind, item or template use, count, critical) with template instances folded."""
    if changes is None:
        return []
    return [(f.kind, f"{f.item or '-'} @ {f.template}" if f.template else f.item, f.count, f.critical)
            for f in changes.folded()]
