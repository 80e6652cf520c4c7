"""Texts for translators and writing translations back (engine.translate), read through engine.source."""

from __future__ import annotations

import pytest

import engine
from engine.translate import apply, texts

from .conftest import HEADER

SOURCE = HEADER + """\
sections:
  - id: s
    title: Plain title  # a comment that stays
    items:
      - id: q1
        type: text
        label: {en: Flow label, fr: "Libellé"}
      - id: q2
        type: long_text
        label:
          en: >-
            A folded
            label
          fr: Un libellé plié
        hint:
          en: Block hint
"""


def test_texts_have_keys_places_and_values() -> None:
    found = {entry.key: entry for entry in texts(SOURCE, "en")}
    assert found["sections[0].title"].values == {"en": "Plain title"}
    assert found["sections[0].items[0].label"].values == {"en": "Flow label", "fr": "Libellé"}
    assert found["sections[0].items[1].label"].values == {"en": "A folded label", "fr": "Un libellé plié"}
    assert (found["sections[0].items[0].label"].line, found["sections[0].items[0].label"].column) == (
        SOURCE.splitlines().index("        label: {en: Flow label, fr: \"Libellé\"}") + 1, 16)


def test_apply_changes_only_the_languages_given() -> None:
    out = apply(SOURCE, "en", {
        "sections[0].title": {"fr": "Titre"},
        "sections[0].items[0].label": {"fr": "Nouveau", "ar": "تسمية"},
        "sections[0].items[1].label": {"ar": "تسمية مطوية"},
        "sections[0].items[1].hint": {"en": "New hint"},
    })
    assert '    title: {en: "Plain title", fr: "Titre"}  # a comment that stays\n' in out
    assert '        label: {en: Flow label, fr: "Nouveau", ar: "تسمية"}\n' in out
    assert ('          fr: Un libellé plié\n          ar: "تسمية مطوية"\n'
            '        hint:\n          en: "New hint"\n') in out
    q = engine.load(out.replace("languages: [en, fr]", "languages: [en, fr, ar]")).questionnaire
    assert q.question("q2").label["ar"] == "تسمية مطوية" and q.question("q2").label["en"] == "A folded label"


def test_a_byte_order_mark_is_kept_and_unknown_keys_refused() -> None:
    out = apply("\ufeff" + SOURCE, "en", {"sections[0].title": {"fr": "Titre"}})
    assert out.startswith("\ufeffid: t\n") and 'fr: "Titre"' in out
    with pytest.raises(KeyError):
        apply(SOURCE, "en", {"sections[9].title": {"fr": "x"}})


def test_unsafe_yaml_is_refused_with_its_place() -> None:
    with pytest.raises(engine.QuestionnaireError) as caught:
        texts(SOURCE.replace("title: Plain title", "title: &a Plain title"), "en")
    assert [d.code for d in caught.value.diagnostics] == ["Y103"]
