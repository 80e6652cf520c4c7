"""Marks, dates and the cover, in the six languages, through the interface catalogs themselves
(``translations/``): a draft carries DRAFT on every page, a submitted response "not yet accepted",
an accepted one neither; the date is the long date of the profile's language; the cover names the
organization, the document symbol, the date and the language as the deployment configured them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations
from pypdf import PdfReader

import engine
from exports.display import long_date
from exports.pdf import render_many
from exports.profile import Cover, build_html

from .conftest import flat, make_data, pdf_text
from .filled import as_of, filled

ROOT = Path(__file__).resolve().parents[2]
#: The date of the answers (tests.exports.filled.as_of: 12 March 2026) as each language writes it.
DATES = {"en": "12 March 2026", "fr": "12 mars 2026", "es": "12 de marzo de 2026", "ru": "12 марта 2026\u202fг.",
         "ar": "12 مارس 2026", "zh": "2026年3月12日"}
DRAFT = {"en": "DRAFT", "fr": "PROJET", "es": "BORRADOR", "ru": "ПРОЕКТ", "ar": "مسودة", "zh": "草稿"}
LANGUAGE = {"en": "English", "fr": "français", "es": "español", "ru": "русский", "ar": "العربية", "zh": "中文"}
COVER = Cover.of({"en": "United Nations Office on Drugs and Crime", "fr": "Office des Nations Unies contre la drogue "
                  "et le crime"}, "CAC/COSP/SA/{state}/{year}/{number}")


@cache
def catalog(lang: str) -> Any:
    return Translations.load(str(ROOT / "translations"), [lang]).gettext


def test_long_dates_in_each_language() -> None:
    for lang, wanted in DATES.items():
        assert long_date(as_of(), lang) == wanted
    assert long_date(as_of().date(), "en") == "12 March 2026"  # day first, never "March 12, 2026" or "3/12/26"


def test_the_mark_follows_the_status(checklist: engine.Questionnaire) -> None:
    assert make_data(checklist, {}, status="draft", snapshot_number=None).mark == "draft"
    assert make_data(checklist, {}, status="submitted").mark == "not_accepted"
    assert make_data(checklist, {}, status="returned").mark == "not_accepted"
    assert make_data(checklist, {}, status="accepted").mark is None
    html = build_html(make_data(checklist, {}, status="submitted"), "en", "summary")
    assert 'class="watermark mark-not_accepted"' in html and "NOT YET ACCEPTED" in html
    assert "watermark" not in build_html(make_data(checklist, {}, status="accepted"), "en", "summary")


def test_cover_settings_are_checked_and_used(checklist: engine.Questionnaire) -> None:
    with pytest.raises(ValueError, match=r"PROFILE_SYMBOL 'CAC/\{country\}'.*\{state\}"):
        Cover.of("UNODC", "CAC/{country}")
    assert COVER.organization_in("fr").startswith("Office des Nations Unies")
    assert COVER.organization_in("zh") == "United Nations Office on Drugs and Crime"  # English for the others
    data = make_data(checklist, {}, cover=COVER)
    html = build_html(data, "fr", "summary")
    assert "Office des Nations Unies contre la drogue et le crime" in html and "CAC/COSP/SA/KEN/2026/2" in html
    bare = build_html(make_data(checklist, {}), "en", "summary")  # nothing configured: no masthead, no logo
    assert "masthead" not in bare and "<img" not in bare
    other = make_data(checklist, {}, cover=Cover.of("UNODC", ""))
    assert data.identity() != other.identity()  # the cover is part of the cache key


@pytest.fixture(scope="module")
def drafts(checklist: engine.Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The summary of a draft in each language, through the real catalogs."""
    folder = tmp_path_factory.mktemp("marks")
    answers, languages = filled(checklist, articles=("5", "15"))
    data = make_data(checklist, answers, languages, status="draft", snapshot_number=None, cover=COVER)
    jobs = [(lang, lambda lang=lang: build_html(data, lang, "summary", catalog(lang)), folder / f"{lang}.pdf")
            for lang in engine.UN_LANGUAGES]
    results = render_many(jobs, workers=2)
    assert not [str(result) for result in results.values() if isinstance(result, Exception)]
    return {lang: folder / f"{lang}.pdf" for lang in engine.UN_LANGUAGES}


@pytest.mark.pdf
@pytest.mark.parametrize("lang", engine.UN_LANGUAGES)
def test_a_draft_is_marked_on_every_page_and_dated_in_its_language(lang: str, drafts: dict[str, Path]) -> None:
    reader = PdfReader(str(drafts[lang]))
    for number, page in enumerate(reader.pages, 1):
        assert flat(DRAFT[lang]) in flat(page.extract_text()), f"page {number} has no mark"
    text = flat(pdf_text(drafts[lang]))
    if lang == "ar":  # digits and neutrals inside right-to-left text come out of the PDF reordered: the words
        line = next(line for line in pdf_text(drafts[lang]).splitlines() if "مارس" in line)
        words = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069:\u00b7]", " ", line).split()
        assert set(DATES[lang].split()) <= set(words), line
    else:
        assert flat(DATES[lang]) in text
    assert flat(LANGUAGE[lang]) in text
    assert "CAC/COSP/SA/KEN/2026/0" in text  # a draft has no submission number
    organization = COVER.organization_in(lang)
    assert flat(organization) in text
