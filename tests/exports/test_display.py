"""Answers as words (exports.display): one registry for the web, the PDF and the exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import engine
from exports import display
from exports.profile import Labels, ProfileData
from exports.profile.view import _Builder

DOC = """\
id: d
version: "1"
title: {en: D, fr: D}
languages: [en, fr, ar]
default_language: en
choice_lists:
  kinds:
    - {code: a, label: {en: Advice, fr: Conseils, ar: مشورة}}
    - {code: b, label: {en: Books}}
sections:
  - id: s
    title: {en: S}
    items:
      - {id: year, type: number, integer: true, label: {en: Year}}
      - {id: amount, type: number, label: {en: Amount}}
      - {id: day, type: date, label: {en: Day}}
      - {id: one, type: single_choice, choices: kinds, label: {en: One}}
      - {id: many, type: multiple_choice, choices: kinds, label: {en: Many}}
      - {id: flag, type: yes_no, label: {en: Flag}}
      - {id: laws, type: table, label: {en: Laws}, columns: [{id: title, type: text, label: {en: Title, fr: Titre}},
                                                            {id: year, type: number, label: {en: Year, fr: Année}}]}
"""


@pytest.fixture(scope="module")
def q() -> engine.Questionnaire:
    return engine.load(DOC, source="d.yaml").questionnaire


def words(q: engine.Questionnaire, qid: str, value: object, lang: str = "en") -> str:
    return display.words(q, q.question(qid), value, lang, display.Words("Oui", "Non") if lang == "fr" else
                         display.ENGLISH)


def test_years_read_as_years_and_large_numbers_are_grouped(q: engine.Questionnaire) -> None:
    assert words(q, "year", 2003) == "2003" and words(q, "year", 2003, "fr") == "2003"
    assert words(q, "amount", Decimal("25000")) == "25,000"
    assert words(q, "amount", Decimal("25000.5"), "fr") == "25\u202f000,5"
    assert words(q, "amount", Decimal("-12000")) == "-12,000"


def test_choices_dates_yes_no_and_tables(q: engine.Questionnaire) -> None:
    assert words(q, "one", "a", "fr") == "Conseils"
    assert words(q, "many", ("a", "b")) == "Advice; Books"
    assert words(q, "many", ("a", "a"), "ar") == "مشورة\u061b مشورة"
    assert words(q, "flag", True, "fr") == "Oui" and words(q, "flag", False) == "No"
    assert words(q, "day", dt.date(2026, 5, 1), "fr") == "1 mai 2026"
    assert words(q, "laws", ({"title": "Penal Code", "year": 1930}, {"title": "Ethics Act"}), "fr") == (
        "Titre: Penal Code; Année: 1930\nTitre: Ethics Act")
    assert display.words(q, q.question("one"), None, "en") == ""


def test_texts_know_their_language(q: engine.Questionnaire) -> None:
    reader = display.Reader(q, "fr")
    assert display.show(reader, q.question("one"), "b") == engine.Localized("Books", "en", True)  # fallback
    assert display.show(reader, q.question("one"), "a") == engine.Localized("Conseils", "fr", False)
    written = display.Reader(q, "fr", written="en")
    assert display.show(written, q.question("laws"), ({"title": "Act"},)).is_fallback
    assert not engine.Localized("  ", "en", False) and engine.Localized("x", "en", False)


def test_provisions_are_cited_on_one_line() -> None:
    assert display.provision_number("46.9.b") == "46\u00a0(9)\u00a0(b)"
    assert display.provision_number("5") == "5"


def test_the_profile_shows_answers_as_the_exports_do(q: engine.Questionnaire) -> None:
    data = ProfileData("KEN", {"en": "Kenya"}, "002", q, {"year": 2003, "amount": Decimal("25000"),
                                                         "many": ("a", "b")})
    builder = _Builder(data, "en", "full", Labels())  # the cells of a profile (this one has no framework)
    shown = {qid: builder.cell(qid, q.question(qid), value).text.text for qid, value in data.answers.items()}
    assert shown == {qid: words(q, qid, value) for qid, value in data.answers.items()} == {
        "year": "2003", "amount": "25,000", "many": "Advice; Books"}
