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


def test_the_cache_key_follows_the_content_language_and_translations() -> None:
    from dataclasses import replace

    from exports.review_report import cache_key

    english = cache_key(data("en"), "en")
    assert english == cache_key(data("en"), "en")  # the same report: the same file
    others = {cache_key(replace(data("en"), parts={**PARTS, "successes": "Another text."}), "en"),
              cache_key(replace(data("en"), final=False), "en"),
              cache_key(replace(data("en"), timeline=(("Desk review", "2027-01-15", "Late"),)), "en"),
              cache_key(data("en"), "fr"), cache_key(data("en"), "en", gettext("fr"))}
    assert english not in others and len(others) == 5


def test_report_cache_entries_are_checked_never_used_as_paths(tmp_path: Path) -> None:
    from exports.cache import ReportCache

    cache = ReportCache(tmp_path)
    key = "a" * 64
    assert cache.report_path(7, "ar", key) == tmp_path / "reviews" / "7" / f"report-ar-{'a' * 32}.pdf"
    for review, lang, bad in ((0, "en", key), (7, "../en", key), (7, "en", "../" + key), (7, "de", key)):
        with pytest.raises(ValueError):
            cache.report_path(review, lang, bad)
    assert cache.get_report(7, "en", key) is None
    made: list[str] = []

    def render(html: str, path: Path) -> Any:
        made.append(html)
        path.write_bytes(b"%PDF")

    path, _rendered = cache.get_or_render_report(7, "en", key, lambda: "<p>1</p>", render)
    assert cache.get_or_render_report(7, "en", key, lambda: "<p>1</p>", render) == (path, None)
    newer, _rendered = cache.get_or_render_report(7, "en", "b" * 64, lambda: "<p>2</p>", render)
    assert made == ["<p>1</p>", "<p>2</p>"] and newer.is_file() and not path.exists()  # the older one removed
