"""Editing exported Word and Excel copies as a ministry would (python-docx, openpyxl)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from openpyxl import load_workbook

from exports.office import word


def docx_tables(data: bytes) -> tuple[Any, dict[str, Any]]:
    """The document and its answer tables by question id."""
    document = Document(io.BytesIO(data))
    tables: dict[str, Any] = {}
    pending = None
    for part in document.iter_inner_content():
        if hasattr(part, "rows"):
            if pending:
                tables[pending] = part
            pending = None
            continue
        for kind, value in word.MARK.findall(part.text):
            if kind == "q":
                pending = value.rpartition(":")[0]
    return document, tables


def save_docx(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def tick(table: Any, label: str) -> None:
    """Tick the option labelled ``label`` (and untick the others)."""
    for row in table.rows:
        cells = row.cells
        cells[0].text = "☒" if word.MARK.sub("", cells[1].text).strip() == label else "☐"


def write_box(table: Any, text: str) -> None:
    table.rows[0].cells[0].text = text


def write_rows(table: Any, rows: list[list[str]]) -> None:
    """Fill the table's empty rows (adding rows as Word's 'insert row below' does)."""
    data_rows = list(table.rows)[1:]
    first_empty = next(i for i, r in enumerate(data_rows) if not any(c.text.strip() for c in r.cells))
    for index, values in enumerate(rows):
        position = first_empty + index
        row = data_rows[position] if position < len(data_rows) else table.add_row()
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value


def xlsx_rows(data: bytes) -> tuple[Any, Any, dict[str, int]]:
    """The workbook, its answers sheet and the row of each question (and '<id>#head' of tables)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Answers"]
    rows: dict[str, int] = {}
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=1, values_only=True), start=1):
        marker = str(cells[0] or "")
        if marker and "#row" not in marker:
            rows[marker.split(":")[0] if "#head" in marker else marker] = number
    return book, sheet, rows


def save_xlsx(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
