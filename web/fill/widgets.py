"""The HTML of a page's form controls: WTForms' own widgets, with a faster attribute writer.

WTForms writes every attribute through markupsafe's ``str.format`` (``string.Formatter``, pure
Python): a page of answers has a hundred controls and options, and that was a tenth of its time.
:func:`html_params` writes the same attributes, in the same order, escaped the same way; the
widgets below are WTForms' with it (``Input.html_params`` is WTForms' place for that; the text
area and the options of a list are written as WTForms writes them), and the radio buttons and check
boxes of a list of choices are written without building a WTForms field for each (:class:`Option`).
``tests/web/test_render_cost.py`` checks the output against WTForms' own.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.fields import Label


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


class Option:
    """One radio button or check box of a list of choices, as WTForms' option subfield writes it.

    WTForms iterates a choice field by building, binding and processing a whole field per option
    (``SelectFieldBase.__iter__``): the options of a checklist provision page (6 fields, 32 options)
    took 0.50 ms of CPU that way, and take 0.24 ms here. An option holds what the template reads
    (``id``, ``label.text``) and writes the same ``<input>``: the field's ``render_kw`` under the
    call's attributes, ``checked`` when the choice is selected, ``id``, ``type`` (its field's option
    widget's), ``value`` and the field's ``name``.
    """

    __slots__ = ("_field", "_type", "id", "label", "checked", "value")

    def __init__(self, field: Any, index: int, choice: Any, input_type: str):
        self._field, self._type = field, input_type
        self.id = f"{field.id}-{index}"
        self.label = Label(self.id, choice.label or choice.value)
        self.checked, self.value = choice.selected, choice.value

    def __call__(self, **kwargs: Any) -> Markup:
        attributes = {_name(key): value for key, value in (self._field.render_kw or {}).items()}
        attributes.update((_name(key), value) for key, value in kwargs.items())
        if self.checked:
            attributes.setdefault("checked", True)
        attributes.setdefault("id", self.id)
        attributes.setdefault("type", self._type)
        attributes.setdefault("value", str(self.value))
        return Markup(f"<input {html_params(name=self._field.name, **attributes)}>")  # noqa: S704 - escaped


class Options:
    """A choice field's iteration with :class:`Option` (for a field without validators: WTForms'
    own subfields would carry their flags, such as ``required``)."""

    def __iter__(self) -> Any:
        if self.validators:  # type: ignore[attr-defined]
            yield from super().__iter__()  # type: ignore[misc]
            return
        input_type = self.option_widget.input_type  # type: ignore[attr-defined]
        for index, choice in enumerate(self.iter_choices()):  # type: ignore[attr-defined]
            yield Option(self, index, choice, input_type)
