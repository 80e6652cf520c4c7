"""The outline editor: a draft as a tree of sections, groups and questions, searchable in every
language, and a form per item that writes back into the YAML (``yamledit``) keeping the rest as
written.

The editor page carries no YAML: the tree comes as JSON, a level at a time, and the text only when
the author opens the text editor. Every edit is checked by the engine (the same that publishes);
an edit made on a version of the draft that has changed since is refused, never merged blindly.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from engine.model import Item
from engine.roles import ROLES

from .. import catalog
from ..access import require_roles
from ..db import db
from ..i18n import current_language
from ..models import QuestionnaireVersion
from . import bp
from .yamledit import TEXT_KEYS, EditError, Place, edit, find, place_of

_LOCK = threading.Lock()
_MODELS: OrderedDict[str, tuple[engine.Loaded | None, list[engine.Diagnostic]]] = OrderedDict()
_LOADING: dict[str, threading.Event] = {}
_KEEP = 6  # drafts kept loaded (the checklist is some tens of MB in memory)
SEARCH_LIMIT = 60
QUESTION_TEXTS = ("label", "hint", "guidance", "required_message", "other_label", "placeholder")
GROUP_TEXTS = ("title", "description")


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def checked(source: str) -> tuple[engine.Loaded | None, list[engine.Diagnostic]]:
    """The draft loaded by the engine, with its diagnostics (kept for the last few drafts)."""
    key = source_hash(source)
    with _LOCK:
        found = _MODELS.get(key)
        if found is not None:
            _MODELS.move_to_end(key)
            return found
        loading = _LOADING.get(key)
        if loading is None:
            _LOADING[key] = threading.Event()
    if loading is not None:  # another request is loading this text: wait for it rather than load it twice
        loading.wait(timeout=60)
        with _LOCK:
            found = _MODELS.get(key)
        if found is not None:
            return found
    try:
        loaded: engine.Loaded | None = engine.load(source, source="draft.yaml")
        result = (loaded, list(loaded.warnings))  # type: ignore[union-attr]
    except engine.QuestionnaireError as exc:
        result = (None, list(exc.diagnostics))
    with _LOCK:
        _MODELS[key] = result
        while len(_MODELS) > _KEEP:
            _MODELS.popitem(last=False)
        done = _LOADING.pop(key, None)
    if done is not None:
        done.set()
    return result


def cached(source: str) -> tuple[engine.Loaded | None, list[engine.Diagnostic]] | None:
    """The engine's result for a draft if it is at hand (never loads)."""
    with _LOCK:
        return _MODELS.get(source_hash(source))


def model(source: str) -> engine.Questionnaire | None:
    """The draft's model, at once when it is a published version's text (a new draft is)."""
    key = source_hash(source)
    if key not in _MODELS:
        published = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.content_hash == key, QuestionnaireVersion.status != "draft")).first()
        if published is not None:
            return catalog.questionnaire(published)
    loaded, _diagnostics = checked(source)
    return loaded.questionnaire if loaded else None


def _draft(version_id: int) -> QuestionnaireVersion:
    draft = db.session.get(QuestionnaireVersion, version_id)
    if draft is None or draft.status != "draft":
        abort(404)
    return draft


def _model_or_404(draft: QuestionnaireVersion) -> engine.Questionnaire:
    q = model(draft.source)
    if q is None:
        abort(409)  # the draft has errors: the text editor is the way to correct them
    return q


# -- the tree --------------------------------------------------------------------------------------
def framework_texts(q: engine.Questionnaire, item: engine.Group | engine.Question) -> list[engine.Text]:
    """The framework's texts for the provisions an item declares (an article's title, a provision's
    title and summary): what a group without a title of its own is shown as, and searched by."""
    out: list[engine.Text] = []
    framework = q.framework
    for ref in item.provisions if framework is not None else ():
        article = framework.articles.get(ref)  # type: ignore[union-attr]
        provision = framework.provisions.get(ref)  # type: ignore[union-attr]
        if article is not None:
            out.append(article.title)
        if provision is not None:
            out.extend(text for text in (provision.title, provision.summary) if text)
    return out


def node(q: engine.Questionnaire, item: engine.Group | engine.Question, lang: str) -> dict[str, Any]:
    text = item.label if isinstance(item, engine.Question) else item.title
    if not text:
        text = next(iter(framework_texts(q, item)), text)
    shown = q.text(text, lang)
    framework = q.framework
    levels = []
    if framework is not None:
        for ref in item.provisions:
            provision = framework.provisions.get(ref)
            level = framework.level(provision.level) if provision else None
            if level is not None:
                levels.append(q.text(level.label, lang).text)
    kind = item.kind if isinstance(item, engine.Group) else "question"
    return {"id": item.id, "kind": kind, "type": getattr(item, "type", None), "label": shown.text,
            "lang": shown.lang, "provisions": list(item.provisions), "levels": levels,
            "role": getattr(item, "role", None), "template": item.template,
            "children": isinstance(item, engine.Group) and bool(item.items), "line": item.where.line}


