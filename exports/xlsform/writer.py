"""A questionnaire definition (YAML) as an XLSForm workbook.

The survey sheet is a complete form: sections and groups as ``begin_group``/``end_group``, tables
as ``begin_repeat``/``end_repeat``, and every template use written out in full (its
``begin_group`` row names the template and its parameters in the ``template`` and ``with``
columns). The templates themselves are on the templates sheet, the reference framework on the
framework sheet; choices and settings where XLSForm keeps them. The writer works on the YAML as
written (so templates and their parameters survive), after the engine has checked it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

import engine
from engine.source import read, to_plain

from .layout import (
    APPEARANCES,
    CHOICES,
    COLUMN_ORDER,
    FRAMEWORK,
    FRAMEWORK_LIST,
    GROUP_TEXTS,
    INLINE,
    MARKED_TYPES,
    PLAIN_KEYS,
    QUESTION_TEXTS,
    SETTINGS,
    SURVEY,
    TEMPLATES,
    YES_NO_LIST,
    language_header,
)

Row = dict[str, str]
Plain = dict[str, Any]

#: Labels of the generated yes/no list (the app shows its own; XLSForm tools need some).
_YES_NO = {"yes": {"ar": "نعم", "en": "Yes", "es": "Sí", "fr": "Oui", "ru": "Да", "zh": "是"},
           "no": {"ar": "لا", "en": "No", "es": "No", "fr": "Non", "ru": "Нет", "zh": "否"}}


def export_workbook(text: str | bytes, source: str = "<string>") -> bytes:
    """The XLSForm of a definition; raises :class:`engine.QuestionnaireError` if it has errors."""
    q = engine.load(text, source=source).questionnaire
    collector = engine.errors.Collector(source)
    doc: Plain = to_plain(read(text, collector))
    return _Writer(q, doc).workbook()


def substitute(value: Any, args: Mapping[str, str]) -> Any:
    """A template body with ``{param}`` replaced in every value (as the engine does)."""
    if isinstance(value, str):
        for name, arg in args.items():
            value = value.replace("{" + name + "}", arg)
        return value
    if isinstance(value, list):
        return [substitute(item, args) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, args) for key, item in value.items()}
    return value


_REF = re.compile(r"\$\{([^}]*)\}")


def local_ids(items: Iterable[Plain]) -> list[str]:
    """The ids a template use opens a scope for (as the engine declares them): its items', and
    those of groups inside it, but not those inside another template use."""
    out: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        out.append(item["id"])
        if "type" not in item and "use" not in item:
            out.extend(local_ids(item.get("items") or []))
    return out


def rename_refs(condition: str, names: Mapping[str, str]) -> str:
    """``condition`` with every ``${name}`` found in ``names`` replaced by ``${names[name]}``."""
    if not names or "${" not in condition:
        return condition
    return _REF.sub(lambda m: "${" + names.get(m.group(1), m.group(1)) + "}", condition)


def arguments(template: Plain, given: Mapping[str, Any]) -> dict[str, str]:
    """The values of a template's parameters: its ``defaults``, overridden by those given."""
    return {**{str(k): str(v) for k, v in (template.get("defaults") or {}).items()},
            **{str(k): str(v) for k, v in given.items()}}


def expand(use: Plain, templates: Mapping[str, Plain]) -> tuple[Plain, list[Plain]]:
    """A template use's effective group keys and its items (the template's, with what its
    ``include:`` items bring written in place, then the use's own)."""
    template = templates[use["use"]]
    args = arguments(template, use.get("with") or {})
    body = substitute(template, args)
    group = {key: use.get(key, body.get(key)) for key in ("title", "description", "show_if", "provisions")}
    return group, included(list(body.get("items") or []), templates, args) + list(use.get("items") or [])


