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
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from lxml.etree import XPath

from engine.model import Question

from . import BLANK_ROWS, MAX_CELL, MAX_ISSUES, MAX_QUESTIONS, Copy, Found, Issue, Read, cell_text, cell_value

MARK = re.compile(r"\[\[(doc|q|c|k):([^\]]{0,500})\]\]")
BOX, CHECKED = "☐", "☒"
RTL = frozenset({"ar", "fa", "he", "ur"})


# -- writing ------------------------------------------------------------------------------------------------
def write(copy: Copy, out: IO[bytes]) -> None:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    rtl = copy.lang in RTL
    document.core_properties.title = copy.words.title
    document.core_properties.language = copy.lang
    _direction(document.add_heading(copy.words.title, level=0), rtl)
    marker = ";".join(f"{key}={value}" for key, value in copy.meta.items())
    parts = [_p([_r(f"[[doc:{marker}]]", hidden=True)], rtl)]
    if copy.words.instructions:
        parts.append(_p([_r(copy.words.instructions)], rtl))
    width = int(document._block_width.twips)
    heading = document.styles["Heading 1"].style_id
    for block in copy.blocks:
        parts.append(_p([_r(block.title)], rtl, style=heading))
        if block.subtitle:
            parts.append(_p([_r(block.subtitle)], rtl))
        for question in block.questions:
            parts.append(_question(copy, question, rtl, width))
    # the questions are written as XML and parsed once: python-docx's object model adds each element
    # by scanning its parent, which costs seconds for the hundreds of tables of a chapter
    body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(parts)}</w:body>")
    sect = document.element.body.sectPr
    for child in list(body):
        sect.addprevious(child)
    document.save(out)


_XML_CHARS = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _r(text: str, hidden: bool = False, bold: bool = False) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:vanish/>" if hidden else "")
    text = escape(_XML_CHARS.sub("", text))
    return f'<w:r>{"<w:rPr>" + props + "</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _p(runs: list[str], rtl: bool, style: str | None = None) -> str:
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:bidi/>" if rtl else "")
    return f'<w:p>{"<w:pPr>" + props + "</w:pPr>" if props else ""}{"".join(runs)}</w:p>'


def _lines(text: str, rtl: bool) -> str:
    return "".join(_p([_r(line)], rtl) for line in (text.split("\n") if text else [""]))