def children(q: engine.Questionnaire, parent: str | None, lang: str) -> list[dict[str, Any]]:
    if parent is None:
        items: tuple[Any, ...] = q.sections
    else:
        group = q.index.items.get(parent)
        if not isinstance(group, engine.Group):
            abort(404)
        items = group.items
    return [node(q, item, lang) for item in items]


def search(q: engine.Questionnaire, words: str, lang: str) -> list[dict[str, Any]]:
    """Items whose id or any text, in any language, holds ``words`` (case and accents as typed)."""
    wanted = words.casefold().strip()
    found = []
    for item in q.index.items.values():
        texts = [item.id]
        keys = QUESTION_TEXTS if isinstance(item, engine.Question) else GROUP_TEXTS
        for key in keys:
            texts.extend(getattr(item, key, engine.text.EMPTY).values())
        if isinstance(item, engine.Group):
            for text in framework_texts(q, item):
                texts.extend(text.values())
        if any(wanted in text.casefold() for text in texts):
            entry = node(q, item, lang)
            entry["path"] = [q.text(a.title, lang).text or a.id for a in q.ancestors(item.id)]
            found.append(entry)
            if len(found) >= SEARCH_LIMIT:
                break
    return found


@bp.get("/questionnaires/drafts/<int:version_id>/outline.json")
@require_roles("secretariat_admin")
def outline_json(version_id: int) -> WerkzeugResponse:
    draft = _draft(version_id)
    q = model(draft.source)
    lang = current_language()
    if q is None:
        return jsonify(items=[], base=source_hash(draft.source), broken=True)
    words = request.args.get("q", "")
    if words.strip():
        return jsonify(items=search(q, words, lang), base=source_hash(draft.source), search=True)
    return jsonify(items=children(q, request.args.get("node") or None, lang), base=source_hash(draft.source))


