"""Answers as a Word document (python-docx) and back.

Layout: a heading per block, then per question its label (and hint) and an answer table:

* texts, numbers, dates, addresses: a one-cell box holding the answer;
* choices and yes/no: one row per option, a check box (☐ / ☒) and the option's label;
* tables: a header row of column labels, the stored rows and a few empty ones;
* files: their names, listed (files are attached in the application, not in Word).

Markers are hidden text (Word and LibreOffice keep hidden text): ``[[doc:...]]`` once at the top,
``[[q:<id>:<version>]]`` before each answer table, ``[[c:<code>]]`` in each option's row and
``[[k:<column>]]`` in each table heading. The reader walks the body in order, so tables are
numbered as a reader of the document counts them ("table 3, row 2").
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from engine.model import Question

from . import BLANK_ROWS, MAX_CELL, MAX_QUESTIONS, Copy, Found, Issue, Read, cell_text, cell_value

MARK = re.compile(r"\[\[(doc|q|c|k):([^\]]{0,500})\]\]")
BOX, CHECKED = "☐", "☒"
RTL = frozenset({"ar", "fa", "he", "ur"})


# -- writing ------------------------------------------------------------------------------------------------
def write(copy: Copy, out: IO[bytes]) -> None:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10)
    rtl = copy.lang in RTL
    document.core_properties.title = copy.words.title
    document.core_properties.language = copy.lang
    head = document.add_heading(copy.words.title, level=0)
    _direction(head, rtl)
    marker = ";".join(f"{key}={value}" for key, value in copy.meta.items())
    _hidden(document.add_paragraph(), f"[[doc:{marker}]]")
    if copy.words.instructions:
        _direction(document.add_paragraph(copy.words.instructions), rtl)
    for block in copy.blocks:
        _direction(document.add_heading(block.title, level=1), rtl)
        if block.subtitle:
            _direction(document.add_paragraph(block.subtitle), rtl)
        for question in block.questions:
            _question(document, copy, question, rtl)
    document.save(out)


def _question(document: Any, copy: Copy, question: Question, rtl: bool) -> None:
    label = document.add_paragraph()
    label.add_run(copy.label(question)).bold = True
    _direction(label, rtl)
    hint = copy.q.text(question.hint, copy.lang).text
    if hint:
        _direction(document.add_paragraph(hint), rtl)
    value = copy.values.get(question.id)
    marker = document.add_paragraph()
    _hidden(marker, f"[[q:{question.id}:{copy.versions.get(question.id, 0)}]]")
    kind = question.type
    if kind in ("single_choice", "multiple_choice", "yes_no"):
        options = ([("true", copy.words.yes), ("false", copy.words.no)] if kind == "yes_no" else
                   [(c.code, copy.choice_label(question, c.code)) for c in question.choices.choices]
                   if question.choices else [])
        chosen = ({"true" if value else "false"} if kind == "yes_no" and value is not None else
                  set(value or []) if kind == "multiple_choice" else {value})
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for code, text in options:
            cells = table.add_row().cells
            cells[0].text = CHECKED if code in chosen else BOX
            paragraph = cells[1].paragraphs[0]
            paragraph.add_run(text)
            _hidden(paragraph, f" [[c:{code}]]")
    elif kind == "table":
        columns = question.columns
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for cell, column in zip(table.rows[0].cells, columns, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(copy.label(column)).bold = True
            _hidden(paragraph, f" [[k:{column.id}]]")
        for row in list(value or []) + [{}] * BLANK_ROWS:
            cells = table.add_row().cells
            for cell, column in zip(cells, columns, strict=True):
                _fill(cell, cell_text(column, row.get(column.id), copy))
    elif kind == "file":
        table = document.add_table(rows=1, cols=1)
        table.style = "Table Grid"
        names = cell_text(question, value, copy)
        _fill(table.rows[0].cells[0], f"{copy.words.files}: {names}" if names else copy.words.files)
    else:
        table = document.add_table(rows=1, cols=1)
        table.style = "Table Grid"
        _fill(table.rows[0].cells[0], cell_text(question, value, copy))
    if rtl:
        _rtl_table(table)


def _fill(cell: Any, text: str) -> None:
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _hidden(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.hidden = True


def _direction(paragraph: Paragraph, rtl: bool) -> None:
    if rtl:
        properties = paragraph._p.get_or_add_pPr()
        properties.append(properties.makeelement(qn("w:bidi"), {}))


def _rtl_table(table: Table) -> None:
    properties = table._tbl.tblPr
    properties.append(properties.makeelement(qn("w:bidiVisual"), {}))


# -- reading ------------------------------------------------------------------------------------------------
def _body(document: Any) -> Iterator[Paragraph | Table]:
    yield from document.iter_inner_content()


def _markers(text: str, kind: str) -> list[str]:
    return [value for found, value in MARK.findall(text) if found == kind]


def _visible(text: str) -> str:
    return MARK.sub("", text).strip()


def read(data: bytes, copy: Copy) -> Read:
    """What the document says for the questions of ``copy`` (the questionnaire and language it was
    exported in). Raises ``ValueError`` if the file is no Word document."""
    document = Document(io.BytesIO(data))
    result = Read()
    pending: tuple[str, int, str] | None = None  # (question id, version, where the marker is)
    number = 0
    for part in _body(document):
        if isinstance(part, Paragraph):
            text = part.text
            for meta in _markers(text, "doc"):
                result.meta.update(dict(item.split("=", 1) for item in meta.split(";") if "=" in item))
            for marker in _markers(text, "q"):
                qid, _sep, version = marker.rpartition(":")
                if pending is not None:
                    result.issues.append(Issue(pending[2], "no_table", {"question": pending[0]}))
                pending = (qid, int(version) if version.isdigit() else 0, f"after table {number}")
            continue
        number += 1
        if pending is None:
            continue  # a table the ministry added: not ours
        qid, version, _where = pending
        pending = None
        if len(result.found) >= MAX_QUESTIONS:
            break
        question = copy.q.index.items.get(qid)
        if not isinstance(question, Question):
            result.issues.append(Issue(f"table {number}", "unknown_question", {"question": qid}))
            continue
        _read_table(part, number, question, version, copy, result)
    if pending is not None:
        result.issues.append(Issue(pending[2], "no_table", {"question": pending[0]}))
    return result


def _cell(cell: Any) -> str:
    text = "\n".join(p.text for p in cell.paragraphs)
    return _visible(text)[:MAX_CELL + 1]


def _read_table(table: Table, number: int, question: Question, version: int, copy: Copy, result: Read) -> None:
    where = f"table {number}"
    kind = question.type
    try:
        rows = table.rows
        if kind in ("single_choice", "multiple_choice", "yes_no"):
            chosen = []
            for index, row in enumerate(rows, start=1):
                cells = row.cells
                codes = _markers("".join(c.text for c in cells), "c")
                if not codes:
                    result.issues.append(Issue(f"{where}, row {index}", "no_marker", {}))
                    return
                if any(_checked(c.text) for c in cells[:1]):
                    chosen.append(codes[0])
            raw: Any
            if kind == "yes_no":
                raw = None if not chosen else chosen[0] == "true" if len(chosen) == 1 else chosen
            elif kind == "single_choice":
                raw = None if not chosen else chosen[0] if len(chosen) == 1 else chosen
            else:
                raw = chosen or None
            if isinstance(raw, list) and kind != "multiple_choice":
                result.issues.append(Issue(where, "several_chosen", {}))
                return
            result.found.append(Found(question.id, version, raw, where))
        elif kind == "table":
            _read_rows(rows, where, question, version, copy, result)
        elif kind == "file":
            return  # files are attached in the application
        else:
            text = "\n".join(_cell(cell) for row in rows for cell in row.cells).strip()
            if kind == "number":
                raw, _issue = cell_value(question, text, copy.lang, copy.words, copy.q)
            else:
                raw = text or None
            result.found.append(Found(question.id, version, raw, where))
    except (IndexError, ValueError):
        result.issues.append(Issue(where, "damaged", {}))


def _checked(text: str) -> bool:
    mark = _visible(text).replace(BOX, "").strip()
    return bool(mark)


def _read_rows(rows: Any, where: str, question: Question, version: int, copy: Copy, result: Read) -> None:
    header = rows[0].cells
    ids = [(_markers(cell.text, "k") or [""])[0] for cell in header]
    known = {column.id: column for column in question.columns}
    if not all(ids) or any(i not in known for i in ids):
        result.issues.append(Issue(f"{where}, row 1", "headings_changed", {}))
        return
    current = copy.values.get(question.id) or []
    raw_rows: list[dict[str, Any]] = []
    places: list[str] = []
    labels: dict[str, str] = {}
    for index, row in enumerate(list(rows)[1:], start=2):
        cells = row.cells
        if len(cells) != len(ids):
            result.issues.append(Issue(f"{where}, row {index}", "damaged", {}))
            return
        values: dict[str, Any] = {}
        for cell, column_id in zip(cells, ids, strict=True):
            if not column_id:
                continue
            column = known[column_id]
            labels[column_id] = copy.label(column)
            files = _files_of(current, column_id) if column.type == "file" else None
            value, issue = cell_value(column, _cell(cell), copy.lang, copy.words, copy.q, files)
            if issue:
                result.issues.append(Issue(f"{where}, row {index}", issue,
                                           {"column": copy.label(column), "value": str(value)[:80]}))
                return
            if value is not None:
                values[column_id] = value
        if values:
            raw_rows.append(values)
            places.append(f"{where}, row {index}")
    result.found.append(Found(question.id, version, raw_rows or None, where, tuple(places), labels))


def _files_of(rows: list[dict[str, Any]], column_id: str) -> list[dict[str, Any]]:
    """Every file reference of a column (a row of the file keeps those it still names)."""
    return [ref for row in rows for ref in (row.get(column_id) or []) if isinstance(ref, dict)]
