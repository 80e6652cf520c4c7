"""The JSON export of answers, and the import of the same JSON, through marshmallow schemas.

One document holds one entry per State's response, with its applicable answers and, apart, the
answers that other answers hide (``not_applicable``: exported for the record, never imported).
Each answer carries the version of the stored answer it was exported from; an import sends that
version back as the base of the change, so that an answer changed since the export is a conflict,
never silently overwritten (optimistic locking is the importer's job: :mod:`web.data.importer`).

:func:`dumps` writes a document; :func:`load_import` reads one back and checks it completely against
the questionnaires and what the importer may write, reporting **every** problem at once as
:class:`Issue` codes with their place (``responses.0.answers.3.value``). Messages are codes so that
the web app can say them in the user's language.

Pure: imports the engine, never the web app.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

import engine

from . import display
from .data import WIDE_COLUMNS, Source, framework_place
from .display import ENGLISH, Words

FORMAT = "uncac-self-assessment-answers"
FORMAT_VERSION = 1
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

#: marshmallow's error keys, answered with our codes (translated by the web app).
CODES = {
    "required": "required", "null": "null", "invalid": "wrong_type", "type": "wrong_type",
    "invalid_utf8": "wrong_type", "format": "wrong_type", "invalid_awareness": "wrong_type",
    "too_large": "too_large", "validator_failed": "invalid", "unknown": "unknown_field",
}


def _field(kind: type[fields.Field[Any]], **kwargs: Any) -> Any:
    messages: dict[str, str | list[Any] | dict[Any, Any]] = dict(CODES)
    return kind(error_messages=messages, **kwargs)


class _Strict(Schema):
    """Unknown keys are errors; messages are codes."""

    error_messages = {"type": "wrong_type", "unknown": "unknown_field"}

    class Meta:
        unknown = RAISE


class AnswerSchema(_Strict):
    #: The question id (``p15_a.compliance``).
    question = _field(fields.String, required=True, validate=validate.Length(1, 200, error="invalid"))
    #: The answer as stored (the engine's JSON form); ``null`` clears it.
    value = _field(fields.Raw, required=True, allow_none=True)
    #: The version of the stored answer this one was exported from (0: there was none).
    version = _field(fields.Integer, load_default=0, strict=True, validate=validate.Range(min=0, error="invalid"))
    #: The language a text answer is written in.
    language = _field(fields.String, load_default=None, allow_none=True,
                      validate=validate.OneOf(LANGUAGES, error="invalid"))
    # For people reading the file; ignored on import.
    provisions = _field(fields.List, cls_or_instance=fields.String(), load_default=list)
    label = _field(fields.String, load_default="")
    text = _field(fields.String, load_default="")


class FileSchema(_Strict):
    """One evidence file an answer refers to: the manifest of the files that go with the answers."""

    question = _field(fields.String, required=True)
    sha256 = _field(fields.String, required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$", error="invalid"))
    name = _field(fields.String, required=True)
    size = _field(fields.Integer, required=True, strict=True)
    type = _field(fields.String, load_default="")


class ResponseSchema(_Strict):
    state = _field(fields.String, required=True, validate=validate.Regexp(r"^[A-Z]{3}$", error="invalid"))
    questionnaire = _field(fields.String, required=True, validate=validate.Length(1, 64, error="invalid"))
    version = _field(fields.String, required=True, validate=validate.Length(1, 64, error="invalid"))
    answers = _field(fields.List, cls_or_instance=fields.Nested(AnswerSchema), required=True)
    not_applicable = _field(fields.List, cls_or_instance=fields.Nested(AnswerSchema), load_default=list)
    #: Evidence files the answers refer to, with their SHA-256 (the files are fetched from the app).
    files = _field(fields.List, cls_or_instance=fields.Nested(FileSchema), load_default=list)
    # For people reading the file; ignored on import.
    state_name = _field(fields.String, load_default="")
    status = _field(fields.String, load_default=None, allow_none=True)
    source = _field(fields.String, load_default=None, allow_none=True,
                    validate=validate.OneOf(("live", "snapshot"), error="invalid"))
    snapshot = _field(fields.Integer, load_default=None, allow_none=True, strict=True)
    as_of = _field(fields.AwareDateTime, load_default=None, allow_none=True)


class DocumentSchema(_Strict):
    format = _field(fields.String, required=True, validate=validate.Equal(FORMAT, error="invalid"))
    format_version = _field(fields.Integer, required=True, strict=True,
                            validate=validate.Equal(FORMAT_VERSION, error="invalid"))
    exported_at = _field(fields.AwareDateTime, required=True)
    language = _field(fields.String, required=True, validate=validate.OneOf(LANGUAGES, error="invalid"))
    responses = _field(fields.List, cls_or_instance=fields.Nested(ResponseSchema), required=True)


#: Wide-form columns that hold a yes/no (or nothing) rather than a text.
_FLAGS = frozenset({"gap", "considered", "adopted", "ta_needed", "ta_received"})

#: A row of the wide form as JSON (export only): the columns of :data:`exports.data.WIDE_COLUMNS`.
WideRowSchema = Schema.from_dict(
    {column: fields.Boolean() if column == "applicable" else fields.Raw() if column in _FLAGS else fields.String()
     for column in WIDE_COLUMNS}, name="WideRowSchema")


# -- export ---------------------------------------------------------------------------------------
def response_entry(source: Source, lang: str, words: Words = ENGLISH) -> dict[str, Any]:
    q = source.questionnaire
    applicable, hidden = source.exported_ids()

    def answer(qid: str) -> dict[str, Any]:
        question = q.question(qid)
        value = source.answers.get(qid)
        return {"question": qid, "value": source.raw[qid], "version": source.versions.get(qid, 0),
                "language": source.languages.get(qid) or None, "provisions": framework_place(q, qid)[0],
                "label": q.text(question.label, lang).text,
                "text": display.words(q, question, value, lang, words) if value is not None else ""}

    return {"state": source.state_code, "state_name": source.state_name, "questionnaire": q.id,
            "version": q.version, "status": source.status, "source": source.origin, "snapshot": source.snapshot,
            "as_of": source.as_of, "answers": [answer(qid) for qid in applicable],
            "not_applicable": [answer(qid) for qid in hidden], "files": manifest(source.raw, applicable)}


def manifest(raw: Mapping[str, Any], question_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every evidence file the answers ``question_ids`` refer to (file answers and file cells of tables)."""
    out: list[dict[str, Any]] = []

    def walk(qid: str, value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("sha256"), str) and "name" in value:
                out.append({"question": qid, **{key: value.get(key) for key in ("sha256", "name", "size", "type")}})
                return
            for cell in value.values():
                walk(qid, cell)
        elif isinstance(value, list):
            for item in value:
                walk(qid, item)

    for qid in question_ids:
        walk(qid, raw.get(qid))
    return out