def included(items: list[Plain], templates: Mapping[str, Plain], args: Mapping[str, str],
             depth: int = 0) -> list[Plain]:
    """``items`` with every ``include:`` replaced by the included template's items, as the engine
    writes them in place (the include sees ``args``, its ``with`` adds to them)."""
    out: list[Plain] = []
    for item in items:
        if isinstance(item, dict) and "include" in item and str(item["include"]) in templates and depth < 8:
            template = templates[str(item["include"])]
            given = {str(k): str(v) for k, v in (item.get("with") or {}).items()}
            inner = {**arguments(template, {}), **args, **given}
            out.extend(included(list(substitute(template, inner).get("items") or []), templates, inner, depth + 1))
        elif isinstance(item, dict) and "items" in item and "type" not in item and "use" not in item:
            out.append({**item, "items": included(list(item["items"]), templates, args, depth)})
        elif isinstance(item, dict) and item.get("required") == "false":  # a parameter given "false"
            out.append({key: value for key, value in item.items() if key != "required"})
        else:
            out.append(item)
    return out


class _Writer:
    def __init__(self, q: engine.Questionnaire, doc: Plain):
        self.q = q
        self.doc = doc
        self.languages = list(q.languages)
        self.default = q.default_language
        self.templates: dict[str, Plain] = dict(doc.get("templates") or {})
        self.lists: dict[str, list[Row]] = {}
        for name, choices in (doc.get("choice_lists") or {}).items():
            self.lists[name] = self.choice_rows(name, choices)

    # -- the workbook ----------------------------------------------------------------------------
    def workbook(self) -> bytes:
        survey: list[Row] = []
        for section in self.doc.get("sections") or []:
            self.item(section, survey, "", {})
        templates: list[Row] = []
        for name, template in self.templates.items():
            self.template(name, template, templates)
        book = Workbook()
        first = book.active
        assert first is not None  # a new workbook has one sheet
        book.remove(first)
        self.sheet(book, SURVEY, survey, self.columns(survey))
        choices = [row for rows in self.lists.values() for row in rows]
        self.sheet(book, CHOICES, choices, self.columns(choices, ("list_name", "name", "label::{lang}", "other")))
        settings = [self.settings()]
        self.sheet(book, SETTINGS, settings, list(settings[0]))
        if self.doc.get("framework"):
            rows = self.framework(self.doc["framework"])
            order = ("kind", "id", "level", "gaps", "see_also", "title::{lang}", "summary::{lang}", "guidance::{lang}")
            self.sheet(book, FRAMEWORK, rows, self.columns(rows, order))
        if templates:
            self.sheet(book, TEMPLATES, templates, self.columns(templates))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def columns(self, rows: list[Row], order: Iterable[str] = COLUMN_ORDER) -> list[str]:
        used = {key for row in rows for key in row}
        out: list[str] = []
        for column in order:
            names = [column.format(lang=language_header(lang)) for lang in self.languages] \
                if "{lang}" in column else [column]
            out.extend(name for name in names if name in used or column in ("type", "name", "label::{lang}"))
        extra = sorted(used - set(out), key=_extra_order)  # constraint_2, constraint_message_2::... after
        return out + extra

    @staticmethod
    def sheet(book: Workbook, name: str, rows: list[Row], columns: list[str]) -> None:
        sheet = book.create_sheet(name)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C2" if name in (SURVEY, TEMPLATES) else "A2"
        for row in rows:
            sheet.append([row.get(column, "") or None for column in columns])

    # -- texts -------------------------------------------------------------------------------------
    def texts(self, row: Row, column: str, text: Any) -> None:
        if text is None:
            return
        values = text if isinstance(text, dict) else {self.default: text}
        for lang, value in values.items():
            row[f"{column}::{language_header(lang)}"] = value

    # -- sections, groups, questions ---------------------------------------------------------------
    def item(self, item: Plain, out: list[Row], prefix: str, names: Mapping[str, str]) -> None:
        """Rows of an item. Inside template uses, ``prefix`` is what the engine puts before ids and
        ``names`` maps the ids written in the template to those: names and references are written
        as the ids answers are stored under, unique in the whole form, as XLSForm wants them."""
        if "use" in item:
            self.instance(item, out, prefix, names)
        elif "include" in item:  # only on the templates sheet: the survey sheet has them written in place
            row: Row = {"type": "include", "name": str(item["include"])}
            if item.get("with"):
                row["with"] = "; ".join(f"{key}={value}" for key, value in item["with"].items())
            out.append(row)
        elif "type" in item:
            self.question(item, out, prefix, names)
        else:
            self.group(item, item, out, prefix, names)
            for child in item.get("items") or []:
                self.item(child, out, prefix, names)
            out.append({"type": "end_group"})

    def group(self, item: Plain, keys: Plain, out: list[Row], prefix: str, names: Mapping[str, str]) -> Row:
        row: Row = {"type": "begin_group", "name": prefix + str(item.get("id", ""))}
        for column, key in GROUP_TEXTS.items():
            self.texts(row, column, keys.get(key))
        if keys.get("show_if") is not None:
            row["relevant"] = rename_refs(keys["show_if"], names)
        if keys.get("provisions"):
            row["provisions"] = " ".join(keys["provisions"])
        out.append(row)
        return row

    def instance(self, use: Plain, out: list[Row], prefix: str, names: Mapping[str, str]) -> None:
        keys, items = expand(use, self.templates)
        inner = prefix + str(use.get("id", "")) + "."
        scope = {**names, **{local: inner + local for local in local_ids(items)}}
        row = self.group(use, keys, out, prefix, scope)
        row["template"] = use["use"]
        if use.get("with"):
            row["with"] = "; ".join(f"{key}={value}" for key, value in use["with"].items())
        for child in items:
            self.item(child, out, inner, scope)
        out.append({"type": "end_group"})

    def template(self, name: str, template: Plain, out: list[Row]) -> None:
        items = template.get("items") or []
        scope = {local: f"{name}.{local}" for local in local_ids(items)}
        row = self.group({"id": name}, template, out, "", scope)
        if template.get("parameters"):
            row["template_parameters"] = " ".join(template["parameters"])
        if template.get("defaults"):
            row["template_defaults"] = "; ".join(f"{key}={value}" for key, value in template["defaults"].items())
        for child in items:
            self.item(child, out, f"{name}.", scope)
        out.append({"type": "end_group"})

    def question(self, item: Plain, out: list[Row], prefix: str, names: Mapping[str, str], table: str = "") -> None:
        qtype = item.get("type", "")
        local = str(item.get("id", ""))
        row: Row = {"name": local if table else prefix + local}
        row["type"] = self.type_of(item, f"{table}.{local}" if table else prefix + local)
        if qtype in MARKED_TYPES:
            row["checklist_type"] = qtype
        for column, key in QUESTION_TEXTS.items():
            self.texts(row, column, item.get(key))
        if item.get("show_if") is not None:
            row["relevant"] = rename_refs(item["show_if"], names)
        required = item.get("required")
        if required is not None and required != "false":
            row["required"] = "yes" if required == "true" else rename_refs(required, names)
        for index, constraint in enumerate(item.get("constraints") or [], start=1):
            suffix = "" if index == 1 else f"_{index}"
            row[f"constraint{suffix}"] = rename_refs(constraint.get("rule", ""), names)
            self.texts(row, f"constraint_message{suffix}", constraint.get("message"))
        appearance: str | None = item.get("appearance")
        if appearance:
            row["appearance"] = APPEARANCES.get(appearance, appearance)
        elif qtype == "long_text":
            row["appearance"] = "multiline"
        if item.get("rows"):
            row["parameters"] = f"rows={item['rows']}"
        if item.get("provisions"):
            row["provisions"] = " ".join(item["provisions"])
        if item.get("accept"):
            row["accept"] = " ".join(str(kind) for kind in item["accept"])
        for key in PLAIN_KEYS:
            if item.get(key) is not None:
                row[key] = str(item[key])
        if qtype == "table":
            row["type"] = "begin_repeat"
            out.append(row)
            for column in item.get("columns") or []:
                self.question(column, out, prefix, {}, table=row["name"])
            out.append({"type": "end_repeat"})
        else:
            out.append(row)

    def type_of(self, item: Plain, full_id: str) -> str:
        qtype: str = item.get("type", "")
        if qtype in ("single_choice", "multiple_choice"):
            kind = "select_one" if qtype == "single_choice" else "select_multiple"
            return f"{kind} {self.list_for(item.get('choices'), full_id)}"
        if qtype == "yes_no":
            if YES_NO_LIST not in self.lists:
                self.lists[YES_NO_LIST] = self.choice_rows(
                    YES_NO_LIST, [{"code": code, "label": {lang: labels.get(lang, labels["en"])
                                                          for lang in self.languages}}
                                  for code, labels in _YES_NO.items()])
            return f"select_one {YES_NO_LIST}"
        if qtype == "number":
            return "integer" if item.get("integer") == "true" else "decimal"
        return {"long_text": "text", "url": "text", "email": "text"}.get(qtype, qtype)

    def list_for(self, choices: Any, full_id: str) -> str:
        if isinstance(choices, str):
            return choices
        if isinstance(choices, dict):  # {framework: articles}
            name = FRAMEWORK_LIST + str(choices.get("framework"))
            if name not in self.lists:
                self.lists[name] = self.framework_choices(name, str(choices.get("framework")))
            return name
        name = INLINE + full_id
        self.lists[name] = self.choice_rows(name, choices or [])
        return name

    def choice_rows(self, name: str, choices: list[Plain]) -> list[Row]:
        rows = []
        for choice in choices:
            row: Row = {"list_name": name, "name": str(choice.get("code", ""))}
            self.texts(row, "label", choice.get("label"))
            if choice.get("other") is not None:
                row["other"] = choice["other"]
            rows.append(row)
        return rows

    def framework_choices(self, name: str, what: str) -> list[Row]:
        """The framework's articles or provisions as a list, for XLSForm tools (the reader makes
        ``{framework: ...}`` of it again, and the engine the choices)."""
        framework = self.q.framework
        items: list[tuple[str, engine.Text]] = []
        if framework is not None:
            if what == "articles":
                items = [(a.id, a.title) for a in framework.articles.values()]
            else:
                items = [(p.id, p.summary) for p in framework.provisions.values()]
        return self.choice_rows(name, [{"code": code, "label": {lang: f"{code}. {value}"
                                                                 for lang, value in text.items()}}
                                       for code, text in items])

    # -- settings and framework ------------------------------------------------------------------
    def settings(self) -> Row:
        doc = self.doc
        row: Row = {}
        title = doc.get("title") or {}
        titles = title if isinstance(title, dict) else {self.default: title}
        row["form_title"] = titles.get(self.default, "")
        row["form_id"] = str(doc.get("id", ""))
        row["version"] = str(doc.get("version", ""))
        row["default_language"] = language_header(self.default)
        for lang, value in titles.items():
            if lang != self.default:
                row[f"form_title::{language_header(lang)}"] = value
        self.texts(row, "description", doc.get("description"))
        row["languages"] = " ".join(doc.get("languages") or [])
        if doc.get("fallback"):
            row["fallback"] = " ".join(doc["fallback"])
        return row

    def framework(self, framework: Plain) -> list[Row]:
        rows: list[Row] = []

        def add(kind: str, node: Plain, ident: str, **texts: Any) -> Row:
            row: Row = {"kind": kind, "id": ident}
            for column, text in texts.items():
                self.texts(row, column, text)
            rows.append(row)
            return row

        add("framework", framework, str(framework.get("id", "")), title=framework.get("title"))
        for level in framework.get("levels") or []:
            row = add("level", level, str(level.get("code", "")), title=level.get("label"))
            if level.get("gaps") is not None:
                row["gaps"] = level["gaps"]
        for chapter in framework.get("chapters") or []:
            add("chapter", chapter, str(chapter.get("id", "")), title=chapter.get("title"))
            for article in chapter.get("articles") or []:
                row = add("article", article, str(article.get("id", "")), title=article.get("title"),
                          guidance=article.get("guidance"))
                if article.get("see_also"):
                    row["see_also"] = " ".join(article["see_also"])
                for provision in article.get("provisions") or []:
                    row = add("provision", provision, str(provision.get("id", "")), title=provision.get("title"),
                              summary=provision.get("summary"))
                    row["level"] = str(provision.get("level", ""))
        return rows


def _extra_order(column: str) -> tuple[int, str]:
    base = column.split("::", 1)[0]
    number = base.rsplit("_", 1)[-1]
    return (int(number) if number.isdigit() else 0, column)
