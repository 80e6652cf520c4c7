"""Fixtures of the export tests: the shipped checklist, filled answers, profile data, and helpers
that read a PDF back (pdftotext for text in logical order, pdffonts and pypdf for fonts)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import engine
from exports.profile import FocalPoint, ProfileData

from .filled import as_of, filled, questionnaire

NAMES = {"ar": "كينيا", "en": "Kenya", "es": "Kenia", "fr": "Kenya", "ru": "Кения", "zh": "肯尼亚"}

@pytest.fixture(scope="session")
def checklist() -> engine.Questionnaire:
    return questionnaire()


@pytest.fixture(scope="session")
def complete(checklist: engine.Questionnaire) -> tuple[dict[str, Any], dict[str, str]]:
    """Every provision answered (English, with article 46 in French and chapter V in Arabic). Whether
    extradition needs a treaty is left open, so that paragraphs 5 to 7 of article 44 all apply."""
    answers, languages = filled(checklist)
    return ({qid: value for qid, value in answers.items() if qid != "extradition_treaty"},
            {qid: lang for qid, lang in languages.items() if qid != "extradition_treaty"})


def make_data(q: engine.Questionnaire, answers: dict[str, Any], languages: dict[str, str] | None = None,
              **overrides: Any) -> ProfileData:
    values: dict[str, Any] = {
        "state_code": "KEN", "state_names": NAMES, "region": "002", "questionnaire": q, "answers": answers,
        "answer_languages": languages or {}, "status": "accepted", "as_of": as_of(), "snapshot_number": 2,
        "revision": 1, "answers_hash": "3f" * 32, "source_key": "",
        "focal_point": FocalPoint("Wanjiru Kamau", "Senior State Counsel", "Office of the Attorney General"),
    }
    values.update(overrides)
    return ProfileData(**values)


@pytest.fixture
def data_of(checklist: engine.Questionnaire) -> Callable[..., ProfileData]:
    def build(answers: dict[str, Any], languages: dict[str, str] | None = None, **overrides: Any) -> ProfileData:
        return make_data(checklist, answers, languages, **overrides)

    return build


# -- reading PDFs back ------------------------------------------------------------------------------
def pdf_text(path: Path) -> str:
    """The text in reading (logical) order, as pdftotext gives it (not -raw: that is visual order)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pdf_fonts(path: Path) -> list[str]:
    """Embedded font names without the subset prefix, e.g. 'Noto-Naskh-Arabic'."""
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    names = []
    for line in result.stdout.splitlines()[2:]:
        name = line.split()[0]
        names.append(re.sub(r"^[A-Z]{6}\+", "", name))
    return names


def pypdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


_INVISIBLE = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\u064b-\u065f\u0670]+")


def flat(text: str) -> str:
    """Text without whitespace, bidi controls or Arabic vowel marks (pdftotext adds the first two
    around right-to-left runs and breaks Chinese lines anywhere; it may set a vowel mark apart)."""
    return _INVISIBLE.sub("", text)


def in_order(text: str, expected: list[str]) -> list[str]:
    """The expected strings missing from ``text`` or found out of order (empty when all is well)."""
    haystack = flat(text)
    problems, position = [], 0
    for item in expected:
        wanted = flat(item)
        found = haystack.find(wanted, position)
        if found < 0:
            problems.append(f"missing or out of order: {item!r}" + (" (present earlier)" if wanted in haystack else ""))
        else:
            position = found + len(wanted)
    return problems
