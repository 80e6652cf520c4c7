"""The one-page summary: compliance by chapter with its chart, the main assistance needs, what changed
since the last submission; no contents page, no table without rows, no column of zeros; and it
fits on one page for the complete checklist in English, Arabic and Chinese."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import engine
from exports.pdf import render_many
from exports.profile import Labels, Previous, build, build_html

from .conftest import make_data, pdf_text
from .filled import filled

BEFORE = dt.datetime(2025, 11, 3, 10, 0, tzinfo=dt.UTC)


def earlier(q: engine.Questionnaire) -> dict[str, Any]:
    """An earlier submission: articles 5 and 15 answered, article 5 (1) said 'no', no assistance asked
    for 5 (3)."""
    answers, _ = filled(q, articles=("5", "15"))
    answers = dict(answers)
    answers["p5_1.compliance"] = "no"
    answers["p5_3.ta_needed"] = False
    return answers


def test_what_changed_since_the_last_submission(checklist: engine.Questionnaire) -> None:
    now, languages = filled(checklist, articles=("5", "15", "46"))
    data = make_data(checklist, now, languages, previous=Previous(1, BEFORE, checklist, earlier(checklist)))
    changes = build(data, "en", "summary", Labels()).changes
    assert changes is not None and changes.number == 1 and changes.as_of == "3 November 2025"
    assert [(c.provision.id, c.before.text, c.now.text) for c in changes.statuses] == [("5.1", "No", "Yes")]
    assert {v.article for v in changes.newly_answered} == {"46"}  # article 46 was not answered before
    assert "5.3" in [v.id for v in changes.needs_added]
    html = build_html(data, "en", "summary")
    assert "Compared with submission 1 of 3 November 2025." in html
    assert re.search(r"<th scope=\"row\" class=\"pcol\">5\xa0\(1\)</th><td>No</td><td>Yes</td>", html)
    first = build_html(make_data(checklist, now, languages), "en", "summary")
    assert "This is the first submission: there is no earlier one to compare with." in first
    same = make_data(checklist, now, languages, previous=Previous(1, BEFORE, checklist, now))
    assert "No provision changed since then." in build_html(same, "en", "summary")


def test_no_contents_no_empty_table_no_column_of_zeros(checklist: engine.Questionnaire) -> None:
    answers, languages = filled(checklist, articles=("5",))
    profile = build(make_data(checklist, answers, languages), "en", "summary", Labels())
    assert profile.buckets and all(getattr(profile.total.counts, bucket) for bucket in profile.buckets)
    html = build_html(make_data(checklist, answers, languages), "en", "summary")
    assert "Contents" not in html and 'class="toc"' not in html
    for table in re.findall(r"<table class=\"grid.*?</table>", html, re.S):
        assert "<tbody>" in table and re.search(r"<tbody>\s*<tr>", table), table[:200]
    nothing = build_html(make_data(checklist, {}), "en", "summary")
    assert "No technical assistance needs were reported." in nothing and 'class="grid categories"' not in nothing


def test_top_needs_are_the_most_asked_for(checklist: engine.Questionnaire) -> None:
    answers, languages = filled(checklist)
    profile = build(make_data(checklist, answers, languages), "en", "summary", Labels())
    sizes = [len(row.provisions) for row in profile.top_needs]
    assert 0 < len(sizes) <= 5 and sizes == sorted(sizes, reverse=True)
    assert sizes[0] == max(len(row.provisions) for row in profile.ta_categories)


def test_every_chart_has_a_text_alternative(checklist: engine.Questionnaire) -> None:
    answers, languages = filled(checklist, articles=("5", "15"))
    html = build_html(make_data(checklist, answers, languages), "en", "summary")
    bars = re.findall(r"<svg [^>]*class=\"bar\".*?</svg>", html)
    assert len(bars) == 5  # four chapters and the total
    for bar in bars:
        assert 'role="img"' in bar and re.search(r"<title>[^<]+: Yes \d+", bar), bar


@pytest.fixture(scope="module")
def one_pagers(checklist: engine.Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("summaries")
    answers, languages = filled(checklist)
    data = make_data(checklist, answers, languages, previous=Previous(1, BEFORE, checklist, earlier(checklist)))
    jobs = [(lang, lambda lang=lang: build_html(data, lang, "summary"), folder / f"{lang}.pdf")
            for lang in ("en", "ar", "zh")]
    results = render_many(jobs, workers=2)
    assert not [str(result) for result in results.values() if isinstance(result, Exception)]
    return {lang: folder / f"{lang}.pdf" for lang in ("en", "ar", "zh")}


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_the_summary_of_the_whole_checklist_is_one_page(lang: str, one_pagers: dict[str, Path]) -> None:
    assert len(PdfReader(str(one_pagers[lang])).pages) == 1
    text = pdf_text(one_pagers[lang])
    assert "Compliance by chapter" in text and "Main technical assistance needs" in text
    assert "What changed since the last submission" in text
