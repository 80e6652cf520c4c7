"""Question types: a registry of small classes.

Each type says which keys it accepts in the YAML, the static type its answer has in conditions,
how to read an answer from JSON (and write it back), when an answer is empty, and which built-in
checks an answer must pass. Renderers (web forms, PDF, exports) keep their own registries keyed by
the same names. An unknown type is a load-time error, never a silent skip.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlsplit

from .model import Question

#: Hard caps whatever the questionnaire says: no answer grows without bound.
MAX_TEXT = 20_000
MAX_SHORT_TEXT = 1_000
MAX_ROWS = 200
MAX_NUMBER = Decimal(10) ** 15


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an answer is not acceptable: a code for renderers to translate, with its parameters.

    ``message`` is the author's own text (a constraint or pattern message), if any; ``row`` and
    ``column`` place problems inside a table answer.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    message: Any = None  # engine.text.Text
    row: int | None = None
    column: str | None = None


class InvalidAnswer(ValueError):
    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


class QuestionType:
    name: ClassVar[str]
    value_type: ClassVar[str]  # static type in conditions
    keys: ClassVar[frozenset[str]] = frozenset()  # type-specific YAML keys
    in_tables: ClassVar[bool] = True

    def from_json(self, q: Question, raw: Any) -> Any:
        """A stored or posted value as the canonical answer (``None`` when empty)."""
        raise NotImplementedError

    def to_json(self, q: Question, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == () or value == []

    def check(self, q: Question, value: Any) -> list[Problem]:
        """Built-in checks of a non-empty canonical answer."""
        return []


def _invalid(code: str = "invalid", **params: Any) -> InvalidAnswer:
    return InvalidAnswer(Problem(code, params))


class TextType(QuestionType):
    name = "text"
    value_type = "text"
    keys = frozenset({"min_length", "max_length", "pattern", "pattern_message", "placeholder"})
    cap = MAX_SHORT_TEXT

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise _invalid()
        if "\x00" in raw or _has_lone_surrogate(raw):
            raise _invalid("invalid_characters")
        return raw if raw.strip() else None

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = []
        limit = min(q.max_length or self.cap, self.cap)
        if len(value) > limit:
            problems.append(Problem("max_length", {"max": limit, "length": len(value)}))
        if q.min_length and len(value) < q.min_length:
            problems.append(Problem("min_length", {"min": q.min_length, "length": len(value)}))
        if q.pattern and not re.fullmatch(q.pattern, value):
            problems.append(Problem("pattern", {}, q.pattern_message or None))
        return problems


class LongTextType(TextType):
    name = "long_text"
    keys = TextType.keys | {"rows"}
    cap = MAX_TEXT


class UrlType(TextType):
    name = "url"
    keys = frozenset({"placeholder"})

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = super().check(q, value)
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value.strip():
            problems.append(Problem("url"))
        return problems


class EmailType(TextType):
    name = "email"
    keys = frozenset({"placeholder"})
    _pattern = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = super().check(q, value)
        if not self._pattern.fullmatch(value.strip()):
            problems.append(Problem("email"))
        return problems


class NumberType(QuestionType):
    name = "number"
    value_type = "number"
    keys = frozenset({"min", "max", "integer", "placeholder"})

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, bool):
            raise _invalid("number")
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise _invalid("number") from None
        if not number.is_finite() or abs(number) > MAX_NUMBER:
            raise _invalid("number")
        if number == number.to_integral_value():
            return int(number)
        if q.integer:
            raise _invalid("integer")
        return number

    def to_json(self, q: Question, value: Any) -> Any:
        return value if isinstance(value, int) else str(value)

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = []
        if q.min is not None and value < q.min:  # type: ignore[operator]
            problems.append(Problem("min", {"min": q.min}))
        if q.max is not None and value > q.max:  # type: ignore[operator]
            problems.append(Problem("max", {"max": q.max}))
        return problems


class DateType(QuestionType):
    name = "date"
    value_type = "date"
    keys = frozenset({"min", "max"})

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise _invalid("date") from None

    def to_json(self, q: Question, value: Any) -> Any:
        return value.isoformat()

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = []
        if q.min and value < dt.date.fromisoformat(str(q.min)):
            problems.append(Problem("min_date", {"min": q.min}))
        if q.max and value > dt.date.fromisoformat(str(q.max)):
            problems.append(Problem("max_date", {"max": q.max}))
        return problems


class YesNoType(QuestionType):
    name = "yes_no"
    value_type = "bool"

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "yes", "1", 1):
            return True
        if raw in ("false", "no", "0", 0):
            return False
        raise _invalid()


class SingleChoiceType(QuestionType):
    name = "single_choice"
    value_type = "code"
    keys = frozenset({"choices", "appearance", "other_label"})

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str) or q.choices is None or raw not in q.choices.codes:
            raise _invalid("choice", value=str(raw)[:50])
        return raw


class MultipleChoiceType(QuestionType):
    name = "multiple_choice"
    value_type = "codes"
    keys = frozenset({"choices", "appearance", "other_label", "min", "max"})

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None or raw == "" or raw == []:
            return None
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, (list, tuple)) or q.choices is None:
            raise _invalid()
        codes = set(raw)
        unknown = [code for code in codes if not isinstance(code, str) or code not in q.choices.codes]
        if unknown:
            raise _invalid("choice", value=str(unknown[0])[:50])
        return tuple(choice.code for choice in q.choices.choices if choice.code in codes)

    def to_json(self, q: Question, value: Any) -> Any:
        return list(value)

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = []
        if q.min is not None and len(value) < q.min:  # type: ignore[operator]
            problems.append(Problem("min_selected", {"min": q.min}))
        if q.max is not None and len(value) > q.max:  # type: ignore[operator]
            problems.append(Problem("max_selected", {"max": q.max}))
        return problems


class TableType(QuestionType):
    """A repeating table: each row a mapping of column id to a value of the column's type."""

    name = "table"
    value_type = "rows"
    keys = frozenset({"columns", "min_rows", "max_rows"})
    in_tables = False

    def from_json(self, q: Question, raw: Any) -> Any:
        if raw is None or raw == []:
            return None
        if not isinstance(raw, (list, tuple)) or len(raw) > MAX_ROWS:
            raise _invalid("max_rows", max=MAX_ROWS)
        rows = []
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                raise _invalid()
            clean = {}
            for column in q.columns:
                try:
                    value = TYPES[column.type].from_json(column, row.get(column.id))
                except InvalidAnswer as exc:
                    problem = exc.problem
                    raise InvalidAnswer(Problem(problem.code, problem.params, None, index, column.id)) from None
                if value is not None:
                    clean[column.id] = value
            if clean:  # a row left entirely blank is no row
                rows.append(clean)
        return tuple(rows) or None

    def to_json(self, q: Question, value: Any) -> Any:
        out = []
        for row in value:
            out.append({column.id: TYPES[column.type].to_json(column, row[column.id])
                        for column in q.columns if column.id in row})
        return out

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = []
        if q.min_rows and len(value) < q.min_rows:
            problems.append(Problem("min_rows", {"min": q.min_rows}))
        if q.max_rows and len(value) > q.max_rows:
            problems.append(Problem("max_rows", {"max": q.max_rows}))
        for index, row in enumerate(value):
            for column in q.columns:
                cell = row.get(column.id)
                kind = TYPES[column.type]
                if kind.is_empty(cell):
                    if column.required is True or (column.other_of and _other_chosen(q, row, column.other_of)):
                        problems.append(Problem("required", {}, column.required_message or None,
                                                index, column.id))
                    continue
                for problem in kind.check(column, cell):
                    problems.append(Problem(problem.code, problem.params, problem.message, index, column.id))
                for constraint in column.constraints:
                    if not constraint.rule(row, cell):
                        problems.append(Problem("constraint", {}, constraint.message or None, index, column.id))
        return problems


