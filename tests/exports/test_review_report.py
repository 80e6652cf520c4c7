"""The country review report's skeleton (exports/review_report.py) and a review cycle's profile:
the report rendered to PDF in English and Arabic with the interface catalogs and read back; the
profile of a cycle on chapters II and V shows no other chapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations

from exports.pdf import render_pdf
from exports.profile import build_html as profile_html
from exports.review_report import ReportData, build_html

from .conftest import flat, in_order, pdf_fonts, pdf_text
from .test_profile_html import some

__all__ = ["some"]  # the fixture, imported

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"

PARTS = {"successes": "The Anti-Corruption Commission publishes every asset declaration.",
         "challenges": "Few prosecutions for illicit enrichment.",
         "recommendations": "Protect persons who report corruption (article 33).",
         "assistance_needs": ""}


def data(lang: str) -> ReportData:
    names = {"en": ("Kenya", ("France", "Mexico")), "ar": ("كينيا", ("فرنسا", "المكسيك"))}
    state, reviewers = names[lang]
    return ReportData(state_name=state, state_code="KEN", cycle="2026-II", chapters=("II", "V"),
                      reviewers=reviewers, final=True, parts=dict(PARTS),
                      timeline=(("Desk review", "2027-01-15", "Done"),))


def gettext(lang: str) -> Any:
    return Translations.load(str(TRANSLATIONS), [lang]).gettext


@pytest.mark.pdf
@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Country review report", "Kenya", "2026-II", "France, Mexico", "Final", "Executive summary",
            "Successes and good practices", PARTS["successes"], "Challenges in implementation", PARTS["challenges"],
            "Recommendations", PARTS["recommendations"], "Technical assistance needs", "Not written yet."]),
    ("ar", ["تقرير الاستعراض القطري", "كينيا", "2026-II", "نهائي", "الخلاصة التنفيذية", PARTS["successes"],
            "التوصيات", PARTS["recommendations"], "الاحتياجات من المساعدة التقنية", "لم يكتب بعد"]),
])
def test_the_report_renders_and_reads_back_in_english_and_arabic(lang: str, expected: list[str],
                                                                  tmp_path: Path) -> None:
    html = build_html(data(lang), lang, gettext(lang))
    assert (f'<html lang="{lang}" dir="rtl">' in html) is (lang == "ar")
    target = tmp_path / f"report-{lang}.pdf"
    render_pdf(html, target)
    text = pdf_text(target)
    problems = in_order(text, expected)
    assert not problems, (problems, text[:800])
    if lang == "ar":
        assert "Noto-Naskh-Arabic" in pdf_fonts(target) and flat("فرنسا") in flat(text)


def test_the_report_escapes_what_reviewers_write() -> None:
    written = ReportData(state_name="Kenya", state_code="KEN", cycle="<b>x</b>", chapters=("II",), reviewers=(),
                         final=False, parts={"successes": "<script>alert(1)</script>"})
    html = build_html(written, "en")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "Draft" in html
    with pytest.raises(ValueError):
        build_html(written, "de")


def test_a_cycles_profile_shows_only_its_chapters(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    whole = profile_html(data_of(answers, languages), "en", "full")
    cycle = profile_html(data_of(answers, languages, chapters=("II", "V")), "en", "full")
    assert "Chapter III." in whole and "Chapter II." in whole
    assert "Chapter III." not in cycle and "Chapter IV." not in cycle and "Chapter II." in cycle
