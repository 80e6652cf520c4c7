"""The shipped UNCAC checklist: what States, the secretariat and donors rely on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import engine
from engine.model import Group, Question
from engine.stats import _texts, compute
from tests import shipped

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "questionnaires" / "uncac_checklist.yaml"
ARCHIVED = ROOT / "questionnaires" / "archive" / "uncac_checklist-2026.1.yaml"
MAPPING = ROOT / "questionnaires" / "mappings" / "uncac_checklist-2027.1.yaml"
SIX = {"ar", "en", "es", "fr", "ru", "zh"}
CHAPTERS = {"II": range(5, 15), "III": range(15, 43), "IV": range(43, 51), "V": range(51, 60)}

# -- the set of questions of each kind of provision (local ids, in order) --------------------------
MEASURES = ["measures", "measures_summary", "examples"]
SHORTFALL = ["steps", "challenges", "challenges_other", "challenges_detail"]
ASSISTANCE = ["ta_needed", "ta_categories", "ta_categories_other", "ta_priority", "ta_detail", "ta_received",
              "ta_received_list"]
SETS = {
    "mandatory": ["compliance", *MEASURES, *SHORTFALL, *ASSISTANCE],
    "notification": ["compliance", "notified", *MEASURES, *SHORTFALL, *ASSISTANCE],
    "listed": ["compliance", "items_applied", *MEASURES, *SHORTFALL, *ASSISTANCE],
    "consider": ["adopted", "considered", *MEASURES, *SHORTFALL, *ASSISTANCE],
    "endeavour": ["adopted", "considered", *MEASURES, *SHORTFALL, *ASSISTANCE],
    "optional": ["adopted", *MEASURES, *SHORTFALL, *ASSISTANCE],
    "illustrative": ["items_applied", *MEASURES, *ASSISTANCE],
    "scope": ["measures_summary", "measures", *ASSISTANCE],
    "saving": ["measures_summary", "measures"],
}
#: Provisions whose questions differ from those of their level (everything else: kind == level).
KINDS = {
    "6.3": "notification", "23.2.d": "notification", "44.6.a": "notification", "46.13": "notification",
    "46.14": "notification", "55.5": "notification",
    "9.1": "listed", "9.2": "listed", "12.3": "listed", "46.3": "listed", "48.1": "listed", "55.1": "listed",
    "12.2": "illustrative", "26.2": "illustrative", "32.2": "illustrative",
    "44.1": "scope",
}
LIST_ITEMS = {"9.1": "abcde", "9.2": "abcde", "12.3": "abcdef", "46.3": "abcdefghijk", "48.1": "abcdef",
              "55.1": "ab", "12.2": "abcdef", "32.2": "ab"}
EIGHT = ["30.8", "30.9", "31.9", "31.10", "42.6", "44.15", "46.6", "55.9"]
SPLIT = {"14.1.b": "mandatory", "14.1.b.fiu": "consider", "43.1": "mandatory", "43.1.civil": "consider",
         "48.2": "mandatory", "48.2.agreements": "consider", "48.2.basis": "optional",
         "52.4": "mandatory", "52.4.correspondent": "optional", "58": "mandatory", "58.fiu": "consider"}


@pytest.fixture(scope="module")
def loaded() -> engine.Loaded:
    return shipped.loaded(CHECKLIST)


@pytest.fixture(scope="module")
def q(loaded: engine.Loaded) -> engine.Questionnaire:
    return loaded.questionnaire


def provision_groups(q: engine.Questionnaire) -> dict[str, Group]:
    return {g.provisions[0]: g for g in q.index.items.values()
            if isinstance(g, Group) and g.template == "provision"}


def local_ids(group: Group) -> list[str]:
    return [item.local_id for item in group.items if isinstance(item, Question)]


def kind_of(q: engine.Questionnaire, pid: str) -> str:
    assert q.framework is not None
    return KINDS.get(pid, q.framework.provisions[pid].level)


def test_loads_without_errors_or_warnings(loaded: engine.Loaded) -> None:
    assert loaded.warnings == ()
    assert loaded.questionnaire.languages == ("ar", "en", "es", "fr", "ru", "zh")
    assert loaded.questionnaire.version == "2027.1"


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
    levels = [level.code for level in framework.levels]
    assert levels == ["mandatory", "consider", "endeavour", "optional", "saving"]
    for provision in framework.provisions.values():
        assert re.fullmatch(r"\d+(\.(\d+|[a-z]|[ivx]+))*(\.(fiu|civil|agreements|basis|correspondent))?",
                            provision.id), provision.id
        assert provision.id.split(".")[0] == provision.article
        assert provision.level in levels
        words = len(provision.summary["en"].split())
        assert 10 <= words <= 70, (provision.id, words)
    assert len(framework.provisions) == 224


def test_level_labels_are_worded_as_the_convention_words_them(q: engine.Questionnaire) -> None:
    assert q.framework is not None
    label = {level.code: level.label for level in q.framework.levels}
    assert "рассмотреть возможность" in label["consider"]["ru"] and "стремиться" in label["endeavour"]["ru"]
    assert "النظر في" in label["consider"]["ar"] and "السعي إلى" in label["endeavour"]["ar"]
    assert "considerar la posibilidad" in label["consider"]["es"] and "procurar" in label["endeavour"]["es"]
    assert "envisager" in label["consider"]["fr"] and "s'efforcer" in label["endeavour"]["fr"]
    assert "考虑" in label["consider"]["zh"] and "努力" in label["endeavour"]["zh"]
    bare_verbs = {"Рассматривает возможность", "تنظر في", "Deberá considerar"}
    assert not bare_verbs & {text for level in label.values() for text in level.values()}


def test_the_eight_missing_paragraphs_are_saving_clauses(q: engine.Questionnaire) -> None:
    assert q.framework is not None
    groups = provision_groups(q)
    for pid in EIGHT:
        provision = q.framework.provisions[pid]
        assert provision.level == "saving", pid
        assert set(provision.summary) == SIX
        assert local_ids(groups[pid]) == SETS["saving"], pid
        assert not any(q.question(f"{groups[pid].id}.{local}").required is True for local in SETS["saving"])
    articles = q.framework.articles
    assert articles["30"].provisions.index("30.8") == articles["30"].provisions.index("30.7") + 1
    assert articles["44"].provisions.index("44.15") == articles["44"].provisions.index("44.16") - 1
    assert {p.id for p in q.framework.provisions.values() if p.level == "saving"} == set(EIGHT)


def test_mixed_paragraphs_are_split_into_binding_and_non_binding_parts(q: engine.Questionnaire) -> None:
    assert q.framework is not None
    for pid, level in SPLIT.items():
        provision = q.framework.provisions[pid]
        assert provision.level == level, pid
        assert set(provision.title) == SIX, pid
    groups = provision_groups(q)
    added = [pid for pid in SPLIT if pid.rsplit(".", 1)[-1] in ("fiu", "civil", "agreements", "basis",
                                                                "correspondent")]
    assert len(added) == 6
    for pid in added:  # their pages say which part of the paragraph they ask about
        assert set(groups[pid].title) == SIX and ":" in groups[pid].title["en"], pid
    assert "consider" not in q.framework.provisions["58"].summary["en"].lower()
    assert "financial intelligence unit" in q.framework.provisions["58.fiu"].summary["en"]


def test_every_provision_gets_the_set_of_its_kind(q: engine.Questionnaire) -> None:
    framework = q.framework
    assert framework is not None
    groups = provision_groups(q)
    assert set(groups) == set(framework.provisions)
    considered = {"consider": "considered adopting", "endeavour": "made efforts"}
    for pid, group in groups.items():
        kind = kind_of(q, pid)
        assert local_ids(group) == SETS[kind], (pid, kind)
        if kind in considered:
            assert considered[kind] in q.question(f"{group.id}.considered").label["en"], pid
        article = q.parent(group.id)
        assert article is not None and article.provisions == (framework.provisions[pid].article,)
        status = next((q.question(f"{group.id}.{local}") for local in ("compliance", "adopted") if
                       f"{group.id}.{local}" in q.index.items), None)
        if status is not None:
            assert status.required is True and [c.code for c in status.choices.choices] == ["yes", "partial", "no"]  # type: ignore[union-attr]


def test_every_question_of_a_provision_has_its_role(q: engine.Questionnaire) -> None:
    for group in provision_groups(q).values():
        block = q.block(group.id)
        assert block is not None and block.provision == group.provisions[0]
        for question in group.items:
            assert isinstance(question, Question)
            if question.other_of is None:  # "please specify" boxes made by the engine have none
                assert question.role is not None, question.id
                assert block.get(question.role) == question.id


def test_no_optional_or_saving_provision_asks_for_compliance(q: engine.Questionnaire) -> None:
    """A gap comes from 'compliance' (partial, no) or 'considered' (no); neither exists where the
    Convention does not bind."""
    assert q.framework is not None
    for group in provision_groups(q).values():
        block = q.block(group.id)
        assert block is not None
        level = q.framework.provisions[group.provisions[0]].level
        if level in ("optional", "saving") or kind_of(q, group.provisions[0]) in ("illustrative", "scope"):
            assert block.get("compliance") is None and block.get("considered") is None, group.id
        if level in ("consider", "endeavour"):
            assert block.get("compliance") is None and block.get("considered") is not None, group.id


def visible(q: engine.Questionnaire, group: Group, answers: dict[str, Any]) -> set[str]:
    ev = engine.evaluate(q, {f"{group.id}.{k}": v for k, v in answers.items()})
    return {item.local_id for item in group.items if isinstance(item, Question) and ev.is_visible(item.id)}


TA_SHOWN = {"ta_needed", "ta_received"}


@pytest.mark.parametrize("answer, shown", [
    (None, {"compliance"}),
    ("yes", {"compliance", *MEASURES, *TA_SHOWN}),
    ("partial", {"compliance", *MEASURES, "steps", "challenges", "challenges_detail", *TA_SHOWN}),
    ("no", {"compliance", "steps", "challenges", "challenges_detail", *TA_SHOWN}),
])
def test_mandatory_follow_ups(q: engine.Questionnaire, answer: str | None, shown: set[str]) -> None:
    groups = provision_groups(q)
    for pid, group in groups.items():
        if kind_of(q, pid) == "mandatory":
            assert visible(q, group, {"compliance": answer} if answer else {}) == shown, pid


@pytest.mark.parametrize("answers, shown", [
    ({}, {"adopted"}),
    ({"adopted": "yes"}, {"adopted", *MEASURES, *TA_SHOWN}),
    ({"adopted": "partial"}, {"adopted", *MEASURES, "steps", "challenges", "challenges_detail", *TA_SHOWN}),
    ({"adopted": "no"}, {"adopted", "considered", "steps", "challenges", "challenges_detail", *TA_SHOWN}),
])
def test_shall_consider_and_endeavour_follow_ups(q: engine.Questionnaire, answers: dict[str, Any],
                                                 shown: set[str]) -> None:
    for pid, group in provision_groups(q).items():
        if kind_of(q, pid) in ("consider", "endeavour"):
            assert visible(q, group, answers) == shown, pid
            if answers.get("adopted") == "no":
                ev = engine.evaluate(q, {f"{group.id}.adopted": "no"})
                assert f"{group.id}.considered" in ev.missing and f"{group.id}.steps" not in ev.missing


def test_optional_provisions_require_nothing_after_a_no(q: engine.Questionnaire) -> None:
    for pid, group in provision_groups(q).items():
        if kind_of(q, pid) == "optional":
            ev = engine.evaluate(q, {f"{group.id}.adopted": "no"})
            assert not {qid for qid in ev.missing if qid.startswith(group.id + ".")}, pid
            assert visible(q, group, {"adopted": "no"}) == {"adopted", "steps", "challenges", "challenges_detail",
                                                            *TA_SHOWN}


def test_technical_assistance_for_any_answer(q: engine.Questionnaire) -> None:
    """Capacity-building is asked where the law exists, too; it is required only after a gap."""
    p = "p15_a"
    ev = engine.evaluate(q, {f"{p}.compliance": "yes"})
    assert ev.is_visible(f"{p}.ta_needed") and not ev.is_required(f"{p}.ta_needed")
    ev = engine.evaluate(q, {f"{p}.compliance": "yes", f"{p}.ta_needed": True, f"{p}.ta_received": True,
                             f"{p}.ta_categories": ("legislative_drafting", "other")})
    for local in ("ta_categories", "ta_categories_other", "ta_priority", "ta_detail", "ta_received_list"):
        assert ev.is_visible(f"{p}.{local}"), local
    assert {f"{p}.ta_priority", f"{p}.ta_received_list", f"{p}.ta_categories_other"} <= ev.missing
    ev = engine.evaluate(q, {f"{p}.compliance": "no"})
    assert {f"{p}.steps", f"{p}.challenges", f"{p}.ta_needed", f"{p}.ta_received"} <= ev.missing
    assert ev.provisions["15.a"].status == "in_progress"


def test_lists_of_items(q: engine.Questionnaire) -> None:
    groups = provision_groups(q)
    for pid, letters in LIST_ITEMS.items():
        question = q.question(f"{groups[pid].id}.items_applied")
        assert question.choices is not None
        codes = [c.code for c in question.choices.choices]
        illustrative = kind_of(q, pid) == "illustrative"
        assert codes == list(letters) + (["none"] if illustrative else []), pid
        for choice in question.choices.choices:
            assert set(choice.label) == SIX
    ev = engine.evaluate(q, {"p12_2.items_applied": ("a", "none")})
    assert [p.code for p in ev.problems["p12_2.items_applied"]] == ["constraint"]
    ev = engine.evaluate(q, {"p12_2.items_applied": ("none",)})
    assert not ev.is_visible("p12_2.measures") and "p12_2.items_applied" not in ev.problems
    assert engine.evaluate(q, {"p12_2.items_applied": ("b", "e")}).is_visible("p12_2.measures")
    ev = engine.evaluate(q, {"p9_1.compliance": "partial"})
    assert "p9_1.items_applied" in ev.missing
    ev = engine.evaluate(q, {"p9_1.compliance": "yes"})
    assert ev.is_visible("p9_1.items_applied") and "p9_1.items_applied" not in ev.missing


def test_notifications_reservations_and_extradition_treaties(q: engine.Questionnaire) -> None:
    groups = provision_groups(q)
    for pid in ("6.3", "23.2.d", "44.6.a", "46.13", "46.14", "55.5"):
        assert q.block(groups[pid].id).get("notified") == f"{groups[pid].id}.notified"  # type: ignore[union-attr]
    ev = engine.evaluate(q, {"reservations": True})
    assert "reservations_list" in ev.missing
    kinds = q.question("reservations_list").column("kind")
    assert kinds is not None and kinds.choices is not None and kinds.choices.codes == {"reservation", "declaration"}
    order = q.index.order
    assert order["extradition_treaty"] < order["p44_5"] < order["p44_6_a"]
    treaty = {"p44_5", "p44_6_a", "p44_6_b"}
    for answer, shown, hidden in ((None, treaty | {"p44_7"}, set()), (True, treaty, {"p44_7"}),
                                  (False, {"p44_7"}, treaty)):
        ev = engine.evaluate(q, {"extradition_treaty": answer} if answer is not None else {})
        assert all(ev.is_visible(g) for g in shown) and not any(ev.is_visible(g) for g in hidden), answer


def test_guidance_and_related_articles(q: engine.Questionnaire) -> None:
    framework = q.framework
    assert framework is not None
    for article in framework.articles.values():
        assert set(article.guidance) == SIX, article.id
        assert 20 <= len(article.guidance["en"].split()) <= 70, article.id
        related = framework.related(article.id)
        assert related and article.id not in {a.id for a in related}, article.id


def test_every_text_exists_in_six_languages(q: engine.Questionnaire) -> None:
    stats = compute(q)
    assert stats.texts > 500
    assert {lang: stats.coverage(lang) for lang in q.languages} == {lang: 100.0 for lang in SIX}


SCRIPTS = {"ar": r"[\u0600-\u06FF]", "zh": r"[\u4E00-\u9FFF]", "ru": r"[\u0400-\u04FF]"}


def test_translations_are_real_text_not_copies(q: engine.Questionnaire) -> None:
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
    assert [c.code for c in lists["adoption"].choices] == ["yes", "partial", "no"]
    assert lists["challenges"].other_codes == {"other"} and lists["ta_categories"].other_codes == {"other"}
    codes = lists["ta_categories"].codes
    assert {"legal_advisory", "legislative_drafting", "model_legislation", "onsite_expert",
            "capacity_building"} <= codes
    assert "legal_advice" not in codes  # split in two in 2027.1 (questionnaires/mappings/)
    assert [c.code for c in lists["priority"].choices] == ["high", "medium", "low"]


def test_general_part(q: engine.Questionnaire) -> None:
    general = q.item("general")
    ids = {item.id for item in general.walk()}  # type: ignore[union-attr]
    assert {"focal_name", "focal_institution", "focal_email", "contributors", "instrument", "deposit_date",
            "reservations", "reservations_list", "legal_system", "framework_overview", "central_authority"} <= ids
    ev = engine.evaluate(q, {"signature_date": dt.date(2004, 1, 1), "deposit_date": dt.date(2003, 12, 31)})
    assert [p.code for p in ev.problems["deposit_date"]] == ["constraint"]


def test_every_article_asks_for_good_practices(q: engine.Questionnaire) -> None:
    assert q.framework is not None
    for article_id in q.framework.articles:
        question = q.question(f"art{article_id}_practices.good_practices")
        assert question.required is False
        assert q.provisions_of(question.id) == (article_id,)


# -- from 2026.1 ----------------------------------------------------------------------------------
def test_the_earlier_version_is_kept_for_publishing_and_moving_answers() -> None:
    old = engine.load_file(ARCHIVED)
    assert old.warnings == () and old.questionnaire.version == "2026.1"
    assert old.questionnaire.framework is not None and len(old.questionnaire.framework.provisions) == 210


def test_the_mapping_file_gives_every_stored_answer_a_home(q: engine.Questionnaire) -> None:
    old = engine.load_file(ARCHIVED).questionnaire
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    assert (mapping["questionnaire"], mapping["from"], mapping["to"]) == (q.id, old.version, q.version)
    for source, target in mapping["questions"].items():
        before, after = old.question(source), q.question(target)
        assert before.type == after.type and after.role == "adopted", source
        assert before.choices is not None and after.choices is not None
        assert before.choices.codes == after.choices.codes
    removed = {question.id for question in old.questions if question.id not in q.index.items}
    assert removed == set(mapping["questions"]) | set(mapping["confirm"])
    confirmed_provisions = {qid.split(".")[0] for qid in mapping["confirm"]}
    assert confirmed_provisions == {"p12_2", "p26_2", "p32_2", "p44_1"}  # asked otherwise, nothing to map to
    for name, codes in mapping["lists"].items():
        for old_code, targets in codes.items():
            assert old_code in old.choice_lists[name].codes and old_code not in q.choice_lists[name].codes
            assert set(targets) <= q.choice_lists[name].codes
    # every provision that no longer asks for compliance moves its answer to 'adopted'
    moved = {source.split(".")[0] for source in mapping["questions"]}
    groups = provision_groups(q)
    assert moved == {groups[pid].id for pid in groups if kind_of(q, pid) in ("consider", "endeavour", "optional")
                     and f"{groups[pid].id}.compliance" in old.index.items}
