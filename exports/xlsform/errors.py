"""The converter's diagnostics: a small catalogue of its own codes (X7xx), and the engine's
diagnostics on the imported definition placed back on the spreadsheet's cells.

Each diagnostic prints like ``checklist validate``: ``FILE#SHEET:ROW:COL: CODE where: message (hint)``,
where *where* reads "survey sheet, row 12, column relevant". Messages are marked with ``N_`` so the
web app translates them as it translates the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import engine
from engine.errors import ERROR, N_, WARNING, Code, _fill

_CATALOGUE: tuple[Code, ...] = (
    Code("X700", ERROR, "unreadable", N_("the file cannot be read as an XLSForm: {problem}"),
         N_("save it as .xlsx with a 'survey' sheet")),
    Code("X701", ERROR, "xlsform", N_("the XLSForm is not valid: {problem}"),
         N_("see https://xlsform.org for the expected layout")),
    Code("X702", ERROR, "unsupported-type", N_("the question type '{type}' is not supported"),
         N_("supported types: {allowed}")),
    Code("X703", WARNING, "unsupported-column", N_("the column '{column}' is not supported: its values are ignored"),
         N_("{fix}")),
    Code("X704", ERROR, "unknown-language", N_("the language of the column '{column}' cannot be told"),
         N_("name the language with its code, e.g. '{base}::English (en)'")),
    Code("X705", ERROR, "template-instance",
         N_("the rows of '{id}' differ from its template '{template}' (first at {where})"),
         N_("edit the template on the templates sheet, or clear 'template' to make it a group of its own")),
    Code("X706", ERROR, "invalid-cell", N_("'{value}' is not a valid value for '{column}'"),
         N_("{expected}")),
    Code("X707", ERROR, "unknown-template", N_("unknown template '{name}'"),
         N_("declare it on the templates sheet")),
    Code("X708", ERROR, "framework-order", N_("a {kind} row must come after a {parent} row"),
         N_("the framework sheet lists each chapter, then its articles, each followed by its provisions")),
    Code("X709", WARNING, "unsupported-setting", N_("the setting '{setting}' is not supported: it is ignored"),
         N_("{fix}")),
    Code("X710", ERROR, "unsupported-expression", N_("'{what}' is not supported in expressions"),
         N_("{fix}")),
    Code("X711", ERROR, "not-exportable", N_("the definition has errors and cannot be exported"),
         N_("run 'checklist validate' on it and correct them first")),
)

CATALOGUE: dict[str, Code] = {entry.code: entry for entry in _CATALOGUE}

#: Where a value came from: (sheet, row, column number, column header).
Cell = tuple[str, int, int, str]


@dataclass(frozen=True)
class SheetDiagnostic:
    """A problem placed on a cell: one of the codes above, or an engine diagnostic moved there."""

    code: str
    file: str
    cell: Cell
    args: dict[str, Any] = field(default_factory=dict, compare=False)
    inner: engine.Diagnostic | None = None

    @property
    def severity(self) -> str:
        return self.inner.severity if self.inner is not None else CATALOGUE[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def source(self) -> str:
        return f"{self.file}#{self.cell[0]}"

    @property
    def line(self) -> int:
        return self.cell[1]

    @property
    def column(self) -> int:
        return self.cell[2]

    def where(self, translate: Callable[[str], str] | None = None) -> str:
        """"survey sheet, row 12, column relevant" (in the language of ``translate``)."""
        sheet, row, _number, header = self.cell
        template = N_("{sheet} sheet, row {row}, column {column}") if header else N_("{sheet} sheet, row {row}")
        return _fill(template, {"sheet": sheet, "row": row, "column": header}, translate)

    def body(self, translate: Callable[[str], str] | None = None) -> str:
        """``message (hint)``, without the place."""
        if self.inner is not None:
            return self.inner.text(translate)
        entry = CATALOGUE[self.code]
        message = _fill(entry.message, self.args, translate)
        hint = _fill(entry.hint, self.args, translate) if entry.hint else ""
        return f"{message} ({hint})" if hint else message

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """``where: message (hint)``."""
        return f"{self.where(translate)}: {self.body(translate)}"

    def format(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.code} {self.text()}"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.text(), "source": self.source,
                "line": self.line, "column": self.column, "sheet": self.cell[0], "header": self.cell[3]}


__all__ = ["CATALOGUE", "Cell", "SheetDiagnostic", "WARNING"]
