"""Renaming question ids in the YAML breaks nothing: profiles, exports and figures read roles.

The shipped checklist is loaded a second time with its templates and the ids of their questions and
of its focal point renamed by text substitution (roles kept, answers moved to the new
ids); the wide export, the profile and the figures across States must come out the same.
"""

from __future__ import annotations

import re
from typing import Any

import engine
from exports import data
from exports.profile import ProfileData, build_html
from exports.profile.model import FocalPoint
from exports.provisions import provision_facts
from tests import shipped
from tests.exports.filled import as_of, filled
from web.analysis import figures

#: Old id -> new id: every question of the provision and practices templates, and the focal point.
RENAMED = {
    "compliance": "where_we_stand", "measures": "laws_cited", "measures_summary": "how_laws_work",
    "examples": "cases", "steps": "to_do", "challenges": "hurdles", "challenges_detail": "hurdles_text",
    "ta_needed": "help_wanted", "ta_categories": "help_kinds", "ta_priority": "help_rank",
    "ta_detail": "help_text", "ta_received": "help_got", "ta_received_list": "help_got_list",
    "good_practices": "what_worked", "focal_name": "fp_who", "focal_position": "fp_job",
    "focal_institution": "fp_where",
}


def renamed_text(text: str) -> str:
    for old, new in (("provision", "per_paragraph"), ("practices", "per_article")):  # the templates too
        text, uses = re.subn(rf"(\{{use: |- use: ){old}(, |\n)", rf"\g<1>{new}\g<2>", text)  # flow and block style
        assert uses > 10 and f"\n  {old}:\n" in text
        text = text.replace(f"\n  {old}:\n", f"\n  {new}:\n", 1)
    for old, new in RENAMED.items():
        text, ids = re.subn(rf"^(\s*- id: ){old}$", rf"\g<1>{new}", text, flags=re.MULTILINE)
        assert ids >= 1, old
        text = text.replace("${" + old + "}", "${" + new + "}")
    return text


def renamed_id(qid: str) -> str:
    prefix, dot, local = qid.rpartition(".")
    base = local.removesuffix("_other")
    if base in RENAMED:
        local = RENAMED[base] + local[len(base):]
    return prefix + dot + local


def profile(q: engine.Questionnaire, answers: dict[str, Any], languages: dict[str, str], lang: str) -> str:
    data = ProfileData("KEN", {"en": "Kenya"}, "002", q, answers, languages, "accepted", as_of(), 2,
                       focal_point=FocalPoint.of(q, answers))
    return build_html(data, lang, "full")


def test_renamed_ids_give_the_same_export_profile_and_figures() -> None:
    q = shipped.checklist()
    other = engine.load(renamed_text(shipped.checklist_text()), source="renamed.yaml").questionnaire
    assert other.questions != q.questions and len(other.questions) == len(q.questions)
    assert not set(RENAMED) & {question.local_id for question in other.questions}
    answers, languages = filled(q)
    moved = {renamed_id(qid): value for qid, value in answers.items()}
    moved_languages = {renamed_id(qid): lang for qid, lang in languages.items()}
    assert set(moved) <= set(other.index.items) and moved != answers

    def source(questionnaire: engine.Questionnaire, values: dict[str, Any]) -> data.Source:
        raw = {qid: engine.TYPES[questionnaire.question(qid).type].to_json(questionnaire.question(qid), value)
               for qid, value in values.items()}
        return data.Source("KEN", "Kenya", questionnaire, raw, parsed=values)

    wide = list(data.wide_rows(source(q, answers), "fr"))
    assert list(data.wide_rows(source(other, moved), "fr")) == wide
    assert sum(1 for row in wide if row["ta_needed"] is True) > 20 and any(row["challenges_other"] for row in wide)

    for lang in ("en", "ar"):
        html = profile(q, answers, languages, lang)
        assert profile(other, moved, moved_languages, lang) == html
    assert "Wanjiru Kamau" in html

    def state(questionnaire: engine.Questionnaire, values: dict[str, Any]) -> figures.StateData:
        return figures.StateData("KEN", "Kenya", "002",
                                 provision_facts(questionnaire, engine.evaluate(questionnaire, values)))

    for make in (lambda questionnaire, s: figures.ta_by_article([s], questionnaire, "en"),
                 lambda questionnaire, s: figures.ta_by_category([s], questionnaire, "en"),
                 lambda questionnaire, s: figures.compliance_by_provision([s], questionnaire)):
        expected = make(q, state(q, answers))
        assert expected and make(other, state(other, moved)) == expected


def test_figures_count_every_kind_of_obligation() -> None:
    from tests.exports.obligations import OBLIGATIONS

    q = engine.load(OBLIGATIONS, source="obligations.yaml").questionnaire
    given = {"AAA": {"p1.s": "no", "p1.n": True, "p1.k": ("advice",), "p2.c": False, "p3.a": False},
             "BBB": {"p1.s": "yes", "p2.c": True, "p2.a": "yes", "p3.a": True, "p4.i": ("a",)}}
    states = [figures.StateData(code, code, "002", provision_facts(q, engine.evaluate(q, answers)))
              for code, answers in given.items()]
    rows = {row.provision: row for row in figures.compliance_by_provision(states, q)}
    assert list(rows) == ["5.1", "5.2", "5.3"]  # the list and the saving clause ask no status
    assert {p: {b: [c for c, _n in s] for b, s in row.states.items() if s} for p, row in rows.items()} == {
        "5.1": {"no": ["AAA"], "yes": ["BBB"]}, "5.2": {"no": ["AAA"], "yes": ["BBB"]},
        "5.3": {"no_gap": ["AAA"], "yes": ["BBB"]}}
    assert [(row.key, row.needs) for row in figures.ta_by_category(states, q, "en")] == [("advice", 1), ("other", 0)]