def _table(rows: list[list[str]], width: int, rtl: bool, widths: list[int] | None = None) -> str:
    """A bordered table; each cell is given as its paragraphs' XML."""
    columns = len(rows[0])
    widths = widths or [width // columns] * columns
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = "".join("<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
                                      for cell, w in zip(row, widths, strict=True)) + "</w:tr>" for row in rows)
    props = '<w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>' + ("<w:bidiVisual/>" if rtl else "")
    return f"<w:tbl><w:tblPr>{props}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def _question(copy: Copy, question: Question, rtl: bool, width: int) -> str:
    out = [_p([_r(copy.label(question), bold=True)], rtl)]
    hint = copy.q.text(question.hint, copy.lang).text
    if hint:
        out.append(_p([_r(hint)], rtl))
    out.append(_p([_r(f"[[q:{question.id}:{copy.versions.get(question.id, 0)}]]", hidden=True)], rtl))
    value = copy.values.get(question.id)
    kind = question.type
    if kind in ("single_choice", "multiple_choice", "yes_no"):
        options = ([("true", copy.words.yes), ("false", copy.words.no)] if kind == "yes_no" else
                   [(c.code, copy.choice_label(question, c.code)) for c in question.choices.choices]
                   if question.choices else [])
        chosen = ({"true" if value else "false"} if kind == "yes_no" and value is not None else
                  set(value or []) if kind == "multiple_choice" else {value})
        rows = [[_p([_r(CHECKED if code in chosen else BOX)], rtl),
                 _p([_r(text), _r(f" [[c:{code}]]", hidden=True)], rtl)] for code, text in options]
        out.append(_table(rows, width, rtl, [width // 10, width - width // 10]))
    elif kind == "table":
        columns = question.columns
        rows = [[_p([_r(copy.label(c), bold=True), _r(f" [[k:{c.id}]]", hidden=True)], rtl) for c in columns]]
        for row in list(value or []) + [{}] * BLANK_ROWS:
            rows.append([_lines(cell_text(c, row.get(c.id), copy), rtl) for c in columns])
        out.append(_table(rows, width, rtl))
    elif kind == "file":
        names = cell_text(question, value, copy)
        out.append(_table([[_lines(f"{copy.words.files}: {names}" if names else copy.words.files, rtl)]], width, rtl))
    else:
        out.append(_table([[_lines(cell_text(question, value, copy), rtl)]], width, rtl))
    return "".join(out)


def _direction(paragraph: Paragraph, rtl: bool) -> None:
    if rtl:
        properties = paragraph._p.get_or_add_pPr()
        properties.append(properties.makeelement(qn("w:bidi"), {}))


# -- reading ------------------------------------------------------------------------------------------------
# The body is read with lxml directly (python-docx's objects cost seconds for a chapter's tables).
_W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_TEXT = XPath(".//w:t/text() | .//w:tab | .//w:br", namespaces=_W)
_PARAGRAPHS = XPath("./w:p | ./w:sdt/w:sdtContent/w:p", namespaces=_W)
_ROWS = XPath("./w:tr | ./w:sdt/w:sdtContent/w:tr", namespaces=_W)
_CELLS = XPath("./w:tc | ./w:sdt/w:sdtContent/w:tc", namespaces=_W)
_P, _TBL, _SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def _text(element: Any) -> str:
    return "".join(part if isinstance(part, str) else "\t" if part.tag == qn("w:tab") else "\n"
                   for part in _TEXT(element))


def _cell_text(cell: Any) -> str:
    return "\n".join(_text(p) for p in _PARAGRAPHS(cell))[:MAX_CELL + 1]


def _rows(table: Any) -> list[list[str]]:
    return [[_cell_text(cell) for cell in _CELLS(row)] for row in _ROWS(table)]


def _blocks(body: Any) -> Iterator[Any]:
    for child in body.iterchildren():
        if child.tag == _SDT:  # content controls (LibreOffice and Word may wrap parts in them)
            for inner in child.iterfind("w:sdtContent", _W):
                yield from _blocks(inner)
        elif child.tag in (_P, _TBL):
            yield child


def _markers(text: str, kind: str) -> list[str]:
    return [value for found, value in MARK.findall(text) if found == kind]


def _visible(text: str) -> str:
    return MARK.sub("", text).strip()


def load(data: bytes) -> Any:
    """The document (raises if the file is no Word document)."""
    return Document(io.BytesIO(data))


def meta(document: Any) -> dict[str, str]:
    """What the document's first marker says (State, response, questionnaire, version, language)."""
    for part in list(_blocks(document.element.body))[:8]:
        for value in _markers(_text(part), "doc") if part.tag == _P else []:
            return dict(item.split("=", 1) for item in value.split(";") if "=" in item)
    return {}


def read(data: bytes | Any, copy: Copy) -> Read:
    """What the document (or its bytes) says for the questions of ``copy`` (the questionnaire and
    language it was exported in)."""
    document = load(data) if isinstance(data, bytes) else data
    result = Read()
    pending: tuple[str, int, str] | None = None  # (question id, version, where the marker is)
    number = 0
    for part in _blocks(document.element.body):
        if part.tag == _P:
            text = _text(part)
            for meta in _markers(text, "doc"):
                result.meta.update(dict(item.split("=", 1) for item in meta.split(";") if "=" in item))
            for marker in _markers(text, "q"):
                marked, _sep, seen = marker.rpartition(":")
                if pending is not None:
                    result.issues.append(Issue(pending[2], "no_table", {"question": pending[0]}))
                pending = (marked, int(seen) if seen.isdigit() else 0, f"after table {number}")
            continue
        number += 1
        if pending is None:
            continue  # a table the ministry added: not ours
        qid, version, _where = pending
        pending = None
        if len(result.found) >= MAX_QUESTIONS or len(result.issues) >= MAX_ISSUES:
            break
        question = copy.q.index.items.get(qid)
        if not isinstance(question, Question):
            result.issues.append(Issue(f"table {number}", "unknown_question", {"question": qid}))
            continue
        _read_table(_rows(part), number, question, version, copy, result)
    if pending is not None:
        result.issues.append(Issue(pending[2], "no_table", {"question": pending[0]}))
    return result


def _read_table(rows: list[list[str]], number: int, question: Question, version: int, copy: Copy,
                result: Read) -> None:
    where = f"table {number}"
    kind = question.type
    if not rows or not rows[0]:
        result.issues.append(Issue(where, "damaged", {}))
        return
    if kind in ("single_choice", "multiple_choice", "yes_no"):
        chosen = []
        for index, cells in enumerate(rows, start=1):
            codes = _markers("".join(cells), "c")
            if not codes:
                result.issues.append(Issue(f"{where}, row {index}", "no_marker", {}))
                return
            if _checked(cells[0]):
                chosen.append(codes[0])
        if len(chosen) > 1 and kind != "multiple_choice":
            result.issues.append(Issue(where, "several_chosen", {}))
            return
        raw: Any = (chosen or None) if kind == "multiple_choice" else chosen[0] if chosen else None
        if kind == "yes_no" and raw is not None:
            raw = raw == "true"
        result.found.append(Found(question.id, version, raw, where))
    elif kind == "table":
        _read_rows(rows, where, question, version, copy, result)
    elif kind != "file":  # files are attached in the application
        text = "\n".join(_visible(cell) for row in rows for cell in row).strip()
        if kind == "number":
            raw, _issue = cell_value(question, text, copy.lang, copy.words, copy.q)
        else:
            raw = text or None
        result.found.append(Found(question.id, version, raw, where))


def _checked(text: str) -> bool:
    return bool(_visible(text).replace(BOX, "").strip())


def _read_rows(rows: list[list[str]], where: str, question: Question, version: int, copy: Copy,
               result: Read) -> None:
    ids = [(_markers(cell, "k") or [""])[0] for cell in rows[0]]
    known = {column.id: column for column in question.columns}
    if not all(ids) or any(i not in known for i in ids):
        result.issues.append(Issue(f"{where}, row 1", "headings_changed", {}))
        return
    current = copy.values.get(question.id) or []
    raw_rows: list[dict[str, Any]] = []
    places: list[str] = []
    labels = {column_id: copy.label(known[column_id]) for column_id in ids}
    for index, cells in enumerate(rows[1:], start=2):
        if len(cells) != len(ids):
            result.issues.append(Issue(f"{where}, row {index}", "damaged", {}))
            return
        values: dict[str, Any] = {}
        for cell, column_id in zip(cells, ids, strict=True):
            column = known[column_id]
            files = _files_of(current, column_id) if column.type == "file" else None
            value, issue = cell_value(column, _visible(cell), copy.lang, copy.words, copy.q, files)
            if issue:
                result.issues.append(Issue(f"{where}, row {index}", issue,
                                           {"column": labels[column_id], "value": str(value)[:80]}))
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
