"""Profiles rendered to PDF in each of the six languages, read back: the headings and answers in
reading order, the fonts embedded (Noto Naskh Arabic for Arabic, Noto Sans CJK SC for Chinese, no
fallback font), and no missing glyphs. One full profile per language; the Arabic one is the
complete checklist (the heaviest case), the others a response with four articles answered."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import engine
from exports.pdf import render_many
from exports.profile import build_html

from .conftest import NAMES, flat, in_order, make_data, pdf_fonts, pdf_text, pypdf_text
from .filled import filled

pytestmark = pytest.mark.pdf

ARTICLES = ("5", "15", "46", "52")
#: A few headings as the interface catalogs would translate them (test data, not the product's).
CATALOG = {
    "ar": {"Contents": "المحتويات", "Summary of compliance": "ملخص الامتثال",
           "Challenges in implementation": "التحديات في التنفيذ", "Technical assistance needed":
           "المساعدة التقنية اللازمة", "Article %(number)s. %(title)s": "المادة %(number)s. %(title)s"},
    "es": {"Contents": "Índice", "Summary of compliance": "Resumen del cumplimiento",
           "Challenges in implementation": "Dificultades en la aplicación"},
    "fr": {"Contents": "Table des matières", "Summary of compliance": "Synthèse de la conformité",
           "Challenges in implementation": "Difficultés d'application"},
    "ru": {"Contents": "Содержание", "Summary of compliance": "Сводные данные о соблюдении",
           "Challenges in implementation": "Проблемы в осуществлении"},
    "zh": {"Contents": "目录", "Summary of compliance": "遵约情况摘要",
           "Challenges in implementation": "执行方面的挑战"},
    "en": {},
}


def gettext(lang: str) -> Any:
    return lambda message: CATALOG[lang].get(message, message)


@pytest.fixture(scope="module")
def rendered(checklist: engine.Questionnaire, complete: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[
        str, Path]:
    """The six full profiles, rendered two at a time (the worker processes of the product)."""
    folder = tmp_path_factory.mktemp("profiles")
    some = filled(checklist, articles=ARTICLES)
    jobs = []
    for lang in engine.UN_LANGUAGES:
        answers, languages = complete if lang == "ar" else some
        data = make_data(checklist, answers, languages)
        jobs.append((lang, lambda data=data, lang=lang: build_html(data, lang, "full", gettext(lang)),
                     folder / f"{lang}.pdf"))
    results = render_many(jobs, workers=2)
    failed = {lang: str(result) for lang, result in results.items() if isinstance(result, Exception)}
    assert not failed, failed
    return {lang: folder / f"{lang}.pdf" for lang in engine.UN_LANGUAGES}


def expected(q: engine.Questionnaire, lang: str, answers: dict[str, Any]) -> list[str]:
    """What a reader finds, in this order, in the profile in ``lang``."""
    fw = q.framework
    assert fw is not None
    t = {key: CATALOG[lang].get(key, key) for key in ("Contents", "Summary of compliance",
                                                      "Challenges in implementation")}

    def title(article: str) -> str:
        return q.text(fw.articles[article].title, lang).text

    return [
        NAMES[lang], t["Contents"], t["Summary of compliance"], q.text(fw.chapters[0].title, lang).text,
        title("5"), answers["p5_1.measures_summary"],  # in English
        title("15"), answers["p15_a.measures_summary"],
        title("46"), answers["p46_1.measures_summary"],  # in French
        title("52"), "الذي يحدد التزامات السلطات المختصة والعقوبات المطبقة",  # in Arabic (pdftotext splits
        # letters carrying vowel marks from their word, so the check avoids them)
        t["Challenges in implementation"], answers["p5_3.challenges_detail"],
    ]


@pytest.mark.parametrize("lang", engine.UN_LANGUAGES)
def test_headings_and_answers_in_reading_order(lang: str, rendered: dict[str, Path], checklist: Any,
                                               complete: Any) -> None:
    answers = complete[0] if lang == "ar" else filled(checklist, articles=ARTICLES)[0]
    text = pdf_text(rendered[lang])
    problems = in_order(text, expected(checklist, lang, answers))
    assert not problems, problems
    # the provision's summary, from the questionnaire, in the profile's language (in Arabic a part
    # without punctuation: pdftotext moves punctuation at the ends of right-to-left lines)
    summary = checklist.text(checklist.framework.provisions["5.1"].summary, lang).text
    wanted = "وضع سياسات وطنية فعالة ومنسقة لمكافحة الفساد وتنفيذها" if lang == "ar" else summary[:60]
    assert wanted in summary and flat(wanted) in flat(text)


@pytest.mark.parametrize("lang", engine.UN_LANGUAGES)
def test_fonts_are_the_ones_named_and_no_glyph_is_missing(lang: str, rendered: dict[str, Path]) -> None:
    fonts = pdf_fonts(rendered[lang])
    assert not [name for name in fonts if "DejaVu" in name or "JP" in name or "Kufi" in name], fonts
    assert "Noto-Sans" in fonts  # Latin and Cyrillic text, and English answers
    assert "Noto-Naskh-Arabic" in fonts  # the Arabic answers of article 52, whatever the profile's language
    if lang == "ar":
        assert "Noto-Naskh-Arabic-Bold" in fonts  # Arabic headings
    if lang == "zh":
        assert "Noto-Sans-CJK-SC" in fonts and "Noto-Sans-CJK-SC-Bold" in fonts
    else:
        assert not [name for name in fonts if "CJK" in name], fonts
    text = pypdf_text(rendered[lang])
    assert "\x00" not in text and "\ufffd" not in text


def test_arabic_complete_profile_is_whole(rendered: dict[str, Path], checklist: Any, complete: Any) -> None:
    reader = PdfReader(str(rendered["ar"]))
    assert len(reader.pages) > 40
    text = pdf_text(rendered["ar"])
    fw = checklist.framework
    chapters = [checklist.text(chapter.title, "ar").text for chapter in fw.chapters]
    assert not in_order(text, chapters + ["Annex I. Legislation and other measures cited", "Annex III. Methodology"])
    assert "Every provision has been answered" in text
    assert "كينيا" in reader.pages[1].extract_text()  # the running header, from the second page
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "كينيا" and "ملخص الامتثال" in outline  # PDF bookmarks from the headings
    assert "التحديات في التنفيذ" in outline


def test_page_numbers_and_running_headers(rendered: dict[str, Path]) -> None:
    reader = PdfReader(str(rendered["en"]))
    pages = len(reader.pages)
    first, second, last = (reader.pages[i].extract_text() for i in (0, 1, pages - 1))
    assert f"2 / {pages}" in second and f"{pages} / {pages}" in last
    assert f"1 / {pages}" not in first  # the cover has no header or number
    assert "Kenya · Country profile" in second and "Kenya · Country profile" not in first
    contents = pdf_text(rendered["en"]).split("Contents", 1)[1]
    assert "Summary of compliance" in contents.split("\n", 3)[1] or "Summary of compliance ....." in contents


def number_order(path: Path) -> tuple[int, int]:
    """On the pages (pdftotext's word boxes, left to right on each line): how many times a number
    is followed by a parenthesised part, as in '5 (1)', and how many times the reverse, '(1) 5'.
    The parentheses' characters are not compared: pdftotext may give them turned round (README,
    "Right to left")."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    page = 0
    for line in out.splitlines():
        page += line.strip().startswith("<page")
        if found := re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)".*>(.*)</word>', line):
            lines.setdefault((page, round(float(found[2]))), []).append(
                (float(found[1]), float(found[3]), found[4]))
    number, part = re.compile(r"^\d+$"), re.compile(r"^[()][0-9a-z]+[()]$")
    forward = backward = 0
    for words in lines.values():
        words.sort()
        for (_, end, left), (start, _, right) in zip(words, words[1:], strict=False):
            if start - end < 4:  # one space apart: the same number
                forward += bool(number.match(left) and part.match(right))
                backward += bool(part.match(left) and number.match(right))
    return forward, backward


def test_provision_numbers_read_left_to_right_in_arabic(rendered: dict[str, Path]) -> None:
    """In the Arabic profile every '5 (1)' is drawn as such (in tables, headings and lists), never
    '(1) 5' as right-to-left text would order it."""
    forward, backward = number_order(rendered["ar"])
    assert forward > 500 and backward == 0