@bp.get("/questionnaires/drafts/<int:version_id>/source.json")
@require_roles("secretariat_admin")
def source_json(version_id: int) -> WerkzeugResponse:
    draft = _draft(version_id)
    body = json.dumps({"source": draft.source, "base": source_hash(draft.source)}, ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/json")  # UTF-8, not \u escapes: half the size


@bp.get("/questionnaires/drafts/<int:version_id>/diagnostics.json")
@require_roles("secretariat_admin")
def diagnostics_json(version_id: int) -> WerkzeugResponse:
    draft = _draft(version_id)
    _loaded, diagnostics = checked(draft.source)
    return jsonify(diagnostics=[_diagnostic(d) for d in diagnostics], base=source_hash(draft.source))


def _diagnostic(d: engine.Diagnostic) -> dict[str, Any]:
    return {"line": d.line, "column": d.column, "code": d.code, "severity": d.severity, "message": d.text(_)}


# -- one item ------------------------------------------------------------------------------------------
def _item_of(version_id: int, item_id: str) -> tuple[QuestionnaireVersion, engine.Questionnaire, Item, Place]:
    """The draft, its model, the item and the item's place in the source (404 for an unknown item)."""
    draft = _draft(version_id)
    q = _model_or_404(draft)
    found = q.index.items.get(item_id)
    if found is None:
        abort(404)
    return draft, q, found, place_of(q, item_id)


@bp.route("/questionnaires/drafts/<int:version_id>/items/<item_id>", methods=["GET", "POST"])
@require_roles("secretariat_admin")
def item(version_id: int, item_id: str) -> str | WerkzeugResponse | tuple[str | WerkzeugResponse, int]:
    draft, q, found, place = _item_of(version_id, item_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.method == "POST":
        if request.form.get("base") != source_hash(draft.source):
            message = _("The draft was changed since you opened this item (in another window?). Nothing was "
                        "saved: open the item again and redo the change.")
            if wants_json:
                return jsonify(error=message), 409
            flash(message, "error")
            return redirect(url_for("admin.item", version_id=draft.id, item_id=item_id))
        try:
            new = edit(draft.source, place, changes(found, request.form, q), q.default_language)
        except EditError as exc:
            abort(400, str(exc))
        draft.source = new
        db.session.commit()
        if wants_json:  # the editor asks for the engine's diagnostics next (the check takes a moment)
            return jsonify(saved=True, base=source_hash(new))
        flash(_("The change is saved in the draft."), "success")
        return redirect(url_for("admin.item", version_id=draft.id, item_id=item_id))
    context = _form_context(draft, q, found, place)
    template = "admin/_item_form.html" if request.args.get("fragment") else "admin/item.html"
    return render_template(template, **context)


@bp.post("/questionnaires/drafts/<int:version_id>/items/<item_id>/check")
@require_roles("secretariat_admin")
def check_item(version_id: int, item_id: str) -> WerkzeugResponse | tuple[WerkzeugResponse, int]:
    """The engine's diagnostics of the draft as it would be with this form's values (nothing saved)."""
    draft, q, found, place = _item_of(version_id, item_id)
    try:
        new = edit(draft.source, place, changes(found, request.form, q), q.default_language)
    except EditError as exc:
        return jsonify(error=str(exc)), 400
    _loaded, diagnostics = checked(new)
    problems = _about(new, place, diagnostics)
    return jsonify(diagnostics=[_diagnostic(d) for d in problems],
                   elsewhere=sum(d.is_error for d in diagnostics) - sum(d.is_error for d in problems))


def _about(source: str, place: Place, diagnostics: list[engine.Diagnostic]) -> list[engine.Diagnostic]:
    """The diagnostics placed inside the item's lines."""
    try:
        written = find(source, place)
    except EditError:
        return [d for d in diagnostics if d.is_error]
    first, last = written.start_mark.line + 1, written.end_mark.line + 1
    return [d for d in diagnostics if first <= d.line <= last]


def changes(item: engine.Group | engine.Question, form: Any, q: engine.Questionnaire) -> dict[str, Any]:
    """The keys the form changes (against the item as loaded), as ``yamledit.edit`` takes them:
    a key left as it was is not written, so a template use keeps inheriting what it does not set."""
    wanted: dict[str, Any] = {}
    current: dict[str, Any] = {}
    keys = QUESTION_TEXTS if isinstance(item, engine.Question) else GROUP_TEXTS
    for key in keys:
        if f"text-{key}-present" in form:
            wanted[key] = {lang: form.get(f"text-{key}-{lang}", "").strip() for lang in q.languages}
            wanted[key] = {lang: text for lang, text in wanted[key].items() if text}
            current[key] = dict(getattr(item, key))
    if "show_if" in form:
        wanted["show_if"] = form.get("show_if", "").strip() or None
        current["show_if"] = item.show_if.source if item.show_if else None
    if "provisions" in form:
        wanted["provisions"] = form.get("provisions", "").replace(",", " ").split() or None
        current["provisions"] = list(item.provisions) or None
    if isinstance(item, engine.Question):
        for key in ("type", "role", "choices"):
            if key in form:
                wanted[key] = form.get(key) or None
                current[key] = item.choices.name if key == "choices" and item.choices else getattr(item, key, None)
        if "required" in form:
            mode = form.get("required")
            wanted["required"] = "true" if mode == "yes" else (form.get("required_when", "").strip() or None) \
                if mode == "when" else None
            current["required"] = "true" if item.required is True else getattr(item.required, "source", None)
        if "constraints-present" in form:
            rules = []
            for index in range(int(form.get("constraints-count", "0") or 0) + 1):
                rule = form.get(f"constraint-{index}-rule", "").strip()
                message = {lang: form.get(f"constraint-{index}-message-{lang}", "").strip() for lang in q.languages}
                if rule:
                    rules.append({"rule": rule, "message": {k: v for k, v in message.items() if v}})
            wanted["constraints"] = rules
            current["constraints"] = [{"rule": c.rule.source, "message": dict(c.message)} for c in item.constraints]
    return {key: value for key, value in wanted.items() if value != current.get(key)}


def _form_context(draft: QuestionnaireVersion, q: engine.Questionnaire, item: engine.Group | engine.Question,
                  place: Place) -> dict[str, Any]:
    lang = current_language()
    keys = QUESTION_TEXTS if isinstance(item, engine.Question) else GROUP_TEXTS
    texts = {key: getattr(item, key, engine.text.EMPTY) for key in keys if key in TEXT_KEYS}
    required = getattr(item, "required", False)
    return {
        "draft": draft, "q": q, "item": item, "place": place, "base": source_hash(draft.source),
        "ancestors": q.ancestors(item.id), "texts": texts, "lang": lang,
        "required_mode": "yes" if required is True else "when" if required else "no",
        "required_when": getattr(required, "source", ""),
        "roles": sorted(ROLES), "types": sorted(engine.TYPES),
        "choice_lists": sorted(q.choice_lists), "children": item.items if isinstance(item, engine.Group) else (),
        "is_question": isinstance(item, engine.Question), "rtl_languages": engine.RTL_LANGUAGES,
    }
