"""Answers to and from office files (Word, Excel) for ministries that answer offline.

The writers take a :class:`Copy` (which questions, under which headings, with their current JSON
answers and versions, in one language) and write a file carrying hidden markers: the questionnaire,
State and response, and per question its id and the version of the answer written. The readers
return what a file says as :class:`Found` items (raw JSON-like values with their place in the file)
and :class:`Issue` s for damaged structure, each placed ("table 3, row 2"); they never judge values:
the web app parses them with the engine and words every problem at the same place.

Only plain data goes in and out; nothing here knows Flask or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import engine
from engine.model import Question

#: Rows offered empty under a table's answers, for new ones (Word users can add more).
BLANK_ROWS = 3
#: Hard limits on what a reader looks at in one file.
MAX_QUESTIONS = 5000
#: Problems listed for one file: reading stops there (the file must be corrected anyway).
MAX_ISSUES = 500
MAX_CELL = engine.types.MAX_TEXT


@dataclass(frozen=True)
class Block:
    """A heading and the questions under it (a page of the web form)."""

    title: str
    questions: tuple[Question, ...]
    subtitle: str = ""


@dataclass(frozen=True)
class Words:
    """Interface words of the file, in its language (the web app translates them)."""

    title: str = "Self-assessment"
    instructions: str = ""
    yes: str = "Yes"
    no: str = "No"
    answer: str = "Answer"
    question: str = "Question"
    section: str = "Section"
    choices: str = "Choices"
    files: str = "Files (attach them in the application)"
    row: str = "Row"


@dataclass(frozen=True)
class Copy:
    """What one exported file holds."""

    q: engine.Questionnaire
    lang: str
    blocks: tuple[Block, ...]
    values: dict[str, Any]  # question id -> stored JSON answer
    versions: dict[str, int]  # question id -> version of that answer (0: none)
    meta: dict[str, str]  # state, response, questionnaire, version, scope
    words: Words = Words()

    def label(self, question: Question) -> str:
        return self.q.text(question.label, self.lang).text or question.id

    def choice_label(self, question: Question, code: str) -> str:
        choice = question.choices.get(code) if question.choices else None
        return self.q.text(choice.label, self.lang).text if choice else code


@dataclass(frozen=True)
class Issue:
    """Something wrong with the file's structure (or a value that cannot be read), and where."""

    where: str  # e.g. "table 3, row 2" or "Answers!E14"
    code: str  # damaged, unknown_question, not_a_choice, no_marker, wrong_file
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    """One question's value as the file gives it."""

    question_id: str
    base_version: int
    raw: Any
    where: str
    rows: tuple[str, ...] = ()  # tables: the place of each raw row
    columns: dict[str, str] = field(default_factory=dict)  # tables: column id -> label as in the file


@dataclass
class Read:
    meta: dict[str, str] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def choice_code(question: Question, typed: str, copy_labels: dict[str, str]) -> str | None:
    """A choice typed as its label (in the file's language) or its code; None if neither."""
    wanted = " ".join(typed.split()).casefold()
    for code, label in copy_labels.items():
        if wanted in (code.casefold(), " ".join(label.split()).casefold()):
            return code
    return None


def labels_of(q: engine.Questionnaire, question: Question, lang: str) -> dict[str, str]:
    if question.choices is None:
        return {}
    return {c.code: q.text(c.label, lang).text for c in question.choices.choices}


def plain_number(typed: str) -> str:
    """A number as typed in any language ('1 234,5', '١٬٢٣٤٫٥') in the engine's form ('1234.5')."""
    text = "".join(typed.split()).replace("\u00a0", "").replace("\u202f", "")
    text = text.replace("\u066c", "").replace("\u066b", ".")
    text = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


def cell_text(question: Question, value: Any, copy: Copy) -> str:
    """A stored JSON value as the text a file shows (tables' cells, Excel's answer cells)."""
    if value is None or value == "" or value == []:
        return ""
    kind = question.type
    if kind == "yes_no":
        return copy.words.yes if value else copy.words.no
    if kind == "single_choice":
        return copy.choice_label(question, value)
    if kind == "multiple_choice":
        return "; ".join(copy.choice_label(question, code) for code in value)
    if kind == "file":
        return "; ".join(str(item.get("name", "")) for item in value if isinstance(item, dict))
    return str(value)


def cell_value(question: Question, typed: str, copy_lang: str, words: Words, q: engine.Questionnaire,
               current: Any = None) -> tuple[Any, str | None]:
    """A cell's text as a raw JSON value for ``question`` (a table column or an Excel answer), or an
    issue code. File cells keep the stored references whose names are still listed."""
    typed = typed.strip()
    kind = question.type
    if not typed:
        return None, None
    if kind == "yes_no":
        low = typed.casefold()
        if low in (words.yes.casefold(), "yes", "true", "1", "x", "☒"):
            return True, None
        if low in (words.no.casefold(), "no", "false", "0"):
            return False, None
        return typed, "not_a_choice"
    if kind in ("single_choice", "multiple_choice"):
        labels = labels_of(q, question, copy_lang)
        parts = [typed] if kind == "single_choice" else [p for p in typed.replace("\n", ";").split(";") if p.strip()]
        codes = []
        for part in parts:
            code = choice_code(question, part, labels)
            if code is None:
                return part, "not_a_choice"
            codes.append(code)
        return (codes[0] if kind == "single_choice" else codes), None
    if kind == "number":
        return plain_number(typed), None
    if kind == "file":
        names = {p.strip() for p in typed.split(";")}
        kept = [ref for ref in (current or []) if isinstance(ref, dict) and ref.get("name") in names]
        return kept or None, None
    return typed, None
