"""Questionnaire content for display: texts in the reader's language, titles of groups and
provisions, labels of answers. The questionnaire's own fallback rule applies; a text shown in
another language is marked so that the template can say so discreetly."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

import engine
from engine import Localized
from engine.model import Group, Question
from exports import display as shown
from exports.display import Reader, Words
from exports.display import provision_number as provision_number  # how provisions are cited

from .i18n import current_language


def text(q: engine.Questionnaire, value: engine.Text, lang: str | None = None) -> Localized:
    """A text of the questionnaire in the reader's language (or its fallback, marked as such)."""
    return q.text(value, lang or current_language())


def group_title(q: engine.Questionnaire, group: Group, lang: str | None = None) -> Localized:
    """A group's title, or one made from the provision or article it maps to (or "Good practices"
    for a group that only asks for them)."""
    return _group_title(q, group, lang or current_language(), html=False)


def place_heading(q: engine.Questionnaire, group: Group, lang: str | None = None) -> Markup:
    """:func:`group_title` for a page that names where answers are (check your answers, a
    submission), as HTML: the provision number isolated in ``<bdi>``, so that "5 (1)" or "15 (a)"
    reads as one number in Arabic too."""
    return escape(_group_title(q, group, lang or current_language(), html=True).text)


def _group_title(q: engine.Questionnaire, group: Group, lang: str, html: bool) -> Localized:
    def cite(template: str, **values: str) -> str:
        """``template`` (translated, not yet formatted) with ``values``; in HTML, the number isolated."""
        if not html:
            return template % values
        return escape(template) % {**values, "number": Markup("<bdi dir=\"ltr\">%s</bdi>") % values["number"]}

    if group.title:
        return text(q, group.title, lang)
    framework = q.framework
    if framework is not None and len(group.provisions) == 1:
        ref = group.provisions[0]
        if ref in framework.provisions:
            provision = framework.provisions[ref]
            article = framework.articles[provision.article]
            if len(article.provisions) == 1 and provision.id == article.id:
                return Localized(cite(_("Article %(number)s"), number=article.id), lang, False)
            return Localized(cite(_("Article %(number)s"), number=provision_number(ref)), lang, False)
        if ref in framework.articles:
            article = framework.articles[ref]
            title = q.text(article.title, lang)
            return Localized(cite(_("Article %(number)s. %(title)s"), number=ref, title=title.text), title.lang,
                             title.is_fallback)
    questions = group.questions
    if questions and all(question.role == "good_practices" for question in questions):
        return Localized(_("Good practices"), lang, False)
    return Localized(group.id, lang, True)


def summary(q: engine.Questionnaire, group: Group, lang: str | None = None) -> Localized | None:
    """The provision summary shown under a provision page's title."""
    framework = q.framework
    if framework is None or len(group.provisions) != 1 or group.provisions[0] not in framework.provisions:
        return None
    return text(q, framework.provisions[group.provisions[0]].summary, lang)


def level_label(q: engine.Questionnaire, provision_id: str, lang: str | None = None) -> Localized | None:
    framework = q.framework
    if framework is None or provision_id not in framework.provisions:
        return None
    level = framework.level(framework.provisions[provision_id].level)
    return text(q, level.label, lang) if level else None


def choice_label(q: engine.Questionnaire, question: Question, code: str, lang: str | None = None) -> str:
    return shown.SINGLE.show(Reader(q, lang or current_language()), question, code).text


def words() -> Words:
    """The interface words answers are shown with, in the reader's language."""
    return Words(yes=_("Yes"), no=_("No"))


def display(q: engine.Questionnaire, question: Question, value: Any, lang: str | None = None) -> str:
    """An answer as words in the reader's language (exports.display: the same as exports and profiles)."""
    return shown.words(q, question, value, lang or current_language(), words())


def raw_text(q: engine.Questionnaire, question: Question, raw: Any, empty: str = "") -> str:
    """A stored (JSON) answer as words; a value that no longer parses is shown as written."""
    if raw is None:
        return empty
    try:
        value = engine.TYPES[question.type].from_json(question, raw)
    except engine.InvalidAnswer:
        return str(raw)
    return display(q, question, value) if value is not None else empty


#: What each question role asks, as a short name for history, activity and comments ("compliance").
ROLE_LABELS = {
    "compliance": _l("compliance"), "considered": _l("adoption considered"), "adopted": _l("adopted"),
    "items_applied": _l("items applied"), "notified": _l("notified to the Secretary-General"),
    "measures": _l("measures"), "summary": _l("summary of the measures"), "examples": _l("examples"),
    "steps": _l("steps to full implementation"), "challenges": _l("challenges"),
    "challenges_detail": _l("challenges described"), "assistance_needed": _l("technical assistance needed"),
    "assistance_kinds": _l("kinds of assistance"), "assistance_priority": _l("priority of the assistance"),
    "assistance_detail": _l("assistance described"), "assistance_received": _l("assistance received"),
    "assistance_received_list": _l("assistance received and providers"), "good_practices": _l("good practices"),
    "focal_point_name": _l("focal point's name"), "focal_point_position": _l("focal point's position"),
    "focal_point_institution": _l("focal point's institution"), "focal_point_email": _l("focal point's e-mail"),
    "focal_point_phone": _l("focal point's telephone"),
}
#: How much of a question's wording names it when it has no role.
LABEL_LENGTH = 60


def question_place(q: engine.Questionnaire, question_id: str, lang: str | None = None) -> str:
    """Where a question is, as people cite it: "Article 15 (a) · compliance" (its provision, or its
    article or group, and its role, or the start of its wording), never the wording alone, which
    recurs on every provision page."""
    item = q.index.items.get(question_id)
    if not isinstance(item, Question):
        return question_id
    lang = lang or current_language()
    what = str(ROLE_LABELS[item.role]) if item.role in ROLE_LABELS else _short(text(q, item.label, lang).text)
    where = _where(q, item, lang)
    return f"{where} · {what}" if where else what


def _where(q: engine.Questionnaire, question: Question, lang: str) -> str:
    framework = q.framework
    if framework is not None:
        for ref in reversed(q.provisions_of(question.id)):  # the innermost first
            if ref in framework.provisions or ref in framework.articles:
                return _("Article %(number)s", number=provision_number(ref))
    parent = q.parent(question.id)
    return group_title(q, parent, lang).text if parent is not None else ""


def _short(words: str) -> str:
    return words if len(words) <= LABEL_LENGTH else words[:LABEL_LENGTH - 1].rstrip() + "…"
