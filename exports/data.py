"""Data exports: every answer as rows, one row per provision, and the measures States cite.

Pure: this module imports the engine (and Babel and openpyxl for formats), never the web app. The
web app and the CLI hand it plain data: one :class:`Source` per State's response (the stored JSON
answers of the submission snapshot or of the live draft) and the interface words of the export
language (:class:`Words`).

Forms of the same answers:

* **long**: one row per State x answered question (:func:`long_rows`), with the provisions, article
  and chapter the question covers, its label and the answer as stored and as words in the export
  language. Answers to questions that other answers hide are kept in the database and flagged
  ``not_applicable``; they come after the applicable ones, never mixed with them.
* **wide**: one row per State x provision of the framework (:func:`wide_rows`): the status and
  whether it is a gap, compliance, consideration and adoption, measures cited, challenges, technical
  assistance needed and received, read by role (:mod:`exports.provisions`). Only applicable answers
  count.
* **measures**: every law, policy or measure cited (:func:`measures`), which feeds the repository.

Spreadsheet cells that a spreadsheet program could read as a formula are neutralised
(:func:`neutralise`) in CSV and XLSX. Column headers are stable ids, the same in every language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import IO, Any

import engine
from engine.model import Question

from . import display
from .display import ENGLISH as ENGLISH  # the words of an export: defined with the display of answers
from .display import Words as Words
from .provisions import ProvisionFacts, provision_facts

LONG_COLUMNS = (
    "state_code", "state_name", "questionnaire_id", "version", "response_status", "source", "question_id",
    "provisions", "article", "chapter", "label", "value", "value_text", "answer_language", "not_applicable",
)
WIDE_COLUMNS = (
    "state_code", "state_name", "questionnaire_id", "version", "response_status", "source", "chapter",
    "article", "provision", "level", "applicable", "status", "gap", "compliance", "compliance_text", "considered",
    "adopted", "items_applied", "items_applied_text", "measures",
    "measures_summary", "steps", "challenges", "challenges_text", "challenges_other", "ta_needed",
    "ta_categories", "ta_categories_text", "ta_other", "ta_priority", "ta_priority_text", "ta_received",
    "ta_received_detail",
)

#: First characters that make a spreadsheet program read a cell as a formula (OWASP "CSV
#: injection"), with their full-width forms, which some spreadsheet locales accept too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Excel's limit on the characters of one cell.
XLSX_CELL_LIMIT = 32_767
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Source:
    """One State's response as exported: the stored JSON answers it is built from."""

    state_code: str
    state_name: str
    questionnaire: engine.Questionnaire
    raw: Mapping[str, Any]  # question id -> stored JSON value (never None)
    versions: Mapping[str, int] = field(default_factory=dict)  # question id -> answer version
    languages: Mapping[str, str] = field(default_factory=dict)  # question id -> language written in
    status: str = "draft"
    origin: str = "live"  # "snapshot": the latest submission; "live": the current answers
    snapshot: int | None = None
    as_of: dt.datetime | None = None
    region: str = ""
    #: Leave out questions that cover no provision of the framework (the general part: names,
    #: e-mail addresses, telephones of the people who answered). Used for readers.
    provisions_only: bool = False
    #: Export the answers that other answers hide (flagged, after the applicable ones). Readers get
    #: what the State asserts only, as in its profile.
    include_not_applicable: bool = True
    #: The answers already read as engine values, if the caller has them (else read from ``raw``).
    parsed: Mapping[str, Any] | None = None
    #: Only answers about provisions of these chapters (the State's consent); None: every chapter.
    chapters: frozenset[str] | None = None

    @cached_property
    def answers(self) -> Mapping[str, Any]:
        """The stored answers as engine values (values that no longer parse are left out)."""
        if self.parsed is not None:
            return self.parsed
        return engine.answers_from_json(self.questionnaire, self.raw)

    @cached_property
    def evaluation(self) -> engine.Evaluation:
        return engine.evaluate(self.questionnaire, self.answers)

    def included(self, question_id: str) -> bool:
        if self.chapters is not None and not set(framework_place(self.questionnaire, question_id)[2]) & self.chapters:
            return False
        return not self.provisions_only or bool(self.questionnaire.provisions_of(question_id))

    def shows_chapter(self, chapter: str) -> bool:
        return self.chapters is None or chapter in self.chapters

    def exported_ids(self) -> tuple[list[str], list[str]]:
        """Question ids with an answer to export: (applicable, not applicable), in document order."""
        q = self.questionnaire
        order = q.index.order
        ids = sorted((qid for qid in self.raw if _question(q, qid) is not None and self.included(qid)),
                     key=lambda qid: order.get(qid, 0))
        hidden = self.evaluation.not_applicable
        return ([qid for qid in ids if qid not in hidden],
                [qid for qid in ids if qid in hidden] if self.include_not_applicable else [])


