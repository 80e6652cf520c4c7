"""What the XLSForm converter writes where: sheets, columns, languages and type names.

Shared by the writer and the reader so that the two cannot drift apart. Columns of the XLSForm
standard carry what they mean there (``relevant``, ``constraint``, ``label::English (en)``...);
what XLSForm cannot say (provisions, roles, bounds, table sizes, template uses) goes into extra
columns named after the questionnaire language's own keys, which XLSForm tools ignore.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

SURVEY, CHOICES, SETTINGS, FRAMEWORK, TEMPLATES = "survey", "choices", "settings", "framework", "templates"

#: A row of the templates sheet that writes another template's items in place (``include:``).
INCLUDE = "include"

#: Lists the writer generates (their names hold a dot, which the questionnaire's own names cannot).
RESERVED = "checklist."
YES_NO_LIST = RESERVED + "yes_no"
INLINE = RESERVED + "inline."
FRAMEWORK_LIST = RESERVED + "framework."

#: Text columns: XLSForm's name, and the questionnaire key it holds (per kind of row).
QUESTION_TEXTS = {"label": "label", "hint": "hint", "guidance_hint": "guidance",
                  "required_message": "required_message", "placeholder": "placeholder",
                  "other_label": "other_label", "pattern_message": "pattern_message"}
GROUP_TEXTS = {"label": "title", "hint": "description"}

#: Plain columns holding a questionnaire key as written (extra columns, ignored by XLSForm tools).
PLAIN_KEYS = ("role", "min", "max", "min_length", "max_length", "pattern", "min_rows", "max_rows", "max_size",
              "max_files")

#: The survey sheet's columns in the order they are written (``{lang}`` columns once per language).
COLUMN_ORDER = (
    "type", "name", "label::{lang}", "hint::{lang}", "guidance_hint::{lang}", "relevant", "required",
    "required_message::{lang}", "constraint", "constraint_message::{lang}", "appearance", "parameters",
    "checklist_type", "provisions", "role", "min", "max", "min_length", "max_length", "pattern",
    "pattern_message::{lang}", "placeholder::{lang}", "other_label::{lang}", "min_rows", "max_rows",
    "template", "with", "template_parameters", "template_defaults", "max_size", "max_files", "accept",
)

#: Our types that XLSForm has no type for: written as an XLSForm type plus ``checklist_type``.
MARKED_TYPES = {"yes_no": "select_one", "url": "text", "email": "text"}

#: Appearances: ours -> XLSForm's (the others are written as they are).
APPEARANCES = {"dropdown": "minimal"}

_NAMES = {"ar": "Arabic", "en": "English", "es": "Spanish", "fr": "French", "ru": "Russian", "zh": "Chinese"}
_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*\)\s*$")


def language_header(code: str) -> str:
    """``English (en)``: the language column suffix XLSForm recommends (an English name, the code)."""
    name = _NAMES.get(code)
    if name is None:
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name("en") or code
        except (UnknownLocaleError, ValueError):
            name = code
    return f"{name} ({code})"


def language_code(header: str) -> str | None:
    """The language code of a column suffix: ``English (en)`` -> ``en``; ``French`` -> ``fr``;
    None when it cannot be told."""
    match = _CODE.search(header)
    if match:
        return match.group(1).lower()
    wanted = header.strip().casefold()
    for code, name in _NAMES.items():
        if name.casefold() == wanted or wanted == code:
            return code
        native = Locale.parse(code).get_display_name(code) or ""
        if native.casefold() == wanted:
            return code
    return None


def split_header(header: str) -> tuple[str, str | None]:
    """``label::English (en)`` -> (``label``, ``English (en)``); ``label`` -> (``label``, None)."""
    if "::" in header:
        base, _sep, lang = header.partition("::")
        return base.strip(), lang.strip()
    if ":" in header and header.split(":", 1)[0] in ("label", "hint", "guidance_hint"):  # the old form
        base, _sep, lang = header.partition(":")
        return base.strip(), lang.strip()
    return header.strip(), None
