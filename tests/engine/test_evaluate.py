"""Evaluating answers: visibility, hidden answers kept, required, problems, completeness, updates."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.evaluate import Progress

from .conftest import FRAMEWORK, items, load

STATE = ("visible", "values", "required", "problems", "missing", "not_applicable", "groups",
         "provisions", "articles")


def same(a: engine.Evaluation, b: engine.Evaluation) -> None:
    for name in STATE:
        assert getattr(a, name) == getattr(b, name), name


def test_follow_ups_appear_for_the_right_answers(q_basic: engine.Questionnaire) -> None:
    def shown(answers: dict) -> set[str]:
        ev = engine.evaluate(q_basic, answers)
        return {qid for qid in ("measures", "steps", "cats") if ev.is_visible(qid)}

    assert shown({}) == set()
    assert shown({"compliance": "yes"}) == {"measures"}
    assert shown({"compliance": "partial"}) == {"measures", "steps"}
    assert shown({"compliance": "no"}) == {"steps", "cats"}


def test_hidden_answers_are_kept_flagged_and_come_back(q_basic: engine.Questionnaire) -> None:
    answers = {"compliance": "no", "steps": "Draft a law", "cats": ("a",)}
    hidden = engine.evaluate(q_basic, {**answers, "compliance": "yes"})
    assert hidden.not_applicable == {"steps", "cats"}
    assert "steps" not in hidden.values and "steps" not in hidden.problems
    assert hidden.answers["steps"] == "Draft a law"  # nothing is dropped
    back = engine.evaluate(q_basic, answers)
    assert back.not_applicable == set() and back.values["steps"] == "Draft a law"


def test_hidden_answers_do_not_drive_other_conditions(q_basic: engine.Questionnaire) -> None:
    # 'count' is required when 'steps' is answered; a hidden 'steps' reads as nothing
    ev = engine.evaluate(q_basic, {"compliance": "yes", "steps": "x"})
    assert not ev.is_required("count")
    ev = engine.evaluate(q_basic, {"compliance": "no", "steps": "x"})
    assert ev.is_required("count") and "count" in ev.missing


def test_required_only_when_visible(q_basic: engine.Questionnaire) -> None:
    ev = engine.evaluate(q_basic, {})
    assert ev.missing == {"compliance"}
    ev = engine.evaluate(q_basic, {"compliance": "partial"})
    assert ev.missing == {"measures"}


def test_problems_only_for_visible_answers(q_basic: engine.Questionnaire) -> None:
    ev = engine.evaluate(q_basic, {"compliance": "no", "steps": "x", "count": 11})
    assert [p.code for p in ev.problems["count"]] == ["max"]
    issues = ev.issues()
    assert [p.code for p in issues["count"]] == ["max"]
    ev = engine.evaluate(q_basic, {"compliance": "yes", "count": 11})  # count visible, steps hidden
    assert "count" in ev.problems


def test_other_please_specify(q_basic: engine.Questionnaire) -> None:
    other = q_basic.question("cats_other")
    assert other.other_of == "cats" and other.required is True
    ev = engine.evaluate(q_basic, {"compliance": "no", "cats": ("a", "other")})
    assert ev.is_visible("cats_other") and "cats_other" in ev.missing
    ev = engine.evaluate(q_basic, {"compliance": "no", "cats": ("a",), "cats_other": "x"})
    assert not ev.is_visible("cats_other") and ev.not_applicable == {"cats_other"}


def test_constraints_and_messages() -> None:
    q = load(items("""
        - id: year
          type: number
          label: {en: Year, fr: Année}
          integer: true
          constraints:
            - rule: ". >= 1990 and . <= year(today())"
              message: {en: Give a year since 1990, fr: Une année depuis 1990}
        - id: pages
          type: table
          label: {en: Laws, fr: Lois}
          columns:
            - {id: title, type: text, label: {en: Title, fr: Titre}, required: true}
            - id: year
              type: number
              label: {en: Year, fr: Année}
              constraints:
                - {rule: ". >= 1900", message: {en: Too old, fr: Trop ancien}}
            - {id: link, type: url, label: {en: Link, fr: Lien}}
    """))
    ev = engine.evaluate(q, {"year": 1980, "pages": ({"year": 1800, "link": "javascript:alert(1)"},)})
    (problem,) = ev.problems["year"]
    assert problem.code == "constraint" and problem.message["fr"] == "Une année depuis 1990"
    table = {(p.row, p.column, p.code) for p in ev.problems["pages"]}
    assert table == {(0, "title", "required"), (0, "year", "constraint"), (0, "link", "url")}


def test_completeness_per_section_group_and_provision() -> None:
    q = load(items("""
        - id: g1
          title: {en: G1, fr: G1}
          provisions: ["5.1"]
          items:
            - {id: a, type: text, label: {en: A, fr: A}, required: true}
            - {id: b, type: text, label: {en: B, fr: B}}
        - id: g2
          title: {en: G2, fr: G2}
          provisions: ["5.2"]
          items:
            - {id: c, type: number, label: {en: C, fr: C}, required: true, max: 3}
            - {id: note, type: note, label: {en: Read this, fr: Lisez}}
    """, extra=FRAMEWORK))
    ev = engine.evaluate(q, {"a": "x", "c": 4})
    assert ev.progress("g1") == Progress(questions=2, answered=1, required=1, required_answered=1, errors=0)
    assert ev.status("g1") == "complete" and ev.progress("g1").percent == 100
    assert ev.status("g2") == "has_errors"
    assert ev.progress("s") == Progress(3, 2, 2, 2, 1)  # the note takes no answer
    assert ev.provisions["5.1"].status == "complete" and ev.provisions["5.2"].status == "has_errors"
    assert ev.articles["5"] == ev.progress("s")
    assert engine.evaluate(q, {}).status("g1") == "not_started"
    assert engine.evaluate(q, {"b": "y"}).status("g1") == "in_progress"


def test_update_touches_only_dependents(q_basic: engine.Questionnaire) -> None:
    ev = engine.evaluate(q_basic, {"compliance": "yes"})
    answers = {"compliance": "no", "steps": "x"}
    updated = ev.update(answers, ["compliance", "steps"])
    same(updated, engine.evaluate(q_basic, answers))
    assert ev.answers == {"compliance": "yes"} and ev.is_visible("measures")  # the old one is untouched


def test_updates_share_the_old_tables_and_change_nothing_in_them(q_basic: engine.Questionnaire) -> None:
    from engine.layers import Layered

    ev = engine.evaluate(q_basic, {"compliance": "yes", "measures": "m"})
    values, visible, missing = ev.values, dict(ev.visible), set(ev.missing)
    first = ev.update({"compliance": "no", "measures": "m"}, ["compliance"])
    second = first.update({"compliance": "no", "measures": "m", "steps": "s"}, ["steps"])
    third = first.update({"compliance": "partial", "measures": "m"}, ["compliance"])
    assert ev.values is values and values == {"compliance": "yes", "measures": "m"}
    assert ev.visible == visible and ev.missing == missing
    assert isinstance(second.values, Layered) and second.values._base is values  # one layer, never more
    assert dict(second.values) == {"compliance": "no", "steps": "s"} and dict(first.values) == {"compliance": "no"}
    assert second.not_applicable == {"measures"} == set(first.not_applicable) and not ev.not_applicable
    assert "count" in second.missing and "count" not in first.missing  # required once steps are answered
    same(third, engine.evaluate(q_basic, {"compliance": "partial", "measures": "m"}))
    same(second, engine.evaluate(q_basic, {"compliance": "no", "measures": "m", "steps": "s"}))


def _chain_questionnaire() -> engine.Questionnaire:
    """A layered questionnaire: choices, numbers and groups whose visibility chains together."""
    lines = []
    for i in range(6):
        show = f"\n      show_if: \"${{c{i - 1}}} != 'no'\"" if i else ""
        lines.append(f"""
