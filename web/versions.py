"""Publishing new questionnaire versions safely, and moving responses onto them.

A new version is checked by the engine, compared with the live version (``engine.diff``), and
published only when every change that could strand stored answers is either mapped (old question
id to new id, old choice code to new code or codes) or explicitly confirmed. The decisions are
recorded with the version. Three guards come first: a draft that says nothing new (the same model
as the live version, whatever its comments or layout) is not publishable; the version number must
be greater than the live one (:func:`version_key`: "2026.1" < "2026.2" < "2026.10" < "2027.1");
and the publisher writes publication notes (what changed and why), stored with the version and
shown to States. Responses move when their State (or the secretariat) chooses: answers carry over
by id, mapped answers are copied to their new id, and answers without a home are kept, listed and
shown read-only. Nothing is ever deleted.

A code mapping is one-to-one (``hi -> high``) or one-to-many (a code split in two: ``legal_advice
-> legal_advisory + legislative_drafting``; a multiple choice keeps both). It is given per
question, or per choice list (``lists``): then it applies to every question and table column whose
choices are that list, so one line covers a list shared by hundreds of questions. A single choice
cannot hold a code split in two: its stored answers still need a one-to-one mapping of their own.
A mapping can be written in a file (:func:`Mapping.from_file`), kept next to the questionnaire it
publishes, with the publication notes of the version.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml
from sqlalchemy import func, select

import engine
from engine.canonical import same_content
from engine.diff import Diff, diff

from . import catalog
from .answers import Change, save, stored
from .db import db
from .models import Answer, QuestionnaireVersion, Response, User
from .models.base import utcnow
from .progress import refresh
from .workflow import log

#: What an old choice code becomes: one code, or several (a code split in two).
Target = Union[str, list[str]]


def targets(target: Target) -> list[str]:
    return [target] if isinstance(target, str) else list(target)


@dataclass
class Mapping:
    """The author's decisions for critical changes."""

    questions: dict[str, str] = field(default_factory=dict)  # old id -> new id
    codes: dict[str, dict[str, Target]] = field(default_factory=dict)  # question id -> old code -> new
    confirmed: set[str] = field(default_factory=set)  # question ids whose answers may stay behind
    lists: dict[str, dict[str, Target]] = field(default_factory=dict)  # choice list -> old code -> new

    @property
    def decides_anything(self) -> bool:
        return bool(self.questions or self.codes or self.confirmed or self.lists)

    def as_notes(self) -> dict[str, Any]:
        notes: dict[str, Any] = {"questions": self.questions, "codes": self.codes,
                                 "confirmed": sorted(self.confirmed)}
        if self.lists:
            notes["lists"] = self.lists
        return notes

    @classmethod
    def from_notes(cls, notes: dict[str, Any]) -> Mapping:
        data = notes.get("mapping", {})
        return cls(dict(data.get("questions", {})), {k: dict(v) for k, v in data.get("codes", {}).items()},
                   set(data.get("confirmed", [])), {k: dict(v) for k, v in data.get("lists", {}).items()})

    @classmethod
    def from_file(cls, path: str | Path) -> MappingFile:
        """Read a mapping file (YAML); raises :class:`MappingFileError` saying what is wrong where."""
        return read_mapping_file(Path(path))

    def code_map(self, question_id: str, *lists: str | None) -> dict[str, list[str]]:
        """Old code -> new codes for a question: its own mapping, else that of its choice list."""
        merged: dict[str, list[str]] = {}
        for name in lists:
            if name is not None:
                for code, target in self.lists.get(name, {}).items():
                    merged.setdefault(code, targets(target))
        for code, target in self.codes.get(question_id, {}).items():
            merged[code] = targets(target)
        return merged

    def then(self, nxt: Mapping) -> None:
        """Compose with the mapping of the next version (answers move through both)."""
        self.questions = {old: nxt.questions.get(new, new) for old, new in self.questions.items()}
        for old, new in nxt.questions.items():
            self.questions.setdefault(old, new)
        for own, other in ((self.codes, nxt.codes), (self.lists, nxt.lists)):
            for key, codes in other.items():
                merged = own.setdefault(key, {})
                for code, target in merged.items():
                    merged[code] = _flat(codes.get(step, step) for step in targets(target))
                for code, target in codes.items():
                    merged.setdefault(code, target)


