"""The browser's condition evaluator (web/static/conditions.js) agrees with the engine.

A generated questionnaire covers every operator and function of the condition language, nothing
(null) semantics, codes, numbers (exact decimals, integers, rounding), dates (every ISO form
``date()`` accepts), texts (outside the Basic Multilingual Plane too) and tables. Each condition is
parsed and checked by the engine, serialized with ``Condition.as_json()`` and evaluated on a corpus
of answer sets both by the engine (Python) and by conditions.js in Chromium; they must agree on
every case. The values handed to the browser are made by the server's own ``client_value``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import engine
from web.fill import client_value

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "web" / "static" / "conditions.js"
TODAY = dt.date.today()

NUMBER_EXPRESSIONS = [
    "${n}", "${n2}", "${n} + ${n2}", "${n} - ${n2}", "${n} * ${n2}", "${n} / ${n2}", "-${n}", "-(${n} - ${n2})",
    "${n} * 0.1", "${n} / 3", "${n} + 0.1 + ${n2}", "(${n} + ${n2}) / 7 * 7", "${n} / 0",
    "count(${tab})", "len(${t})", "year(${d})", "count_selected(${m})", "count(${m})", "count_selected(${c})",
    "${n} * ${n2} * ${n2}",
]
NUMBER_LITERALS = ["0", "1", "-1", "0.3", "2.5", "1000000000000000", "0.000000000001", "0.3333333333333",
                   "0.333333333333333", "3", "2003", "4"]
OPERATORS = ["=", "!=", "<", "<=", ">", ">="]

OTHER_CONDITIONS = [
    # numbers: literal on the left (swapped operators), two answers, membership, nothing
    "1 < ${n}", "0.3 >= ${n} + ${n2}", "2.5 = ${n}", "${n} = ${n2}", "${n} != ${n2}", "${n} < ${n2}",
    "${n} in [1, 2, 0.5, 0.3]", "${n} not in [1, 2]", "year(${d}) in [2003, 2020]", "${n} + 1 in [2, 3]",
    "${n} + ${n2} in [0.3]", "${n} / ${n2} in [0.5, 2]", "${n} = null", "${n} != null", "null = ${n}",
    "${n} < null", "null != ${n}", "${n} / 0 = null", "${n} / ${n2} != null", "-${n} < 0",
    "${n} * 0.1 = 0.1", "(${n} / 3) * 3 = ${n}", "${n} / 3 * 3 < ${n}", "${n} - ${n} = 0",
    # dates
    "${d} < ${d2}", "${d} = ${d2}", "${d} >= date('2003-10-31')", "${d} < today()", "${d} <= today()",
    "date('20031031') = ${d}", "${d} = date('2004-W01-1')", "${d} = date('2004W011')",
    "${d} = date('2004-W01')", "${d2} > date('2020-02-28')", "${d} = null", "${d} != null", "today() > ${d2}",
    "year(${d}) = year(${d2})", "year(${d}) >= 2003", "year(${d}) < 2003",
    # codes
    "${c} = 'a'", "${c} != 'a'", "'a' = ${c}", "'b' != ${c}", "${c} in ['a', 'b']", "${c} not in ['a', 'b']",
    "selected(${c}, 'a')", "any_selected(${c}, 'a', 'c')", "all_selected(${c}, 'a')",
    "all_selected(${c}, 'a', 'b')", "selected(${m}, 'c')", "any_selected(${m}, 'a', 'b')",
    "all_selected(${m}, 'a', 'b')", "all_selected(${m}, 'a', 'b', 'c')", "${c} = ${t}", "${c} != ${t}",
    "${c} = null", "${c} != null",
    # texts
    "${t} = 'x'", "${t} != 'x'", "${t} in ['x', 'y', 'a']", "${t} not in ['x']", "len(${t}) > 3",
    "len(${t}) = 4", "len(${t}) = 0", "${t} = null", "${t} != null", "${t} = '😀😀😀😀'", "${t} = ${t2}",
    # yes/no and logic
    "${yn}", "${yn} = true", "${yn} = false", "${yn} != true", "${yn} != false", "not ${yn}", "not (${yn})",
    "${yn} and ${c} = 'a'", "${yn} or ${n} > 1", "not (${n} > 1)", "not ${c} = 'a'", "${yn} = null",
    "${yn} and ${yn2}", "${yn} or ${yn2}", "not ${yn} and not ${yn2}", "${yn} = ${yn2}", "${yn} != ${yn2}",
    "${yn} and (${c} = 'b' or ${n} >= 2) and not (${d} = null)", "${yn} or ${yn2} or ${c} = 'c'",
    # answered / empty on every type
    *[f"answered(${{{ref}}})" for ref in ("c", "m", "yn", "n", "d", "t", "tab")],
    *[f"empty(${{{ref}}})" for ref in ("c", "m", "yn", "n", "d", "t", "tab")],
    "count(${tab}) >= 2", "count(${tab}) = 0", "count(${m}) = 2", "count_selected(${m}) >= 1",
    # literals only
    "null = null", "true", "false = false", "1 + 1 = 2", "0.1 + 0.2 = 0.3", "1 / 3 * 3 = 1",
    "date('2003-10-31') < today()",
]


def _questionnaire() -> tuple[engine.Questionnaire, list[str]]:
    conditions = [f"{expr} {op} {lit}" for expr in NUMBER_EXPRESSIONS for op in OPERATORS for lit in NUMBER_LITERALS
                  if not (op in ("=", "!=") and lit in ("2003",) and "year" not in expr)]
    conditions += OTHER_CONDITIONS
    lines = [
        "id: parity", 'version: "1"', "title: {en: Parity}", "languages: [en]", "default_language: en",
        "choice_lists:", "  abc:", "    - {code: a, label: {en: A}}", "    - {code: b, label: {en: B}}",
        "    - {code: c, label: {en: C}}",
        "sections:", "  - id: source", "    title: {en: Answers}", "    items:",
    ]
    for qid, kind in (("c", "single_choice"), ("m", "multiple_choice"), ("yn", "yes_no"), ("yn2", "yes_no"),
                      ("n", "number"), ("n2", "number"), ("d", "date"), ("d2", "date"), ("t", "text"),
                      ("t2", "text")):
        lines.append(f"      - {{id: {qid}, type: {kind}, label: {{en: {qid}}}"
                     + (", choices: abc" if "choice" in kind else "") + "}")
    lines += ["      - id: tab", "        type: table", "        label: {en: Table}", "        columns:",
              "          - {id: name, type: text, label: {en: Name}}",
              "          - {id: qty, type: number, label: {en: Quantity}}"]
    lines += ["  - id: targets", "    title: {en: Conditions}", "    items:"]
    for index, condition in enumerate(conditions):
        lines.append(f"      - id: k{index}")
        lines.append("        type: note")
        lines.append(f"        label: {{en: k{index}}}")
        lines.append(f"        show_if: {json.dumps(condition, ensure_ascii=False)}")
    loaded = engine.load("\n".join(lines) + "\n", source="parity.yaml")
    return loaded.questionnaire, conditions


NUMBERS: list[Any] = [None, 0, 1, -1, 2, 3, 4, 7, "0.1", "0.2", "0.3", "2.5", "-2.5", "0.5", 10 ** 15, -10 ** 15,
                      "0.000001", "1E-6", "1234.5678", "0.3333333333333", "999999999999999.99", "12345678901.123456789"]
DATES: list[Any] = [None, "2003-10-31", "2003-10-30", "2003-12-29", "2020-02-29", "1999-12-31", "2021-01-01",
                    TODAY.isoformat(), (TODAY - dt.timedelta(days=1)).isoformat(),
                    (TODAY + dt.timedelta(days=1)).isoformat()]
TEXTS: list[Any] = [None, "x", "y", "a", "b", "abcd", "ab", "é✓😀", "😀😀😀😀", "  padded  ", "日本語テキスト"]
CODES: list[Any] = [None, "a", "b", "c"]
MULTI: list[Any] = [None, ["a"], ["b"], ["a", "b"], ["a", "b", "c"], ["c"], ["b", "a"]]
BOOLS: list[Any] = [None, True, False]
TABLES: list[Any] = [None, [{"name": "Law"}], [{"name": "A", "qty": "2.5"}, {"qty": 3}, {"name": "C"}],
                     [{"name": "", "qty": ""}]]


def _answer_sets() -> list[dict[str, Any]]:
    pools = {"c": CODES, "m": MULTI, "yn": BOOLS, "yn2": BOOLS, "n": NUMBERS, "n2": NUMBERS, "d": DATES,
             "d2": DATES, "t": TEXTS, "t2": TEXTS, "tab": TABLES}
    sets: list[dict[str, Any]] = [{key: None for key in pools}]
    sets.append({key: pool[1] for key, pool in pools.items()})
    for number in NUMBERS:  # every number against a few others
        for other in (None, 0, 1, 3, "0.2", "0.1", number):
            sets.append({**{key: None for key in pools}, "n": number, "n2": other, "yn": True})
    rng = random.Random(20260)
    for _ in range(120):
        sets.append({key: rng.choice(pool) for key, pool in pools.items()})
    return sets


def _engine_values(q: engine.Questionnaire, raw: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for qid, answer in raw.items():
        question = q.question(qid)
        value = engine.TYPES[question.type].from_json(question, answer)
        if value is not None:
            values[qid] = value
    return values


@pytest.fixture
def conditions_page(page: Page) -> Page:
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    assert page.evaluate("typeof window.Conditions") == "object"
    return page


def test_browser_and_engine_agree_on_every_case(conditions_page: Page) -> None:
    q, conditions = _questionnaire()
    assert len(conditions) > 300
    trees = [q.index.items[f"k{i}"].show_if.as_json() for i in range(len(conditions))]
    rules = [q.index.items[f"k{i}"].show_if for i in range(len(conditions))]
    sets = [_engine_values(q, raw) for raw in _answer_sets()]
    browser_values = [{qid: client_value(q.question(qid), value) for qid, value in values.items()} for values in sets]
    in_browser = conditions_page.evaluate(
        "([trees, sets]) => sets.map(values => trees.map(tree => Conditions.evaluate(tree, values, null)))",
        [trees, browser_values])
    disagreements = []
    outcomes = set()
    for index, values in enumerate(sets):
        for k, rule in enumerate(rules):
            expected = bool(rule.fn(values, None))
            outcomes.add((k, expected))
            if in_browser[index][k] is not expected:
                disagreements.append(f"{conditions[k]!r} with {browser_values[index]}: engine {expected}")
    assert not disagreements, f"{len(disagreements)} disagreements, e.g.\n" + "\n".join(disagreements[:15])
    # the corpus is worth something: most conditions are both true and false somewhere
    both = [k for k in range(len(rules)) if (k, True) in outcomes and (k, False) in outcomes]
    assert len(both) > 0.7 * len(rules), [conditions[k] for k in range(len(rules)) if k not in both][:40]
    assert len(sets) * len(rules) > 50_000


def test_numbers_typed_in_the_browser_read_as_the_server_reads_them(conditions_page: Page) -> None:
    typed = ["12", " 12.50 ", "+5", ".5", "5.", "1e3", "1E-7", "1_000", "١٢", "۱۲٫", "１２", "-0", "0x10", "abc",
             "", "Infinity", "NaN", "1000000000000001", "-1000000000000000", "3.14159265358979323846264338327950288"]
    question = engine.load(
        'id: x\nversion: "1"\ntitle: {en: X}\nlanguages: [en]\ndefault_language: en\nsections:\n'
        "  - id: s\n    title: {en: S}\n    items:\n      - {id: n, type: number, label: {en: N}}\n",
        source="x.yaml").questionnaire.question("n")
    browser = conditions_page.evaluate(
        "texts => texts.map(t => { const v = Conditions.number(t); return v === null ? null : "
        "Conditions.value({cmp: '=', left: {ref: 'n'}, right: {ref: 'n'}}, {n: v}) ? v.dec : 'unequal'; })",
        typed)
    for text, seen in zip(typed, browser, strict=True):
        try:
            value = engine.TYPES["number"].from_json(question, text)
        except engine.InvalidAnswer:
            value = None
        if value is None:
            assert seen is None, f"{text!r}: the server refuses it, the browser read {seen!r}"
        else:
            assert seen is not None, f"{text!r}: the server reads {value}, the browser nothing"
            assert Decimal(seen) == value, f"{text!r}: server {value}, browser {seen}"
