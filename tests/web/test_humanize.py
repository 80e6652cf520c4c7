"""Conditions in words for the printed questionnaire (web.fill.humanize), in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

import engine
from tests.conftest import make_app
from tests.engine.conftest import items, load

Q = items("""
    - {id: status, type: single_choice, choices: yn, label: {en: Status?, fr: Statut ?}}
    - {id: help, type: yes_no, label: {en: Help?, fr: Aide ?}}
    - {id: kinds, type: multiple_choice, choices: cats, label: {en: Kinds, fr: Types}}
    - {id: note, type: text, label: {en: Note, fr: Note}}
    - {id: a, type: text, label: {en: A, fr: A}, show_if: "${status} in ['yes', 'partial']"}
    - {id: b, type: text, label: {en: B, fr: B}, show_if: "${help} = true"}
    - {id: c, type: text, label: {en: C, fr: C}, show_if: "selected(${kinds}, 'a')"}
    - {id: d, type: text, label: {en: D, fr: D}, show_if: "answered(${note})"}
    - {id: e, type: text, label: {en: E, fr: E}, show_if: "${help} = true and ${status} = 'no'"}
    - {id: f, type: text, label: {en: F, fr: F}}
""")


@pytest.fixture(scope="module")
def q() -> engine.Questionnaire:
    return load(Q)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app("sqlite://", Path(tmp_path_factory.mktemp("instance")))  # no database is touched


def said(app: Flask, q: engine.Questionnaire, lang: str) -> dict[str, str]:
    from web.fill.humanize import condition_text

    with app.test_request_context(f"/?lang={lang}"):
        return {qid: condition_text(q, q.question(qid)) for qid in "abcdef"}


def test_conditions_in_english(app: Flask, q: engine.Questionnaire) -> None:
    assert said(app, q, "en") == {
        "a": "Answer if you answered “Yes” or “Partly” to “Status?”.",
        "b": "Answer if you answered “Yes” to “Help?”.",
        "c": "Answer if you selected “A” in “Kinds”.",
        "d": "Answer if you answered “Note”.",
        "e": "Answer only in some cases (the online form shows this question when it applies).",
        "f": "",
    }


def test_conditions_in_french(app: Flask, q: engine.Questionnaire) -> None:
    french = said(app, q, "fr")
    assert french["a"] == "Répondez si vous avez répondu «\u00a0Oui\u00a0» ou «\u00a0En partie\u00a0» à " \
                          "«\u00a0Statut ?\u00a0»."
    assert "«\u00a0Oui\u00a0»" in french["b"] and "«\u00a0Aide ?\u00a0»" in french["b"]
    assert french["f"] == "" and all(text and "Answer" not in text for qid, text in french.items() if qid != "f")


def test_more_shapes_of_conditions(app: Flask) -> None:
    """Several codes of a list; a negated list and an inequality, said only as "in some cases"."""
    from web.fill.humanize import condition_text

    q = load(items("""
        - {id: status, type: single_choice, choices: yn, label: {en: Status?, fr: Statut ?}}
        - {id: kinds, type: multiple_choice, choices: cats, label: {en: Kinds, fr: Types}}
        - {id: g, type: text, label: {en: G, fr: G}, show_if: "any_selected(${kinds}, 'a', 'b')"}
        - {id: h, type: text, label: {en: H, fr: H}, show_if: "${status} not in ['no']"}
        - {id: i, type: text, label: {en: I, fr: I}, show_if: "${status} != 'no'"}
    """))
    with app.test_request_context("/?lang=en"):
        said_en = {qid: condition_text(q, q.question(qid)) for qid in "ghi"}
    assert said_en["g"] == "Answer if you selected “A” or “B” in “Kinds”."
    some_cases = "Answer only in some cases (the online form shows this question when it applies)."
    assert said_en["h"] == some_cases and said_en["i"] == some_cases
