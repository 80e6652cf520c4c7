"""Every diagnostic code, triggered by one small inline questionnaire each."""

from __future__ import annotations

import pytest

import engine
from engine.errors import CATALOGUE

from .conftest import FRAMEWORK, HEADER, codes, diagnostics, doc, items

Q = "label: {en: Q, fr: Q}"

CASES: dict[str, str | bytes] = {
    "Y100": "id: [unclosed\n",
    "Y101": b"id: \xff\xfe\n",
    "Y102": "x: " + "a" * (engine.source.MAX_BYTES + 10),
    "Y103": HEADER + "title: &t {en: A}\ndescription: *t\n",
    "Y104": "id: !!python/object/apply:os.system ['true']\n",
    "Y105": HEADER + "id: again\n",
    "Y106": "a: " + "[" * 60 + "]" * 60 + "\n",
    "Y107": "id: a\n---\nid: b\n",
    "Y108": "? [a, b]\n: c\n",
    "S200": items(f"- {{id: q1, type: text, lable: {{en: Q, fr: Q}}, {Q}}}"),
    "S201": items("- {id: q1, type: text}"),
    "S202": items(f"- {{id: q1, type: text, {Q}, required: yes}}"),
    "S203": items(f"- {{id: q1, type: single_choice, choices: yn, appearance: wheel, {Q}}}"),
    "S204": items(f"- {{id: 1st, type: text, {Q}}}"),
    "S205": items(f"- {{id: q1, type: text, {Q}}}\n- {{id: q1, type: number, {Q}}}"),
    "S206": items(f"- {{id: q1, type: singel_choice, choices: yn, {Q}}}"),
    "S207": items(f"- {{id: q1, type: single_choice, choices: colours, {Q}}}"),
    "S208": items(f"- {{id: q1, type: number, min: 10, max: 1, {Q}}}"),
    "S209": items("- {use: provison, id: p1}"),
    "S210": doc("""
        templates:
          a:
            items:
              - {use: b, id: inner}
          b:
            items:
              - {use: a, id: inner}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: a, id: outer}
    """),
    "S211": doc("""
        templates:
          t:
            parameters: [provision]
            items:
              - {id: q, type: text, label: {en: Q, fr: Q}}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: t, id: p1}
    """),
    "S212": doc("""
        choice_lists:
          dup:
            - {code: a, label: {en: A, fr: A}}
            - {code: a, label: {en: B, fr: B}}
        sections: []
    """, header=HEADER),
    "S213": items("- {id: q1, label: {en: Q, fr: Q}}"),
    "S214": items(f"- {{id: q1, type: text, pattern: '[a-', {Q}}}"),
    "S215": doc("""
        choice_lists:
          empty: []
        sections: []
    """, header=HEADER),
    "S216": items("- {id: q1, type: text, label: {en: Q, fr: Q, xx: Q}}"),
    "S217": items("- {id: g, title: {en: G, fr: G}, items: []}"),
    "S218": items(f"- {{id: q1, type: single_choice, choices: yn, role: complience, {Q}}}"),
    "S219": items(f"- {{id: q1, type: text, role: compliance, {Q}}}"),
    "S220": items(f"- {{id: q1, type: single_choice, choices: yn, role: compliance, {Q}}}\n"
                  f"- {{id: q2, type: single_choice, choices: yn, role: compliance, {Q}}}"),
    "S221": items(f"- {{id: q1, type: single_choice, choices: cats, role: compliance, {Q}}}"),
    "S222": doc("""
        templates:
          block:
            show_if: "true"
            items:
              - {id: q, type: text, label: {en: Q, fr: Q}}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {include: block}
    """),
    "R300": items(f"- {{id: q1, type: text, provisions: ['5.9'], {Q}}}", extra=FRAMEWORK),
    "R301": items(f"- {{id: q1, type: text, provisions: ['5.1'], {Q}}}"),
    "R302": items(f"- {{id: q1, type: text, provisions: ['5.1'], {Q}}}", extra=FRAMEWORK),
    "R303": items(f"- {{id: q1, type: text, provisions: ['5.1', '5.2'], {Q}}}",
                  extra=FRAMEWORK.replace("{id: \"5.2\", level: mandatory", "{id: \"5.2\", level: musty")),
    "C400": items(f"- {{id: q1, type: text, {Q}}}\n- {{id: q2, type: text, {Q}, show_if: \"${{q1}} = = 'x'\"}}"),
    "C401": items(f"- {{id: q1, type: text, {Q}}}\n- {{id: q2, type: text, {Q}, show_if: \"${{q9}} = 'x'\"}}"),
    "C402": items(f"- {{id: q1, type: text, {Q}, show_if: \"${{q2}} = 'x'\"}}\n- {{id: q2, type: text, {Q}}}"),
    "C403": items(f"- {{id: q1, type: single_choice, choices: yn, {Q}}}\n"
                  f"- {{id: q2, type: text, {Q}, show_if: \"${{q1}} = 'maybe'\"}}"),
    "C404": items(f"- {{id: q1, type: number, {Q}}}\n- {{id: q2, type: text, {Q}, show_if: \"${{q1}} = 'x'\"}}"),
    "C405": items(f"- {{id: q1, type: text, {Q}, show_if: \"answered(${{q1}})\"}}"),
    "C406": items(f"- {{id: q1, type: text, {Q}, show_if: \"__import__('os')\"}}"),
    "C407": items(f"- {{id: q1, type: text, {Q}}}\n- {{id: q2, type: text, {Q}, show_if: \""
                  + "(" * 40 + "answered(${q1})" + ")" * 40 + "\"}"),
    "C408": items(f"- {{id: q1, type: text, {Q}}}\n- {{id: q2, type: text, {Q}, show_if: \"answered()\"}}"),
    "C409": items(f"- {{id: q1, type: text, {Q}, show_if: \"len(.) > 2\"}}"),
    "T500": items("- {id: q1, type: text, label: Only English}"),
    "T501": items("- {id: q1, type: text, label: {en: '', fr: Q}}"),
}


