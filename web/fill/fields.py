"""Question types as form fields: a registry of small adapters, one per engine type.

Each adapter builds the WTForms field for a question, turns a stored (JSON) answer into the
field's data, and the field's data back into the raw value the engine parses. Validation is not
done here: the engine is the one authority, and its problems are shown next to the fields.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import wtforms
from flask_babel import gettext as _
from wtforms import (
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.core import UnboundField
from wtforms.widgets import ListWidget

import engine
from engine.model import Question

from ..content import text
from . import widgets


class RadioField(widgets.Options, wtforms.RadioField):
    """Radio buttons, each written by :class:`widgets.Option`."""


class MultiCheckboxField(widgets.Options, SelectMultipleField):
    """Check boxes, each written by :class:`widgets.Option`."""

    widget = ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class Adapter:
    keys: ClassVar[tuple[str, ...]] = ()

    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        raise NotImplementedError

    def to_form(self, question: Question, value: Any) -> Any:
        return value

    def from_form(self, question: Question, data: Any) -> Any:
        if isinstance(data, str):
            data = data.replace("\r\n", "\n")
            return data if data.strip() else None
        return data


class TextAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        limit = min(question.max_length or engine.types.MAX_SHORT_TEXT, engine.types.MAX_SHORT_TEXT)
        return StringField(label, render_kw={"maxlength": limit, "dir": "auto", **kw}, filters=[_strip_nul],
                           widget=widgets.TextInput())


class LongTextAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        limit = min(question.max_length or engine.types.MAX_TEXT, engine.types.MAX_TEXT)
        return TextAreaField(label, render_kw={"rows": question.rows or 5, "maxlength": limit, "dir": "auto", **kw},
                             widget=widgets.TextArea())


class UrlAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        return URLField(label, render_kw={"maxlength": 1000, "dir": "ltr", "spellcheck": "false", **kw},
                        widget=widgets.URLInput())


class EmailAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        return EmailField(label, render_kw={"maxlength": 254, "dir": "ltr", "autocomplete": "email", **kw},
                          widget=widgets.EmailInput())


class NumberAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        return StringField(label, render_kw={"inputmode": "decimal", "dir": "ltr", "maxlength": 30,
                                             "class": "number", **kw}, widget=widgets.TextInput())

    def to_form(self, question: Question, value: Any) -> Any:
        return "" if value is None else str(value)

    def from_form(self, question: Question, data: Any) -> Any:
        """Numbers as typed in any of the six languages: '1 234,5', '1234.5' and '١٬٢٣٤٫٥' alike."""
        if not isinstance(data, str) or not data.strip():
            return None
        typed = "".join(data.split()).replace("\u00a0", "").replace("\u202f", "")
        typed = typed.replace("\u066c", "").replace("\u066b", ".")  # Arabic thousands and decimal separators
        if "," in typed and "." not in typed:
            typed = typed.replace(",", ".")
        return typed


class DateAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        render = {"type": "date", **kw}
        if question.min:
            render["min"] = str(question.min)
        if question.max:
            render["max"] = str(question.max)
        return StringField(label, render_kw=render, widget=widgets.TextInput())


class YesNoAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        return RadioField(label, choices=[SelectChoice("true", _("Yes")), SelectChoice("false", _("No"))],
                          validate_choice=False, render_kw=kw, option_widget=widgets.RadioInput())

    def to_form(self, question: Question, value: Any) -> Any:
        return None if value is None else ("true" if value else "false")

    def from_form(self, question: Question, data: Any) -> Any:
        return {"true": True, "false": False}.get(data) if data else None


def _choices(q: engine.Questionnaire, question: Question) -> list[SelectChoice]:
    assert question.choices is not None
    return [SelectChoice(c.code, text(q, c.label).text) for c in question.choices.choices]


class SingleChoiceAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        if question.appearance == "dropdown":
            return SelectField(label, choices=[SelectChoice("", "")] + _choices(q, question),
                               validate_choice=False, render_kw=kw, widget=widgets.Select())
        return RadioField(label, choices=_choices(q, question), validate_choice=False, render_kw=kw,
                          option_widget=widgets.RadioInput())


class MultipleChoiceAdapter(Adapter):
    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        if question.appearance == "dropdown":
            return SelectMultipleField(label, choices=_choices(q, question), validate_choice=False,
                                       render_kw={"size": 8, **kw}, widget=widgets.Select(multiple=True))
        return MultiCheckboxField(label, choices=_choices(q, question), validate_choice=False, render_kw=kw)

    def to_form(self, question: Question, value: Any) -> Any:
        return list(value or [])

    def from_form(self, question: Question, data: Any) -> Any:
        return list(data) if data else None


class FileAdapter(Adapter):
    """Evidence files are uploaded by their own form (``web.evidence``); the page carries the answer's
    list of file references unchanged (JSON in a hidden field), so saving the page keeps them."""

    def field(self, q: engine.Questionnaire, question: Question, label: str, **kw: Any) -> UnboundField:
        return HiddenField(label, render_kw={"data-files": "", **kw}, widget=widgets.HiddenInput())

    def to_form(self, question: Question, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""

    def from_form(self, question: Question, data: Any) -> Any:
        return data if isinstance(data, str) and data.strip() else None


ADAPTERS: dict[str, Adapter] = {
    "text": TextAdapter(), "long_text": LongTextAdapter(), "url": UrlAdapter(), "email": EmailAdapter(),
    "number": NumberAdapter(), "date": DateAdapter(), "yes_no": YesNoAdapter(),
    "single_choice": SingleChoiceAdapter(), "multiple_choice": MultipleChoiceAdapter(), "file": FileAdapter(),
}
#: Types rendered by the page itself rather than as one field.
COMPOUND = frozenset({"table", "note"})

assert set(ADAPTERS) | COMPOUND == set(engine.TYPES), "every engine type needs a form adapter"


def _strip_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value