- id: g{i}
  title: {{en: G{i}, fr: G{i}}}{show.replace(chr(10) + '      ', chr(10) + '  ')}
  items:
    - {{id: c{i}, type: single_choice, choices: yn, label: {{en: C, fr: C}}, required: true}}
    - id: n{i}
      type: number
      label: {{en: N, fr: N}}
      max: 5
      show_if: "${{c{i}}} in ['yes', 'partial']"
      required: "${{c{i}}} = 'yes'"
    - id: m{i}
      type: multiple_choice
      choices: cats
      label: {{en: M, fr: M}}
      show_if: "${{n{i}}} > 2 or ${{c{i}}} = 'no'"
""")
    return load(items("".join(lines)))


CHAIN = _chain_questionnaire()
ANSWER = st.one_of(
    st.tuples(st.sampled_from([f"c{i}" for i in range(6)]), st.sampled_from(["yes", "partial", "no", None])),
    st.tuples(st.sampled_from([f"n{i}" for i in range(6)]), st.sampled_from([0, 3, 7, None])),
    st.tuples(st.sampled_from([f"m{i}" for i in range(6)]), st.sampled_from([("a",), ("a", "other"), None])),
    st.tuples(st.sampled_from([f"m{i}_other" for i in range(6)]), st.sampled_from(["text", None])),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANSWER, max_size=30))
def test_incremental_update_equals_full_evaluation(changes: list[tuple[str, object]]) -> None:
    answers: dict[str, object] = {}
    ev = engine.evaluate(CHAIN, answers)
    for qid, value in changes:
        answers = dict(answers)
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
        ev = ev.update(answers, [qid])
        same(ev, engine.evaluate(CHAIN, answers))


def test_coerce_values_through_types(q_basic: engine.Questionnaire) -> None:
    count = q_basic.question("count")
    assert engine.TYPES["number"].from_json(count, "3") == 3
    assert engine.TYPES["number"].from_json(count, "2.5") == Decimal("2.5")


def test_other_choice_in_a_table_column_needs_its_specify_cell() -> None:
    q = load(items("""
        - id: activities
          type: table
          label: {en: Activities, fr: Activités}
          columns:
            - {id: kind, type: multiple_choice, choices: cats, label: {en: Kind, fr: Type}}
            - {id: notes, type: long_text, rows: 3, label: {en: Notes, fr: Notes}}
    """))
    table = q.question("activities")
    assert [c.id for c in table.columns] == ["kind", "kind_other", "notes"]
    assert table.column("kind_other").other_of == "kind" and table.column("notes").rows == 3
    ev = engine.evaluate(q, {"activities": ({"kind": ("a", "other")}, {"kind": ("a",)})})
    assert {(p.row, p.column, p.code) for p in ev.problems["activities"]} == {(0, "kind_other", "required")}
    ev = engine.evaluate(q, {"activities": ({"kind": ("other",), "kind_other": "Audit"},)})
    assert "activities" not in ev.problems


def test_every_type_specific_key_reaches_the_model() -> None:
    from engine.model import Question
    from engine.types import TYPES

    fields = set(Question.__dataclass_fields__)
    for kind in TYPES.values():
        assert kind.keys - {"choices", "other_label"} <= fields, kind.name
