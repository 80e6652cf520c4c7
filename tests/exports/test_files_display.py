"""Evidence files in words (profiles, exports, the review screen list them by name) and in the JSON
export's manifest."""

from __future__ import annotations

from typing import Any

import engine
from exports import display, schemas

YAML = """\
id: t
version: "1"
title: {en: T}
languages: [en, ar]
default_language: en
sections:
  - id: s
    title: {en: S}
    items:
      - id: laws
        type: table
        label: {en: Laws}
        columns:
          - {id: title, type: text, label: {en: Title}}
          - {id: copy, type: file, label: {en: Copy of the text}}
"""


def ref(name: str, sha: str) -> dict[str, object]:
    return {"sha256": sha * 64, "name": name, "size": 10, "type": "application/pdf"}


def test_files_are_listed_by_name_in_every_language() -> None:
    q = engine.load(YAML, "t.yaml").questionnaire
    table = q.question("laws")
    value = engine.TYPES["table"].from_json(table, [{"title": "Penal Code", "copy": [ref("code.pdf", "a"),
                                                                                    ref("قانون.pdf", "b")]}])
    assert display.words(q, table, value, "en") == "Title: Penal Code; Copy of the text: code.pdf; قانون.pdf"
    assert "code.pdf\u061b قانون.pdf" in display.words(q, table, value, "ar")


def test_the_manifest_lists_every_file_with_its_hash() -> None:
    raw = {"laws": [{"title": "A", "copy": [ref("a.pdf", "a")]}, {"title": "B"}, {"copy": [ref("b.pdf", "b")]}],
           "other": "text"}
    assert [(f["question"], f["name"], f["sha256"][:1]) for f in schemas.manifest(raw, ["laws", "other"])] == [
        ("laws", "a.pdf", "a"), ("laws", "b.pdf", "b")]


def test_the_profile_lists_the_files_beside_the_law(checklist: engine.Questionnaire, data_of: Any) -> None:
    from exports.profile import build_html

    from .filled import parse

    answers = parse(checklist, {"p5_1.compliance": "yes", "p5_1.measures": [
        {"instrument": "Public Officer Ethics Act", "text_file": [ref("Ethics Act 2003.pdf", "c")]}]})
    html = build_html(data_of(answers), "en", "full")
    assert "Ethics Act 2003.pdf" in html and "Copy of the text" in html
    assert "c" * 64 not in html  # the hash is for the JSON manifest, not for readers of the profile