def _question(q: engine.Questionnaire, question_id: str) -> Question | None:
    item = q.index.items.get(question_id)
    return item if isinstance(item, Question) and item.type != "note" else None


# -- words ------------------------------------------------------------------------------------------
def stored_text(raw: Any) -> str | int | float:
    """A stored JSON value as one cell: texts and numbers as they are, anything else as JSON."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (str, int, float)):
        return raw
    return json.dumps(raw, ensure_ascii=False, sort_keys=True)


def framework_place(q: engine.Questionnaire, question_id: str) -> tuple[list[str], list[str], list[str]]:
    """(provisions, articles, chapters) a question covers, each in document order, without repeats."""
    framework = q.framework
    provisions: list[str] = []
    articles: list[str] = []
    chapters: list[str] = []
    if framework is None:
        return provisions, articles, chapters
    for ref in q.provisions_of(question_id):
        if ref in framework.provisions and ref not in provisions:
            provisions.append(ref)
        article = framework.article_of(ref)
        if article is not None:
            if article.id not in articles:
                articles.append(article.id)
            if article.chapter not in chapters:
                chapters.append(article.chapter)
    return provisions, articles, chapters


# -- long form ------------------------------------------------------------------------------------
def long_rows(source: Source, lang: str, words: Words = ENGLISH) -> Iterator[dict[str, Any]]:
    """One row per answered question: the applicable answers first, then the not-applicable ones."""
    q = source.questionnaire
    applicable, hidden = source.exported_ids()
    for qid, not_applicable in [(qid, False) for qid in applicable] + [(qid, True) for qid in hidden]:
        question = q.question(qid)
        raw = source.raw[qid]
        value = source.answers.get(qid)
        provisions, articles, chapters = framework_place(q, qid)
        yield {
            "state_code": source.state_code, "state_name": source.state_name, "questionnaire_id": q.id,
            "version": q.version, "response_status": source.status, "source": source.origin, "question_id": qid,
            "provisions": ";".join(provisions), "article": ";".join(articles), "chapter": ";".join(chapters),
            "label": q.text(question.label, lang).text, "value": stored_text(raw),
            "value_text": display.words(q, question, value, lang, words) if value is not None else stored_text(raw),
            "answer_language": source.languages.get(qid, ""), "not_applicable": not_applicable,
        }


# -- provisions (one row each, read by role: exports.provisions) --------------------------------------
def wide_rows(source: Source, lang: str, words: Words = ENGLISH) -> Iterator[dict[str, Any]]:
    """One row per provision of the framework that the questionnaire asks about."""
    q = source.questionnaire
    level_labels = {level.code: level for level in q.framework.levels} if q.framework else {}

    def text(role: str, facts: ProvisionFacts) -> str:
        value = facts.get(role)
        return display.words(q, q.question(facts.questions[role]), value, lang, words) if value is not None else ""

    def plain(value: Any) -> Any:  # a yes/no or a code as it is; nothing as an empty cell
        return "" if value is None else value

    for facts in provision_facts(q, source.evaluation):
        if not source.shows_chapter(facts.chapter):
            continue
        level = level_labels.get(facts.level)
        ta = facts.ta_needed
        yield {
            "state_code": source.state_code, "state_name": source.state_name, "questionnaire_id": q.id,
            "version": q.version, "response_status": source.status, "source": source.origin,
            "chapter": facts.chapter, "article": facts.article, "provision": facts.provision,
            "level": q.text(level.label, lang).text if level else facts.level, "applicable": facts.applicable,
            "status": facts.status or "", "gap": facts.gap if facts.status is not None else "",
            "compliance": facts.compliance or "", "compliance_text": text("compliance", facts),
            "considered": plain(facts.get("considered")), "adopted": plain(facts.get("adopted")),
            "items_applied": ";".join(facts.get("items_applied") or ()),
            "items_applied_text": text("items_applied", facts),
            "measures": "; ".join(cite(row) for row in facts.get("measures") or ()),
            "measures_summary": str(facts.get("summary") or ""),
            "steps": text("steps", facts),
            "challenges": ";".join(facts.get("challenges") or ()), "challenges_text": text("challenges", facts),
            "challenges_other": facts.other("challenges"),
            "ta_needed": plain(facts.get("assistance_needed")),
            "ta_categories": ";".join(facts.ta_categories),
            "ta_categories_text": text("assistance_kinds", facts) if ta else "",
            "ta_other": facts.other("assistance_kinds") if ta else "",
            "ta_priority": facts.ta_priority or "",
            "ta_priority_text": text("assistance_priority", facts) if ta else "",
            "ta_received": plain(facts.get("assistance_received")),
            "ta_received_detail": "; ".join(
                " - ".join(part for part in (row.get("provider"), row.get("description")) if part)
                for row in facts.get("assistance_received_list") or ()),
        }


def cite(row: Mapping[str, Any]) -> str:
    """A row of a measures table as one citation: 'Penal Code (art. 250, 2003)'."""
    details = [str(row[key]) for key in ("reference", "year") if row.get(key) not in (None, "")]
    title = str(row.get("instrument") or "")
    return f"{title} ({', '.join(details)})" if details else title


# -- measures (the repository of national legislation) -----------------------------------------------
@dataclass(frozen=True)
class Measure:
    """One law, policy or measure cited in a measures table (one row of it)."""

    question_id: str
    row: int
    provision: str
    article: str
    chapter: str
    instrument: str
    reference: str
    year: int | None
    link: str
    language: str


def measures(source: Source) -> Iterator[Measure]:
    """Every row of every applicable measures table (role ``measures``), in document order. The
    columns are read by their ids: ``instrument``, ``reference``, ``year`` and ``link``."""
    q = source.questionnaire
    values = source.evaluation.values
    for question in q.with_role("measures"):
        if question.id not in values:
            continue
        provisions, articles, chapters = framework_place(q, question.id)
        for index, row in enumerate(values[question.id]):
            instrument = str(row.get("instrument") or "").strip()
            if not instrument:
                continue
            year = row.get("year")
            yield Measure(question.id, index, provisions[0] if provisions else "", articles[0] if articles else "",
                          chapters[0] if chapters else "", instrument, str(row.get("reference") or "").strip(),
                          year if isinstance(year, int) else None, str(row.get("link") or "").strip(),
                          source.languages.get(question.id, ""))


# -- spreadsheet cells ----------------------------------------------------------------------------
def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(neutralise(value))


def xlsx_cell(value: Any, words: Words = ENGLISH) -> Any:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = _XLSX_ILLEGAL.sub("\ufffd", str(value))
    if len(text) > XLSX_CELL_LIMIT:
        text = text[:XLSX_CELL_LIMIT - len(words.truncated) - 1] + " " + words.truncated
    return neutralise(text)


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: IO[str]) -> int:
    """Write a header and the rows; returns the number of rows. Open ``stream`` with ``newline=''``."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        count += 1
    return count


def csv_chunks(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], every: int = 500) -> Iterator[str]:
    """The CSV text in pieces (for streaming a large download), starting with a byte-order mark so
    that spreadsheet programs read UTF-8 (Arabic, Chinese) correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for count, row in enumerate(rows, 1):
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        if count % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[Mapping[str, Any]]]], stream: IO[bytes],
               words: Words = ENGLISH) -> None:
    """An XLSX workbook with one sheet per (title, columns, rows), written in streaming mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        sheet.append(list(columns))
        for row in rows:
            sheet.append([xlsx_cell(row.get(column), words) for column in columns])
    workbook.save(stream)


# -- choosing what to export ------------------------------------------------------------------------
FORMS: dict[str, tuple[tuple[str, ...], Callable[[Source, str, Words], Iterator[dict[str, Any]]]]] = {
    "long": (LONG_COLUMNS, long_rows),
    "wide": (WIDE_COLUMNS, wide_rows),
}


def rows(sources: Iterable[Source], form: str, lang: str, words: Words = ENGLISH) -> Iterator[dict[str, Any]]:
    _columns, make = FORMS[form]
    for source in sources:
        yield from make(source, lang, words)


def columns(form: str) -> tuple[str, ...]:
    return FORMS[form][0]
