"""The HTML of a page's form controls: WTForms' own widgets, with a faster attribute writer.

WTForms writes every attribute through markupsafe's ``str.format`` (``string.Formatter``, pure
Python): a page of answers has a hundred controls and options, and that was a tenth of its time.
:func:`html_params` writes the same attributes, in the same order, escaped the same way; the
widgets below are WTForms' with it (``Input.html_params`` is WTForms' place for that; the text
area and the options of a list are written as WTForms writes them). ``tests/web/test_render_cost.py``
checks the output against WTForms' own.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms import widgets


@lru_cache(maxsize=256)
def _name(key: str) -> str:
    """An attribute's name as WTForms writes it: ``class_`` is ``class``, ``data_x`` is ``data-x``
    (names come from the code, never from a request: the cache stays small)."""
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return str(escape(key))


def html_params(**kwargs: Any) -> Markup:
    """``wtforms.widgets.html_params``: attributes sorted by name, ``True`` as a bare attribute,
    ``False`` left out, values escaped (and a double quote in a value given as markup too)."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            params.append(_name(key))
        elif value is not False:
            text = str(escape(value))
            if '"' in text:
                text = text.replace('"', "&quot;")
            params.append(f'{_name(key)}="{text}"')
    return Markup(" ".join(params))  # noqa: S704 - names and values escaped above


def _with_fast_attributes(widget: type) -> type:
    """WTForms' ``widget`` class (an input), writing its attributes with :func:`html_params`."""
    return type(widget.__name__, (widget,), {"html_params": staticmethod(html_params), "__module__": __name__})


TextInput, URLInput, EmailInput, HiddenInput, RadioInput, CheckboxInput = (
    _with_fast_attributes(widget) for widget in (widgets.TextInput, widgets.URLInput, widgets.EmailInput,
                                                 widgets.HiddenInput, widgets.RadioInput, widgets.CheckboxInput))


class TextArea(widgets.TextArea):
    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for key in dir(flags):
            if key in self.validation_attrs and key not in kwargs:
                kwargs[key] = getattr(flags, key)
        return Markup(f"<textarea {html_params(name=field.name, **kwargs)}>\r\n"  # noqa: S704 - escaped
                      f"{escape(field._value())}</textarea>")


class Select(widgets.Select):
    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        return Markup(f"<option {html_params(**options)}>{escape(choice.label or choice.value)}</option>")  # noqa: S704
