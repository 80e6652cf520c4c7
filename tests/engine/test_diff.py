"""Comparing two versions of a questionnaire."""

from __future__ import annotations

import engine
from engine.diff import diff

from .conftest import items, load

V1 = """
- id: g
  title: {en: G, fr: G}
  items:
    - {id: keep, type: text, label: {en: Keep, fr: Garder}}
    - {id: gone, type: text, label: {en: Gone, fr: Parti}}
    - {id: old_name, type: number, label: {en: Count, fr: Nombre}}
    - {id: kind, type: single_choice, choices: yn, label: {en: Kind, fr: Type}}
    - {id: retype, type: text, label: {en: Retype, fr: Retype}}
- id: h
  title: {en: H, fr: H}
  items:
    - {id: mover, type: text, label: {en: Mover, fr: Déplacé}}
"""

V2 = """
- id: g
  title: {en: G, fr: G}
  items:
    - {id: fresh, type: text, label: {en: Fresh, fr: Nouveau}}
    - {id: keep, type: text, label: {en: Keep it, fr: Garder}}
    - {id: new_name, type: number, label: {en: Count, fr: Nombre}}
    - id: kind
      type: single_choice
      label: {en: Kind, fr: Type}
      choices:
        - {code: "yes", label: {en: "Yes!", fr: Oui}}
        - {code: "partly", label: {en: Partly, fr: En partie}}
        - {code: "no", label: {en: "No", fr: Non}}
    - {id: retype, type: number, label: {en: Retype, fr: Retype}}
    - {id: mover, type: text, label: {en: Mover, fr: Déplacé}}
- id: h
  title: {en: H, fr: H}
  items:
    - {id: stay, type: text, label: {en: Stay, fr: Rester}}
"""


def test_diff_lists_exactly_the_changes() -> None:
    d = diff(load(items(V1)), load(items(V2)))
    found = {(c.kind, c.item) for c in d.changes}
    assert found == {
        ("added", "fresh"), ("added", "new_name"), ("added", "stay"),
        ("removed", "gone"), ("removed", "old_name"),
        ("reworded", "keep"),
        ("codes_removed", "kind"), ("codes_added", "kind"), ("relabelled", "kind"),
        ("retyped", "retype"),
        ("moved", "mover"),
    }
    assert {c.item for c in d.critical} == {"gone", "old_name", "kind", "retype"}
    (removed_codes,) = d.of_kind("codes_removed")
    assert removed_codes.detail["codes"] == ["partial"]


def test_translations_added_are_reported_but_not_critical() -> None:
    a = load(items("- {id: q, type: text, label: Only English}"))
    b = load(items("- {id: q, type: text, label: {en: Only English, fr: Seulement anglais}}"))
    d = diff(a, b)
    assert [(c.kind, c.detail["added"]) for c in d.changes] == [("translated", ["fr"])]
    assert d.critical == []


def test_identical_versions_have_no_changes() -> None:
    q = load(items(V1))
    assert diff(q, load(items(V1))).is_empty


def test_template_edits_are_marked_with_the_template() -> None:
    from tests import shipped

    text = shipped.checklist_text()
    old = shipped.checklist()
    new_text = text.replace("Please summarize how these measures give effect to the provision.",
                            "Please summarize how these measures implement the provision.", 1)
    d = diff(old, engine.load(new_text).questionnaire)
    reworded = d.of_kind("reworded")
    # every provision whose measures are asked (not the scope and saving clauses, which word it otherwise)
    asked = [qid for qid in old.index.items if qid.endswith(".measures_summary")
             and "give effect" in old.question(qid).label["en"]]
    assert len(reworded) == len(asked) > 200
    assert {c.detail["local_id"] for c in reworded} == {"measures_summary"}
    assert not d.critical
