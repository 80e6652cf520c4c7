"""Provisions read by role (exports.provisions): status, gaps and buckets for every kind of
obligation, and what profiles and the wide export make of them."""

from __future__ import annotations

from typing import Any

import pytest

import engine
from exports import data
from exports.profile import Labels, ProfileData, build, build_html
from exports.provisions import ProvisionFacts, is_negative, layouts, provision_facts, status_of

from .obligations import OBLIGATIONS


@pytest.fixture(scope="module")
def q() -> engine.Questionnaire:
    return engine.load(OBLIGATIONS, "obligations.yaml").questionnaire


def facts(q: engine.Questionnaire, answers: dict[str, Any]) -> dict[str, ProvisionFacts]:
    return {f.provision: f for f in provision_facts(q, engine.evaluate(q, answers))}


def test_every_template_is_a_provision_block(q: engine.Questionnaire) -> None:
    found = {layout.provision: layout for layout in layouts(q)}
    assert list(found) == ["5.1", "5.2", "5.3", "5.4", "5.5"]
    assert [found[p].gaps for p in found] == [True, True, False, True, False]
    assert [found[p].assessed for p in found] == [True, True, True, False, False]
    assert found["5.1"].others == {"assistance_kinds": "p1.k_other"}


@pytest.mark.parametrize(("answers", "status", "gap", "bucket"), [
    ({}, None, False, "not_answered"),
    ({"p1.s": "yes"}, "yes", False, "yes"),
    ({"p1.s": "partial"}, "partial", True, "partial"),
    ({"p1.s": "no"}, "no", True, "no"),
])
def test_mandatory_status(q: engine.Questionnaire, answers: dict[str, Any], status: str | None, gap: bool,
                          bucket: str) -> None:
    found = facts(q, answers)["5.1"]
    assert (found.status, found.gap, found.bucket) == (status, gap, bucket)


@pytest.mark.parametrize(("answers", "status", "gap", "bucket"), [
    ({"p2.c": False}, "no", True, "no"),  # not even considered: a gap where the level has gaps
    ({"p2.c": True}, "yes", False, "yes"),  # considered, adoption not answered yet
    ({"p2.c": True, "p2.a": "partial"}, "partial", False, "no_gap"),  # considered: the duty is met
    ({"p2.c": True, "p2.a": "no"}, "no", False, "no_gap"),
    ({"p2.c": True, "p2.a": "yes"}, "yes", False, "yes"),
    ({"p2.c": False, "p2.a": "yes"}, "no", True, "no"),  # adoption hidden: the answer does not count
])
def test_shall_consider_status(q: engine.Questionnaire, answers: dict[str, Any], status: str, gap: bool,
                               bucket: str) -> None:
    found = facts(q, answers)["5.2"]
    assert (found.status, found.gap, found.bucket) == (status, gap, bucket)


def test_optional_and_saving_provisions_never_have_a_gap(q: engine.Questionnaire) -> None:
    found = facts(q, {"p3.a": False, "p4.i": ["a"], "p5.x": "Nothing here affects immunities."})
    assert (found["5.3"].status, found["5.3"].gap, found["5.3"].bucket) == ("no", False, "no_gap")
    assert facts(q, {"p3.a": True})["5.3"].bucket == "yes"
    assert found["5.4"].bucket is None and found["5.4"].get("items_applied") == ["a"]
    assert found["5.5"].bucket is None and not found["5.5"].gap


def test_negative_answers() -> None:
    assert [status_of(v) for v in (True, False, "yes", "partial", "no", "maybe", None)] == [
        "yes", "no", "yes", "partial", "no", None, None]
    assert is_negative("considered", False) and not is_negative("considered", True)
    assert is_negative("adopted", False) and is_negative("adopted", "partial") and not is_negative("adopted", "yes")
    assert is_negative("compliance", "no") and not is_negative("summary", "no")


ANSWERS = {"p1.s": "no", "p1.n": True, "p1.k": ("advice", "other"), "p1.k_other": "Peer review",
           "p2.c": True, "p2.a": "partial", "p2.m": ({"instrument": "Ethics Act", "year": 2003},),
           "p3.a": False, "p4.i": ("a", "b"), "p5.x": "Nothing here affects immunities."}


def test_the_profile_shows_and_counts_every_kind(q: engine.Questionnaire) -> None:
    data_ = ProfileData("KEN", {"en": "Kenya"}, "002", q, ANSWERS)
    profile = build(data_, "en", "full", Labels())
    views = {v.id: v for c in profile.chapters for a in c.articles for v in a.provisions}
    assert profile.buckets == ("yes", "partial", "no", "no_gap", "not_answered")
    assert profile.total.counts.as_tuple() == (0, 0, 1, 2, 0)  # 5.2 considered: no gap; 5.4, 5.5 in none
    assert [t.text for t in profile.status_names] == ["In force", "In part", "Not in force",
                                                      "Not a gap (no obligation)", "Not answered"]
    assert views["5.2"].status_label.text == "In part" and views["5.2"].measures[0].year == "2003"
    assert [e.label.text for e in views["5.2"].other] == ["Considered?"]  # shown, not the status
    assert (views["5.3"].status, views["5.3"].bucket, views["5.3"].status_label.text) == ("no", "no_gap", "No")
    assert [(e.label.text, e.value.text.text) for e in views["5.4"].other] == [("Applied", "Item a; Item b")]
    assert views["5.5"].bucket is None and views["5.5"].measures_summary.text.startswith("Nothing")
    assert [v.id for _a, missing in profile.unanswered for v in missing] == []
    assert [row.code for row in profile.ta_categories] == ["advice", "other"]
    assert profile.ta_categories[1].specified[0][0].text == "Peer review"
    html = build_html(data_, "en", "full")
    assert 'class="st st-no_gap"' in html and "Not a gap (no obligation)" in html


def test_the_wide_export_has_every_status_role(q: engine.Questionnaire) -> None:
    raw = {qid: engine.TYPES[q.question(qid).type].to_json(q.question(qid), v) for qid, v in ANSWERS.items()}
    rows = {row["provision"]: row for row in data.wide_rows(data.Source("KEN", "Kenya", q, raw), "en")}
    assert {k: rows["5.1"][k] for k in ("status", "gap", "compliance", "ta_categories", "ta_other")} == {
        "status": "no", "gap": True, "compliance": "no", "ta_categories": "advice;other", "ta_other": "Peer review"}
    assert {k: rows["5.2"][k] for k in ("status", "gap", "considered", "adopted", "measures")} == {
        "status": "partial", "gap": False, "considered": True, "adopted": "partial", "measures": "Ethics Act (2003)"}
    assert (rows["5.3"]["status"], rows["5.3"]["gap"], rows["5.3"]["adopted"]) == ("no", False, False)
    assert (rows["5.4"]["items_applied"], rows["5.4"]["items_applied_text"]) == ("a;b", "Item a; Item b")
    assert (rows["5.5"]["status"], rows["5.5"]["gap"], rows["5.5"]["measures_summary"]) == (
        "", "", "Nothing here affects immunities.")
