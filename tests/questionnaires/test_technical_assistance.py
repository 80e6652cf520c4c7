"""The technical-assistance questionnaire: a second, different questionnaire on the same engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import engine
from engine.stats import compute
from tests import shipped

ROOT = Path(__file__).resolve().parents[2]
TA = shipped.loaded(shipped.TECHNICAL_ASSISTANCE)
CHECKLIST = shipped.checklist()


def test_loads_cleanly_in_six_languages() -> None:
    assert TA.warnings == ()
    stats = compute(TA.questionnaire)
    assert all(stats.coverage(lang) == 100.0 for lang in TA.questionnaire.languages)
    assert len(TA.questionnaire.languages) == 6


def test_it_is_not_the_checklist_pattern() -> None:
    q = TA.questionnaire
    # only the roles of assistance, in the questionnaire's own block: profiles and figures find no provision
    assert [b.provision for b in q.blocks] == [None] and set(q.blocks[0].roles) == {
        "assistance_activities", "assistance_articles", "assistance_kinds"}
    assert q.framework is not None and not q.framework.provisions  # an article-level framework


def test_articles_and_categories_agree_with_the_checklist() -> None:
    q = TA.questionnaire
    assert q.framework is not None and CHECKLIST.framework is not None
    assert list(q.framework.articles) == list(CHECKLIST.framework.articles)
    for aid, article in q.framework.articles.items():
        assert article.title == CHECKLIST.framework.articles[aid].title, aid
    assert q.choice_lists["ta_categories"] == CHECKLIST.choice_lists["ta_categories"]


def test_an_activity_row_is_checked() -> None:
    q = TA.questionnaire
    table = q.question("activity_list")
    columns = {c.id for c in table.columns}
    assert {"direction", "provider", "recipient", "articles", "start_date", "end_date", "status"} <= columns
    row = {"direction": "received", "title": "Training of prosecutors", "provider": "UNODC",
           "recipient": "Kenya", "articles": ("15", "23"), "start_date": dt.date(2025, 3, 1),
           "end_date": dt.date(2025, 1, 1), "status": "ongoing"}
    ev = engine.evaluate(q, {"activity_list": (row,)})
    assert [(p.column, p.code) for p in ev.problems["activity_list"]] == [("end_date", "constraint")]
    ev = engine.evaluate(q, {"activity_list": ({**row, "end_date": dt.date(2025, 6, 30)},)})
    assert "activity_list" not in ev.problems