#: File kinds a ``file`` question may accept (``accept``), by the extension shown to users. The web
#: app checks each upload's content (magic bytes) against the same names.
FILE_KINDS = ("pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "rtf", "jpg", "png", "tif")
#: Hard caps for evidence files, whatever the questionnaire says.
MAX_FILES = 20
MAX_FILE_SIZE = 50 * 1024 * 1024
DEFAULT_FILE_SIZE = 20 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def file_extension(name: str) -> str:
    """The kind a file name claims (``jpeg`` is ``jpg``, ``tiff`` is ``tif``)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"jpeg": "jpg", "tiff": "tif"}.get(ext, ext)


class FileType(QuestionType):
    """Evidence files: a list of ``{"sha256", "name", "size", "type"}`` (the content lives in the
    web app's file store under its hash; the answer only refers to it)."""

    name = "file"
    value_type = "files"
    keys = frozenset({"accept", "max_size", "max_files"})

    def from_json(self, q: Question, raw: Any) -> Any:
        if isinstance(raw, str):  # posted by a page as JSON text (a hidden field)
            raw = _json_list(raw)
        if raw is None or raw == [] or raw == ():
            return None
        if not isinstance(raw, (list, tuple)) or len(raw) > MAX_FILES:
            raise _invalid("max_files", max=MAX_FILES)
        files = []
        for item in raw:
            if not isinstance(item, dict):
                raise _invalid()
            sha, name, size, kind = item.get("sha256"), item.get("name"), item.get("size"), item.get("type", "")
            if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
                raise _invalid("file_reference")
            if not isinstance(name, str) or not name.strip() or len(name) > 255 or "/" in name or "\\" in name:
                raise _invalid("file_name")
            if isinstance(size, bool) or not isinstance(size, int) or size < 1 or not isinstance(kind, str):
                raise _invalid("file_reference")
            files.append({"sha256": sha, "name": name, "size": size, "type": kind[:100]})
        return tuple(files)

    def to_json(self, q: Question, value: Any) -> Any:
        return [dict(item) for item in value]

    def check(self, q: Question, value: Any) -> list[Problem]:
        problems = []
        most = min(q.max_files or MAX_FILES, MAX_FILES)
        if len(value) > most:
            problems.append(Problem("max_files", {"max": most}))
        limit = file_size_limit(q)
        for item in value:
            if item["size"] > limit:
                problems.append(Problem("file_size", {"name": item["name"], "max": limit}))
            if q.accept and file_extension(item["name"]) not in q.accept:
                problems.append(Problem("file_type", {"name": item["name"], "allowed": ", ".join(q.accept)}))
        return problems


def _json_list(raw: str) -> Any:
    if not raw.strip():
        return None
    if len(raw) > MAX_TEXT:
        raise _invalid("max_files", max=MAX_FILES)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise _invalid("file_reference") from None


def file_size_limit(q: Question) -> int:
    return min(q.max_size or DEFAULT_FILE_SIZE, MAX_FILE_SIZE)


class NoteType(QuestionType):
    """Display-only text (guidance); never has an answer."""

    name = "note"
    value_type = "none"
    in_tables = False

    def from_json(self, q: Question, raw: Any) -> Any:
        return None


TYPES: dict[str, QuestionType] = {
    cls.name: cls()
    for cls in (TextType, LongTextType, UrlType, EmailType, NumberType, DateType, YesNoType,
                SingleChoiceType, MultipleChoiceType, TableType, FileType, NoteType)
}

def answers_from_json(q: Any, raw: Any) -> dict[str, Any]:
    """Stored JSON answers (question id -> JSON) as engine values, for the questions ``q`` has.

    Answers to questions the questionnaire lacks, and values that no longer parse, are left out
    here (they stay stored; callers that list them use the raw data).
    """
    out: dict[str, Any] = {}
    items = q.index.items
    for qid, value in raw.items():
        question = items.get(qid)
        if value is None or not isinstance(question, Question) or question.type == "note":
            continue
        try:
            parsed = TYPES[question.type].from_json(question, value)
        except InvalidAnswer:
            continue
        if parsed is not None:
            out[qid] = parsed
    return out


#: Keys every question accepts, whatever its type.
COMMON_KEYS = frozenset({"id", "type", "label", "hint", "guidance", "required", "required_message",
                         "show_if", "constraints", "provisions", "role"})


def _other_chosen(table: Question, row: dict[str, Any], column_id: str) -> bool:
    """Whether a row chose an 'other' code in ``column_id`` (its 'please specify' cell is then needed)."""
    column = table.column(column_id)
    chosen = row.get(column_id)
    if column is None or column.choices is None or chosen is None:
        return False
    codes = column.choices.other_codes
    return chosen in codes if isinstance(chosen, str) else any(code in codes for code in chosen)


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
