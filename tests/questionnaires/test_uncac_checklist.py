"""The shipped UNCAC checklist: what States, the secretariat and donors rely on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engine
from engine.model import Group, Question
from engine.stats import compute
from tests import shipped

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "questionnaires" / "uncac_checklist.yaml"
SIX = {"ar", "en", "es", "fr", "ru", "zh"}
PATTERN = ["compliance", "measures", "measures_summary", "examples", "steps", "challenges",
           "challenges_other", "challenges_detail", "ta_needed", "ta_categories", "ta_categories_other",
           "ta_priority", "ta_detail", "ta_received", "ta_received_list"]
CHAPTERS = {"II": range(5, 15), "III": range(15, 43), "IV": range(43, 51), "V": range(51, 60)}


@pytest.fixture(scope="module")
def loaded() -> engine.Loaded:
    return shipped.loaded(CHECKLIST)


@pytest.fixture(scope="module")
def q(loaded: engine.Loaded) -> engine.Questionnaire:
    return loaded.questionnaire


def test_loads_without_errors_or_warnings(loaded: engine.Loaded) -> None:
    assert loaded.warnings == ()
    assert loaded.questionnaire.languages == ("ar", "en", "es", "fr", "ru", "zh")


def test_every_article_of_chapters_two_to_five_has_provisions(q: engine.Questionnaire) -> None:
    framework = q.framework
    assert framework is not None
    assert [c.id for c in framework.chapters] == list(CHAPTERS)
    for chapter in framework.chapters:
        assert [int(a) for a in chapter.articles] == list(CHAPTERS[chapter.id]), chapter.id
        for article_id in chapter.articles:
            assert framework.articles[article_id].provisions, f"article {article_id} has no provision"


def test_provision_ids_levels_and_summaries(q: engine.Questionnaire) -> None:
    framework = q.framework
    assert framework is not None
    levels = {level.code for level in framework.levels}
    assert levels == {"mandatory", "consider", "optional"}
    for provision in framework.provisions.values():
        assert re.fullmatch(r"\d+(\.(\d+|[a-z]|[ivx]+))*", provision.id), provision.id
        assert provision.id.split(".")[0] == provision.article
        assert provision.level in levels
        words = len(provision.summary["en"].split())
        assert 10 <= words <= 70, (provision.id, words)
    assert len(framework.provisions) >= 200


def test_every_provision_carries_the_standard_pattern(q: engine.Questionnaire) -> None:
    framework = q.framework
    assert framework is not None
    instances = {g.provisions: g for g in q.index.items.values()
                 if isinstance(g, Group) and g.template == "provision"}
    assert set(instances) == {(pid,) for pid in framework.provisions}
    for (pid,), group in instances.items():
        local = [item.local_id for item in group.items if isinstance(item, Question)]
        assert local == PATTERN, pid
        assert q.question(f"{group.id}.compliance").required is True
        article = q.parent(group.id)
        assert article is not None and article.provisions == (framework.provisions[pid].article,)


def test_every_article_asks_for_good_practices(q: engine.Questionnaire) -> None:
    framework = q.framework
    assert framework is not None
    for article_id in framework.articles:
        question = q.question(f"art{article_id}_practices.good_practices")
        assert question.required is False
        assert q.provisions_of(question.id) == (article_id,)


@pytest.mark.parametrize("answer, shown", [
    (None, set()),
    ("yes", {"measures", "measures_summary", "examples"}),
    ("partial", {"measures", "measures_summary", "examples", "steps", "challenges", "challenges_detail",
                 "ta_needed", "ta_received"}),
    ("no", {"steps", "challenges", "challenges_detail", "ta_needed", "ta_received"}),
])
def test_follow_ups_appear_only_for_the_right_answers(q: engine.Questionnaire, answer: str | None,
                                                      shown: set[str]) -> None:
    groups = [g for g in q.index.items.values() if isinstance(g, Group) and g.template == "provision"]
    answers = {f"{g.id}.compliance": answer for g in groups if answer}
    ev = engine.evaluate(q, answers)
    for group in groups:
        visible = {item.local_id for item in group.items if ev.is_visible(item.id)} - {"compliance"}
        assert visible == shown, group.id


def test_technical_assistance_follow_ups(q: engine.Questionnaire) -> None:
    p = "p15_a"
    ev = engine.evaluate(q, {f"{p}.compliance": "no", f"{p}.ta_needed": True, f"{p}.ta_received": True,
                             f"{p}.challenges": ("capacity", "other"), f"{p}.ta_categories": ("legal_advice",)})
    for local in ("ta_categories", "ta_priority", "ta_detail", "ta_received_list", "challenges_other"):
        assert ev.is_visible(f"{p}.{local}"), local
    assert not ev.is_visible(f"{p}.ta_categories_other")
    assert {f"{p}.steps", f"{p}.ta_priority", f"{p}.ta_received_list", f"{p}.challenges_other"} <= ev.missing
    assert ev.provisions["15.a"].status == "in_progress"


def test_a_fully_answered_provision_is_complete(q: engine.Questionnaire) -> None:
    p = "p15_a"
    answers = {f"{p}.compliance": "yes",
               f"{p}.measures": ({"instrument": "Penal Code", "reference": "s. 120", "year": 2004,
                                  "link": "https://example.org/penal-code"},),
               f"{p}.measures_summary": "Active bribery is an offence."}
    ev = engine.evaluate(q, answers)
    assert ev.provisions["15.a"].status == "complete" and ev.provisions["15.a"].percent == 100


def test_every_text_exists_in_six_languages(q: engine.Questionnaire) -> None:
    stats = compute(q)
    assert stats.texts > 300
    assert {lang: stats.coverage(lang) for lang in q.languages} == {lang: 100.0 for lang in SIX}


SCRIPTS = {"ar": r"[\u0600-\u06FF]", "zh": r"[\u4E00-\u9FFF]", "ru": r"[\u0400-\u04FF]"}


def test_translations_are_real_text_not_copies(q: engine.Questionnaire) -> None:
    from engine.stats import _texts

    for text in _texts(q):
        assert set(text) == SIX, dict(text)
        for lang, script in SCRIPTS.items():
            assert re.search(script, text[lang]), (lang, text[lang])
        for lang in ("es", "fr", "ru", "zh", "ar"):
            if len(text["en"]) > 25:
                assert text[lang] != text["en"], (lang, text["en"])


def test_choice_codes_are_stable(q: engine.Questionnaire) -> None:
    lists = q.choice_lists
    assert [c.code for c in lists["compliance"].choices] == ["yes", "partial", "no"]
    assert lists["challenges"].other_codes == {"other"} and lists["ta_categories"].other_codes == {"other"}
    assert {"legal_advice", "model_legislation", "onsite_expert", "capacity_building"} <= lists["ta_categories"].codes
    assert [c.code for c in lists["priority"].choices] == ["high", "medium", "low"]


def test_general_part(q: engine.Questionnaire) -> None:
    general = q.item("general")
    ids = {item.id for item in general.walk()}
    assert {"focal_name", "focal_institution", "focal_email", "contributors", "instrument", "deposit_date",
            "legal_system", "framework_overview", "central_authority"} <= ids
    ev = engine.evaluate(q, {"signature_date": __import__("datetime").date(2004, 1, 1),
                             "deposit_date": __import__("datetime").date(2003, 12, 31)})
    assert [p.code for p in ev.problems["deposit_date"]] == ["constraint"]
