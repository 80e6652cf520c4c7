"""Gaps in every figure of the shipped checklist 2027.1 (exports.provisions decides, by level).

For every provision of the checklist and every answer its status questions accept: a mandatory
provision answered "in part" or "no" is a gap; a "shall consider" or "shall endeavour" provision
not even considered (no efforts made) is a gap; an optional provision, a saving clause, an
illustrative list or the scope clause never is, in any figure (profiles, the wide export and the
figures across States all read ``ProvisionFacts.gap`` and ``.bucket``).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import engine
from exports import provisions
from tests import shipped

STATUS = {"compliance": ("yes", "partial", "no"), "adopted": ("yes", "partial", "no"), "considered": (True, False)}


@pytest.fixture(scope="module")
def q() -> engine.Questionnaire:
    return shipped.checklist()


def test_levels_say_where_a_gap_can_exist(q: engine.Questionnaire) -> None:
    assert q.framework is not None
    assert {level.code: level.gaps for level in q.framework.levels} == {
        "mandatory": True, "consider": True, "endeavour": True, "optional": False, "saving": False}


def every_answer(q: engine.Questionnaire) -> list[dict[str, Any]]:
    """Every combination of answers to the status questions, the same in every block."""
    roles = list(STATUS)
    options = [(*STATUS[role], None) for role in roles]
    return [dict(zip(roles, values, strict=True)) for values in itertools.product(*options)]


def test_no_optional_or_saving_provision_produces_a_gap(q: engine.Questionnaire) -> None:
    assert q.framework is not None
    layout = {item.provision: item for item in provisions.layouts(q)}
    for combination in every_answer(q):
        answers = {layout[p].roles[role]: value for p in layout for role, value in combination.items()
                   if value is not None and role in layout[p].roles}
        for facts in provisions.provision_facts(q, engine.evaluate(q, answers)):
            level = q.framework.provisions[facts.provision].level
            if level in ("optional", "saving") or not facts.assessed:
                assert not facts.gap and facts.bucket in ("yes", "no_gap", "not_answered", None), (
                    facts.provision, combination)


@pytest.mark.parametrize(("answers", "gap"), [
    ({"compliance": "yes"}, False), ({"compliance": "partial"}, True), ({"compliance": "no"}, True),
])
def test_mandatory_gaps(q: engine.Questionnaire, answers: dict[str, Any], gap: bool) -> None:
    found = {f.provision: f for f in provisions.provision_facts(q, engine.evaluate(q, {f"p15_a.{k}": v for k, v in
                                                                             answers.items()}))}
    assert found["15.a"].gap is gap


@pytest.mark.parametrize(("answers", "gap"), [
    ({"adopted": "yes"}, False),
    ({"adopted": "no", "considered": False}, True),  # not even considered: a gap
])
@pytest.mark.parametrize("block, provision", [("p7_2", "7.2"), ("p7_1", "7.1")])  # consider, endeavour
def test_shall_consider_and_endeavour_gaps(q: engine.Questionnaire, answers: dict[str, Any], gap: bool,
                                           block: str, provision: str) -> None:
    found = {f.provision: f for f in provisions.provision_facts(q, engine.evaluate(q, {f"{block}.{k}": v for k, v in
                                                                             answers.items()}))}
    assert found[provision].gap is gap


@pytest.mark.parametrize(("answers", "gap"), [
    ({"adopted": "partial"}, False),  # considered and adopted in part: the duty to consider is met
    ({"adopted": "no", "considered": True}, False),  # considered, not adopted: no gap
])
@pytest.mark.parametrize("block, provision", [("p7_2", "7.2"), ("p7_1", "7.1")])  # consider, endeavour
def test_considering_fulfils_a_duty_to_consider(q: engine.Questionnaire, answers: dict[str, Any], gap: bool,
                                                block: str, provision: str) -> None:
    found = {f.provision: f for f in provisions.provision_facts(q, engine.evaluate(q, {f"{block}.{k}": v for k, v in
                                                                             answers.items()}))}
    assert found[provision].gap is gap
    assert found[provision].bucket == "no_gap"


def test_a_provision_other_answers_hide_counts_in_no_figure(q: engine.Questionnaire) -> None:
    """A State that requires a treaty for extradition is not asked about 44.7: it is no gap and
    not 'not answered' either."""
    facts = {f.provision: f for f in provisions.provision_facts(q, engine.evaluate(q, {"extradition_treaty": True}))}
    assert not facts["44.7"].applicable and facts["44.7"].bucket is None and not facts["44.7"].gap
    assert facts["44.5"].applicable and facts["44.5"].bucket == "not_answered"
