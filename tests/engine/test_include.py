"""``include:``: a template's items written in place, with the ids and scope of the place."""

from __future__ import annotations

import textwrap

import engine

from .conftest import FRAMEWORK, codes, doc, load

BLOCKS = """
templates:
  status:
    items:
      - {id: status, type: single_choice, choices: yn, role: compliance, label: {en: Status?, fr: Statut ?}}
  follow_up:
    parameters: [when]
    items:
      - id: detail
        type: text
        role: summary
        show_if: "{when}"
        label: {en: Detail, fr: Détail}
  provision:
    parameters: [provision, kind]
    provisions: ["{provision}"]
    items:
      - {include: "{kind}"}
      - {include: follow_up, with: {when: "${status} = 'no'"}}
  partial_kind:
    items:
      - {include: status}
      - {id: extra, type: text, label: {en: Extra, fr: Extra}}
"""


def test_included_items_take_the_ids_and_scope_of_the_instance() -> None:
    q = load(doc(FRAMEWORK + BLOCKS + textwrap.dedent("""
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: provision, id: p1, with: {provision: "5.1", kind: status}}
              - {use: provision, id: p2, with: {provision: "5.2", kind: partial_kind}}
    """)))
    p1, p2 = q.item("p1"), q.item("p2")
    assert [item.id for item in p1.items] == ["p1.status", "p1.detail"]  # type: ignore[union-attr]
    assert [item.id for item in p2.items] == ["p2.status", "p2.extra", "p2.detail"]  # type: ignore[union-attr]
    assert q.question("p2.detail").show_if is not None
    assert q.question("p2.detail").show_if.refs == frozenset({"p2.status"})  # type: ignore[union-attr]
    assert q.question("p1.status").template == "provision"  # the instance's template, not the included one
    assert q.block("p2").get("compliance") == "p2.status"  # type: ignore[union-attr]
    assert q.provisions_of("p2.extra") == ("5.2",)
    ev = engine.evaluate(q, {"p1.status": "no", "p2.status": "yes"})
    assert ev.is_visible("p1.detail") and not ev.is_visible("p2.detail")


def test_include_directly_in_a_section() -> None:
    q = load(doc(BLOCKS + textwrap.dedent("""
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {include: status}
              - {include: follow_up, with: {when: "answered(${status})"}}
    """)))
    assert [item.id for item in q.item("s").items] == ["status", "detail"]  # type: ignore[union-attr]


OUTER = """
  outer:
    items:
      - {include: status}
      - id: inner
        items:
          - {include: follow_up, with: {when: "${status} = 'yes'"}}
"""


def test_include_in_a_group_nested_in_a_template_is_in_the_instance_scope() -> None:
    q = load(doc(BLOCKS + OUTER + textwrap.dedent("""
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: outer, id: o}
    """)))
    assert q.question("o.detail").show_if.refs == frozenset({"o.status"})  # type: ignore[union-attr]
    assert q.parent("o.detail").id == "o.inner"  # type: ignore[union-attr]


def test_mistakes_in_an_include_are_located() -> None:
    text = doc(BLOCKS + textwrap.dedent("""
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {include: stauts}
              - {include: follow_up}
              - {include: status, with: {when: x}}
              - {include: status, id: nope}
    """))
    assert sorted(codes(text)) == ["S200", "S209", "S211", "S211"]


def test_a_template_that_includes_itself_is_refused() -> None:
    text = doc("""
        templates:
          a:
            items:
              - {include: b}
          b:
            items:
              - {include: a}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {include: a}
              - {id: q, type: text, label: {en: Q, fr: Q}}
    """)
    assert codes(text) == ["S210"]


def test_an_include_sees_the_instance_parameters_and_templates_have_defaults() -> None:
    q = load(doc(FRAMEWORK + textwrap.dedent("""
        templates:
          cited:
            items:
              - {id: cite, type: text, label: {en: "Cite for {provision} ({list})", fr: "Citez pour {provision}"}}
          provision:
            parameters: [provision, list]
            defaults: {list: none}
            provisions: ["{provision}"]
            items:
              - {include: cited}
              - {include: cited_again, with: {list: given}}
          cited_again:
            parameters: [list]
            items:
              - {id: again, type: text, label: {en: "Again {list} {provision}", fr: Encore}}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: provision, id: p1, with: {provision: "5.1"}}
              - {use: provision, id: p2, with: {provision: "5.2", list: items_5_2}}
    """)))
    assert q.question("p1.cite").label["en"] == "Cite for 5.1 (none)"
    assert q.question("p2.cite").label["en"] == "Cite for 5.2 (items_5_2)"
    assert q.question("p2.again").label["en"] == "Again given 5.2"


def test_defaults_must_name_parameters() -> None:
    text = doc(textwrap.dedent("""
        templates:
          t:
            parameters: [a]
            defaults: {a: x, b: y}
            items:
              - {id: q, type: text, label: {en: "Q {a}", fr: Q}}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: t, id: one}
              - {use: t, id: two}
    """))
    assert codes(text) == ["S211"]  # once, where the default is written