def test_every_code_has_a_case() -> None:
    assert set(CASES) == set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reported(code: str) -> None:
    found = codes(CASES[code])
    assert code in found, found


@pytest.mark.parametrize("code", sorted(CASES))
def test_diagnostics_are_complete(code: str) -> None:
    for diagnostic in diagnostics(CASES[code]):
        line = diagnostic.format()
        assert line.startswith("t.yaml:"), line
        assert diagnostic.line >= 1 and diagnostic.column >= 1, line
        assert diagnostic.message and "{" not in diagnostic.message.replace("${", ""), line


def test_warnings_do_not_stop_loading() -> None:
    loaded = engine.load(CASES["T500"], source="t.yaml")
    assert [d.code for d in loaded.warnings] == ["T500"]
    assert loaded.questionnaire.question("q1").label["en"] == "Only English"


def test_all_errors_are_reported_at_once() -> None:
    text = items(f"""
        - {{id: q1, type: text, lable: x, {Q}}}
        - {{id: q1, type: numbr, {Q}}}
        - {{id: q3, type: text, {Q}, show_if: "${{nope}} = 1"}}
        - {{id: q4, type: single_choice, choices: missing, {Q}}}
    """)
    assert sorted(set(codes(text))) == ["C401", "S200", "S205", "S206", "S207"]


def test_did_you_mean() -> None:
    (unknown,) = [d for d in diagnostics(CASES["S200"]) if d.code == "S200"]
    assert unknown.hint == "did you mean 'label'?"
    (unknown_type,) = [d for d in diagnostics(CASES["S206"]) if d.code == "S206"]
    assert "single_choice" in unknown_type.hint


def test_location_points_inside_the_condition() -> None:
    text = items(f"""
        - {{id: q1, type: text, {Q}}}
        - id: q2
          type: text
          {Q}
          show_if: "answered(${{q1}}) and ${{q9}} = 'x'"
    """)
    (diag,) = [d for d in diagnostics(text) if d.code == "C401"]
    line = text.splitlines()[diag.line - 1]
    assert line[diag.column - 1:].startswith("${q9}")
    assert diag.path == "sections[0].items[1].show_if"


def test_duplicate_key_names_both_lines() -> None:
    (diag,) = [d for d in diagnostics(CASES["Y105"]) if d.code == "Y105"]
    assert diag.args["first_line"] == 1 and diag.line == 6


def test_forward_reference_names_the_later_line() -> None:
    (diag,) = [d for d in diagnostics(CASES["C402"]) if d.code == "C402"]
    assert "asked later" in diag.message and f"line {diag.line + 1}" in diag.message


def test_constraints_may_read_later_answers() -> None:
    text = items(f"""
        - id: start
          type: number
          {Q}
          constraints:
            - rule: ". <= ${{end}}"
              message: {{en: Start after end, fr: Début après la fin}}
        - {{id: end, type: number, {Q}}}
    """)
    assert codes(text) == []


def test_group_cannot_depend_on_its_own_question() -> None:
    text = items(f"""
        - id: g
          title: {{en: G, fr: G}}
          show_if: "answered(${{inner}})"
          items:
            - {{id: inner, type: text, {Q}}}
    """)
    assert "C405" in codes(text)


def test_template_errors_are_reported_once() -> None:
    text = doc("""
        templates:
          t:
            parameters: [n]
            items:
              - {id: q, type: text, label: {en: Q, fr: Q}, show_if: "${nowhere} = 'x'"}
        sections:
          - id: s
            title: {en: S, fr: S}
            items:
              - {use: t, id: a, with: {n: "1"}}
              - {use: t, id: b, with: {n: "2"}}
              - {use: t, id: c, with: {n: "3"}}
    """)
    assert codes(text) == ["C401"]


def test_missing_translations_are_grouped_per_language() -> None:
    text = items("""
        - {id: q1, type: text, label: One}
        - {id: q2, type: text, label: Two}
        - {id: q3, type: text, label: {fr: Trois}}
    """)
    warnings = [d for d in diagnostics(text) if d.code == "T500"]
    assert {d.args["lang"]: d.args["count"] for d in warnings} == {"fr": 2, "en": 1}
    assert len(warnings[0].details) == warnings[0].args["count"]


def test_the_excerpt_shows_the_line_with_a_caret_under_the_column() -> None:
    from engine.errors import Diagnostic

    lines = ["id: t", "\tlabel: {zh: 问题, ar: x}"]
    assert lines[1][17:19] == "ar" and Diagnostic("S216", line=2, column=18).excerpt(lines) == (
        " 2 | \tlabel: {zh: 问题, ar: x}\n   | \t" + " " * 12 + "  " * 2 + " " * 2 + "^")  # wide characters: 2
    assert Diagnostic("Y100", line=3, column=1).excerpt(lines) == ""  # beyond the text: nothing
    assert Diagnostic("Y100", line=0, column=0).excerpt(lines) == ""
