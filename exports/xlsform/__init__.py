"""XLSForm in and out: questionnaire definitions as the spreadsheets ODK, KoboToolbox and
SurveyCTO users know (survey, choices and settings sheets, ``label::English (en)`` columns).

``export_workbook(yaml_text)`` writes a workbook; ``import_workbook(data, name)`` reads one back
into YAML with every problem placed on its cell. pyxform reads the spreadsheet and checks it as an
XLSForm; the engine checks the definition it becomes. See docs/xlsform.md for the mapping and what
is not supported.
"""

from __future__ import annotations

from .errors import SheetDiagnostic
from .reader import Imported, import_workbook
from .writer import export_workbook

__all__ = ["Imported", "SheetDiagnostic", "export_workbook", "import_workbook"]
