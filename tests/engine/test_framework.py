"""The reference framework: articles' cross-references and guidance."""

from __future__ import annotations

import textwrap

from engine.stats import compute

from .conftest import CHOICES, FRAMEWORK, HEADER, codes, load

ARTICLES = HEADER + CHOICES + FRAMEWORK.replace(
    '          title: {en: Article five, fr: Article cinq}\n',
    '          title: {en: Article five, fr: Article cinq}\n'
    '          see_also: ["7", "6"]\n'
    '          guidance: {en: Cite the policy and its evaluation., fr: Citez la politique et son évaluation.}\n'
) + textwrap.indent(textwrap.dedent("""\
    - id: "6"
      title: {en: Six, fr: Six}
      guidance: {en: Name the body.}
      provisions:
        - {id: "6.1", level: mandatory, summary: {en: One, fr: Un}}
    - id: "7"
      title: {en: Seven, fr: Sept}
      provisions:
        - {id: "7.1", level: mandatory, summary: {en: One, fr: Un}}
"""), "        ") + """\
sections:
  - id: s
    title: {en: S, fr: S}
    items:
      - {id: q1, type: text, provisions: ["5", "6", "7"], label: {en: Q, fr: Q}}
"""


def test_guidance_and_related_articles() -> None:
    framework = load(ARTICLES).framework
    assert framework is not None
    assert framework.articles["5"].guidance["fr"] == "Citez la politique et son évaluation."
    assert not framework.articles["7"].guidance
    assert [a.id for a in framework.related("5")] == ["7", "6"]
    assert framework.related("6") == () and framework.related("99") == ()


def test_guidance_is_a_text_to_translate() -> None:
    assert codes(ARTICLES) == ["T500"]  # article 6's guidance lacks French
    q = load(ARTICLES.replace("{en: Name the body.}", "{en: Name the body., fr: Nommez l'organe.}"))
    stats = compute(q)
    assert stats.coverage("fr") == 100.0 and stats.translated["fr"] == stats.texts


def test_see_also_must_name_articles() -> None:
    assert "R300" in codes(ARTICLES.replace('see_also: ["7", "6"]', 'see_also: ["7", "66"]'))


def test_stats_count_provisions_by_level_and_questions_by_role() -> None:
    text = ARTICLES.replace('{id: "6.1", level: mandatory', '{id: "6.1", level: optional').replace(
        "levels:\n", "levels:\n    - {code: optional, label: {en: Optional, fr: Facultatif}}\n").replace(
        '{id: q1, type: text, provisions: ["5", "6", "7"], label: {en: Q, fr: Q}}',
        '{id: q1, type: long_text, role: summary, provisions: ["5", "6", "7"], label: {en: Q, fr: Q}}')
    stats = compute(load(text.replace("{en: Name the body.}", "{en: Name the body., fr: Nommez l'organe.}")))
    assert stats.levels == {"optional": 1, "mandatory": 3}  # in the order of the levels
    assert stats.roles == {"summary": 1}