def document(sources: Iterable[Source], lang: str, words: Words = ENGLISH,
             exported_at: dt.datetime | None = None) -> dict[str, Any]:
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "exported_at": exported_at or dt.datetime.now(dt.UTC), "language": lang,
            "responses": [response_entry(source, lang, words) for source in sources]}


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(DocumentSchema().dump(doc), ensure_ascii=False, indent=1)


def dumps_wide(rows: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps(WideRowSchema(many=True).dump(list(rows)), ensure_ascii=False, indent=1)


def loads(text: str | bytes) -> dict[str, Any]:
    """Parse and check the structure of a document (no questionnaire needed); raise :class:`ImportRefused`."""
    try:
        payload = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise ImportRefused([Issue("", "invalid_json")]) from None
    try:
        loaded: dict[str, Any] = DocumentSchema().load(payload)
    except ValidationError as exc:
        raise ImportRefused(sorted(_flatten(exc.messages), key=lambda i: i.path)) from None
    return loaded


# -- import -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Issue:
    """Why an import is refused: where (a dotted path in the document), a code, and its details."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)


class ImportRefused(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues


@dataclass(frozen=True)
class Change:
    question_id: str
    value: Any  # the JSON value to store (None clears)
    base_version: int
    language: str | None


@dataclass(frozen=True)
class Planned:
    """One response to write: the State, the questionnaire version and the answers to store."""

    state: str
    questionnaire_id: str
    version: str
    changes: tuple[Change, ...]
    not_applicable: int  # hidden answers in the file, not imported


#: ``(questionnaire id, version) -> questionnaire`` (None: unknown).
Questionnaires = Callable[[str, str], "engine.Questionnaire | None"]
#: ``(State code, questionnaire id, version) -> None`` if the importer may write it, else an issue code.
MayWrite = Callable[[str, str, str], "str | None"]


def load_import(text: str | bytes, questionnaires: Questionnaires, may_write: MayWrite) -> list[Planned]:
    """Check a document completely; return what to write, or raise :class:`ImportRefused` with every issue."""
    doc = loads(text)
    issues: list[Issue] = []
    planned = []
    seen: set[tuple[str, str, str]] = set()
    for index, entry in enumerate(doc["responses"]):
        where = f"responses.{index}"
        key = (entry["state"], entry["questionnaire"], entry["version"])
        if key in seen:
            issues.append(Issue(where, "duplicate_response", {"state": key[0]}))
            continue
        seen.add(key)
        q = questionnaires(entry["questionnaire"], entry["version"])
        if q is None:
            issues.append(Issue(f"{where}.version", "unknown_questionnaire",
                                {"questionnaire": entry["questionnaire"], "version": entry["version"]}))
            continue
        refused = may_write(*key)
        if refused:
            issues.append(Issue(f"{where}.state", refused, {"state": entry["state"]}))
        changes = _check_answers(q, entry["answers"], f"{where}.answers", issues)
        _check_answers(q, entry["not_applicable"], f"{where}.not_applicable", issues)
        planned.append(Planned(entry["state"], q.id, q.version, tuple(changes), len(entry["not_applicable"])))
    if issues:
        raise ImportRefused(issues)
    return planned


def _check_answers(q: engine.Questionnaire, answers: list[dict[str, Any]], where: str,
                   issues: list[Issue]) -> list[Change]:
    changes = []
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        qid = answer["question"]
        item = q.index.items.get(qid)
        if not isinstance(item, engine.Question) or item.type == "note":
            issues.append(Issue(f"{where}.{index}.question", "unknown_question", {"question": qid}))
            continue
        if qid in seen:
            issues.append(Issue(f"{where}.{index}.question", "duplicate_question", {"question": qid}))
            continue
        seen.add(qid)
        try:
            engine.TYPES[item.type].from_json(item, answer["value"])
        except engine.InvalidAnswer as exc:
            issues.append(Issue(f"{where}.{index}.value", "wrong_value",
                                {"question": qid, "type": item.type, "problem": exc.problem.code}))
            continue
        changes.append(Change(qid, answer["value"], answer["version"], answer["language"]))
    return changes


def _flatten(messages: Any, path: str = "") -> Iterable[Issue]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "" if key == "_schema" else str(key)
            yield from _flatten(value, f"{path}.{name}".strip(".") if name else path)
    elif isinstance(messages, list):
        for message in messages:
            if isinstance(message, (dict, list)):
                yield from _flatten(message, path)
            else:
                yield Issue(path, str(message) if str(message) in _KNOWN else "invalid")
    else:
        yield Issue(path, str(messages) if str(messages) in _KNOWN else "invalid")


_KNOWN = frozenset(CODES.values()) | {"unknown_field", "invalid"}
