"""Questionnaire content for display: texts in the reader's language, titles of groups and
provisions, labels of answers. The questionnaire's own fallback rule applies; a text shown in
another language is marked so that the template can say so discreetly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

import engine
from engine.model import Group, Question
from exports.data import Words
from exports.data import display as format_answer

from .i18n import current_language


@dataclass(frozen=True)
class Shown:
    """A text to show: the text, its language, and whether it is a fallback."""

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def text(q: engine.Questionnaire, value: engine.Text, lang: str | None = None) -> Shown:
    localized = q.text(value, lang or current_language())
    return Shown(localized.text, localized.lang, localized.is_fallback)


def provision_number(provision_id: str) -> str:
    """'46.9.b' -> '46 (9) (b)': how paragraphs are cited."""
    head, *rest = provision_id.split(".")
    return head + "".join(f" ({part})" for part in rest)


def group_title(q: engine.Questionnaire, group: Group, lang: str | None = None) -> Shown:
    """A group's title, or one made from the provision or article it maps to (or "Good practices"
    for a group that only asks for them)."""
    lang = lang or current_language()
    if group.title:
        return text(q, group.title, lang)
    framework = q.framework
    if framework is not None and len(group.provisions) == 1:
        ref = group.provisions[0]
        if ref in framework.provisions:
            provision = framework.provisions[ref]
            article = framework.articles[provision.article]
            if len(article.provisions) == 1 and provision.id == article.id:
                return Shown(_("Article %(number)s", number=article.id), lang, False)
            return Shown(_("Article %(number)s", number=provision_number(ref)), lang, False)
        if ref in framework.articles:
            article = framework.articles[ref]
            title = q.text(article.title, lang)
            return Shown(_("Article %(number)s. %(title)s", number=ref, title=title.text), title.lang,
                         title.is_fallback)
    questions = group.questions
    if questions and all(question.role == "good_practices" for question in questions):
        return Shown(_("Good practices"), lang, False)
    return Shown(group.id, lang, True)


def summary(q: engine.Questionnaire, group: Group, lang: str | None = None) -> Shown | None:
    """The provision summary shown under a provision page's title."""
    framework = q.framework
    if framework is None or len(group.provisions) != 1 or group.provisions[0] not in framework.provisions:
        return None
    return text(q, framework.provisions[group.provisions[0]].summary, lang)


def level_label(q: engine.Questionnaire, provision_id: str, lang: str | None = None) -> Shown | None:
    framework = q.framework
    if framework is None or provision_id not in framework.provisions:
        return None
    level = framework.level(framework.provisions[provision_id].level)
    return text(q, level.label, lang) if level else None


def choice_label(q: engine.Questionnaire, question: Question, code: str, lang: str | None = None) -> str:
    choice = question.choices.get(code) if question.choices else None
    return text(q, choice.label, lang).text if choice else code


def display(q: engine.Questionnaire, question: Question, value: Any, lang: str | None = None) -> str:
    """An answer as words in the reader's language (the same formatting as exports and profiles)."""
    return format_answer(q, question, value, lang or current_language(), Words(yes=_("Yes"), no=_("No")))


def raw_text(q: engine.Questionnaire, question: Question, raw: Any, empty: str = "") -> str:
    """A stored (JSON) answer as words; a value that no longer parses is shown as written."""
    if raw is None:
        return empty
    try:
        value = engine.TYPES[question.type].from_json(question, raw)
    except engine.InvalidAnswer:
        return str(raw)
    return display(q, question, value) if value is not None else empty
