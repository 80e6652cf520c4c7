"""Question roles: declared in the YAML, checked at load time, found through blocks."""

from __future__ import annotations

import pytest

from .conftest import FRAMEWORK, codes, doc, load

TEMPLATE = """\
templates:
  provision:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: status, type: single_choice, choices: yn, role: compliance, label: {en: S, fr: S}}
      - {id: laws, type: long_text, role: summary, label: {en: L, fr: L}}
      - {id: help, type: yes_no, role: assistance_needed, label: {en: H, fr: H}}
  practices:
    items:
      - {id: practices, type: long_text, role: good_practices, label: {en: P, fr: P}}
sections:
  - id: s
    title: {en: S, fr: S}
    items:
      - {id: contact, type: text, role: focal_point_name, label: {en: N, fr: N}}
      - id: art5
        provisions: ["5"]
        items:
          - {use: provision, id: p5_1, with: {provision: "5.1"}}
          - {use: provision, id: p5_2, with: {provision: "5.2"}}
          - {use: practices, id: art5_practices}
"""


def test_blocks_map_roles_to_question_ids() -> None:
    q = load(doc(FRAMEWORK + TEMPLATE))
    assert [b.id for b in q.blocks] == ["", "p5_1", "p5_2", "art5"]
    block = q.block("p5_2")
    assert block is not None
    assert block.provision == "5.2" and block.article == "5"
    assert dict(block.roles) == {"compliance": "p5_2.status", "summary": "p5_2.laws",
                                 "assistance_needed": "p5_2.help"}
    article = q.block("art5")
    assert article is not None and article.provision is None and article.article == "5"
    assert article.get("good_practices") == "art5_practices.practices"
    assert q.block_of("p5_1.laws") == q.block("p5_1")
    assert q.role_of("p5_1.status") == "compliance"
    assert q.role_of("contact") == "focal_point_name"
    assert [question.id for question in q.with_role("compliance")] == ["p5_1.status", "p5_2.status"]


def test_renaming_an_id_keeps_the_role() -> None:
    """What code reads is the role: the question id is free to change."""
    renamed = load(doc(FRAMEWORK + TEMPLATE.replace("id: status", "id: implemented")))
    block = renamed.block("p5_1")
    assert block is not None and block.get("compliance") == "p5_1.implemented"


def test_questions_without_roles_have_no_block() -> None:
    q = load(doc(FRAMEWORK + TEMPLATE.replace(", role: summary", "")))
    assert q.block_of("p5_1.laws") is None
    assert q.role_of("p5_1.laws") is None


def test_an_article_holding_its_only_provision() -> None:
    """Article 59 has one provision, also called '59': the inner group is the provision's block."""
    framework = FRAMEWORK.replace('            - {id: "5.2", level: mandatory, summary: {en: Two, fr: Deux}}\n',
                                  "").replace('"5.1"', '"5"')
    body = TEMPLATE.replace('          - {use: provision, id: p5_2, with: {provision: "5.2"}}\n', "")
    q = load(doc(framework + body.replace('{provision: "5.1"}', '{provision: "5"}')))
    assert q.block("p5_1").provision == "5"  # type: ignore[union-attr]
    art = q.block("art5")
    assert art is not None and art.provision is None and art.article == "5"


@pytest.mark.parametrize("change, code", [
    ("role: compliance", "S219", ),
    ("role: complianse", "S218"),
])
def test_bad_roles_are_located(change: str, code: str) -> None:
    text = doc(FRAMEWORK + TEMPLATE.replace("role: summary", change))
    assert code in codes(text)


def test_a_role_twice_in_a_block() -> None:
    text = doc(FRAMEWORK + TEMPLATE.replace("role: assistance_needed", "role: summary").replace(
        "type: yes_no, role: summary", "type: long_text, role: summary"))
    assert "S220" in codes(text)


def test_roles_are_not_allowed_on_columns() -> None:
    text = doc(FRAMEWORK + TEMPLATE.replace(
        "      - {id: help, type: yes_no, role: assistance_needed, label: {en: H, fr: H}}",
        "      - id: t\n        type: table\n        label: {en: T, fr: T}\n        columns:\n"
        "          - {id: c, type: text, role: summary, label: {en: C, fr: C}}"))
    assert "S200" in codes(text)


def test_the_shipped_checklist_declares_its_pattern() -> None:
    from tests import shipped

    q = shipped.checklist()
    assert q.framework is not None
    provisions = [b for b in q.blocks if b.provision is not None]
    assert {b.provision for b in provisions} == set(q.framework.provisions)
    assert all(b.get("measures") and b.get("summary") for b in provisions)
    status = [b for b in provisions if b.get("compliance") or b.get("adopted")]
    assert all(b.get("assistance_needed") for b in status) and len(status) > 200
    practices = [b for b in q.blocks if b.get("good_practices")]
    assert {b.article for b in practices} == set(q.framework.articles)


def test_levels_say_whether_a_negative_answer_is_a_gap() -> None:
    framework = FRAMEWORK.replace("    - {code: mandatory, label: {en: Mandatory, fr: Obligatoire}}\n",
                                  "    - {code: mandatory, label: {en: Mandatory, fr: Obligatoire}}\n"
                                  "    - {code: optional, label: {en: Optional, fr: Facultatif}, gaps: false}\n")
    q = load(doc(framework + TEMPLATE))
    assert q.framework is not None
    assert [(level.code, level.gaps) for level in q.framework.levels] == [("mandatory", True), ("optional", False)]
    assert "S202" in codes(doc(framework.replace("gaps: false", "gaps: sometimes") + TEMPLATE))
