"""Reading a returned file (Word, Excel, or the app's own JSON) into a review: per question the stored
value beside the file's, and what accepting it would do. Nothing is stored here.

The conflict rule is the one of concurrent edits (``web.answers``): the file carries the version of
each answer it was made from; if the stored answer changed since, and the file says something else,
the line is a conflict, shown with both values; accepting it is the focal point's explicit choice.
Damaged structure and values that cannot be read are placed ("table 3, row 2: ...") and never
stored.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import engine
from engine.model import Question
from exports import display
from exports.office import Copy, Found, Read, excel, word

from .. import bounds
from ..evidence import checks
from ..fill.messages import message
from ..models import Response
from . import copies

#: An imported file may be at most this large.
MAX_IMPORT = 20 * 1024 * 1024

ISSUES = {
    "damaged": _l("the table's structure was changed and cannot be read"),
    "no_table": _l("the answer table of question %(question)s is missing"),
    "unknown_question": _l("%(question)s is not a question of this questionnaire"),
    "no_marker": _l("a hidden marker of this option was removed"),
    "several_chosen": _l("several options are ticked where only one may be"),
    "headings_changed": _l("the column headings were changed"),
    "not_a_choice": _l("'%(column)s': '%(value)s' is not one of the options"),
    "no_sheet": _l("the sheet '%(sheet)s' is missing"),
}
VALUE_PROBLEMS = {
    "integer": _l("'%(column)s' is not a whole number"),
    "number": _l("'%(column)s' is not a number"),
    "date": _l("'%(column)s' is not a date (write it as 2024-01-31)"),
    "choice": _l("'%(column)s' is not one of the options"),
    "url": _l("'%(column)s' is not a web address"),
}


class Unreadable(Exception):
    """The file cannot be reviewed at all (wrong kind, hostile, made for another response)."""


@dataclass
class Line:
    question: Question
    label: str
    where: str
    current: Any
    current_text: str
    incoming: Any
    incoming_text: str
    status: str  # same, changed, conflict, invalid
    base_version: int
    current_version: int
    problem: str = ""


@dataclass
class Review:
    fmt: str
    lines: list[Line] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    skipped: int = 0  # questions the user may not change

    @property
    def changes(self) -> list[Line]:
        return [line for line in self.lines if line.status in ("changed", "conflict")]


def place(where: str) -> str:
    """A reader's place in the user's language."""
    match = re.fullmatch(r"table (\d+)(?:, row (\d+))?", where)
    if match:
        return (_("table %(n)s, row %(row)s", n=match[1], row=match[2]) if match[2]
                else _("table %(n)s", n=match[1]))
    match = re.fullmatch(r"(\w+), row (\d+)", where)
    if match:
        return _("sheet %(sheet)s, row %(row)s", sheet=match[1], row=match[2])
    match = re.fullmatch(r"after table (\d+)", where)
    if match:
        return _("after table %(n)s", n=match[1])
    return where


def kind_of(path: Path) -> str:
    """docx, xlsx or json, by content; hostile office files refused (:class:`checks.Refused`)."""
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "json"
    if not zipfile.is_zipfile(path):
        raise checks.Refused("file_content", name=path.name, allowed="docx, xlsx, json")
    kind = checks.zip_kind(path)
    checks.check_container(path, path.name)
    if kind not in ("docx", "xlsx"):
        raise checks.Refused("file_content", name=path.name, allowed="docx, xlsx, json")
    return kind


def read_file(response: Response, path: Path, fmt: str) -> tuple[Read, Copy]:
    data = path.read_bytes()
    if fmt == "json":
        return _read_json(response, data)
    try:
        if fmt == "docx":
            document = word.load(data)
            lang = _language(word.meta(document))
            copy = copies.build(response, lang, lambda qid: True, "all")
            read = word.read(document, copy)
        else:
            lang = _language(excel.meta(data))
            copy = copies.build(response, lang, lambda qid: True, "all")
            read = excel.read(data, copy)
    except Exception as exc:  # a damaged container: python-docx and openpyxl raise many kinds
        raise Unreadable(_("The file is damaged and cannot be read.")) from exc
    _check_meta(response, read.meta)
    return read, copy


def _language(meta: dict[str, str]) -> str:
    """The language the file was exported in (its choice labels are read in it)."""
    lang = meta.get("lang", "en")
    return lang if lang in ("ar", "en", "es", "fr", "ru", "zh") else "en"


def _check_meta(response: Response, meta: dict[str, str]) -> None:
    if not meta:
        raise Unreadable(_("This file was not exported by this application (its hidden markers are missing)."))
    q = response.version
    if meta.get("state") != response.owner_code or meta.get("questionnaire") != q.questionnaire_id:
        raise Unreadable(_("This file was made for another State or questionnaire."))
    if meta.get("version") != q.version:
        raise Unreadable(_("This file was made for version %(version)s of the questionnaire; this self-assessment "
                           "answers version %(current)s. Export a new file.", version=meta.get("version"),
                           current=q.version))


def _read_json(response: Response, data: bytes) -> tuple[Read, Copy]:
    from exports import schemas

    try:
        bounds.loads(data)
        doc = schemas.loads(data)
    except (ValueError, UnicodeDecodeError, schemas.ImportRefused) as exc:
        raise Unreadable(_("The file is not the application's JSON of a response.")) from exc
    entries = [(index, e) for index, e in enumerate(doc["responses"]) if e["state"] == response.owner_code]
    if not entries:
        raise Unreadable(_("This file was made for another State or questionnaire."))
    index, entry = entries[0]
    _check_meta(response, {"state": entry["state"], "questionnaire": entry["questionnaire"],
                           "version": entry["version"]})
    copy = copies.build(response, doc["language"], lambda qid: True, "all")
    read = Read(meta={"lang": doc["language"]})
    for number, answer in enumerate(entry["answers"]):
        read.found.append(Found(answer["question"], answer["version"], answer["value"],
                                f"responses.{index}.answers.{number}"))
    return read, copy


def review(response: Response, path: Path, fmt: str, may_answer: Any, stored_rows: dict[str, Any]) -> Review:
    read, copy = read_file(response, path, fmt)
    result = Review(fmt)
    q = copy.q
    for issue in read.issues:
        result.issues.append(f"{place(issue.where)}: {ISSUES.get(issue.code, ISSUES['damaged']) % issue.params}")
    seen: set[str] = set()
    for found in read.found:
        question = q.index.items.get(found.question_id)
        if not isinstance(question, Question) or question.type in ("note", "file") or found.question_id in seen:
            continue
        seen.add(found.question_id)
        if not may_answer(question.id):
            result.skipped += 1
            continue
        result.lines.append(_line(q, copy, question, found, stored_rows.get(question.id)))
    if not result.lines and not result.issues:
        result.issues.append(_("The file holds no answer that you may change."))
    return result


def _line(q: engine.Questionnaire, copy: Copy, question: Question, found: Found, row: Any) -> Line:
    current = row.value if row is not None else None
    current_version = row.version if row is not None else 0
    label = copy.label(question)
    line = Line(question, label, place(found.where), current, _words(q, question, current, copy.lang), None, "",
                "same", found.base_version, current_version)
    too_big = bounds.beyond_hard_limit(question, found.raw)
    try:
        if too_big is not None:
            raise engine.InvalidAnswer(too_big)
        value = engine.TYPES[question.type].from_json(question, found.raw)
    except engine.InvalidAnswer as exc:
        line.status, line.problem = "invalid", _problem(copy, question, found, exc.problem)
        line.incoming_text = str(found.raw)[:200] if found.raw is not None else ""
        return line
    line.incoming = engine.TYPES[question.type].to_json(question, value) if value is not None else None
    line.incoming_text = _words(q, question, line.incoming, copy.lang)
    if line.incoming == current:
        line.status = "same"
    elif found.base_version != current_version:
        line.status = "conflict"
    else:
        line.status = "changed"
    return line


def _problem(copy: Copy, question: Question, found: Found, problem: engine.Problem) -> str:
    """'table 3, row 2: 'Year of adoption' is not a whole number', with the column as the file names it."""
    where = place(found.rows[problem.row]) if problem.row is not None and problem.row < len(found.rows) \
        else place(found.where)
    column = question.column(problem.column) if problem.column else None
    name = found.columns.get(problem.column or "") or copy.label(column or question)
    template = VALUE_PROBLEMS.get(problem.code)
    said = str(template) % {"column": name} if template else f"'{name}': {message(copy.q, problem)}"
    return f"{where}: {said}"


def _words(q: engine.Questionnaire, question: Question, raw: Any, lang: str) -> str:
    if raw is None:
        return ""
    try:
        value = engine.TYPES[question.type].from_json(question, raw)
    except engine.InvalidAnswer:
        return json.dumps(raw, ensure_ascii=False)[:200]
    return display.words(q, question, value, lang) if value is not None else ""