def _flat(items: Iterable[Target]) -> list[str]:
    return list(dict.fromkeys(code for item in items for code in targets(item)))


# -- mapping files -----------------------------------------------------------------------------------
class MappingFileError(ValueError):
    """A mapping file that cannot be used; the message says where and what to write instead."""


@dataclass
class MappingFile:
    questionnaire: str
    source: str  # the version the answers come from
    target: str  # the version being published
    mapping: Mapping
    notes: str = ""  # the publication notes: what changed and why


def read_mapping_file(path: Path) -> MappingFile:
    """A mapping file::

        questionnaire: uncac_checklist
        from: "2026.1"
        to: "2027.1"
        questions: {p5_2.compliance: p5_2.adopted}          # old question id: new id
        codes: {p5_2.level: {hi: high}}                      # question id: old code: new code(s)
        lists: {ta_categories: {legal_advice: [legal_advisory, legislative_drafting]}}
        confirm: [p44_1.steps]                               # answers that may stay behind
        notes: What changed and why (the publication notes shown to States).
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingFileError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise MappingFileError(f"{path}: expected a mapping with 'questionnaire', 'from', 'to' and 'questions'")
    known = {"questionnaire", "from", "to", "questions", "codes", "lists", "confirm", "notes"}
    for key in data:
        if key not in known:
            raise MappingFileError(f"{path}: unknown key '{key}' (expected one of: {', '.join(sorted(known))})")
    for key in ("questionnaire", "from", "to"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise MappingFileError(f"{path}: '{key}' must be given as text, e.g. {key}: \"2027.1\"")
    questions = _str_map(path, "questions", data.get("questions") or {})
    codes = {qid: _code_map(path, f"codes.{qid}", value) for qid, value in _dict(path, "codes", data).items()}
    lists = {name: _code_map(path, f"lists.{name}", value) for name, value in _dict(path, "lists", data).items()}
    confirm = data.get("confirm") or []
    if not isinstance(confirm, list) or not all(isinstance(item, str) for item in confirm):
        raise MappingFileError(f"{path}: 'confirm' must be a list of question ids")
    notes = data.get("notes") or ""
    if not isinstance(notes, str):
        raise MappingFileError(f"{path}: 'notes' must be text (the publication notes)")
    return MappingFile(data["questionnaire"], data["from"], data["to"],
                       Mapping(questions, codes, set(confirm), lists), notes.strip())


def _dict(path: Path, key: str, data: dict[str, Any]) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise MappingFileError(f"{path}: '{key}' must be a mapping")
    return value


def _str_map(path: Path, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise MappingFileError(f"{path}: '{key}' must map old ids to new ids, e.g. 'p5_2.compliance: p5_2.adopted'")
    return dict(value)


def _code_map(path: Path, key: str, value: Any) -> dict[str, Target]:
    out: dict[str, Target] = {}
    if not isinstance(value, dict):
        raise MappingFileError(f"{path}: '{key}' must map old codes to new codes")
    for old, new in value.items():
        if isinstance(new, str) or (isinstance(new, list) and new and all(isinstance(c, str) for c in new)):
            out[str(old)] = new
        else:
            raise MappingFileError(f"{path}: '{key}.{old}' must be a code or a list of codes, "
                                   "e.g. [legal_advisory, legislative_drafting]")
    return out


@dataclass
class Blocker:
    """A critical change with stored answers that needs a mapping or a confirmation."""

    kind: str  # removed, retyped, codes_removed
    question_id: str
    answers: int
    detail: dict[str, Any]


@dataclass(frozen=True)
class Refusal:
    """Why a draft cannot be published at all, placed in its file (``line`` of ``version:``)."""

    kind: str  # unchanged | version_not_greater
    line: int
    column: int
    version: str
    live: str

    def message(self, source: str = "") -> str:
        """``FILE:LINE:COL: message`` in English, as the command line prints it."""
        if self.kind == "unchanged":
            text = (f"nothing to publish: the definition is the same as the live version {self.live} "
                    "(only comments, layout or the version number differ)")
        else:
            text = (f"version '{self.version}' must be greater than the live version '{self.live}' "
                    f"(for example '{next_version(self.live)}')")
        return f"{source}:{self.line}:{self.column}: {text}" if source else text


@dataclass
class Plan:
    loaded: engine.Loaded
    live: QuestionnaireVersion | None
    diff: Diff | None
    blockers: list[Blocker]
    mapping_errors: list[str]
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return any(r.kind == "unchanged" for r in self.refusals)

    @property
    def can_publish(self) -> bool:
        return not self.blockers and not self.mapping_errors and not self.refusals


_VERSION_PART = re.compile(r"\d+|[^\d.\-_ ]+")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key for version numbers: numbers compare as numbers, words as words, and a number
    sorts after a word in the same place ("2026.1" < "2026.2" < "2026.10" < "2027.1";
    "2026.1-rc1" < "2026.1.1")."""
    return tuple((1, int(part)) if part.isdigit() else (0, part.casefold())
                 for part in _VERSION_PART.findall(version))


