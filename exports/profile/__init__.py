"""Country profiles: a State's self-assessment as a PDF in any of the six UN languages.

The pipeline, in one place::

    data = ProfileData(...)                       # filled by the caller (web app, CLI, tests)
    html = build_html(data, "ar", "full", gettext) # our templates, autoescaped
    exports.pdf.render_pdf(html, path)             # WeasyPrint in a limited worker process

``gettext`` translates the profile's fixed texts (:mod:`.labels`) into the profile's language; the
web app passes its Flask-Babel translations for that language. :func:`cache_key` names a rendered
file: it changes when the answers, the cover data, the language, the kind, the translations or the
templates change.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import engine

from .labels import Gettext, Labels
from .model import KINDS, Contact, Coordination, CoordinationNeed, Cover, FocalPoint, Previous, ProfileData
from .render import html as _html
from .render import template_version
from .view import Profile, build

__all__ = ["KINDS", "Contact", "Coordination", "CoordinationNeed", "Cover", "FocalPoint", "Labels", "Previous",
           "Profile", "ProfileData", "build", "build_html", "cache_key", "template_version"]


def check(lang: str, kind: str) -> None:
    if lang not in engine.UN_LANGUAGES:
        raise ValueError(f"unknown profile language {lang!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown profile kind {kind!r}")


def build_html(data: ProfileData, lang: str, kind: str = "full", gettext: Gettext | None = None) -> str:
    """The profile of ``data`` as HTML, ready for :func:`exports.pdf.render_pdf`."""
    check(lang, kind)
    return _html(build(data, lang, kind, Labels(gettext)))


def cache_key(data: ProfileData, lang: str, kind: str, gettext: Gettext | None = None) -> str:
    """A name for the rendered file (hex digest); cheap: the answers are not laid out."""
    check(lang, kind)
    parts: dict[str, Any] = {"data": data.identity(), "lang": lang, "kind": kind, "template": template_version(),
                             "labels": Labels(gettext).digest()}
    if not data.source_key:  # no key from the caller: the answers themselves
        parts["answers"] = _answers_digest(data)
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _answers_digest(data: ProfileData) -> str:
    q = data.questionnaire
    plain = {}
    for qid, value in data.answers.items():
        item = q.index.items.get(qid)
        if isinstance(item, engine.Question):
            plain[qid] = engine.TYPES[item.type].to_json(item, value)
    plain["__languages__"] = dict(data.answer_languages)
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()
