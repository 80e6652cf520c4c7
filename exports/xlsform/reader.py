"""An XLSForm workbook back into a questionnaire definition (YAML), every problem on its cell.

pyxform reads the spreadsheet (xlsx, xls, csv or markdown tables) and checks the survey sheet as
an XLSForm; this module walks the rows into the questionnaire language (plain data first, YAML at
the end) and remembers which cell every value came from; the engine then checks the definition,
and its diagnostics are moved back onto those cells. Template uses written out in the survey sheet
become ``use:`` again when their rows are exactly the template's (anything else is an error, so no
edit made in the spreadsheet is lost).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import (
    DefinitionData,
    get_excel_column_headers,
    get_excel_rows,
    get_xlsform,
    xlsx_value_to_str,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

import engine
from engine.source import MAP, SEQ, read
from engine.source import Node as Node_

from .errors import Cell, SheetDiagnostic
from .layout import (
    APPEARANCES,
    FRAMEWORK,
    FRAMEWORK_LIST,
    GROUP_TEXTS,
    INCLUDE,
    INLINE,
    PLAIN_KEYS,
    QUESTION_TEXTS,
    RESERVED,
    SETTINGS,
    SURVEY,
    TEMPLATES,
    language_code,
    split_header,
)
from .writer import expand, local_ids, rename_refs

Plain = dict[str, Any]

#: XLSForm types and what they become.
SIMPLE_TYPES = {"text": "text", "integer": "number", "decimal": "number", "date": "date", "note": "note",
                "file": "file"}
_SELECTS = {alias: kind for alias, kind in aliases.select.items() if "file" not in alias and alias != "rank"}
_SUPPORTED = "text, integer, decimal, date, note, file, select_one, select_multiple, begin/end group, begin/end repeat"

#: Columns the converter does not read, with what to do instead.
UNSUPPORTED_COLUMNS = {
    "calculation": "calculated fields are not part of the questionnaire language",
    "default": "defaults are not supported; leave the answer empty",
    "read_only": "read-only questions are not supported; use a note",
    "readonly": "read-only questions are not supported; use a note",
    "choice_filter": "cascading choices are not supported; use separate questions with show_if",
    "repeat_count": "tables have min_rows and max_rows instead of a fixed count",
    "trigger": "triggers are not supported",
    "image": "media are not supported", "audio": "media are not supported", "video": "media are not supported",
    "big-image": "media are not supported", "media::image": "media are not supported",
}
UNSUPPORTED_SETTINGS = ("style", "instance_name", "public_key", "submission_url", "auto_send", "auto_delete",
                        "allow_choice_duplicates", "namespaces", "clean_text_values", "omit_instanceID",
                        "form_title_prefix")
KNOWN_COLUMNS = {"type", "name", "label", "hint", "guidance_hint", "relevant", "required", "required_message",
                 "constraint", "constraint_message", "appearance", "parameters", "checklist_type", "provisions",
                 "template", "with", "template_parameters", "template_defaults", "accept", *PLAIN_KEYS,
                 *QUESTION_TEXTS}

#: XPath spellings turned into the questionnaire's condition language.
_XPATH = ((re.compile(r"count-selected\s*\("), "count_selected("), (re.compile(r"string-length\s*\("), "len("),
          (re.compile(r"\btrue\s*\(\s*\)"), "true"), (re.compile(r"\bfalse\s*\(\s*\)"), "false"),
          (re.compile(r"(\$\{[^}]+\})\s*!=\s*''"), r"answered(\1)"),
          (re.compile(r"(\$\{[^}]+\})\s*=\s*''"), r"empty(\1)"), (re.compile(r"\bdiv\b"), "/"))
_XPATH_UNSUPPORTED = (("regex(", "use the 'pattern' column for a regular expression"),
                      ("jr:choice-name(", "conditions compare choice codes, not labels"),
                      ("if(", "split the condition into show_if and constraints"),
                      ("../", "refer to questions as ${name}"), ("/data/", "refer to questions as ${name}"))


@dataclass
class Imported:
    """What an import gives: the YAML (None if there were errors) and every diagnostic."""

    text: str | None
    diagnostics: list[SheetDiagnostic]

    @property
    def errors(self) -> list[SheetDiagnostic]:
        return [d for d in self.diagnostics if d.is_error]


@dataclass
class SheetRow:
    sheet: str
    number: int  # the row's number in the spreadsheet
    values: dict[str, str]
    headers: list[str]
    langs: dict[str, str]  # header -> language code

    def get(self, key: str) -> str | None:
        value = self.values.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def cell(self, key: str) -> Cell:
        """The place of a column of this row (the first with this base name)."""
        for index, header in enumerate(self.headers, start=1):
            if header == key or split_header(header)[0] == key:
                return (self.sheet, self.number, index, header)
        return (self.sheet, self.number, 0, "")

    def text(self, base: str, default: str) -> dict[str, str] | None:
        found: dict[str, str] = {}
        for header, value in self.values.items():
            name, lang = split_header(header)
            if name != base or not isinstance(value, str) or not value.strip():
                continue
            code = self.langs.get(header) if lang else default
            if code is not None:  # a column whose language cannot be told is reported once (X704)
                found[code] = value
        return found or None


@dataclass
class _State:
    file: str
    diagnostics: list[SheetDiagnostic] = field(default_factory=list)
    origin: dict[str, Cell] = field(default_factory=dict)  # engine path -> cell

    def add(self, code: str, cell: Cell, **args: Any) -> None:
        self.diagnostics.append(SheetDiagnostic(code, self.file, cell, args))


def import_workbook(data: bytes, name: str = "form.xlsx") -> Imported:
    """Read an XLSForm into the questionnaire language; check it with the engine."""
    state = _State(PurePath(name).name)
    suffix = PurePath(name).suffix.lower() or ".xlsx"
    try:
        book = get_xlsform(io.BytesIO(data), file_type=suffix if suffix in (".xlsx", ".xlsm", ".xls", ".csv", ".md")
                           else None)
    except (PyXFormError, ValueError, OSError) as exc:
        state.add("X700", ("survey", 1, 0, ""), problem=str(exc).splitlines()[0][:300])
        return Imported(None, state.diagnostics)
    try:
        workbook_to_json(book, warnings=[])
    except PyXFormError as exc:
        state.add("X701", _pyxform_place(str(exc), book), problem=re.sub(r"^\[row : \d+\]\s*", "", str(exc))
                  .splitlines()[0][:400])
        return Imported(None, state.diagnostics)
    extra = _extra_sheets(data) if suffix in (".xlsx", ".xlsm") else {}
    doc = _Reader(state, book, extra).document()
    if doc is None:
        return Imported(None, state.diagnostics)
    text = dump(doc)  # checked by the engine even after the converter's errors: all problems at once
    try:
        loaded = engine.load(text, source=state.file)
        found_diagnostics: tuple[engine.Diagnostic, ...] = loaded.warnings
    except engine.QuestionnaireError as exc:
        found_diagnostics = exc.diagnostics
    lines = _line_paths(text)
    for diagnostic in found_diagnostics:
        path = diagnostic.path if _known(state.origin, diagnostic.path) else lines.get(diagnostic.line, "")
        state.diagnostics.append(SheetDiagnostic(diagnostic.code, state.file, _place(state.origin, path),
                                                 inner=diagnostic))
    failed = any(d.is_error for d in state.diagnostics)
    return Imported(None if failed else text, state.diagnostics)


def _pyxform_place(message: str, book: DefinitionData) -> Cell:
    """The cell a pyxform message is about: its "[row : N]" and the column it names, if any."""
    row = re.search(r"\[row : (\d+)\]", message)
    sheet = re.search(r"On the '(\w+)' sheet", message)
    name = sheet.group(1) if sheet else SURVEY
    column = re.search(r"the '([^']+)' value", message)
    headers = [str(key) for key in ((getattr(book, f"{name}_header", None) or [{}])[0])]
    index = headers.index(column.group(1)) + 1 if column and column.group(1) in headers else 0
    return (name, int(row.group(1)) if row else 1, index, headers[index - 1] if index else "")


def _line_paths(text: str) -> dict[int, str]:
    """Line of the generated YAML -> the deepest path written on it (for the engine's diagnostics
    that give a line but not a full path)."""
    lines: dict[int, str] = {}

    def walk(node: Node_ | None, path: str) -> None:
        if node is None:
            return
        lines[node.line] = path
        if node.kind == MAP:
            for key, value in node.value.items():
                here = f"{path}.{key}" if path else key
                lines[node.keys[key].line] = here  # type: ignore[index]
                walk(value, here)
        elif node.kind == SEQ:
            for index, item in enumerate(node.value):
                walk(item, f"{path}[{index}]")

    walk(read(text, engine.errors.Collector("")), "")
    return lines


def _known(origin: Mapping[str, Cell], path: str) -> bool:
    return bool(path) and ("." in path or "[" in path) and _place(origin, path)[0] != SETTINGS


def _place(origin: Mapping[str, Cell], path: str) -> Cell:
    """The cell of the longest known prefix of an engine path."""
    while path:
        if path in origin:
            return origin[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return (SETTINGS, 2, 0, "")


def _extra_sheets(data: bytes) -> dict[str, tuple[list[dict[str, Any]], list[str]]]:
    """The framework and templates sheets (pyxform reads only XLSForm's own sheets)."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = {}
    try:
        for name in book.sheetnames:
            if name.lower() not in (FRAMEWORK, TEMPLATES):
                continue
            sheet = book[name]
            headers = get_excel_column_headers(c.value for c in next(sheet.iter_rows(max_row=1), ()))
            rows = get_excel_rows(headers, sheet.iter_rows(min_row=2, max_col=len(headers)), _clean_cell)
            out[name.lower()] = (rows, [h for h in headers if h is not None])
    finally:
        book.close()
    return out


def _clean_cell(cell: Any, row: int, key: str) -> str | None:
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
    return xlsx_value_to_str(value) if value not in (None, "") else None


class _Reader:
    def __init__(self, state: _State, book: DefinitionData,
                 extra: Mapping[str, tuple[list[dict[str, Any]], list[str]]]):
        self.state = state
        self.book = book
        self.extra = extra
        self.default = "en"
        self.templates: dict[str, Plain] = {}
        self.lists: dict[str, list[Plain]] = {}
        self.list_rows: dict[str, SheetRow] = {}
        self.reading_templates = False  # the templates sheet may hold include rows and {parameters}
        self.template_names: set[str] = set()

    # -- rows --------------------------------------------------------------------------------------
    def rows(self, sheet: str, records: list[dict[str, Any]] | None, headers: list[str]) -> list[SheetRow]:
        langs: dict[str, str] = {}
        for index, header in enumerate(headers, start=1):
            base, lang = split_header(header)
            if lang is None:
                continue
            code = language_code(lang) if lang != "default" else self.default
            if code is None:
                self.state.add("X704", (sheet, 1, index, header), column=header, base=base)
            else:
                langs[header] = code
        out = []
        for number, record in enumerate(records or [], start=2):
            values = {_alias(k): str(v) for k, v in record.items() if v is not None}
            if values:
                out.append(SheetRow(sheet, number, values, headers, {_alias(k): v for k, v in langs.items()}))
        return out

    @staticmethod
    def header_list(header: Any) -> list[str]:
        return [str(key) for key in (header[0] if header else {})]

    # -- the document --------------------------------------------------------------------------------
    def document(self) -> Plain | None:
        settings_rows = self.rows(SETTINGS, self.book.settings, self.header_list(self.book.settings_header))
        settings = settings_rows[0] if settings_rows else SheetRow(SETTINGS, 2, {}, [], {})
        if settings.get("default_language"):
            self.default = language_code(settings.get("default_language") or "") or self.default
        doc: Plain = {}
        survey = self.rows(SURVEY, self.book.survey, self.header_list(self.book.survey_header))
        choices = self.rows("choices", self.book.choices, self.header_list(self.book.choices_header))
        self.settings(settings, doc, survey + choices)
        if FRAMEWORK in self.extra:
            rows, headers = self.extra[FRAMEWORK]
            framework = self.framework(self.rows(FRAMEWORK, rows, headers))
            if framework:
                doc["framework"] = framework
        self.choices(choices)
        self.columns_check(survey)
        if TEMPLATES in self.extra:
            rows, headers = self.extra[TEMPLATES]
            self.read_templates(self.rows(TEMPLATES, rows, headers))
        lists = {name: items for name, items in self.lists.items() if not name.startswith(RESERVED)}
        if lists:
            doc["choice_lists"] = lists
        if self.templates:
            doc["templates"] = self.templates
        doc["sections"] = self.sections(survey, doc)
        return doc

    def settings(self, row: SheetRow, doc: Plain, rows: list[SheetRow]) -> None:
        doc["id"] = row.get("form_id") or re.sub(r"[^a-z0-9_]", "_", PurePath(self.state.file).stem.lower())
        doc["version"] = row.get("version") or "1"
        title = row.text("form_title", self.default) or {}
        if row.get("form_title") and self.default not in title:
            title[self.default] = row.get("form_title") or ""
        doc["title"] = title or {self.default: doc["id"]}
        description = row.text("description", self.default)
        if description:
            doc["description"] = description
        found = (row.get("languages") or "").split()
        if not found:
            seen = [self.default]
            for other in rows:
                seen.extend(other.langs.values())
            found = list(dict.fromkeys(seen))
        doc["languages"] = found
        doc["default_language"] = self.default
        if row.get("fallback"):
            doc["fallback"] = (row.get("fallback") or "").split()
        for setting in UNSUPPORTED_SETTINGS:
            if row.get(setting):
                self.state.add("X709", row.cell(setting), setting=setting,
                               fix="the web app decides how pages and submissions work")

    def columns_check(self, rows: list[SheetRow]) -> None:
        reported: set[str] = set()
        for row in rows:
            for header in row.values:
                base = split_header(header)[0]
                if base in KNOWN_COLUMNS or re.fullmatch(r"constraint(_message)?_\d+", base) or base in reported:
                    continue
                reported.add(base)
                fix = UNSUPPORTED_COLUMNS.get(base) or UNSUPPORTED_COLUMNS.get(header) or \
                    "this column is not part of the questionnaire language"
                self.state.add("X703", row.cell(header), column=header, fix=fix)

    # -- choices -------------------------------------------------------------------------------------
    def choices(self, rows: list[SheetRow]) -> None:
        for row in rows:
            name = row.get("list_name") or row.get("list name")
            if not name:
                continue
            self.list_rows.setdefault(name, row)
            choice: Plain = {"code": row.get("name") or "", "label": row.text("label", self.default) or {}}
            if row.get("other"):
                choice["other"] = _bool_text(row.get("other"))
            self.lists.setdefault(name, []).append(choice)

    # -- the framework -------------------------------------------------------------------------------
    def framework(self, rows: list[SheetRow]) -> Plain | None:
        framework: Plain | None = None
        chapter: Plain | None = None
        article: Plain | None = None
        for row in rows:
            kind = (row.get("kind") or "").lower()
            ident = row.get("id") or ""
            title = row.text("title", self.default)
            parent = {"chapter": framework, "article": chapter, "provision": article, "level": framework}
            names = {"chapter": "framework", "article": "chapter", "provision": "article", "level": "framework"}
            if kind != "framework" and kind in parent and parent[kind] is None:
                self.state.add("X708", row.cell("kind"), kind=kind, parent=names[kind])
                continue
            if kind == "framework":
                framework = {"id": ident, "title": title, "levels": [], "chapters": []}
            elif kind == "level":
                level: Plain = {"code": ident, "label": title}
                if row.get("gaps"):
                    level["gaps"] = _bool_text(row.get("gaps"))
                framework["levels"].append(level)  # type: ignore[index]
            elif kind == "chapter":
                chapter = {"id": ident, "title": title, "articles": []}
                framework["chapters"].append(chapter)  # type: ignore[index]
            elif kind == "article":
                article = {"id": ident, "title": title}
                if row.get("see_also"):
                    article["see_also"] = (row.get("see_also") or "").split()
                guidance = row.text("guidance", self.default)
                if guidance:
                    article["guidance"] = guidance
                chapter["articles"].append(article)  # type: ignore[index]
            elif kind == "provision":
                provision: Plain = {"id": ident, "level": row.get("level") or ""}
                if title:
                    provision["title"] = title
                provision["summary"] = row.text("summary", self.default)
                article.setdefault("provisions", []).append(provision)  # type: ignore[union-attr]
            else:
                self.state.add("X706", row.cell("kind"), value=kind, column="kind",
                               expected="framework, level, chapter, article or provision")
        return framework

    # -- templates -----------------------------------------------------------------------------------
    def read_templates(self, rows: list[SheetRow]) -> None:
        nodes = self.tree(rows)
        self.template_names = {node.row.get("name") or "" for node in nodes if node.kind == "group"}
        self.reading_templates = True
        for node in nodes:
            if node.kind != "group":
                self.state.add("X706", node.row.cell("type"), value=node.row.get("type") or "", column="type",
                               expected="each template is a begin_group ... end_group block")
                continue
            name = node.row.get("name") or ""
            params = (node.row.get("template_parameters") or "").split()
            body: Plain = {}
            if params:
                body["parameters"] = params
            if node.row.get("template_defaults"):
                body["defaults"] = _pairs(node.row.get("template_defaults") or "")
            self.group_keys(node.row, body, {})
            prefix = name + "."
            items = self.children(node, prefix, {}, "")
            scope = {prefix + local: local for local in local_ids(items)}
            body["items"] = [_rename_item(item, scope) for item in items]
            for key in ("show_if",):
                if key in body:
                    body[key] = rename_refs(body[key], scope)
            self.templates[name] = body
        self.reading_templates = False

    # -- sections, groups, questions ------------------------------------------------------------------
    def sections(self, rows: list[SheetRow], doc: Plain) -> list[Plain]:
        sections: list[Plain] = []
        loose: list[Node] = []

        def flush() -> None:
            if loose:
                wrapper = Node("group", SheetRow(SURVEY, loose[0].row.number, {}, [], {}), list(loose))
                section = {"id": "main" if not sections else f"main_{len(sections) + 1}", "title": doc["title"]}
                path = f"sections[{len(sections)}]"
                section["items"] = self.children(wrapper, "", {}, path)
                sections.append(section)
                loose.clear()

        for node in self.tree(rows):
            if node.kind == "group":
                flush()
                path = f"sections[{len(sections)}]"
                sections.append(self.item(node, "", {}, path))
            else:
                loose.append(node)
        flush()
        return sections

    def children(self, node: Node, prefix: str, names: Mapping[str, str], path: str) -> list[Plain]:
        return [self.item(child, prefix, names, f"{path}.items[{index}]")
                for index, child in enumerate(node.children)]

    def item(self, node: Node, prefix: str, names: Mapping[str, str], path: str) -> Plain:
        row = node.row
        self.state.origin[path] = row.cell("name")
        if node.kind == "question" and (row.get("type") or "").strip() == INCLUDE:
            return self.include(row)
        local = self.local_name(row, prefix)
        if node.kind == "group" and row.get("template"):
            return self.instance(node, local, prefix, names, path)
        if node.kind == "group":
            group: Plain = {"id": local}
            self.group_keys(row, group, names, path)
            group["items"] = self.children(node, prefix, names, path)
            return group
        return self.question(node, local, names, path)

    def include(self, row: SheetRow) -> Plain:
        """A templates-sheet row that writes another template's items in place."""
        if not self.reading_templates:
            self.state.add("X706", row.cell("type"), value=INCLUDE, column="type",
                           expected="include rows only on the templates sheet")
        name = row.get("name") or ""
        if name not in self.template_names and "{" not in name:
            self.state.add("X707", row.cell("name"), name=name)
        item: Plain = {"include": name}
        if row.get("with"):
            item["with"] = _pairs(row.get("with") or "")
        return item

    def local_name(self, row: SheetRow, prefix: str) -> str:
        name = row.get("name") or ""
        if prefix and name.startswith(prefix):
            return name[len(prefix):]
        if prefix:
            self.state.add("X706", row.cell("name"), value=name, column="name",
                           expected=f"names inside this template use start with '{prefix}'")
        return name

    def group_keys(self, row: SheetRow, group: Plain, names: Mapping[str, str], path: str = "") -> None:
        for column, key in GROUP_TEXTS.items():
            text = row.text(column, self.default)
            if text:
                group[key] = text
                self.state.origin[f"{path}.{key}"] = row.cell(column)
        if row.get("relevant"):
            group["show_if"] = self.condition(row, "relevant", names)
            self.state.origin[f"{path}.show_if"] = row.cell("relevant")
        if row.get("provisions"):
            group["provisions"] = (row.get("provisions") or "").split()
            self.state.origin[f"{path}.provisions"] = row.cell("provisions")

    def instance(self, node: Node, local: str, prefix: str, names: Mapping[str, str], path: str) -> Plain:
        row = node.row
        name = row.get("template") or ""
        use: Plain = {"use": name, "id": local}
        if row.get("with"):
            use["with"] = dict(_pair(part) for part in (row.get("with") or "").split(";") if part.strip())
        if name not in self.templates:
            self.state.add("X707", row.cell("template"), name=name)
            return use
        keys, expected = expand(use, self.templates)
        inner = prefix + local + "."
        scope = {**names, **{item: inner + item for item in local_ids(expected)}}
        reverse = {full: short for short, full in scope.items()}
        items = [_rename_item(item, reverse) for item in self.children(node, inner, {}, path)]
        written: Plain = {}
        self.group_keys(row, written, {}, path)
        if "show_if" in written:
            written["show_if"] = rename_refs(written["show_if"], reverse)
        for key in ("title", "description", "show_if", "provisions"):
            if written.get(key) != keys.get(key):
                if written.get(key) is not None:
                    use[key] = written[key]
        base = expected
        if items[:len(base)] != base:
            first = next((i for i, (a, b) in enumerate(zip(items, base, strict=False)) if a != b), len(items))
            cell = self.state.origin.get(f"{path}.items[{first}]", row.cell("name"))
            self.state.add("X705", row.cell("template"), id=local, template=name,
                           where=f"{cell[0]} row {cell[1]}")
        elif len(items) > len(base):
            use["items"] = items[len(base):]
        return use

    def question(self, node: Node, local: str, names: Mapping[str, str], path: str) -> Plain:
        row = node.row
        question: Plain = {"id": local}
        qtype, choices = self.question_type(row)
        question["type"] = qtype
        for column, key in QUESTION_TEXTS.items():
            text = row.text(column, self.default)
            if text:
                question[key] = text
                self.state.origin[f"{path}.{key}"] = row.cell(column)
        self.logic(row, question, names, path)
        appearance = row.get("appearance")
        if appearance and appearance != "multiline":
            question["appearance"] = {v: k for k, v in APPEARANCES.items()}.get(appearance, appearance)
            self.state.origin[f"{path}.appearance"] = row.cell("appearance")
        rows = re.search(r"\brows\s*=\s*(\d+)", row.get("parameters") or "")
        if rows:
            question["rows"] = rows.group(1)
        if choices is not None:
            question["choices"] = choices
            self.state.origin[f"{path}.choices"] = row.cell("type")
        if row.get("provisions"):
            question["provisions"] = (row.get("provisions") or "").split()
            self.state.origin[f"{path}.provisions"] = row.cell("provisions")
        for key in PLAIN_KEYS:
            if row.get(key):
                question[key] = row.get(key)
                self.state.origin[f"{path}.{key}"] = row.cell(key)
        if row.get("accept"):
            question["accept"] = (row.get("accept") or "").split()
            self.state.origin[f"{path}.accept"] = row.cell("accept")
        if qtype == "number" and (row.get("type") or "").split()[0] == "integer":
            question["integer"] = "true"
        if node.kind == "repeat":
            question["columns"] = [self.question(child, child.row.get("name") or "", {}, f"{path}.columns[{index}]")
                                   for index, child in enumerate(node.children)]
        self.state.origin[f"{path}.type"] = row.cell("type")
        return question

    def question_type(self, row: SheetRow) -> tuple[str, Any]:
        written = " ".join((row.get("type") or "").split())
        marked = row.get("checklist_type")
        first, _sep, rest = written.partition(" ")
        if written in ("begin_repeat", "begin repeat"):
            return "table", None
        select = next((alias for alias in sorted(_SELECTS, key=len, reverse=True)
                       if written.startswith(alias + " ")), None)
        if select is not None:
            words = written[len(select):].split()
            name = words[0] if words else ""
            if marked == "yes_no":
                return "yes_no", None
            kind = "single_choice" if _SELECTS[select] == "select one" else "multiple_choice"
            if name.startswith(FRAMEWORK_LIST):
                return kind, {"framework": name[len(FRAMEWORK_LIST):]}
            choices: Any = name
            if name.startswith(INLINE):
                choices = self.lists.get(name, [])
            elif name not in self.lists and not (self.reading_templates and _PARAMETER.fullmatch(name)):
                self.state.add("X706", row.cell("type"), value=name, column="type",
                               expected="a list_name of the choices sheet")
            if len(words) > 1 and words[1] == "or_other":
                choices = self.with_other(name, choices)
            return kind, choices
        if marked in ("url", "email") and first == "text":
            return marked, None
        if first == "text" and row.get("appearance") == "multiline":
            return "long_text", None
        if first in SIMPLE_TYPES:
            return SIMPLE_TYPES[first], None
        self.state.add("X702", row.cell("type"), type=written, allowed=_SUPPORTED)
        return "text", None

    def with_other(self, name: str, choices: Any) -> Any:
        """``or_other``: the list with an "other" choice that asks to specify (a copy, inline)."""
        items = list(self.lists.get(name, [])) if isinstance(choices, str) else list(choices)
        if not any(item.get("code") == "other" for item in items):
            items.append({"code": "other", "label": {self.default: "Other"}, "other": "true"})
        return items

    def logic(self, row: SheetRow, question: Plain, names: Mapping[str, str], path: str) -> None:
        if row.get("relevant"):
            question["show_if"] = self.condition(row, "relevant", names)
            self.state.origin[f"{path}.show_if"] = row.cell("relevant")
        required = row.get("required")
        if required:
            known = aliases.yes_no.get(required)
            question["required"] = ("true" if known else "false") if known is not None \
                else self.condition(row, "required", names)
            self.state.origin[f"{path}.required"] = row.cell("required")
        constraints: list[Plain] = []
        for suffix in [""] + [f"_{n}" for n in range(2, 50)]:
            rule = row.get(f"constraint{suffix}")
            if not rule:
                if suffix:
                    break
                continue
            constraint: Plain = {"rule": self.condition(row, f"constraint{suffix}", names)}
            message = row.text(f"constraint_message{suffix}", self.default)
            if message:
                constraint["message"] = message
            self.state.origin[f"{path}.constraints[{len(constraints)}]"] = row.cell(f"constraint{suffix}")
            constraints.append(constraint)
        if constraints:
            question["constraints"] = constraints

    def condition(self, row: SheetRow, column: str, names: Mapping[str, str]) -> str:
        text = row.get(column) or ""
        for found, fix in _XPATH_UNSUPPORTED:
            if found in text:
                self.state.add("X710", row.cell(column), what=found.rstrip("("), fix=fix)
        for pattern, replacement in _XPATH:
            text = pattern.sub(replacement, text)
        return rename_refs(text, names)

    # -- structure -------------------------------------------------------------------------------------
    def tree(self, rows: list[SheetRow]) -> list[Node]:
        """Rows nested by begin/end group and repeat (pyxform checked the survey sheet's pairs)."""
        root = Node("root", SheetRow(SURVEY, 1, {}, [], {}), [])
        stack = [root]
        for row in rows:
            written = " ".join((row.get("type") or "").split()).lower()
            if not written:
                continue
            begin = _control(written, "begin")
            end = _control(written, "end")
            if begin:
                node = Node(begin, row, [])
                stack[-1].children.append(node)
                stack.append(node)
            elif end:
                if len(stack) == 1:
                    self.state.add("X701", row.cell("type"), problem=f"'{written}' without a matching begin")
                else:
                    stack.pop()
            else:
                stack[-1].children.append(Node("question", row, []))
        if len(stack) > 1:
            self.state.add("X701", stack[-1].row.cell("type"), problem="this group or repeat is never ended")
        return root.children


@dataclass
class Node:
    kind: str  # group, repeat, question
    row: SheetRow
    children: list[Node]


def _control(written: str, which: str) -> str | None:
    for separator in (" ", "_"):
        if written.startswith(which + separator):
            kind = aliases.control.get(written[len(which) + 1:])
            if kind in ("group", "repeat"):
                return str(kind)
    return None


def _alias(header: str) -> str:
    base, lang = split_header(header)
    names = {"relevance": "relevant", "caption": "label", "constraining_message": "constraint_message",
             "requiredmsg": "required_message", "list name": "list_name"}
    base = names.get(base, base)
    return f"{base}::{lang}" if lang else base


#: A template parameter standing for a value, e.g. a choice list named by the template's user.
_PARAMETER = re.compile(r"\{\w+\}")


def _pairs(text: str) -> dict[str, str]:
    """``a=1; b=2`` -> ``{"a": "1", "b": "2"}``."""
    return dict(_pair(part) for part in text.split(";") if part.strip())


def _pair(text: str) -> tuple[str, str]:
    key, _sep, value = text.partition("=")
    return key.strip(), value.strip()


def _bool_text(value: str | None) -> str:
    known = aliases.yes_no.get(value or "")
    return "true" if known else "false" if known is not None else str(value)


def _rename_item(item: Any, names: Mapping[str, str]) -> Any:
    """An item (and what it holds) with references renamed, table columns excepted."""
    if not isinstance(item, dict) or not names:
        return item
    out = dict(item)
    for key in ("show_if", "required"):
        if isinstance(out.get(key), str):
            out[key] = rename_refs(out[key], names)
    if isinstance(out.get("constraints"), list):
        out["constraints"] = [{**c, "rule": rename_refs(c["rule"], names)} for c in out["constraints"]]
    if isinstance(out.get("items"), list):
        out["items"] = [_rename_item(child, names) for child in out["items"]]
    return out


# -- YAML out ------------------------------------------------------------------------------------------
_ORDER = ("use", "id", "version", "type", "role", "choices", "show_if", "required", "title", "label", "description",
          "hint", "guidance", "with", "languages", "default_language", "fallback", "framework", "choice_lists",
          "templates", "sections")


def dump(doc: Plain) -> str:
    """The definition as YAML: the language's key order, texts in the order of the languages
    (the default first), short texts and lists on one line, long texts unfolded."""
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    languages = [doc.get("default_language", "en"), *doc.get("languages", [])]
    order = {lang: index for index, lang in enumerate(dict.fromkeys(languages))}
    buffer = io.StringIO()
    buffer.write("# Imported from an XLSForm; check it with: checklist validate FILE\n")
    yaml.dump(_styled(doc, order), buffer)
    return buffer.getvalue()


def _styled(value: Any, order: Mapping[str, int], key: str = "") -> Any:
    if isinstance(value, dict):
        if value and all(k in order for k in value):
            ordered = sorted(value, key=lambda k: order[k])
        else:
            ordered = sorted(value, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER)))
        out = CommentedMap((k, _styled(value[k], order, k)) for k in ordered)
        if _is_short(value):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        items = CommentedSeq(_styled(item, order) for item in value)
        if all(isinstance(item, str) for item in value) and sum(len(item) + 2 for item in value) < 80:
            items.fa.set_flow_style()
        return items
    if value in ("true", "false") and key in ("required", "integer", "other", "gaps"):
        return value == "true"
    return value


def _is_short(value: Mapping[str, Any]) -> bool:
    return all(isinstance(v, str) for v in value.values()) and sum(len(k) + len(v) + 4 for k, v in value.items()) < 90

