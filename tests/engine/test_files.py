"""The ``file`` question type and file columns: keys, JSON, checks, conditions."""

from __future__ import annotations

import json

import pytest

import engine
from engine.diff import diff

from .conftest import codes, items, load

SHA = "a" * 64


def ref(name: str = "law.pdf", size: int = 1000, sha: str = SHA) -> dict[str, object]:
    return {"sha256": sha, "name": name, "size": size, "type": "application/pdf"}


@pytest.fixture
def q() -> engine.Questionnaire:
    return load(items("""
        - id: laws
          type: table
          label: {en: Laws, fr: Lois}
          columns:
            - {id: title, type: text, label: {en: Title, fr: Titre}}
            - {id: copy, type: file, accept: [pdf, DOCX], max_size: 2 MB, max_files: 2, label: {en: Copy, fr: Copie}}
        - id: evidence
          type: file
          label: {en: Evidence, fr: Preuves}
        - id: note
          type: text
          show_if: count(${evidence}) >= 1 and count(${laws}) = 0
          label: {en: Why, fr: Pourquoi}
    """))


def test_keys_are_read(q: engine.Questionnaire) -> None:
    column = q.question("laws").column("copy")
    assert column is not None
    assert (column.accept, column.max_size, column.max_files) == (("pdf", "docx"), 2 * 1024 * 1024, 2)
    assert engine.types.file_size_limit(q.question("evidence")) == engine.types.DEFAULT_FILE_SIZE


@pytest.mark.parametrize(("keys", "code"), [
    ("accept: [pdf, exe]", "S203"),
    ("max_size: lots", "S202"),
    ("max_size: 0 MB", "S202"),
    ("max_files: -1", "S202"),
])
def test_bad_keys_are_located_errors(keys: str, code: str) -> None:
    assert code in codes(items(f"- {{id: f, type: file, {keys}, label: {{en: F, fr: F}}}}"))


def test_comparing_files_is_refused() -> None:
    assert "C404" in codes(items("""
        - {id: f, type: file, label: {en: F, fr: F}}
        - {id: t, type: text, show_if: "${f} = 'x'", label: {en: T, fr: T}}
    """))


def test_json_round_trip_and_checks(q: engine.Questionnaire) -> None:
    kind = engine.TYPES["file"]
    evidence = q.question("evidence")
    value = kind.from_json(evidence, [ref()])
    assert kind.to_json(evidence, value) == [ref()]
    assert kind.from_json(evidence, json.dumps([ref()])) == value  # as a page posts it
    assert kind.from_json(evidence, "") is None and kind.from_json(evidence, []) is None
    column = q.question("laws").column("copy")
    assert column is not None
    problems = kind.check(column, kind.from_json(column, [ref("a.exe.odt"), ref("b.pdf", 3 * 1024 * 1024, "b" * 64),
                                                          ref("c.pdf", sha="c" * 64)]))
    assert [p.code for p in problems] == ["max_files", "file_type", "file_size"]


@pytest.mark.parametrize("raw", [
    [{"sha256": "../../etc/passwd", "name": "x.pdf", "size": 1}],
    [{"sha256": SHA, "name": "../x.pdf", "size": 1}],
    [{"sha256": SHA, "name": "x.pdf", "size": 0}],
    [{"sha256": SHA, "name": "x.pdf", "size": True}],
    [ref()] * 21,
    "[" * 5000 + "]" * 5000,
    "not json",
    [["nested"]],
])
def test_bad_references_are_refused(q: engine.Questionnaire, raw: object) -> None:
    with pytest.raises(engine.InvalidAnswer):
        engine.TYPES["file"].from_json(q.question("evidence"), raw)


def test_conditions_count_files(q: engine.Questionnaire) -> None:
    assert engine.evaluate(q, {"evidence": (ref(),)}).is_visible("note")
    assert not engine.evaluate(q, {}).is_visible("note")


def test_adding_a_file_column_to_a_table_strands_no_answer() -> None:
    before = load(items("""
        - id: laws
          type: table
          label: {en: Laws, fr: Lois}
          columns:
            - {id: title, type: text, label: {en: Title, fr: Titre}}
            - {id: year, type: number, label: {en: Year, fr: Année}}
    """))
    added = load(items("""
        - id: laws
          type: table
          label: {en: Laws, fr: Lois}
          columns:
            - {id: title, type: text, label: {en: Title, fr: Titre}}
            - {id: year, type: number, label: {en: Year, fr: Année}}
            - {id: copy, type: file, label: {en: Copy, fr: Copie}}
    """))
    changes = diff(before, added).changes
    assert [(c.kind, c.critical) for c in changes if c.item == "laws"] == [("columns_added", False)]
    removed = diff(added, before).changes
    assert [(c.kind, c.critical) for c in removed if c.item == "laws"] == [("retyped", True)]
