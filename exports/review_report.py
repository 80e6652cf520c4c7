"""The country review report (its skeleton: the executive summary) as HTML for the PDF renderer.

Pure like the profiles (no Flask): the caller gives the facts (:class:`ReportData`) and the
``gettext`` of the report's language; the HTML is autoescaped, uses the profile's stylesheets
(right to left for Arabic) and is rendered by :func:`exports.pdf.render_pdf`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import engine

from .profile.render import direction, environment, template_version

Gettext = Callable[[str], str]

#: The parts of the executive summary, in order (``web.models.reviews.REPORT_PARTS``).
PARTS = ("successes", "challenges", "recommendations", "assistance_needs")


def labels(_: Gettext) -> dict[str, str]:
    """The report's fixed texts, translated with ``_`` (extracted into the interface catalogs)."""
    return {
        "title": _("Country review report"),
        "state": _("State under review"),
        "cycle": _("Review cycle"),
        "chapters": _("Chapters reviewed"),
        "reviewers": _("Reviewing States"),
        "status": _("Status of the report"),
        "draft": _("Draft"),
        "final": _("Final"),
        "executive_summary": _("Executive summary"),
        "successes": _("Successes and good practices"),
        "challenges": _("Challenges in implementation"),
        "recommendations": _("Recommendations"),
        "assistance_needs": _("Technical assistance needs"),
        "empty": _("Not written yet."),
        "timeline": _("Timeline of the review"),
        "note": _("Prepared by the reviewing States with the secretariat, from the State's self-assessment and "
                  "the dialogue with it."),
    }


@dataclass(frozen=True)
class ReportData:
    state_name: str
    state_code: str
    cycle: str
    chapters: tuple[str, ...]
    reviewers: tuple[str, ...]  # names of the reviewing States in the report's language
    final: bool
    parts: dict[str, str]  # part -> text as written
    timeline: tuple[tuple[str, str, str], ...] = field(default=())  # (step, date, status), translated


def build_html(data: ReportData, lang: str, gettext: Gettext | None = None) -> str:
    if lang not in engine.UN_LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}")
    texts = labels(gettext or (lambda message: message))
    return environment().get_template("profile/review_report.html").render(
        r=data, L=texts, lang=lang, dir=direction(lang), parts=PARTS, written_dir=written_direction)


def cache_key(data: ReportData, lang: str, gettext: Gettext | None = None) -> str:
    """A name for the rendered file (hex digest): of the HTML, which holds the facts, the translated
    texts and the layout, and of the stylesheets (:func:`~exports.profile.render.template_version`).
    Building the HTML is cheap (a page or two of text); rendering it is what a job does."""
    return html_key(build_html(data, lang, gettext))


def html_key(html: str) -> str:
    """The cache key of the report's HTML as built (see :func:`cache_key`)."""
    return hashlib.sha256(f"{template_version()}\n{html}".encode()).hexdigest()


def written_direction(text: str) -> str:
    """``rtl`` or ``ltr`` from the first strongly directional letter (what ``dir=auto`` would do;
    WeasyPrint needs it spelled out): an English text in an Arabic report stays left to right."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
