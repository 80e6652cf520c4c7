"""The country review report as PDF: what a worker runs (:func:`render_report`) and how the app asks
for it, as for profiles (``web.profiles.tasks``): never rendered in a web request.

A file is cached under ``PROFILE_DIR`` (``reviews/<review id>/report-<lang>-<key>.pdf``), keyed by
the report's HTML (:func:`exports.review_report.cache_key`): a saved part, a new timeline step or
status, a finalisation or a new translation gives a new file; the older one is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exports import review_report
from exports.cache import ReportCache
from exports.pdf import render_pdf

from ..db import db
from ..jobs import INTERACTIVE, JobState, ask, job_id
from ..models import CountryReview
from ..models.reviews import REPORT_PARTS

TASK = "web.reviews.tasks.render_report"


class ReviewGone(Exception):
    code = "gone"


@dataclass(frozen=True)
class Located:
    """One report file: which review and language, its cache key, and the file if rendered."""

    review_id: int
    lang: str
    key: str
    path: Path | None


def report_data(review: CountryReview, lang: str) -> review_report.ReportData:
    from flask_babel import force_locale

    from . import timeline
    from .views import step_label, step_status

    with force_locale(lang):
        steps = tuple((step_label(s.code), s.on.isoformat() if s.on else "–", step_status(s.status))
                      for s in timeline(review))
    return review_report.ReportData(
        state_name=review.state.name(lang), state_code=review.state.code, cycle=review.round.name,
        chapters=tuple(review.round.chapters), reviewers=tuple(r.state.name(lang) for r in review.reviewers),
        final=review.report_status == "final", parts={p: getattr(review, p) for p in REPORT_PARTS}, timeline=steps)


def _cache() -> ReportCache:
    from ..profiles import Settings

    return ReportCache(Settings.current().folder)


def locate(review: CountryReview, lang: str) -> Located:
    """Which file holds the report as it is now (cheap: a page or two of HTML, not rendered)."""
    from ..profiles import gettext_for

    key = review_report.cache_key(report_data(review, lang), lang, gettext_for(lang))
    return Located(review.id, lang, key, _cache().get_report(review.id, lang, key))


def render_report(review_id: int, lang: str) -> dict[str, Any]:
    """The job: render the report as it is when the job runs (or find it cached)."""
    from ..profiles import Settings, gettext_for

    review = db.session.get(CountryReview, review_id)
    if review is None:
        raise ReviewGone(f"review {review_id} no longer exists")
    html = review_report.build_html(report_data(review, lang), lang, gettext_for(lang))  # built once: key and file
    key = review_report.html_key(html)
    db.session.rollback()  # all is in memory now: hold no transaction (on SQLite, no lock) while rendering
    settings = Settings.current()
    path, rendered = ReportCache(settings.folder).get_or_render_report(
        review_id, lang, key, lambda: html,
        render=lambda html, target: render_pdf(html, target, settings.timeout, settings.memory))
    result: dict[str, Any] = {"file": str(path), "review": review_id, "lang": lang, "rendered": rendered is not None}
    if rendered is not None:
        result.update(seconds=round(rendered.seconds, 3), pages=rendered.pages, size=rendered.size)
    return result


def request_render(found: Located, retry: bool = False, priority: str = INTERACTIVE) -> JobState:
    """The job preparing ``found``: the same for every request of the same content."""
    name = job_id("review", str(found.review_id), found.lang, found.key[:32])
    return ask(TASK, (found.review_id, found.lang), name, retry=retry, priority=priority)