def next_version(version: str) -> str:
    """The version after ``version``: its last number plus one ("2026.1" -> "2026.2")."""
    numbers = list(re.finditer(r"\d+", version))
    if not numbers:
        return version + ".1"
    last = numbers[-1]
    return version[:last.start()] + str(int(last.group()) + 1) + version[last.end():]


def set_version(text: str, version: str) -> str:
    """``text`` with its top-level ``version:`` value replaced (quoted as it was, else in double
    quotes), nothing else changed."""
    lines = text.split("\n")
    line, _column = version_place(text)
    match = re.match(r"(version\s*:\s*)(\"[^\"]*\"|'[^']*'|[^#\s]+)?(.*)$", lines[line - 1])
    if match is None:
        return text
    quote = (match.group(2) or '"')[0] if (match.group(2) or '"')[0] in "\"'" else '"'
    escaped = version.replace("\\", "\\\\").replace('"', '\\"') if quote == '"' else version.replace("'", "''")
    lines[line - 1] = f"{match.group(1)}{quote}{escaped}{quote}{match.group(3)}"
    return "\n".join(lines)


def version_place(text: str | None) -> tuple[int, int]:
    """Line and column of the value of the top-level ``version:`` key in a YAML source."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        match = re.match(r"version\s*:\s*", line)
        if match:
            return number, match.end() + 1
    return 1, 1


def live_version(questionnaire_id: str) -> QuestionnaireVersion | None:
    return db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id, QuestionnaireVersion.status == "published")
        .order_by(QuestionnaireVersion.published_at.desc(), QuestionnaireVersion.id.desc())).first()


def answer_counts(version: QuestionnaireVersion) -> dict[str, int]:
    """How many responses on ``version`` have an answer to each question."""
    rows = db.session.execute(
        select(Answer.question_id, func.count()).join(Response, Response.id == Answer.response_id)
        .where(Response.version_id == version.id, Answer.value.isnot(None)).group_by(Answer.question_id))
    return {qid: count for qid, count in rows}


def code_counts(version: QuestionnaireVersion, question_id: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    values = db.session.scalars(
        select(Answer.value).join(Response, Response.id == Answer.response_id)
        .where(Response.version_id == version.id, Answer.question_id == question_id, Answer.value.isnot(None)))
    for value in values:
        for code in (value if isinstance(value, list) else [value]):
            counts[str(code)] += 1
    return counts


def plan(loaded: engine.Loaded, mapping: Mapping, text: str | None = None) -> Plan:
    """Compare with the live version and list what still needs the author's decision (``text``,
    the source, places the refusals)."""
    new = loaded.questionnaire
    live = live_version(new.id)
    if live is None:
        return Plan(loaded, None, None, [], [])
    old = catalog.questionnaire(live)
    refusals = _refusals(old, new, text)
    changes = diff(old, new)
    counts = answer_counts(live)
    blockers: list[Blocker] = []
    for change in changes.critical:
        qid = change.item
        if qid in mapping.confirmed:
            continue
        if change.kind == "removed":
            if counts.get(qid) and qid not in mapping.questions:
                blockers.append(Blocker("removed", qid, counts[qid], change.detail))
        elif change.kind == "retyped":
            if counts.get(qid):
                blockers.append(Blocker("retyped", qid, counts[qid], change.detail))
        elif change.kind == "codes_removed":
            used = code_counts(live, qid)
            several = new.question(qid).type == "multiple_choice" if qid in new.index.items else False
            mapped = {code for code, into in mapping.code_map(qid, _list_name(old, qid)).items()
                      if several or len(into) == 1}  # a single choice cannot take a code split in two
            removed = change.detail["codes"]
            assert isinstance(removed, (list, tuple))  # engine.diff lists the codes removed
            codes = [code for code in removed if used.get(code) and code not in mapped]
            if codes:
                blockers.append(Blocker("codes_removed", qid, sum(used[c] for c in codes), {"codes": codes}))
    return Plan(loaded, live, changes, blockers, _check_mapping(old, new, mapping), refusals)


def _refusals(old: engine.Questionnaire, new: engine.Questionnaire, text: str | None) -> list[Refusal]:
    line, column = version_place(text)
    out = []
    if same_content(old, new):
        out.append(Refusal("unchanged", line, column, new.version, old.version))
    if version_key(new.version) <= version_key(old.version):
        out.append(Refusal("version_not_greater", line, column, new.version, old.version))
    return out


def _check_mapping(old: engine.Questionnaire, new: engine.Questionnaire, mapping: Mapping) -> list[str]:
    errors = []
    for source, target in mapping.questions.items():
        a, b = old.index.items.get(source), new.index.items.get(target)
        if not isinstance(a, engine.Question):
            errors.append(f"{source}: no such question in the live version")
        elif not isinstance(b, engine.Question):
            errors.append(f"{target}: no such question in the new version")
        elif a.type != b.type:
            errors.append(f"{source} -> {target}: the types differ ({a.type}, {b.type})")
    for qid, codes in mapping.codes.items():
        question = new.index.items.get(mapping.questions.get(qid, qid))
        if not isinstance(question, engine.Question) or question.choices is None:
            errors.append(f"{qid}: not a choice question in the new version")
            continue
        for old_code, goal in codes.items():
            for new_code in targets(goal):
                if new_code not in question.choices.codes:
                    errors.append(f"{qid}: '{new_code}' is not a choice of the new version (for '{old_code}')")
            if len(targets(goal)) > 1 and question.type != "multiple_choice":
                errors.append(f"{qid}: '{old_code}' can become several codes only in a multiple choice")
    for name, codes in mapping.lists.items():
        choices = new.choice_lists.get(name)
        if choices is None:
            errors.append(f"{name}: no such choice list in the new version")
            continue
        for old_code, goal in codes.items():
            for new_code in targets(goal):
                if new_code not in choices.codes:
                    errors.append(f"{name}: '{new_code}' is not a choice of the list (for '{old_code}')")
    return errors


def _list_name(q: engine.Questionnaire, qid: str) -> str | None:
    item = q.index.items.get(qid)
    return item.choices.name if isinstance(item, engine.Question) and item.choices is not None else None


def publish(plan_: Plan, text: str, source: str, mapping: Mapping, user: User | None,
            draft: QuestionnaireVersion | None = None, *, notes: str) -> QuestionnaireVersion:
    """Store the version with its decisions and its publication notes (required)."""
    if plan_.refusals:
        raise catalog.PublishError(plan_.refusals[0].message(source))
    if not plan_.can_publish:
        raise catalog.PublishError("critical changes need a mapping or a confirmation")
    notes = notes.strip()
    if not notes:
        raise catalog.PublishError("write the publication notes: what changed and why")
    summary: dict[str, int] = {}
    if plan_.diff is not None:
        for change in plan_.diff.changes:
            summary[change.kind] = summary.get(change.kind, 0) + 1
    decisions = {"mapping": mapping.as_notes(), "previous": plan_.live.id if plan_.live else None,
                 "changes": summary}
    if draft is not None:
        q = plan_.loaded.questionnaire
        clash = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == q.id, QuestionnaireVersion.version == q.version,
            QuestionnaireVersion.id != draft.id)).first()
        if clash is not None:
            raise catalog.PublishError(f"version {q.version} of {q.id} already exists; change 'version:' in the file")
        draft.questionnaire_id, draft.version, draft.content_hash = q.id, q.version, q.content_hash
        draft.source, draft.title, draft.status = text, dict(q.title), "published"
        draft.published_at, draft.notes, draft.publication_notes = utcnow(), decisions, notes
        db.session.flush()
        catalog.remember(q)
        return draft
    published = catalog.publish_text(text, source, user)
    published.version.notes = decisions
    published.version.publication_notes = notes
    return published.version


def publication_news(responses: list[Response], limit: int = 3) -> list[QuestionnaireVersion]:
    """Published versions with notes that concern these responses: the version each is on and the
    later ones, newest first (at most ``limit`` per questionnaire)."""
    out: list[QuestionnaireVersion] = []
    oldest: dict[str, int] = {}
    for response in responses:
        qid = response.version.questionnaire_id
        oldest[qid] = min(oldest.get(qid, response.version_id), response.version_id)
    for qid, first in sorted(oldest.items()):
        out.extend(db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == qid, QuestionnaireVersion.status == "published",
            QuestionnaireVersion.id >= first, QuestionnaireVersion.publication_notes.isnot(None))
            .order_by(QuestionnaireVersion.id.desc()).limit(limit)))
    return out


def published_version(questionnaire_id: str, version: str) -> QuestionnaireVersion | None:
    return db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id, QuestionnaireVersion.version == version,
        QuestionnaireVersion.status != "draft")).first()


# -- moving responses ------------------------------------------------------------------------------
@dataclass
class Migration:
    carried: int
    mapped: list[tuple[str, str]]
    orphans: list[str]


def chain(start: QuestionnaireVersion, target: QuestionnaireVersion) -> list[QuestionnaireVersion]:
    """The published versions from ``start`` (exclusive) to ``target`` (inclusive), in order."""
    versions = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == start.questionnaire_id,
        QuestionnaireVersion.status == "published").order_by(QuestionnaireVersion.published_at,
                                                             QuestionnaireVersion.id)).all()
    ids = [v.id for v in versions]
    if start.id not in ids or target.id not in ids or ids.index(target.id) <= ids.index(start.id):
        return []
    return list(versions[ids.index(start.id) + 1: ids.index(target.id) + 1])


@dataclass
class Carried:
    """Answers of one version placed in a later one: new id -> (old id, JSON value), and the ids
    that have no home there (kept where they were, listed read-only)."""

    values: dict[str, tuple[str, Any]]
    orphans: list[str]


def mapping_between(start: QuestionnaireVersion, target: QuestionnaireVersion) -> Mapping:
    """The mappings of every version from ``start`` to ``target``, composed (none: the same version)."""
    mapping = Mapping()
    if start.id == target.id:
        return mapping
    steps = chain(start, target)
    if not steps:
        raise catalog.PublishError("not a later version of the same questionnaire")
    for step in steps:
        mapping.then(Mapping.from_notes(step.notes))
    return mapping


def carry(start: QuestionnaireVersion, target: QuestionnaireVersion, answers: dict[str, Any]) -> Carried:
    """Where the stored (JSON) ``answers`` to ``start`` go in ``target``: ids and codes mapped."""
    mapping = mapping_between(start, target)
    old_q = catalog.questionnaire(start)
    q = catalog.questionnaire(target)
    out = Carried({}, [])
    for qid, value in answers.items():
        new_id = mapping.questions.get(qid, qid)
        question = q.index.items.get(new_id)
        if not isinstance(question, engine.Question) or new_id in out.values:
            out.orphans.append(qid)
            continue
        value = _recode(value, question, old_q.index.items.get(qid), mapping, qid)
        try:
            engine.TYPES[question.type].from_json(question, value)
        except engine.InvalidAnswer:
            out.orphans.append(qid)
            continue
        out.values[new_id] = (qid, value)
    out.orphans.sort()
    return out


def migrate(response: Response, target: QuestionnaireVersion, user: User) -> Migration:
    """Move a response to ``target`` in one transaction, step by step through the versions between."""
    if not chain(response.version, target):
        raise catalog.PublishError("not a later version of the same questionnaire")
    taken = db.session.scalars(select(Response).where(Response.state_id == response.state_id,
                                                      Response.version_id == target.id,
                                                      Response.round_id == response.round_id)).first()
    if taken is not None:
        raise catalog.PublishError("this State already has a response on that version")
    q = catalog.questionnaire(target)
    rows = stored(response)
    moved = carry(response.version, target, {qid: row.value for qid, row in rows.items() if row.value is not None})
    changes: list[Change] = []
    mapped: list[tuple[str, str]] = []
    carried = 0
    for new_id, (qid, value) in moved.values.items():
        if new_id != qid:
            target_row = rows.get(new_id)
            changes.append(Change(new_id, value, target_row.version if target_row else 0))
            mapped.append((qid, new_id))
            continue
        if value != rows[qid].value:
            changes.append(Change(qid, value, rows[qid].version))
        carried += 1
    response.version_id = target.id
    response.version = target
    db.session.flush()
    if changes:
        save(response, q, changes, user, source="migration", visible_only=False)
    refresh(response, q, _values(q, stored(response)))
    log(response, user, "migrated", to=target.version, mapped=mapped, orphans=moved.orphans)
    return Migration(carried, mapped, moved.orphans)


def _recode(value: Any, question: engine.Question, old: object, mapping: Mapping, qid: str) -> Any:
    """``value`` with its choice codes mapped (table cells too, by the choice list of their column)."""
    previous = old if isinstance(old, engine.Question) else None
    if question.type == "table" and isinstance(value, list):
        return [_recode_row(row, question, previous, mapping) if isinstance(row, dict) else row for row in value]
    lists = (question.choices.name if question.choices else None,
             previous.choices.name if previous is not None and previous.choices else None)
    codes = mapping.code_map(qid, *lists)
    if question.id != qid:
        codes = {**mapping.code_map(question.id, *lists), **codes}
    return _apply(value, codes)


def _recode_row(row: dict[str, Any], question: engine.Question, old: engine.Question | None,
                mapping: Mapping) -> dict[str, Any]:
    out = dict(row)
    for column in question.columns:
        before = old.column(column.id) if old is not None else None
        lists = [c.choices.name for c in (column, before) if c is not None and c.choices is not None]
        codes: dict[str, list[str]] = {}
        for name in lists:
            for old_code, new in mapping.lists.get(name, {}).items():
                codes.setdefault(old_code, targets(new))
        if codes and column.id in out:
            out[column.id] = _apply(out[column.id], codes)
    return out


def _apply(value: Any, codes: dict[str, list[str]]) -> Any:
    if not codes:
        return value
    if isinstance(value, list):
        return _flat(codes.get(v, [v]) if isinstance(v, str) else [v] for v in value)
    if isinstance(value, str):
        new = codes.get(value, [value])
        return new[0] if len(new) == 1 else new  # several codes for a single choice: refused by the type
    return value


def _values(q: engine.Questionnaire, rows: dict[str, Answer]) -> dict[str, Any]:
    from .answers import values

    return values(q, rows)


def orphans(response: Response) -> list[tuple[str, Any, engine.Question | None]]:
    """Stored answers the response's version has no question for: (id, JSON value, old question).
    The contents page asks on every view: the answers' ids are read first (a response holds
    thousands), their values only for ids the version does not ask, and where they moved to."""
    q = catalog.questionnaire(response.version)
    ids = db.session.scalars(select(Answer.question_id).where(Answer.response_id == response.id)).all()
    unknown = [qid for qid in ids if not isinstance(q.index.items.get(qid), engine.Question)]
    if not unknown:
        return []
    moved = _moved_ids(response.version)
    wanted = set(unknown) | {moved[qid] for qid in unknown if qid in moved}
    rows = {row.question_id: row for row in db.session.scalars(select(Answer).where(
        Answer.response_id == response.id, Answer.question_id.in_(sorted(wanted))))}
    out = []
    for qid in unknown:
        row = rows.get(qid)
        if row is None or row.value is None:
            continue
        target = moved.get(qid)
        if target is not None and target in rows and rows[target].value is not None:
            continue  # carried to its new id by a migration: the old row is only history
        out.append((qid, row.value, _former_question(response.version, qid)))
    return out


def _moved_ids(version: QuestionnaireVersion) -> dict[str, str]:
    """Old question id -> new id, from the mappings recorded with the versions up to ``version``."""
    moved: dict[str, str] = {}
    for other in db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == version.questionnaire_id,
            QuestionnaireVersion.id <= version.id)):
        moved.update(Mapping.from_notes(other.notes or {}).questions)
    return moved


def _former_question(version: QuestionnaireVersion, qid: str) -> engine.Question | None:
    older = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == version.questionnaire_id,
        QuestionnaireVersion.status.in_(("published", "retired"))).order_by(QuestionnaireVersion.id.desc())).all()
    for other in older:
        item = catalog.questionnaire(other).index.items.get(qid)
        if isinstance(item, engine.Question):
            return item
    return None
