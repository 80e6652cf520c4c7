"""Helpers for engine tests: questionnaires are stated inline, small, in YAML."""

from __future__ import annotations

import textwrap

import pytest

import engine

HEADER = """\
id: t
version: "1"
title: {en: Test, fr: Test}
languages: [en, fr]
default_language: en
"""

FRAMEWORK = """\
framework:
  id: fw
  title: {en: Framework, fr: Cadre}
  levels:
    - {code: mandatory, label: {en: Mandatory, fr: Obligatoire}}
  chapters:
    - id: "II"
      title: {en: Chapter, fr: Chapitre}
      articles:
        - id: "5"
          title: {en: Article five, fr: Article cinq}
          provisions:
            - {id: "5.1", level: mandatory, summary: {en: One, fr: Un}}
            - {id: "5.2", level: mandatory, summary: {en: Two, fr: Deux}}
"""

CHOICES = """\
choice_lists:
  yn:
    - {code: "yes", label: {en: "Yes", fr: Oui}}
    - {code: partial, label: {en: Partly, fr: En partie}}
    - {code: "no", label: {en: "No", fr: Non}}
  cats:
    - {code: a, label: {en: A, fr: A}}
    - {code: b, label: {en: B, fr: B}}
    - {code: other, label: {en: Other, fr: Autre}, other: true}
"""


def doc(body: str, header: str = HEADER + CHOICES) -> str:
    """A whole questionnaire from a header and a dedented body."""
    return header + textwrap.dedent(body)


def items(yaml_items: str, extra: str = "") -> str:
    """A questionnaire with one section holding the given (dedented) items."""
    body = textwrap.indent(textwrap.dedent(yaml_items), "      ")
    return HEADER + CHOICES + extra + "sections:\n  - id: s\n    title: {en: S, fr: S}\n    items:\n" + body


def load(text: str) -> engine.Questionnaire:
    return engine.load(text, source="t.yaml").questionnaire


def codes(text: str | bytes) -> list[str]:
    """The diagnostic codes loading ``text`` produces (errors and warnings)."""
    try:
        return [d.code for d in engine.load(text, source="t.yaml").warnings]
    except engine.QuestionnaireError as exc:
        return [d.code for d in exc.diagnostics]


def diagnostics(text: str | bytes) -> list[engine.Diagnostic]:
    try:
        return list(engine.load(text, source="t.yaml").warnings)
    except engine.QuestionnaireError as exc:
        return list(exc.diagnostics)


@pytest.fixture
def q_basic() -> engine.Questionnaire:
    return load(items("""
        - id: compliance
          type: single_choice
          choices: yn
          label: {en: Compliance, fr: Conformité}
          required: true
        - id: measures
          type: long_text
          label: {en: Measures, fr: Mesures}
          show_if: ${compliance} in ['yes', 'partial']
          required: true
        - id: steps
          type: long_text
          label: {en: Steps, fr: Étapes}
          show_if: ${compliance} in ['partial', 'no']
        - id: cats
          type: multiple_choice
          choices: cats
          label: {en: Challenges, fr: Défis}
          show_if: ${compliance} = 'no'
        - id: count
          type: number
          label: {en: Count, fr: Nombre}
          min: 0
          max: 10
          required: answered(${steps})
    """))
